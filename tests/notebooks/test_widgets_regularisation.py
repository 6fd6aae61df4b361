"""Notebook 11's explorer of the regularisation grid, driven by setting its controls' values."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from scratch.widgets.regularisation import RegularisationExplorer  # noqa: E402
from tests.notebooks.test_widgets_controls import bold_numbers  # noqa: E402


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
    assert "training accuracy <b>1.00</b>, validation accuracy <b>0.80</b>, gap <b>0.20</b>" in \
        explorer.summary.value
    assert "image/png" in explorer.out.outputs[0]["data"]
    before = explorer.figure.fig.axes[0].lines[2].get_ydata().copy()
    explorer.dropout.value = 0.2
    explorer.weight_decay.value = 0.1
    train, test = runs[0.1, 0.2]
    expected = (f"training accuracy <b>{train[-10:].mean():.2f}</b>, validation accuracy "
                f"<b>{test[-10:].mean():.2f}</b>")
    assert "λ = 0.1, dropout ratio 0.2" in explorer.summary.value
    assert expected in explorer.summary.value
    assert "(without regularisation: 1.00, 0.80, gap 0.20)" in explorer.summary.value
    lines = explorer.figure.fig.axes[0].lines
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


def test_each_control_alone_draws_its_run_over_the_same_baseline_and_the_summary_reads_it():
    runs = _runs()
    explorer = RegularisationExplorer(runs)
    base = [line.get_ydata().copy() for line in explorer.figure.fig.axes[0].lines[:2]]
    for control, value in ((explorer.weight_decay, 0.1), (explorer.dropout, 0.2),
                           (explorer.weight_decay, 0.0), (explorer.dropout, 0.0)):
        before = explorer.figure.fig.axes[0].lines[2].get_ydata().copy()
        control.value = value
        key = (explorer.weight_decay.value, explorer.dropout.value)
        lines = explorer.figure.fig.axes[0].lines  # grey train, grey test, train, test
        for line, expected in zip(lines, (*runs[0.0, 0.0], *runs[key])):
            np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 21))
            np.testing.assert_array_equal(line.get_ydata(), expected)
        assert not np.array_equal(lines[2].get_ydata(), before), control.description
        for line, old in zip(lines[:2], base):  # the run without regularisation stays put
            np.testing.assert_array_equal(line.get_ydata(), old)
        title = explorer.figure.fig.axes[0].get_title()
        assert title == f"λ = {key[0]:g}, dropout ratio {key[1]:g}"
        # The summary's accuracies: the last 10 epochs of the drawn curves, and their gap.
        train, test, base_train, base_test = (line.get_ydata()[-10:].mean()
                                              for line in (lines[2], lines[3], *lines[:2]))
        assert bold_numbers(explorer.summary.value) == pytest.approx(
            [round(train, 2), round(test, 2), round(train - test, 2)], abs=1e-9)
        assert explorer.summary.value.endswith(
            f"(without regularisation: {base_train:.2f}, {base_test:.2f}, gap "
            f"{base_train - base_test:.2f}).")


def test_a_missing_run_shows_no_figure_and_the_next_one_draws_again():
    runs = _runs()
    del runs[0.1, 0.2]
    explorer = RegularisationExplorer(runs)
    explorer.weight_decay.value = 0.1
    assert explorer.figure.fig.axes[0].get_title() == "λ = 0.1, dropout ratio 0"
    explorer.dropout.value = 0.2  # the summary says it was not trained: no old curves under it
    assert "not in the grid" in explorer.summary.value
    assert explorer.out.outputs == ()
    explorer.weight_decay.value = 0.0
    np.testing.assert_array_equal(explorer.figure.fig.axes[0].lines[2].get_ydata(),
                                  runs[0.0, 0.2][0])
    assert "image/png" in explorer.out.outputs[0]["data"]


def test_regularisation_summary_averages_the_last_ten_of_more_epochs():
    epochs = np.arange(1, 26) / 25  # 25 epochs rising linearly: the last ten average 0.82
    runs = {(0.0, 0.0): (epochs, epochs / 2), (0.1, 0.0): (epochs, epochs / 2)}
    explorer = RegularisationExplorer(runs, show_plot=False)
    assert ("training accuracy <b>0.82</b>, validation accuracy <b>0.41</b>, gap <b>0.41</b>"
            in explorer.summary.value)


def test_regularisation_names_the_missing_run():
    runs = {(0.0, 0.0): ([0.5], [0.4]), (0.1, 0.0): ([0.5], [0.4]), (0.0, 0.2): ([0.5], [0.4])}
    explorer = RegularisationExplorer(runs, show_plot=False)
    explorer.weight_decay.value = 0.1
    explorer.dropout.value = 0.2
    assert explorer.summary.value == "λ = 0.1, dropout ratio 0.2: not in the grid that was trained"
