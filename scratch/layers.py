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
Shapes: N batch, D input features, H hidden units, C classes; an Affine maps D inputs to M
outputs (M is H inside a network and C at its top).
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
    check_normalization,
    check_pair,
    reported_below,
)


class Layer:
    """What every layer shares: a name for its error messages, and its parameters by name."""

    param_names = ()
    train_dependent = False  # True for layers whose forward takes train_flg (batch norm, dropout)

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

    Notebook 03 writes np.where(self.mask, x, 0.0); np.maximum and multiplying by the mask give
    the same numbers faster (docs/development.md, Speed).
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
        with reported_below():  # NaN/inf are named by the check below, on every BLAS kernel
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


class BatchNormalization(Layer):
    """Normalise every feature over the batch, then scale and shift it (the book's section 6.3).

    x: (N, D) (or (N, d1, ...), flattened to D features); gamma, beta: (D,); out: x's shape.
    forward(x, train_flg=True): in training, each feature is centred and scaled by the batch's
    own mean and variance, xn = (x - mu) / sqrt(var + eps), and out = gamma * xn + beta; the
    running averages running_mean and running_var (decay `momentum`) are updated. In testing
    (train_flg=False) they replace the batch statistics, so one sample's output does not depend
    on the other samples of its batch.
    backward(dout) -> dx (x's shape); sets dgamma, dbeta: (D,). Notebook 10 derives it node by
    node on the graph; its exercise 1 simplifies that to the three terms used here.
    """

    param_names = ("gamma", "beta")
    train_dependent = True

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None,
                 eps=1e-6, name=None):
        super().__init__(name)
        self.gamma, self.beta, self.momentum, self.eps = gamma, beta, momentum, eps
        self.running_mean, self.running_var = running_mean, running_var
        self.xn = self.std = self.x_shape = self.train_flg = None
        self.dgamma = self.dbeta = None

    def forward(self, x, train_flg=True):
        """x: (N, D) or (N, d1, ...) -> out: x's shape."""
        x = check_normalization(x, self.gamma, self.beta, train_flg, f"{self.name}.forward")
        self.x_shape, x = x.shape, x.reshape(x.shape[0], -1)
        if self.running_mean is None:  # the book's start: mean 0, variance 0
            self.running_mean, self.running_var = np.zeros(x.shape[1]), np.zeros(x.shape[1])
        if train_flg:
            mu, var = x.mean(axis=0), x.var(axis=0)
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
        else:
            mu, var = self.running_mean, self.running_var
        self.train_flg, self.std = train_flg, np.sqrt(var + self.eps)
        self.xn = (x - mu) / self.std
        return (self.gamma * self.xn + self.beta).reshape(self.x_shape)

    def backward(self, dout):
        """dout: x's shape -> dx: x's shape; sets dgamma, dbeta: (D,)."""
        dout = check_dout(dout, self.xn, f"{self.name}.backward", self.x_shape)
        dout = dout.reshape(self.xn.shape)
        self.dbeta = dout.sum(axis=0)
        self.dgamma = (dout * self.xn).sum(axis=0)
        dxn = self.gamma * dout
        if self.train_flg:  # mu and var depend on every sample of the batch, x included
            dx = (dxn - dxn.mean(axis=0) - self.xn * (dxn * self.xn).mean(axis=0)) / self.std
        else:  # the running averages are constants
            dx = dxn / self.std
        return dx.reshape(self.x_shape)


class Dropout(Layer):
    """Drop each unit with probability dropout_ratio in training (the book's section 6.4.3).

    forward(x, train_flg=True): in training, out = x * mask with a fresh random mask (True with
    probability 1 - dropout_ratio); in testing, out = x * (1 - dropout_ratio), the expected
    value of the training output (the book's form). backward(dout) = dout * mask, the mask of
    the last forward; after a test-mode forward, dout * (1 - dropout_ratio) (the book's backward
    would reuse the last training mask there).
    rng: a np.random.Generator or seed for the masks.
    """

    train_dependent = True

    def __init__(self, dropout_ratio=0.5, rng=None, name=None):
        super().__init__(name)
        if not 0 <= dropout_ratio < 1:
            raise ValueError(f"{self.name}: dropout_ratio must be in [0, 1), got {dropout_ratio}")
        self.dropout_ratio = dropout_ratio
        self.rng = np.random.default_rng(rng)
        self.mask = None

    def forward(self, x, train_flg=True):
        """x: any shape -> out: same shape."""
        x = check_input(x, f"{self.name}.forward")
        if train_flg:
            self.mask = self.rng.random(x.shape) >= self.dropout_ratio  # kept with 1 - ratio
        else:  # every unit kept, scaled by its chance of being kept in training
            self.mask = np.full(x.shape, 1.0 - self.dropout_ratio, dtype=x.dtype)
        return x * self.mask

    def backward(self, dout):
        """dout: x's shape -> dx: x's shape, zero where forward dropped the unit."""
        dout = check_dout(dout, self.mask, f"{self.name}.backward")
        return dout * self.mask


def __getattr__(name):
    """Convolution and Pooling are exported here too, like every layer; they live in
    scratch.conv, which imports Layer from this module, so they are looked up on first use
    (a plain import at the top would be circular)."""
    if name in ("Convolution", "Pooling"):
        from scratch import conv

        return getattr(conv, name)
    raise AttributeError(f"module 'scratch.layers' has no attribute {name!r}")
