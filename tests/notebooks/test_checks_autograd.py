"""Notebook 13's exercise check (exp and log for the notebook's own Value): the notebook's
solution passes, and every hint is reached by a wrong solution."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from scratch.autograd import Value as ScratchValue
from scratch.checks.autograd import check_exp_log, check_zero_grad
from tests.notebooks.check_output import NOT_IMPLEMENTED, expect_verdicts, one_line, record

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
    expect_verdicts(check_exp_log, [(nb["Value"], None), (_with(_exp, _log), None)], capsys,
                    "Value.exp and Value.log: OK (against math.exp, math.log and numerical "
                    "gradients)")


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
        (ScratchValue, "this is scratch.autograd.Value", "subclass"),
        (type("Sub", (ScratchValue,), {}), "this is scratch.autograd.Value", "subclass"),
        (_with(lambda self: ScratchValue(self.data).exp(), _log),
         "your exp or log calls scratch.autograd.Value", "wrapper"),
        (_with(rewrapped("exp"), _log), "your exp or log calls scratch.autograd.Value",
         "wrapper"),
        (_with(_exp, rewrapped("log")), "your exp or log calls scratch.autograd.Value",
         "wrapper"),
        (_with(saved_exp, _log), "your exp or log calls scratch.autograd.Value",
         "saved reference"),
        (_with(lambda self: made_before, _log), "the result is a scratch.autograd.Value",
         "saved reference"),
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
    expect_verdicts(check_exp_log, cases, capsys, name="Value.exp and Value.log")


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

    expect_verdicts(check_zero_grad, [(s, None) for s in (_zero_grad_solution, iterative,
                                                         returns_the_nodes)], capsys,
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


# --- exercise 4: backward(root) with an order of its own -----------------------------------

from scratch.checks.autograd_backward import check_backward, check_tensor_mul  # noqa: E402

BACKWARD_OK = ("backward: OK (two small graphs, 25 stacked diamonds and a chain 6,000 nodes "
               "deep)")


def _iterative_order(root, dedupe=True):
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif not dedupe or id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    return order


def _backward(root, order=None, assign=False, seed=True):
    order = _iterative_order(root) if order is None else order
    if seed:
        root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            if assign:
                parent.grad = local * node.grad
            else:
                parent.grad += local * node.grad


def test_the_notebooks_backward_passes(capsys):
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    namespace = {}
    exec(_cell(cells, "def backward_iterative"), namespace)  # noqa: S102
    assert check_backward(namespace["backward_iterative"])
    assert one_line(capsys) == BACKWARD_OK


def test_backward_right_answers_in_several_styles(capsys):
    def kahn(root):  # Kahn's algorithm: a node once all of its users have passed back
        nodes = _iterative_order(root)
        users = {id(n): 0 for n in nodes}
        for n in nodes:
            for p in n.parents:
                users[id(p)] += 1
        root.grad = 1.0
        ready = [root]
        while ready:
            node = ready.pop()
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * node.grad
                users[id(parent)] -= 1
                if users[id(parent)] == 0:
                    ready.append(parent)

    def zeroes_first(root):
        order = _iterative_order(root)
        for node in order:
            node.grad = 0.0
        _backward(root, order)

    def adds_the_seed(root):
        root.grad += 1.0
        _backward(root, seed=False)

    for solution in (_backward, kahn, zeroes_first, adds_the_seed):
        record(check_backward, "right")
        assert check_backward(solution), solution.__name__
        assert one_line(capsys) == BACKWARD_OK


def test_backward_mistakes_get_their_hints(capsys):
    def recursive_order(root):
        _backward(root, _notebook()["topological_order"](root))

    def forward_order(root):
        _backward(root, list(reversed(_iterative_order(root))))

    def no_seed(root):
        _backward(root, seed=False)

    def assigns(root):
        _backward(root, assign=True)

    def duplicates(root):  # no set of the nodes seen: a node once per path
        def post(node):
            return [n for p in node.parents for n in post(p)] + [node]
        _backward(root, post(root))

    def per_path(root):  # every path separately: right numbers, exponential time
        stack = [(root, 1.0)]
        while stack:
            node, g = stack.pop()
            node.grad += g
            stack.extend((p, local * g) for p, local in zip(node.parents, node.local_grads))

    def scaled(root):
        _backward(root)
        for node in _iterative_order(root):
            if not node.parents:
                node.grad *= 1.5

    def changes_data(root):
        _backward(root)
        root.data = 0.0

    def stub(root):
        raise NotImplementedError

    def raises_the_limit(root):
        # the recursive order of the notebook's section 2, with the limit raised out of the way
        import sys
        sys.setrecursionlimit(20_000)
        recursive_order(root)

    cases = [
        (recursive_order, "Python's recursion limit stopped your topological order"),
        (raises_the_limit, "your code changed Python's recursion limit", "wrapper"),
        (forward_order, "z = (x + y) * y: the nodes were visited parents first"),
        (no_seed, "z = (x + y) * y: every gradient is 0: seed the output first"),
        (assigns, "z = (x + y) * y: a value used twice keeps only one path's share"),
        (duplicates, "a diamond, d = a * k1 + a * k2 with a = u * v: a node listed twice"),
        (per_path, "visits a node again for every path that reaches it"),
        (scaled, "z = (x + y) * y: d/dx differs from the chain rule's"),
        (changes_data, "backward must change only .grad, not data or the graph"),
        (stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_backward, cases, capsys, name="backward")


def test_backward_refuses_scratchs_order_and_backward(capsys):
    from scratch.autograd import _Node, topological_order

    def with_scratchs_order(root):
        _backward(root, topological_order(root))

    saved = _Node.backward

    def with_scratchs_backward(root):
        saved(root)

    for solution, kind in ((with_scratchs_order, "wrapper"), (with_scratchs_backward,
                                                               "saved reference")):
        record(check_backward, kind)
        assert not check_backward(solution), solution.__name__
        assert "find the order and pass the gradients yourself" in one_line(capsys)


# --- exercise 5: tensor_mul with un-broadcasting -------------------------------------------

TENSOR_MUL_OK = ("tensor_mul: OK (shapes (4, 3) * (3,), (4, 1) * (1, 3), (4, 3) * scalar, "
                 "(3,) * (4, 3), a * a)")


def _sum_back(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def _mul(reduce=_sum_back, local=lambda own, other: other, assign=False, upstream=True):
    from scratch.autograd import Tensor

    def tensor_mul(a, b):
        out = Tensor(a.data * b.data, (a, b), "*")

        def _backward():
            g = out.grad if upstream else np.ones_like(out.grad)
            for t, other in ((a, b), (b, a)):
                share = reduce(g * local(t.data, other.data), t.data.shape)
                if assign:
                    t.grad = share
                else:
                    t.grad += share
        out._backward = _backward
        return out
    return tensor_mul


def test_the_notebooks_tensor_mul_passes(capsys):
    from scratch.autograd import Tensor

    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    namespace = {"Tensor": Tensor}
    exec(_cell(cells, "def tensor_mul"), namespace)  # noqa: S102
    assert check_tensor_mul(namespace["tensor_mul"])
    assert one_line(capsys) == TENSOR_MUL_OK


def test_tensor_mul_right_answers_in_several_styles(capsys):
    def by_axes(grad, shape):  # one sum over every axis to remove, then a reshape
        extra = grad.ndim - len(shape)
        axes = tuple(range(extra)) + tuple(
            extra + i for i, s in enumerate(shape) if s == 1 and grad.shape[extra + i] != 1)
        return grad.sum(axis=axes).reshape(shape)

    def padded(grad, shape):  # sum with keepdims over the padded shape, then reshape
        full = (1,) * (grad.ndim - len(shape)) + tuple(shape)
        axes = tuple(i for i, s in enumerate(full) if s == 1 and grad.shape[i] != 1)
        return grad.sum(axis=axes, keepdims=True).reshape(shape)

    for solution in (_mul(), _mul(by_axes), _mul(padded)):
        record(check_tensor_mul, "right")
        assert check_tensor_mul(solution)
        assert one_line(capsys) == TENSOR_MUL_OK


def test_tensor_mul_mistakes_get_their_hints(capsys):
    from scratch.autograd import Tensor

    def no_unbroadcast(grad, shape):
        return grad

    def drops_size_one_axes(grad, shape):
        while grad.ndim > len(shape):
            grad = grad.sum(axis=0)
        for axis, size in enumerate(shape):
            if size == 1:
                return grad.sum(axis=axis)
        return grad

    def assigns_wider(grad, shape):  # `=` keeps the wide gradient, no error from NumPy
        return grad

    def means(grad, shape):
        n = grad.size // max(1, int(np.prod(shape)))
        return _sum_back(grad, shape) / n

    def off(grad, shape):
        return 1.01 * _sum_back(grad, shape)

    def wrong_forward(a, b):
        return Tensor(a.data + b.data, (a, b), "*")

    def not_a_tensor(a, b):
        return a.data * b.data

    def stub(a, b):
        raise NotImplementedError

    def special_cases_squares(a, b):  # d(a^2)/da = 2a, given to both shares: 4a in all
        out = _mul()(a, b)
        if a is b:
            def _backward():
                a.grad += 2 * _sum_back(out.grad * a.data, a.data.shape)
                a.grad += 2 * _sum_back(out.grad * a.data, a.data.shape)
            out._backward = _backward
        return out

    cases = [
        (_mul(no_unbroadcast), "(4, 3) * (3,): the gradient of an input must have that input's "
                               "shape"),
        (_mul(drops_size_one_axes), "(4, 1) * (1, 3): the gradient of an input must have"),
        (_mul(assigns_wider, assign=True), "(4, 3) * (3,): b.grad should keep b's shape (3,), "
                                           "got (4, 3)"),
        (_mul(local=lambda own, other: own), "each input's local derivative is the *other* "
                                             "input"),
        (_mul(upstream=False), "multiply by out.grad, the gradient arriving from the output"),
        (_mul(means), "(4, 3) * (3,): an entry broadcast n times is used n times"),
        (_mul(off), "(4, 3) * (3,): a.grad differs from out.grad * the other input"),
        (_mul(assign=True), "a * a: a.grad holds one input's share, not both"),
        (special_cases_squares, "a * a: a.grad should be 2 * a * out.grad"),
        (wrong_forward, "the forward value should be a.data * b.data"),
        (not_a_tensor, "return a Tensor"),
        (stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_tensor_mul, cases, capsys, name="tensor_mul")


def test_tensor_mul_refuses_scratchs_unbroadcast(capsys):
    from scratch.autograd import _unbroadcast

    record(check_tensor_mul, "wrapper")
    assert not check_tensor_mul(_mul(_unbroadcast))
    assert "calls scratch.autograd's _unbroadcast" in one_line(capsys)
