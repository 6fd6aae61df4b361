"""Notebook 09's initialisation explorer, driven by setting its controls' values (no browser).

The statistics are compared with a forward and backward pass written out here, and the figure
with the controls: its histograms must follow the depth and the activation.
"""

import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from scratch.widgets.initialisation import ACTIVATIONS, InitExplorer, layer_statistics  # noqa: E402


def _pass_by_hand(init, activation, depth, units=100, samples=1000, seed=0):
    """The book's experiment written out: inputs, then per layer W, z = a @ W, a = f(z); then
    the upstream gradient and back through each layer but the first. Same draws, same order."""
    std = {"std 1": 1.0, "std 0.01": 0.01, "Xavier": np.sqrt(1 / units),
           "He": np.sqrt(2 / units)}[init]
    f, df = {
        "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
        "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
        "relu": (lambda z: np.maximum(z, 0.0), lambda z: np.where(z > 0, 1.0, 0.0)),
    }[activation]
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((samples, units))
    Ws, zs, outs = [], [], []
    for _ in range(depth):
        Ws.append(std * rng.standard_normal((units, units)))
        zs.append(a @ Ws[-1])
        a = f(zs[-1])
        outs.append(a)
    grads = [rng.standard_normal((samples, units))]
    for k in range(depth - 1, 0, -1):
        grads.insert(0, (grads[0] * df(zs[k])) @ Ws[k].T)
    return outs, grads


def test_layer_statistics_matches_a_hand_written_pass():
    activations, gradients = layer_statistics("Xavier", "tanh", depth=3, units=20, samples=50,
                                              seed=4)
    outs, grads = _pass_by_hand("Xavier", "tanh", depth=3, units=20, samples=50, seed=4)
    for got, expected in zip(activations, outs):
        np.testing.assert_allclose(got, expected)
    for got, expected in zip(gradients, grads):
        np.testing.assert_allclose(got, expected)


def test_he_keeps_relu_activations_and_gradients_and_001_shrinks_them():
    activations, gradients = layer_statistics("He", "relu", depth=6)
    stds = [a.std() for a in activations]
    assert max(stds) / min(stds) < 1.5
    assert max(g.std() for g in gradients) / min(g.std() for g in gradients) < 1.5
    activations, gradients = layer_statistics("std 0.01", "relu", depth=6)
    assert activations[-1].std() < 1e-4 * activations[0].std()
    assert gradients[0].std() < 1e-4 * gradients[-1].std()


def test_bad_choices_are_named():
    with pytest.raises(ValueError, match="init must be one of"):
        layer_statistics("Glorot", "relu", 3)
    with pytest.raises(ValueError, match="activation must be one of"):
        layer_statistics("He", "elu", 3)


def _drawn(explorer):
    """Per axes, the outlines of the histograms shown (one array per layer)."""
    return [[patch.get_path().vertices for patch in ax.patches if patch.get_visible()]
            for ax in explorer.figure.fig.axes]


def test_controls_change_summary_and_figure():
    explorer = InitExplorer(init="He", activation="relu", depth=5)
    assert "He, relu, 5 layers" in explorer.summary.value
    stds = " ".join(f"{a.std():.3g}" for a in layer_statistics("He", "relu", 5)[0])
    assert stds in explorer.summary.value
    assert [len(patches) for patches in _drawn(explorer)] == [5, 5]
    assert "image/png" in explorer.out.outputs[0]["data"]
    explorer.depth.value = 8
    assert [len(patches) for patches in _drawn(explorer)] == [8, 8]
    assert "8 layers" in explorer.summary.value
    before = _drawn(explorer)[0][0].copy()
    explorer.activation.value = "sigmoid"
    assert explorer.figure.fig.axes[0].get_xlim() == (0.0, 1.0)
    assert not np.array_equal(_drawn(explorer)[0][0], before)
    explorer.init.value = "std 1"
    assert "std 1, sigmoid, 8 layers" in explorer.summary.value


def test_the_histograms_follow_every_control_as_computed_by_hand():
    explorer = InitExplorer(init="He", activation="relu", depth=3)
    moves = [(explorer.depth, 6), (explorer.init, "Xavier"), (explorer.activation, "tanh"),
             (explorer.init, "std 0.01"), (explorer.activation, "sigmoid"), (explorer.depth, 2)]
    ranges = {"relu": (0.0, 3.0), "tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}
    for control, value in moves:
        before = [[p.get_data().values.copy() for p in ax.patches if p.get_visible()]
                  for ax in explorer.figure.fig.axes]
        control.value = value
        init, activation, depth = explorer.init.value, explorer.activation.value, \
            explorer.depth.value
        outs, grads = _pass_by_hand(init, activation, depth)
        ax_a, ax_g = explorer.figure.fig.axes
        for ax, arrays, span in ((ax_a, outs, ranges[activation]), (ax_g, grads, (-3.0, 3.0))):
            shown = [p.get_data() for p in ax.patches if p.get_visible()]
            assert len(shown) == depth and ax.get_xlim() == span
            for k, (values, edges, baseline) in enumerate(shown):
                data = arrays[k][arrays[k] != 0] if ax is ax_a and activation == "relu" \
                    else arrays[k]
                counts = np.histogram(data, bins=40, range=span)[0]
                assert baseline == k
                np.testing.assert_allclose(edges, np.linspace(*span, 41))
                np.testing.assert_allclose(values, k + 0.9 * counts / max(counts.max(), 1))
        if control is explorer.depth:  # a layer's forward pass does not see the layers above
            for old, new in zip(before[0], [p.get_data().values for p in ax_a.patches
                                            if p.get_visible()]):
                np.testing.assert_array_equal(old, new)
        # The summary's standard deviations, one per histogram drawn, are the hand pass's.
        a_std, g_std = (part.split() for part in re.findall(r"<b>(.*?)</b>",
                                                             explorer.summary.value))
        assert a_std == [f"{a.std():.3g}" for a in outs]
        assert g_std == [f"{g.std():.3g}" for g in grads]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_each_activations_derivative_matches_centred_differences(name):
    f, derivative, _ = ACTIVATIONS[name]
    z = np.array([-2.0, -0.7, 0.3, 1.5])  # away from relu's kink at 0
    h = 1e-6
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    np.testing.assert_allclose(derivative(z, f(z)), numeric, rtol=1e-6)
