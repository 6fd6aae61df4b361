"""A first widget for notebook 00: browse the MNIST sample with a slider."""

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from scratch.widgets import show_in


class DigitViewer:
    """Pick an image of x: (N, 784) or (N, 1, 28, 28) with labels t: (N,) by its index.

    Controls: `index` (IntSlider). `summary` (HTML) names the index, its label and its ink
    (the fraction of pixels above 0.5); `out` (Output) shows the image.
    """

    def __init__(self, x, t, index=0, show_image=True):
        self.x = np.asarray(x).reshape(len(x), 28, 28)
        self.t = np.asarray(t)
        if len(self.t) != len(self.x):
            raise ValueError(f"DigitViewer: {len(self.x)} images but {len(self.t)} labels")
        self.show_image = show_image
        self.index = widgets.IntSlider(value=index, min=0, max=len(self.x) - 1,
                                       description="image", continuous_update=False)
        self.summary = widgets.HTML()
        self.out = widgets.Output()
        self.index.observe(lambda _: self.update(), names="value")
        self.widget = widgets.VBox([self.index, self.summary, self.out])
        self.update()

    def update(self):
        i = self.index.value
        image = self.x[i]
        ink = float(np.mean(image > 0.5 * image.max())) if image.max() > 0 else 0.0
        self.summary.value = f"image {i}: label <b>{int(self.t[i])}</b>, ink {ink:.0%}"
        if self.show_image:
            fig = Figure(figsize=(2, 2))
            ax = fig.subplots()
            ax.imshow(image, cmap="gray_r")
            ax.set_title(f"label {int(self.t[i])}")
            ax.axis("off")
            show_in(self.out, fig)
