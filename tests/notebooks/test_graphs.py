"""The graph drawing helper and the book's examples, drawn off-screen (Agg backend)."""

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from scratch.plots.graphs import (  # noqa: E402
    BACKWARD_COLOR,
    Graph,
    apple_graph,
    apple_orange_graph,
    draw_graph,
    format_value,
    sum_times_y_graph,
)


def texts(ax):
    return [t.get_text() for t in ax.texts]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_format_value_hides_the_last_bit_of_floating_point():
    assert format_value(715.0000000000001) == "715"
    assert format_value(3.3000000000000003) == "3.3"
    assert format_value(110.00000000000001) == "110"
    assert format_value(-0.0) == "0"
    assert format_value(0.5) == "0.5"
    assert format_value(r"$\partial z$") == r"$\partial z$"


def test_apple_example_has_the_books_values_and_gradients():
    g = apple_graph()
    assert g.edge("mul_apple", "mul_tax").value == 200
    assert g.edge("mul_tax", "price").value == pytest.approx(220)
    assert g.edge("apple", "mul_apple").grad == pytest.approx(2.2)
    assert g.edge("apple_num", "mul_apple").grad == pytest.approx(110)
    assert g.edge("tax", "mul_tax").grad == pytest.approx(200)
    r = g.results
    assert (r["price"], r["dapple"], r["dapple_num"], r["dtax"]) == pytest.approx(
        (220, 2.2, 110, 200))


def test_apple_orange_example_has_the_books_values_and_gradients():
    r = apple_orange_graph().results
    expected = dict(price=715, dapple=2.2, dapple_num=110, dorange=3.3, dorange_num=165,
                    dtax=650, all_price=650, dall_price=1.1)
    for key, value in expected.items():
        assert r[key] == pytest.approx(value), key
    g = apple_orange_graph(apple=50, apple_num=4, orange=10, orange_num=1, tax=1.0)
    assert g.results["price"] == pytest.approx(210)
    assert g.edge("orange", "mul_orange").grad == pytest.approx(1.0)
    assert g.edge("add", "mul_tax").value == pytest.approx(210)


def test_a_value_used_twice_gets_the_sum_of_its_gradients():
    r = sum_times_y_graph(1.0, 2.0).results
    assert (r["z"], r["dx"], r["dy_add"], r["dy_mul"], r["dy"]) == (6, 2, 2, 3, 5)
    x, y = -1.5, 0.5
    r = sum_times_y_graph(x, y).results
    assert r["dx"] == pytest.approx(y) and r["dy"] == pytest.approx(x + 2 * y)


def test_drawing_writes_labels_values_and_gradients():
    g = apple_orange_graph()
    ax = draw_graph(g)
    shown = texts(ax)
    for label in ("apple", "apple count", "orange", "orange count", "tax", "price", "×", "+"):
        assert label in shown, label
    for value in ("100", "2", "150", "3", "1.1", "200", "450", "650", "715"):
        assert value in shown, value
    assert "715.0000000000001" not in shown
    red = [t.get_text() for t in ax.texts if t.get_color() == BACKWARD_COLOR]
    assert sorted(red) == sorted(["2.2", "110", "3.3", "165", "1.1", "1.1", "1.1", "650", "1"])
    assert ax.get_title().startswith("price =")
    # Forward values sit above a left-to-right arrow, gradients below it.
    by_text = {t.get_text(): t.get_position()[1] for t in ax.texts}
    assert by_text["715"] > g.nodes["price"].xy[1] > by_text["1"]


def test_show_backward_false_draws_no_gradients_and_an_existing_axes_is_used():
    _, ax = plt.subplots()
    out = draw_graph(apple_graph(), ax=ax, show_backward=False)
    assert out is ax
    assert not [t for t in ax.texts if t.get_color() == BACKWARD_COLOR]
    assert "220" in texts(ax)


def test_hand_built_graph_with_symbolic_labels():
    g = Graph().add_node("x", "x", (0, 0), op=False).add_node("sq", "**2", (1.5, 0))
    g.add_node("z", "z", (3, 0), op=False)
    g.add_edge("x", "sq", value="x", grad=r"$2x$").add_edge("sq", "z", value=4.0)
    ax = draw_graph(g)
    assert {"x", "**2", "z", "$2x$", "4"} <= set(texts(ax))


def test_bad_graphs_raise_clear_errors():
    g = Graph().add_node("a", "a", (0, 0), op=False)
    with pytest.raises(ValueError, match="a node named 'a' exists already"):
        g.add_node("a", "b", (1, 0))
    with pytest.raises(ValueError, match="no node named 'b'"):
        g.add_edge("a", "b")
    with pytest.raises(KeyError, match="no edge 'a' -> 'a'"):
        g.edge("a", "a")
    with pytest.raises(ValueError, match="has no nodes"):
        draw_graph(Graph())
    g.add_node("c", "+", (0, 0)).add_edge("a", "c")
    with pytest.raises(ValueError, match="joins one point to itself"):
        draw_graph(g)
