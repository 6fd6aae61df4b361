"""scratch.widgets.base: the explorers' shared set-up, the re-entry guard and the live figure.

The live figure draws only the artists that change on a kept background (blitting). These tests
check that what it sends is what a full draw of the same figure shows, for every explorer and
after every kind of change, so the speed-up never changes a picture.
"""

import base64
import io

import ipywidgets as widgets
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from scratch.widgets.base import Explorer, encode_png, explorer_classes  # noqa: E402

EXPLORERS = explorer_classes()


def shown(explorer):
    """The image in the explorer's Output, as an (H, W, 3) uint8 array."""
    (output,) = explorer.out.outputs
    png = base64.b64decode(output["data"]["image/png"])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def full_draw(explorer):
    """The figure drawn the ordinary way, every artist in its z-order: (H, W, 3) uint8."""
    figure = explorer.figure
    animated = [a for a in figure._animated]
    for artist in animated:
        artist.set_animated(False)
    try:
        figure.canvas.draw()
        pixels = figure.pixels().copy()
    finally:
        for artist in animated:
            artist.set_animated(True)
        figure._backgrounds.clear()  # the canvas now holds a full draw, not a background
    return pixels


def assert_same_picture(explorer):
    sent, full = shown(explorer), full_draw(explorer)
    assert sent.shape == full.shape
    # Blitting draws the animated artists last: a static artist that a normal draw puts over
    # one of them (a higher zorder) must be animated too, or these pixels differ.
    differ = np.any(np.abs(sent.astype(int) - full.astype(int)) > 8, axis=-1)
    assert differ.sum() == 0, f"{differ.sum()} of {differ.size} pixels differ"


def controls(widget):
    """Every widget in a widget tree that is not a box."""
    if isinstance(widget, widgets.Box):
        return [c for child in widget.children for c in controls(child)]
    return [widget]


def moves(explorer):
    """Functions that change the explorer's controls, one per control: a slider to an end of
    its range, a dropdown or toggle to its next option, a button clicked."""
    result = []
    for c in controls(explorer.widget):
        if isinstance(c, (widgets.IntSlider, widgets.FloatSlider)):
            result.append(lambda c=c: setattr(c, "value", c.min if c.value == c.max else c.max))
        elif isinstance(c, widgets.FloatLogSlider):
            result.append(lambda c=c: setattr(c, "value", c.base ** c.min))
        elif isinstance(c, widgets.Button):  # the backward stepper's Step and Reset
            result.append(c.click)
        elif hasattr(c, "options") and len(c.options) > 1:
            result.append(lambda c=c: setattr(c, "index", (c.index + 1) % len(c.options)))
    return result


def test_every_explorer_is_found_and_has_an_example():
    names = {name for name, _ in EXPLORERS}
    assert {"ActivationExplorer", "SumTimesYExplorer", "ShoppingExplorer", "SoftmaxExplorer",
            "StepSizeExplorer", "PathExplorer", "DigitViewer", "PredictionBrowser"} <= names
    for _, cls in EXPLORERS:
        explorer = cls.example()
        assert explorer.summary.value
        assert explorer.widget.children[-2:] == (explorer.summary, explorer.out)


@pytest.mark.parametrize("cls", [cls for _, cls in EXPLORERS], ids=[n for n, _ in EXPLORERS])
def test_the_live_figure_shows_what_a_full_draw_shows(cls):
    plt.close("all")
    explorer = cls.example()
    assert_same_picture(explorer)
    for move in moves(explorer) * 2:  # twice: the second time from kept backgrounds
        move()
        assert_same_picture(explorer)
    assert plt.get_fignums() == []  # no pyplot figure for the inline backend to flush


class _Counter(Explorer):
    def __init__(self):
        self.a = widgets.IntSlider(value=0)
        self.b = widgets.IntSlider(value=0)
        self.updates = []
        self._build([self.a, self.b])

    def update(self):
        self.updates.append((self.a.value, self.b.value))
        self.summary.value = f"{self.a.value} {self.b.value}"


def test_build_wires_every_control_and_holding_updates_once():
    c = _Counter()
    assert c.updates == [(0, 0)]
    c.a.value = 1
    assert c.updates[-1] == (1, 0)
    c.updates.clear()
    with c.holding():
        c.a.value = 5
        with c.holding():
            c.b.value = 7
        assert c.updates == []  # nested: still held
    assert c.updates == [(5, 7)]
    with pytest.raises(RuntimeError):
        with c.holding():
            c.a.value = 6
            raise RuntimeError("half-way")
    assert c.updates == [(5, 7)]  # no update for a change that failed half-way
    c.b.value = 8
    assert c.updates[-1] == (6, 8)


def test_an_unchanged_picture_is_not_sent_again():
    from scratch.widgets.activations import ActivationExplorer

    explorer = ActivationExplorer(x=1.0, dout=1.0)
    sent = []
    explorer.out.observe(lambda change: sent.append(change), names="outputs")
    explorer.dout.value = -1.0  # the sign of dout changes the summary, not the figure
    assert "dout = -1.00" in explorer.summary.value
    assert sent == []
    explorer.x.value = 2.0
    assert len(sent) == 1


def test_encode_png_round_trips_exactly():
    pixels = np.random.default_rng(0).integers(0, 256, (7, 13, 3), dtype=np.uint8)
    png = encode_png(pixels)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.mode == "RGB" and image.size == (13, 7)
    assert (np.asarray(image) == pixels).all()


# Every explorer of the notebooks, in module order (a new one is added here by hand).
EXPLORERS_BY_HAND = [
    ("ActivationExplorer", "activations"), ("BackwardStepper", "autograd"),
    ("BatchNormComparison", "batchnorm"), ("ConvolutionExplorer", "convolutions"),
    ("SumTimesYExplorer", "graphs"),
    ("ShoppingExplorer", "graphs"), ("InitExplorer", "initialisation"),
    ("LayerStackExplorer", "network"), ("StepSizeExplorer", "numerical"),
    ("PathExplorer", "optimizers"), ("RegularisationExplorer", "regularisation"),
    ("SoftmaxExplorer", "softmax"), ("DigitViewer", "start"),
    ("PredictionBrowser", "training"),
]


def test_explorer_classes_finds_every_explorer_and_nothing_else():
    # Called inside a test (the other test modules call it while collecting, where mutmut's
    # mutants are not active).
    found = explorer_classes()
    assert [(name, cls.__module__) for name, cls in found] == [
        (name, f"scratch.widgets.{module}") for name, module in EXPLORERS_BY_HAND]
    assert all(cls.__name__ == name for name, cls in found)
