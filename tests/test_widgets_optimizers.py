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
    assert explorer.summary.value.startswith("Adam, lr 0.3, β1 0.9, 100 steps: ")
    explorer.lr.value = 0.01
    assert explorer.summary.value.startswith("Adam, lr 0.01, β1 0.9, 100 steps: ends at ")
    assert len(explorer.path()) == 101


def test_divergence_is_reported():
    explorer = PathExplorer(show_plot=False)
    explorer.lr.value = 5.0
    assert "<b>diverged</b>" in explorer.summary.value


def test_draws_without_error_and_rejects_unknown_names():
    explorer = PathExplorer("Nesterov")
    explorer.steps.value = 10
    assert explorer.summary.value.startswith("Nesterov, lr 0.1, α 0.9, 10 steps: ")
    with pytest.raises(ValueError, match="PathExplorer: optimizer must be one of"):
        PathExplorer("sgd")


def test_the_figure_shows_the_current_path():
    explorer = PathExplorer("Momentum")
    explorer.steps.value = 12
    xs, ys = explorer.line.get_data()
    path = explorer.path()
    assert list(xs) == list(path[:, 0]) and list(ys) == list(path[:, 1]) and len(xs) == 13
    assert explorer.title.get_text() == "Momentum (lr 0.1, α 0.9)"


def test_the_second_hyperparameter_follows_the_optimizer_and_changes_the_path():
    explorer = PathExplorer("Momentum", show_plot=False)
    assert (explorer.hyper.description, explorer.hyper.value) == ("α", 0.9)
    assert "moves like SGD with lr / (1 - α) = 1" in explorer.summary.value
    before = explorer.path()
    explorer.hyper.value = 0.5
    assert "α 0.5" in explorer.summary.value and "lr / (1 - α) = 0.2" in explorer.summary.value
    assert not (explorer.path() == before).all()
    explorer.optimizer.value = "RMSprop"
    assert (explorer.hyper.description, explorer.hyper.value) == ("ρ", 0.99)
    explorer.optimizer.value = "SGD"
    assert explorer.hyper.disabled and "α" not in explorer.summary.value


def test_the_rotated_valley_hurts_only_the_per_coordinate_methods():
    def distance(name, valley):
        explorer = PathExplorer(name, valley=valley, show_plot=False)
        return float(explorer.summary.value.split("<b>")[1].split("</b>")[0])

    for name in ("SGD", "Momentum", "Nesterov"):  # rotation-invariant updates
        assert distance(name, "rotated by 45°") == pytest.approx(distance(name, "along the axes"))
    for name in ("AdaGrad", "RMSprop", "Adam"):  # per-coordinate step sizes
        assert distance(name, "rotated by 45°") > 3 * distance(name, "along the axes")


def test_the_figure_shows_the_valley_chosen():
    explorer = PathExplorer("AdaGrad")
    visible = [c for c in explorer.ax.collections if c.get_visible()]
    assert len(visible) == 1 and visible[0] is explorer.contours[0.0]
    explorer.valley.value = "rotated by 45°"
    visible = [c for c in explorer.ax.collections if c.get_visible()]
    assert len(visible) == 1 and visible[0] is explorer.contours[45.0]
    xs, ys = explorer.line.get_data()
    assert (xs[0], ys[0]) == pytest.approx((-7 * 0.7071 - 2 * 0.7071, -7 * 0.7071 + 2 * 0.7071),
                                           abs=1e-3)
