"""Checks for notebook 03's exercises (a LeakyRelu and a Tanh layer) and notebook 05's
(LeakyRelu again: a buggy backward to fix).

Each check builds the learner's layer, runs forward on a fixed random batch x: (N, D) and
backward on a random upstream gradient dout: (N, D), and compares
- forward's output with the true function,
- backward's dx with a numerical gradient of the learner's own forward (float64),
- x and dout before and after, because a layer must not change the arrays it is given.
"""

import numpy as np

from scratch.checks import Fail, expect_close, expect_gradients, refusing_calls, run_check
from scratch.gradient import eval_numerical_gradient_array, numerical_gradient


def _own_work():
    """While the learner's layer runs, scratch's numerical gradients refuse to be called: a
    backward that returns a numerical gradient is not the derivative written out."""
    return refusing_calls([eval_numerical_gradient_array, numerical_gradient],
                          "your layer calls scratch.gradient's numerical gradient: write the "
                          "derivative out in backward")


def _inputs(seed=3, shape=(4, 5)):
    """x and dout, float64, with x kept 0.05 away from 0 (ReLU-like kinks sit at 0)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    x = np.where(np.abs(x) < 0.05, x + np.sign(x + 1e-12) * 0.1, x)
    return x, rng.standard_normal(shape)


def _check_activation(layer, f, forward_hint, backward_hints, backward_hint):
    """Shared check of an activation layer against f (x -> y).

    backward_hints: (wrong_dx_function of (x, y, dout), hint) pairs: when the learner's dx
    matches a typical wrong answer, the hint names that mistake.
    """
    x, dout = _inputs()
    x_before, dout_before = x.copy(), dout.copy()
    with _own_work():
        y = layer.forward(x)
    if not np.array_equal(x, x_before):
        raise Fail("forward changed x in place: compute a new array instead")
    expect_close(y, f(x), forward_hint)
    with _own_work():
        dx = layer.backward(dout)
    if dx is None:
        raise Fail("backward returns None: return dx")
    if not np.array_equal(dout, dout_before):
        raise Fail("backward changed dout in place (the book's Relu bug): return a new array, "
                   "e.g. dout * something, instead of assigning into dout")
    if np.shape(dx) != x.shape:
        raise Fail(f"dx must have x's shape {x.shape}, got {np.shape(dx)}")
    for wrong, hint in backward_hints:
        if np.allclose(dx, wrong(x, y, dout)):
            raise Fail(hint)
    numeric = eval_numerical_gradient_array(lambda: layer.forward(x), x, dout)
    return expect_gradients(dx, numeric, backward_hint)


def check_leaky_relu(layer_class, alpha=0.1):
    """layer_class(alpha=alpha): forward(x) = x where x > 0 else alpha * x; backward(dout).
    Checked at `alpha` and at another alpha, so that a layer ignoring its argument fails."""

    def check():
        note = _leaky_case(layer_class, alpha)
        other = 0.3 if alpha != 0.3 else 0.2
        with _own_work():
            layer = layer_class(alpha=other)
        x, _ = _inputs()
        with _own_work():
            y = np.asarray(layer.forward(x.copy()))
        if y.shape == x.shape and not np.allclose(y, np.where(x > 0, x, other * x)) and (
                np.allclose(y, np.where(x > 0, x, alpha * x))
                or np.allclose(y, np.where(x > 0, x, 0.01 * x))):
            raise Fail(f"made with alpha={other}, your layer still uses another slope: keep "
                       "the alpha __init__ is given (self.alpha = alpha) and use it")
        _leaky_case(layer_class, other)
        return note

    return run_check("LeakyRelu", check)


def _leaky_case(layer_class, alpha):
    with _own_work():
        layer = layer_class(alpha=alpha)
    return _check_activation(
        layer,
        lambda x: np.where(x > 0, x, alpha * x),
        f"forward should return x where x > 0 and {alpha} * x elsewhere",
        [
            (lambda x, y, d: d * (x > 0),
             f"inputs below 0 should pass {alpha} * dout back, not 0 (that is plain ReLU)"),
            (lambda x, y, d: d * alpha * (x > 0) + d * (x <= 0),
             f"the slopes are swapped: 1 where x > 0, {alpha} where x <= 0"),
            (lambda x, y, d: np.where(x > 0, d, 0.01 * d),
             f"where x < 0 the slope is alpha: use self.alpha ({alpha} here), not 0.01"),
        ],
        f"dx should be dout where x > 0 and {alpha} * dout elsewhere (use the mask saved "
        "in forward)",
    )


def check_tanh(layer_class):
    """layer_class(): forward(x) = tanh(x); backward(dout) = dout * (1 - y**2), y = tanh(x)."""

    def check():
        with _own_work():
            layer = layer_class()
        return _check_activation(
            layer,
            np.tanh,
            "forward should return np.tanh(x) (and keep it for backward)",
            [
                (lambda x, y, d: d * (1 - y),
                 "the derivative is 1 - y**2 (squared), not 1 - y"),
                (lambda x, y, d: d * (1 - x ** 2),
                 "use the output y = tanh(x) saved in forward: 1 - y**2, not 1 - x**2"),
                (lambda x, y, d: 1 - y ** 2,
                 "multiply the local derivative 1 - y**2 by the upstream gradient dout"),
            ],
            "dx should be dout * (1 - y**2) with y = tanh(x) saved in forward",
        )

    return run_check("Tanh", check)
