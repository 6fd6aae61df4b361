"""The notebook 01/02 graph explorers, driven by setting the sliders' values (no browser)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from scratch.widgets.graphs import ShoppingExplorer, SumTimesYExplorer  # noqa: E402


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
