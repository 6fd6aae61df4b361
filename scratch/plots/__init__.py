"""Figures for the notebooks (they need matplotlib, from the `notebooks` extra).

- `scratch.plots.graphs`: computational graphs drawn like the book's figures, with forward
  values and backward gradients on the arrows (notebooks 01-03);
- `scratch.plots.paths`: optimizers' paths on the book's test function x**2 / 20 + y**2
  (notebook 08);
- `scratch.plots.recorded`: the graph a `scratch.autograd.Value` recorded, laid out as a
  `Graph` for `scratch.plots.graphs.draw_graph` (notebook 13).

Like `scratch.checks` (exercise checks) and `scratch.widgets` (interactive explorers), these are
helpers for the lessons: to learn backpropagation, read `scratch.layers` and `scratch.nets`.
"""
