"""Notebook 06's explorer: a network's layer stack, with the shape of every array that flows
through it in forward and backward.

The shapes are not worked out by formula: `layer_stack` builds the layers of `scratch.layers`
for the chosen sizes, runs one forward and one backward pass on a batch of zeros-and-noise,
and records the shape of every input, output, parameter and gradient it sees.
"""

from collections import OrderedDict

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from scratch.layers import Affine, Relu, Sigmoid, SoftmaxWithLoss
from scratch.validation import check_choice
from scratch.widgets import show_in

ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid}


def layer_stack(input_size, hidden_size_list, output_size, activation="relu", batch_size=100):
    """Run Affine -> activation -> ... -> Affine -> SoftmaxWithLoss once, forward and backward.

    Returns a list with one dict per layer, in forward order, each with `name`, `x` and `out`
    (forward shapes), `dout` and `dx` (backward shapes), and `params` / `grads`
    ({'W': shape, 'b': shape} and {'dW': ..., 'db': ...}, empty for layers without parameters).
    The last entry is the SoftmaxWithLoss layer, whose out is the scalar loss ().
    """
    check_choice(activation, sorted(ACTIVATIONS), "layer_stack", "activation")
    sizes = [input_size, *hidden_size_list, output_size]
    rng = np.random.default_rng(0)
    layers = OrderedDict()
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:]), start=1):
        W = rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)
        layers[f"Affine{i}"] = Affine(W, np.zeros(fan_out))
        if i < len(sizes) - 1:
            layers[f"{activation.title()}{i}"] = ACTIVATIONS[activation]()
    layers["SoftmaxWithLoss"] = SoftmaxWithLoss()
    rows = [{"name": name} for name in layers]
    a = rng.standard_normal((batch_size, input_size))
    labels = rng.integers(0, output_size, size=batch_size)
    for row, layer in zip(rows, layers.values()):
        row["x"] = a.shape
        a = layer.forward(a, labels) if isinstance(layer, SoftmaxWithLoss) else layer.forward(a)
        row["out"] = np.shape(a)
    dout = 1.0
    for row, layer in zip(reversed(rows), reversed(layers.values())):
        row["dout"] = np.shape(dout)
        dout = layer.backward(dout)
        row["dx"] = np.shape(dout)
        row["params"] = {k: v.shape for k, v in layer.params.items()}
        row["grads"] = {"d" + k: v.shape for k, v in layer.grads.items()}
    return rows


def _shape(shape):
    return "scalar" if shape == () else str(tuple(shape))


class LayerStackExplorer:
    """The layer stack of an MNIST-sized network (D = 784 inputs, C = 10 classes).

    Controls: `depth` (IntSlider, the number of hidden layers), `width` (IntSlider, H units in
    every hidden layer), `activation` (Dropdown 'relu' / 'sigmoid'). `summary` (HTML) gives the
    sizes, the number of parameters and the multiply-adds of one training step; `out` (Output)
    draws the stack: forward shapes on the left (top to bottom), backward on the right.
    """

    def __init__(self, depth=1, width=50, activation="relu", batch_size=100, input_size=784,
                 output_size=10, show_plot=True):
        self.batch_size, self.input_size, self.output_size = batch_size, input_size, output_size
        self.show_plot = show_plot
        self.depth = widgets.IntSlider(value=depth, min=1, max=4, description="hidden layers",
                                       continuous_update=False)
        self.width = widgets.IntSlider(value=width, min=10, max=200, step=10,
                                       description="width H", continuous_update=False)
        self.activation = widgets.Dropdown(options=sorted(ACTIVATIONS), value=activation,
                                           description="activation")
        self.summary = widgets.HTML()
        self.out = widgets.Output()
        self.figure = None
        for control in (self.depth, self.width, self.activation):
            control.observe(lambda _: self.update(), names="value")
        self.widget = widgets.VBox([
            widgets.HBox([self.depth, self.width, self.activation]), self.summary, self.out,
        ])
        self.update()

    def sizes(self):
        """[D, H, ..., H, C] for the current controls."""
        return [self.input_size, *[self.width.value] * self.depth.value, self.output_size]

    def update(self):
        sizes = self.sizes()
        rows = layer_stack(sizes[0], sizes[1:-1], sizes[-1], self.activation.value,
                           self.batch_size)
        weights = [a * b for a, b in zip(sizes, sizes[1:])]
        n_params = sum(weights) + sum(sizes[1:])
        names = " → ".join(row["name"] for row in rows)
        # Each Affine does N * D * M multiply-adds forward, and the same again for dW and for dx,
        # except that nobody needs the first layer's dx (scratch.nets skips it).
        madds = self.batch_size * (3 * sum(weights) - weights[0])
        self.summary.value = (
            f"Sizes {' → '.join(map(str, sizes))}: {names}. "
            f"<b>{n_params:,}</b> parameters in {len(sizes) - 1} Affine layers; one training "
            f"step on a batch of N = {self.batch_size} takes about <b>{madds / 1e6:.1f} million"
            f"</b> multiply-adds (forward, then dW and, after the first layer, dx in backward)."
        )
        if self.show_plot:
            self._draw(rows)

    def _draw(self, rows):
        fig = Figure(figsize=(7.2, 0.42 * len(rows) + 0.7), dpi=72)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, 1)
        ax.set_ylim(len(rows) + 0.1, -1.3)
        ax.axis("off")
        ax.text(0.12, -1.0, "forward ↓", ha="center", weight="bold", color="tab:blue")
        ax.text(0.9, -1.0, "backward ↑", ha="center", weight="bold", color="tab:red")
        for y, row in enumerate(rows):
            label = row["name"] + "".join(f"  {k} {_shape(s)}" for k, s in row["params"].items())
            ax.text(0.42, y, label, ha="center", va="center", fontsize=9,
                    bbox={"boxstyle": "round", "fc": "#dbe9f6" if row["params"] else "#eeeeee"})
            if row["grads"]:
                grads = "  ".join(f"{k} {_shape(s)}" for k, s in row["grads"].items())
                ax.text(0.66, y, grads, ha="left", va="center", fontsize=8, color="tab:red")
            # Between two layers flows one array: out of the upper = x of the lower, and on the
            # way back dx of the lower = dout of the upper.
            above = "x" if y == 0 else "↓"
            below = "dx" if y == 0 else "↑"
            ax.text(0.12, y - 0.5, f"{above} {_shape(row['x'])}", ha="center", va="center",
                    fontsize=8, color="tab:blue")
            ax.text(0.9, y - 0.5, f"{below} {_shape(row['dx'])}", ha="center", va="center",
                    fontsize=8, color="tab:red")
        last = rows[-1]
        ax.text(0.12, len(rows) - 0.5, f"loss: {_shape(last['out'])}", ha="center",
                va="center", fontsize=8, color="tab:blue")
        ax.text(0.9, len(rows) - 0.5, f"dout = 1 ({_shape(last['dout'])})", ha="center",
                va="center", fontsize=8, color="tab:red")
        self.figure = fig  # kept for tests, which read the drawn texts
        show_in(self.out, fig)
