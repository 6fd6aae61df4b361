"""Notebook 11's explorer: the training and test accuracy curves of the overfitting experiment
for a grid of weight decay strengths and dropout ratios.

Training is too slow to redo at every click (about half a second a run), so the notebook trains
the grid once and hands the curves over; the explorer only picks and draws them.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from scratch.widgets import show_in


def _last(curve, epochs=10):
    """The mean of the last `epochs` values: one noisy epoch does not decide."""
    return float(np.mean(curve[-epochs:]))


class RegularisationExplorer:
    """Accuracy curves per (weight_decay_lambda, dropout_ratio).

    runs: {(lambda, ratio): (train_acc_list, test_acc_list)} with one accuracy per epoch and
    the same number of epochs everywhere; it must contain (0.0, 0.0), the run without
    regularisation, drawn in grey behind the chosen one.
    Controls: `weight_decay` and `dropout` (ToggleButtons over the grid's values). `summary`
    (HTML) gives the chosen run's training and test accuracy and their gap, averaged over the
    last 10 epochs, next to the unregularised run's; `out` (Output) draws the curves (and is
    empty for a setting the grid lacks, whose summary says so).
    """

    def __init__(self, runs, weight_decay=0.0, dropout=0.0, show_plot=True):
        if (0.0, 0.0) not in runs:
            raise ValueError("RegularisationExplorer: runs must contain (0.0, 0.0), the run "
                             f"without regularisation; got the keys {sorted(runs)}")
        self.runs, self.show_plot = runs, show_plot
        lambdas = sorted({key[0] for key in runs})
        ratios = sorted({key[1] for key in runs})
        self.weight_decay = widgets.ToggleButtons(options=[(f"{v:g}", v) for v in lambdas],
                                                  value=weight_decay, description="λ")
        self.dropout = widgets.ToggleButtons(options=[(f"{v:g}", v) for v in ratios],
                                             value=dropout, description="dropout")
        for control in (self.weight_decay, self.dropout):
            control.style.button_width = "60px"
            control.observe(lambda _: self.update(), names="value")
        self.summary = widgets.HTML()
        self.out = widgets.Output()
        self.figure = None
        self.widget = widgets.VBox([self.weight_decay, self.dropout, self.summary, self.out])
        self.update()

    @classmethod
    def example(cls):
        """A 2 x 2 grid of made-up curves (no training needed), for the tests and benchmark."""
        epochs = np.arange(1, 31)
        runs = {}
        for lam in (0.0, 0.1):
            for ratio in (0.0, 0.2):
                train = 1 - 0.9 * np.exp(-epochs / (3 + 40 * lam + 10 * ratio))
                runs[lam, ratio] = (train, (0.8 + lam + 0.3 * ratio) * train)
        return cls(runs)

    def update(self):
        key = (self.weight_decay.value, self.dropout.value)
        if key not in self.runs:
            self.summary.value = (f"λ = {key[0]:g}, dropout ratio {key[1]:g}: not in the "
                                  "grid that was trained")
            if self.show_plot:  # not the last run's curves under this summary
                self.figure = None
                self.out.outputs = ()
            return
        train, test = self.runs[key]
        base_train, base_test = self.runs[(0.0, 0.0)]
        self.summary.value = (
            f"λ = {key[0]:g}, dropout ratio {key[1]:g}, mean of the last 10 epochs: "
            f"training accuracy <b>{_last(train):.2f}</b>, test accuracy "
            f"<b>{_last(test):.2f}</b>, gap <b>{_last(train) - _last(test):.2f}</b> "
            f"(without regularisation: {_last(base_train):.2f}, {_last(base_test):.2f}, gap "
            f"{_last(base_train) - _last(base_test):.2f})."
        )
        if self.show_plot:
            self._draw(key, train, test, base_train, base_test)

    def _draw(self, key, train, test, base_train, base_test):
        fig = Figure(figsize=(7, 3.2), dpi=72)
        ax = fig.subplots()
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, base_train, color="0.7", label="train, no regularisation")
        ax.plot(epochs, base_test, color="0.7", linestyle="--", label="test, no regularisation")
        ax.plot(epochs, train, color="C0", label="train")
        ax.plot(epochs, test, color="C1", linestyle="--", label="test")
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("epoch")
        ax.set_ylabel("accuracy")
        ax.set_title(f"λ = {key[0]:g}, dropout ratio {key[1]:g}")
        ax.legend(loc="lower right", fontsize=8)
        fig.subplots_adjust(left=0.1, right=0.98, bottom=0.15, top=0.9)
        self.figure = fig
        show_in(self.out, fig)
