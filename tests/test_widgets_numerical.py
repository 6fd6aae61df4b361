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
