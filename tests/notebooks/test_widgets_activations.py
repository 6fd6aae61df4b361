"""Notebook 03's activation explorer, driven by setting its controls' values (no browser)."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import math

from scratch.widgets.activations import ActivationExplorer  # noqa: E402
from tests.notebooks.test_widgets_controls import bold_numbers  # noqa: E402


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


# The activations and their slopes written out here, not taken from scratch.functions.
BY_HAND = {
    "ReLU": (lambda x: np.maximum(x, 0.0), lambda x: np.where(x > 0, 1.0, 0.0)),
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
    "tanh": (lambda x: (np.exp(2 * x) - 1) / (np.exp(2 * x) + 1),
             lambda x: 4 / (np.exp(x) + np.exp(-x)) ** 2),
}


def _drawn(explorer):
    """Every drawn array: the two curves, the two points, the markers and the decay."""
    return [np.array(a, dtype=float) for artist in (*explorer.curves, *explorer.points,
                                                    *explorer.markers, explorer.decay)
            for a in artist.get_data()]


def test_every_control_moves_the_drawn_data_as_computed_by_hand_and_nothing_else():
    explorer = ActivationExplorer("sigmoid", x=1.0, dout=1.0, layers=3)
    # control, new value, the artists it may change (indices into _drawn's pairs)
    moves = [(explorer.x, -2.3, {2, 3, 4, 5, 6}), (explorer.dout, -1.7, {6}),
             (explorer.layers, 7, {6}), (explorer.activation, "tanh", {0, 1, 2, 3, 6}),
             (explorer.x, 0.4, {2, 3, 4, 5, 6}), (explorer.activation, "ReLU", {0, 1, 2, 3, 6}),
             (explorer.x, -0.6, {2, 3, 4, 5, 6})]
    for control, value, changes in moves:
        before = _drawn(explorer)
        control.value = value
        f, df = BY_HAND[explorer.activation.value]
        x, dout, k = explorer.x.value, explorer.dout.value, explorer.layers.value
        grid = explorer.curves[0].get_xdata()
        np.testing.assert_allclose(grid, np.linspace(-6, 6, 481))
        np.testing.assert_allclose(explorer.curves[0].get_ydata(), f(grid), atol=1e-12)
        np.testing.assert_allclose(explorer.curves[1].get_ydata(), df(grid), atol=1e-12)
        np.testing.assert_allclose(np.ravel(explorer.points[0].get_data()), [x, f(x)])
        np.testing.assert_allclose(np.ravel(explorer.points[1].get_data()), [x, df(x)])
        ks, sizes = explorer.decay.get_data()
        np.testing.assert_array_equal(ks, np.arange(1, k + 1))
        np.testing.assert_allclose(sizes, np.maximum(np.abs(dout) * df(x) ** ks, 1e-12))
        after = _drawn(explorer)
        for i in set(range(7)) - changes:  # pairs 0-6: curves, points, markers, decay
            for a, b in zip(before[2 * i:2 * i + 2], after[2 * i:2 * i + 2]):
                np.testing.assert_array_equal(a, b, err_msg=f"{control.description}: {i}")
        # The summary's y, f'(x), dx and last gradient are the drawn point's and decay's.
        y, slope, dx, last = bold_numbers(explorer.summary.value)
        assert y == pytest.approx(explorer.points[0].get_ydata()[0], abs=5e-5)
        assert slope == pytest.approx(explorer.points[1].get_ydata()[0], abs=5e-5)
        assert dx == pytest.approx(dout * explorer.points[1].get_ydata()[0], abs=5e-5)
        assert max(abs(last), 1e-12) == pytest.approx(sizes[-1], rel=5e-3)  # 3 digits


@pytest.mark.parametrize(("name", "f"), [("ReLU", lambda x: max(x, 0.0)),
                                         ("sigmoid", lambda x: 1 / (1 + math.exp(-x))),
                                         ("tanh", math.tanh)])
def test_activation_explorer_slope_and_gradient_after_k_layers(name, f):
    explorer = ActivationExplorer(name, x=0.7, dout=-1.5, show_plot=False)
    h = 1e-6
    slope = (f(0.7 + h) - f(0.7 - h)) / (2 * h)
    y, got_slope, dx = explorer.values()
    assert (y, got_slope, dx) == pytest.approx((f(0.7), slope, -1.5 * slope), rel=1e-6)
    assert explorer.after(3) == pytest.approx(-1.5 * slope**3, rel=1e-6)
