"""Notebook 13's backward stepper, driven by clicking its buttons (no browser): what the summary
says and what the figure draws after every Step and Reset."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import math

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from scratch.plots.graphs import BACKWARD_COLOR  # noqa: E402
from scratch.plots.recorded import value_graph  # noqa: E402
from scratch.widgets.autograd import EXPRESSIONS, BackwardStepper  # noqa: E402


def _ax(stepper):
    return stepper.figure.fig.axes[0]


def _red_texts(stepper):
    """The gradients written (an arrow whose operation has not run yet shows none)."""
    return sorted(t.get_text() for t in _ax(stepper).texts
                  if t.get_color() == BACKWARD_COLOR and t.get_text())


def _rings(stepper):
    """Centres of the red rings drawn around the current node."""
    return [p.center for p in _ax(stepper).patches
            if isinstance(p, Circle) and not p.get_fill() and p.get_visible()]


def _xy(stepper, label):
    return next(n.xy for n in _graph_nodes(stepper) if n.label == label)


def _graph_nodes(stepper):
    return value_graph(stepper.root, stepper.names).nodes.values()


def test_before_the_first_step_only_the_output_has_a_gradient():
    s = BackwardStepper("z = (x + y) * y")
    assert "Backward starts at the output with its own gradient 1" in s.summary.value
    assert _red_texts(s) == ["1", "grad 0", "grad 0"]
    assert _rings(s) == []
    assert _ax(s).get_title() == "z = (x + y) * y"


def test_each_step_shows_local_times_upstream_and_the_gradients_accumulate():
    s = BackwardStepper("z = (x + y) * y")
    s.step.click()
    assert "Step 1 of 2: the <b>×</b> node (value 6, gradient 1)" in s.summary.value
    assert "into y: local derivative 3 × upstream 1 = <b>3</b>; its grad 0 → 3" in s.summary.value
    assert "into the + node: local derivative 2 × upstream 1 = <b>2</b>" in s.summary.value
    # The × node's two arrows now carry 2 and 3; y has collected 3 so far.
    assert _red_texts(s) == sorted(["1", "2", "3", "grad 0", "grad 3"])
    assert _rings(s) == [pytest.approx(_xy(s, "×"))]
    s.step.click()
    assert "into y: local derivative 1 × upstream 2 = <b>2</b>; its grad 3 → 5" in s.summary.value
    assert "Backward done: dz/dx = 2, dz/dy = 5" in s.summary.value
    assert _red_texts(s) == sorted(["1", "2", "3", "2", "2", "grad 2", "grad 5"])
    assert _rings(s) == [pytest.approx(_xy(s, "+"))]
    outputs, summary = s.out.outputs, s.summary.value
    s.step.click()  # nothing left to do: nothing changes
    assert s.out.outputs == outputs and s.summary.value == summary and s.position == 2


def test_reset_starts_again_and_the_menu_changes_the_expression():
    s = BackwardStepper("z = (x + y) * y")
    s.step.click()
    s.reset.click()
    assert s.position == 0 and _red_texts(s) == ["1", "grad 0", "grad 0"]
    s.expression.value = "price = apple * count * tax"
    assert _ax(s).get_title() == "price = apple * count * tax"
    labels = {t.get_text() for t in _ax(s).texts}
    assert {"apple", "apple count", "tax", "price", "100", "220"} <= labels
    s.step.click()
    assert "into tax: local derivative 200 × upstream 1 = <b>200</b>" in s.summary.value
    s.step.click()
    assert "Backward done: dprice/dapple = 2.2, dprice/dapple count = 110, dprice/dtax = 200" \
        in s.summary.value
    assert plt.get_fignums() == []  # Figure objects, never pyplot
    s.expression.value = "z = (x + y) * y"  # back to the first figure, kept: reset, redrawn
    assert s.position == 0 and _red_texts(s) == ["1", "grad 0", "grad 0"] and _rings(s) == []


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_stepping_to_the_end_equals_backward(expression):
    s = BackwardStepper(expression, show_plot=False)
    for _ in range(len(s.queue)):
        s.do_step()
    reference_root, reference_names = EXPRESSIONS[expression]()
    reference_root.backward()
    for name, value in s.names.items():
        assert value.grad == pytest.approx(reference_names[name].grad), name
    assert s.figure is None


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_every_step_shows_what_a_full_draw_shows(expression):
    from tests.notebooks.test_widgets_base import assert_same_picture  # the live figure's own test

    s = BackwardStepper(expression)
    assert_same_picture(s)
    for _ in range(len(s.queue)):
        s.step.click()
        assert_same_picture(s)
    s.reset.click()
    assert_same_picture(s)


def _by_hand(expression):
    """d(output)/d(input) for every input of EXPRESSIONS[expression], differentiated by hand."""
    if expression == "z = (x + y) * y":  # x = 1, y = 2
        return {"x": 2.0, "y": 1.0 + 2 * 2.0}
    if expression == "z = (x + y) ** 2":
        return {"x": 2 * 3.0, "y": 2 * 3.0}
    if expression == "price = apple * count * tax":  # 100, 2, 1.1
        return {"apple": 2 * 1.1, "apple count": 100 * 1.1, "tax": 100 * 2.0}
    slope = 1 - np.tanh(2.0 * -0.5 + 0.5) ** 2  # x = 2, w = -0.5, b = 0.5
    return {"x": slope * -0.5, "w": slope * 2.0, "b": slope}


def _input_grads(stepper):
    """{input name: the gradient written under it}."""
    _, (_, _, texts) = stepper._figures[stepper.expression.value]
    names = {id(v): name for name, v in stepper.names.items()}
    return {names[id(node)]: float(text.get_text().split()[1])
            for node, text in zip(stepper.order, texts) if text is not None}


def _black_texts(stepper):
    """Everything written that is not a gradient: names, forward values, the title."""
    return [t.get_text() for t in _ax(stepper).texts if t.get_color() != BACKWARD_COLOR]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_the_drawn_gradients_end_at_the_derivatives_by_hand_and_match_every_summary(expression):
    s = BackwardStepper()
    s.expression.value = expression  # the menu: the drawn graph is this expression's
    assert _ax(s).get_title() == expression
    forward, start = _black_texts(s), s.summary.value
    assert set(_input_grads(s).values()) == {0.0}
    for _ in s.queue:
        s.step.click()
        assert _black_texts(s) == forward  # a step passes gradients back: no forward value moves
        drawn = _input_grads(s)
        # "into <input>: ... its grad a → b": b is what is now written under that input
        for line in s.summary.value.split("<br>"):
            target = line.removeprefix("into ").split(":")[0]
            if target in drawn:
                assert float(line.rsplit("→ ", 1)[1]) == drawn[target], line
    assert drawn == pytest.approx(_by_hand(expression), rel=5e-4)  # 4 significant digits
    done = s.summary.value.split("Backward done: ")[1].split(", ")
    head = expression.split(" =")[0]
    assert {part.split(" = ")[0].removeprefix(f"d{head}/d"): float(part.split(" = ")[1])
            for part in done} == drawn
    s.reset.click()  # the start again: said, and every input's gradient drawn as 0
    assert s.summary.value == start and "its own gradient 1" in start
    assert set(_input_grads(s).values()) == {0.0} and _black_texts(s) == forward


def _leaves(label, names):
    """{variable of the label: its Value}; "apple count" is the label's "count"."""
    out = label.split("=")[0].strip()
    return {name.split()[-1]: value for name, value in names.items() if name.split()[-1] != out}


@pytest.mark.parametrize("label", EXPRESSIONS)
def test_each_expression_builds_the_graph_its_label_names(label):
    root, names = EXPRESSIONS[label]()
    formula = label.split("=", 1)[1]
    leaves = _leaves(label, names)
    values = {name: leaf.data for name, leaf in leaves.items()}

    def f(**at):
        return eval(formula, {"tanh": math.tanh}, at)

    assert root.data == pytest.approx(f(**values), rel=1e-12)
    root.backward()
    h = 1e-6
    for name, leaf in leaves.items():
        numeric = (f(**{**values, name: values[name] + h})
                   - f(**{**values, name: values[name] - h})) / (2 * h)
        assert leaf.grad == pytest.approx(numeric, rel=1e-6), name
