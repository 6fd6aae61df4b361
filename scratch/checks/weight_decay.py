"""Notebook 11's weight-decay exercises: the L2 penalty over a params dict, and the lambda that
gives our short schedule the book's total decay."""

import numpy as np

from scratch.checks import Fail, refusing_calls, run_check
from scratch.nets import MultiLayerNet

NO_NET = ("your function calls a scratch network's loss or gradient: compute the penalty from "
          "params yourself")


def _reference_l2(params, weight_decay_lambda):
    """-> (lambda/2 * the sum of the squares of every W, {key: lambda W or zeros})."""
    penalty = sum(0.5 * weight_decay_lambda * float(np.sum(p ** 2))
                  for key, p in params.items() if key.startswith("W"))
    grads = {key: weight_decay_lambda * p if key.startswith("W") else np.zeros_like(p)
             for key, p in params.items()}
    return penalty, grads


def _params(seed, sizes, batchnorm=False):
    """A network's params dict for layer sizes (W1, b1, ...; gamma1, beta1 with batchnorm)."""
    rng = np.random.default_rng(seed)
    params = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{i}"] = rng.standard_normal((n_in, n_out))
        params[f"b{i}"] = rng.standard_normal(n_out)
        if batchnorm and i < len(sizes) - 1:
            params[f"gamma{i}"] = rng.uniform(0.5, 2.0, n_out)
            params[f"beta{i}"] = rng.standard_normal(n_out)
    return params


def _diagnose_penalty(got, params, lam):
    squares_w = sum(float(np.sum(p ** 2)) for k, p in params.items() if k.startswith("W"))
    squares_all = sum(float(np.sum(p ** 2)) for p in params.values())
    expected = 0.5 * lam * squares_w
    if np.isclose(got, lam * squares_w):
        raise Fail("the penalty is twice too large: it is lambda / 2 times the sum of squares "
                   "(the 1/2 cancels the 2 of the derivative)")
    if np.isclose(got, 0.5 * lam * squares_all):
        raise Fail("the penalty sums the squares of the weight matrices W only, not of the "
                   "biases (or gamma, beta)")
    if np.isclose(got, 0.5 * lam * sum(float(np.sum(np.abs(p))) for k, p in params.items()
                                       if k.startswith("W"))):
        raise Fail("that is the sum of |W| (L1); weight decay sums the squares W ** 2")
    if np.isclose(got, 0.5 * lam * float(np.sum(params["W1"] ** 2))):
        raise Fail("add the squares of every weight matrix, W1, W2, ..., not only W1's")
    raise Fail(f"the penalty should be lambda / 2 times the sum of every W ** 2 "
               f"({expected:.4g} here)")


def _diagnose_grad(key, got, p, lam):
    if key.startswith("W"):
        if np.allclose(got, 2 * lam * p):
            raise Fail(f"grads[{key!r}] is 2 lambda W: the derivative of lambda / 2 W ** 2 is "
                       "lambda W")
        if np.allclose(got, 0.5 * lam * p):
            raise Fail(f"grads[{key!r}] is lambda W / 2: the derivative of lambda / 2 W ** 2 is "
                       "lambda W (the 2 of the square cancels the 1/2)")
        if np.allclose(got, lam * np.sign(p)):
            raise Fail(f"grads[{key!r}] is lambda sign(W), the gradient of the L1 penalty; "
                       "weight decay's is lambda W")
        raise Fail(f"grads[{key!r}] should be lambda * params[{key!r}]")
    if np.allclose(got, lam * p):
        raise Fail(f"grads[{key!r}] is lambda times the parameter: only the weight matrices "
                   f"W are decayed, so the penalty adds 0 to {key!r}'s gradient")
    raise Fail(f"grads[{key!r}] should be zeros: the penalty does not depend on {key!r}")


def check_l2_penalty(l2_penalty):
    """l2_penalty(params, weight_decay_lambda) -> (penalty, grads): penalty = lambda / 2 * the
    sum of the squares of every weight matrix (the keys starting with "W"); grads: a dict with
    every key of params, lambda W for the weights and zeros for the others."""

    def check():
        cases = [(_params(1, [4, 3, 2]), 0.1), (_params(2, [5, 6, 4, 3], batchnorm=True), 0.37),
                 (_params(3, [2, 2]), 0.0)]
        for params, lam in cases:
            before = {k: p.copy() for k, p in params.items()}
            with refusing_calls([MultiLayerNet.loss, MultiLayerNet.loss_and_gradient,
                                 MultiLayerNet.gradient, _reference_l2], NO_NET):
                got = l2_penalty(params, lam)
            if any(not np.array_equal(params[k], before[k]) for k in params):
                raise Fail("your function changed params: compute the penalty and the "
                           "gradients without changing the weights")
            try:
                penalty, grads = got
                penalty = float(penalty)
            except (TypeError, ValueError):
                raise Fail("return two things: (penalty, grads), the penalty a number") from None
            expected_penalty, expected_grads = _reference_l2(params, lam)
            if not np.isclose(penalty, expected_penalty, rtol=1e-9, atol=1e-12):
                _diagnose_penalty(penalty, params, lam)
            if not isinstance(grads, dict) or set(grads) != set(params):
                raise Fail("grads must be a dict with every key of params: "
                           f"{sorted(params)}")
            for key, p in params.items():
                g = np.asarray(grads[key], dtype=float)
                if g.shape != p.shape:
                    raise Fail(f"grads[{key!r}] must have params[{key!r}]'s shape {p.shape}, "
                               f"got {g.shape}")
                if not np.allclose(g, expected_grads[key], rtol=1e-9, atol=1e-12):
                    _diagnose_grad(key, g, p, lam)
        return "(lambda / 2 times the sum of squares of the weights; lambda W, biases 0)"

    return run_check("l2_penalty", check)


def _reference_matching(lr, steps, book_lr, book_steps, book_lambda):
    """The lambda with (1 - lr lambda) ** steps == (1 - book_lr book_lambda) ** book_steps."""
    return (1 - (1 - book_lr * book_lambda) ** (book_steps / steps)) / lr


SCHEDULES = [(0.05, 360, 0.01, 601, 0.1), (0.1, 50, 0.01, 1000, 0.5), (0.2, 10, 0.05, 40, 0.2)]


def check_matching_lambda(matching_lambda):
    """matching_lambda(lr, steps, book_lr, book_steps, book_lambda) -> the lambda for which
    `steps` steps of SGD at `lr` shrink the weights by the same total factor as the book's
    schedule: (1 - lr lambda) ** steps == (1 - book_lr book_lambda) ** book_steps."""

    def check():
        for lr, steps, book_lr, book_steps, book_lambda in SCHEDULES:
            with refusing_calls([_reference_matching],
                                "your function calls this check's reference: write it yourself"):
                got = matching_lambda(lr, steps, book_lr, book_steps, book_lambda)
            try:
                got = float(got)
            except (TypeError, ValueError):
                raise Fail("return one number, the lambda") from None
            expected = _reference_matching(lr, steps, book_lr, book_steps, book_lambda)
            if np.isclose(got, expected, rtol=1e-9):
                continue
            if np.isclose(got, book_lr * book_lambda * book_steps / (lr * steps), rtol=1e-9):
                raise Fail("that is the first-order answer (lr lambda steps = book_lr "
                           "book_lambda book_steps); match the total factors exactly: "
                           "(1 - lr lambda) ** steps = (1 - book_lr book_lambda) ** book_steps")
            if np.isclose(got, expected * lr, rtol=1e-9):
                raise Fail("that is lr * lambda, the shrink of one step: divide by lr")
            if np.isclose(got, 1 - expected * lr, rtol=1e-9):
                raise Fail("that is the factor 1 - lr lambda of one step; solve it for lambda")
            if np.isclose(got, expected, rtol=1e-3):
                raise Fail("close, but not exact (a rounded number?): compute lambda from "
                           "the arguments, to full precision")
            ours = (1 - lr * got) ** steps
            raise Fail(f"with lr {lr} and {steps} steps your lambda shrinks the weights by "
                       f"{ours:.4g} in all, the book's schedule by "
                       f"{(1 - book_lr * book_lambda) ** book_steps:.4g}")
        ours = _reference_matching(*SCHEDULES[0])
        return f"(our schedule needs lambda = {ours:.3f} for the book's total decay)"

    return run_check("matching_lambda", check)
