"""Bad input gets a clear error naming the layer and the expected and actual values."""

import re

import numpy as np
import pytest

from scratch.functions import cross_entropy_error, mean_squared_error, sigmoid, softmax
from scratch.layers import AddLayer, Affine, MulLayer, Relu, Sigmoid, SoftmaxWithLoss
from scratch.nets import MultiLayerNet, TwoLayerNet

NAN = np.array([[1.0, np.nan], [0.0, 1.0]])


def _layer_name(value):
    """A layer's class name as its test id (`-k Relu`); other parameters keep pytest's ids."""
    return type(value).__name__ if hasattr(value, "backward") else None


@pytest.mark.parametrize("layer", [Relu(), Sigmoid(), Affine(np.ones((2, 3)), np.zeros(3))],
                         ids=_layer_name)
def test_nan_and_inf_inputs_are_rejected(layer):
    with pytest.raises(ValueError, match=rf"{layer.name}\.forward: x must be finite.*\(0, 1\)"):
        layer.forward(NAN)
    with pytest.raises(ValueError, match="must be finite"):
        layer.forward(np.array([[np.inf, 0.0]]))


@pytest.mark.parametrize("layer", [Relu(), Sigmoid(), Affine(np.ones((2, 3)), np.zeros(3))],
                         ids=_layer_name)
def test_non_numeric_inputs_are_type_errors(layer):
    with pytest.raises(TypeError, match=rf"{layer.name}\.forward: x must be a real numeric.*<U1"):
        layer.forward(np.array([["a", "b"]]))
    with pytest.raises(TypeError, match="complex128"):
        layer.forward(np.ones((1, 2), dtype=complex))


@pytest.mark.parametrize("cls", [MulLayer, AddLayer])
def test_mul_add_refuse_broadcasting(cls):
    with pytest.raises(ValueError, match=rf"{cls.__name__}\.forward: y must have the same shape "
                                         r"as x \(3,\), got \(2, 3\)"):
        cls().forward(np.ones(3), np.ones((2, 3)))
    with pytest.raises(ValueError, match="must be finite"):
        cls().forward(1.0, float("nan"))


@pytest.mark.parametrize("layer,args,shape", [
    (Relu(), (np.ones((2, 3)),), (2, 3)),
    (Sigmoid(), (np.ones((2, 3)),), (2, 3)),
    (Affine(np.ones((3, 4)), np.zeros(4)), (np.ones((2, 3)),), (2, 4)),
    (MulLayer(), (np.ones(3), np.ones(3)), (3,)),
], ids=_layer_name)
def test_backward_checks_dout_shape(layer, args, shape):
    layer.forward(*args)
    with pytest.raises(ValueError, match=rf"{layer.name}\.backward: dout must have the shape of "
                                         rf"forward's output {re.escape(str(shape))}, got \(5,\)"):
        layer.backward(np.ones(5))


@pytest.mark.parametrize("layer,args", [
    (Relu(), (np.ones((2, 2)),)),
    (Sigmoid(), (np.ones((2, 2)),)),
    (Affine(np.ones((2, 2)), np.zeros(2)), (np.ones((2, 2)),)),
    (MulLayer(), (np.ones((2, 2)), np.ones((2, 2)))),
    (AddLayer(), (np.ones((2, 2)), np.ones((2, 2)))),
], ids=_layer_name)
def test_nan_and_inf_in_dout_are_rejected(layer, args):
    layer.forward(*args)
    with pytest.raises(ValueError, match=rf"{layer.name}\.backward: dout must be finite.*\(0, 1\)"):
        layer.backward(NAN)
    with pytest.raises(TypeError, match=rf"{layer.name}\.backward: dout must be a real numeric"):
        layer.backward(np.array([["a", "b"], ["c", "d"]]))


@pytest.mark.parametrize("layer", [MulLayer(), AddLayer(), Relu(), Sigmoid(), SoftmaxWithLoss(),
                                   Affine(np.ones((2, 2)), np.zeros(2))], ids=_layer_name)
def test_backward_before_forward(layer):
    with pytest.raises(RuntimeError, match=rf"{layer.name}\.backward called before forward"):
        layer.backward(np.ones(2))


def test_affine_shape_errors_name_expected_and_actual():
    layer = Affine(np.ones((784, 50)), np.zeros(50), name="Affine1")
    with pytest.raises(ValueError, match=r"Affine1\.forward: x has 785 features per sample "
                                         r"\(shape \(2, 785\)\) but W expects 784"):
        layer.forward(np.ones((2, 785)))
    with pytest.raises(ValueError, match=r"x must have shape \(N, D\).*got shape \(784,\)"):
        layer.forward(np.ones(784))
    with pytest.raises(ValueError, match=r"empty batch"):
        layer.forward(np.ones((0, 784)))
    with pytest.raises(ValueError, match=r"W must be \(D, M\) and b \(M,\), got W \(3, 2\) "
                                         r"and b \(3,\)"):
        Affine(np.ones((3, 2)), np.zeros(3)).forward(np.ones((1, 3)))


@pytest.mark.parametrize("t,match", [
    (np.array([0, 3]), r"labels must be in \[0, 2\], got 3"),
    (np.array([0, -1]), r"labels must be in \[0, 2\], got -1"),
    (np.array([0.0, 1.0]), r"labels of shape \(N,\) must be integers, got dtype float64"),
    (np.array([0, 1, 2]), r"expected 2 labels \(one per sample\), got 3"),
    (np.eye(3)[:2] * 0.5, r"one-hot labels must have exactly one 1 per row"),
    (np.eye(4)[:2], r"one-hot labels must have shape \(2, 3\), got \(2, 4\)"),
    (np.zeros((2, 3, 1)), r"labels must have shape \(2,\) or \(2, 3\), got shape \(2, 3, 1\)"),
])
def test_softmax_with_loss_label_errors(t, match):
    with pytest.raises((ValueError, TypeError), match=r"SoftmaxWithLoss\.forward: " + match):
        SoftmaxWithLoss().forward(np.zeros((2, 3)), t)


def test_softmax_with_loss_rejects_bad_logits():
    with pytest.raises(ValueError, match=r"SoftmaxWithLoss\.forward: x must be finite"):
        SoftmaxWithLoss().forward(NAN, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"x must have shape \(N, C\) or \(C,\)"):
        SoftmaxWithLoss().forward(np.zeros((2, 3, 4)), np.array([0, 1]))
    layer = SoftmaxWithLoss()
    layer.forward(np.zeros((2, 3)), np.array([0, 1]))
    with pytest.raises(ValueError, match="dout must be a scalar"):
        layer.backward(np.ones(2))


def test_functions_reject_bad_input():
    with pytest.raises(TypeError, match="softmax: x must be a real numeric array"):
        softmax(np.array(["x"]))
    with pytest.raises(TypeError, match="sigmoid"):
        sigmoid(np.array([None]))
    with pytest.raises(ValueError, match=r"cross_entropy_error: labels must be in \[0, 1\]"):
        cross_entropy_error(np.array([[0.5, 0.5]]), np.array([2]))
    with pytest.raises(ValueError, match="cross_entropy_error: y must be finite"):
        cross_entropy_error(NAN, np.array([0, 1]))
    with pytest.raises(ValueError, match="empty batch"):
        cross_entropy_error(np.zeros((0, 3)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match=r"mean_squared_error: t must have y's shape \(3,\)"):
        mean_squared_error(np.zeros(3), np.zeros(4))


def test_nets_reject_bad_input_with_layer_names():
    net = TwoLayerNet(4, 3, 2)
    with pytest.raises(ValueError, match=r"Affine1\.forward: x has 5 features per sample"):
        net.loss(np.ones((2, 5)), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"Affine1\.forward: x must be finite"):
        net.predict(np.full((2, 4), np.nan))
    with pytest.raises(ValueError, match=r"SoftmaxWithLoss\.forward: labels must be in \[0, 1\]"):
        net.gradient(np.ones((2, 4)), np.array([0, 2]))
    with pytest.raises(ValueError, match=r"TwoLayerNet\.accuracy: expected 2 labels"):
        net.accuracy(np.ones((2, 4)), np.array([0, 1, 1]))


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nets_report_nan_and_inf_at_the_first_affine_that_sees_them(activation, bad):
    # Each Affine scans its output rather than x, W and b (scratch.validation), so that scan
    # must catch a bad value anywhere in x or the parameters, even where a sigmoid would
    # squash an inf into a finite 0 or 1 further on.
    net = MultiLayerNet(4, [3, 3], 2, activation=activation)
    x, t = np.ones((2, 4)), np.array([0, 1])
    with pytest.raises(ValueError, match=r"Affine1\.forward: x must be finite"):
        net.loss(np.where(np.eye(2, 4, dtype=bool), bad, x), t)
    for key, layer in (("W2", "Affine2"), ("b3", "Affine3")):
        good = net.params[key]
        net.params[key] = good.copy()
        net.params[key].flat[0] = bad
        with pytest.raises(ValueError, match=rf"{layer}\.forward: {key[0]} must be finite"):
            net.gradient(x, t)
        net.params[key] = good


def test_nets_catch_a_rebinding_with_the_wrong_shape():
    net = TwoLayerNet(4, 3, 2)
    net.params["W2"] = np.ones((4, 2))
    with pytest.raises(ValueError, match=r"Affine2\.forward: x has 3 features .* W expects 4"):
        net.predict(np.ones((1, 4)))


def test_net_constructor_errors():
    with pytest.raises(ValueError, match=r"MultiLayerNet: activation must be one of "
                                         r"\['relu', 'sigmoid'\], got 'tanh'"):
        MultiLayerNet(2, [3], 2, activation="tanh")
    with pytest.raises(ValueError, match="weight_init_std must be a number or one of"):
        MultiLayerNet(2, [3], 2, weight_init_std="glorot")
    with pytest.raises(TypeError, match="dtype must be a float type"):
        MultiLayerNet(2, [3], 2, dtype=np.int32)
    with pytest.raises(ValueError, match=r"layer sizes must be >= 1, got \[2, 0, 2\]"):
        MultiLayerNet(2, [0], 2)


def test_affine_names_an_overflow_when_x_w_and_b_are_finite():
    layer = Affine(np.full((2, 3), 1e38, dtype=np.float32), np.zeros(3, dtype=np.float32))
    # No NumPy overflow warning escapes either: the layer's error is all the learner sees.
    with pytest.raises(
            ValueError, match=r"Affine\.forward: the output overflowed to inf \(inputs up to "
                              r"1e\+38 in size\)"):
        layer.forward(np.full((1, 2), 1e38, dtype=np.float32))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_huge_but_finite_values_pass_the_nan_scan(dtype):
    # The scan's fast test (the sum of squares) overflows here; the exact test then decides.
    huge = np.full((2, 3), np.finfo(dtype).max / 2, dtype=dtype)
    assert Relu().forward(huge).dtype == dtype
    layer = Sigmoid()
    layer.forward(np.zeros((2, 3), dtype=dtype))
    assert np.isfinite(layer.backward(huge)).all()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("where", ["x", "W", "b"])
def test_affine_lets_no_numpy_warning_escape(where, bad, dtype):
    # inf * 0 inside x W sets NumPy's "invalid" flag. Whether NumPy then warns depends on the
    # BLAS kernel (OpenBLAS's AVX-512 kernel does, its AVX2 kernel does not); float16 skips
    # BLAS and always warns, so this test fails on every processor if the product is not
    # wrapped. The pytest settings turn any RuntimeWarning into an error.
    arrays = {"x": np.zeros((2, 3), dtype), "W": np.zeros((3, 4), dtype), "b": np.zeros(4, dtype)}
    arrays[where].flat[0] = bad
    layer = Affine(arrays["W"], arrays["b"], name="Affine1")
    with pytest.raises(ValueError, match=rf"Affine1\.forward: {where} must be finite"):
        layer.forward(arrays["x"])
