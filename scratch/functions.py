"""Activation and loss functions (the book's `common/functions.py`, made robust).

Vocabulary: N batch size, C classes. Every function accepts any float array; where an axis
matters it is the last one, so a single sample `(C,)` and a batch `(N, C)` both work.
"""

import numpy as np

from scratch.validation import check_batch, ensure_float


def identity(x):
    """Identity: `x: any shape` -> `out: same shape` (a copy is not needed; x is returned)."""
    return x


def step_function(x):
    """Heaviside step: 1 where x > 0 else 0. `x: any shape` -> `out: same shape, int64`.

    The book writes `np.array(x > 0, dtype=np.int)`; `np.int` was removed in NumPy 1.24.
    """
    return (np.asarray(x) > 0).astype(np.int64)


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + exp(-x)). `x: any shape` -> `out: same shape, same float dtype`.

    Written piecewise so that exp is only ever taken of a non-positive number: the naive formula
    overflows (and warns) for x below about -710 in float64 (-89 in float32).
    """
    x = ensure_float(x, "sigmoid")
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(x):
    """Derivative of the sigmoid: s(x) (1 - s(x)). `x: any shape` -> `out: same shape`."""
    s = sigmoid(x)
    return (1.0 - s) * s


def relu(x):
    """Rectified linear unit max(0, x). `x: any shape` -> `out: same shape`."""
    return np.maximum(0, x)


def relu_grad(x):
    """Derivative of ReLU (0 at x == 0). `x: any shape` -> `out: same shape, x's dtype`.

    The book's version starts from `np.zeros(x)`, which treats x as a shape; this is `zeros_like`.
    """
    x = np.asarray(x)
    grad = np.zeros_like(x)
    grad[x > 0] = 1
    return grad


def softmax(x):
    """Softmax over the last axis. `x: (..., C)` -> `out: (..., C)`, each row sums to 1.

    Subtracting the row maximum leaves the result unchanged (the factor exp(-max) cancels) and
    keeps exp from overflowing for large logits.
    """
    x = ensure_float(x, "softmax")
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(x):
    """log(softmax(x)) over the last axis, computed without ever taking log(0).

    `x: (..., C)` -> `out: (..., C)`. log softmax = x - max - log(sum(exp(x - max))).
    """
    x = ensure_float(x, "log_softmax")
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def mean_squared_error(y, t):
    """Half the sum of squared errors, averaged over the batch (the book's definition).

    `y: (C,)` or `(N, C)`, `t`: the same shape -> a float. For a single sample this is
    0.5 * sum((y - t)**2), exactly as the book computes it.
    """
    y = ensure_float(y, "mean_squared_error")
    t = np.asarray(t)
    if t.shape != y.shape:
        raise ValueError(
            f"mean_squared_error: t must have y's shape {y.shape}, got {t.shape}"
        )
    n = y.shape[0] if y.ndim == 2 else 1
    return float(0.5 * np.sum((y - t) ** 2) / n)


def cross_entropy_error(y, t, eps=None):
    """Mean cross-entropy -log y[t] of probabilities y for labels t.

    y: (N, C) or (C,) probabilities (e.g. softmax outputs).
    t: (N,) integer labels, (N, C) one-hot, or for a single sample a scalar / (C,) one-hot.
    eps: added inside the log so that log(0) never happens. The default is the smallest
        positive normal number of y's dtype: it changes no probability that is not already
        almost 0 (the book's 1e-7 shifts -log y by up to 1e-7 / y, which gradient checks see).
    Returns a float: the mean over the batch.
    """
    y, labels = check_batch(y, t, "cross_entropy_error", "y")
    if eps is None:
        eps = np.finfo(y.dtype).tiny
    p = y[np.arange(y.shape[0]), labels]
    return float(-np.mean(np.log(p + eps)))


def softmax_cross_entropy(x, t):
    """Cross-entropy of softmax(x) against t, from logits, stable for any finite logits.

    x: (N, C) or (C,) logits; t: as in `cross_entropy_error`. Returns a float (batch mean).
    Uses log_softmax, so logits of +-1e4 give the exact finite loss instead of log(0).
    """
    x, labels = check_batch(x, t, "softmax_cross_entropy")
    return float(-np.mean(log_softmax(x)[np.arange(x.shape[0]), labels]))
