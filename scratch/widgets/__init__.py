"""Interactive explorers for the notebooks (ipywidgets), one module per topic.

Convention, so that the logic is unit-tested without a browser: each explorer is a class whose
constructor builds its controls as attributes (sliders, dropdowns, buttons), a text widget
`summary` (an ipywidgets.HTML whose `.value` states what the current setting shows) and, where
useful, a figure inside an ipywidgets.Output `out`. Changing a control's `.value` updates
`summary` synchronously, and then the figure, so a test sets `.value` and reads `summary.value`.
`.widget` is the box to display. `scratch.widgets.base.Explorer` builds these parts and the
wiring once for every explorer (subclass it, see its module for a short example);
`example()` makes one with sample data for `benchmarks/bench_widgets.py`.

Explorers answer within about 100 ms (measured by `make e2e` in the browser and by the
benchmark): their figure is a `scratch.widgets.base.LiveFigure`, built once and updated in
place, with only the artists that change redrawn. Sliders send their value while dragged
(ipywidgets' default `continuous_update=True`): the browser holds back further values until
the kernel has answered the last one, so redraws never queue up behind the hand.

Explorers draw on matplotlib.figure.Figure objects, never through pyplot: a pyplot figure that
is open when a widget callback ends is displayed by the inline backend's post-execute hook,
outside any Output, into JupyterLab's log console (make e2e caught it), and pyplot would keep
every redrawn figure alive until closed. `show_in` puts a figure drawn from scratch into an
Output (slower than a LiveFigure: the figure is laid out and drawn anew each time).
"""

import io

from scratch.widgets.base import png_output


def show_in(out, fig):
    """Make the matplotlib Figure `fig` the only thing the ipywidgets.Output `out` shows.

    The PNG goes straight into `out.outputs` (the widget's state) rather than being displayed
    inside `with out:`, which routes output by message id and adds one more way for an image to
    miss its Output.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    width, height = (round(v) for v in fig.get_size_inches() * fig.dpi)
    out.outputs = png_output(buffer.getvalue(), width, height)
