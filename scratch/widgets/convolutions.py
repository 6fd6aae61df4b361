"""Notebook 12's explorer: one trained filter slid over one digit, and which pixels one output
(or one pixel's gradient) involves.

Stride 1 and no padding, as in the book's SimpleConvNet: output (y, x) of filter f is the
window of rows y..y+FH-1 and columns x..x+FW-1 times W[f], plus b[f], and input pixel (r, c)
lies in the windows of outputs y = r-FH+1..r, x = c-FW+1..c (those inside the map).
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from scratch.widgets.base import Explorer

SHOW = ("one output", "one pixel's gradient")


def feature_map(image, kernel, bias=0.0):
    """image: (H, W), kernel: (FH, FW) -> (H-FH+1, W-FW+1): every window times the kernel."""
    fh, fw = kernel.shape
    windows = np.lib.stride_tricks.sliding_window_view(image, (fh, fw))  # (OH, OW, FH, FW)
    return np.tensordot(windows, kernel, axes=([2, 3], [0, 1])) + bias


class ConvolutionExplorer(Explorer):
    """A digit, a filter and its feature map; one output's window or one pixel's windows.

    x: (N, 1, H, W) images; t: (N,) labels; W: (FN, 1, FH, FW) filters; b: (FN,) biases.
    Controls: `image` and `filter` (IntSliders), `show` (ToggleButtons: one output / one
    pixel's gradient), `row` and `col` (IntSliders: an output position, or an input pixel).
    `summary` (HTML) gives the output's value, or how many windows contain the pixel and the
    sum of the filter weights its gradient collects when dout is 1 everywhere; `out` (Output)
    draws the digit, the filter and the feature map with the window(s) framed.
    """

    def __init__(self, x, t, W, b, show_plot=True):
        self.x = np.asarray(x, dtype=np.float64)
        self.t, self.W, self.b = np.asarray(t), np.asarray(W, np.float64), np.asarray(b)
        if self.x.ndim != 4 or self.x.shape[1] != 1 or self.W.ndim != 4 or self.W.shape[1] != 1:
            raise ValueError(f"ConvolutionExplorer: expected x: (N, 1, H, W) and W: (FN, 1, FH, "
                             f"FW), got {self.x.shape} and {self.W.shape}")
        _, _, self.h, self.w = self.x.shape
        _, _, self.fh, self.fw = self.W.shape
        self.oh, self.ow = self.h - self.fh + 1, self.w - self.fw + 1
        self.image = widgets.IntSlider(value=0, min=0, max=len(self.x) - 1, description="digit")
        self.filter = widgets.IntSlider(value=0, min=0, max=len(self.W) - 1,
                                        description="filter")
        self.show = widgets.ToggleButtons(options=SHOW, value=SHOW[0], description="show")
        self.row = widgets.IntSlider(value=self.oh // 2, min=0, max=self.oh - 1,
                                     description="row")
        self.col = widgets.IntSlider(value=self.ow // 2, min=0, max=self.ow - 1,
                                     description="column")
        self.show.observe(self._on_show, names="value")
        layout = [widgets.HBox([self.image, self.filter]), self.show,
                  widgets.HBox([self.row, self.col])]
        self._build([self.image, self.filter, self.row, self.col], layout=layout,
                    figsize=(8, 2.8) if show_plot else None)

    @classmethod
    def example(cls):
        rng = np.random.default_rng(0)
        return cls(rng.random((5, 1, 10, 10)), rng.integers(0, 10, 5),
                   rng.standard_normal((4, 1, 3, 3)), rng.standard_normal(4))

    def _on_show(self, _change):
        # The sliders name an output (OH x OW of them) or an input pixel (H x W): one update.
        with self.holding():
            pixels = self.show.value == SHOW[1]
            self.row.max = (self.h if pixels else self.oh) - 1
            self.col.max = (self.w if pixels else self.ow) - 1

    def windows_of_pixel(self, r, c):
        """The outputs whose windows contain input pixel (r, c): rows y0..y1, columns x0..x1."""
        return (max(r - self.fh + 1, 0), min(r, self.oh - 1),
                max(c - self.fw + 1, 0), min(c, self.ow - 1))

    def update(self):
        i, f, r, c = self.image.value, self.filter.value, self.row.value, self.col.value
        kernel = self.W[f, 0]
        fmap = feature_map(self.x[i, 0], kernel, self.b[f])
        if self.show.value == SHOW[0]:
            r, c = min(r, self.oh - 1), min(c, self.ow - 1)
            self.summary.value = (
                f"Output ({r}, {c}) of filter {f}: the {self.fh * self.fw} products of the "
                f"window (rows {r}&ndash;{r + self.fh - 1}, columns {c}&ndash;{c + self.fw - 1}) "
                f"and the filter, plus its bias, = <b>{fmap[r, c]:.3f}</b>.")
            digit_box = (c - 0.5, r - 0.5, self.fw, self.fh)
            map_box = (c - 0.5, r - 0.5, 1, 1)
        else:
            y0, y1, x0, x1 = self.windows_of_pixel(r, c)
            count = (y1 - y0 + 1) * (x1 - x0 + 1)
            # With dout = 1 at every output, dx[r, c] = sum of W[f, r - y, c - x] over the
            # windows that contain the pixel: the filter entries that lie on it.
            collected = kernel[r - y1:r - y0 + 1, c - x1:c - x0 + 1].sum()
            self.summary.value = (
                f"Input pixel ({r}, {c}) lies in <b>{count}</b> windows (outputs in rows "
                f"{y0}&ndash;{y1}, columns {x0}&ndash;{x1}): its dx is the sum of {count} terms "
                f"dout[y, x] &middot; W[f, {r}&minus;y, {c}&minus;x]; with dout = 1 everywhere, "
                f"dx = <b>{collected:.3f}</b>.")
            digit_box = (c - 0.5, r - 0.5, 1, 1)
            map_box = (x0 - 0.5, y0 - 0.5, x1 - x0 + 1, y1 - y0 + 1)
        if self.figure:
            self.digit.set_data(self.x[i, 0])
            self.digit.set_clim(self.x[i, 0].min(), self.x[i, 0].max())
            self.digit_title.set_text(f"digit {i} (label {int(self.t[i])})")
            bound = max(np.abs(kernel).max(), 1e-12)
            self.kernel.set_data(kernel)
            self.kernel.set_clim(-bound, bound)
            self.kernel_title.set_text(f"filter {f}")
            self.map.set_data(fmap)
            self.map.set_clim(fmap.min(), fmap.max())
            for box, (x, y, width, height) in ((self.digit_box, digit_box),
                                               (self.map_box, map_box)):
                box.set_bounds(x, y, width, height)
            self.figure.show(key=(i, f))

    def setup_figure(self, fig):
        ax_digit, ax_kernel, ax_map = fig.subplots(
            1, 3, gridspec_kw={"width_ratios": [self.w, self.fw * 2, self.ow]})
        # The digit, the filter and the map are the background, drawn again only for a new
        # (digit, filter): moving the row or the column redraws just the two frames.
        self.digit = ax_digit.imshow(self.x[0, 0], cmap="gray_r")
        self.digit_title = ax_digit.set_title(" ", fontsize=9)
        self.kernel = ax_kernel.imshow(self.W[0, 0], cmap="RdBu_r")
        self.kernel_title = ax_kernel.set_title(" ", fontsize=9)
        self.map = ax_map.imshow(np.zeros((self.oh, self.ow)), cmap="gray_r")
        ax_map.set_title("feature map", fontsize=9)
        self.digit_box = self.figure.animated(ax_digit.add_patch(
            Rectangle((0, 0), 1, 1, fill=False, ec="tab:red", lw=1.5)))
        self.map_box = self.figure.animated(ax_map.add_patch(
            Rectangle((0, 0), 1, 1, fill=False, ec="tab:red", lw=1.5)))
        for ax in (ax_digit, ax_kernel, ax_map):
            ax.set_xticks([])
            ax.set_yticks([])
