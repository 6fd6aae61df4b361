"""Notebook 10's explorer: training with and without batch normalisation, for one weight scale.

The runs are trained in the notebook (the book's section 6.3.2 experiment) and handed over as
a dict; the explorer only shows them, so it answers at once.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from scratch.widgets import show_in


class BatchNormComparison:
    """Train accuracy per epoch with and without batch norm, for the chosen weight scale.

    results: {weight scale: {"batch norm": [accuracy per epoch], "plain": [...] or None}};
    None stands for a run that diverged (its forward pass overflowed). Control: `scale`
    (SelectionSlider over the scales). `summary` (HTML) gives both final accuracies; `out`
    (Output) draws both curves.
    """

    def __init__(self, results, show_plot=True):
        self.results, self.show_plot = results, show_plot
        scales = sorted(results, reverse=True)
        self.scale = widgets.SelectionSlider(options=[(f"{s:g}", s) for s in scales],
                                             value=scales[len(scales) // 2],
                                             description="weight std", continuous_update=False)
        self.summary = widgets.HTML()
        self.out = widgets.Output()
        self.figure = None
        self.scale.observe(lambda _: self.update(), names="value")
        self.widget = widgets.VBox([self.scale, self.summary, self.out])
        self.update()

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
        if self.show_plot:
            self._draw(runs)

    def _draw(self, runs):
        fig = Figure(figsize=(5.5, 3), dpi=72)
        ax = fig.subplots()
        for label, style in (("batch norm", "-"), ("plain", "--")):
            curve = runs[label]
            if curve is None:
                ax.plot([], [], style, label=f"{label}: diverged")
                continue
            ax.plot(np.arange(1, len(curve) + 1), curve, style, label=label)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("epoch")
        ax.set_ylabel("train accuracy")
        ax.set_title(f"weight std {self.scale.value:g}")
        ax.legend(loc="lower right")
        fig.subplots_adjust(left=0.14, right=0.97, bottom=0.16, top=0.88)
        self.figure = fig
        show_in(self.out, fig)
