"""Notebook 09's explorer: how the initial weight scale, the activation and the depth shape the
activations (forward) and the gradients (backward) of every layer.

The experiment is the book's (section 6.2.2): 1,000 random inputs of 100 features pass through
`depth` fully connected layers of 100 units without biases; `layer_statistics` also runs the
backward pass from a random upstream gradient, so that vanishing and exploding gradients show.
"""

import ipywidgets as widgets
import numpy as np

from scratch.functions import sigmoid
from scratch.validation import check_choice
from scratch.widgets.base import Explorer


def _sigmoid_grad(z, a):
    return a * (1.0 - a)


# name -> (activation f(z), its derivative as a function of z and a = f(z), histogram range)
ACTIVATIONS = {
    "sigmoid": (sigmoid, _sigmoid_grad, (0.0, 1.0)),
    "tanh": (np.tanh, lambda z, a: 1.0 - a * a, (-1.0, 1.0)),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(float), (0.0, 3.0)),
}
# name -> the standard deviation of the weights of a layer with n inputs
INITS = {
    "std 1": lambda n: 1.0,
    "std 0.01": lambda n: 0.01,
    "Xavier": lambda n: np.sqrt(1.0 / n),
    "He": lambda n: np.sqrt(2.0 / n),
}


def layer_statistics(init, activation, depth, units=100, samples=1000, seed=0):
    """Forward and backward through `depth` layers a = f(a_prev @ W), W: (units, units).

    init: a key of INITS; activation: a key of ACTIVATIONS. Inputs x: (samples, units) and the
    upstream gradient at the top are standard normal (seed `seed`). Returns (activations,
    gradients): two lists of `depth` arrays (samples, units); gradients[k] is dL/da of layer
    k + 1, so gradients[-1] is the upstream gradient itself and gradients[0] has passed back
    through every layer above the first.
    """
    check_choice(init, list(INITS), "layer_statistics", "init")
    check_choice(activation, list(ACTIVATIONS), "layer_statistics", "activation")
    f, df, _ = ACTIVATIONS[activation]
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((samples, units))
    weights, zs, activations = [], [], []
    for _ in range(depth):
        W = INITS[init](units) * rng.standard_normal((units, units))
        z = a @ W
        a = f(z)
        weights.append(W)
        zs.append(z)
        activations.append(a)
    grad = rng.standard_normal((samples, units))  # dL/da of the last layer
    gradients = [grad]
    for W, z, a in zip(weights[:0:-1], zs[:0:-1], activations[:0:-1]):
        grad = (grad * df(z, a)) @ W.T  # back through f, then through the matrix product
        gradients.append(grad)
    return activations, gradients[::-1]


class InitExplorer(Explorer):
    """Per-layer histograms of activations and gradients for a choice of initialisation.

    Controls: `init` (Dropdown over INITS), `activation` (Dropdown over ACTIVATIONS), `depth`
    (IntSlider, 2 to 10 layers). `summary` (HTML) lists the standard deviation of every layer's
    activations and gradients; `out` (Output) draws one histogram per layer, stacked from the
    first layer (bottom) to the last (top): activations on the left, gradients on the right.
    """

    MAX_DEPTH = 10

    def __init__(self, init="He", activation="relu", depth=5, show_plot=True):
        self.init = widgets.Dropdown(options=list(INITS), value=init, description="init")
        self.activation = widgets.Dropdown(options=list(ACTIVATIONS), value=activation,
                                           description="activation")
        self.depth = widgets.IntSlider(value=depth, min=2, max=self.MAX_DEPTH,
                                       description="layers")
        self._build([self.init, self.activation, self.depth],
                    figsize=(8, 0.35 * self.MAX_DEPTH + 1.4) if show_plot else None)

    def setup_figure(self, fig):
        self.ax_a, self.ax_g = fig.subplots(1, 2, sharey=True)
        self.ax_a.set_ylabel("layer")
        self.ax_g.set_title("gradients dL/da (range of the top one)", fontsize="small")
        # One filled step outline per layer and side, redrawn with new counts by update.
        self.steps = {ax: [self.figure.animated(ax.stairs(np.zeros(40), np.linspace(0, 1, 41),
                                                          fill=True, alpha=0.7, color=f"C{k}"))
                           for k in range(self.MAX_DEPTH)]
                      for ax in (self.ax_a, self.ax_g)}

    def update(self):
        activations, gradients = layer_statistics(self.init.value, self.activation.value,
                                                  self.depth.value)
        a_std = " ".join(f"{a.std():.3g}" for a in activations)
        g_std = " ".join(f"{g.std():.3g}" for g in gradients)
        self.summary.value = (
            f"{self.init.value}, {self.activation.value}, {self.depth.value} layers. "
            f"Std of the activations, layer 1 to {self.depth.value}: <b>{a_std}</b>. "
            f"Std of the gradients dL/da, layer 1 to {self.depth.value}: <b>{g_std}</b>."
        )
        if self.figure:
            self._draw(activations, gradients)

    def _draw(self, activations, gradients):
        relu, depth = self.activation.value == "relu", len(activations)
        # Gradients on one fixed scale, set by the upstream gradient at the top (std 1), so
        # that shrinking or growing on the way back shows as a narrower or wider histogram.
        ranges = {self.ax_a: ACTIVATIONS[self.activation.value][2], self.ax_g: (-3.0, 3.0)}
        for ax, arrays in ((self.ax_a, activations), (self.ax_g, gradients)):
            for k, patch in enumerate(self.steps[ax]):
                patch.set_visible(k < depth)
                if k >= depth:
                    continue
                values = arrays[k]
                if ax is self.ax_a and relu:
                    values = values[values != 0]  # the half that ReLU sets to exactly 0
                counts, edges = np.histogram(values, bins=40, range=ranges[ax])
                patch.set_data(k + 0.9 * counts / max(counts.max(), 1), edges, baseline=k)
            ax.set_xlim(*ranges[ax])
            ax.set_ylim(-0.1, depth)
            ax.set_yticks(np.arange(depth) + 0.3, [str(k + 1) for k in range(depth)])
        self.ax_a.set_title("activations" + (" (the zeros left out)" if relu else ""),
                           fontsize="small")
        self.figure.show(key=(self.activation.value, depth))
