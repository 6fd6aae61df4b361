"""A widget for notebook 07: browse digits (there, the validation digits) with a trained
network's predictions."""

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from scratch.functions import softmax
from scratch.widgets.base import Explorer

SHOW = ("all digits", "misclassified only")


def confusion_counts(predicted, t, num_classes):
    """counts: (C, C), counts[i, j] = how many images of true class i were predicted as j."""
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (t, predicted), 1)
    return counts


class PredictionBrowser(Explorer):
    """Step through images with their predicted class probabilities and true labels.

    x: (N, 784) or (N, 1, 28, 28) images; t: (N,) integer labels; probs: (N, C) predicted
    probabilities (rows sum to 1), e.g. `PredictionBrowser.from_network(net, x, t)`.
    Controls: `show` (Dropdown: all digits / misclassified only) and `index` (IntSlider over
    the position in the chosen list). `summary` (HTML) names the image, the prediction with its
    probability and the true label, and how many images share that (true, predicted) pair;
    `out` (Output) shows the image, a bar chart of probs and the confusion matrix of all the
    images (rows: true class, columns: predicted), the current image's cell outlined.
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
        self.confusion = confusion_counts(self.predicted, self.t, self.probs.shape[1])
        self.show = widgets.Dropdown(options=SHOW, value=SHOW[0], description="show")
        self.index = widgets.IntSlider(value=0, min=0, max=len(self.x) - 1,
                                       description="position")
        # A new selection resets the slider: one update for both changes.
        self.show.observe(self._on_show, names="value")
        self._build([self.index], layout=[widgets.HBox([self.show, self.index])],
                    figsize=(9, 2.6) if show_plot else None)

    @classmethod
    def from_network(cls, net, x, t, **kwargs):
        """Predict with `net` (anything with predict(x) -> scores (N, C)) and browse."""
        return cls(x, t, softmax(net.predict(x)), **kwargs)

    def selection(self):
        """Indices of the images the slider runs over (all, or the misclassified ones)."""
        return self.wrong if self.show.value == SHOW[1] else np.arange(len(self.x))

    @classmethod
    def example(cls):
        """Twenty random 'images' with random probabilities (no network or MNIST needed)."""
        rng = np.random.default_rng(0)
        return cls(rng.random((20, 784)), rng.integers(0, 10, 20),
                   rng.dirichlet(np.ones(10), 20))

    def _on_show(self, _change):
        with self.holding():
            self.index.value = 0
            self.index.max = max(len(self.selection()) - 1, 0)

    def update(self):
        chosen = self.selection()
        if len(chosen) == 0:
            self.summary.value = "no misclassified images: every prediction is right"
            if self.figure:
                self.figure.clear()
            return
        pos = min(self.index.value, len(chosen) - 1)
        i = int(chosen[pos])
        pred, label = int(self.predicted[i]), int(self.t[i])
        verdict = "right" if pred == label else "<b>wrong</b>"
        same = int(self.confusion[label, pred])
        self.summary.value = (
            f"image {i} ({pos + 1} of {len(chosen)}): predicted <b>{pred}</b> "
            f"(p = {self.probs[i, pred]:.2f}), true label <b>{label}</b>: {verdict}. "
            f"{same} of the {int(self.confusion[label].sum())} images of a {label} were "
            f"predicted as {pred}."
        )
        if self.figure:
            self.image.set_data(self.x[i])
            self.image.set_clim(self.x[i].min(), self.x[i].max())
            self.image_title.set_text(f"true label {label}")
            for c, bar in enumerate(self.bars):
                bar.set_height(self.probs[i, c])
                bar.set_color("tab:blue" if c != pred else
                              "tab:green" if pred == label else "tab:red")
            self.cell.set_xy((pred - 0.5, label - 0.5))
            self.figure.show()

    def setup_figure(self, fig):
        ax_img, ax_bar, ax_conf = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 2, 1.3]})
        # The image, its title and the bars change with the slider; the axes stay.
        self.image = self.figure.animated(ax_img.imshow(self.x[0], cmap="gray_r"))
        self.image_title = self.figure.animated(ax_img.set_title(" "))
        ax_img.axis("off")
        classes = np.arange(self.probs.shape[1])
        self.bars = [self.figure.animated(bar) for bar in ax_bar.bar(classes, self.probs[0])]
        ax_bar.set_xticks(classes)
        ax_bar.set_ylim(0, 1)
        ax_bar.set_xlabel("class")
        ax_bar.set_ylabel("probability")
        # The confusion matrix is background; only the outline of the current cell moves.
        ax_conf.imshow(np.log1p(self.confusion), cmap="Blues")
        ax_conf.set_xticks(classes)
        ax_conf.set_yticks(classes)
        ax_conf.tick_params(labelsize=7)
        ax_conf.set_xlabel("predicted")
        ax_conf.set_ylabel("true")
        ax_conf.set_title("confusion matrix", fontsize=9)
        self.cell = self.figure.animated(
            ax_conf.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, ec="tab:red", lw=2)))
