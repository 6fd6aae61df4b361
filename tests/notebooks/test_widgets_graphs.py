"""The notebook 01/02 graph explorers, driven by setting the sliders' values (no browser)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from scratch.widgets.graphs import ShoppingExplorer, SumTimesYExplorer  # noqa: E402
from tests.notebooks.test_widgets_controls import bold_numbers, numbers  # noqa: E402


def test_sum_times_y_summary_follows_the_sliders():
    e = SumTimesYExplorer(show_plot=False)
    assert "= <b>6</b>" in e.summary.value
    assert "dz/dx = y = <b>2</b>" in e.summary.value
    assert "dz/dy = (x + y) + y = 3 + 2 = <b>5</b>" in e.summary.value
    e.x.value = -0.5
    e.y.value = 1.5
    assert "(-0.5 + 1.5) · 1.5 = <b>1.5</b>" in e.summary.value
    assert "dz/dx = y = <b>1.5</b>" in e.summary.value
    assert "= 1 + 1.5 = <b>2.5</b>" in e.summary.value


def test_shopping_summary_hides_the_formulas_until_asked():
    e = ShoppingExplorer(show_plot=False)
    assert "∂price/∂apple = <b>2.2</b>" in e.summary.value
    assert "apple count × tax" not in e.summary.value
    e.show_formulas.value = True
    assert "∂price/∂apple = apple count × tax = <b>2.2</b>" in e.summary.value


def test_shopping_summary_gives_the_books_numbers_and_follows_the_sliders():
    e = ShoppingExplorer(show_plot=False)
    e.show_formulas.value = True
    s = e.summary.value
    assert "price = (200 + 450) × 1.1 = <b>715</b>" in s
    for part in ("∂price/∂apple = apple count × tax = <b>2.2</b>",
                 "∂price/∂apple count = apple × tax = <b>110</b>",
                 "∂price/∂orange = orange count × tax = <b>3.3</b>",
                 "∂price/∂orange count = orange × tax = <b>165</b>",
                 "= <b>650</b>"):
        assert part in s, part
    e.orange_num.value = 0
    e.tax.value = 1.0
    s = e.summary.value
    assert "price = (200 + 0) × 1 = <b>200</b>" in s
    assert "∂price/∂orange = orange count × tax = <b>0</b>" in s
    assert "∂price/∂tax = apple × apple count + orange × orange count = <b>200</b>" in s


def test_the_figure_is_drawn_and_closed_again():
    # Outside a kernel the Output widget captures nothing; drawing must still work and must
    # not leave a figure open per slider move.
    e = ShoppingExplorer()
    e.apple.value = 120
    assert "price = (240 + 450)" in e.summary.value
    e = SumTimesYExplorer()
    e.x.value = 2.0
    assert "dz/dx = y = <b>2</b>" in e.summary.value
    assert plt.get_fignums() == []


def test_the_figure_shows_the_current_numbers():
    e = SumTimesYExplorer(x=1.0, y=2.0)
    e.x.value = -0.5
    e.y.value = 1.5
    shown = {key: text.get_text() for key, text in e.labels.items()}
    # Edges: x -> +, y -> +, y -> ×, + -> ×, × -> z; forward values above, gradients below.
    assert [shown[(i, "value")] for i in range(5)] == ["-0.5", "1.5", "1.5", "1", "1.5"]
    assert [shown[(i, "grad")] for i in range(5)] == ["1.5", "1.5", "1", "1.5", "1"]
    shop = ShoppingExplorer()
    shop.tax.value = 1.0
    assert shop.labels[(8, "value")].get_text() == "650"  # × tax -> price


def _drawn(explorer):
    """{(edge index, 'value' or 'grad'): the number written on the figure there}."""
    return {key: float(text.get_text()) for key, text in explorer.labels.items()}


def _sum_times_y_by_hand(x, y):
    """The five arrows x -> +, y -> +, y -> ×, + -> ×, × -> z of z = (x + y) * y: forward
    values and gradients, worked out by hand (dz/dt = y for t = x + y, dz/dy = t along ×)."""
    values = [x, y, y, x + y, (x + y) * y]
    grads = [y, y, x + y, y, 1.0]
    return {**{(i, "value"): v for i, v in enumerate(values)},
            **{(i, "grad"): g for i, g in enumerate(grads)}}


def test_sum_times_y_each_slider_moves_the_numbers_that_depend_on_it_and_no_other():
    e = SumTimesYExplorer(x=1.0, y=2.0)
    for control, value in ((e.x, -2.5), (e.y, 0.5), (e.x, 3.0), (e.y, -3.0)):
        before, expected_before = _drawn(e), _sum_times_y_by_hand(e.x.value, e.y.value)
        control.value = value
        expected = _sum_times_y_by_hand(e.x.value, e.y.value)
        drawn = _drawn(e)
        assert drawn == pytest.approx(expected), control.description
        # x enters only its own arrow, the sum, the product and y's arrow into ×: the rest stays
        for key in expected:
            if expected[key] == expected_before[key]:
                assert drawn[key] == before[key], (control.description, key)
        if control is e.x:
            assert {k for k in expected if drawn[k] != before[k]} == {
                (0, "value"), (3, "value"), (4, "value"), (2, "grad")}
        z, dx, dy = bold_numbers(e.summary.value)
        assert z == drawn[(4, "value")] and dx == drawn[(0, "grad")]
        assert dy == pytest.approx(drawn[(1, "grad")] + drawn[(2, "grad")])  # y's two arrows


def _shopping_by_hand(apple, apple_num, orange, orange_num, tax):
    """The nine arrows of the apple-orange graph (apple, apple count, orange, orange count,
    apple price, orange price, sum, tax, price): forward values and gradients by hand."""
    total = apple * apple_num + orange * orange_num
    values = [apple, apple_num, orange, orange_num, apple * apple_num, orange * orange_num,
              total, tax, total * tax]
    grads = [apple_num * tax, apple * tax, orange_num * tax, orange * tax, tax, tax, tax,
             total, 1.0]
    return {**{(i, "value"): v for i, v in enumerate(values)},
            **{(i, "grad"): g for i, g in enumerate(grads)}}


def test_shopping_every_slider_moves_the_figure_and_the_summary_states_its_numbers():
    e = ShoppingExplorer()
    moves = ((e.apple, 310), (e.apple_num, 7), (e.orange, 40), (e.orange_num, 0), (e.tax, 1.25))
    for control, value in moves:
        before = _drawn(e)
        control.value = value
        inputs = [c.value for c in (e.apple, e.apple_num, e.orange, e.orange_num, e.tax)]
        drawn = _drawn(e)
        assert drawn == pytest.approx(_shopping_by_hand(*inputs), rel=1e-6), control.description
        assert drawn != before, control.description
        if control is e.apple:  # the orange side of the graph does not see the apple's price
            assert all(drawn[i, part] == before[i, part]
                       for i in (2, 3, 5) for part in ("value", "grad"))
        price, *grads = bold_numbers(e.summary.value)
        assert price == drawn[(8, "value")]
        assert grads == [drawn[(i, "grad")] for i in (0, 1, 2, 3, 7)]
        apple_price, orange_price = numbers(e.summary.value)[:2]
        assert (apple_price, orange_price) == (drawn[(4, "value")], drawn[(5, "value")])
    drawn, picture = _drawn(e), e.out.outputs
    e.show_formulas.value = True  # words in the summary only
    assert _drawn(e) == drawn and e.out.outputs == picture
