"""Networks, MultiLayerNetExtend (batch norm, dropout) included: backprop against numerical
gradients, rebinding, dtypes, determinism, defaults."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scratch.gradient import rel_error
from scratch.nets import MultiLayerNet, MultiLayerNetExtend, TwoLayerNet

TOL = 1e-7


def assert_gradients_match(net, x, t, tol=TOL):
    grads, numeric = net.gradient(x, t), net.numerical_gradient(x, t)
    assert set(grads) == set(numeric) == set(net.params)
    errors = {k: rel_error(grads[k], numeric[k]) for k in grads}
    assert max(errors.values()) < tol, errors


def kink_free_relu_net(net, x):
    """True when no ReLU input lies within 1e-3 of 0, where centred differences break down."""
    net.predict(x)  # let the layers pick up the current params
    h = np.asarray(x, dtype=np.float64)
    for layer in net.layers.values():
        h = layer.forward(h)
        if type(layer).__name__ == "Affine" and np.min(np.abs(h)) < 1e-3:
            return False
    return True


@given(st.integers(0, 2**32 - 1), st.sampled_from(["relu", "sigmoid"]),
       st.lists(st.integers(1, 4), min_size=1, max_size=3), st.integers(1, 4))
def test_multilayer_net_backprop_matches_numerical(seed, activation, hidden, n):
    rng = np.random.default_rng(seed)
    net = MultiLayerNet(3, hidden, 3, activation=activation, weight_init_std=1.0,
                        weight_decay_lambda=0.1, rng=rng)
    for key in net.params:  # nonzero biases, so every term of the gradient is exercised
        net.params[key] += 0.1 * rng.standard_normal(net.params[key].shape)
    x, t = rng.standard_normal((n, 3)), rng.integers(0, 3, n)
    if activation == "relu" and not kink_free_relu_net(net, x):
        return  # deliberately avoid ReLU kinks (see kink_free_relu_net)
    # A vanishing gradient (deep saturated sigmoids) is smaller than the finite differences'
    # rounding noise (~1e-16 * loss / h = 1e-11), so no check can resolve it: avoid it too.
    assume(min(np.linalg.norm(g) for g in net.gradient(x, t).values()) > 1e-3)
    assert_gradients_match(net, x, t)


def test_two_layer_net_backprop_matches_numerical_one_hot(rng):
    net = TwoLayerNet(6, 5, 4, weight_init_std=0.5, rng=1)
    x, t = rng.standard_normal((3, 6)), np.eye(4)[[0, 3, 1]]
    assert kink_free_relu_net(net, x)
    assert_gradients_match(net, x, t)


def test_structure_and_names():
    # The book's section 5.7.2: an OrderedDict of layers by name, then the last layer.
    net = MultiLayerNet(784, [100, 50], 10)
    assert list(net.layers) == ["Affine1", "Relu1", "Affine2", "Relu2", "Affine3"]
    assert [layer.name for layer in net.layers.values()] == list(net.layers)
    assert type(net.last_layer).__name__ == "SoftmaxWithLoss"
    assert list(MultiLayerNet(4, [3], 2, activation="sigmoid").layers) == [
        "Affine1", "Sigmoid1", "Affine2"]
    assert {k: v.shape for k, v in net.params.items()} == {
        "W1": (784, 100), "b1": (100,), "W2": (100, 50), "b2": (50,), "W3": (50, 10), "b3": (10,)}
    assert np.std(net.params["W1"]) == pytest.approx(np.sqrt(2 / 784), rel=0.05)
    xavier = MultiLayerNet(784, [100], 10, activation="sigmoid", weight_init_std="xavier")
    assert np.std(xavier.params["W1"]) == pytest.approx(np.sqrt(1 / 784), rel=0.05)
    assert np.std(TwoLayerNet(784, 50, 10).params["W1"]) == pytest.approx(0.01, rel=0.05)


def test_rebinding_params_takes_effect(rng):
    net = TwoLayerNet(4, 3, 2)
    x = rng.standard_normal((5, 4))
    net.params["W2"] = np.zeros((3, 2))
    net.params["b2"] = np.array([1.0, -1.0])
    np.testing.assert_array_equal(net.predict(x), np.tile([1.0, -1.0], (5, 1)))
    net.params = {k: v * 0 for k, v in net.params.items()}  # rebinding the whole dict too
    assert np.all(net.predict(x) == 0)


def test_dtype_float32_trains_in_float32_and_matches_float64(rng):
    x, t = rng.standard_normal((8, 5)), rng.integers(0, 3, 8)
    net32 = TwoLayerNet(5, 4, 3, weight_init_std=0.5, dtype=np.float32, rng=7)
    net64 = TwoLayerNet(5, 4, 3, weight_init_std=0.5, dtype=np.float64, rng=7)
    loss32, grads32 = net32.loss_and_gradient(x, t)
    loss64, grads64 = net64.loss_and_gradient(x, t)
    assert all(g.dtype == np.float32 for g in grads32.values())
    assert net32.predict(x).dtype == np.float32
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    for k in grads64:
        assert rel_error(grads32[k], grads64[k]) < 1e-5


def test_same_seed_same_net_and_inputs_untouched(rng):
    a, b = MultiLayerNet(4, [3], 2, rng=3), MultiLayerNet(4, [3], 2, rng=3)
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
    x, t = rng.standard_normal((2, 4)), np.array([0, 1])
    x0 = x.copy()
    a.gradient(x, t)
    np.testing.assert_array_equal(x, x0)


def test_loss_and_gradient_is_one_pass_and_weight_decay_adds_up(rng):
    net = MultiLayerNet(4, [3], 2, weight_decay_lambda=0.5)
    x, t = rng.standard_normal((2, 4)), np.array([0, 1])
    # Count the passes: every layer's forward and backward run exactly once, the loss once.
    calls = []
    for name, layer in [*net.layers.items(), ("last_layer", net.last_layer)]:
        for method in ("forward", "backward"):
            original = getattr(layer, method)

            def counted(*args, _original=original, _key=(name, method), **kwargs):
                calls.append(_key)
                return _original(*args, **kwargs)

            setattr(layer, method, counted)
    loss, grads = net.loss_and_gradient(x, t)
    names = [*net.layers, "last_layer"]
    assert sorted(calls) == sorted((n, m) for n in names for m in ("forward", "backward"))
    # in order: forwards left to right, then backwards right to left
    assert calls == [(n, "forward") for n in names] + [(n, "backward") for n in names[::-1]]
    for layer in [*net.layers.values(), net.last_layer]:
        del layer.forward, layer.backward  # back to the class's methods
    assert loss == net.loss(x, t)
    assert set(grads) == set(net.params)
    decay = 0.25 * sum(np.sum(net.params[k] ** 2) for k in ("W1", "W2"))
    assert loss == pytest.approx(net.last_layer.forward(net.predict(x), t) + decay)


def test_accuracy_with_both_label_kinds():
    net = TwoLayerNet(2, 2, 2)
    net.params.update(W1=np.eye(2), b1=np.zeros(2), W2=np.eye(2), b2=np.zeros(2))
    x = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 3.0]])
    assert net.accuracy(x, np.array([0, 1, 1, 1])) == 0.75
    assert net.accuracy(x, np.eye(2)[[0, 1, 1, 1]]) == 0.75


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


def test_extend_layers_are_named_and_parametrised_as_given():
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
