"""scratch.widgets.show_in: an explorer's figure goes into its Output's state, as a PNG."""

import base64

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from scratch.widgets import show_in
from scratch.widgets.numerical import StepSizeExplorer


def _png(out):
    assert len(out.outputs) == 1
    output = out.outputs[0]
    assert output["output_type"] == "display_data"
    return base64.b64decode(output["data"]["image/png"])


def test_show_in_replaces_the_outputs():
    out = widgets.Output()
    out.outputs = ({"output_type": "stream", "name": "stdout", "text": "old"},)
    fig = Figure(figsize=(2, 1), dpi=50)
    fig.subplots().plot([0, 1], [1, 0])
    show_in(out, fig)
    assert _png(out).startswith(b"\x89PNG\r\n\x1a\n")
    assert out.outputs[0]["data"]["text/plain"] == "<Figure size 100x50>"


def test_an_explorer_redraws_into_its_output():
    explorer = StepSizeExplorer()
    before = _png(explorer.out)
    explorer.h.value = 1e-3
    assert _png(explorer.out) != before
    assert plt.get_fignums() == []  # no pyplot figure left for the inline backend to flush
