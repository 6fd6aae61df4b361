"""Numerical gradients and gradient checking.

Centred differences: df/dx ~ (f(x + h) - f(x - h)) / (2h), with error O(h^2) instead of the
O(h) of the one-sided difference. Always check in float64: float32 rounding swamps the
difference quotient long before h is small enough to be accurate.

Two names for one computation: the book's `numerical_gradient(f, x)` (f returns a number, e.g.
a loss) is cs231n's `eval_numerical_gradient_array(f, x, df)` (f returns an array, contracted
with the upstream gradient df) with df = 1. Both, `check_layer` and the networks'
`numerical_gradient` step by `DEFAULT_H` unless told otherwise.
"""

import inspect

import numpy as np

# The step h of every centred difference here: near float64's eps**(1/3) = 6e-6, where
# truncation error (~h**2) and rounding error (~eps / h) together are smallest (notebook 05).
# The book uses 1e-4, which is a little less accurate.
DEFAULT_H = 1e-5


def _perturbable(x, where):
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(
            f"{where}: x must be a float NumPy array that can be changed in place, got "
            f"{type(x).__name__}{'' if not hasattr(x, 'dtype') else ' of dtype ' + str(x.dtype)}"
        )


def eval_numerical_gradient_array(f, x, df, h=DEFAULT_H):
    """Numerical gradient of an array-valued function, contracted with an upstream gradient.

    f: a function of no arguments whose output depends on `x` (changed in place here);
    x: the array to differentiate with respect to, any shape; df: upstream gradient, the shape
    of f's output. Returns grad: x's shape, sum(df * d f / d x[i]) for every i.
    `x` is restored exactly afterwards, also when f raises.
    """
    _perturbable(x, "eval_numerical_gradient_array")
    df = np.asarray(df)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        try:
            x[i] = old + h
            plus = np.array(f(), dtype=np.float64, copy=True)
            x[i] = old - h
            minus = np.array(f(), dtype=np.float64, copy=True)
        finally:
            x[i] = old
        grad[i] = np.sum((plus - minus) * df) / (2 * h)
    return grad


def numerical_gradient(f, x, h=DEFAULT_H):
    """Numerical gradient of a scalar function, as in the book (there with h = 1e-4).

    f: called as f(x) and returns a number (the book's nets pass `lambda _: net.loss(x, t)` and
    perturb a parameter in place); x: float array, any shape. Returns grad: x's shape.
    """
    return eval_numerical_gradient_array(lambda: f(x), x, 1.0, h)


def rel_error(a, b):
    """Relative error ||a - b|| / max(||a|| + ||b||, 1e-8) of two gradients (Euclidean norms).

    Scale-free, so the same thresholds work for any loss. Rough guide in float64: < 1e-7
    correct; 1e-7 to 1e-4 suspicious (a kink, the 1e-7 inside a log, or a small bug);
    > 1e-2 almost certainly wrong. Measured over the whole array, so that the rounding noise of
    an entry that is almost 0 counts for what it is; but one wrong entry among many is diluted
    too: for a verdict on a large array use `max_rel_error`.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ: {a.shape} vs {b.shape}")
    # The floor keeps two gradients that are both practically 0 from dividing noise by noise.
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-8))


def max_rel_error(a, b):
    """The worst entry's error, against the largest entries: max|a - b| / (max|a| + max|b|).

    For a verdict on one array of gradients. `rel_error` spreads one wrong entry among all n
    (about 1 / (2 sqrt(n)) of it remains: 2.5e-3 for the 39,200 entries of a 784 x 50 W1),
    and an error measured entry by entry turns the rounding noise of an entry that is almost 0
    into a huge relative error. Against the largest entries, a wrong entry of ordinary size
    stands out, and noise on a tiny one stays tiny. The same rough guide as rel_error's holds.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"max_rel_error: shapes differ: {a.shape} vs {b.shape}")
    if a.size == 0:
        return 0.0
    scale = np.abs(a).max() + np.abs(b).max()
    return float(np.abs(a - b).max() / max(scale, 1e-8))  # the floor: both practically 0


def check_layer(layer, *inputs, dout=None, h=DEFAULT_H, rng=None):
    """Compare a layer's backward with numerical gradients; return the errors by name.

    layer: any object with forward(*inputs) and backward(dout), optionally `params` (dict of
    arrays) and `grads` (same names). inputs: the forward arguments; those that backward returns
    a gradient for must be float arrays (they are perturbed in place and restored).
    dout: upstream gradient (default: random normal of the output's shape, or 1.0 for a loss).
    Returns e.g. {'x': 3e-10, 'W': 2e-11, 'b': 1e-11}, inputs first (named as in forward's
    signature), then parameters: each the `max_rel_error` of its gradient.
    """
    rng = np.random.default_rng(rng)
    out = layer.forward(*inputs)
    if dout is None:
        dout = 1.0 if np.ndim(out) == 0 else rng.standard_normal(np.shape(out))
    analytic = layer.backward(dout)
    analytic = analytic if isinstance(analytic, tuple) else (analytic,)
    analytic_params = {k: np.array(v, copy=True) for k, v in getattr(layer, "grads", {}).items()}
    names = list(inspect.signature(layer.forward).parameters)
    errors = {}
    for name, x, grad in zip(names, inputs, analytic):
        errors[name] = max_rel_error(
            grad, eval_numerical_gradient_array(lambda: layer.forward(*inputs), x, dout, h)
        )
    for name, p in getattr(layer, "params", {}).items():
        numeric = eval_numerical_gradient_array(lambda: layer.forward(*inputs), p, dout, h)
        errors[name] = max_rel_error(analytic_params[name], numeric)
    return errors
