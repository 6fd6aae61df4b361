"""Notebook 05's step-size explorer and its helpers, driven by setting control values."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from scratch.widgets.numerical import (  # noqa: E402
    H_GRID,
    StepSizeExplorer,
    derivative_error,
    difference_quotient,
    rule_of_thumb_h,
)


def test_difference_quotients_have_the_expected_orders():
    # Truncation regime: 10x smaller h -> 10x smaller forward error, 100x smaller centred error.
    e_fwd = derivative_error("sin", 1.0, np.array([1e-2, 1e-3]), "forward")
    e_cen = derivative_error("sin", 1.0, np.array([1e-2, 1e-3]), "centred")
    assert e_fwd[0] / e_fwd[1] == pytest.approx(10, rel=0.01)
    assert e_cen[0] / e_cen[1] == pytest.approx(100, rel=0.01)
    # Leading terms: h |f''| / 2 and h^2 |f'''| / 6 for sin at 1.
    assert e_fwd[1] == pytest.approx(1e-3 * np.sin(1.0) / 2, rel=0.01)
    assert e_cen[1] == pytest.approx(1e-6 * np.cos(1.0) / 6, rel=0.01)


def test_float32_arithmetic_stays_float32():
    # In float32, x + 1e-8 rounds back to x = 1: the difference is exactly 0.
    assert float(difference_quotient(np.sin, 1.0, 1e-8, "forward", np.float32)) == 0.0
    assert float(difference_quotient(np.sin, 1.0, 1e-8, "forward", np.float64)) == pytest.approx(
        np.cos(1.0), rel=1e-7)
    assert difference_quotient(np.exp, 0.0, H_GRID).shape == H_GRID.shape


def test_helpers_reject_bad_arguments():
    with pytest.raises(ValueError, match="scheme must be one of"):
        difference_quotient(np.sin, 1.0, 1e-3, "backward")
    with pytest.raises(TypeError, match="dtype must be a float type, got int64"):
        difference_quotient(np.sin, 1.0, 1e-3, "forward", np.int64)
    with pytest.raises(ValueError, match="StepSizeExplorer: precision must be one of"):
        StepSizeExplorer(precision="float16", show_plot=False)


def test_rule_of_thumb():
    assert rule_of_thumb_h("forward", np.float64) == pytest.approx(1.49e-8, rel=0.01)
    assert rule_of_thumb_h("centred", np.float64) == pytest.approx(6.06e-6, rel=0.01)
    assert rule_of_thumb_h("centred", np.float32) == pytest.approx(4.92e-3, rel=0.01)


def test_summary_follows_the_controls():
    w = StepSizeExplorer(show_plot=False)
    assert w.summary.value.startswith(
        "<b>centred</b> difference of sin at x = 1.00 in <b>float64</b> with h = 1.0e-05")
    assert "exact 0.5403023059" in w.summary.value
    assert "near eps^(1/3)" in w.summary.value

    w.h.value = 1e-2
    assert "estimate 0.5402933009" in w.summary.value
    assert "error 9.0e-06" in w.summary.value
    assert "<b>truncation</b>" in w.summary.value

    w.scheme.value = "forward"
    assert "error 4.2e-03" in w.summary.value
    assert "eps^(1/2) = 1e-08" in w.summary.value

    w.h.value = 1e-12
    assert "<b>rounding</b>" in w.summary.value

    w.precision.value = "float32"
    assert "in <b>float32</b>" in w.summary.value
    assert "x + h rounds to x" in w.summary.value
    assert "error 5.4e-01" in w.summary.value  # the estimate is 0

    w.function.value = "exp"
    w.x.value = 0.0
    w.scheme.value = "centred"
    w.precision.value = "float64"
    w.h.value = 1e-3
    assert "difference of exp at x = 0.00" in w.summary.value
    assert "exact 1.0000000000" in w.summary.value
    assert "error 1.7e-07" in w.summary.value  # h^2 / 6


def test_draws_and_closes_its_figures():
    plt.close("all")
    w = StepSizeExplorer(function="tanh", x=0.5, h=1e-4, precision="float32", scheme="forward")
    w.h.value = 1e-13
    assert plt.get_fignums() == []  # every redraw closes its figure instead of piling them up
    assert "float32" in w.summary.value
    assert len(w.curve()) == len(H_GRID)


def test_the_figure_follows_the_controls():
    w = StepSizeExplorer(function="sin", x=1.0, h=1e-5)
    w.h.value = 1e-2
    assert w.current.get_data() == ([1e-2], [pytest.approx(9.0e-06, rel=0.01)])
    w.precision.value = "float32"
    w.x.value = 0.5
    assert list(w.error_curve.get_ydata()) == list(np.maximum(w.curve(), 1e-17))
    assert w.title.get_text() == "derivative of sin at x = 0.50"
    assert w.legend.get_texts()[0].get_text() == "centred, float32"
    assert w.thumb_line.get_xdata()[0] == pytest.approx(rule_of_thumb_h("centred", np.float32))


def _error_by_hand(name, x, h, scheme, precision):
    """|difference quotient - f'(x)| with every operation of the quotient in `precision`."""
    f, exact = {"sin": (np.sin, np.cos), "exp": (np.exp, np.exp),
                "tanh": (np.tanh, lambda v: 1 / np.cosh(v) ** 2)}[name]
    dt = np.dtype(precision).type
    x, h = dt(x), np.asarray(h, dtype=precision)
    if scheme == "forward":
        quotient = (f(x + h) - f(x)) / h
    else:
        quotient = (f(x + h) - f(x - h)) / (dt(2) * h)
    return np.abs(quotient.astype(np.float64) - exact(np.float64(x)))


def _summary_value(summary, pattern):
    import re

    return float(re.search(pattern, summary).group(1))


def test_the_drawn_curve_and_point_follow_every_control_as_computed_by_hand():
    w = StepSizeExplorer(function="sin", x=1.0, h=1e-5)
    grid = np.logspace(-13, -1, 49)
    moves = [(w.h, 1e-9, {"current"}), (w.x, -2.2, {"curve", "current"}),
             (w.scheme, "forward", {"curve", "current", "thumb"}),
             (w.function, "exp", {"curve", "current"}), (w.h, 1e-3, {"current"}),
             (w.precision, "float32", {"curve", "current", "thumb"}),
             (w.function, "tanh", {"curve", "current"}), (w.x, 0.7, {"curve", "current"})]
    for control, value, changes in moves:
        before = {"curve": w.error_curve.get_ydata().copy(), "current": w.current.get_data(),
                  "thumb": w.thumb_line.get_xdata()[0]}
        control.value = value
        setting = (w.function.value, w.x.value, w.h.value, w.scheme.value, w.precision.value)
        name, x, h, scheme, precision = setting
        np.testing.assert_allclose(w.error_curve.get_xdata(), grid, rtol=1e-12)
        expected = np.maximum(_error_by_hand(name, x, grid, scheme, precision), 1e-17)
        np.testing.assert_allclose(w.error_curve.get_ydata(), expected, rtol=1e-6, atol=1e-15)
        point = max(float(_error_by_hand(name, x, h, scheme, precision)), 1e-17)
        assert w.current.get_data() == ([h], [pytest.approx(point, rel=1e-6, abs=1e-15)])
        eps = np.finfo(precision).eps
        thumb = eps ** (1 / 2) if scheme == "forward" else eps ** (1 / 3)
        assert w.thumb_line.get_xdata()[0] == pytest.approx(thumb)
        after = {"curve": w.error_curve.get_ydata(), "current": w.current.get_data(),
                 "thumb": w.thumb_line.get_xdata()[0]}
        for part in set(before) - changes:  # e.g. h moves the point along a curve that stays
            np.testing.assert_array_equal(after[part], before[part], err_msg=part)
        # The summary's error, best step and rule of thumb are the figure's, to its digits.
        s = w.summary.value
        drawn = w.current.get_ydata()[0]
        assert _summary_value(s, r"error ([-+.e\d]+)</b>") == float(f"{drawn:.1e}") or (
            drawn == 1e-17 and "error 0.0e+00" in s)
        best = float(w.error_curve.get_xdata()[np.argmin(w.error_curve.get_ydata())])
        assert _summary_value(s, r"is at h = ([-+.e\d]+)\.") == float(f"{best:.0e}")
        assert _summary_value(s, r"\) = ([-+.e\d]+) \(eps") == float(f"{thumb:.0e}")


def test_step_size_summary_names_the_h_of_the_smallest_error_on_its_curve():
    for precision in ("float64", "float32"):
        explorer = StepSizeExplorer(precision=precision, show_plot=False)
        curve = explorer.curve()
        assert np.argmin(curve) > 0  # so that the first h of the grid would be wrong
        best = H_GRID[np.argmin(curve)]
        assert f"the smallest error on the curve is at h = {best:.0e}." in explorer.summary.value


@pytest.mark.parametrize("scheme", ["forward", "centred"])
def test_step_size_float32_curve_point_and_eps_are_float32_arithmetic(scheme):
    """float32 chosen: x rounded to float32 and every operation in float32, worked out here
    with NumPy scalars, one h at a time (x = 0.1 is not a float32 number)."""
    explorer = StepSizeExplorer(function="sin", x=0.1, h=1e-3,
                                precision="float32", scheme=scheme)
    x = np.float32(0.1)
    exact = float(np.cos(np.float64(x)))  # the derivative at the point really used

    def error(h):
        h = np.float32(h)
        if scheme == "forward":
            estimate = (np.sin(x + h) - np.sin(x)) / h
        else:
            estimate = (np.sin(x + h) - np.sin(x - h)) / (np.float32(2) * h)
        assert estimate.dtype == np.float32
        return abs(float(estimate) - exact)

    by_hand = np.array([error(h) for h in H_GRID])
    # (float64 instead of float32 anywhere changes these by 1e-4 or more, relatively; the
    # tolerance allows for a last-bit difference of cos between NumPy versions)
    np.testing.assert_allclose(explorer.curve(), by_hand, rtol=1e-9)
    np.testing.assert_allclose(explorer.error_curve.get_ydata(), np.maximum(by_hand, 1e-17),
                               rtol=1e-9)
    assert explorer.current.get_ydata()[0] == pytest.approx(error(1e-3), rel=1e-9)
    assert f"error {error(1e-3):.1e}" in explorer.summary.value
    assert f"exact {exact:.10f}" in explorer.summary.value
    assert f"eps = {float(np.finfo(np.float32).eps):.1e}" in explorer.summary.value
    # and the float64 curve of the same settings is a different one
    explorer.precision.value = "float64"
    assert not np.allclose(explorer.curve(), by_hand)
