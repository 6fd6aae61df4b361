"""Notebook 10's explorer: training with and without batch normalisation, for one weight scale.

The runs are trained in the notebook (the book's section 6.3.2 experiment) and handed over as
a dict; the explorer only shows them, so it answers at once.
"""

import ipywidgets as widgets
import numpy as np

from scratch.widgets.base import Explorer

LABELS = ("batch norm", "plain")


class BatchNormComparison(Explorer):
    """Train accuracy per epoch with and without batch norm, for the chosen weight scale.

    results: {weight scale: {"batch norm": [accuracy per epoch], "plain": [...] or None}};
    None stands for a run that diverged (its forward pass overflowed). Control: `scale`
    (SelectionSlider over the scales). `summary` (HTML) gives both final accuracies; `out`
    (Output) draws both curves.
    """

    def __init__(self, results, show_plot=True):
        self.results = results
        scales = sorted(results, reverse=True)
        self.epochs = max(len(curve) for runs in results.values() for curve in runs.values()
                          if curve is not None)
        self.scale = widgets.SelectionSlider(options=[(f"{s:g}", s) for s in scales],
                                             value=scales[len(scales) // 2],
                                             description="weight std")
        self._build([self.scale], figsize=(5.5, 3) if show_plot else None)

    @classmethod
    def example(cls):
        curve = list(np.linspace(0.2, 0.9, 5))
        return cls({1.0: {"batch norm": curve, "plain": None},
                    0.01: {"batch norm": curve, "plain": [0.1] * 5}})

    def setup_figure(self, fig):
        ax = fig.subplots()
        self.lines = {label: self.figure.animated(ax.plot([], [], style, label=label)[0])
                      for label, style in zip(LABELS, ("-", "--"))}
        ax.set_xlim(0.5, self.epochs + 0.5)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("epoch")
        ax.set_ylabel("train accuracy")
        self.legend = self.figure.animated(ax.legend(loc="lower right"))
        self.title = self.figure.animated(ax.set_title(" "))

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
        if self.figure:
            for label, line in self.lines.items():
                curve = runs[label] if runs[label] is not None else []
                line.set_data(np.arange(1, len(curve) + 1), curve)
            diverged = [label for label in LABELS if runs[label] is None]
            self.title.set_text(f"weight std {self.scale.value:g}"
                                + "".join(f" ({label}: diverged)" for label in diverged))
            self.figure.show()
