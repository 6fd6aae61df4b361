"""Tests written for mutants that `make mutation` (mutmut) found alive in scratch.functions and
scratch.layers: what the other tests did not pin down (error messages that name the function,
softmax's last axis on a batch of batches, relu_grad between 0 and 1, ...)."""

import numpy as np
import pytest

from scratch import functions as F


@pytest.mark.parametrize("name, call", [
    ("sigmoid", lambda bad: F.sigmoid(bad)),
    ("softmax", lambda bad: F.softmax(bad)),
    ("log_softmax", lambda bad: F.log_softmax(bad)),
    ("mean_squared_error", lambda bad: F.mean_squared_error(bad, bad)),
    ("softmax_cross_entropy", lambda bad: F.softmax_cross_entropy(bad, np.array([0]))),
    ("cross_entropy_error", lambda bad: F.cross_entropy_error(bad, np.array([0]))),
])
def test_a_non_numeric_input_is_refused_by_name(name, call):
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


# --- scratch.nets.MultiLayerNetExtend -------------------------------------------------------
from scratch.nets import MultiLayerNetExtend  # noqa: E402


def test_rebinding_gamma_and_beta_takes_effect_in_every_batchnorm_layer(rng):
    net = MultiLayerNetExtend(4, [5, 5], 3, use_batchnorm=True, rng=1)
    x = rng.standard_normal((6, 4))
    before = net.predict(x, train_flg=True)
    for i in (1, 2):  # new arrays, not in-place changes: the book's stale-reference bug
        net.params[f"gamma{i}"] = 2 * np.ones(5)
        net.params[f"beta{i}"] = np.full(5, 0.5)
        assert net.layers[f"BatchNorm{i}"].gamma is not net.params[f"gamma{i}"]  # until predict
    after = net.predict(x, train_flg=True)
    assert not np.allclose(after, before)
    for i in (1, 2):
        layer = net.layers[f"BatchNorm{i}"]
        assert layer.gamma is net.params[f"gamma{i}"] and layer.beta is net.params[f"beta{i}"]


def test_layers_are_named_and_parametrised_as_given():
    net = MultiLayerNetExtend(4, [5, 5], 3, use_batchnorm=True, use_dropout=True,
                              dropout_ratio=0.3, rng=0, dtype=np.float32)
    for key, layer in net.layers.items():
        assert layer.name == key
    assert [net.layers[f"Dropout{i}"].dropout_ratio for i in (1, 2)] == [0.3, 0.3]
    for key, p in net.params.items():
        assert p.dtype == np.float32, key
    np.testing.assert_array_equal(net.params["gamma1"], np.ones(5))
    np.testing.assert_array_equal(net.params["beta2"], np.zeros(5))
    assert net.weight_decay_lambda == 0.0


def test_dropout_masks_come_from_the_nets_rng(rng):
    x = rng.standard_normal((8, 4))

    def masks(seed):
        net = MultiLayerNetExtend(4, [6], 3, use_dropout=True, rng=seed)
        net.predict(x, train_flg=True)
        return net.layers["Dropout1"].mask.copy()

    np.testing.assert_array_equal(masks(3), masks(3))
    assert not np.array_equal(masks(3), masks(4))


# --- small constants and boundaries in scratch.layers and scratch.optimizers -----------------
from scratch.layers import BatchNormalization, Dropout  # noqa: E402
from scratch.optimizers import SGD, AdaGrad  # noqa: E402


def test_batchnorm_of_a_constant_feature_is_finite_thanks_to_eps():
    x = np.array([[1.0, 2.0], [1.0, 4.0], [1.0, 0.0]])  # variance 0 in the first column
    layer = BatchNormalization(np.ones(2), np.zeros(2))
    out = layer.forward(x)
    assert np.isfinite(out).all()
    np.testing.assert_array_equal(out[:, 0], 0.0)
    np.testing.assert_allclose(layer.std, np.sqrt(x.var(axis=0) + layer.eps))


def test_adagrad_divides_by_sqrt_h_plus_eps():
    opt = AdaGrad(lr=0.1)
    params = {"w": np.array([0.0])}
    opt.update(params, {"w": np.array([1e-7])})  # sqrt(h) = 1e-7: eps is half the divisor
    assert params["w"][0] == pytest.approx(-0.1 * 1e-7 / (1e-7 + opt.eps))


def test_a_learning_rate_of_zero_is_refused_and_a_dropout_ratio_of_zero_is_not():
    with pytest.raises(ValueError, match="SGD"):
        SGD(lr=0.0)
    layer = Dropout(0.0, rng=0)
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(layer.forward(x), x)


def test_dropout_names_itself_in_its_errors():
    layer = Dropout(0.5, rng=0, name="Dropout7")
    with pytest.raises((TypeError, ValueError), match="Dropout7"):
        layer.forward(np.array([[np.nan, 1.0]]))


# --- documented defaults and arguments handed on ---------------------------------------------
from scratch.nets import MultiLayerNet, TwoLayerNet  # noqa: E402
from scratch.optimizers import Adam, Momentum, RMSprop  # noqa: E402


def test_the_books_default_hyperparameters():
    assert SGD().lr == 0.01
    assert (Momentum().lr, Momentum().momentum) == (0.01, 0.9)
    assert (AdaGrad().lr, AdaGrad().eps) == (0.01, 1e-7)
    assert (RMSprop().lr, RMSprop().decay_rate, RMSprop().eps) == (0.01, 0.99, 1e-7)
    adam = Adam()
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (0.001, 0.9, 0.999, 1e-8)


def test_two_layer_net_uses_its_rng_and_networks_default_to_he_init():
    assert not np.array_equal(TwoLayerNet(4, 3, 2, rng=5).params["W1"],
                              TwoLayerNet(4, 3, 2, rng=6).params["W1"])
    he = MultiLayerNet(400, [300], 2, rng=0).params["W1"]
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    extend = MultiLayerNetExtend(400, [300], 2).params["W1"]
    assert extend.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    np.testing.assert_array_equal(extend, MultiLayerNetExtend(400, [300], 2, rng=0).params["W1"])


def test_predict_defaults_to_test_mode_and_plain_extend_nets_have_gradients(rng):
    x, t = rng.standard_normal((4, 3)), np.array([0, 1, 0, 1])
    net = MultiLayerNetExtend(3, [5], 2, use_dropout=True, dropout_ratio=0.5, rng=0)
    np.testing.assert_array_equal(net.predict(x), net.predict(x, train_flg=False))
    plain = MultiLayerNetExtend(3, [5], 2, rng=0)
    assert set(plain.gradient(x, t)) == set(plain.params) == {"W1", "b1", "W2", "b2"}
    two = MultiLayerNet(3, [5], 2, rng=0)
    np.testing.assert_array_equal(two.predict(x), two.predict(x, train_flg=False))


def test_step_function_between_0_and_1_and_two_layer_nets_default_seed():
    np.testing.assert_array_equal(F.step_function(np.array([-1.0, 0.0, 0.5, 1.0])), [0, 0, 1, 1])
    np.testing.assert_array_equal(TwoLayerNet(4, 3, 2).params["W1"],
                                  TwoLayerNet(4, 3, 2, rng=0).params["W1"])
