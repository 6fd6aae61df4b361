"""A widget for notebook 08: watch an optimizer's path on f(x, y) = x**2 / 20 + y**2."""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from scratch.optimizers import OPTIMIZERS
from scratch.plots.paths import BOOK_LRS, distance_to_minimum, optimizer_path, plot_path
from scratch.validation import check_choice
from scratch.widgets import show_in

# Display names in the dropdown -> keys of scratch.optimizers.OPTIMIZERS.
NAMES = {cls.__name__: key for key, cls in OPTIMIZERS.items()}
# Beyond this distance from the minimum (the start is 7.3 away) we call the run diverged.
DIVERGED = 1e3


class PathExplorer:
    """Choose an optimizer, its learning rate and a number of steps; see where it goes.

    Controls: `optimizer` (Dropdown: SGD, Momentum, ...), `lr` (FloatLogSlider, 1e-3 to 10),
    `steps` (IntSlider, 1 to 100). Choosing an optimizer resets `lr` to its value in the book's
    figure (`scratch.plots.paths.BOOK_LRS`). `summary` (HTML) gives the final point and its distance
    to the minimum; `out` (Output) shows the path on the contour plot.
    """

    def __init__(self, optimizer="SGD", lr=None, steps=30, show_plot=True):
        check_choice(optimizer, list(NAMES), "PathExplorer", "optimizer")
        self.show_plot = show_plot
        self.optimizer = widgets.Dropdown(options=list(NAMES), value=optimizer,
                                          description="optimizer")
        self.lr = widgets.FloatLogSlider(value=BOOK_LRS[NAMES[optimizer]] if lr is None else lr,
                                         base=10, min=-3, max=1, step=0.05,
                                         description="lr", readout_format=".3g",
                                         continuous_update=False)
        self.steps = widgets.IntSlider(value=steps, min=1, max=100, description="steps",
                                       continuous_update=False)
        self.summary = widgets.HTML()
        self.out = widgets.Output()
        self._resetting = False  # True while a new optimizer resets lr: update once, not twice
        self.optimizer.observe(self._on_optimizer, names="value")
        self.lr.observe(self._on_change, names="value")
        self.steps.observe(self._on_change, names="value")
        self.widget = widgets.VBox([
            widgets.HBox([self.optimizer, self.lr, self.steps]), self.summary, self.out,
        ])
        self.update()

    def _on_optimizer(self, change):
        self._resetting = True
        try:
            self.lr.value = BOOK_LRS[NAMES[change["new"]]]
        finally:
            self._resetting = False
        self.update()

    def _on_change(self, _change):
        if not self._resetting:
            self.update()

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
        if self.show_plot:
            fig = Figure(figsize=(6, 3.2))
            plot_path(path, fig.subplots(), title=f"{name} (lr {lr:.3g})")
            show_in(self.out, fig)
