"""The notebook-08 path explorer, driven by setting its controls' values (no browser)."""

import matplotlib
import pytest

matplotlib.use("Agg")

from scratch.plots.paths import BOOK_LRS  # noqa: E402
from scratch.widgets.optimizers import PathExplorer  # noqa: E402


def test_starts_with_the_books_sgd_figure():
    explorer = PathExplorer(show_plot=False)
    assert explorer.lr.value == pytest.approx(BOOK_LRS["sgd"])
    assert explorer.summary.value == (
        "SGD, lr 0.95, 30 steps: ends at (-0.350, 0.085), <b>0.361</b> from the minimum"
    )


def test_choosing_an_optimizer_resets_its_learning_rate():
    explorer = PathExplorer(show_plot=False)
    explorer.optimizer.value = "AdaGrad"
    assert explorer.lr.value == pytest.approx(1.5)
    assert explorer.summary.value.startswith("AdaGrad, lr 1.5, 30 steps: ends at (-0.120, ")


def test_steps_and_learning_rate_change_the_summary():
    explorer = PathExplorer("Adam", show_plot=False)
    explorer.steps.value = 100
    assert explorer.summary.value.startswith("Adam, lr 0.3, 100 steps: ")
    explorer.lr.value = 0.01
    assert explorer.summary.value.startswith("Adam, lr 0.01, 100 steps: ends at ")
    assert len(explorer.path()) == 101


def test_divergence_is_reported():
    explorer = PathExplorer(show_plot=False)
    explorer.lr.value = 5.0
    assert "<b>diverged</b>" in explorer.summary.value


def test_draws_without_error_and_rejects_unknown_names():
    explorer = PathExplorer("Nesterov")
    explorer.steps.value = 10
    assert explorer.summary.value.startswith("Nesterov, lr 0.1, 10 steps: ")
    with pytest.raises(ValueError, match="PathExplorer: optimizer must be one of"):
        PathExplorer("sgd")


def test_the_figure_shows_the_current_path():
    explorer = PathExplorer("Momentum")
    explorer.steps.value = 12
    xs, ys = explorer.line.get_data()
    path = explorer.path()
    assert list(xs) == list(path[:, 0]) and list(ys) == list(path[:, 1]) and len(xs) == 13
    assert explorer.title.get_text() == "Momentum (lr 0.1)"
