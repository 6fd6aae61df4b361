"""Notebook 11's weight-decay checks: right answers in several styles pass, each typical mistake
gets its own hint, shortcuts through scratch's networks or the checks' references are refused."""

import math

import numpy as np

from scratch.checks.weight_decay import (
    _reference_l2,
    _reference_matching,
    check_l2_penalty,
    check_matching_lambda,
)
from scratch.nets import MultiLayerNet
from tests.notebooks.check_output import (
    NOT_IMPLEMENTED,
    expect_verdicts,
    refuses_a_checks_own_function,
)

L2_OK = "l2_penalty: OK (lambda / 2 times the sum of squares of the weights; lambda W, biases 0)"
MATCH_OK = "matching_lambda: OK (our schedule needs lambda = 0.033 for the book's total decay)"


def _stub(*args):
    raise NotImplementedError


def l2_loop(params, lam):
    penalty, grads = 0.0, {}
    for key, p in params.items():
        if key.startswith("W"):
            penalty += 0.5 * lam * np.sum(p * p)
            grads[key] = lam * p
        else:
            grads[key] = np.zeros_like(p)
    return penalty, grads


def l2_comprehension(params, lam):
    weights = [p for k, p in params.items() if k[0] == "W"]
    penalty = lam / 2 * sum(float((w ** 2).sum()) for w in weights)
    return penalty, {k: (lam * p if k[0] == "W" else 0 * p) for k, p in params.items()}


def l2_vdot(params, lam):
    penalty = sum(np.vdot(p, p) for k, p in params.items() if "W" in k) * lam * 0.5
    return penalty, {k: lam * p * ("W" in k) for k, p in params.items()}


def _l2_variant(penalty_of=None, grad_of=None):
    """l2_loop with the penalty or one gradient replaced by a mistake."""

    def l2(params, lam):
        penalty, grads = l2_loop(params, lam)
        if penalty_of:
            penalty = penalty_of(params, lam)
        if grad_of:
            grads = {k: grad_of(k, p, lam, grads[k]) for k, p in params.items()}
        return penalty, grads

    return l2


no_half = _l2_variant(penalty_of=lambda params, lam: lam * sum(
    np.sum(p ** 2) for k, p in params.items() if k.startswith("W")))
with_biases = _l2_variant(penalty_of=lambda params, lam: 0.5 * lam * sum(
    np.sum(p ** 2) for p in params.values()))
l1_penalty = _l2_variant(penalty_of=lambda params, lam: 0.5 * lam * sum(
    np.sum(np.abs(p)) for k, p in params.items() if k.startswith("W")))
first_layer_only = _l2_variant(penalty_of=lambda params, lam: 0.5 * lam * np.sum(params["W1"] ** 2))
wrong_penalty = _l2_variant(penalty_of=lambda params, lam: 1.0 + lam)
twice_the_gradient = _l2_variant(grad_of=lambda k, p, lam, g: 2 * g)
half_the_gradient = _l2_variant(grad_of=lambda k, p, lam, g: g / 2)
l1_gradient = _l2_variant(grad_of=lambda k, p, lam, g: lam * np.sign(p) if k[0] == "W" else g)
biases_decayed = _l2_variant(grad_of=lambda k, p, lam, g: lam * p)
wrong_weight_grad = _l2_variant(grad_of=lambda k, p, lam, g: g + 1.0 if k[0] == "W" else g)
wrong_bias_grad = _l2_variant(grad_of=lambda k, p, lam, g: g if k[0] == "W" else g + 1.0)
wrong_shape = _l2_variant(grad_of=lambda k, p, lam, g: g.ravel()[:1])


def missing_biases(params, lam):
    penalty, grads = l2_loop(params, lam)
    return penalty, {k: g for k, g in grads.items() if k.startswith("W")}


def ignores_lambda(params, lam):
    return l2_loop(params, 0.1)  # the book's lambda, whatever it is given


def one_thing(params, lam):
    return l2_loop(params, lam)[0]


def changes_params(params, lam):
    result = l2_loop({k: p.copy() for k, p in params.items()}, lam)
    for key in params:
        if key.startswith("W"):
            params[key] *= 1 - lam  # "decays" the weights on the way
    return result


def through_a_network(params, lam):
    # a shortcut: let scratch's MultiLayerNet add the penalty to a loss
    net = MultiLayerNet(2, [2], 2, weight_decay_lambda=lam)
    net.loss(np.ones((1, 2)), np.array([0]))
    return l2_loop(params, lam)


def through_the_reference(params, lam):
    return _reference_l2(params, lam)


def test_l2_penalty_verdicts(capsys):
    cases = [
        (l2_loop, None), (l2_comprehension, None), (l2_vdot, None),
        (no_half, "the penalty is twice too large"),
        (with_biases, "not of the biases"),
        (l1_penalty, "that is the sum of |W| (L1)"),
        (first_layer_only, "not only W1's"),
        (wrong_penalty, "the penalty should be lambda / 2 times the sum of every W ** 2"),
        (twice_the_gradient, "is 2 lambda W"),
        (half_the_gradient, "is lambda W / 2"),
        (l1_gradient, "lambda sign(W), the gradient of the L1 penalty"),
        (biases_decayed, "only the weight matrices W are decayed"),
        (wrong_weight_grad, "should be lambda * params['W1']"),
        (wrong_bias_grad, "should be zeros: the penalty does not depend on 'b1'"),
        (wrong_shape, "must have params['W1']'s shape"),
        (missing_biases, "grads must be a dict with every key of params"),
        (one_thing, "return two things: (penalty, grads)"),
        (changes_params, "your function changed params"),
        (through_a_network, "calls a scratch network's loss or gradient", "wrapper"),
        (ignores_lambda, "the penalty should be lambda / 2 times the sum of every W ** 2",
         "ignores a hyperparameter"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_l2_penalty, cases, capsys, ok_line=L2_OK)


@refuses_a_checks_own_function
def test_l2_penalty_refuses_its_reference(capsys):
    expect_verdicts(check_l2_penalty,
                    [(through_the_reference, "calls a scratch network", "saved reference")],
                    capsys, ok_line=L2_OK)


def test_l2_penalty_hard_coded_for_one_input_fails(capsys):
    first = {}

    def remembers(params, lam):
        if not first:
            first["answer"] = l2_loop(params, lam)
        return first["answer"]

    expect_verdicts(check_l2_penalty, [(remembers, "the penalty should be lambda / 2 times",
                                        "hard-coded")], capsys, ok_line=L2_OK)


def matching_exact(lr, steps, book_lr, book_steps, book_lambda):
    return (1 - (1 - book_lr * book_lambda) ** (book_steps / steps)) / lr


def matching_logs(lr, steps, book_lr, book_steps, book_lambda):
    per_step = math.exp(book_steps * math.log1p(-book_lr * book_lambda) / steps)
    return (1 - per_step) / lr


def matching_first_order(lr, steps, book_lr, book_steps, book_lambda):
    return book_lr * book_lambda * book_steps / (lr * steps)


def matching_not_divided(lr, steps, book_lr, book_steps, book_lambda):
    return matching_exact(lr, steps, book_lr, book_steps, book_lambda) * lr


def matching_factor(lr, steps, book_lr, book_steps, book_lambda):
    return 1 - matching_exact(lr, steps, book_lr, book_steps, book_lambda) * lr


def matching_swapped(lr, steps, book_lr, book_steps, book_lambda):
    return (1 - (1 - book_lr * book_lambda) ** (steps / book_steps)) / lr


def matching_hard_coded(lr, steps, book_lr, book_steps, book_lambda):
    return (1 - 0.999 ** (601 / 360)) / 0.05  # the notebook's schedule's answer, for any input


def matching_rounded(lr, steps, book_lr, book_steps, book_lambda):
    return round(matching_exact(lr, steps, book_lr, book_steps, book_lambda), 5)


def matching_ignores_book_lambda(lr, steps, book_lr, book_steps, book_lambda):
    return matching_exact(lr, steps, book_lr, book_steps, 0.1)


def matching_pair(lr, steps, book_lr, book_steps, book_lambda):
    return lr, matching_exact(lr, steps, book_lr, book_steps, book_lambda)


def matching_through_the_reference(*args):
    return _reference_matching(*args)


def test_matching_lambda_verdicts(capsys):
    cases = [
        (matching_exact, None), (matching_logs, None),
        (matching_first_order, "that is the first-order answer"),
        (matching_not_divided, "that is lr * lambda, the shrink of one step: divide by lr"),
        (matching_factor, "that is the factor 1 - lr lambda of one step"),
        (matching_swapped, "your lambda shrinks the weights by"),
        (matching_hard_coded, "with lr 0.1 and 50 steps your lambda shrinks the weights by",
         "hard-coded"),
        (matching_rounded, "close, but not exact (a rounded number?)"),
        (matching_pair, "return one number, the lambda"),
        (matching_ignores_book_lambda, "with lr 0.1 and 50 steps your lambda shrinks the weights",
         "ignores a hyperparameter"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_matching_lambda, cases, capsys, ok_line=MATCH_OK)


@refuses_a_checks_own_function
def test_matching_lambda_refuses_its_reference(capsys):
    expect_verdicts(check_matching_lambda,
                    [(matching_through_the_reference, "calls this check's reference",
                      "saved reference")],
                    capsys, ok_line=MATCH_OK)
