"""value_graph: the graph a Value recorded, laid out for draw_graph, against notebook 01's
hand-built graphs (Agg backend, nothing shown)."""

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from scratch.autograd import Value, topological_order  # noqa: E402
from scratch.plots.graphs import BACKWARD_COLOR, draw_graph, sum_times_y_graph  # noqa: E402
from scratch.plots.recorded import node_name, value_graph  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _sum_times_y(x=1.0, y=2.0):
    x, y = Value(x), Value(y)
    z = (x + y) * y
    z.backward()
    return z, {"x": x, "y": y, "z": z}


def _by_label(g):
    return {node.label: name for name, node in g.nodes.items()}


def test_sum_times_y_has_notebook_01s_values_and_gradients():
    z, names = _sum_times_y(1.0, 2.0)
    g = value_graph(z, names, title="z = (x + y) * y")
    r = sum_times_y_graph(1.0, 2.0).results
    n = _by_label(g)
    assert set(n) == {"x", "y", "+", "×", "z"}
    assert g.edge(n["x"], n["+"]).grad == r["dx"]
    assert g.edge(n["y"], n["+"]).grad == r["dy_add"]
    assert g.edge(n["y"], n["×"]).grad == r["dy_mul"]
    assert g.edge(n["+"], n["×"]).value == r["t"] and g.edge(n["+"], n["×"]).grad == r["dz_dt"]
    assert g.edge(n["×"], "out").value == r["z"] and g.edge(n["×"], "out").grad == 1.0
    assert g.title == "z = (x + y) * y"


def test_layout_runs_from_left_to_right_and_keeps_nodes_apart():
    apple, count, tax = Value(100.0), Value(2.0), Value(1.1)
    price = apple * count * tax
    price.backward()
    g = value_graph(price, {"apple": apple, "apple count": count, "tax": tax, "price": price})
    xy = {node.label: node.xy for node in g.nodes.values()}
    for e in g.edges:  # every arrow points to the right
        assert g.nodes[e.dst].xy[0] > g.nodes[e.src].xy[0], (e.src, e.dst)
    assert xy["apple"][0] == xy["apple count"][0] < xy["tax"][0] < xy["price"][0]
    assert xy["apple"][1] > xy["apple count"][1]  # in reading order, top down
    points = [node.xy for node in g.nodes.values()]
    for i, p in enumerate(points):
        for q in points[i + 1:]:
            assert (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 > 0.8**2, (p, q)
    grads = {g.nodes[e.src].label: e.grad for e in g.edges if not g.nodes[e.src].op}
    assert grads == pytest.approx({"apple": 2.2, "apple count": 110, "tax": 200})


def test_node_names_follow_the_topological_order_and_constants_show_their_number():
    x = Value(1.5)
    z = (x * 2.0).relu() ** 2
    z.backward()
    g = value_graph(z, {"x": x})
    order = topological_order(z)
    for k, node in enumerate(order):
        label = g.nodes[node_name(k)].label
        assert label == {"*": "×"}.get(node.op, node.op) or node.parents == ()
    labels = {node.label for node in g.nodes.values()}
    assert {"x", "2", "×", "relu", "**2", "out"} <= labels
    n = _by_label(g)
    assert g.edge(n["x"], n["×"]).grad == pytest.approx(2 * 3.0 * 2.0)  # d(3^2) x relu' x 2
    assert g.edge(n["×"], n["relu"]).value == 3.0


def test_grads_false_and_before_backward():
    z, names = _sum_times_y()
    assert all(e.grad is None for e in value_graph(z, names, grads=False).edges)
    x, y = Value(1.0), Value(2.0)
    fresh = value_graph((x + y) * y, {"x": x, "y": y})
    assert {e.grad for e in fresh.edges} == {0.0}  # nothing has flowed back yet


def test_works_with_any_class_that_records_parents_and_local_grads():
    class Mini:  # the protocol the notebook's own Value follows
        def __init__(self, data, parents=(), local_grads=(), op=""):
            self.data, self.grad = data, 0.0
            self.parents, self.local_grads, self.op = parents, local_grads, op

    a, b = Mini(3.0, ()), Mini(4.0, ())
    c = Mini(12.0, (a, b), (4.0, 3.0), "*")
    c.grad = 1.0
    g = value_graph(c, {"a": a, "b": b, "c": c})
    n = _by_label(g)
    assert g.edge(n["a"], n["×"]).grad == 4.0 and g.edge(n["b"], n["×"]).grad == 3.0


def test_drawn_figure_shows_labels_values_and_gradients():
    z, names = _sum_times_y()
    ax = draw_graph(value_graph(z, names))
    texts = [t.get_text() for t in ax.texts]
    red = sorted(t.get_text() for t in ax.texts if t.get_color() == BACKWARD_COLOR)
    assert {"x", "y", "z", "+", "×", "1", "2", "3", "6"} <= set(texts)
    assert red == sorted(["2", "2", "3", "2", "1"])
