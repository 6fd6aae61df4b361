"""A widget for notebook 08: watch an optimizer's path on f(x, y) = x**2 / 20 + y**2."""

import ipywidgets as widgets
import numpy as np

from scratch.optimizers import OPTIMIZERS
from scratch.plots.paths import BOOK_LRS, distance_to_minimum, optimizer_path, plot_path
from scratch.validation import check_choice
from scratch.widgets.base import Explorer

# Display names in the dropdown -> keys of scratch.optimizers.OPTIMIZERS.
NAMES = {cls.__name__: key for key, cls in OPTIMIZERS.items()}
# Beyond this distance from the minimum (the start is 7.3 away) we call the run diverged.
DIVERGED = 1e3


class PathExplorer(Explorer):
    """Choose an optimizer, its learning rate and a number of steps; see where it goes.

    Controls: `optimizer` (Dropdown: SGD, Momentum, ...), `lr` (FloatLogSlider, 1e-3 to 10),
    `steps` (IntSlider, 1 to 100). Choosing an optimizer resets `lr` to its value in the book's
    figure (`scratch.plots.paths.BOOK_LRS`). `summary` (HTML) gives the final point and its distance
    to the minimum; `out` (Output) shows the path on the contour plot.
    """

    def __init__(self, optimizer="SGD", lr=None, steps=30, show_plot=True):
        check_choice(optimizer, list(NAMES), "PathExplorer", "optimizer")
        self.optimizer = widgets.Dropdown(options=list(NAMES), value=optimizer,
                                          description="optimizer")
        self.lr = widgets.FloatLogSlider(value=BOOK_LRS[NAMES[optimizer]] if lr is None else lr,
                                         base=10, min=-3, max=1, step=0.05,
                                         description="lr", readout_format=".3g")
        self.steps = widgets.IntSlider(value=steps, min=1, max=100, description="steps")
        # A new optimizer resets lr: one update for both changes, not one for each.
        self.optimizer.observe(self._on_optimizer, names="value")
        self._build([self.lr, self.steps], layout=[widgets.HBox([self.optimizer, self.lr,
                                                                 self.steps])],
                    figsize=(6, 3.2) if show_plot else None)

    def _on_optimizer(self, change):
        with self.holding():
            self.lr.value = BOOK_LRS[NAMES[change["new"]]]

    def path(self):
        """The current path: (steps + 1, 2)."""
        return optimizer_path(NAMES[self.optimizer.value], steps=self.steps.value,
                              lr=self.lr.value)

    def update(self):
        path = self.path()
        name, lr, steps = self.optimizer.value, self.lr.value, self.steps.value
        distance = distance_to_minimum(path)
        head = f"{name}, lr {lr:.3g}, {steps} steps: "
        if not np.isfinite(distance) or distance > DIVERGED:
            self.summary.value = head + "<b>diverged</b> (the steps grow instead of shrinking)"
        else:
            x, y = path[-1]
            self.summary.value = (head + f"ends at ({x:.3f}, {y:.3f}), "
                                  f"<b>{distance:.3f}</b> from the minimum")
        if self.figure:
            self.line.set_data(path[:, 0], path[:, 1])
            self.title.set_text(f"{name} (lr {lr:.3g})")
            self.figure.show()

    def setup_figure(self, fig):
        ax = fig.subplots()
        # The contour map is the background; the path and the title are animated.
        plot_path(np.empty((0, 2)), ax, title=" ")
        path_line, minimum = ax.lines  # plot_path draws the path, then the minimum (+) over it
        self.line = self.figure.animated(path_line)
        self.figure.animated(minimum)  # animated too, to stay on top of the path
        self.title = self.figure.animated(ax.title)
