"""Notebook 04's explorer: how softmax probabilities and the cross-entropy loss follow the logits.

One sample with C classes (3 or 4 sliders): y = softmax(a / T) for logits a and temperature T,
loss = -log y[true class] and its gradient with respect to the logits, (y - t) / T, where t is
the one-hot true class (with T = 1 this is Softmax-with-Loss's y - t for a batch of one).
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from scratch.functions import log_softmax, softmax
from scratch.widgets import show_in


def _fmt(values):
    return ", ".join(f"{v:.3f}" for v in values)


class SoftmaxExplorer:
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
        self.show_plot = show_plot
        self.logits = [
            widgets.FloatSlider(value=a, min=-10.0, max=10.0, step=0.1, description=f"a[{k}]",
                                continuous_update=False)
            for k, a in enumerate(logits)
        ]
        self.true_class = widgets.Dropdown(options=list(range(len(logits))), value=true_class,
                                           description="true class")
        self.temperature = widgets.FloatSlider(value=temperature, min=0.1, max=5.0, step=0.1,
                                               description="temperature",
                                               continuous_update=False)
        self.summary = widgets.HTML()
        self.out = widgets.Output()
        for control in (*self.logits, self.true_class, self.temperature):
            control.observe(lambda _: self.update(), names="value")
        self.widget = widgets.VBox([
            widgets.HBox([widgets.VBox(self.logits),
                          widgets.VBox([self.true_class, self.temperature])]),
            self.summary, self.out,
        ])
        self.update()

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
        if self.show_plot:
            self._draw(y, loss, k)

    def _draw(self, y, loss, k):
        classes = np.arange(len(y))
        fig = Figure(figsize=(5, 2.6))
        ax = fig.subplots()
        colors = ["tab:green" if c == k else "tab:gray" for c in classes]
        ax.bar(classes, y, color=colors)
        for c, p in zip(classes, y):
            ax.text(c, p + 0.02, f"{p:.2f}", ha="center")
        ax.set_ylim(0, 1.12)
        ax.set_xticks(classes)
        ax.set_xlabel("class (green: the true one)")
        ax.set_ylabel("softmax probability")
        ax.set_title(f"loss = -log y[{k}] = {loss:.3f}")
        fig.tight_layout()
        show_in(self.out, fig)
