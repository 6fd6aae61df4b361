"""A widget for notebook 05: how the step h, the precision and the scheme set the error of a
numerical derivative.

The error of a difference quotient has two parts: truncation (the Taylor terms the formula
drops, O(h) for the forward difference, O(h^2) for the centred one) and rounding (f is only
known to about eps * |f|, and dividing by h amplifies that to about eps * |f| / h). The first
falls with h, the second rises, so the error against h is a V on a log-log plot.
"""

import ipywidgets as widgets
import numpy as np

from scratch.validation import check_choice
from scratch.widgets.base import Explorer

# Name -> (f, exact f'), all elementwise NumPy functions that keep float32 as float32.
FUNCTIONS = {
    "sin": (np.sin, np.cos),
    "exp": (np.exp, np.exp),
    "tanh": (np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
}
SCHEMES = ("centred", "forward")
PRECISIONS = ("float64", "float32")
# The steps of the error curve: 1e-13 to 1e-1, four per decade.
H_GRID = 10.0 ** np.arange(-13.0, -0.99, 0.25)
# The order of each scheme's truncation error, O(h^order).
ORDERS = {"forward": 1, "centred": 2}


def difference_quotient(f, x, h, scheme="centred", dtype=np.float64):
    """Numerical derivative of `f` at `x` with step `h`, every operation done in `dtype`.

    f: an elementwise NumPy function; x: a number; h: a number or an array of steps (K,).
    scheme: 'forward' (f(x + h) - f(x)) / h or 'centred' (f(x + h) - f(x - h)) / (2h).
    Returns a float64 array of h's shape (a 0-d array for a number).
    """
    check_choice(scheme, SCHEMES, "difference_quotient", "scheme")
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"difference_quotient: dtype must be a float type, got {dt}")
    x, h = dt.type(x), np.asarray(h, dtype=dt)
    if scheme == "forward":
        quotient = (f(x + h) - f(x)) / h
    else:
        quotient = (f(x + h) - f(x - h)) / (dt.type(2) * h)
    return np.asarray(quotient, dtype=np.float64)


def rule_of_thumb_h(scheme, dtype):
    """The step that balances truncation and rounding error, up to a factor of order 1.

    Forward: error ~ h |f''| / 2 + eps |f| / h, smallest near h = eps^(1/2).
    Centred: error ~ h^2 |f'''| / 6 + eps |f| / h, smallest near h = eps^(1/3).
    """
    eps = float(np.finfo(dtype).eps)
    return eps ** (1.0 / (ORDERS[scheme] + 1))


def derivative_error(function, x, h, scheme="centred", dtype=np.float64):
    """Absolute error |numerical - exact| of the derivative of FUNCTIONS[function] at x.

    h: a number or an array of steps (K,) -> float64 array of h's shape. The exact derivative
    is taken in float64 at x rounded to `dtype` (the point the numerical one actually uses),
    so the error is the method's, not the rounding of x.
    """
    f, df = FUNCTIONS[function]
    x_used = float(np.dtype(dtype).type(x))
    return np.abs(difference_quotient(f, x_used, h, scheme, dtype) - df(x_used))


class StepSizeExplorer(Explorer):
    """Pick a function, a point, a step h, a precision and a scheme; see the derivative's error.

    Controls: `function` (Dropdown: sin, exp, tanh), `x` (FloatSlider, -3 to 3), `h`
    (FloatLogSlider, 1e-13 to 1e-1), `precision` (ToggleButtons: float64, float32), `scheme`
    (ToggleButtons: centred, forward). `summary` (HTML) gives the estimate, the exact value, the
    error and which error dominates; `out` (Output) shows the error against h with the current h
    marked.
    """

    def __init__(self, function="sin", x=1.0, h=1e-5, precision="float64", scheme="centred",
                 show_plot=True):
        check_choice(function, list(FUNCTIONS), "StepSizeExplorer", "function")
        check_choice(precision, list(PRECISIONS), "StepSizeExplorer", "precision")
        check_choice(scheme, list(SCHEMES), "StepSizeExplorer", "scheme")
        self.function = widgets.Dropdown(options=list(FUNCTIONS), value=function,
                                         description="f")
        self.x = widgets.FloatSlider(value=x, min=-3.0, max=3.0, step=0.1, description="x")
        self.h = widgets.FloatLogSlider(value=h, base=10, min=-13, max=-1, step=0.25,
                                        description="h", readout_format=".1e")
        self.precision = widgets.ToggleButtons(options=list(PRECISIONS), value=precision,
                                               description="precision")
        self.scheme = widgets.ToggleButtons(options=list(SCHEMES), value=scheme,
                                            description="scheme")
        self._build([self.function, self.x, self.h, self.precision, self.scheme],
                    layout=[widgets.HBox([self.function, self.x, self.h]),
                            widgets.HBox([self.precision, self.scheme])],
                    figsize=(6, 3.5) if show_plot else None)

    def curve(self):
        """The error at every step of H_GRID for the current settings: (len(H_GRID),)."""
        return derivative_error(self.function.value, self.x.value, H_GRID, self.scheme.value,
                                self.precision.value)

    def update(self):
        name, x, h = self.function.value, self.x.value, self.h.value
        scheme, precision = self.scheme.value, self.precision.value
        f, df = FUNCTIONS[name]
        x_used = float(np.dtype(precision).type(x))
        estimate = float(difference_quotient(f, x_used, h, scheme, precision))
        exact = float(df(x_used))
        error = abs(estimate - exact)
        curve = self.curve()
        best = float(H_GRID[np.argmin(curve)])
        thumb = rule_of_thumb_h(scheme, precision)
        power = "1/2" if scheme == "forward" else "1/3"
        eps = float(np.finfo(precision).eps)
        dt = np.dtype(precision).type
        # Within a decade of the rule of thumb the two errors are of the same size.
        if dt(x_used) + dt(h) == dt(x_used):
            regime = (f"h is below the spacing of {precision} numbers near x, so x + h rounds "
                      "to x: the step is lost, and with it the derivative")
        elif h > 10 * thumb:
            regime = (f"h is well above eps^({power}): the <b>truncation</b> error "
                      f"(~ h<sup>{ORDERS[scheme]}</sup>) dominates; a smaller h helps")
        elif h < thumb / 10:
            regime = ("h is well below eps^(" + power + "): the <b>rounding</b> error "
                      "(~ eps / h) dominates; a smaller h makes it worse")
        else:
            regime = (f"h is near eps^({power}): truncation and rounding errors are about "
                      "equal, the bottom of the V")
        self.summary.value = (
            f"<b>{scheme}</b> difference of {name} at x = {x_used:.2f} in <b>{precision}</b> "
            f"with h = {h:.1e}:<br>"
            f"estimate {estimate:.10f}, exact {exact:.10f}, <b>error {error:.1e}</b><br>"
            f"{regime}. Rule of thumb: eps^({power}) = {thumb:.0e} (eps = {eps:.1e}); "
            f"the smallest error on the curve is at h = {best:.0e}."
        )
        if self.figure:
            self._draw(curve, h, error, thumb)

    def setup_figure(self, fig):
        ax = self.ax = fig.subplots()
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(H_GRID[0] / 2, H_GRID[-1] * 2)
        # The curve, the current h and the title change with most controls: animated. The
        # axes change only when the curve leaves its decades, the legend and the rule of thumb
        # only with the scheme and the precision: those make the background.
        # The rule-of-thumb line first: in the background, it must lie under the curve.
        self.thumb_line = ax.axvline(1e-5, color="gray", ls="--", lw=1, label="rule of thumb h")
        self.error_curve = self.figure.animated(ax.plot(
            H_GRID, H_GRID, "o-", ms=3, label=f"{self.scheme.value}, {self.precision.value}")[0])
        self.current = self.figure.animated(ax.plot([], [], "o", color="red", ms=9,
                                                    label="current h")[0])
        self.title = self.figure.animated(ax.set_title(" "))
        # The legend is drawn over the curve, so it is animated too: it finds the best place
        # at every draw, and its first label changes.
        self.legend = self.figure.animated(ax.legend(
            handles=[self.error_curve, self.thumb_line, self.current], fontsize=8))
        ax.set_xlabel("step h")
        ax.set_ylabel("|numerical - exact|")
        # matplotlib makes a Tick (lines and a label) the first time one is needed, about 1 ms
        # each: a new y range would wait for dozens of them. Make them now, while the cell runs.
        ax.yaxis.get_major_ticks(30)
        ax.yaxis.get_minor_ticks(120)

    def _draw(self, curve, h, error, thumb):
        # Exact zeros (a lucky rounding) cannot be drawn on a log axis; show them at a floor.
        floor = 1e-17
        scheme, precision = self.scheme.value, self.precision.value
        shown = np.maximum(curve, floor)
        point = max(error, floor)
        # The y range in whole decades (at least a factor 2 of room above and below), so that
        # it stays put while a slider moves the curve a little.
        low = 10.0 ** np.floor(np.log10(min(shown.min(), point) / 2))
        high = 10.0 ** np.ceil(np.log10(max(shown.max(), point) * 2))
        key = (scheme, precision, low, high)
        self.thumb_line.set_xdata([thumb, thumb])
        self.ax.set_ylim(low, high)
        self.legend.get_texts()[0].set_text(f"{scheme}, {precision}")
        self.error_curve.set_ydata(shown)
        self.current.set_data([h], [point])
        self.title.set_text(f"derivative of {self.function.value} at x = {self.x.value:.2f}")
        self.figure.show(key)
