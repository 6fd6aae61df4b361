"""Interactive explorers for the notebooks (ipywidgets), one module per topic.

Convention, so that the logic is unit-tested without a browser: each explorer is a class whose
constructor builds its controls as attributes (sliders, dropdowns, buttons), a text widget
`summary` (an ipywidgets.HTML whose `.value` states what the current setting shows) and, where
useful, a figure inside an ipywidgets.Output. Changing a control's `.value` updates `summary`
synchronously, so a test sets `.value` and reads `summary.value`. `.widget` is the box to display.
"""
