"""BatchNormalization and Dropout against numerical gradients (float64), their training and
test modes, their errors, and MultiLayerNetExtend built from them."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scratch.gradient import check_layer, eval_numerical_gradient_array, rel_error
from scratch.layers import BatchNormalization, Dropout
from scratch.nets import MultiLayerNet, MultiLayerNetExtend
from tests.core.strategies import floats_array

TOL = 1e-7


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


def test_extend_structure_and_names():
    net = MultiLayerNetExtend(5, [4, 3], 2, use_batchnorm=True, use_dropout=True)
    assert list(net.layers) == ["Affine1", "BatchNorm1", "Relu1", "Dropout1", "Affine2",
                                "BatchNorm2", "Relu2", "Dropout2", "Affine3"]
    assert list(net.params) == ["W1", "b1", "W2", "b2", "W3", "b3", "gamma1", "beta1",
                                "gamma2", "beta2"]
    np.testing.assert_array_equal(net.params["gamma2"], np.ones(3))
    plain, extend = MultiLayerNet(5, [4, 3], 2, rng=7), MultiLayerNetExtend(5, [4, 3], 2, rng=7)
    assert list(extend.layers) == list(plain.layers)
    for key in plain.params:
        np.testing.assert_array_equal(plain.params[key], extend.params[key])


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_extend_backprop_matches_numerical_with_batchnorm_and_decay(activation, rng):
    x, t = rng.standard_normal((6, 5)), rng.integers(0, 3, size=6)
    net = MultiLayerNetExtend(5, [4, 4], 3, activation, weight_decay_lambda=0.3,
                              use_batchnorm=True, rng=1)
    net.params["gamma1"][...] = rng.uniform(0.5, 2.0, 4)  # away from the starting values
    net.params["beta2"][...] = rng.standard_normal(4)
    backprop, numeric = net.gradient(x, t), net.numerical_gradient(x, t)
    assert list(backprop) == list(net.params)
    for key in backprop:
        if key in ("b1", "b2"):  # they feed batch norm: 0 up to rounding (~1e-11 numerically)
            assert max(np.abs(backprop[key]).max(), np.abs(numeric[key]).max()) < 1e-9, key
        else:
            assert rel_error(backprop[key], numeric[key]) < TOL, key


def test_extend_dropout_changes_training_not_testing(rng):
    x, t = rng.standard_normal((8, 5)), rng.integers(0, 3, size=8)
    net = MultiLayerNetExtend(5, [6], 3, use_dropout=True, dropout_ratio=0.5, rng=2)
    assert net.loss(x, t) == net.loss(x, t)  # test mode: deterministic
    assert net.loss(x, t, train_flg=True) != net.loss(x, t, train_flg=True)
    net.params["gamma1"] = None  # no such parameter without batch norm: never read
    assert np.isfinite(net.loss(x, t))
