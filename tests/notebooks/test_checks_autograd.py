"""Notebook 13's exercise check (exp and log for the notebook's own Value): the notebook's
solution passes, and every hint is reached by a wrong solution."""

import json
import math
from pathlib import Path

import pytest

from scratch.autograd import Value as ScratchValue
from scratch.checks.autograd import check_exp_log, check_zero_grad
from tests.notebooks.check_output import NOT_IMPLEMENTED, expect_verdicts, one_line

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "13_autograd.ipynb"


def _cell(cells, start):
    return next("".join(c["source"]) for c in cells
                if c["cell_type"] == "code" and "".join(c["source"]).startswith(start))


def _notebook():
    """A fresh copy of the notebook's Value, topological_order and backward, defined by running
    their cells (a new class each time, so that a test may change it)."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    namespace = {}
    for start in ("class Value", "def topological_order", "def backward(root)"):
        source = _cell(cells, start)
        exec(source.split("\nx, y = ")[0].split("\nprint(")[0], namespace)  # noqa: S102
    return namespace


@pytest.fixture()
def nb():
    return _notebook()


def _with(exp, log, backward=None):
    """A fresh notebook Value with the given exp and log (and optionally another backward)."""
    ns = _notebook()
    ns["Value"].exp, ns["Value"].log = exp, log
    if backward:
        ns["Value"].backward = backward
    return ns["Value"]


def _exp(self):
    e = math.exp(self.data)
    return type(self)(e, (self,), (e,), "exp")


def _log(self):
    return type(self)(math.log(self.data), (self,), (1.0 / self.data,), "log")


def test_the_notebooks_solution_passes(nb, capsys):
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    exec(_cell(cells, "import math"), nb)  # noqa: S102 - the notebook's own solution
    assert check_exp_log(nb["Value"])
    assert one_line(capsys) == (
        "Value.exp and Value.log: OK (against math.exp, math.log and numerical gradients)")


def test_the_notebooks_answers_to_think_about_hold(nb):
    Value = nb["Value"]
    x = Value(3.0)
    z = x * x
    z.backward()
    z.backward()
    assert x.grad == 12.0  # exercise 2: twice 6
    x, y = Value(1.0), Value(2.0)
    z = (x + y) * y
    z.backward()
    z.backward()
    assert x.grad == 6.0  # three times the right 2, as the answer says
    x, y = Value(1.0), Value(2.0)  # exercise 3: the + node before the × node
    z = (x + y) * y
    z.grad = 1.0
    for node in nb["topological_order"](z):  # forward order instead of reversed
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
    assert (x.grad, y.grad) == (0.0, 3.0)


def test_mistakes_get_their_hints(capsys):
    def assigning_backward(root):
        root.grad = 1.0
        for node in reversed(_notebook()["topological_order"](root)):
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad = local * node.grad

    def stub(self):
        raise NotImplementedError

    def new(self, data, local_grads):
        return type(self)(data, (self,) if local_grads else (), local_grads)

    def rewrapped(name):  # scratch's method, its result re-boxed in the notebook's Value
        def method(self):
            r = getattr(ScratchValue(self.data), name)()
            return type(self)(r.data, (self,), r.local_grads, name)
        return method

    scratch_exp = ScratchValue.exp  # a saved reference, called on a stand-in object
    made_before = ScratchValue(1.0)  # made outside the check: returned, not constructed

    def saved_exp(self):
        r = scratch_exp(self)
        return type(self)(r.data, (self,), r.local_grads, "exp")

    cases = [
        (ScratchValue, "this is scratch.autograd.Value"),
        (_with(lambda self: ScratchValue(self.data).exp(), _log),
         "your exp or log calls scratch.autograd.Value"),
        (_with(rewrapped("exp"), _log), "your exp or log calls scratch.autograd.Value"),
        (_with(_exp, rewrapped("log")), "your exp or log calls scratch.autograd.Value"),
        (_with(saved_exp, _log), "your exp or log calls scratch.autograd.Value"),
        (_with(lambda self: made_before, _log), "the result is a scratch.autograd.Value"),
        (_with(lambda self: new(self, math.exp(self.data) + 1, (math.exp(self.data),)), _log),
         "exp's data should be e**x: for x = -1.3"),
        (_with(lambda self: new(self, math.exp(self.data), (self.data,)), _log),
         "exp's local derivative should be e**x"),
        (_with(lambda self: new(self, math.exp(self.data), ()), _log),
         "exp's local derivative should be e**x"),
        (_with(_exp, lambda self: new(self, math.log10(self.data), (1 / self.data,))),
         "log's data should be the natural log: for x = 0.3"),
        (_with(_exp, lambda self: new(self, math.log(self.data), (self.data,))),
         "log's local derivative should be 1 / x"),
        (_with(_exp, _log, assigning_backward), "uses x twice: does every node add (+=)"),
        (_with(stub, _log), NOT_IMPLEMENTED),
        (_notebook()["Value"], "your code raised AttributeError"),
    ]
    for value_class, hint in cases:
        assert not check_exp_log(value_class), hint
        line = one_line(capsys)
        assert line.startswith("Value.exp and Value.log: not yet - ") and hint in line, line


def _backward_ignoring_upstream(ops):
    """A backward in which the nodes made by `ops` pass their local derivative on unscaled."""
    def backward(root):
        root.grad = 1.0
        for node in reversed(_notebook()["topological_order"](root)):
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * (1.0 if node.op in ops else node.grad)
    return backward


def test_ignoring_the_upstream_gradient_is_named(capsys):
    for ops, hint in (({"exp", "log"}, "exp must multiply its local derivative"),
                      ({"log"}, "log must multiply its local derivative")):
        assert not check_exp_log(_with(_exp, _log, _backward_ignoring_upstream(ops)))
        assert hint in one_line(capsys)


# --- exercise 2: zero_grad -----------------------------------------------------------------

def _zero_grad_solution(root):
    for node in _notebook()["topological_order"](root):
        node.grad = 0.0


def test_zero_grad_right_answers(capsys):
    from scratch.autograd import topological_order

    def iterative(root):  # scratch's order works on any recorded graph
        for node in topological_order(root):
            node.grad = 0

    def returns_the_nodes(root):
        nodes = topological_order(root)
        for node in nodes:
            node.grad = 0.0
        return nodes

    for solution in (_zero_grad_solution, iterative, returns_the_nodes):
        assert check_zero_grad(solution), solution.__name__
        assert one_line(capsys) == (
            "zero_grad: OK (a second backward() gives the first one's gradients)")


def test_the_notebooks_zero_grad_passes(capsys):
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    namespace = _notebook()
    exec(_cell(cells, "def zero_grad"), namespace)  # noqa: S102 - the notebook's solution
    assert check_zero_grad(namespace["zero_grad"])
    assert one_line(capsys).startswith("zero_grad: OK")


def test_zero_grad_mistakes(capsys):
    order = _notebook()["topological_order"]

    def nothing(root):
        pass

    def inputs_only(root):
        for node in order(root):
            if not node.parents:
                node.grad = 0.0
        root.grad = 0.0

    def leaves_only(root):  # the per-node zero_grad() on the inputs only
        for node in order(root):
            if not node.parents:
                node.grad = 0.0

    def all_but_the_output(root):
        for node in order(root):
            if node is not root:
                node.grad = 0.0

    def operations_only(root):
        for node in order(root):
            if node.parents:
                node.grad = 0.0

    def rebuilds(root):
        for node in order(root):
            node.grad = 0.0
        root.parents = root.parents[:1]

    def touches_data(root):
        for node in order(root):
            node.grad, node.data = 0.0, 0.0

    def clears_the_rules(root):  # zeroes grads and local derivatives: the second pass breaks
        for node in order(root):
            node.grad = 0.0
            node.local_grads = tuple(0.0 for _ in node.local_grads)

    def stub(root):
        raise NotImplementedError

    cases = [
        (nothing, "z = (x + y) * y: the inner nodes (such as x + y) keep their gradients"),
        (inputs_only, "the inner nodes (such as x + y) keep their gradients"),
        (leaves_only, "the inner nodes (such as x + y) keep their gradients"),
        (all_but_the_output, "z = (x + y) * y: the output's own grad is still 1: zero it too"),
        (operations_only, "an input still has a gradient: zero the inputs too"),
        (rebuilds, "zero_grad must change only .grad, not data or the graph"),
        (touches_data, "zero_grad must change only .grad"),
        (clears_the_rules, "after zero_grad and a second backward, d/dx is 0, expected 2"),
        (stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_zero_grad, cases, capsys, name="zero_grad")
