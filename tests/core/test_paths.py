"""Optimizer paths on f(x, y) = x**2 / 20 + y**2."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from scratch.optimizers import SGD, Adam  # noqa: E402
from scratch.plots.paths import (  # noqa: E402
    BOOK_LRS,
    START,
    distance_to_minimum,
    f,
    grad_f,
    optimizer_path,
    plot_path,
)


def test_gradient_matches_finite_differences():
    x, y, h = -3.0, 1.5, 1e-6
    gx, gy = grad_f(x, y)
    assert gx == pytest.approx((f(x + h, y) - f(x - h, y)) / (2 * h), rel=1e-6)
    assert gy == pytest.approx((f(x, y + h) - f(x, y - h)) / (2 * h), rel=1e-6)


def test_sgd_path_is_the_closed_form():
    # SGD multiplies x by (1 - lr/10) and y by (1 - 2 lr) at every step.
    lr, steps = 0.3, 12
    path = optimizer_path("sgd", steps=steps, lr=lr)
    k = np.arange(steps + 1)
    expected = np.column_stack([START[0] * (1 - lr / 10) ** k, START[1] * (1 - 2 * lr) ** k])
    np.testing.assert_allclose(path, expected, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(BOOK_LRS))
def test_every_optimizer_gives_n_plus_one_points_and_gets_closer(name):
    path = optimizer_path(name, steps=30, lr=BOOK_LRS[name])
    assert path.shape == (31, 2)
    np.testing.assert_array_equal(path[0], START)
    assert distance_to_minimum(path) < 1.0 < distance_to_minimum(path[:1])


def test_instances_and_the_same_updates_as_two_separate_parameters():
    path = optimizer_path(Adam(lr=0.3), steps=5)
    opt = Adam(lr=0.3)
    params = {"x": np.array(START[0]), "y": np.array(START[1])}
    for _ in range(5):
        gx, gy = grad_f(params["x"], params["y"])
        opt.update(params, {"x": np.array(gx), "y": np.array(gy)})
    np.testing.assert_allclose(path[-1], [params["x"], params["y"]], rtol=1e-12)
    assert optimizer_path(SGD(lr=0.1), steps=0).shape == (1, 2)


def test_divergence_gives_large_numbers_not_warnings(recwarn):
    path = optimizer_path("sgd", steps=100, lr=10.0)
    # Large and finite: NaN or inf would compare false with any bound, so both are ruled out.
    assert np.isfinite(path).all()
    assert distance_to_minimum(path) > 1e6
    # y is multiplied by 1 - 2 lr = -19 at every step: the closed form, up to rounding
    assert path[-1, 1] == pytest.approx(START[1] * (-19.0) ** 100, rel=1e-9)
    assert not recwarn.list


def test_bad_arguments():
    with pytest.raises(ValueError, match="steps must be an integer >= 0"):
        optimizer_path("sgd", steps=-1)
    with pytest.raises(ValueError, match="start must be a point"):
        optimizer_path("sgd", start=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="unknown optimizer"):
        optimizer_path("lbfgs")


def test_plot_path_draws_on_the_given_axes():
    fig, ax = plt.subplots()
    assert plot_path(optimizer_path("momentum", lr=0.1), ax, title="Momentum") is ax
    assert ax.get_title() == "Momentum"
    assert len(ax.lines) == 2  # the path and the minimum marker
    plt.close(fig)
