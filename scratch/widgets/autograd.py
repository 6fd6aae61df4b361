"""Notebook 12's explorer: step through the backward pass of a small expression, node by node.

The expression is built with `scratch.autograd.Value`, so its graph is the one the operations
recorded. Each Step runs one operation's backward rule: every input of the current node gets
local derivative × the node's gradient (upstream) added to its `grad` (downstream). The figure
draws the recorded graph (`scratch.plots.recorded.value_graph`) with the gradients passed back
so far, the current node ringed, and each input's accumulated gradient under its name.
"""

import ipywidgets as widgets
from matplotlib.figure import Figure
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
from scratch.widgets import show_in


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


class BackwardStepper:
    """Step through `backward()` of one of EXPRESSIONS.

    Controls: `step` and `reset` (Button), `expression` (Dropdown of EXPRESSIONS). `summary`
    (HTML) states what the last step computed; `out` (Output) shows the graph. `position` is
    how many operations have passed their gradient back; `figure` the last Figure drawn.
    """

    def __init__(self, expression="z = (x + y) * y", show_figure=True):
        self.show_figure = show_figure
        self.step = widgets.Button(description="Step", tooltip="the next node's backward rule")
        self.reset = widgets.Button(description="Reset", tooltip="all gradients back to 0")
        self.expression = widgets.Dropdown(options=list(EXPRESSIONS), value=expression,
                                           description="expression")
        self.summary = widgets.HTML()
        self.out = widgets.Output()
        self.figure = None
        self.step.on_click(lambda _: self.do_step())
        self.reset.on_click(lambda _: self.do_reset())
        self.expression.observe(lambda _: self.do_reset(), names="value")
        self.widget = widgets.VBox([widgets.HBox([self.step, self.reset, self.expression]),
                                    self.summary, self.out])
        self.do_reset()

    def do_reset(self):
        """Build the expression afresh: every grad 0, then the output's own gradient 1."""
        self.root, self.names = EXPRESSIONS[self.expression.value]()
        self.order = topological_order(self.root)
        # The operations, output first; the inputs have nothing to pass on.
        self.queue = [node for node in reversed(self.order) if node.parents]
        self.root.grad = 1.0
        self.position = 0
        self.summary.value = (f"{self.expression.value}: forward done. Backward starts at the "
                              f"output with its own gradient 1. Press <b>Step</b>.")
        self._draw(current=None)

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
        self.summary.value = "<br>".join([head, *lines])
        self._draw(current=node)

    def _label(self, node):
        for name, value in self.names.items():
            if value is node:
                return name
        if node.parents:
            return f"the {OP_LABELS.get(node.op, node.op)} node"
        return format_value(node.data)

    def _draw(self, current):
        if not self.show_figure:
            return
        g = value_graph(self.root, self.names, title=self.expression.value)
        done = {id(n) for n in self.queue[:self.position]}
        k_of = {id(n): k for k, n in enumerate(self.order)}
        for e in g.edges:  # only the arrows whose operation has run carry a gradient yet
            if e.dst != "out" and id(self.order[int(e.dst[1:])]) not in done:
                e.grad = None
        fig = Figure(figsize=graph_figsize(g), dpi=72, layout="constrained")
        ax = draw_graph(g, ax=fig.subplots())
        if current is not None:
            x, y = g.nodes[node_name(k_of[id(current)])].xy
            ax.add_patch(Circle((x, y), NODE_RADIUS * 1.25, fill=False, lw=2.5,
                                edgecolor=BACKWARD_COLOR))
        for node in self.order:
            if not node.parents:  # each input's gradient so far, under its name
                x, y = g.nodes[node_name(k_of[id(node)])].xy
                ax.text(x, y - 0.3, f"grad {format_value(node.grad, 4)}", ha="right",
                        va="center", fontsize=10, color=BACKWARD_COLOR)
        self.figure = fig  # kept for tests, which read the drawn texts
        show_in(self.out, fig)
