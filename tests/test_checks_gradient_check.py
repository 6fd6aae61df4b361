"""Notebook 05's checks: OK for a right answer, the matching hint for a typical bug, never a
traceback."""

import numpy as np
import pytest
from check_output import one_line

from scratch.checks.gradient_check import check_centred_gradient
from scratch.gradient import numerical_gradient

# ---------------------------------------------------------------------------------------------
# Exercise 1: centred_gradient(f, x, h)


def centred(f, x, h=1e-4):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def forward(f, x, h=1e-4):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        f_old = f(x)
        x[i] = old + h
        grad[i] = (f(x) - f_old) / h
        x[i] = old
    return grad


def not_restored(f, x, h=1e-4):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        grad[i] = (f_plus - f(x)) / (2 * h)
    return grad


def divides_by_h(f, x, h=1e-4):
    return 2 * centred(f, x, h)


def flattened(f, x, h=1e-4):
    return centred(f, x, h).reshape(-1)


def on_a_copy(f, x, h=1e-4):
    return centred(f, x.copy(), h)


def off_by_one_index(f, x, h=1e-4):
    return np.roll(centred(f, x, h), 1)


def returns_nothing(f, x, h=1e-4):
    centred(f, x, h)


def stub(f, x, h=1e-4):
    raise NotImplementedError


@pytest.mark.parametrize(("solution", "hint"), [
    (forward, "that is a one-sided difference, accurate only to O(h)"),
    (not_restored, "x was changed: put x[i] back"),
    (divides_by_h, "your gradient is twice too large: divide by 2h, not h"),
    (flattened, "the gradient should have x's shape (3, 4), got (12,)"),
    (on_a_copy, "change x in place, not a copy of it"),
    (off_by_one_index, "for a vector x your gradient differs from numerical_gradient"),
    (returns_nothing, "your function returns None"),
    (stub, "not implemented"),
])
def test_centred_gradient_hints(capsys, solution, hint):
    assert not check_centred_gradient(solution)
    line = one_line(capsys)
    assert line.startswith("centred_gradient: not yet - ")
    assert hint in line


def test_centred_gradient_ok(capsys):
    assert check_centred_gradient(centred)
    assert capsys.readouterr().out == "centred_gradient: OK (max rel. error < 1e-7)\n"
    # The package's own numerical_gradient is a correct solution too.
    assert check_centred_gradient(numerical_gradient)
    assert capsys.readouterr().out == "centred_gradient: OK (max rel. error < 1e-7)\n"
