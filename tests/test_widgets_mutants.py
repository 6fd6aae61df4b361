"""Tests for what `make mutation SCOPE=widgets` found untested (README, Mutation testing).

Each compares a widget's model, not its drawing, with an oracle of its own: the explorers
named by hand, an expression's label evaluated by Python.
"""

import math

import matplotlib
import pytest

matplotlib.use("Agg")

from scratch.widgets.autograd import EXPRESSIONS  # noqa: E402
from scratch.widgets.base import explorer_classes  # noqa: E402

# Every explorer of the notebooks, in module order (a new one is added here by hand).
EXPLORERS = [
    ("ActivationExplorer", "activations"), ("BackwardStepper", "autograd"),
    ("BatchNormComparison", "batchnorm"), ("SumTimesYExplorer", "graphs"),
    ("ShoppingExplorer", "graphs"), ("InitExplorer", "initialisation"),
    ("LayerStackExplorer", "network"), ("StepSizeExplorer", "numerical"),
    ("PathExplorer", "optimizers"), ("RegularisationExplorer", "regularisation"),
    ("SoftmaxExplorer", "softmax"), ("DigitViewer", "start"),
    ("PredictionBrowser", "training"),
]


def test_explorer_classes_finds_every_explorer_and_nothing_else():
    # Called inside a test (the other test modules call it while collecting, where mutmut's
    # mutants are not active): RegularisationExplorer is found by its `update` alone.
    found = explorer_classes()
    assert [(name, cls.__module__) for name, cls in found] == [
        (name, f"scratch.widgets.{module}") for name, module in EXPLORERS]
    assert all(cls.__name__ == name for name, cls in found)


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
