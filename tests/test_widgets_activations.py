"""Notebook 03's activation explorer, driven by setting its controls' values (no browser)."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from scratch.widgets.activations import ActivationExplorer  # noqa: E402


def test_sigmoid_at_zero_has_the_largest_slope():
    explorer = ActivationExplorer("sigmoid", x=0.0, dout=1.0, show_plot=False)
    assert explorer.summary.value.startswith(
        "sigmoid(0.00) = <b>0.5000</b>; local derivative f'(0.00) = <b>0.2500</b>"
    )
    assert "dx = dout &times; f'(x) = <b>0.2500</b>" in explorer.summary.value
    assert "never above 0.25" in explorer.summary.value


def test_controls_update_the_summary():
    explorer = ActivationExplorer(show_plot=False)
    explorer.x.value = 2.0
    explorer.dout.value = -2.0
    # sigmoid(2) = 0.8808, slope 0.8808 * 0.1192 = 0.1050, dx = -0.2100
    assert "sigmoid(2.00) = <b>0.8808</b>" in explorer.summary.value
    assert "<b>0.1050</b>" in explorer.summary.value and "<b>-0.2100</b>" in explorer.summary.value
    explorer.x.value = 6.0
    assert "saturated" in explorer.summary.value
    explorer.activation.value = "tanh"
    assert explorer.summary.value.startswith("tanh(6.00) = <b>1.0000</b>")


def test_relu_active_and_dead():
    explorer = ActivationExplorer("ReLU", x=1.5, dout=0.5, show_plot=False)
    assert explorer.values() == (1.5, 1.0, 0.5)
    assert "passes back unchanged" in explorer.summary.value
    explorer.x.value = -1.0
    explorer.dout.value = -2.0
    assert explorer.values() == (0.0, 0.0, 0.0)
    assert "<b>-0.0000</b>" not in explorer.summary.value
    assert "dead" in explorer.summary.value


def test_draws_and_rejects_unknown_activations():
    explorer = ActivationExplorer("tanh", x=0.5)
    explorer.activation.value = "ReLU"
    assert explorer.summary.value.startswith("ReLU(0.50) = <b>0.5000</b>")
    with pytest.raises(ValueError, match="activation must be one of"):
        ActivationExplorer("gelu")


def test_the_figure_marks_the_current_point():
    explorer = ActivationExplorer("tanh", x=0.5)
    explorer.x.value = -2.0
    explorer.activation.value = "sigmoid"
    (ax_f, ax_df), (point_f, point_df) = explorer.axes, explorer.points
    assert ax_f.get_title() == "sigmoid(x)" and ax_df.get_title() == "derivative of sigmoid"
    y, slope, _ = explorer.values()
    assert point_f.get_data() == ([-2.0], [y]) and point_df.get_data() == ([-2.0], [slope])
    assert all(list(m.get_xdata()) == [-2.0, -2.0] for m in explorer.markers)
    assert max(explorer.curves[1].get_ydata()) == pytest.approx(0.25)  # sigmoid' at 0


def test_the_gradient_after_k_layers_compounds_in_summary_and_figure():
    explorer = ActivationExplorer("sigmoid", x=0.0, dout=1.0, layers=1)
    assert "dout &times; f'(x)<sup>1</sup> = <b>0.25</b>" in explorer.summary.value
    explorer.layers.value = 4
    assert "dout &times; f'(x)<sup>4</sup> = <b>0.00391</b>" in explorer.summary.value
    ks, sizes = explorer.decay.get_data()
    np.testing.assert_array_equal(ks, [1, 2, 3, 4])
    np.testing.assert_allclose(sizes, 0.25 ** np.arange(1, 5))
    explorer.activation.value = "ReLU"
    explorer.x.value = -1.0  # a dead unit: nothing comes back, drawn at the log scale's floor
    assert "= <b>0</b>." in explorer.summary.value
    np.testing.assert_allclose(explorer.decay.get_data()[1], 1e-12)
