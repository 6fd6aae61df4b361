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
outside any Output, into JupyterLab's log console, and pyplot would keep
every redrawn figure alive until closed.
"""

