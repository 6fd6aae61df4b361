"""Every layer's backward against numerical gradients (float64), and what layers must not do;
BatchNormalization's and Dropout's training and test modes and their errors. Bad input to any
layer: test_bad_input.py."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scratch.gradient import check_layer, eval_numerical_gradient_array, rel_error
from scratch.layers import (
    AddLayer,
    Affine,
    BatchNormalization,
    Dropout,
    MulLayer,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
)
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


# --- BatchNormalization and Dropout ---------------------------------------------------------------

def _spread(x):
    """x with every feature varying by at least 1: a constant feature has variance 0, where
    1 / sqrt(var + eps) is so steep that no finite difference can follow it. Built, not
    filtered: filtering rejected so many draws that hypothesis's health check failed."""
    x = x.copy()
    x[0] = x[1:].min(axis=0) - 1.0
    return x


@given(st.data())
def test_batchnorm_matches_numerical_gradients(data):
    # N >= 5: with two samples the outputs are +-1 whatever x is, and dx is 0 up to rounding;
    # with very few, dx keeps only N - 2 directions of dout and can be tiny next to rounding.
    n, d = data.draw(st.integers(5, 8)), data.draw(st.integers(1, 4))
    x = _spread(data.draw(floats_array((n, d))))
    gamma, beta = data.draw(floats_array((d,))), data.draw(floats_array((d,)))
    errors = check_layer(BatchNormalization(gamma, beta), x, rng=0)  # a fixed dout
    assert set(errors) == {"x", "gamma", "beta"}
    assert max(errors.values()) < TOL, errors


def test_batchnorm_matches_numerical_gradients_in_test_mode_and_for_tensors(rng):
    x = rng.standard_normal((4, 2, 3))
    layer = BatchNormalization(rng.standard_normal(6), rng.standard_normal(6))
    layer.forward(x)  # running averages from one training batch
    assert max(check_layer(layer, x, rng=0).values()) < TOL
    dout = rng.standard_normal((4, 2, 3))
    out = layer.forward(x, train_flg=False)
    assert out.shape == x.shape
    dx = layer.backward(dout)
    numeric = eval_numerical_gradient_array(lambda: layer.forward(x, train_flg=False), x, dout)
    assert rel_error(dx, numeric) < TOL


def test_batchnorm_normalises_and_keeps_running_averages(rng):
    x = 3.0 + 2.0 * rng.standard_normal((50, 4))
    layer = BatchNormalization(np.ones(4), np.zeros(4), momentum=0.9)
    out = layer.forward(x)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1, rtol=1e-4)  # var / (var + eps)
    np.testing.assert_allclose(layer.running_mean, 0.1 * x.mean(axis=0))
    np.testing.assert_allclose(layer.running_var, 0.1 * x.var(axis=0))
    layer.forward(x)
    np.testing.assert_allclose(layer.running_mean, (0.1 * 0.9 + 0.1) * x.mean(axis=0))


def test_batchnorm_test_mode_does_not_depend_on_the_batch(rng):
    layer = BatchNormalization(rng.standard_normal(3), rng.standard_normal(3))
    for _ in range(5):
        layer.forward(rng.standard_normal((20, 3)))
    one = rng.standard_normal((1, 3))
    alone = layer.forward(one, train_flg=False)
    with_others = layer.forward(np.vstack([one, 10 * rng.standard_normal((7, 3))]), False)[:1]
    np.testing.assert_array_equal(alone, with_others)
    train_a = layer.forward(np.vstack([one, rng.standard_normal((7, 3))]))[:1]
    train_b = layer.forward(np.vstack([one, rng.standard_normal((7, 3))]))[:1]
    assert not np.allclose(train_a, train_b)  # batch statistics: it depends on the batch-mates


def test_batchnorm_does_not_modify_its_inputs(rng):
    x, gamma, beta = rng.standard_normal((5, 3)), rng.standard_normal(3), rng.standard_normal(3)
    dout = rng.standard_normal((5, 3))
    copies = [a.copy() for a in (x, gamma, beta, dout)]
    layer = BatchNormalization(gamma, beta)
    layer.forward(x)
    layer.backward(dout)
    for a, b in zip((x, gamma, beta, dout), copies):
        np.testing.assert_array_equal(a, b)


def test_batchnorm_errors_name_the_layer(rng):
    layer = BatchNormalization(np.ones(3), np.zeros(3), name="BatchNorm2")
    with pytest.raises(ValueError, match=r"BatchNorm2.forward: gamma must have shape \(4,\).*"
                                         r"x \(5, 4\), got \(3,\)"):
        layer.forward(rng.standard_normal((5, 4)))
    with pytest.raises(ValueError, match="at least 2 samples"):
        layer.forward(rng.standard_normal((1, 3)))
    with pytest.raises(ValueError, match=r"BatchNorm2.forward: x must have shape \(N, D\)"):
        layer.forward(rng.standard_normal(3))
    with pytest.raises(ValueError, match="x must be finite"):
        layer.forward(np.array([[1.0, np.nan, 0.0], [0.0, 1.0, 2.0]]))
    with pytest.raises(RuntimeError, match="BatchNorm2.backward called before forward"):
        layer.backward(np.ones((5, 3)))
    layer.forward(rng.standard_normal((5, 3)))
    with pytest.raises(ValueError, match=r"dout must have the shape of forward's output \(5, 3\)"):
        layer.backward(np.ones((5, 4)))
    assert layer.forward(rng.standard_normal((1, 3)), train_flg=False).shape == (1, 3)


def test_a_bias_before_batchnorm_gets_no_gradient(rng):
    x, W, b = rng.standard_normal((6, 4)), rng.standard_normal((4, 3)), rng.standard_normal(3)
    norm = BatchNormalization(rng.standard_normal(3), rng.standard_normal(3))
    norm.forward(x @ W + b)
    dz = norm.backward(rng.standard_normal((6, 3)))
    np.testing.assert_allclose(dz.sum(axis=0), 0, atol=1e-12)  # db = sum of dz over the batch


def test_dropout_training_and_test_modes(rng):
    layer = Dropout(0.3, rng=0)
    x = rng.standard_normal((200, 50))
    out = layer.forward(x)
    kept = out != 0
    assert 0.6 < kept.mean() < 0.8
    np.testing.assert_array_equal(out[kept], x[kept])
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), layer.mask * 1.0)
    np.testing.assert_allclose(layer.forward(x, train_flg=False), 0.7 * x)
    means = np.mean([Dropout(0.3, rng=s).forward(np.ones(1000)).mean() for s in range(50)])
    assert means == pytest.approx(0.7, abs=0.01)  # training output's expectation = test output


def test_dropout_gradient_with_the_mask_held_fixed(rng):
    layer = Dropout(0.5, rng=1)
    x, dout = rng.standard_normal((6, 5)), rng.standard_normal((6, 5))

    def forward_same_mask():
        layer.rng = np.random.default_rng(1)  # the same mask at every call
        return layer.forward(x)

    forward_same_mask()
    dx = layer.backward(dout)
    numeric = eval_numerical_gradient_array(forward_same_mask, x, dout)
    assert rel_error(dx, numeric) < TOL


def test_dropout_test_mode_is_deterministic_and_its_backward_scales(rng):
    layer = Dropout(0.4, rng=3)
    x, dout = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    layer.forward(x)  # a training mask first: the test-mode backward must not reuse it
    first, second = layer.forward(x, train_flg=False), layer.forward(x, train_flg=False)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(layer.backward(dout), 0.6 * dout)  # out = 0.6 x
    numeric = eval_numerical_gradient_array(lambda: layer.forward(x, train_flg=False), x, dout)
    assert rel_error(layer.backward(dout), numeric) < TOL
    assert layer.forward(x.astype(np.float32), train_flg=False).dtype == np.float32


def test_dropout_errors():
    with pytest.raises(ValueError, match=r"Dropout: dropout_ratio must be in \[0, 1\), got 1.0"):
        Dropout(1.0)
    with pytest.raises(RuntimeError, match="Dropout.backward called before forward"):
        Dropout().backward(np.ones(3))


def test_batchnorm_of_a_constant_feature_is_finite_thanks_to_eps():
    x = np.array([[1.0, 2.0], [1.0, 4.0], [1.0, 0.0]])  # variance 0 in the first column
    layer = BatchNormalization(np.ones(2), np.zeros(2))
    out = layer.forward(x)
    assert np.isfinite(out).all()
    np.testing.assert_array_equal(out[:, 0], 0.0)
    np.testing.assert_allclose(layer.std, np.sqrt(x.var(axis=0) + layer.eps))


def test_dropout_names_itself_in_its_errors():
    layer = Dropout(0.5, rng=0, name="Dropout7")
    with pytest.raises((TypeError, ValueError), match="Dropout7"):
        layer.forward(np.array([[np.nan, 1.0]]))
