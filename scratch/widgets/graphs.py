"""Explorers for notebooks 01 and 02: move a slider, the computational graph is redrawn with its
forward values (black, above the arrows) and gradients (red, below them)."""

import ipywidgets as widgets

from scratch.plots.graphs import (
    apple_orange_graph,
    draw_graph,
    format_value,
    graph_figsize,
    sum_times_y_graph,
)
from scratch.widgets.base import Explorer


class _GraphExplorer(Explorer):
    """Shared wiring: every control redraws through `update`; subclasses build `graph()` and
    the summary text from its `results`. The graph's shape never changes, only its numbers:
    the nodes and arrows are drawn once, the numbers on the arrows are the animated part."""

    def _wire(self, rows, show_plot):
        """rows: lists of controls, one HBox each."""
        self._build([c for row in rows for c in row], layout=[widgets.HBox(row) for row in rows],
                    figsize=graph_figsize(self.graph()) if show_plot else None,
                    figure_layout="constrained")

    def setup_figure(self, fig):
        self.labels = {}
        draw_graph(self.graph(), ax=fig.subplots(), labels=self.labels)
        for text in self.labels.values():
            self.figure.animated(text)

    def update(self):
        g = self.graph()
        self.summary.value = self.describe(g.results)
        if self.figure:
            for (i, part), text in self.labels.items():
                text.set_text(format_value(getattr(g.edges[i], part)))
            self.figure.show()


class SumTimesYExplorer(_GraphExplorer):
    """z = (x + y) * y for x and y on sliders (notebook 01).

    Controls: `x`, `y` (FloatSlider). `summary` (HTML) states z, dz/dx = y and
    dz/dy = (x + y) + y, the sum of y's two paths; `out` (Output) shows the graph.
    """

    def __init__(self, x=1.0, y=2.0, show_plot=True):
        self.x = widgets.FloatSlider(value=x, min=-3, max=3, step=0.5, description="x")
        self.y = widgets.FloatSlider(value=y, min=-3, max=3, step=0.5, description="y")
        self._wire([[self.x, self.y]], show_plot)

    def graph(self):
        return sum_times_y_graph(self.x.value, self.y.value)

    def describe(self, r):
        x, y, f = self.x.value, self.y.value, format_value
        return (
            f"z = (x + y) · y = ({f(x)} + {f(y)}) · {f(y)} = <b>{f(r['z'])}</b><br>"
            f"dz/dx = y = <b>{f(r['dx'])}</b><br>"
            f"dz/dy = (x + y) + y = {f(r['dy_mul'])} + {f(r['dy_add'])} = <b>{f(r['dy'])}</b>"
            " (y reaches z along two arrows: their gradients add)"
        )


class ShoppingExplorer(_GraphExplorer):
    """The book's apple and orange purchase with every number on a slider (notebook 02).

    Controls: `apple`, `apple_num`, `orange`, `orange_num` (IntSlider), `tax` (FloatSlider),
    `show_formulas` (Checkbox, off at first: the notebook asks the learner to work them out).
    `summary` (HTML) gives the price and its gradient with respect to every input, with the
    formula of each gradient when `show_formulas` is on; `out` (Output) shows the graph.
    """

    def __init__(self, apple=100, apple_num=2, orange=150, orange_num=3, tax=1.1,
                 show_plot=True):
        def price_slider(value, name):
            return widgets.IntSlider(value=value, min=0, max=500, step=10, description=name)

        def count_slider(value, name):
            return widgets.IntSlider(value=value, min=0, max=10, description=name)

        self.apple = price_slider(apple, "apple")
        self.apple_num = count_slider(apple_num, "apples")
        self.orange = price_slider(orange, "orange")
        self.orange_num = count_slider(orange_num, "oranges")
        self.tax = widgets.FloatSlider(value=tax, min=1.0, max=1.3, step=0.01, description="tax")
        self.show_formulas = widgets.Checkbox(value=False, description="show the formulas")
        self._wire([[self.apple, self.apple_num, self.tax],
                    [self.orange, self.orange_num, self.show_formulas]], show_plot)

    def graph(self):
        return apple_orange_graph(self.apple.value, self.apple_num.value, self.orange.value,
                                  self.orange_num.value, self.tax.value)

    def describe(self, r):
        f = format_value
        rows = [
            ("apple", "dapple", "apple count × tax"),
            ("apple count", "dapple_num", "apple × tax"),
            ("orange", "dorange", "orange count × tax"),
            ("orange count", "dorange_num", "orange × tax"),
            ("tax", "dtax", "apple × apple count + orange × orange count"),
        ]
        lines = [f"price = ({f(r['apple_price'])} + {f(r['orange_price'])}) × "
                 f"{f(self.tax.value)} = <b>{f(r['price'])}</b>"]
        shown = self.show_formulas.value
        lines += [f"∂price/∂{name} = " + (f"{why} = " if shown else "") + f"<b>{f(r[key])}</b>"
                  for name, key, why in rows]
        return "<br>".join(lines)
