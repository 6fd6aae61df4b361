"""The notebook-08 path explorer, driven by setting its controls' values (no browser)."""

import matplotlib
import pytest

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from scratch.plots.paths import BOOK_LRS  # noqa: E402
from scratch.widgets.optimizers import PathExplorer  # noqa: E402
from tests.notebooks.test_widgets_controls import numbers  # noqa: E402


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
    assert visible == explorer.contours[0.0] and visible  # one or more collections per valley
    explorer.valley.value = "rotated by 45°"
    visible = [c for c in explorer.ax.collections if c.get_visible()]
    assert visible == explorer.contours[45.0] and visible
    xs, ys = explorer.line.get_data()
    assert (xs[0], ys[0]) == pytest.approx((-7 * 0.7071 - 2 * 0.7071, -7 * 0.7071 + 2 * 0.7071),
                                           abs=1e-3)


def test_the_drawn_path_follows_every_control_computed_independently():
    """The figure's line against the update rules written here (not scratch.plots.paths):
    SGD's closed form and Momentum's two-line loop, after each control is moved; the summary's
    end point and distance are the drawn path's last point."""

    x0, y0 = -7.0, 2.0  # the book's start on f(x, y) = x**2 / 20 + y**2
    explorer = PathExplorer("SGD")
    explorer.lr.value = 0.2
    explorer.steps.value = 17
    xs, ys = explorer.line.get_data()
    k = np.arange(18)
    np.testing.assert_allclose(xs, x0 * (1 - 0.2 / 10) ** k, rtol=1e-12)
    np.testing.assert_allclose(ys, y0 * (1 - 2 * 0.2) ** k, rtol=1e-12, atol=1e-300)

    explorer.optimizer.value = "Momentum"  # resets lr to the book's 0.1
    explorer.steps.value = 25
    p, v, points = np.array([x0, y0]), np.zeros(2), [np.array([x0, y0])]
    for _ in range(25):
        v = 0.9 * v - 0.1 * np.array([p[0] / 10, 2 * p[1]])
        p = p + v
        points.append(p)
    xs, ys = explorer.line.get_data()
    np.testing.assert_allclose(np.column_stack([xs, ys]), points, rtol=1e-10, atol=1e-12)
    end_x, end_y, distance = numbers(explorer.summary.value.split("ends at")[1])[:3]
    assert (end_x, end_y) == (round(xs[-1], 3), round(ys[-1], 3))
    assert distance == round(float(np.hypot(xs[-1], ys[-1])), 3)


def _summary_end(explorer):
    """(x, y, distance) of the summary's 'ends at (x, y), distance from the minimum'."""
    return tuple(numbers(explorer.summary.value.split("ends at")[1])[:3])


def test_the_drawn_path_follows_the_second_hyperparameter_and_the_valley():
    """Momentum with α = 0.5 and RMSprop with ρ = 0.5 written out here; the rotated valley's
    Momentum path is the straight one turned by 45° (its update does not see the axes)."""
    x0, y0 = -7.0, 2.0

    def grad(p):
        return np.array([p[0] / 10, 2 * p[1]])

    def momentum(alpha, lr=0.1, steps=30):
        p, v, points = np.array([x0, y0]), np.zeros(2), [np.array([x0, y0])]
        for _ in range(steps):
            v = alpha * v - lr * grad(p)
            p = p + v
            points.append(p)
        return np.array(points)

    def drawn(explorer):
        return np.column_stack(explorer.line.get_data())

    explorer = PathExplorer("Momentum")
    explorer.hyper.value = 0.5
    np.testing.assert_allclose(drawn(explorer), momentum(0.5), rtol=1e-10, atol=1e-12)
    straight = drawn(explorer)
    explorer.valley.value = "rotated by 45°"
    c = s = np.sqrt(0.5)
    np.testing.assert_allclose(drawn(explorer), straight @ np.array([[c, s], [-s, c]]),
                               rtol=1e-10, atol=1e-12)
    assert _summary_end(explorer) == pytest.approx(
        (*np.round(drawn(explorer)[-1], 3), round(float(np.hypot(*drawn(explorer)[-1])), 3)))
    rotated = drawn(explorer)
    explorer.steps.value = 9  # fewer steps: the same path, cut short
    np.testing.assert_array_equal(drawn(explorer), rotated[:10])
    visible = [c for c in explorer.ax.collections if c.get_visible()]
    explorer.steps.value = 30
    assert [c for c in explorer.ax.collections if c.get_visible()] == visible  # same valley

    explorer.valley.value = "along the axes"
    explorer.optimizer.value = "RMSprop"
    explorer.hyper.value = 0.5
    p, h, points = np.array([x0, y0]), np.zeros(2), [np.array([x0, y0])]
    for _ in range(30):
        g = grad(p)
        h = 0.5 * h + 0.5 * g * g
        p = p - 0.1 * g / (np.sqrt(h) + 1e-7)
        points.append(p)
    np.testing.assert_allclose(drawn(explorer), points, rtol=1e-10, atol=1e-12)
    visible = [c for c in explorer.ax.collections if c.get_visible()]
    assert visible == explorer.contours[0.0]  # the optimizer and its settings keep the valley
    assert _summary_end(explorer) == pytest.approx(
        (*np.round(points[-1], 3), round(float(np.hypot(*points[-1])), 3)))


def test_a_diverged_path_is_drawn_far_out_and_said_so():
    explorer = PathExplorer("SGD")
    explorer.lr.value = 5.0  # y is multiplied by 1 - 2 * 5 = -9 at every step
    xs, ys = explorer.line.get_data()
    np.testing.assert_allclose(ys, 2.0 * (-9.0) ** np.arange(31), rtol=1e-12)
    assert np.hypot(xs[-1], ys[-1]) > 1e3 and "<b>diverged</b>" in explorer.summary.value
    visible = [c for c in explorer.ax.collections if c.get_visible()]
    assert visible == explorer.contours[0.0]  # the learning rate leaves the valley alone


def test_path_explorer_names_the_valley_only_when_it_is_rotated():
    assert "valley" not in PathExplorer(show_plot=False).summary.value
    rotated = PathExplorer(valley="rotated by 45°", show_plot=False)
    assert rotated.summary.value.startswith("SGD, lr ")
    assert ", 30 steps, valley rotated by 45°: " in rotated.summary.value


def test_path_explorer_shows_the_valley_it_was_switched_to():
    switched = PathExplorer()
    switched.valley.value = "rotated by 45°"
    fresh = PathExplorer(valley="rotated by 45°")  # the oracle: drawn with that valley first
    np.testing.assert_array_equal(switched.figure.pixels(), fresh.figure.pixels())


def test_the_lr_slider_shows_the_value_the_summary_uses():
    """A log slider snapped the book's 0.95 to its grid and read 1 beside "lr 0.95"; every lr
    the explorer starts from or resets to is one of the slider's stops, labelled as it is."""
    for name in ["SGD", "Momentum", "AdaGrad", "Adam", "RMSprop"]:
        explorer = PathExplorer(name, show_plot=False)
        assert explorer.lr.label == f"{explorer.lr.value:.3g}"
        assert f"lr {explorer.lr.label}," in explorer.summary.value
    assert PathExplorer(lr=0.42, show_plot=False).lr.label == "0.42"
    labels = [label for label, _ in PathExplorer(show_plot=False).lr.options]
    assert labels[0] == "0.001" and labels[-1] == "10" and "0.95" in labels
