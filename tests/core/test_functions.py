"""Activation and loss functions: the book's values, stability at extremes, no warnings."""

import warnings

import numpy as np
import pytest
from hypothesis import given

from scratch import functions as F
from scratch.functions import (
    cross_entropy_error,
    identity,
    log_softmax,
    mean_squared_error,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    softmax_cross_entropy,
    step_function,
)
from scratch.nets import TwoLayerNet
from tests.core.strategies import floats_array


def test_step_function_has_integer_output_without_np_int():
    out = step_function(np.array([-1.0, 0.0, 2.0]))
    assert out.dtype == np.int64 and out.tolist() == [0, 0, 1]


def test_sigmoid_is_exact_and_silent_at_extremes():
    x = np.array([-1000.0, -745.0, -30.0, 0.0, 30.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(x)
        s32 = sigmoid(x.astype(np.float32))
    # For x <= -30, sigmoid(x) = e^x / (1 + e^x) equals e^x to within e^x relative error.
    np.testing.assert_allclose(s[:3], np.exp(x[:3]), rtol=1e-12, atol=0)
    assert s[3] == 0.5 and s[4] == pytest.approx(1 - np.exp(-30.0), rel=1e-15) and s[5] == 1.0
    assert s32.dtype == np.float32 and np.isfinite(s32).all()
    assert sigmoid_grad(np.array(0.0)) == 0.25


def test_relu_and_its_gradient():
    x = np.array([[-2.0, 0.0, 3.0]])
    assert relu(x).tolist() == [[0.0, 0.0, 3.0]]
    assert relu_grad(x).tolist() == [[0.0, 0.0, 1.0]]  # the book's np.zeros(x) would fail
    assert identity(x) is x


@given(floats_array((3, 4), -1e4, 1e4))
def test_softmax_rows_are_probabilities_for_huge_logits(x):
    y = softmax(x)
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y.sum(axis=-1), 1.0)
    np.testing.assert_allclose(np.exp(log_softmax(x)), y, atol=1e-300)


def test_softmax_any_batch_shape_and_last_axis():
    x = np.arange(24.0).reshape(2, 3, 4)
    y = softmax(x)
    assert y.shape == x.shape
    np.testing.assert_allclose(y[1, 2], softmax(x[1, 2]))


def test_softmax_and_cross_entropy_at_plus_minus_1e4_are_exact(recwarn):
    x = np.array([[1e4, -1e4, 0.0]])
    assert softmax(x).tolist() == [[1.0, 0.0, 0.0]]
    assert softmax_cross_entropy(x, np.array([0])) == 0.0
    assert softmax_cross_entropy(x, np.array([1])) == pytest.approx(2e4)
    assert softmax_cross_entropy(x, np.array([2])) == pytest.approx(1e4)
    # From probabilities the loss must stay finite even when the true class has p = 0.
    assert np.isfinite(cross_entropy_error(softmax(x), np.array([1])))
    assert not recwarn.list


def test_cross_entropy_label_forms_agree():
    y = np.array([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]])
    t = np.array([1, 0])
    expected = -(np.log(0.7) + np.log(0.5)) / 2
    assert cross_entropy_error(y, t) == pytest.approx(expected, rel=1e-12)
    assert cross_entropy_error(y, np.eye(3)[t]) == pytest.approx(expected, rel=1e-12)
    # A single sample, with an integer label or a one-hot vector (the book's first example).
    y1 = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    t1 = np.eye(10)[2]
    # The book prints 0.510825457: its 1e-7 inside the log shifts -log(0.6) by 1.7e-7.
    assert cross_entropy_error(y1, t1) == pytest.approx(-np.log(0.6), rel=1e-14)
    assert cross_entropy_error(y1, t1, eps=1e-7) == pytest.approx(0.510825457, rel=1e-9)
    assert cross_entropy_error(y1, 2) == cross_entropy_error(y1, t1)


def test_mean_squared_error_book_example():
    t = np.eye(10)[2]
    y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    assert mean_squared_error(y, t) == pytest.approx(0.0975, rel=1e-12)
    assert mean_squared_error(np.stack([y, y]), np.stack([t, t])) == pytest.approx(0.0975)


@pytest.mark.parametrize("name, call", [
    ("sigmoid", lambda bad: F.sigmoid(bad)),
    ("softmax", lambda bad: F.softmax(bad)),
    ("log_softmax", lambda bad: F.log_softmax(bad)),
    ("mean_squared_error", lambda bad: F.mean_squared_error(bad, bad)),
    ("softmax_cross_entropy", lambda bad: F.softmax_cross_entropy(bad, np.array([0]))),
    ("cross_entropy_error", lambda bad: F.cross_entropy_error(bad, np.array([0]))),
])
def test_a_non_numeric_input_is_refused_by_the_functions_name(name, call):
    with pytest.raises(TypeError, match=f"^{name}: "):
        call(np.array([["a", "b"]]))


def test_softmax_and_log_softmax_work_on_the_last_axis_of_any_batch_shape(rng):
    x = rng.standard_normal((2, 3, 4)) * 5
    rows = np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(F.softmax(x), rows, rtol=1e-12)
    np.testing.assert_allclose(F.log_softmax(x), np.log(rows), rtol=1e-12, atol=1e-12)
    # shifted by the row's own maximum: a huge row next to a small one stays exact
    big = np.array([[[1000.0, 999.0], [0.0, 1.0]]])
    np.testing.assert_allclose(F.log_softmax(big)[0, 0], np.log(F.softmax(big)[0, 0]))
    assert np.isfinite(F.log_softmax(big)).all()


def test_relu_grad_is_one_for_every_positive_input():
    np.testing.assert_array_equal(F.relu_grad(np.array([-0.5, 0.0, 0.25, 0.999, 3.0])),
                                  [0.0, 0.0, 1.0, 1.0, 1.0])


def test_mean_squared_error_and_its_batch_mean():
    y, t = np.array([0.1, 0.7, 0.2]), np.array([0.0, 1.0, 0.0])
    assert F.mean_squared_error(y, t) == pytest.approx(0.5 * (0.01 + 0.09 + 0.04))
    batch = np.stack([y, 2 * y])
    expected = 0.5 * ((y - t) ** 2).sum() / 2 + 0.5 * ((2 * y - t) ** 2).sum() / 2
    assert F.mean_squared_error(batch, np.stack([t, t])) == pytest.approx(expected)
    with pytest.raises(ValueError, match="mean_squared_error: t must have y's shape"):
        F.mean_squared_error(y, t[:2])


def test_step_function_between_0_and_1_and_two_layer_nets_default_seed():
    np.testing.assert_array_equal(F.step_function(np.array([-1.0, 0.0, 0.5, 1.0])), [0, 0, 1, 1])
    np.testing.assert_array_equal(TwoLayerNet(4, 3, 2).params["W1"],
                                  TwoLayerNet(4, 3, 2, rng=0).params["W1"])
