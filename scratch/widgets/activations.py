"""Notebook 03's explorer: an activation, its local derivative and the gradient it passes back.

Pick an activation and an input x, set the upstream gradient dout, and read off
y = f(x), the local derivative f'(x) and dx = dout * f'(x), the number a layer's backward
returns for that input. The figure marks the point on the curve of f and of f'.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from scratch.functions import relu, relu_grad, sigmoid, sigmoid_grad
from scratch.validation import check_choice
from scratch.widgets import show_in


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


class ActivationExplorer:
    """Explore ReLU, sigmoid and tanh at one input.

    Controls: `activation` (Dropdown: 'ReLU', 'sigmoid', 'tanh'), `x` (FloatSlider, the input)
    and `dout` (FloatSlider, the upstream gradient). `summary` (HTML) states f(x), f'(x) and
    dx = dout * f'(x); `out` (Output) plots f and f' on [-6, 6] with the point marked.
    """

    def __init__(self, activation="sigmoid", x=1.0, dout=1.0, show_plot=True):
        check_choice(activation, list(ACTIVATIONS), "ActivationExplorer", "activation")
        self.show_plot = show_plot
        self.activation = widgets.Dropdown(options=list(ACTIVATIONS), value=activation,
                                           description="activation")
        self.x = widgets.FloatSlider(value=x, min=-6.0, max=6.0, step=0.1, description="x",
                                     continuous_update=False)
        self.dout = widgets.FloatSlider(value=dout, min=-2.0, max=2.0, step=0.1,
                                        description="dout", continuous_update=False)
        self.summary = widgets.HTML()
        self.out = widgets.Output()
        for control in (self.activation, self.x, self.dout):
            control.observe(lambda _: self.update(), names="value")
        self.widget = widgets.VBox([
            widgets.HBox([self.activation, self.x, self.dout]), self.summary, self.out,
        ])
        self.update()

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
        self.summary.value = (
            f"{name}({x:.2f}) = <b>{y:.4f}</b>; local derivative f'({x:.2f}) = "
            f"<b>{slope:.4f}</b>; with dout = {dout:.2f} the layer passes back "
            f"dx = dout &times; f'(x) = <b>{dx:.4f}</b>. {_note(name, x, slope)}"
        )
        if self.show_plot:
            self._draw(name, x, y, slope)

    def _draw(self, name, x, y, slope):
        f, df = ACTIVATIONS[name]
        grid = np.linspace(-6, 6, 481)
        fig = Figure(figsize=(8, 2.8))
        ax_f, ax_df = fig.subplots(1, 2)
        ax_f.plot(grid, f(grid), color="tab:blue")
        ax_f.plot([x], [y], "o", color="tab:red")
        ax_f.set_title(f"{name}(x)")
        ax_df.plot(grid, df(grid), color="tab:orange")
        ax_df.plot([x], [slope], "o", color="tab:red")
        ax_df.set_title(f"derivative of {name}")
        for ax in (ax_f, ax_df):
            ax.axvline(x, color="tab:red", lw=0.8, ls=":")
            ax.set_xlabel("x")
            ax.grid(alpha=0.3)
        fig.tight_layout()
        show_in(self.out, fig)
