"""Draw computational graphs the way the book's figures do (matplotlib only, no graphviz).

An operation is a circle labelled with what it computes (x, +, exp, 1/x, ...); the inputs are
names at the left and the result a name at the right. Every arrow carries its forward value
*above* it (black) and, optionally, its backward gradient *below* it (red):

    g = Graph()
    g.add_node("x", "x", (0, 1), op=False)
    g.add_node("y", "y", (0, 0), op=False)
    g.add_node("add", "+", (1.5, 0.5))
    g.add_node("z", "z", (3, 0.5), op=False)
    g.add_edge("x", "add", value=2.0, grad=1.0)
    g.add_edge("y", "add", value=3.0, grad=1.0)
    g.add_edge("add", "z", value=5.0, grad=1.0)
    draw_graph(g)

The builders at the end (`apple_graph`, `apple_orange_graph`, `sum_times_y_graph`) compute
their numbers with `scratch.layers.MulLayer`/`AddLayer` (forward, then backward in reverse
order) and keep them by name in `graph.results`, so the notebooks and widgets can print them.
"""

from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle

from scratch.layers import AddLayer, MulLayer

FORWARD_COLOR = "black"
BACKWARD_COLOR = "tab:red"
NODE_RADIUS = 0.28  # in data units; the builders place nodes about 1.5 units apart


def format_value(v, digits=6):
    """Text for a number on a graph: '715' for 715.0000000000001, '3.3' for 3.3000000000000003.

    Rounds to `digits` significant digits (the `g` format), which hides the last-bit error of
    binary floating point; strings (e.g. LaTeX like r'$\\partial z/\\partial x$') pass unchanged.
    """
    if isinstance(v, str):
        return v
    text = f"{float(v):.{digits}g}"
    return "0" if text == "-0" else text  # -0.0 is a correct float, but confusing on a figure


@dataclass
class Node:
    """A point of the graph: an operation drawn as a labelled circle (op=True), or an input or
    output drawn as its name only (op=False). `xy` is its position in data units."""

    label: str
    xy: tuple
    op: bool = True


@dataclass
class Edge:
    """An arrow from node `src` to node `dst` (their names).

    value: the forward value, written above the arrow (None: nothing written).
    grad: the backward gradient, written below it (None: nothing written).
    at: where along the arrow the two texts sit (0 = at src, 1 = at dst).
    """

    src: str
    dst: str
    value: object = None
    grad: object = None
    at: float = 0.5


@dataclass
class Graph:
    """Nodes by name, arrows between them, a title, and named numbers (`results`) a builder
    computed, e.g. {'price': 715.0000000000001, 'dapple': 2.2, ...}."""

    nodes: dict = field(default_factory=dict)
    edges: list = field(default_factory=list)
    title: str = ""
    results: dict = field(default_factory=dict)

    def add_node(self, name, label, xy, op=True):
        """Add a node called `name` drawn with `label` at `xy`; returns the graph (to chain)."""
        if name in self.nodes:
            raise ValueError(f"Graph.add_node: a node named {name!r} exists already")
        self.nodes[name] = Node(label, (float(xy[0]), float(xy[1])), op)
        return self

    def add_edge(self, src, dst, value=None, grad=None, at=0.5):
        """Add an arrow src -> dst with a forward value and a gradient; returns the graph."""
        for name in (src, dst):
            if name not in self.nodes:
                raise ValueError(
                    f"Graph.add_edge: no node named {name!r}; known nodes: {sorted(self.nodes)}"
                )
        self.edges.append(Edge(src, dst, value, grad, at))
        return self

    def edge(self, src, dst):
        """The (first) edge from `src` to `dst`."""
        for e in self.edges:
            if (e.src, e.dst) == (src, dst):
                return e
        raise KeyError(f"Graph.edge: no edge {src!r} -> {dst!r}")


def _end_gap(node, incoming):
    """How far an arrow stops short of a node's centre: the radius for a circle; for a name, a
    little room on the side the arrow touches (names of inputs end at their right edge)."""
    if node.op:
        return NODE_RADIUS
    return 0.08 if incoming else 0.05


def graph_figsize(graph):
    """(width, height) in inches that fit `graph`'s nodes, names and labels at a readable size."""
    xs = [n.xy[0] for n in graph.nodes.values()]
    ys = [n.xy[1] for n in graph.nodes.values()]
    return 1.3 * (np.ptp(xs) + 2.6), 1.3 * (np.ptp(ys) + 1.4)


def draw_graph(graph, ax=None, show_backward=True, labels=None):
    """Draw `graph` on `ax` (a new figure when None) and return the Axes.

    Forward values go above the arrows in black, gradients below them in red (only when
    `show_backward` and the edge has a gradient). Names of nodes without incoming edges (the
    inputs) are right-aligned at their position, the others left-aligned, so arrows start at
    the end of an input's name and stop at the start of an output's.

    labels: if given, a dict that receives those texts (matplotlib Text), keyed (index of the
    edge, 'value' or 'grad'): a widget changes their numbers with set_text instead of drawing
    the whole graph again.
    """
    if not graph.nodes:
        raise ValueError("draw_graph: the graph has no nodes")
    xs = np.array([n.xy[0] for n in graph.nodes.values()])
    ys = np.array([n.xy[1] for n in graph.nodes.values()])
    if ax is None:
        _, ax = plt.subplots(figsize=graph_figsize(graph), layout="constrained")
    has_incoming = {e.dst for e in graph.edges}

    for name, node in graph.nodes.items():
        x, y = node.xy
        if node.op:
            ax.add_patch(Circle((x, y), NODE_RADIUS, facecolor="white", edgecolor="black", lw=1.5))
            # Longer labels (exp, 1/x, **2) get a smaller font to stay inside the circle.
            size = 13 if len(node.label) <= 2 else 10
            ax.text(x, y, node.label, ha="center", va="center", fontsize=size)
        else:
            ha = "left" if name in has_incoming else "right"
            ax.text(x, y, node.label, ha=ha, va="center", fontsize=12)

    for i, e in enumerate(graph.edges):
        src, dst = graph.nodes[e.src], graph.nodes[e.dst]
        p, q = np.array(src.xy), np.array(dst.xy)
        length = np.hypot(*(q - p))
        if length == 0:
            raise ValueError(f"draw_graph: edge {e.src!r} -> {e.dst!r} joins one point to itself")
        u = (q - p) / length
        start = p + u * _end_gap(src, e.src in has_incoming)
        end = q - u * _end_gap(dst, True)
        ax.annotate("", xy=end, xytext=start,
                    arrowprops=dict(arrowstyle="-|>", color="black", lw=1.2, shrinkA=0, shrinkB=0))
        # "Above" is the left-hand normal of the arrow: up for an arrow pointing right.
        normal = np.array([-u[1], u[0]])
        mid = start + e.at * (end - start)
        texts = {}
        if e.value is not None:
            tx, ty = mid + 0.14 * normal
            texts["value"] = ax.text(tx, ty, format_value(e.value), ha="center", va="center",
                                     color=FORWARD_COLOR, fontsize=11)
        if show_backward and e.grad is not None:
            tx, ty = mid - 0.16 * normal
            texts["grad"] = ax.text(tx, ty, format_value(e.grad), ha="center", va="center",
                                    color=BACKWARD_COLOR, fontsize=11)
        if labels is not None:
            labels.update({(i, part): text for part, text in texts.items()})

    # Inputs' names extend to the left of their position, outputs' to the right.
    ax.set_xlim(xs.min() - 1.4, xs.max() + 1.2)
    ax.set_ylim(ys.min() - 0.5, ys.max() + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    if graph.title:
        ax.set_title(graph.title)
    return ax


def apple_graph(apple=100.0, apple_num=2.0, tax=1.1):
    """The book's apple example: price = apple * apple_num * tax, with dprice = 1.

    results: price, apple_price, dapple_price, dapple, dapple_num, dtax.
    """
    mul_apple, mul_tax = MulLayer(), MulLayer()
    apple_price = mul_apple.forward(float(apple), float(apple_num))
    price = mul_tax.forward(apple_price, float(tax))
    # Backward in the reverse order of forward: each layer needs the gradient of its output.
    dprice = 1.0
    dapple_price, dtax = mul_tax.backward(dprice)
    dapple, dapple_num = mul_apple.backward(dapple_price)

    g = Graph(title="price = apple × apple count × tax")
    g.add_node("apple", "apple", (0, 1.2), op=False)
    g.add_node("apple_num", "apple count", (0, 0), op=False)
    g.add_node("mul_apple", "×", (1.8, 0.6))
    g.add_node("tax", "tax", (1.8, -0.6), op=False)
    g.add_node("mul_tax", "×", (3.6, 0.6))
    g.add_node("price", "price", (5.2, 0.6), op=False)
    g.add_edge("apple", "mul_apple", apple, dapple)
    g.add_edge("apple_num", "mul_apple", apple_num, dapple_num)
    g.add_edge("mul_apple", "mul_tax", apple_price, dapple_price)
    g.add_edge("tax", "mul_tax", tax, dtax)
    g.add_edge("mul_tax", "price", price, dprice)
    g.results = dict(price=price, apple_price=apple_price, dapple_price=dapple_price,
                     dapple=dapple, dapple_num=dapple_num, dtax=dtax)
    return g


def apple_orange_graph(apple=100.0, apple_num=2.0, orange=150.0, orange_num=3.0, tax=1.1):
    """The book's apple and orange example: price = (apple*apple_num + orange*orange_num) * tax.

    results: price, apple_price, orange_price, all_price and the gradients of price with respect
    to each of them and to apple, apple_num, orange, orange_num, tax (names prefixed with d).
    """
    mul_apple, mul_orange, add_fruit, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    apple_price = mul_apple.forward(float(apple), float(apple_num))
    orange_price = mul_orange.forward(float(orange), float(orange_num))
    all_price = add_fruit.forward(apple_price, orange_price)
    price = mul_tax.forward(all_price, float(tax))
    dprice = 1.0
    dall_price, dtax = mul_tax.backward(dprice)
    dapple_price, dorange_price = add_fruit.backward(dall_price)
    dorange, dorange_num = mul_orange.backward(dorange_price)
    dapple, dapple_num = mul_apple.backward(dapple_price)

    g = Graph(title="price = (apple × apple count + orange × orange count) × tax")
    g.add_node("apple", "apple", (0, 3.0), op=False)
    g.add_node("apple_num", "apple count", (0, 2.0), op=False)
    g.add_node("mul_apple", "×", (1.8, 2.5))
    g.add_node("orange", "orange", (0, 0.5), op=False)
    g.add_node("orange_num", "orange count", (0, -0.5), op=False)
    g.add_node("mul_orange", "×", (1.8, 0.0))
    g.add_node("add", "+", (3.6, 1.25))
    g.add_node("tax", "tax", (3.6, -0.3), op=False)
    g.add_node("mul_tax", "×", (5.4, 1.25))
    g.add_node("price", "price", (7.0, 1.25), op=False)
    g.add_edge("apple", "mul_apple", apple, dapple)
    g.add_edge("apple_num", "mul_apple", apple_num, dapple_num)
    g.add_edge("orange", "mul_orange", orange, dorange)
    g.add_edge("orange_num", "mul_orange", orange_num, dorange_num)
    g.add_edge("mul_apple", "add", apple_price, dapple_price)
    g.add_edge("mul_orange", "add", orange_price, dorange_price)
    g.add_edge("add", "mul_tax", all_price, dall_price)
    g.add_edge("tax", "mul_tax", tax, dtax)
    g.add_edge("mul_tax", "price", price, dprice)
    g.results = dict(price=price, apple_price=apple_price, orange_price=orange_price,
                     all_price=all_price, dall_price=dall_price, dapple_price=dapple_price,
                     dorange_price=dorange_price, dapple=dapple, dapple_num=dapple_num,
                     dorange=dorange, dorange_num=dorange_num, dtax=dtax)
    return g


def sum_times_y_graph(x=1.0, y=2.0):
    """z = (x + y) * y, where y is used twice: its two arrows carry separate gradients, and
    dz/dy is their sum (a value used in two places influences z along both paths).

    results: z, t (= x + y), dz_dt, dx, dy_add (y's gradient through +), dy_mul (through x),
    dy (= dy_add + dy_mul).
    """
    add, mul = AddLayer(), MulLayer()
    t = add.forward(float(x), float(y))
    z = mul.forward(t, float(y))
    dz = 1.0
    dt, dy_mul = mul.backward(dz)
    dx, dy_add = add.backward(dt)

    g = Graph(title="z = (x + y) × y")
    g.add_node("x", "x", (0, 1.6), op=False)
    g.add_node("y", "y", (0, 0), op=False)
    g.add_node("add", "+", (1.8, 1.2))
    g.add_node("mul", "×", (3.6, 0.6))
    g.add_node("z", "z", (5.2, 0.6), op=False)
    g.add_edge("x", "add", x, dx)
    g.add_edge("y", "add", y, dy_add, at=0.4)
    g.add_edge("y", "mul", y, dy_mul, at=0.55)
    g.add_edge("add", "mul", t, dt)
    g.add_edge("mul", "z", z, dz)
    g.results = dict(z=z, t=t, dz_dt=dt, dx=dx, dy_add=dy_add, dy_mul=dy_mul, dy=dy_add + dy_mul)
    return g
