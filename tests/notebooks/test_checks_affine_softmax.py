"""Notebook 04's checks: OK for right answers, a hint for typical bugs, never an exception."""

import numpy as np
import pytest

from scratch.checks.affine_softmax import check_softmax_loss_grad, check_torch_style_affine
from tests.notebooks.check_output import NOT_IMPLEMENTED, expect_verdicts, one_line


class TorchStyleAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.dW = self.db = None

    def forward(self, x):
        self.x_shape = x.shape
        self.x2d = x.reshape(x.shape[0], -1)
        return self.x2d @ self.W.T + self.b

    def backward(self, dout):
        self.dW = dout.T @ self.x2d
        self.db = dout.sum(axis=0)
        return (dout @ self.W).reshape(self.x_shape)


class NoReshape(TorchStyleAffine):
    def backward(self, dout):
        super().backward(dout)
        return dout @ self.W


class BookLayoutDW(TorchStyleAffine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.dW = self.x2d.T @ dout
        return dx


class BiasNotSummed(TorchStyleAffine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.db = dout
        return dx


class WrongDx(TorchStyleAffine):
    def backward(self, dout):
        dx = super().backward(dout)
        return 2 * dx


class AffineStub(TorchStyleAffine):
    def backward(self, dout):
        raise NotImplementedError


@pytest.mark.parametrize(
    "layer, hint",
    [
        (NoReshape, "dx must have x's shape (2, 1, 3, 4), not the flattened (N, D)"),
        (BookLayoutDW, "dW must have W's shape (M, D) here: use dout.T @ x"),
        (BiasNotSummed, "self.db must have b's shape (2,): sum dout over the batch axis"),
        (WrongDx, "dx should be dout @ W"),
    ],
)
def test_affine_check_names_the_mistake(capsys, layer, hint):
    assert not check_torch_style_affine(layer)
    assert one_line(capsys).startswith(f"TorchStyleAffine.backward: not yet - {hint}")


def test_affine_check_passes_and_reports_stubs(capsys):
    assert check_torch_style_affine(TorchStyleAffine)
    assert not check_torch_style_affine(AffineStub)
    assert capsys.readouterr().out.splitlines() == [
        "TorchStyleAffine.backward: OK (max rel. error < 1e-7)",
        f"TorchStyleAffine.backward: {NOT_IMPLEMENTED}",
    ]


def softmax_loss_grad(y, t):
    dx = y.copy()
    dx[np.arange(len(t)), t] -= 1
    return dx / len(t)


def not_divided(y, t):
    return softmax_loss_grad(y, t) * len(t)


def whole_columns(y, t):
    dx = y.copy()
    dx[:, t] -= 1
    return dx / len(t)


def in_place(y, t):
    y[np.arange(len(t)), t] -= 1
    y /= len(t)
    return y


def stub(y, t):
    raise NotImplementedError


@pytest.mark.parametrize(
    "function, hint",
    [
        (not_divided, "divide by the batch size N = 5"),
        (whole_columns, "dx[:, t] changes whole columns"),
        (in_place, "your function changed y in place"),
        (lambda y, t: -softmax_loss_grad(y, t), "the sign is flipped"),
        (lambda y, t: y / len(t), "subtract 1 at each sample's true class"),
        (lambda y, t: softmax_loss_grad(y, t)[:, :3], "dx must have y's shape (5, 4)"),
        (lambda y, t: softmax_loss_grad(y, t) * 1.01, "dx should be (y - one_hot(t)) / N"),
    ],
)
def test_softmax_check_names_the_mistake(capsys, function, hint):
    assert not check_softmax_loss_grad(function)
    out = capsys.readouterr().out
    assert out.startswith(f"softmax_loss_grad: not yet - {hint}"), out


def test_softmax_check_passes_and_reports_stubs(capsys):
    assert check_softmax_loss_grad(softmax_loss_grad)
    assert not check_softmax_loss_grad(stub)
    assert capsys.readouterr().out.splitlines() == [
        "softmax_loss_grad: OK (max rel. error < 1e-7)",
        f"softmax_loss_grad: {NOT_IMPLEMENTED}",
    ]


class ForgetsBias(TorchStyleAffine):
    def forward(self, x):
        return super().forward(x) - self.b


class ScalesDoutInPlace(TorchStyleAffine):
    def backward(self, dout):
        dx = super().backward(dout)
        dout *= 2
        return dx


class DWTruncated(TorchStyleAffine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.dW = self.dW[:, :-1]
        return dx


class DbOverAxis1(TorchStyleAffine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.db = dout.sum(axis=1)
        return dx


class DWWrongValues(TorchStyleAffine):  # the right shape, the wrong numbers
    def backward(self, dout):
        dx = super().backward(dout)
        self.dW = 2 * self.dW
        return dx


class DbWrongValues(TorchStyleAffine):
    def backward(self, dout):
        dx = super().backward(dout)
        self.db = dout.mean(axis=0)
        return dx


@pytest.mark.parametrize("layer, hint", [
    (ForgetsBias,
     "forward should return x W^T + b with x flattened to (N, D); keep it as given"),
    (ScalesDoutInPlace, "backward changed dout in place: compute new arrays instead"),
    (DWTruncated, "self.dW must have W's shape (2, 4), got (2, 3)"),
    (DbOverAxis1, "sum dout over the batch axis (axis=0) for db, not over axis 1"),
    (DWWrongValues, "dW should be dout.T @ x, with x flattened to (N, D)"),
    (DbWrongValues, "db should be dout.sum(axis=0): b was added to every row"),
])
def test_affine_check_wrong_forward_and_wrong_values(capsys, layer, hint):
    assert not check_torch_style_affine(layer)
    assert one_line(capsys) == f"TorchStyleAffine.backward: not yet - {hint}"


# --- the catalogue: right answers in other styles and the shortcuts ------------------------

class EinsumAffine(TorchStyleAffine):
    """Another right style: einsum, and x kept in its own shape."""

    def forward(self, x):
        self.x = x
        return np.einsum("nd,md->nm", x.reshape(len(x), -1), self.W) + self.b

    def backward(self, dout):
        x2d = self.x.reshape(len(self.x), -1)
        self.dW, self.db = np.einsum("nm,nd->md", dout, x2d), np.sum(dout, axis=0)
        return np.einsum("nm,md->nd", dout, self.W).reshape(self.x.shape)


class AroundScratchsAffine:
    """Composition: scratch's Affine on W.T does the work."""

    def __init__(self, W, b):
        from scratch.layers import Affine

        self.inner = Affine(W.T.copy(), b)

    def forward(self, x):
        return self.inner.forward(x)

    def backward(self, dout):
        dx = self.inner.backward(dout)
        self.dW, self.db = self.inner.dW.T, self.inner.db
        return dx


def _from_softmax_with_loss(y, t):
    """Reads the gradient off scratch's SoftmaxWithLoss, fed y as its stored output."""
    from scratch.layers import SoftmaxWithLoss

    layer = SoftmaxWithLoss()
    layer.forward(np.log(y), t)
    return layer.backward(1.0)


def _divided_first(y, t):
    dx = y / len(t)
    dx[np.arange(len(t)), t] -= 1 / len(t)
    return dx


_kept = {}


def _kept_from_the_first_call(y, t):
    """Computes the first answer and returns it again: hard-coded for the check's input."""
    _kept.setdefault("dx", softmax_loss_grad(y, t))
    return _kept["dx"]


def test_torch_style_affine_catalogue(capsys):
    cases = [
        (TorchStyleAffine, None),
        (EinsumAffine, None),
        (NoReshape, "dx must have x's shape (2, 1, 3, 4), not the flattened"),
        (AroundScratchsAffine, "your code calls scratch's Affine", "wrapper"),
    ]
    expect_verdicts(check_torch_style_affine, cases, capsys,
                    "TorchStyleAffine.backward: OK (max rel. error < 1e-7)")


def test_softmax_loss_grad_catalogue(capsys):
    cases = [
        (softmax_loss_grad, None),
        (_divided_first, None),
        (not_divided, "divide by the batch size N = 5"),
        (_from_softmax_with_loss, "your code calls scratch's SoftmaxWithLoss", "wrapper"),
        (_kept_from_the_first_call, "dx must have y's shape (7, 3)", "hard-coded"),
    ]
    expect_verdicts(check_softmax_loss_grad, cases, capsys,
                    "softmax_loss_grad: OK (max rel. error < 1e-7)")
