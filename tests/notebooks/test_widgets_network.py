"""Notebook 06's layer-stack explorer, driven by setting its controls' values (no browser).

The shapes it reports are compared with the arrays of a real forward and backward pass of
scratch.nets.MultiLayerNet, and the figure's texts with the shapes.
"""

import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from scratch.nets import MultiLayerNet  # noqa: E402
from scratch.widgets.network import LayerStackExplorer, layer_stack  # noqa: E402
from tests.notebooks.test_widgets_controls import bold_numbers  # noqa: E402


def test_layer_stack_shapes_match_a_real_network():
    rows = layer_stack(784, [50, 30], 10, "sigmoid", batch_size=7)
    names = [row["name"] for row in rows]
    assert names == ["Affine1", "Sigmoid1", "Affine2", "Sigmoid2", "Affine3", "SoftmaxWithLoss"]
    net = MultiLayerNet(784, [50, 30], 10, activation="sigmoid")
    x = np.zeros((7, 784))
    scores = net.predict(x)
    assert rows[-1]["x"] == scores.shape and rows[-1]["out"] == ()
    grads = net.gradient(x, np.zeros(7, dtype=int))
    for i in (1, 2, 3):
        row = rows[names.index(f"Affine{i}")]
        assert row["params"] == {"W": net.params[f"W{i}"].shape, "b": net.params[f"b{i}"].shape}
        assert row["grads"] == {"dW": grads[f"W{i}"].shape, "db": grads[f"b{i}"].shape}
    for row in rows:  # backward hands back arrays of the shapes forward handed on
        assert row["dx"] == row["x"] and row["dout"] == row["out"]
    assert rows[0]["x"] == (7, 784) and rows[1]["x"] == (7, 50) and rows[3]["x"] == (7, 30)


def test_layer_stack_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match="activation must be one of"):
        layer_stack(4, [3], 2, "tanh")


def test_controls_change_the_summary():
    explorer = LayerStackExplorer(depth=1, width=50, show_plot=False)
    assert "784 → 50 → 10" in explorer.summary.value
    assert "<b>39,760</b> parameters in 2 Affine layers" in explorer.summary.value
    assert "<b>8.0 million</b> multiply-adds" in explorer.summary.value
    explorer.depth.value = 3
    assert "784 → 50 → 50 → 50 → 10" in explorer.summary.value
    assert f"<b>{39_760 + 2 * 2_550:,}</b> parameters in 4 Affine layers" in explorer.summary.value
    explorer.width.value = 100
    assert "784 → 100 → 100 → 100 → 10" in explorer.summary.value
    explorer.activation.value = "sigmoid"
    assert "Affine1 → Sigmoid1 → Affine2" in explorer.summary.value


def _figure_texts(explorer):
    """The strings shown on the explorer's current figure."""
    return [t.get_text() for t in explorer.figure.fig.axes[0].texts if t.get_visible()]


def test_figure_shows_every_layer_and_shape():
    explorer = LayerStackExplorer(depth=2, width=40)
    assert len(explorer.out.outputs) == 1 and "image/png" in explorer.out.outputs[0]["data"]
    texts = _figure_texts(explorer)
    assert "Affine1  W (784, 40)  b (40,)" in texts and "Relu2" in texts
    assert "dW (40, 10)  db (10,)" in texts
    assert "x (100, 784)" in texts and "dx (100, 784)" in texts
    explorer.width.value = 60
    texts = _figure_texts(explorer)
    assert "Affine2  W (60, 60)  b (60,)" in texts and "↓ (100, 60)" in texts
    explorer.depth.value = 1
    assert "Relu2" not in _figure_texts(explorer)


def _stack_by_hand(depth, width, activation, n=100, d=784, c=10):
    """The texts of the stack, worked out by hand: (boxes, gradients, forward, backward)."""
    sizes = [d, *[width] * depth, c]
    boxes, grads, inputs = [], [], []
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:]), start=1):
        boxes.append(f"Affine{i}  W ({fan_in}, {fan_out})  b ({fan_out},)")
        grads.append(f"dW ({fan_in}, {fan_out})  db ({fan_out},)")
        inputs.append(fan_in)
        if i <= depth:
            boxes.append(f"{activation.title()}{i}")
            inputs.append(fan_out)
    boxes.append("SoftmaxWithLoss")
    inputs.append(c)
    forward = [f"x ({n}, {d})"] + [f"↓ ({n}, {s})" for s in inputs[1:]] + ["loss: scalar"]
    backward = [f"dx ({n}, {d})"] + [f"↑ ({n}, {s})" for s in inputs[1:]] + ["dout = 1 (scalar)"]
    return boxes, grads, forward, backward


def _shown(texts):
    return [t.get_text() for t in texts if t.get_visible()]


def test_the_drawn_stack_follows_every_control_and_the_summary_counts_its_parameters():
    explorer = LayerStackExplorer(depth=1, width=50)
    moves = [(explorer.width, 120), (explorer.depth, 3), (explorer.activation, "sigmoid"),
             (explorer.depth, 4), (explorer.width, 10), (explorer.activation, "relu")]
    for control, value in moves:
        before = [_shown(t) for t in (explorer.grad_texts, explorer.forward_texts,
                                      explorer.backward_texts)]
        control.value = value
        boxes, grads, forward, backward = _stack_by_hand(
            explorer.depth.value, explorer.width.value, explorer.activation.value)
        assert _shown(explorer.boxes) == boxes
        assert _shown(explorer.grad_texts) == grads
        assert _shown(explorer.forward_texts) == forward
        assert _shown(explorer.backward_texts) == backward
        rows = [t.get_position()[1] for t in explorer.boxes if t.get_visible()]
        assert rows == list(range(len(boxes)))
        if control is explorer.activation:  # a name, not a shape
            assert [_shown(t) for t in (explorer.grad_texts, explorer.forward_texts,
                                        explorer.backward_texts)] == before
        # The summary's parameter count and multiply-adds are those of the drawn W and b.
        shapes = [tuple(map(int, m)) for text in _shown(explorer.boxes)
                  for m in re.findall(r"W \((\d+), (\d+)\)", text)]
        weights = [a * b for a, b in shapes]
        n_params, madds = bold_numbers(explorer.summary.value)
        assert n_params == sum(weights) + sum(b for _, b in shapes)
        assert f"in {len(shapes)} Affine layers" in explorer.summary.value
        assert madds == round(100 * (3 * sum(weights) - weights[0]) / 1e6, 1)
