"""Notebook 06's checks: right answers pass, typical mistakes get their hint, stubs a nudge.

The networks the exercises build on (LayerNet, DeepNet, SuspectNet) are taken from the notebook
itself, by running the cells that define them, so the tests check the notebook's own classes.
"""

import json
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

from scratch.checks.network import (
    check_gradient_errors,
    check_input_gradient,
    check_three_layer_net,
    reference_mlp,
)
from scratch.gradient import numerical_gradient, rel_error
from scratch.layers import Affine, Relu, SoftmaxWithLoss
from scratch.nets import MultiLayerNet
from tests.notebooks.check_output import NOT_IMPLEMENTED, expect_verdicts, one_line

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "06_build_the_network.ipynb"


@pytest.fixture(scope="module")
def nb():
    """The notebook's LayerNet, DeepNet and SuspectNet, defined by running their cells."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    namespace = {"np": np, "OrderedDict": OrderedDict, "Affine": Affine, "Relu": Relu,
                 "SoftmaxWithLoss": SoftmaxWithLoss}
    for name in ("class LayerNet", "class DeepNet", "class SuspectNet"):
        source = next("".join(c["source"]) for c in cells
                      if c["cell_type"] == "code" and "".join(c["source"]).startswith(name))
        exec(source, namespace)  # noqa: S102 - the notebook's own code
    return namespace


def _stub(*args, **kwargs):
    raise NotImplementedError


# --- reference_mlp: the oracle itself, against numerical gradients ---------------------------

@pytest.mark.parametrize("lam", [0.0, 3.14])
def test_reference_mlp_matches_numerical_gradients(lam):
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((5, 4)), rng.integers(0, 3, size=5)
    weights = [rng.standard_normal(shape) for shape in ((4, 6), (6, 5), (5, 3))]
    biases = [rng.standard_normal(size) for size in (6, 5, 3)]
    loss, grads, dx = reference_mlp(x, t, weights, biases, lam)
    for i, (W, b) in enumerate(zip(weights, biases), start=1):
        for key, p in ((f"W{i}", W), (f"b{i}", b)):
            numeric = numerical_gradient(
                lambda _: reference_mlp(x, t, weights, biases, lam)[0], p, h=1e-5)
            assert rel_error(grads[key], numeric) < 1e-7, key
    numeric_dx = numerical_gradient(lambda _: reference_mlp(x, t, weights, biases, lam)[0], x,
                                    h=1e-5)
    assert rel_error(dx, numeric_dx) < 1e-7


def test_reference_mlp_agrees_with_scratch_nets():
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((4, 5)), rng.integers(0, 3, size=4)
    net = MultiLayerNet(5, [6, 4], 3, weight_decay_lambda=0.7, rng=3)
    weights = [net.params[f"W{i}"] for i in (1, 2, 3)]
    biases = [net.params[f"b{i}"] for i in (1, 2, 3)]
    loss, grads, _ = reference_mlp(x, t, weights, biases, 0.7)
    assert loss == pytest.approx(net.loss(x, t), rel=1e-12)
    for key, g in net.gradient(x, t).items():
        np.testing.assert_allclose(grads[key], g, rtol=1e-10, atol=1e-14)


# --- exercise 1: input_gradient ------------------------------------------------------------

def _forward(layers, last_layer, x, t):
    out = x
    for layer in layers.values():
        out = layer.forward(out)
    return last_layer.forward(out, t)


def test_input_gradient_right_answer(capsys):
    def solution(layers, last_layer, x, t):
        _forward(layers, last_layer, x, t)
        dout = last_layer.backward(1.0)
        for layer in reversed(layers.values()):
            dout = layer.backward(dout)
        return dout

    def with_a_list(layers, last_layer, x, t):
        _forward(layers, last_layer, x, t)
        dout = last_layer.backward(1.0)
        for name in list(layers)[::-1]:
            dout = layers[name].backward(dout)
        return dout

    def via_reference(layers, last_layer, x, t):
        from scratch.checks.network import reference_mlp

        solution(layers, last_layer, x, t)  # every backward once, in order, for show
        affines = [layer for layer in layers.values() if hasattr(layer, "W")]
        return reference_mlp(x, t, [a.W for a in affines], [a.b for a in affines])[2]

    cases = [
        (solution, None),
        (with_a_list, None),
        (via_reference, "(or this check's reference)", "saved reference"),
    ]
    expect_verdicts(check_input_gradient, cases, capsys,
                    "input_gradient: OK (max rel. error < 1e-7)")


def test_input_gradient_mistakes(capsys):
    def no_backward(layers, last_layer, x, t):
        _forward(layers, last_layer, x, t)
        return np.zeros_like(x)

    def not_from_loss(layers, last_layer, x, t):
        _forward(layers, last_layer, x, t)
        dout = np.ones((x.shape[0], 3)) / x.shape[0]
        for layer in reversed(layers.values()):
            dout = layer.backward(dout)
        last_layer.backward(1.0)
        return dout

    def skips_relu(layers, last_layer, x, t):
        _forward(layers, last_layer, x, t)
        dout = last_layer.backward(1.0)
        for name, layer in reversed(layers.items()):
            if not name.startswith("Relu"):
                dout = layer.backward(dout)
        return dout

    def forward_order(layers, last_layer, x, t):
        _forward(layers, last_layer, x, t)
        dout = last_layer.backward(1.0)
        names = list(layers)
        for name in [names[1], names[0], *reversed(names[2:])]:  # Relu1 before Affine2's dx
            try:
                dout = layers[name].backward(dout)
            except ValueError:
                pass
        return dout

    def returns_scores_grad(layers, last_layer, x, t):
        _forward(layers, last_layer, x, t)
        dout = last_layer.backward(1.0)
        first = dout
        for layer in reversed(layers.values()):
            dout = layer.backward(dout)
        return first

    def scaled(layers, last_layer, x, t):
        _forward(layers, last_layer, x, t)
        dout = last_layer.backward(2.0)
        for layer in reversed(layers.values()):
            dout = layer.backward(dout)
        return dout

    cases = [
        (no_backward, "no layer's backward was called"),
        (not_from_loss, "start the backward pass at the loss"),
        (skips_relu, "backward skipped Relu2, Relu1"),
        (forward_order, "in reverse order"),
        (returns_scores_grad, "dx must have x's shape (6, 5), got (6, 3)"),
        (scaled, "dx should be what Affine1.backward returns"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_input_gradient, cases, capsys, name="input_gradient")


# --- exercise 2: ThreeLayerNet -------------------------------------------------------------

def _three_layer_class(nb, *, relu2=True, bias_init=0.0, copies=False, keys=None, std=None,
                       seed=None):
    """A ThreeLayerNet like the notebook's solution, with optional planted mistakes."""

    class ThreeLayerNet(nb["LayerNet"]):
        def __init__(self, input_size, hidden1, hidden2, output_size, weight_init_std=0.01,
                     rng=0):
            rng = np.random.default_rng(rng if seed is None else seed)
            scale = weight_init_std if std is None else std
            sizes = [input_size, hidden1, hidden2, output_size]
            self.params = {}
            for i in (1, 2, 3):
                self.params[f"W{i}"] = scale * rng.standard_normal(sizes[i - 1:i + 1])
                self.params[f"b{i}"] = np.full(sizes[i], bias_init)
            p = {k: v.copy() for k, v in self.params.items()} if copies else self.params
            self.layers = OrderedDict()
            self.layers["Affine1"] = Affine(p["W1"], p["b1"])
            self.layers["Relu1"] = Relu()
            self.layers["Affine2"] = Affine(p["W2"], p["b2"])
            if relu2:
                self.layers["Relu2"] = Relu()
            self.layers["Affine3"] = Affine(p["W3"], p["b3"])
            self.last_layer = SoftmaxWithLoss()
            if keys is not None:
                self.params = {k: self.params[k] for k in keys}

    return ThreeLayerNet


def test_three_layer_net_right_answer(nb, capsys):
    class InALoop(nb["LayerNet"]):
        def __init__(self, input_size, hidden1, hidden2, output_size, weight_init_std=0.01,
                     rng=0):
            rng = np.random.default_rng(rng)
            sizes = [input_size, hidden1, hidden2, output_size]
            self.params, self.layers = {}, OrderedDict()
            for i in (1, 2, 3):
                self.params[f"W{i}"] = weight_init_std * rng.standard_normal(sizes[i - 1:i + 1])
                self.params[f"b{i}"] = np.zeros(sizes[i])
                self.layers[f"Affine{i}"] = Affine(self.params[f"W{i}"], self.params[f"b{i}"])
                if i < 3:
                    self.layers[f"Relu{i}"] = Relu()
            self.last_layer = SoftmaxWithLoss()

    expect_verdicts(check_three_layer_net, [(_three_layer_class(nb), None), (InALoop, None)],
                    capsys, "ThreeLayerNet: OK (max rel. error < 1e-7)")


def test_three_layer_net_mistakes(nb, capsys):
    class FromScratchNets(MultiLayerNet):
        def __init__(self, input_size, hidden1, hidden2, output_size, weight_init_std=0.01,
                     rng=0):
            super().__init__(input_size, [hidden1, hidden2], output_size, "relu",
                             weight_init_std, rng=rng)

    def factory(input_size, hidden1, hidden2, output_size, weight_init_std=0.01, rng=0):
        return MultiLayerNet(input_size, [hidden1, hidden2], output_size, "relu",
                             weight_init_std, rng=rng)

    class FromDeepNet(nb["DeepNet"]):
        def __init__(self, input_size, hidden1, hidden2, output_size, weight_init_std=0.01,
                     rng=0):
            super().__init__(input_size, [hidden1, hidden2], output_size, weight_init_std,
                             rng=rng)

    class CallsDeepNetInit(nb["LayerNet"]):
        def __init__(self, input_size, hidden1, hidden2, output_size, weight_init_std=0.01,
                     rng=0):
            nb["DeepNet"].__init__(self, input_size, [hidden1, hidden2], output_size,
                                   weight_init_std, rng=rng)

    class Transposed(nb["LayerNet"]):
        def __init__(self, input_size, hidden1, hidden2, output_size, weight_init_std=0.01,
                     rng=0):
            sizes = [input_size, hidden1, hidden2, output_size]
            self.params = {}
            for i in (1, 2, 3):
                self.params[f"W{i}"] = np.zeros((sizes[i], sizes[i - 1]))
                self.params[f"b{i}"] = np.zeros(sizes[i])

    class StubNet(nb["LayerNet"]):
        __init__ = _stub

    class ParamsList(nb["LayerNet"]):
        def __init__(self, *sizes, weight_init_std=0.01, rng=0):
            self.params = []

    class NoLayers(_three_layer_class(nb)):
        def __init__(self, *sizes, weight_init_std=0.01, rng=0):
            super().__init__(*sizes, weight_init_std, rng)
            del self.layers

    class OwnInitOnScratchNets(MultiLayerNet):
        __init__ = _three_layer_class(nb).__init__

    class OwnInitOnDeepNet(nb["DeepNet"]):
        __init__ = _three_layer_class(nb).__init__

    def composing(inner):
        """A LayerNet that builds `inner` inside and hands out its params and layers."""
        class Composed(nb["LayerNet"]):
            def __init__(self, input_size, hidden1, hidden2, output_size, weight_init_std=0.01,
                         rng=0):
                net = inner(input_size, [hidden1, hidden2], output_size,
                            weight_init_std=weight_init_std, rng=rng)
                self.params, self.layers, self.last_layer = net.params, net.layers, net.last_layer
        return Composed

    refused = "uses a network of scratch.nets or the notebook's DeepNet"
    cases = [
        (FromScratchNets, refused, "subclass"),
        (factory, refused, "wrapper"),
        (FromDeepNet, refused, "subclass"),
        (CallsDeepNetInit, refused, "saved reference"),
        (composing(MultiLayerNet), refused, "wrapper"),
        (composing(nb["DeepNet"]), refused, "wrapper"),
        (OwnInitOnScratchNets, "is a network of scratch.nets", "subclass"),
        (OwnInitOnDeepNet, "is built with DeepNet", "subclass"),
        (_three_layer_class(nb, keys=["W1", "b1", "W2", "b2"]),
         "params should have the keys ['W1', 'b1', 'W2', 'b2', 'W3', 'b3'], got ['W1', 'W2', "
         "'b1', 'b2']"),
        (ParamsList, "params should have the keys ['W1', 'b1', 'W2', 'b2', 'W3', 'b3'], got list"),
        (Transposed, "params['W1'] should have shape (5, 6)"),
        (_three_layer_class(nb, bias_init=0.1), "params['b1'] should start at zeros"),
        (_three_layer_class(nb, relu2=False),
         "layers should be ['Affine1', 'Relu1', 'Affine2', 'Relu2', 'Affine3']"),
        (NoLayers, "layers should be ['Affine1', 'Relu1', 'Affine2', 'Relu2', 'Affine3'] in this "
                   "order, got []"),
        (_three_layer_class(nb, std=0.0), "its spread is 0.000"),
        (_three_layer_class(nb, std=0.01), "with weight_init_std=0.2 its spread is 0.010"),
        (_three_layer_class(nb, std=0.5), "with weight_init_std=0.2 its spread is 0.5"),
        (_three_layer_class(nb, seed=0), "another rng should give other weights"),
        (_three_layer_class(nb, copies=True), "do the Affine layers use the arrays"),
        (StubNet, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_three_layer_net, cases, capsys, name="ThreeLayerNet")


def test_three_layer_net_unseeded_weights_are_caught(nb, capsys):
    class Unseeded(_three_layer_class(nb)):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for key in ("W1", "W2", "W3"):  # fresh entropy every time: not reproducible
                self.params[key][...] = np.random.default_rng().standard_normal(
                    self.params[key].shape) * np.std(self.params[key])

    assert not check_three_layer_net(Unseeded)
    assert "the same rng gives the same weights" in one_line(capsys)


def test_three_layer_net_wrong_gradient_is_caught(nb, capsys):
    base = _three_layer_class(nb)

    class NoDb3(base):
        def gradient(self, x, t):
            grads = super().gradient(x, t)
            grads["b3"] = np.zeros_like(grads["b3"])
            return grads

    assert not check_three_layer_net(NoDb3)
    assert "grads['b3'] differs from the reference" in one_line(capsys)


# --- exercise 3: gradient_errors ---------------------------------------------------------

def _errors_solution(net, x, t):
    backprop = net.gradient(x, t)
    return {key: rel_error(backprop[key],
                           numerical_gradient(lambda _: net.loss(x, t), p, h=1e-5))
            for key, p in net.params.items()}


def test_gradient_errors_right_answer(capsys):
    def with_a_loop(net, x, t):
        backprop, errors = net.gradient(x, t), {}
        for key in net.params:
            numeric = numerical_gradient(lambda _: net.loss(x, t), net.params[key], h=1e-5)
            errors[key] = float(rel_error(backprop[key], numeric))
        return errors

    def hard_coded(net, x, t):  # the answer for the correct network, whatever net is
        return dict.fromkeys(net.params, 1e-10)

    cases = [
        (_errors_solution, None),
        (with_a_loop, None),
        (hard_coded, "this network's gradient of 'W2' is wrong, but your error for it is "
                     "1.0e-10", "hard-coded"),
    ]
    expect_verdicts(check_gradient_errors, cases, capsys,
                    "gradient_errors: OK (a correct network and two with one wrong gradient)")


def test_gradient_errors_finds_the_suspect_nets_bug(nb):
    net = nb["SuspectNet"](5, [6, 4], 3, weight_init_std=0.5, weight_decay_lambda=3.14, rng=2)
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((4, 5)), np.array([0, 2, 1, 2])
    errors = _errors_solution(net, x, t)
    assert {k for k, e in errors.items() if e > 1e-2} == {"W1", "W2", "W3"}
    assert all(errors[k] < 1e-7 for k in ("b1", "b2", "b3"))
    net.weight_decay_lambda = 0.0
    assert all(e < 1e-7 for e in _errors_solution(net, x, t).values())


def test_gradient_errors_mistakes(capsys):
    def with_itself(net, x, t):
        g = net.gradient(x, t)
        return {k: rel_error(g[k], g[k]) for k in g}

    def arrays(net, x, t):
        g = net.gradient(x, t)
        return {k: g[k] - numerical_gradient(lambda _: net.loss(x, t), p, h=1e-5)
                for k, p in net.params.items()}

    def missing_keys(net, x, t):
        errors = _errors_solution(net, x, t)
        return {k: e for k, e in errors.items() if k.startswith("W")}

    def as_list(net, x, t):
        return list(_errors_solution(net, x, t).values())

    def shifted_keys(net, x, t):  # compares each key with the next one's numerical gradient
        g, keys = net.gradient(x, t), list(net.params)
        numeric = {k: numerical_gradient(lambda _: net.loss(x, t), p, h=1e-5)
                   for k, p in net.params.items()}
        return {k: rel_error(g[k], numeric[keys[(i + 2) % len(keys)]])
                if g[k].shape == numeric[keys[(i + 2) % len(keys)]].shape else 0.5
                for i, k in enumerate(keys)}

    def forward_difference(net, x, t):
        g, errors = net.gradient(x, t), {}
        for key, p in net.params.items():
            numeric = np.zeros_like(p)
            base = net.loss(x, t)
            for i in np.ndindex(p.shape):
                old = p[i]
                p[i] = old + 1e-3
                numeric[i] = (net.loss(x, t) - base) / 1e-3
                p[i] = old
            errors[key] = rel_error(g[key], numeric)
        return errors

    def on_a_copy(net, x, t):  # nudges a copy, which net.loss never reads
        g = net.gradient(x, t)
        return {k: rel_error(g[k], numerical_gradient(lambda _: net.loss(x, t), p.copy(),
                                                      h=1e-5))
                for k, p in net.params.items()}

    def leaves_params_nudged(net, x, t):
        errors = _errors_solution(net, x, t)
        net.params["W1"][0, 0] += 1e-5
        return errors

    def misses_the_bug(net, x, t):
        return {k: 0.0 if k != "W1" else 1e-9 for k in net.params}

    def rounded(net, x, t):
        return {k: round(e, 1) if e > 1e-2 else e for k, e in _errors_solution(net, x, t).items()}

    cases = [
        (with_itself, "every error is exactly 0"),
        (arrays, "each value is one number"),
        (missing_keys, "return a dict with one error per key of net.params ['W1', 'W2', 'W3', "
                       "'b1', 'b2', 'b3'], got ['W1', 'W2', 'W3']"),
        (as_list, "return a dict with one error per key of net.params ['W1', 'W2', 'W3', 'b1', "
                  "'b2', 'b3'], got list"),
        (shifted_keys, "is right, but your error for it is"),
        (forward_difference, "is right, but your error for it is"),
        (on_a_copy, "Was numerical_gradient given a copy of net.params[key]?"),
        (leaves_params_nudged, "net.params changed"),
        (misses_the_bug, "this network's gradient of 'W2' is wrong, but your error"),
        (rounded, "but rel_error(backprop, numeric) is"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_gradient_errors, cases, capsys, name="gradient_errors")


def test_refusing_calls_watches_the_function_a_wrapper_wraps():
    """Two functions decorated with one functools.wraps wrapper share its code object; only
    the refused one may be refused (mutmut's trampolines are such wrappers)."""
    import functools

    from scratch.checks import Fail, refusing_calls

    def wrapped(function):
        @functools.wraps(function)
        def wrapper(*args):
            return function(*args)
        return wrapper

    refused, allowed = wrapped(lambda: "refused"), wrapped(lambda: "allowed")
    with refusing_calls([refused], "no"):
        assert allowed() == "allowed"
    with pytest.raises(Fail, match="no"), refusing_calls([refused], "no"):
        refused()
