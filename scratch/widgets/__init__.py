"""Interactive explorers for the notebooks (ipywidgets), one module per topic.

Convention, so that the logic is unit-tested without a browser: each explorer is a class whose
constructor builds its controls as attributes (sliders, dropdowns, buttons), a text widget
`summary` (an ipywidgets.HTML whose `.value` states what the current setting shows) and, where
useful, a figure inside an ipywidgets.Output. Changing a control's `.value` updates `summary`
synchronously, so a test sets `.value` and reads `summary.value`. `.widget` is the box to display.
"""

import matplotlib.pyplot as plt


def show_figure(fig):
    """Show `fig` in the current output (e.g. inside `with explorer.out:`), then close it.

    Explorers redraw on every change of a control, and pyplot keeps each figure alive until it
    is closed: the inline backend closes what it shows, other backends (tests, scripts) do not.
    plt.show(), not IPython's display(fig): make e2e found that in notebook 05 the figure
    displayed by the latter from a widget callback landed in JupyterLab's log console.
    """
    plt.show()
    plt.close(fig)
