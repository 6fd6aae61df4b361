"""Interactive explorers for the notebooks (ipywidgets), one module per topic.

Convention, so that the logic is unit-tested without a browser: each explorer is a class whose
constructor builds its controls as attributes (sliders, dropdowns, buttons), a text widget
`summary` (an ipywidgets.HTML whose `.value` states what the current setting shows) and, where
useful, a figure inside an ipywidgets.Output. Changing a control's `.value` updates `summary`
synchronously, so a test sets `.value` and reads `summary.value`. `.widget` is the box to display.

Explorers draw on matplotlib.figure.Figure objects, never through pyplot: a pyplot figure that
is open when a widget callback ends is displayed by the inline backend's post-execute hook,
outside any Output, into JupyterLab's log console (make e2e caught it), and pyplot would keep
every redrawn figure alive until closed. `show_in` puts a figure into an Output.
"""

import base64
import io


def show_in(out, fig):
    """Make the matplotlib Figure `fig` the only thing the ipywidgets.Output `out` shows.

    The PNG goes straight into `out.outputs` (the widget's state) rather than being displayed
    inside `with out:`, which routes output by message id and adds one more way for an image to
    miss its Output.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    size = "x".join(str(round(v)) for v in fig.get_size_inches() * fig.dpi)
    out.outputs = ({
        "output_type": "display_data",
        "data": {"image/png": png, "text/plain": f"<Figure size {size}>"},
        "metadata": {},
    },)
