"""Notebook 13's explorer: step through the backward pass of a small expression, node by node.

The expression is built with `scratch.autograd.Value`, so its graph is the one the operations
recorded. Each Step runs one operation's backward rule: every input of the current node gets
local derivative × the node's gradient (upstream) added to its `grad` (downstream). The figure
draws the recorded graph (`scratch.plots.recorded.value_graph`) with the gradients passed back
so far, the current node ringed, and each input's accumulated gradient under its name.
"""

import ipywidgets as widgets
from matplotlib.patches import Circle

from scratch.autograd import Value, topological_order
from scratch.plots.graphs import (
    BACKWARD_COLOR,
    NODE_RADIUS,
    draw_graph,
    format_value,
    graph_figsize,
)
from scratch.plots.recorded import OP_LABELS, node_name, value_graph
from scratch.widgets.base import Explorer, LiveFigure


def _sum_times_y():
    x, y = Value(1.0), Value(2.0)
    z = (x + y) * y
    return z, {"x": x, "y": y, "z": z}


def _square_of_sum():
    x, y = Value(1.0), Value(2.0)
    z = (x + y) ** 2
    return z, {"x": x, "y": y, "z": z}


def _apple():
    apple, count, tax = Value(100.0), Value(2.0), Value(1.1)
    price = apple * count * tax
    return price, {"apple": apple, "apple count": count, "tax": tax, "price": price}


def _neuron():
    x, w, b = Value(2.0), Value(-0.5), Value(0.5)
    out = (x * w + b).tanh()
    return out, {"x": x, "w": w, "b": b, "out": out}


EXPRESSIONS = {
    "z = (x + y) * y": _sum_times_y,
    "z = (x + y) ** 2": _square_of_sum,
    "price = apple * count * tax": _apple,
    "out = tanh(x * w + b)": _neuron,
}


class BackwardStepper(Explorer):
    """Step through `backward()` of one of EXPRESSIONS.

    Controls: `step` and `reset` (Button), `expression` (Dropdown of EXPRESSIONS). `summary`
    (HTML) states what the last step computed; `out` (Output) shows the graph. `position` is
    how many operations have passed their gradient back; `figure` the expression's LiveFigure.

    Each expression has its own figure, built once (its graph is a different size): the graph,
    its forward values and names are the background; the gradients under the arrows and the
    inputs, and the ring around the current node, are animated, so a Step redraws only them.
    """

    def __init__(self, expression="z = (x + y) * y", show_plot=True):
        self.show_plot = show_plot
        self.step = widgets.Button(description="Step", tooltip="the next node's backward rule")
        self.reset = widgets.Button(description="Reset", tooltip="all gradients back to 0")
        self.expression = widgets.Dropdown(options=list(EXPRESSIONS), value=expression,
                                           description="expression")
        self._figures = {}  # expression -> (LiveFigure, its animated artists)
        self.step.on_click(lambda _: self.do_step())
        self.reset.on_click(lambda _: self.do_reset())
        self.expression.observe(lambda _: self.do_reset(), names="value")
        self._start()
        self._build([], layout=[widgets.HBox([self.step, self.reset, self.expression])])

    def _start(self):
        """Build the expression afresh: every grad 0, then the output's own gradient 1."""
        self.root, self.names = EXPRESSIONS[self.expression.value]()
        self.order = topological_order(self.root)
        # The operations, output first; the inputs have nothing to pass on.
        self.queue = [node for node in reversed(self.order) if node.parents]
        self.root.grad = 1.0
        self.position = 0
        self.current = None
        self.lines = [f"{self.expression.value}: forward done. Backward starts at the output "
                      f"with its own gradient 1. Press <b>Step</b>."]

    def do_reset(self):
        """Start the expression in the menu again."""
        self._start()
        self.update()

    def do_step(self):
        """Run the backward rule of the next operation (nothing once all have run)."""
        if self.position == len(self.queue):
            return
        node = self.queue[self.position]
        grads_before = [parent.grad for parent in node.parents]
        node._backward()  # scratch.autograd's own rule: parent.grad += local * node.grad
        lines = []
        for parent, local, before in zip(node.parents, node.local_grads, grads_before):
            lines.append(
                f"into {self._label(parent)}: local derivative {format_value(local, 4)} × "
                f"upstream {format_value(node.grad, 4)} = <b>{format_value(local * node.grad, 4)}"
                f"</b>; its grad {format_value(before, 4)} → {format_value(parent.grad, 4)}")
        self.position += 1
        op = OP_LABELS.get(node.op, node.op)
        head = (f"Step {self.position} of {len(self.queue)}: the <b>{op}</b> node "
                f"(value {format_value(node.data, 4)}, gradient {format_value(node.grad, 4)})")
        if self.position == len(self.queue):
            grads = ", ".join(f"d{self._label(self.root)}/d{name} = {format_value(v.grad, 4)}"
                              for name, v in self.names.items() if not v.parents)
            lines.append(f"Backward done: {grads}")
        self.current = node
        self.lines = [head, *lines]
        self.update()

    def _label(self, node):
        for name, value in self.names.items():
            if value is node:
                return name
        if node.parents:
            return f"the {OP_LABELS.get(node.op, node.op)} node"
        return format_value(node.data)

    def update(self):
        self.summary.value = "<br>".join(self.lines)
        if not self.show_plot:
            return
        figure, (labels, ring, input_grads) = self._figure_for(self.expression.value)
        if figure is not self.figure:  # another expression's figure is in `out`: send ours
            figure.clear()
        self.figure = figure
        g = value_graph(self.root, self.names)
        done = {id(n) for n in self.queue[:self.position]}
        for (i, _), text in labels.items():  # only the arrows whose operation has run
            e = g.edges[i]
            has_run = e.dst == "out" or id(self.order[int(e.dst[1:])]) in done
            text.set_text(format_value(e.grad) if has_run else "")
        ring.set_visible(self.current is not None)
        if self.current is not None:
            k = next(k for k, n in enumerate(self.order) if n is self.current)
            ring.set_center(g.nodes[node_name(k)].xy)
        for node, text in zip(self.order, input_grads):
            if text is not None:
                text.set_text(f"grad {format_value(node.grad, 4)}")
        self.figure.show()

    def _figure_for(self, expression):
        """The expression's LiveFigure (built at its first use) and its animated artists:
        ({(edge, 'grad'): Text}, the ring, [Text under each input, None for an operation])."""
        if expression not in self._figures:
            g = value_graph(self.root, self.names, title=expression)
            figure = LiveFigure(self.out, graph_figsize(g), layout="constrained")
            figure.fig.set_dpi(72)
            labels = {}
            ax = draw_graph(g, ax=figure.fig.subplots(), labels=labels)
            grads = {key: figure.animated(t) for key, t in labels.items() if key[1] == "grad"}
            # Above the arrows it may cross, in a full draw as in a blitted one.
            ring = figure.animated(ax.add_patch(Circle((0, 0), NODE_RADIUS * 1.25, fill=False,
                                                       lw=2.5, edgecolor=BACKWARD_COLOR,
                                                       zorder=5, visible=False)))
            input_grads = []
            for k, node in enumerate(self.order):
                text = None
                if not node.parents:  # each input's gradient so far, under its name
                    x, y = g.nodes[node_name(k)].xy
                    text = figure.animated(ax.text(x, y - 0.3, "", ha="right", va="center",
                                                   fontsize=10, color=BACKWARD_COLOR))
                input_grads.append(text)
            self._figures[expression] = figure, (grads, ring, input_grads)
        return self._figures[expression]
