"""Notebook 09's initialisation explorer, driven by setting its controls' values (no browser).

The statistics are compared with a forward and backward pass written out here, and the figure
with the controls: its histograms must follow the depth and the activation.
"""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from scratch.widgets.initialisation import InitExplorer, layer_statistics  # noqa: E402


def test_layer_statistics_matches_a_hand_written_pass():
    activations, gradients = layer_statistics("Xavier", "tanh", depth=3, units=20, samples=50,
                                              seed=4)
    rng = np.random.default_rng(4)
    a = rng.standard_normal((50, 20))
    Ws, outs = [], []
    for _ in range(3):
        W = np.sqrt(1 / 20) * rng.standard_normal((20, 20))
        a = np.tanh(a @ W)
        Ws.append(W)
        outs.append(a)
    g3 = rng.standard_normal((50, 20))
    g2 = (g3 * (1 - outs[2] ** 2)) @ Ws[2].T
    g1 = (g2 * (1 - outs[1] ** 2)) @ Ws[1].T
    for got, expected in zip(activations, outs):
        np.testing.assert_allclose(got, expected)
    for got, expected in zip(gradients, (g1, g2, g3)):
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
