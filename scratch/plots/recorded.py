"""Draw the graph a `Value` recorded while it was computed (notebook 13).

`value_graph(z, names={"x": x, "y": y, "z": z})` walks from `z` back through `parents` and
returns a `scratch.plots.graphs.Graph` with positions, ready for `draw_graph`: each operation a
circle labelled with its `op`, each input (a node without parents) its name at the left, and
the result's name at the right. Every arrow carries the forward value of its source and, below
it, the gradient that flows back along it: the local derivative (`local_grads`) times the
gradient of the operation it enters. It works for any object with `data`, `grad`, `parents`,
`op` and `local_grads`: `scratch.autograd.Value` and the notebook's own Value.
"""

import itertools

from scratch.autograd import topological_order
from scratch.plots.graphs import Graph, format_value

COLUMN = 1.8  # horizontal distance between the columns of the layout, in data units
ROW = 1.2  # vertical distance between inputs
OP_LABELS = {"*": "×"}  # the book's symbol for multiplication


def node_name(k):
    """The name in the Graph of the k-th node of topological_order(root)."""
    return f"n{k}"


def _users(order):
    """For every node, the operations that take it as an input (one entry per use)."""
    users = {id(node): [] for node in order}
    for node in order:
        for parent in node.parents:
            users[id(parent)].append(node)
    return users


def _levels(order, users):
    """Column of every node: 0 for inputs, 1 + the largest column of its parents for an
    operation; an input then moves to one column left of the first operation that uses it."""
    level = {}
    for node in order:
        level[id(node)] = 1 + max((level[id(p)] for p in node.parents), default=-1)
    for node in order:
        if not node.parents:
            level[id(node)] = min((level[id(u)] for u in users[id(node)]), default=1) - 1
    return level


def _inputs_in_reading_order(order):
    """The nodes without parents, in the order an expression names them: x before y in x + y."""
    seen, leaves = set(), []
    for node in order:
        for parent in node.parents:
            if not parent.parents and id(parent) not in seen:
                seen.add(id(parent))
                leaves.append(parent)
    return leaves or [order[0]]


def _rows(order, level, users):
    """Heights: inputs of column 0 from the top down, an operation at the mean height of its
    inputs, a later input below its column's other nodes; then nodes of a column at least
    ROW apart."""
    height, columns = {}, sorted(set(level.values()))
    for column in columns:
        nodes = [n for n in order if level[id(n)] == column]
        placed = []
        for node in nodes:
            if node.parents:
                height[id(node)] = sum(height[id(p)] for p in node.parents) / len(node.parents)
                placed.append(node)
        leaves = [n for n in _inputs_in_reading_order(order) if level[id(n)] == column]
        # An input that also feeds a later column goes one row further down, so that its long
        # arrow passes below the operations in between.
        gaps = [ROW * (2 if len({level[id(u)] for u in users[id(n)]}) > 1 else 1)
                for n in leaves]
        top = min((height[id(n)] for n in placed), default=(sum(gaps) + ROW) / 2)
        for leaf, drop in zip(leaves, itertools.accumulate(gaps)):
            height[id(leaf)] = top - drop
        column_nodes = sorted(nodes, key=lambda n: -height[id(n)])
        for upper, lower in zip(column_nodes, column_nodes[1:]):
            height[id(lower)] = min(height[id(lower)], height[id(upper)] - ROW)
    return height


def value_graph(root, names=None, title="", grads=True):
    """The Graph of everything `root` was computed from, laid out from left to right.

    names: {label: value} for the inputs and the result (e.g. {"x": x, "z": z}); an input
    without a name is a constant and is labelled with its number, an unnamed result "out".
    grads: write the gradients (after `root.backward()`) below the arrows.
    Node k of topological_order(root) is called node_name(k); the result's name node "out".
    """
    label_of = {id(v): label for label, v in (names or {}).items()}
    order = topological_order(root)
    users = _users(order)
    level = _levels(order, users)
    height = _rows(order, level, users)
    name = {id(node): node_name(k) for k, node in enumerate(order)}
    g = Graph(title=title)
    for node in order:
        xy = (COLUMN * level[id(node)], height[id(node)])
        if node.parents:
            g.add_node(name[id(node)], OP_LABELS.get(node.op, node.op), xy)
        else:
            g.add_node(name[id(node)], label_of.get(id(node), format_value(node.data)), xy,
                       op=False)
    for node in order:
        # An arrow that skips a column gets its numbers near its end, clear of the operations
        # it passes; the other arrows into that operation get theirs nearer their start.
        spans = [level[id(node)] - level[id(p)] for p in node.parents]
        for parent, local, span in zip(node.parents, node.local_grads, spans):
            at = 0.85 if span > 1 else 0.4 if max(spans) > 1 else 0.5
            g.add_edge(name[id(parent)], name[id(node)], parent.data,
                       local * node.grad if grads else None, at=at)
    g.add_node("out", label_of.get(id(root), "out"),
               (COLUMN * level[id(root)] + 0.9 * COLUMN, height[id(root)]), op=False)
    g.add_edge(name[id(root)], "out", root.data, root.grad if grads else None)
    return g
