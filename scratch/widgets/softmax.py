"""Notebook 04's explorer: how softmax probabilities and the cross-entropy loss follow the logits.

One sample with C classes (3 or 4 sliders): y = softmax(a / T) for logits a and temperature T,
loss = -log y[true class] and its gradient with respect to the logits, (y - t) / T, where t is
the one-hot true class (with T = 1 this is Softmax-with-Loss's y - t for a batch of one).
"""

import ipywidgets as widgets
import numpy as np

from scratch.functions import log_softmax, softmax
from scratch.widgets.base import Explorer


def _fmt(values):
    return ", ".join(f"{v:.3f}" for v in values)


class SoftmaxExplorer(Explorer):
    """Softmax-with-Loss for one sample, driven by sliders.

    Controls: `logits` (a list of C FloatSliders, C = len(logits), 2 to 6), `true_class`
    (Dropdown of 0 .. C-1) and `temperature` (FloatSlider, T > 0). `summary` (HTML) states the
    probabilities y: (C,), the loss -log y[true class] and the gradient (y - t) / T: (C,); `out`
    (Output) shows y as a bar chart with the true class highlighted.
    """

    def __init__(self, logits=(2.0, 1.0, 0.1, -1.0), true_class=0, temperature=1.0,
                 show_plot=True):
        logits = [float(a) for a in logits]
        if not 2 <= len(logits) <= 6:
            raise ValueError(f"SoftmaxExplorer: expected 2 to 6 logits, got {len(logits)}")
        if not 0 <= true_class < len(logits):
            raise ValueError(
                f"SoftmaxExplorer: true_class must be in [0, {len(logits) - 1}], got {true_class}"
            )
        self.logits = [
            widgets.FloatSlider(value=a, min=-10.0, max=10.0, step=0.1, description=f"a[{k}]")
            for k, a in enumerate(logits)
        ]
        self.true_class = widgets.Dropdown(options=list(range(len(logits))), value=true_class,
                                           description="true class")
        self.temperature = widgets.FloatSlider(value=temperature, min=0.1, max=5.0, step=0.1,
                                               description="temperature")
        self._build([*self.logits, self.true_class, self.temperature],
                    layout=[widgets.HBox([widgets.VBox(self.logits),
                                          widgets.VBox([self.true_class, self.temperature])])],
                    figsize=(5, 2.6) if show_plot else None)

    def values(self):
        """(y: (C,) probabilities, loss: float, grad: (C,) = dloss/da) at the current setting."""
        scaled = np.array([s.value for s in self.logits]) / self.temperature.value
        k = self.true_class.value
        y = softmax(scaled)
        # The loss from log_softmax, not log(y): it stays exact (and finite) when y[k] is ~0.
        loss = float(-log_softmax(scaled)[k])
        grad = y.copy()
        grad[k] -= 1.0
        # loss depends on a only through a / T, so the chain rule adds a factor 1 / T.
        return y, loss, grad / self.temperature.value

    def update(self):
        y, loss, grad = self.values()
        k, temp = self.true_class.value, self.temperature.value
        predicted = int(np.argmax(y))
        verdict = "correct" if predicted == k else f"wrong (it predicts class {predicted})"
        self.summary.value = (
            f"T = {temp:.1f}: probabilities y = [{_fmt(y)}]; the true class {k} gets "
            f"p = <b>{y[k]:.4f}</b>, so the loss is -log p = <b>{loss:.4f}</b> and the "
            f"prediction is {verdict}. Gradient of the loss with respect to the logits, "
            f"(y - t) / T = [{_fmt(grad)}]."
        )
        if self.figure:
            self._draw(y, loss, k)

    def setup_figure(self, fig):
        ax = fig.subplots()
        classes = np.arange(len(self.logits))
        # Bars, their numbers and the title change with every slider: all animated.
        self.bars = [self.figure.animated(bar) for bar in ax.bar(classes, np.zeros(len(classes)))]
        self.bar_texts = [self.figure.animated(ax.text(c, 0.02, "", ha="center"))
                          for c in classes]
        self.title = self.figure.animated(ax.set_title(" "))
        ax.set_ylim(0, 1.12)
        ax.set_xticks(classes)
        ax.set_xlabel("class (green: the true one)")
        ax.set_ylabel("softmax probability")

    def _draw(self, y, loss, k):
        for c, (bar, text, p) in enumerate(zip(self.bars, self.bar_texts, y)):
            bar.set_height(p)
            bar.set_color("tab:green" if c == k else "tab:gray")
            text.set_y(p + 0.02)
            text.set_text(f"{p:.2f}")
        self.title.set_text(f"loss = -log y[{k}] = {loss:.3f}")
        self.figure.show()
