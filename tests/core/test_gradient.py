"""The numerical-gradient tools themselves: exact on known functions, x always restored."""

import numpy as np
import pytest

from scratch.gradient import (
    check_layer,
    eval_numerical_gradient_array,
    numerical_gradient,
    rel_error,
)
from scratch.layers import Relu


def test_numerical_gradient_of_a_known_function():
    x = np.array([3.0, 4.0])
    grad = numerical_gradient(lambda v: v[0] ** 2 + v[1] ** 2, x)
    np.testing.assert_allclose(grad, [6.0, 8.0], rtol=1e-8)
    assert x.tolist() == [3.0, 4.0]


def test_array_version_contracts_with_upstream_gradient():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    df = np.array([[1.0, 0.0], [2.0, -1.0]])
    grad = eval_numerical_gradient_array(lambda: np.sin(x), x, df)
    np.testing.assert_allclose(grad, np.cos(x) * df, rtol=1e-8)


def test_x_is_restored_when_f_raises():
    x = np.array([1.0, 2.0])

    def f(v):
        if v[0] != 1.0:
            raise RuntimeError("boom")
        return 0.0

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, x)
    assert x.tolist() == [1.0, 2.0]


def test_integer_arrays_cannot_be_perturbed():
    with pytest.raises(TypeError, match="must be a float NumPy array.*int64"):
        numerical_gradient(lambda v: 0.0, np.array([1, 2]))


def test_rel_error():
    assert rel_error(np.ones(3), np.ones(3)) == 0.0
    assert rel_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)
    assert rel_error(np.zeros(2), np.zeros(2)) == 0.0
    with pytest.raises(ValueError, match=r"shapes differ: \(2,\) vs \(3,\)"):
        rel_error(np.ones(2), np.ones(3))


class BuggyRelu(Relu):
    """The kind of bug a gradient check exists to catch: the mask is inverted in backward."""

    def backward(self, dout):
        return dout * ~self.mask


def test_check_layer_catches_a_buggy_backward(rng):
    x = rng.standard_normal((3, 4)) + np.sign(rng.standard_normal((3, 4)))  # away from 0
    assert check_layer(Relu(), x)["x"] < 1e-9
    assert check_layer(BuggyRelu(), x)["x"] > 0.5
