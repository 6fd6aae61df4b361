"""Notebook 06's explorer: a network's layer stack, with the shape of every array that flows
through it in forward and backward.

The shapes are not worked out by formula: `layer_stack` builds the layers of `scratch.layers`
for the chosen sizes, runs one forward and one backward pass on a batch of zeros-and-noise,
and records the shape of every input, output, parameter and gradient it sees.
"""

from collections import OrderedDict

import ipywidgets as widgets
import numpy as np

from scratch.layers import Affine, Relu, Sigmoid, SoftmaxWithLoss
from scratch.validation import check_choice
from scratch.widgets.base import Explorer

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


class LayerStackExplorer(Explorer):
    """The layer stack of an MNIST-sized network (D = 784 inputs, C = 10 classes).

    Controls: `depth` (IntSlider, the number of hidden layers), `width` (IntSlider, H units in
    every hidden layer), `activation` (Dropdown 'relu' / 'sigmoid'). `summary` (HTML) gives the
    sizes, the number of parameters and the multiply-adds of one training step; `out` (Output)
    draws the stack: forward shapes on the left (top to bottom), backward on the right.
    """

    MAX_DEPTH = 4

    def __init__(self, depth=1, width=50, activation="relu", batch_size=100, input_size=784,
                 output_size=10, show_plot=True):
        self.batch_size, self.input_size, self.output_size = batch_size, input_size, output_size
        self.depth = widgets.IntSlider(value=depth, min=1, max=self.MAX_DEPTH,
                                       description="hidden layers")
        self.width = widgets.IntSlider(value=width, min=10, max=200, step=10,
                                       description="width H")
        self.activation = widgets.Dropdown(options=sorted(ACTIVATIONS), value=activation,
                                           description="activation")
        rows = 2 * self.MAX_DEPTH + 2  # Affine, activation per hidden layer; Affine; the loss
        self._build([self.depth, self.width, self.activation],
                    figsize=(7.2, 0.42 * rows + 0.7) if show_plot else None,
                    figure_layout="none")

    def sizes(self):
        """[D, H, ..., H, C] for the current controls."""
        return [self.input_size, *[self.width.value] * self.depth.value, self.output_size]

    def setup_figure(self, fig):
        ax = fig.add_axes((0, 0, 1, 1))
        rows = 2 * self.MAX_DEPTH + 2
        ax.set_xlim(0, 1)
        ax.set_ylim(rows + 0.1, -1.3)
        ax.axis("off")
        ax.text(0.12, -1.0, "forward ↓", ha="center", weight="bold", color="tab:blue", fontsize=11)
        ax.text(0.9, -1.0, "backward ↑", ha="center", weight="bold", color="tab:red", fontsize=11)
        ax.text(0.5, rows, " ", ha="center")  # the lowest row, so that the image has room for it

        def text(x, ha="center", **kwargs):
            return self.figure.animated(ax.text(x, 0, "", ha=ha, va="center", **kwargs))

        # One set of texts per row, filled in (or hidden) by update.
        self.boxes = [text(0.42, fontsize=9, bbox={"boxstyle": "round", "fc": "#eeeeee"})
                      for _ in range(rows)]
        self.grad_texts = [text(0.66, ha="left", fontsize=8, color="tab:red") for _ in range(rows)]
        self.forward_texts = [text(0.12, fontsize=8, color="tab:blue") for _ in range(rows + 1)]
        self.backward_texts = [text(0.9, fontsize=8, color="tab:red") for _ in range(rows + 1)]

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
        if self.figure:
            self._draw(rows)

    def _draw(self, rows):
        for y, (box, grad) in enumerate(zip(self.boxes, self.grad_texts)):
            row = rows[y] if y < len(rows) else None
            box.set_visible(row is not None)
            grad.set_visible(bool(row and row["grads"]))
            if row is None:
                continue
            box.set_text(row["name"] + "".join(f"  {k} {_shape(s)}"
                                               for k, s in row["params"].items()))
            box.get_bbox_patch().set_facecolor("#dbe9f6" if row["params"] else "#eeeeee")
            box.set_y(y)
            grad.set_text("  ".join(f"{k} {_shape(s)}" for k, s in row["grads"].items()))
            grad.set_y(y)
        # Between two layers flows one array: out of the upper = x of the lower, and on the way
        # back dx of the lower = dout of the upper. Above the first: the input; below the last:
        # the loss and dL/dL = 1.
        labels = [(f"{'x' if y == 0 else '↓'} {_shape(row['x'])}",
                   f"{'dx' if y == 0 else '↑'} {_shape(row['dx'])}") for y, row in enumerate(rows)]
        labels.append((f"loss: {_shape(rows[-1]['out'])}",
                       f"dout = 1 ({_shape(rows[-1]['dout'])})"))
        for y, (forward, backward) in enumerate(zip(self.forward_texts, self.backward_texts)):
            for artist, label in ((forward, 0), (backward, 1)):
                artist.set_visible(y < len(labels))
                if y < len(labels):
                    artist.set_text(labels[y][label])
                    artist.set_y(y - 0.5)
        self.figure.show()
