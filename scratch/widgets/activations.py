"""Notebook 03's explorer: an activation, its local derivative and the gradient it passes back.

Pick an activation and an input x, set the upstream gradient dout, and read off
y = f(x), the local derivative f'(x) and dx = dout * f'(x), the number a layer's backward
returns for that input. The figure marks the point on the curve of f and of f'.
"""

import ipywidgets as widgets
import numpy as np

from scratch.functions import relu, relu_grad, sigmoid, sigmoid_grad
from scratch.validation import check_choice
from scratch.widgets.base import Explorer


def _tanh_grad(x):
    return 1.0 - np.tanh(x) ** 2


# name -> (f, f'); f and f' take and return float arrays of any shape.
ACTIVATIONS = {
    "ReLU": (relu, relu_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (np.tanh, _tanh_grad),
}


def _note(name, x, slope):
    """One sentence on what the current point says about gradient flow."""
    if name == "ReLU":
        if x > 0:
            return "The unit is active: the gradient passes back unchanged."
        return ("The unit is inactive: no gradient flows back. A unit that is inactive for "
                "every input never learns again (a <i>dead</i> ReLU).")
    if slope < 0.01:
        return (f"The {name} is saturated: its slope is below 0.01, so the gradient all but "
                "vanishes.")
    if name == "sigmoid":
        return ("The sigmoid's slope is never above 0.25 (its value at x = 0): every sigmoid "
                "layer shrinks the gradient at least fourfold.")
    return "The tanh's slope is never above 1 (its value at x = 0), four times the sigmoid's."


class ActivationExplorer(Explorer):
    """Explore ReLU, sigmoid and tanh at one input.

    Controls: `activation` (Dropdown: 'ReLU', 'sigmoid', 'tanh'), `x` (FloatSlider, the input),
    `dout` (FloatSlider, the upstream gradient) and `layers` (IntSlider, k). `summary` (HTML)
    states f(x), f'(x), dx = dout * f'(x), and dout * f'(x)**k, what is left of the gradient
    after k layers that each see this input; `out` (Output) plots f and f' on [-6, 6] with the
    point marked, and the size of the gradient after 1 to k layers on a log scale.
    """

    def __init__(self, activation="sigmoid", x=1.0, dout=1.0, layers=1, show_plot=True):
        check_choice(activation, list(ACTIVATIONS), "ActivationExplorer", "activation")
        self.activation = widgets.Dropdown(options=list(ACTIVATIONS), value=activation,
                                           description="activation")
        self.x = widgets.FloatSlider(value=x, min=-6.0, max=6.0, step=0.1, description="x")
        self.dout = widgets.FloatSlider(value=dout, min=-2.0, max=2.0, step=0.1,
                                        description="dout")
        self.layers = widgets.IntSlider(value=layers, min=1, max=10, description="layers k")
        self._build([self.activation, self.x, self.dout, self.layers],
                    layout=[widgets.HBox([self.activation, self.x]),
                            widgets.HBox([self.dout, self.layers])],
                    figsize=(11, 2.8) if show_plot else None)
        if self.figure:
            # Draw the other activations' curves now, while the cell runs: choosing one later
            # then only pastes its kept background.
            for name in ACTIVATIONS:
                self._set_curves(name)
                self.figure.render(key=name)
            self._draw(self.activation.value, self.x.value, *self.values()[:2])

    def values(self):
        """(y, slope, dx) at the current setting, as floats."""
        f, df = ACTIVATIONS[self.activation.value]
        x = np.array(self.x.value, dtype=np.float64)
        y, slope = float(f(x)), float(df(x))
        # + 0.0 turns the -0.0 of a negative dout times a zero slope into a plain 0.0.
        return y, slope, self.dout.value * slope + 0.0

    def update(self):
        name, x, dout = self.activation.value, self.x.value, self.dout.value
        y, slope, dx = self.values()
        k = self.layers.value
        self.summary.value = (
            f"{name}({x:.2f}) = <b>{y:.4f}</b>; local derivative f'({x:.2f}) = "
            f"<b>{slope:.4f}</b>; with dout = {dout:.2f} the layer passes back "
            f"dx = dout &times; f'(x) = <b>{dx:.4f}</b>. {_note(name, x, slope)} "
            f"After {k} layer{'s' if k > 1 else ''} that each see this input, the gradient is "
            f"dout &times; f'(x)<sup>{k}</sup> = <b>{self.after(k):.3g}</b>."
        )
        if self.figure:
            self._draw(name, x, y, slope)

    def after(self, k):
        """dout * f'(x)**k: the gradient left after k layers with this local derivative."""
        return self.dout.value * self.values()[1] ** k + 0.0

    def setup_figure(self, fig):
        *self.axes, self.ax_k = fig.subplots(1, 3)
        self.ax_k.set_yscale("log")
        self.ax_k.set_ylim(1e-12, 10)
        self.ax_k.set_xlim(0.5, 10.5)
        self.ax_k.set_xlabel("layers passed")
        self.ax_k.set_title("|gradient| after k layers")
        self.ax_k.grid(alpha=0.3)
        # Zeros (a ReLU at x <= 0) cannot be drawn on a log scale: the floor stands for them.
        self.decay = self.figure.animated(self.ax_k.plot([], [], "o-", color="tab:red")[0])
        self.curves = [ax.plot([], [], color=color)[0]
                       for ax, color in zip(self.axes, ("tab:blue", "tab:orange"))]
        # The point and the line through it move with x: drawn on top of the rest (animated).
        self.points = [self.figure.animated(ax.plot([], [], "o", color="tab:red")[0])
                       for ax in self.axes]
        self.markers = [self.figure.animated(ax.axvline(0, color="tab:red", lw=0.8, ls=":"))
                        for ax in self.axes]
        for ax in self.axes:
            ax.set_xlabel("x")
            ax.grid(alpha=0.3)

    def _set_curves(self, name):
        """The curves and titles, which change only with the activation (the background)."""
        f, df = ACTIVATIONS[name]
        grid = np.linspace(-6, 6, 481)
        self.curves[0].set_data(grid, f(grid))
        self.curves[1].set_data(grid, df(grid))
        self.axes[0].set_title(f"{name}(x)")
        self.axes[1].set_title(f"derivative of {name}")
        # The limits come from the curves alone: the point still at the last activation's value
        # would stretch them (and then be drawn off its curve on the kept background).
        for point in self.points:
            point.set_data([], [])
        for ax in self.axes:
            ax.relim()
            ax.autoscale_view()
            ax.set_ylim(ax.get_ylim())  # fixed until the next activation, whatever is drawn

    def _draw(self, name, x, y, slope):
        self._set_curves(name)
        self.points[0].set_data([x], [y])
        self.points[1].set_data([x], [slope])
        for marker in self.markers:
            marker.set_xdata([x, x])
        ks = np.arange(1, self.layers.value + 1)
        self.decay.set_data(ks, np.maximum(np.abs([self.after(k) for k in ks]), 1e-12))
        self.figure.show(key=name)
