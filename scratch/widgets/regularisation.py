"""Notebook 11's explorer: the training and validation accuracy curves of the overfitting experiment
for a grid of weight decay strengths and dropout ratios.

Training is too slow to redo at every click (about half a second a run), so the notebook trains
the grid once and hands the curves over; the explorer only picks and draws them, on a
LiveFigure (scratch.widgets.base) whose background is the run without regularisation.
"""

import ipywidgets as widgets
import numpy as np

from scratch.widgets.base import Explorer


def _last(curve, epochs=10):
    """The mean of the last `epochs` values: one noisy epoch does not decide."""
    return float(np.mean(curve[-epochs:]))


class RegularisationExplorer(Explorer):
    """Accuracy curves per (weight_decay_lambda, dropout_ratio).

    runs: {(lambda, ratio): (train_acc_list, val_acc_list)} with one accuracy per epoch and
    the same number of epochs everywhere; it must contain (0.0, 0.0), the run without
    regularisation, drawn in grey behind the chosen one.
    Controls: `weight_decay` and `dropout` (ToggleButtons over the grid's values). `summary`
    (HTML) gives the chosen run's training and validation accuracy and their gap, averaged over the
    last 10 epochs, next to the unregularised run's; `out` (Output) draws the curves (and is
    empty for a setting the grid lacks, whose summary says so).
    """

    def __init__(self, runs, weight_decay=0.0, dropout=0.0, show_plot=True):
        if (0.0, 0.0) not in runs:
            raise ValueError("RegularisationExplorer: runs must contain (0.0, 0.0), the run "
                             f"without regularisation; got the keys {sorted(runs)}")
        self.runs = runs
        lambdas = sorted({key[0] for key in runs})
        ratios = sorted({key[1] for key in runs})
        self.weight_decay = widgets.ToggleButtons(options=[(f"{v:g}", v) for v in lambdas],
                                                  value=weight_decay, description="λ")
        self.dropout = widgets.ToggleButtons(options=[(f"{v:g}", v) for v in ratios],
                                             value=dropout, description="dropout")
        for control in (self.weight_decay, self.dropout):
            control.style.button_width = "60px"
        self._build([self.weight_decay, self.dropout], layout=[self.weight_decay, self.dropout],
                    figsize=(7, 3.2) if show_plot else None)

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

    def setup_figure(self, fig):
        # The unregularised run is the background, drawn once; the chosen run's curves, the
        # title and the legend over them change with the controls.
        ax = fig.subplots()
        base_train, base_val = self.runs[(0.0, 0.0)]
        epochs = np.arange(1, len(base_train) + 1)
        ax.plot(epochs, base_train, color="0.7", label="train, no regularisation")
        ax.plot(epochs, base_val, color="0.7", linestyle="--",
                label="validation, no regularisation")
        self.train_line = self.figure.animated(ax.plot(epochs, base_train, color="C0",
                                                       label="train")[0])
        self.val_line = self.figure.animated(ax.plot(epochs, base_val, color="C1",
                                                      linestyle="--", label="validation")[0])
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("epoch")
        ax.set_ylabel("accuracy")
        self.title = self.figure.animated(ax.set_title(" "))
        self.figure.animated(ax.legend(loc="lower right", fontsize=8))

    def update(self):
        key = (self.weight_decay.value, self.dropout.value)
        if key not in self.runs:
            self.summary.value = (f"λ = {key[0]:g}, dropout ratio {key[1]:g}: not in the "
                                  "grid that was trained")
            if self.figure:  # not the last run's curves under this summary
                self.figure.clear()
            return
        train, val = self.runs[key]
        base_train, base_val = self.runs[(0.0, 0.0)]
        self.summary.value = (
            f"λ = {key[0]:g}, dropout ratio {key[1]:g}, mean of the last 10 epochs: "
            f"training accuracy <b>{_last(train):.2f}</b>, validation accuracy "
            f"<b>{_last(val):.2f}</b>, gap <b>{_last(train) - _last(val):.2f}</b> "
            f"(without regularisation: {_last(base_train):.2f}, {_last(base_val):.2f}, gap "
            f"{_last(base_train) - _last(base_val):.2f})."
        )
        if self.figure:
            self.train_line.set_ydata(train)
            self.val_line.set_ydata(val)
            self.title.set_text(f"λ = {key[0]:g}, dropout ratio {key[1]:g}")
            self.figure.show()
