"""Notebook 11's explorer of the regularisation grid, driven by setting its controls' values."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from scratch.widgets.regularisation import RegularisationExplorer  # noqa: E402


def _runs():
    epochs = np.arange(1, 21)
    runs = {}
    for lam in (0.0, 0.1):
        for ratio in (0.0, 0.2):
            train = np.minimum(1.0, epochs / (10 + 50 * lam + 20 * ratio))
            runs[lam, ratio] = (train, 0.8 * train)
    return runs


def test_controls_change_summary_and_figure():
    runs = _runs()
    explorer = RegularisationExplorer(runs)
    assert [value for _, value in explorer.weight_decay.options] == [0.0, 0.1]
    assert "λ = 0, dropout ratio 0," in explorer.summary.value
    assert "training accuracy <b>1.00</b>, test accuracy <b>0.80</b>, gap <b>0.20</b>" in \
        explorer.summary.value
    assert "image/png" in explorer.out.outputs[0]["data"]
    before = explorer.figure.axes[0].lines[2].get_ydata().copy()
    explorer.dropout.value = 0.2
    explorer.weight_decay.value = 0.1
    train, test = runs[0.1, 0.2]
    expected = (f"training accuracy <b>{train[-10:].mean():.2f}</b>, test accuracy "
                f"<b>{test[-10:].mean():.2f}</b>")
    assert "λ = 0.1, dropout ratio 0.2" in explorer.summary.value
    assert expected in explorer.summary.value
    assert "(without regularisation: 1.00, 0.80, gap 0.20)" in explorer.summary.value
    lines = explorer.figure.axes[0].lines
    np.testing.assert_array_equal(lines[2].get_ydata(), train)  # the chosen run, in colour
    np.testing.assert_array_equal(lines[0].get_ydata(), runs[0.0, 0.0][0])  # the grey baseline
    assert not np.array_equal(lines[2].get_ydata(), before)


def test_a_missing_run_is_said_and_the_baseline_is_required():
    runs = _runs()
    del runs[0.1, 0.2]
    explorer = RegularisationExplorer(runs, show_plot=False)
    explorer.weight_decay.value = 0.1
    explorer.dropout.value = 0.2
    assert "not in the grid" in explorer.summary.value
    del runs[0.0, 0.0]
    with pytest.raises(ValueError, match=r"runs must contain \(0.0, 0.0\)"):
        RegularisationExplorer(runs)
