"""Notebook 03's checks (and notebook 05's LeakyRelu): OK for a right layer, a hint for a typical
bug, never an exception."""

import numpy as np
import pytest

from scratch.checks.activations import check_leaky_relu, check_tanh
from tests.notebooks.check_output import NOT_IMPLEMENTED, expect_verdicts, one_line


class LeakyRelu:
    def __init__(self, alpha=0.01):
        self.alpha, self.mask = alpha, None

    def forward(self, x):
        self.mask = x > 0
        return np.where(self.mask, x, self.alpha * x)

    def backward(self, dout):
        return np.where(self.mask, dout, self.alpha * dout)


class BookStyleLeakyRelu(LeakyRelu):
    """Right numbers, but scales the caller's dout in place."""

    def backward(self, dout):
        dout[~self.mask] *= self.alpha
        return dout


class ReluInDisguise(LeakyRelu):
    """Notebook 05's BuggyLeakyRelu: forgets the slope alpha where x < 0."""

    def backward(self, dout):
        return dout * self.mask


class HardCodedAlpha(LeakyRelu):
    def backward(self, dout):
        return np.where(self.mask, dout, 0.01 * dout)


class SlopeOnWrongSide(LeakyRelu):
    def backward(self, dout):
        return np.where(self.mask, self.alpha * dout, dout)


class ReturnsNothing(LeakyRelu):
    def backward(self, dout):
        self.dx = np.where(self.mask, dout, self.alpha * dout)


class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out ** 2)


class TanhMissingSquare(Tanh):
    def backward(self, dout):
        return dout * (1 - self.out)


class TanhMultipliesByAConstant(Tanh):
    def backward(self, dout):
        return 2 * dout * (1 - self.out ** 2)


class Stub:
    def __init__(self, alpha=None):
        pass

    def forward(self, x):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError


def test_leaky_relu_check(capsys):
    assert check_leaky_relu(LeakyRelu)
    assert capsys.readouterr().out == "LeakyRelu: OK (max rel. error < 1e-7)\n"
    assert not check_leaky_relu(BookStyleLeakyRelu)
    assert "backward changed dout in place" in capsys.readouterr().out
    assert not check_leaky_relu(ReluInDisguise)
    assert "should pass 0.1 * dout back, not 0" in capsys.readouterr().out
    assert not check_leaky_relu(Stub)
    assert capsys.readouterr().out == f"LeakyRelu: {NOT_IMPLEMENTED}\n"


@pytest.mark.parametrize(("layer", "hint"), [
    (HardCodedAlpha, "where x < 0 the slope is alpha: use self.alpha (0.1 here), not 0.01"),
    (SlopeOnWrongSide, "the slopes are swapped"),
    (ReturnsNothing, "backward returns None: return dx"),
])
def test_leaky_relu_hints(capsys, layer, hint):
    assert not check_leaky_relu(layer)
    assert one_line(capsys).startswith(f"LeakyRelu: not yet - {hint}")


@pytest.mark.parametrize(
    "layer, hint",
    [
        (TanhMissingSquare, "the derivative is 1 - y**2 (squared), not 1 - y"),
        (TanhMultipliesByAConstant, "dx should be dout * (1 - y**2)"),
    ],
)
def test_tanh_check_names_the_mistake(capsys, layer, hint):
    assert not check_tanh(layer)
    assert one_line(capsys).startswith(f"Tanh: not yet - {hint}")


def test_tanh_check_passes_and_reports_stubs(capsys):
    assert check_tanh(Tanh)
    assert not check_tanh(Stub)
    assert capsys.readouterr().out.splitlines() == [
        "Tanh: OK (max rel. error < 1e-7)",
        f"Tanh: {NOT_IMPLEMENTED}",
    ]


def test_a_forward_that_changes_x_is_reported(capsys):
    class InPlace(Tanh):
        def forward(self, x):
            np.tanh(x, out=x)
            self.out = x.copy()
            return self.out

    assert not check_tanh(InPlace)
    assert "forward changed x in place" in capsys.readouterr().out


# Wrong forwards and wrong backward values: each hint of _check_activation's tables is reached.
class LeakyReluWrongForward(LeakyRelu):
    def forward(self, x):
        self.mask = x > 0
        return np.where(self.mask, x, 0.0)  # plain ReLU's forward


class LeakyReluSlightlyWrong(LeakyRelu):
    def backward(self, dout):
        return 1.01 * super().backward(dout)


class TanhWrongForward(Tanh):
    def forward(self, x):
        self.out = np.tanh(x)
        return x  # forgets to return the tanh


class TanhUsesX(Tanh):
    def forward(self, x):
        self.x = x
        return super().forward(x)

    def backward(self, dout):
        return dout * (1 - self.x ** 2)


class TanhForgetsDout(Tanh):
    def backward(self, dout):
        return 1 - self.out ** 2


@pytest.mark.parametrize(("check", "layer", "line"), [
    (check_leaky_relu, LeakyReluWrongForward,
     "LeakyRelu: not yet - forward should return x where x > 0 and 0.1 * x elsewhere"),
    (check_leaky_relu, LeakyReluSlightlyWrong,
     "LeakyRelu: not yet - dx should be dout where x > 0 and 0.1 * dout elsewhere (use the "
     "mask saved in forward)"),
    (check_tanh, TanhWrongForward,
     "Tanh: not yet - forward should return np.tanh(x) (and keep it for backward)"),
    (check_tanh, TanhUsesX,
     "Tanh: not yet - use the output y = tanh(x) saved in forward: 1 - y**2, not 1 - x**2"),
    (check_tanh, TanhForgetsDout,
     "Tanh: not yet - multiply the local derivative 1 - y**2 by the upstream gradient dout"),
])
def test_wrong_forward_and_wrong_backward_values_get_their_hint(capsys, check, layer, line):
    assert not check(layer)
    assert one_line(capsys) == line


# --- the catalogue: right answers in other styles and the shortcuts ------------------------

class LeakyReluWithMaximum(LeakyRelu):
    """Another right style: max(x, alpha x) and a slope array."""

    def forward(self, x):
        self.slope = np.where(x > 0, 1.0, self.alpha)
        return np.maximum(x, self.alpha * x)

    def backward(self, dout):
        return dout * self.slope


class IgnoresAlpha(LeakyRelu):
    def __init__(self, alpha=0.01):
        super().__init__(0.1)  # the check's alpha, whatever it is given


class NumericalBackward(LeakyRelu):
    """Lets scratch's numerical gradient do backward's work."""

    def forward(self, x):
        self.x = x.copy()
        return super().forward(x)

    def backward(self, dout):
        from scratch.gradient import eval_numerical_gradient_array

        x = self.x.copy()
        return eval_numerical_gradient_array(
            lambda: np.where(x > 0, x, self.alpha * x), x, dout)


class TanhFromExp(Tanh):
    def forward(self, x):
        e = np.exp(-2 * x)
        self.out = (1 - e) / (1 + e)
        return self.out


class NumericalTanh(Tanh):
    def forward(self, x):
        self.x = x.copy()
        return super().forward(x)

    def backward(self, dout):
        from scratch.gradient import numerical_gradient

        x = self.x.copy()
        return numerical_gradient(lambda _: float(np.sum(np.tanh(x) * dout)), x)


def test_leaky_relu_catalogue(capsys):
    cases = [
        (LeakyRelu, None),
        (LeakyReluWithMaximum, None),
        (ReluInDisguise, "should pass 0.1 * dout back, not 0"),
        (SlopeOnWrongSide, "the slopes are swapped"),
        (IgnoresAlpha, "made with alpha=0.3, your layer still uses another slope",
         "ignores a hyperparameter"),
        (NumericalBackward, "calls scratch.gradient's numerical gradient", "wrapper"),
    ]
    expect_verdicts(check_leaky_relu, cases, capsys, "LeakyRelu: OK (max rel. error < 1e-7)")


def test_tanh_catalogue(capsys):
    cases = [
        (Tanh, None),
        (TanhFromExp, None),
        (TanhMissingSquare, "the derivative is 1 - y**2 (squared), not 1 - y"),
        (NumericalTanh, "calls scratch.gradient's numerical gradient", "wrapper"),
    ]
    expect_verdicts(check_tanh, cases, capsys, "Tanh: OK (max rel. error < 1e-7)")
