"""Every layer's backward against numerical gradients (float64), and what layers must not do."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scratch.gradient import check_layer
from scratch.layers import AddLayer, Affine, MulLayer, Relu, Sigmoid, SoftmaxWithLoss
from tests.core.strategies import dims, floats_array, matrices

TOL = 1e-7


@given(st.data())
def test_mul_and_add_layers_match_numerical_gradients(data):
    shape = data.draw(st.tuples(dims, dims))
    x, y = data.draw(floats_array(shape)), data.draw(floats_array(shape))
    for layer in (MulLayer(), AddLayer()):
        errors = check_layer(layer, x, y)
        assert set(errors) == {"x", "y"}
        assert max(errors.values()) < TOL, (layer.name, errors)


@given(matrices(kink_gap=1e-3))
def test_relu_matches_numerical_gradient_away_from_the_kink(x):
    assert check_layer(Relu(), x)["x"] < TOL


@given(matrices())
def test_sigmoid_matches_numerical_gradient(x):
    assert check_layer(Sigmoid(), x)["x"] < TOL


@given(st.data())
def test_affine_matches_numerical_gradients_for_tensor_inputs(data):
    n, m = data.draw(dims), data.draw(dims)
    feature_shape = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    d = int(np.prod(feature_shape))
    x = data.draw(floats_array((n, *feature_shape)))
    layer = Affine(data.draw(floats_array((d, m))), data.draw(floats_array((m,))))
    errors = check_layer(layer, x)
    assert set(errors) == {"x", "W", "b"}
    assert max(errors.values()) < TOL, errors
    dx = layer.backward(np.ones((n, m)))
    assert dx.shape == x.shape


@given(st.data())
def test_softmax_with_loss_matches_numerical_gradient_for_both_label_kinds(data):
    n, c = data.draw(dims), data.draw(st.integers(2, 6))
    x = data.draw(floats_array((n, c), -5, 5))
    labels = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    one_hot = np.eye(c)[labels]
    err_int = check_layer(SoftmaxWithLoss(), x, labels)["x"]
    err_hot = check_layer(SoftmaxWithLoss(), x, one_hot)["x"]
    assert err_int < TOL and err_hot < TOL


def test_softmax_with_loss_gradient_is_y_minus_t_over_n():
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    t = np.array([2, 0])
    layer = SoftmaxWithLoss()
    loss = layer.forward(x, t)
    y = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-(np.log(y[0, 2]) + np.log(y[1, 0])) / 2)
    np.testing.assert_allclose(layer.backward(), (y - np.eye(3)[t]) / 2)


def test_softmax_with_loss_single_sample_and_huge_logits(recwarn):
    layer = SoftmaxWithLoss()
    assert layer.forward(np.array([1e4, -1e4, 0.0]), 0) == 0.0
    assert layer.forward(np.array([1e4, -1e4, 0.0]), 1) == pytest.approx(2e4)
    # one sample, N = 1: the gradient is y - t itself; softmax of (1e4, -1e4, 0) is (1, 0, 0)
    np.testing.assert_array_equal(layer.backward(), [1.0, -1.0, 0.0])
    x = np.array([1.0, 2.0, 0.5])
    y = np.exp(x) / np.exp(x).sum()
    layer.forward(x, 2)
    np.testing.assert_allclose(layer.backward(), y - [0.0, 0.0, 1.0], rtol=1e-12)
    np.testing.assert_allclose(layer.backward(2.0), 2.0 * (y - [0.0, 0.0, 1.0]), rtol=1e-12)
    assert not recwarn.list


def test_book_apple_example():
    apple, apple_num, tax = 100, 2, 1.1
    mul_apple, mul_tax = MulLayer(), MulLayer()
    price = mul_tax.forward(mul_apple.forward(apple, apple_num), tax)
    dapple_price, dtax = mul_tax.backward(1)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    assert round(price, 10) == 220 and dtax == 200
    assert (round(dapple, 10), round(dapple_num, 10)) == (2.2, 110)


def test_book_apple_orange_example():
    mul_apple, mul_orange, add, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    all_price = add.forward(mul_apple.forward(100, 2), mul_orange.forward(150, 3))
    price = mul_tax.forward(all_price, 1.1)
    dall_price, dtax = mul_tax.backward(1)
    dapple_price, dorange_price = add.backward(dall_price)
    dorange, dorange_num = mul_orange.backward(dorange_price)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    got = [price, dapple, dapple_num, dorange, dorange_num, dtax]
    np.testing.assert_allclose(got, [715, 2.2, 110, 3.3, 165, 650], rtol=1e-12)


LAYERS_1 = [Relu, Sigmoid]


@pytest.mark.parametrize("cls", LAYERS_1)
def test_activation_layers_do_not_modify_inputs_or_dout(cls, rng):
    x = rng.standard_normal((4, 5))
    dout = rng.standard_normal((4, 5))
    x0, dout0 = x.copy(), dout.copy()
    layer = cls()
    layer.forward(x)
    dx = layer.backward(dout)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(dout, dout0)  # the book's Relu zeroes dout[mask] in place
    assert dx is not dout


def test_relu_gives_plain_zeros_not_negative_zeros():
    # -0.0 == 0.0, but a printed "-0." puzzles a learner reading the gradient.
    layer = Relu()
    out = layer.forward(np.array([-2.0, 0.0, 3.0]))
    dx = layer.backward(np.array([-1.0, -1.0, -1.0]))
    np.testing.assert_array_equal(dx, [0.0, 0.0, -1.0])
    assert not np.signbit(out[:2]).any() and not np.signbit(dx[:2]).any()


def test_affine_and_loss_do_not_modify_their_inputs(rng):
    x, W, b = rng.standard_normal((3, 2, 2)), rng.standard_normal((4, 5)), rng.standard_normal(5)
    t, dout = np.array([0, 4, 2]), rng.standard_normal((3, 5))
    saved = [a.copy() for a in (x, W, b, t, dout)]
    affine, loss = Affine(W, b), SoftmaxWithLoss()
    loss.forward(affine.forward(x), t)
    affine.backward(loss.backward())
    affine.backward(dout)
    for a, a0 in zip((x, W, b, t, dout), saved):
        np.testing.assert_array_equal(a, a0)


def test_add_layer_returns_independent_gradients():
    layer = AddLayer()
    layer.forward(np.zeros(3), np.zeros(3))
    dx, dy = layer.backward(np.ones(3))
    dx[0] = 5
    assert dy[0] == 1


def test_affine_params_and_grads_share_names(rng):
    layer = Affine(rng.standard_normal((3, 2)), np.zeros(2))
    layer.forward(rng.standard_normal((4, 3)))
    layer.backward(np.ones((4, 2)))
    assert set(layer.params) == set(layer.grads) == {"W", "b"}
    assert layer.grads["W"] is layer.dW and layer.params["W"] is layer.W
    new_W = np.ones((3, 2))
    layer.W = new_W  # rebinding takes effect on the next forward
    np.testing.assert_allclose(layer.forward(np.ones((1, 3))), [[3.0, 3.0]])


def test_affine_without_input_grad_still_computes_parameter_gradients(rng):
    W, b, x = rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal((2, 4))
    full, first = Affine(W, b), Affine(W, b, input_grad=False)
    dout = rng.standard_normal((2, 3))
    full.forward(x)
    first.forward(x)
    assert full.backward(dout).shape == x.shape and first.backward(dout) is None
    np.testing.assert_array_equal(full.dW, first.dW)
    np.testing.assert_array_equal(full.db, first.db)
