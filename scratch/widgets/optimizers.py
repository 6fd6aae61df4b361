"""A widget for notebook 08: watch an optimizer's path on f(x, y) = x**2 / 20 + y**2."""

import ipywidgets as widgets
import numpy as np

from scratch.optimizers import OPTIMIZERS
from scratch.plots.paths import BOOK_LRS, distance_to_minimum, optimizer_path, plot_path
from scratch.validation import check_choice
from scratch.widgets.base import Explorer

# Display names in the dropdown -> keys of scratch.optimizers.OPTIMIZERS.
NAMES = {cls.__name__: key for key, cls in OPTIMIZERS.items()}
# The optimizers' second hyperparameter: (keyword, symbol, default), None for SGD and AdaGrad.
HYPER = {"momentum": ("momentum", "α", 0.9), "nesterov": ("momentum", "α", 0.9),
         "rmsprop": ("decay_rate", "ρ", 0.99), "adam": ("beta1", "β1", 0.9)}
VALLEYS = {"along the axes": 0.0, "rotated by 45°": 45.0}
# Beyond this distance from the minimum (the start is 7.3 away) we call the run diverged.
DIVERGED = 1e3
# The learning rates on the lr slider: 1-2-5 steps from 0.001 to 10 and the book's values (a
# log slider would snap 0.95 to its grid and show 1 beside a summary that says 0.95).
LR_STEPS = [m * 10.0 ** e for e in range(-3, 1) for m in (1, 2, 5)] + [10.0]


def lr_choices(lr):
    """The lr slider's options, as (label, value): LR_STEPS, BOOK_LRS and lr itself, sorted."""
    values = sorted({*LR_STEPS, *BOOK_LRS.values(), float(lr)})
    return [(f"{value:.3g}", value) for value in values]


class PathExplorer(Explorer):
    """Choose an optimizer, its learning rate and a number of steps; see where it goes.

    Controls: `optimizer` (Dropdown: SGD, Momentum, ...), `lr` (SelectionSlider, 0.001 to 10 in
    1-2-5 steps and the book's values),
    `hyper` (FloatSlider: the momentum α of Momentum and Nesterov, RMSprop's decay ρ, Adam's
    β1; disabled for SGD and AdaGrad), `steps` (IntSlider, 1 to 100) and `valley` (Dropdown:
    the valley along the axes, or rotated by 45°). Choosing an optimizer resets `lr` to its
    value in the book's figure (`scratch.plots.paths.BOOK_LRS`) and `hyper` to its default.
    `summary` (HTML) gives the final point and its distance to the minimum (and, for the
    momentum methods, the effective learning rate lr / (1 - α)); `out` (Output) shows the path
    on the contour plot.
    """

    def __init__(self, optimizer="SGD", lr=None, steps=30, valley="along the axes",
                 show_plot=True):
        check_choice(optimizer, list(NAMES), "PathExplorer", "optimizer")
        check_choice(valley, list(VALLEYS), "PathExplorer", "valley")
        self.optimizer = widgets.Dropdown(options=list(NAMES), value=optimizer,
                                          description="optimizer")
        lr = BOOK_LRS[NAMES[optimizer]] if lr is None else lr
        self.lr = widgets.SelectionSlider(options=lr_choices(lr), value=lr, description="lr")
        self.hyper = widgets.FloatSlider(value=0.9, min=0.0, max=0.999, step=0.01,
                                         description="α", readout_format=".3f")
        self.steps = widgets.IntSlider(value=steps, min=1, max=100, description="steps")
        self.valley = widgets.Dropdown(options=list(VALLEYS), value=valley,
                                       description="valley")
        self._set_hyper(NAMES[optimizer])
        # A new optimizer resets lr and hyper: one update for all changes, not one for each.
        self.optimizer.observe(self._on_optimizer, names="value")
        self._build([self.lr, self.hyper, self.steps, self.valley],
                    layout=[widgets.HBox([self.optimizer, self.lr, self.hyper]),
                            widgets.HBox([self.steps, self.valley])],
                    figsize=(6, 3.2) if show_plot else None)

    def _set_hyper(self, key):
        keyword, symbol, default = HYPER.get(key, (None, "α", 0.9))
        self.hyper.disabled = keyword is None
        self.hyper.description = symbol
        self.hyper.value = default

    def _on_optimizer(self, change):
        with self.holding():
            self.lr.value = BOOK_LRS[NAMES[change["new"]]]
            self._set_hyper(NAMES[change["new"]])

    def path(self):
        """The current path: (steps + 1, 2)."""
        key = NAMES[self.optimizer.value]
        extra = {HYPER[key][0]: self.hyper.value} if key in HYPER else {}
        return optimizer_path(key, steps=self.steps.value, lr=self.lr.value,
                              rotation=VALLEYS[self.valley.value], **extra)

    def update(self):
        path = self.path()
        name, lr, steps = self.optimizer.value, self.lr.value, self.steps.value
        key = NAMES[name]
        setting = f", {self.hyper.description} {self.hyper.value:.3g}" if key in HYPER else ""
        rotated = VALLEYS[self.valley.value] != 0
        head = (f"{name}, lr {lr:.3g}{setting}, {steps} steps"
                + (f", valley {self.valley.value}" if rotated else "") + ": ")
        distance = distance_to_minimum(path)
        if not np.isfinite(distance) or distance > DIVERGED:
            self.summary.value = head + "<b>diverged</b> (the steps grow instead of shrinking)"
        else:
            x, y = path[-1]
            self.summary.value = (head + f"ends at ({x:.3f}, {y:.3f}), "
                                  f"<b>{distance:.3f}</b> from the minimum")
        if HYPER.get(key, ("",))[0] == "momentum" and self.hyper.value < 1:
            self.summary.value += (f". On a smooth stretch it moves like SGD with lr / (1 - α)"
                                   f" = {lr / (1 - self.hyper.value):.3g}")
        if self.figure:
            self.line.set_data(path[:, 0], path[:, 1])
            self.title.set_text(f"{name} (lr {lr:.3g}{setting})")
            self._set_valley(VALLEYS[self.valley.value])
            self.figure.show(key=self.valley.value)

    def setup_figure(self, fig):
        self.ax = fig.subplots()
        self.contours = {}
        # The contour map is the background (one per valley); the path and title are animated.
        plot_path(np.empty((0, 2)), self.ax, title=" ")
        path_line, minimum = self.ax.lines  # plot_path draws the path, then the minimum (+)
        self.line = self.figure.animated(path_line)
        self.figure.animated(minimum)  # animated too, to stay on top of the path
        self.title = self.figure.animated(self.ax.title)
        # The contour lines: one collection in matplotlib >= 3.8, one per level before.
        self.contours[0.0] = list(self.ax.collections)

    def _set_valley(self, rotation):
        """Show the contour lines of this valley only (drawn once, the first time)."""
        if rotation not in self.contours:
            before = set(self.ax.collections)
            xlim, ylim = self.ax.get_xlim(), self.ax.get_ylim()
            plot_path(np.empty((0, 2)), self.ax, rotation=rotation)
            for extra in self.ax.lines[2:]:  # plot_path's own (empty) path and minimum again
                extra.remove()
            self.ax.set_xlim(*xlim)
            self.ax.set_ylim(*ylim)
            self.contours[rotation] = [c for c in self.ax.collections if c not in before]
        for angle, lines in self.contours.items():
            for collection in lines:
                collection.set_visible(angle == rotation)
