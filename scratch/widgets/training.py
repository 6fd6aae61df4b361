"""A widget for notebook 07: browse test digits with a trained network's predictions."""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from scratch.functions import softmax
from scratch.widgets import show_in

SHOW = ("all digits", "misclassified only")


class PredictionBrowser:
    """Step through images with their predicted class probabilities and true labels.

    x: (N, 784) or (N, 1, 28, 28) images; t: (N,) integer labels; probs: (N, C) predicted
    probabilities (rows sum to 1), e.g. `PredictionBrowser.from_network(net, x, t)`.
    Controls: `show` (Dropdown: all digits / misclassified only) and `index` (IntSlider over
    the position in the chosen list). `summary` (HTML) names the image, the prediction with its
    probability and the true label; `out` (Output) shows the image and a bar chart of probs.
    """

    def __init__(self, x, t, probs, show_plot=True):
        self.x = np.asarray(x).reshape(len(x), 28, 28)
        self.t = np.asarray(t)
        self.probs = np.asarray(probs)
        if not len(self.x) == len(self.t) == len(self.probs):
            raise ValueError(
                f"PredictionBrowser: x, t and probs must have one row per image, got "
                f"{len(self.x)}, {len(self.t)} and {len(self.probs)}"
            )
        if self.t.ndim != 1 or self.probs.ndim != 2:
            raise ValueError(
                f"PredictionBrowser: expected t: (N,) labels and probs: (N, C), got shapes "
                f"{self.t.shape} and {self.probs.shape}"
            )
        self.predicted = self.probs.argmax(axis=1)
        self.wrong = np.flatnonzero(self.predicted != self.t)
        self.show_plot = show_plot
        self.show = widgets.Dropdown(options=SHOW, value=SHOW[0], description="show")
        self.index = widgets.IntSlider(value=0, min=0, max=len(self.x) - 1,
                                       description="position", continuous_update=False)
        self.summary = widgets.HTML()
        self.out = widgets.Output()
        self.show.observe(self._on_show, names="value")
        self._switching = False
        self.index.observe(self._on_index, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.show, self.index]), self.summary,
                                    self.out])
        self.update()

    @classmethod
    def from_network(cls, net, x, t, **kwargs):
        """Predict with `net` (anything with predict(x) -> scores (N, C)) and browse."""
        return cls(x, t, softmax(net.predict(x)), **kwargs)

    def selection(self):
        """Indices of the images the slider runs over (all, or the misclassified ones)."""
        return self.wrong if self.show.value == SHOW[1] else np.arange(len(self.x))

    def _on_show(self, _change):
        # Resetting the slider fires its observer; draw once, after both changes.
        self._switching = True
        try:
            self.index.value = 0
            self.index.max = max(len(self.selection()) - 1, 0)
        finally:
            self._switching = False
        self.update()

    def _on_index(self, _change):
        if not self._switching:
            self.update()

    def update(self):
        chosen = self.selection()
        if len(chosen) == 0:
            self.summary.value = "no misclassified images: every prediction is right"
            self.out.outputs = ()
            return
        pos = min(self.index.value, len(chosen) - 1)
        i = int(chosen[pos])
        pred, label = int(self.predicted[i]), int(self.t[i])
        verdict = "right" if pred == label else "<b>wrong</b>"
        self.summary.value = (
            f"image {i} ({pos + 1} of {len(chosen)}): predicted <b>{pred}</b> "
            f"(p = {self.probs[i, pred]:.2f}), true label <b>{label}</b>: {verdict}"
        )
        if self.show_plot:
            fig = Figure(figsize=(6, 2.2))
            ax_img, ax_bar = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 2]})
            ax_img.imshow(self.x[i], cmap="gray_r")
            ax_img.set_title(f"true label {label}")
            ax_img.axis("off")
            colors = ["tab:blue"] * self.probs.shape[1]
            colors[pred] = "tab:green" if pred == label else "tab:red"
            ax_bar.bar(np.arange(self.probs.shape[1]), self.probs[i], color=colors)
            ax_bar.set_xticks(np.arange(self.probs.shape[1]))
            ax_bar.set_ylim(0, 1)
            ax_bar.set_xlabel("class")
            ax_bar.set_ylabel("probability")
            fig.tight_layout()
            show_in(self.out, fig)
