"""Layers with `forward(...)` and `backward(dout)`, as in the book's chapter 5 and notebooks 02-04.

Conventions (the same in every layer):
- `backward(dout)` returns the gradients with respect to `forward`'s arguments, in their order
  (a tuple when there are several, the array itself when there is one; labels get none).
- Layers with parameters keep them as attributes (`W`, `b`) and their gradients as `dW`, `db`;
  `params` and `grads` give both as dicts under the same names.
- No layer ever modifies an array it was given (the book's `Relu.backward` zeroes the caller's
  `dout` in place).
- The first line of each `forward` and `backward` checks what it was given, with one call into
  `scratch.validation` (which also says where NaN and inf are looked for); then comes the maths
  you wrote in the notebooks.
Shapes: N batch, D input features, M output features, C classes.
"""

import numpy as np

from scratch.functions import sigmoid
from scratch.validation import (
    check_affine,
    check_affine_dout,
    check_batch,
    check_dout,
    check_finite_output,
    check_input,
    check_pair,
)


class Layer:
    """What every layer shares: a name for its error messages, and its parameters by name."""

    param_names = ()

    def __init__(self, name=None):
        self.name = name or type(self).__name__

    @property
    def params(self):
        """The layer's parameters by name, e.g. `{'W': W, 'b': b}` (empty when it has none)."""
        return {k: getattr(self, k) for k in self.param_names}

    @property
    def grads(self):
        """The gradients of the parameters after `backward`, under the parameters' names."""
        return {k: getattr(self, "d" + k) for k in self.param_names}


class MulLayer(Layer):
    """out = x * y, for numbers or arrays of the same shape.

    Local derivatives: d out / dx = y and d out / dy = x, so the upstream gradient is
    multiplied by the *other* input ("switched").
    """

    def __init__(self, name=None):
        super().__init__(name)
        self.x = self.y = None  # forward's inputs, kept for backward

    def forward(self, x, y):
        """x, y: numbers or arrays of one shape -> out: that shape."""
        check_pair(x, y, f"{self.name}.forward")
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        """dout: shape of out -> (dx, dy), each the shape of its input."""
        check_dout(dout, self.x, f"{self.name}.backward")
        dx = dout * self.y  # swap: x's gradient uses y ...
        dy = dout * self.x  # ... and y's uses x
        return dx, dy


class AddLayer(Layer):
    """out = x + y. Both local derivatives are 1: the gradient passes through unchanged."""

    def __init__(self, name=None):
        super().__init__(name)
        self.x = None  # kept only for backward's check of dout's shape

    def forward(self, x, y):
        """x, y: numbers or arrays of one shape -> out: that shape."""
        check_pair(x, y, f"{self.name}.forward")
        self.x = x
        return x + y

    def backward(self, dout):
        """dout: shape of out -> (dx, dy), two separate copies of dout."""
        check_dout(dout, self.x, f"{self.name}.backward")
        # Two new objects, so that changing one gradient in place cannot change the other.
        return dout * 1, dout * 1


class Relu(Layer):
    """out = max(0, x); the local derivative is 1 where x > 0 and 0 elsewhere (0 at x == 0).

    Notebook 03 writes np.where(self.mask, x, 0.0) and np.where(self.mask, dout, 0.0): the same
    numbers, but on a network's random mask np.where is about ten times slower (the processor
    cannot guess which of its two branches comes next), which costs training over 10% of its
    speed. np.maximum and multiplying by the mask have no such branch.
    """

    def __init__(self, name=None):
        super().__init__(name)
        self.mask = None

    def forward(self, x):
        """x: any shape -> out: same shape."""
        x = check_input(x, f"{self.name}.forward")
        self.mask = x > 0  # remembered for backward
        return np.maximum(x, 0.0)

    def backward(self, dout):
        """dout: shape of x -> dx: shape of x (a new array; dout is left as it was)."""
        dout = check_dout(dout, self.mask, f"{self.name}.backward")
        dx = dout * self.mask  # dout where x > 0, 0 elsewhere
        dx += 0.0  # a negative dout times 0 is -0.0; adding 0.0 makes it a plain 0.0
        return dx


class Sigmoid(Layer):
    """out = 1 / (1 + exp(-x)); the local derivative is out * (1 - out)."""

    def __init__(self, name=None):
        super().__init__(name)
        self.out = None

    def forward(self, x):
        """x: any shape -> out: same shape, in (0, 1)."""
        x = check_input(x, f"{self.name}.forward")
        self.out = sigmoid(x)  # 1 / (1 + exp(-x)), without overflow for very negative x
        return self.out

    def backward(self, dout):
        """dout: shape of x -> dx: shape of x."""
        dout = check_dout(dout, self.out, f"{self.name}.backward")
        return dout * self.out * (1.0 - self.out)


class Affine(Layer):
    """out = x W + b, for a batch of samples of any shape (flattened to D features).

    x: (N, d1, ..., dk) with d1 * ... * dk = D;  W: (D, M);  b: (M,);  out: (N, M).
    Backward: dx = dout W^T (reshaped back to x's shape), dW = x^T dout, db = sum of dout over
    the batch (b was added to every row, so every row's gradient flows into it).
    input_grad=False skips dx (backward returns None): a network's first layer needs no
    gradient with respect to the images, and dout W^T is the most expensive product of its
    backward pass.
    """

    param_names = ("W", "b")

    def __init__(self, W, b, name=None, input_grad=True):
        super().__init__(name)
        self.W, self.b = W, b
        self.input_grad = input_grad
        self.x2d = self.x_shape = None
        self.dW = self.db = None

    def forward(self, x):
        """x: (N, d1, ..., dk) -> out: (N, M)."""
        x = check_affine(x, self.W, self.b, f"{self.name}.forward")
        self.x_shape = x.shape  # to give dx this shape again
        self.x2d = x.reshape(x.shape[0], -1)  # (N, D)
        out = self.x2d @ self.W + self.b
        return check_finite_output(out, f"{self.name}.forward", x=x, W=self.W, b=self.b)

    def backward(self, dout):
        """dout: (N, M) -> dx: x's shape (None without input_grad); sets dW: (D, M), db: (M,)."""
        dout = check_affine_dout(dout, self.x2d, self.W, f"{self.name}.backward")
        self.dW = self.x2d.T @ dout  # (D, M)
        self.db = dout.sum(axis=0)  # (M,): b was added to every row
        if not self.input_grad:
            return None
        dx = dout @ self.W.T  # (N, D)
        return dx.reshape(self.x_shape)


class SoftmaxWithLoss(Layer):
    """Softmax followed by the cross-entropy loss, as one layer.

    forward(x, t): x: (N, C) logits (or (C,) for one sample); t: (N,) integer labels or
    (N, C) one-hot. Returns the mean loss, a float (also kept as `loss`).
    backward(dout=1): dx = dout * (softmax(x) - onehot(t)) / N, the famously simple gradient
    of the pair. Labels get no gradient.
    """

    def __init__(self, name=None):
        super().__init__(name)
        self.loss = self.y = self.t = None
        self.x_shape = None

    def forward(self, x, t):
        """x: (N, C) or (C,); t: (N,) labels or (N, C) one-hot -> the mean loss, a float."""
        self.x_shape = np.shape(x)
        x, self.t = check_batch(x, t, f"{self.name}.forward")  # t as (N,) class indices
        shifted = x - x.max(axis=1, keepdims=True)  # no overflow in exp
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        self.y = exp / total  # softmax
        # -log y[t] = log(total) - shifted[t]: from the logits, so never log(0)
        losses = np.log(total[:, 0]) - shifted[np.arange(len(x)), self.t]
        self.loss = float(losses.sum()) / len(x)
        return self.loss

    def backward(self, dout=1.0):
        """dout: a number (the loss is a scalar) -> dx: x's shape."""
        dout = check_dout(dout, self.loss, f"{self.name}.backward")
        dx = self.y.copy()
        dx[np.arange(len(dx)), self.t] -= 1  # y - onehot(t)
        dx *= dout / len(dx)  # in place, so that float32 stays float32
        return dx.reshape(self.x_shape)
