"""A first widget for notebook 00: browse the MNIST sample with a slider."""

import ipywidgets as widgets
import numpy as np

from scratch.widgets.base import Explorer


class DigitViewer(Explorer):
    """Pick an image of x: (N, 784) or (N, 1, 28, 28) with labels t: (N,) by its index.

    Controls: `index` (IntSlider). `summary` (HTML) names the index, its label and its ink
    (the fraction of pixels above half the image's brightest); `out` (Output) shows the image.
    """

    def __init__(self, x, t, index=0, show_plot=True):
        self.x = np.asarray(x).reshape(len(x), 28, 28)
        self.t = np.asarray(t)
        if len(self.t) != len(self.x):
            raise ValueError(f"DigitViewer: {len(self.x)} images but {len(self.t)} labels")
        self.index = widgets.IntSlider(value=index, min=0, max=len(self.x) - 1,
                                       description="image")
        self._build([self.index], layout=[self.index], figsize=(2, 2) if show_plot else None)

    @classmethod
    def example(cls):
        """Twenty random 'images' (no MNIST download needed)."""
        rng = np.random.default_rng(0)
        return cls(rng.random((20, 784)), rng.integers(0, 10, 20))

    def setup_figure(self, fig):
        ax = fig.subplots()
        # The image and its title change with the slider; the axes stay.
        self.image = self.figure.animated(ax.imshow(self.x[0], cmap="gray_r"))
        self.title = self.figure.animated(ax.set_title(" "))
        ax.axis("off")

    def update(self):
        i = self.index.value
        image = self.x[i]
        ink = float(np.mean(image > 0.5 * image.max())) if image.max() > 0 else 0.0
        self.summary.value = f"image {i}: label <b>{int(self.t[i])}</b>, ink {ink:.0%}"
        if self.figure:
            self.image.set_data(image)
            # imshow fixed the colour scale on the first image; every image gets its own.
            self.image.set_clim(image.min(), image.max())
            self.title.set_text(f"label {int(self.t[i])}")
            self.figure.show()
