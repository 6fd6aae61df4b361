"""Layers with `forward(...)` and `backward(dout)`, as in the book's chapter 5.

Conventions (the same in every layer):
- `backward(dout)` returns the gradients with respect to `forward`'s arguments, in their order
  (a tuple when there are several, the array itself when there is one; labels get none).
- Layers with parameters keep them as attributes (`W`, `b`) and their gradients as `dW`, `db`;
  `params` and `grads` give both as dicts under the same names.
- No layer ever modifies an array it was given (the book's `Relu.backward` zeroes the caller's
  `dout` in place).
- Every layer checks the dtype and shape of what it is given. It also scans its inputs for NaN
  and inf unless built with `check=False`, which a network does for its layers: they pass each
  other arrays that were already scanned (each Affine scans its output), so a training step
  need not scan every array twice.
Shapes: N batch, D input features, M output features, C classes.
"""

import math

import numpy as np

from scratch.functions import sigmoid
from scratch.validation import (
    check_finite,
    check_labels,
    check_ndim,
    check_same_shape,
    ensure_float,
)


class _Layer:
    """What every layer shares: a display name for error messages, and its parameters."""

    param_names = ()

    def __init__(self, name=None, *, check=True):
        self.name = name or type(self).__name__
        self.check = check

    @property
    def params(self):
        """The layer's parameters by name, e.g. `{'W': W, 'b': b}` (empty when it has none)."""
        return {k: getattr(self, k) for k in self.param_names}

    @property
    def grads(self):
        """The gradients of the parameters after `backward`, under the parameters' names."""
        return {k: getattr(self, "d" + k) for k in self.param_names}

    def _check_input(self, x, name="x"):
        """x as a float array, scanned for NaN and inf unless the layer has check=False."""
        where = f"{self.name}.forward"
        x = ensure_float(x, where, name)
        return check_finite(x, where, name) if self.check else x

    def _check_dout(self, dout, shape):
        where = f"{self.name}.backward"
        dout = ensure_float(dout, where, "dout")
        if dout.shape != shape:
            raise ValueError(
                f"{where}: dout must have the shape of forward's output {shape}, got "
                f"{dout.shape}"
            )
        return check_finite(dout, where, "dout") if self.check else dout

    def _require_forward(self, cache):
        if cache is None:
            raise RuntimeError(f"{self.name}.backward called before forward")


class MulLayer(_Layer):
    """out = x * y, for numbers or arrays of the same shape.

    Local derivatives: d out / dx = y and d out / dy = x, so the upstream gradient is
    multiplied by the *other* input ("switched").
    """

    def __init__(self, name=None, *, check=True):
        super().__init__(name, check=check)
        self.x = self.y = None

    def forward(self, x, y):
        """x, y: numbers or arrays of one shape -> out: that shape."""
        self._check_input(x, "x")
        self._check_input(y, "y")
        check_same_shape(x, y, f"{self.name}.forward", ("x", "y"),
                         " (broadcasting would make backward wrong)")
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        """dout: shape of out -> (dx, dy), each the shape of its input."""
        self._require_forward(self.x)
        self._check_dout(dout, np.shape(self.x))
        return dout * self.y, dout * self.x


class AddLayer(_Layer):
    """out = x + y. Both local derivatives are 1: the gradient passes through unchanged."""

    def __init__(self, name=None, *, check=True):
        super().__init__(name, check=check)
        self.shape = None

    def forward(self, x, y):
        """x, y: numbers or arrays of one shape -> out: that shape."""
        self._check_input(x, "x")
        self._check_input(y, "y")
        check_same_shape(x, y, f"{self.name}.forward", ("x", "y"),
                         " (broadcasting would make backward wrong)")
        self.shape = np.shape(x)
        return x + y

    def backward(self, dout):
        """dout: shape of out -> (dx, dy), two separate copies of dout."""
        self._require_forward(self.shape)
        self._check_dout(dout, self.shape)
        # Two new objects, so that changing one gradient in place cannot change the other.
        return dout * 1, dout * 1


class Relu(_Layer):
    """out = max(0, x); the local derivative is 1 where x > 0 and 0 elsewhere (0 at x == 0)."""

    def __init__(self, name=None, *, check=True):
        super().__init__(name, check=check)
        self.mask = None

    def forward(self, x):
        """x: any shape -> out: same shape."""
        x = self._check_input(x)
        self.mask = x > 0
        # np.maximum, not x * mask: negative inputs give 0.0 rather than -0.0.
        return np.maximum(x, 0.0)

    def backward(self, dout):
        """dout: shape of x -> dx: shape of x (a new array; dout is left as it was)."""
        self._require_forward(self.mask)
        dout = self._check_dout(dout, self.mask.shape)
        dx = dout * self.mask  # upstream gradient times the local derivative, 1 or 0
        dx += 0.0  # a negative dout times 0 is -0.0; adding 0.0 makes it a plain 0.0
        return dx


class Sigmoid(_Layer):
    """out = 1 / (1 + exp(-x)); the local derivative is out * (1 - out)."""

    def __init__(self, name=None, *, check=True):
        super().__init__(name, check=check)
        self.out = None

    def forward(self, x):
        """x: any shape -> out: same shape, in (0, 1)."""
        x = self._check_input(x)
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        """dout: shape of x -> dx: shape of x."""
        self._require_forward(self.out)
        dout = self._check_dout(dout, self.out.shape)
        return dout * (1.0 - self.out) * self.out


class Affine(_Layer):
    """out = x W + b, for a batch of samples of any shape (flattened to D features).

    x: (N, d1, ..., dk) with d1 * ... * dk = D;  W: (D, M);  b: (M,);  out: (N, M).
    Backward: dx = dout W^T (reshaped back to x's shape), dW = x^T dout, db = sum of dout over
    the batch (b was added to every row, so every row's gradient flows into it).
    """

    param_names = ("W", "b")

    def __init__(self, W, b, name=None, input_grad=True, *, check=True):
        super().__init__(name, check=check)
        self.W, self.b = W, b
        # A network's first layer may skip dx: nobody needs the gradient with respect to the
        # images, and dout W^T is the most expensive product of the whole backward pass.
        self.input_grad = input_grad
        self.dW = self.db = None
        self.x2d = self.x_shape = None

    def _check_params(self, where):
        W, b = np.asarray(self.W), np.asarray(self.b)
        if W.ndim != 2 or b.shape != (W.shape[-1],):
            raise ValueError(
                f"{where}: W must be (D, M) and b (M,), got W {W.shape} and b {b.shape}"
            )
        return W, b

    def forward(self, x):
        """x: (N, d1, ..., dk) -> out: (N, M)."""
        where = f"{self.name}.forward"
        W, b = self._check_params(where)
        x = check_ndim(ensure_float(x, where), range(2, 64), where, "x", "(N, D) or (N, d1, ...)")
        d = math.prod(x.shape[1:])
        if d != W.shape[0]:
            raise ValueError(
                f"{where}: x has {d} features per sample (shape {x.shape}) but W expects "
                f"{W.shape[0]} (W is {W.shape})"
            )
        self.x_shape, self.x2d = x.shape, x.reshape(x.shape[0], d)
        out = self.x2d @ W
        out += b  # in place: one temporary (N, M) array fewer per step
        # NaN and inf in x, W or b always reach out, which is much smaller to scan than x;
        # only when out is bad do we look for the culprit.
        if not np.isfinite(out).all():
            for name, arr in (("x", x), ("W", W), ("b", b)):
                check_finite(arr, where, name)
            raise ValueError(f"{where}: x W + b overflowed to inf (|x| up to {np.abs(x).max()})")
        return out

    def backward(self, dout):
        """dout: (N, M) -> dx: x's shape (None without input_grad); sets dW: (D, M), db: (M,)."""
        self._require_forward(self.x2d)
        dout = self._check_dout(dout, (self.x2d.shape[0], self.W.shape[1]))
        self.dW = self.x2d.T @ dout
        self.db = dout.sum(axis=0)
        if not self.input_grad:
            return None
        return (dout @ self.W.T).reshape(self.x_shape)


class SoftmaxWithLoss(_Layer):
    """Softmax followed by the cross-entropy loss, as one layer.

    forward(x, t): x: (N, C) logits (or (C,) for one sample); t: (N,) integer labels or
    (N, C) one-hot. Returns the mean loss, a float.
    backward(dout=1): dx = dout * (softmax(x) - onehot(t)) / N, the famously simple gradient
    of the pair. Labels get no gradient.
    """

    def __init__(self, name=None, *, check=True):
        super().__init__(name, check=check)
        self.y = self.labels = self.loss = None
        self.single = False

    def forward(self, x, t):
        where = f"{self.name}.forward"
        x = self._check_input(x)
        self.single = x.ndim == 1
        if self.single:
            x, t = x[np.newaxis], np.asarray(t)[np.newaxis]
        check_ndim(x, (2,), where, "x", "(N, C) or (C,)")
        self.labels = check_labels(t, x.shape[0], x.shape[1], where)
        rows = np.arange(x.shape[0])
        # log softmax straight from the shifted logits: exact, and never log(0).
        shifted = x - x.max(axis=1, keepdims=True)
        picked = shifted[rows, self.labels]  # the true class's shifted logit, per sample
        e = np.exp(shifted, out=shifted)  # in place: shifted is our own temporary
        total = e.sum(axis=1, keepdims=True)
        self.y = np.divide(e, total, out=e)
        self.loss = float((np.log(total[:, 0]) - picked).sum()) / x.shape[0]
        return self.loss

    def backward(self, dout=1.0):
        """dout: a number (the loss is a scalar) -> dx: x's shape."""
        self._require_forward(self.y)
        if np.asarray(dout).ndim != 0:
            raise ValueError(f"{self.name}.backward: dout must be a scalar, got {np.shape(dout)}")
        n = self.y.shape[0]
        dx = self.y.copy()
        dx[np.arange(n), self.labels] -= 1
        dx *= dout / n
        return dx[0] if self.single else dx

