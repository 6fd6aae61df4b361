"""Notebook 10's explorer: training with and without batch normalisation, for one weight scale.

The runs are trained in the notebook (the book's section 6.3.2 experiment) and handed over as
a dict, and so are (optionally) the sizes of the hidden layers' activations at the initial
weights; the explorer only shows them, so it answers at once.
"""

import ipywidgets as widgets
import numpy as np

from scratch.widgets.base import Explorer

LABELS = ("batch norm", "plain")


class BatchNormComparison(Explorer):
    """Train accuracy per epoch with and without batch norm, for the chosen weight scale, and
    beside it the root mean square of every hidden layer's output at the initial weights.

    results: {weight scale: {"batch norm": [accuracy per epoch], "plain": [...] or None}};
    None stands for a run that diverged (its forward pass overflowed).
    activations: None, or {weight scale: {"batch norm": [RMS of hidden layer 1, 2, ...],
    "plain": [...]}}, drawn on a log scale in a second panel.
    Control: `scale` (SelectionSlider over the scales), which drives both panels. `summary`
    (HTML) gives both final accuracies (and the last hidden layer's RMS); `out` (Output) draws
    the curves.
    """

    def __init__(self, results, activations=None, show_plot=True):
        self.results, self.activations = results, activations
        scales = sorted(results, reverse=True)
        self.epochs = max(len(curve) for runs in results.values() for curve in runs.values()
                          if curve is not None)
        self.scale = widgets.SelectionSlider(options=[(f"{s:g}", s) for s in scales],
                                             value=scales[len(scales) // 2],
                                             description="weight std")
        size = (5.5, 3) if activations is None else (10, 3)
        self._build([self.scale], figsize=size if show_plot else None)

    @classmethod
    def example(cls):
        curve = list(np.linspace(0.2, 0.9, 5))
        return cls({1.0: {"batch norm": curve, "plain": None},
                    0.01: {"batch norm": curve, "plain": [0.1] * 5}},
                   {1.0: {"batch norm": [0.7] * 3, "plain": [10.0, 100.0, 1000.0]},
                    0.01: {"batch norm": [0.7] * 3, "plain": [0.1, 0.01, 0.001]}})

    def setup_figure(self, fig):
        axes = fig.subplots(1, 1 if self.activations is None else 2, squeeze=False)[0]
        ax = axes[0]
        self.lines = {label: self.figure.animated(ax.plot([], [], style, label=label)[0])
                      for label, style in zip(LABELS, ("-", "--"))}
        ax.set_xlim(0.5, self.epochs + 0.5)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("epoch")
        ax.set_ylabel("train accuracy")
        self.legend = self.figure.animated(ax.legend(loc="lower right"))
        self.title = self.figure.animated(ax.set_title(" "))
        if self.activations is None:
            return
        ax = axes[1]
        values = [v for runs in self.activations.values() for rms in runs.values() for v in rms]
        layers = max(len(rms) for runs in self.activations.values() for rms in runs.values())
        self.rms_lines = {label: self.figure.animated(
            ax.plot([], [], style + "o", label=label)[0])
            for label, style in zip(LABELS, ("-", "--"))}
        ax.set_yscale("log")
        ax.set_xlim(0.5, layers + 0.5)
        ax.set_ylim(min(values) / 2, max(values) * 2)  # one scale for every weight std
        ax.set_xticks(range(1, layers + 1))
        ax.set_xlabel("hidden layer")
        ax.set_ylabel("RMS of its output")
        ax.set_title("at the initial weights", fontsize=10)
        self.rms_legend = self.figure.animated(ax.legend(loc="lower left", fontsize=8))

    @staticmethod
    def _describe(curve):
        return "diverged (overflow)" if curve is None else f"{curve[-1]:.3f}"

    def update(self):
        runs = self.results[self.scale.value]
        self.summary.value = (
            f"Weights of std {self.scale.value:g}: final train accuracy with batch norm "
            f"<b>{self._describe(runs['batch norm'])}</b>, without "
            f"<b>{self._describe(runs['plain'])}</b>."
        )
        if self.activations is not None:
            rms = self.activations[self.scale.value]
            self.summary.value += (
                f" At the initial weights the last hidden layer's output has root mean square "
                f"<b>{rms['batch norm'][-1]:.3g}</b> with batch norm, "
                f"<b>{rms['plain'][-1]:.3g}</b> without.")
        if self.figure:
            for label, line in self.lines.items():
                curve = runs[label] if runs[label] is not None else []
                line.set_data(np.arange(1, len(curve) + 1), curve)
            diverged = [label for label in LABELS if runs[label] is None]
            self.title.set_text(f"weight std {self.scale.value:g}"
                                + "".join(f" ({label}: diverged)" for label in diverged))
            if self.activations is not None:
                for label, line in self.rms_lines.items():
                    values = self.activations[self.scale.value][label]
                    line.set_data(np.arange(1, len(values) + 1), values)
            self.figure.show()
