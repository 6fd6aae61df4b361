"""Checks for notebook 04's exercises: an Affine backward and the Softmax-with-Loss gradient.

- `check_torch_style_affine`: an Affine layer that stores W as (M, D), the way PyTorch's
  nn.Linear does (out = x W^T + b), for x: (N, D) and a tensor x: (N, 1, 3, 4).
- `check_softmax_loss_grad`: the gradient (y - t) / N for integer labels t: (N,), computed
  without building a one-hot matrix.
Both compare with numerical gradients in float64 and name typical mistakes.
"""

import numpy as np

from scratch.checks import Fail, expect_close, expect_gradients, refusing_calls, run_check
from scratch.functions import softmax, softmax_cross_entropy
from scratch.gradient import eval_numerical_gradient_array, numerical_gradient
from scratch.layers import Affine, SoftmaxWithLoss


def _refusing(what, *functions):
    """While the learner's code runs, scratch's version of the exercise and its numerical
    gradients refuse to be called (a layer wrapping scratch's Affine, or a gradient read off
    SoftmaxWithLoss, would otherwise pass)."""
    return refusing_calls([*functions, eval_numerical_gradient_array, numerical_gradient],
                          f"your code calls scratch's {what} or a numerical gradient: write "
                          "the formula yourself")


def _affine_case(layer_class, x_shape, m, rng):
    """Check one input shape; returns the success note of the last gradient compared."""
    n, d = x_shape[0], int(np.prod(x_shape[1:]))
    x = rng.standard_normal(x_shape)
    W, b = rng.standard_normal((m, d)), rng.standard_normal(m)
    dout = rng.standard_normal((n, m))
    with _refusing("Affine", Affine.forward, Affine.backward):
        layer = layer_class(W, b)
        out = layer.forward(x)
    expect_close(out, x.reshape(n, d) @ W.T + b,
                 "forward should return x W^T + b with x flattened to (N, D); keep it as given")
    dout_before = dout.copy()
    with _refusing("Affine", Affine.forward, Affine.backward):
        dx = layer.backward(dout)
    if not np.array_equal(dout, dout_before):
        raise Fail("backward changed dout in place: compute new arrays instead")
    dW, db = getattr(layer, "dW", None), getattr(layer, "db", None)
    if np.shape(dx) != x.shape:
        if np.shape(dx) == (n, d):
            raise Fail(f"dx must have x's shape {x.shape}, not the flattened (N, D) = {(n, d)}: "
                       "reshape it with .reshape(self.x_shape)")
        raise Fail(f"dx must have x's shape {x.shape}, got {np.shape(dx)}")
    if np.shape(dW) != W.shape:
        if np.shape(dW) == (d, m):
            raise Fail("dW must have W's shape (M, D) here: use dout.T @ x, not x.T @ dout")
        raise Fail(f"self.dW must have W's shape {W.shape}, got {np.shape(dW)}")
    if np.shape(db) != b.shape:
        if np.shape(db) == (n,):
            raise Fail("sum dout over the batch axis (axis=0) for db, not over axis 1")
        raise Fail(f"self.db must have b's shape {b.shape}: sum dout over the batch axis "
                   f"(axis=0); got shape {np.shape(db)}")

    def f():
        return layer.forward(x)

    note = expect_gradients(dx, eval_numerical_gradient_array(f, x, dout),
                            "dx should be dout @ W (W is (M, D) here), reshaped to x's shape")
    expect_gradients(dW, eval_numerical_gradient_array(f, W, dout),
                     "dW should be dout.T @ x, with x flattened to (N, D)")
    expect_gradients(db, eval_numerical_gradient_array(f, b, dout),
                     "db should be dout.sum(axis=0): b was added to every row")
    return note


def check_torch_style_affine(layer_class):
    """layer_class(W: (M, D), b: (M,)) with forward(x) -> (N, M) and backward(dout) -> dx,
    setting self.dW: (M, D) and self.db: (M,). Tried on x: (3, 4) and x: (2, 1, 3, 4)."""

    def check():
        rng = np.random.default_rng(4)
        _affine_case(layer_class, (3, 4), 2, rng)
        return _affine_case(layer_class, (2, 1, 3, 4), 3, rng)

    return run_check("TorchStyleAffine.backward", check)


def check_softmax_loss_grad(grad_function):
    """grad_function(y: (N, C) softmax outputs, t: (N,) integer labels) -> dx: (N, C), the
    gradient of the mean cross-entropy with respect to the logits; y must be left unchanged."""

    def check():
        rng = np.random.default_rng(5)
        # Repeated labels, so that the column-indexing mistake y[:, t] shows; then a second
        # batch of another size, so that an answer kept from the first fails.
        note = _softmax_case(grad_function, rng.standard_normal((5, 4)), np.array([2, 0, 2, 3, 1]))
        _softmax_case(grad_function, rng.standard_normal((7, 3)), np.array([1, 1, 0, 2, 0, 1, 2]))
        return note

    return run_check("softmax_loss_grad", check)


def _softmax_case(grad_function, x, t):
    n = len(t)
    y = softmax(x)
    y_before = y.copy()
    with _refusing("SoftmaxWithLoss", SoftmaxWithLoss.forward, SoftmaxWithLoss.backward,
                   softmax_cross_entropy):
        dx = grad_function(y, t)
    if not np.array_equal(y, y_before):
        raise Fail("your function changed y in place: start from a copy, dx = y.copy()")
    if np.shape(dx) != y.shape:
        raise Fail(f"dx must have y's shape {y.shape}, got {np.shape(dx)}")
    one_hot = np.eye(y.shape[1])[t]
    columns = y.copy()
    columns[:, t] -= 1
    wrong = [
        (y - one_hot, f"divide by the batch size N = {n}: the loss is a mean over the batch"),
        ((one_hot - y) / n, "the sign is flipped: the gradient is (y - t) / N"),
        (y / n, "subtract 1 at each sample's true class, dx[np.arange(N), t] -= 1"),
        (columns / n, "dx[:, t] changes whole columns; change one entry per row with "
                      "dx[np.arange(N), t]"),
    ]
    for candidate, hint in wrong:
        if np.allclose(dx, candidate):
            raise Fail(hint)
    numeric = numerical_gradient(lambda _: softmax_cross_entropy(x, t), x, h=1e-5)
    return expect_gradients(dx, numeric, "dx should be (y - one_hot(t)) / N")
