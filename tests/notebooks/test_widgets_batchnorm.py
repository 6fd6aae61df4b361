"""Notebook 10's batch-norm comparison, driven by setting its slider (no browser)."""

import re

import matplotlib
import numpy as np

matplotlib.use("Agg")

from scratch.widgets.batchnorm import BatchNormComparison  # noqa: E402

RESULTS = {
    1.0: {"batch norm": [0.2, 0.3, 0.45], "plain": None},
    0.1: {"batch norm": [0.5, 0.8, 0.9], "plain": [0.1, 0.3, 0.5]},
    0.01: {"batch norm": [0.6, 0.9, 1.0], "plain": [0.1, 0.12, 0.13]},
}


def _lines(explorer):
    return {line.get_label(): line.get_ydata() for line in explorer.figure.fig.axes[0].lines}


def test_slider_changes_summary_and_curves():
    explorer = BatchNormComparison(RESULTS)
    assert explorer.scale.value == 0.1
    assert "with batch norm <b>0.900</b>, without <b>0.500</b>" in explorer.summary.value
    lines = _lines(explorer)
    np.testing.assert_array_equal(lines["batch norm"], [0.5, 0.8, 0.9])
    np.testing.assert_array_equal(lines["plain"], [0.1, 0.3, 0.5])
    assert "image/png" in explorer.out.outputs[0]["data"]
    explorer.scale.value = 1.0
    assert "without <b>diverged (overflow)</b>" in explorer.summary.value
    lines = _lines(explorer)
    np.testing.assert_array_equal(lines["batch norm"], [0.2, 0.3, 0.45])
    assert len(lines["plain"]) == 0
    assert explorer.figure.fig.axes[0].get_title() == "weight std 1 (plain: diverged)"
    explorer.scale.value = 0.01
    np.testing.assert_array_equal(_lines(explorer)["plain"], [0.1, 0.12, 0.13])
    assert explorer.figure.fig.axes[0].get_title() == "weight std 0.01"


def test_every_scale_draws_its_runs_and_the_summary_states_their_last_points():
    explorer = BatchNormComparison(RESULTS)
    for scale in (0.01, 1.0, 0.1):
        limits = explorer.figure.fig.axes[0].get_xlim(), explorer.figure.fig.axes[0].get_ylim()
        explorer.scale.value = scale
        finals = []
        for label in ("batch norm", "plain"):
            xs, ys = explorer.lines[label].get_data()
            curve = RESULTS[scale][label] or []
            np.testing.assert_array_equal(xs, np.arange(1, len(curve) + 1))
            np.testing.assert_array_equal(ys, curve)
            finals.append(f"{ys[-1]:.3f}" if len(ys) else "diverged (overflow)")
        assert re.findall(r"<b>(.*?)</b>", explorer.summary.value) == finals
        axes = explorer.figure.fig.axes[0]
        assert (axes.get_xlim(), axes.get_ylim()) == limits  # one scale for every weight std


def test_batchnorm_slider_runs_from_the_largest_scale_and_starts_in_the_middle():
    curves = {"batch norm": [0.5], "plain": [0.5]}
    comparison = BatchNormComparison({s: curves for s in (0.01, 1.0, 0.1, 0.001)},
                                     show_plot=False)
    assert [value for _, value in comparison.scale.options] == [1.0, 0.1, 0.01, 0.001]
    assert comparison.scale.value == 0.01


def test_batchnorm_curves_are_drawn_over_epochs_one_to_n():
    comparison = BatchNormComparison({0.1: {"batch norm": [0.5, 0.8, 0.9], "plain": [0.1, 0.3]}})
    xs = {line.get_label(): list(line.get_xdata()) for line in comparison.figure.fig.axes[0].lines}
    assert xs == {"batch norm": [1, 2, 3], "plain": [1, 2]}


ACTIVATIONS = {
    1.0: {"batch norm": [0.71, 0.7, 0.72], "plain": [7.0, 50.0, 300.0]},
    0.1: {"batch norm": [0.7, 0.71, 0.7], "plain": [0.7, 0.46, 0.28]},
    0.01: {"batch norm": [0.7, 0.7, 0.69], "plain": [0.07, 0.005, 0.0003]},
}


def test_the_scale_slider_drives_the_activation_panel_and_its_summary():
    explorer = BatchNormComparison(RESULTS, ACTIVATIONS)
    rms_axes = explorer.figure.fig.axes[1]
    assert rms_axes.get_yscale() == "log"
    limits = rms_axes.get_ylim()
    assert limits[0] <= 0.0003 and limits[1] >= 300.0  # every scale's values fit
    for scale in (1.0, 0.01, 0.1):
        explorer.scale.value = scale
        for label in ("batch norm", "plain"):
            xs, ys = explorer.rms_lines[label].get_data()
            np.testing.assert_array_equal(xs, [1, 2, 3])
            np.testing.assert_array_equal(ys, ACTIVATIONS[scale][label])
        bold = re.findall(r"<b>(.*?)</b>", explorer.summary.value)
        assert bold[2:] == [f"{ACTIVATIONS[scale]['batch norm'][-1]:.3g}",
                            f"{ACTIVATIONS[scale]['plain'][-1]:.3g}"]
        np.testing.assert_array_equal(explorer.lines["batch norm"].get_ydata(),
                                      RESULTS[scale]["batch norm"])
        assert rms_axes.get_ylim() == limits  # one scale for every weight std


def test_the_activation_panel_is_drawn_into_the_picture():
    explorer = BatchNormComparison(RESULTS, ACTIVATIONS)
    explorer.scale.value = 1.0
    before = explorer.out.outputs[0]["data"]["image/png"]
    explorer.scale.value = 0.01
    after = explorer.out.outputs[0]["data"]["image/png"]
    assert before != after

