"""Checks for notebook 13's exercises: `exp` and `log` added to the notebook's own Value, and
`zero_grad(root)`, which clears the gradients of a whole graph before a second backward pass.

The references are written here (`math`, centred differences, and `_Ref`, a minimal recorded
value with its own backward pass; only the graph walk comes from `scratch.autograd`); a Value
class taken from scratch.autograd is refused.
"""

import math

from scratch.autograd import Value as ScratchValue
from scratch.autograd import topological_order
from scratch.checks import Fail, refusing_calls, run_check

__all__ = ["check_exp_log", "check_zero_grad"]


def _numerical(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


def _grad_of(value_class, build, x):
    """d build(v) / dv at x with the learner's class: (result's data, v.grad)."""
    v = value_class(x)
    out = build(v)
    if isinstance(out, ScratchValue):
        raise Fail("the result is a scratch.autograd.Value: build exp and log in the "
                   "notebook's own Value class")
    out.backward()
    return out.data, v.grad


def _own_work():
    """While the learner's code runs, scratch's Value (its exp, log, tanh and constructor)
    refuses to be called: a wrapper that re-boxes its results would pass otherwise."""
    return refusing_calls(
        [ScratchValue.exp, ScratchValue.log, ScratchValue.tanh, ScratchValue.__init__],
        "your exp or log calls scratch.autograd.Value: compute the value and its local "
        "derivative with math in the notebook's own Value")


def check_exp_log(value_class):
    """value_class: the notebook's Value with methods exp() and log(), each a Value recording
    its input and local derivative, so that backward() fills the input's grad."""

    def check():
        if isinstance(value_class, type) and issubclass(value_class, ScratchValue):
            raise Fail("this is scratch.autograd.Value: add exp and log to the notebook's Value")
        with _own_work():
            return _check_exp_log(value_class)

    return run_check("Value.exp and Value.log", check)


def _check_exp_log(value_class):
    """The checks of exp and log, each against math and the chain rule."""
    for x in (-1.3, 0.4, 2.0):
        data, grad = _grad_of(value_class, lambda v: v.exp(), x)
        if not math.isclose(data, math.exp(x), rel_tol=1e-9):
            raise Fail(f"exp's data should be e**x: for x = {x} expected "
                       f"{math.exp(x):.6g}, got {data}")
        if not math.isclose(grad, math.exp(x), rel_tol=1e-7):
            raise Fail("exp's local derivative should be e**x, the result itself")
        _, grad = _grad_of(value_class, lambda v: v.exp() * 3.0, x)
        if not math.isclose(grad, 3.0 * math.exp(x), rel_tol=1e-7):
            raise Fail("exp must multiply its local derivative by the gradient arriving "
                       "from its output (here 3)")
    for x in (0.3, 1.0, 4.5):
        data, grad = _grad_of(value_class, lambda v: v.log(), x)
        if not math.isclose(data, math.log(x), rel_tol=1e-9, abs_tol=1e-12):
            raise Fail(f"log's data should be the natural log: for x = {x} expected "
                       f"{math.log(x):.6g}, got {data}")
        if not math.isclose(grad, 1.0 / x, rel_tol=1e-7):
            raise Fail("log's local derivative should be 1 / x")
        _, grad = _grad_of(value_class, lambda v: v.log() * 3.0, x)
        if not math.isclose(grad, 3.0 / x, rel_tol=1e-7):
            raise Fail("log must multiply its local derivative by the gradient arriving "
                       "from its output (here 3)")
    x = 0.7  # both on one input, and a chain: log(exp(x) * x) = x + log x
    _, grad = _grad_of(value_class, lambda v: (v.exp() * v).log(), x)
    numeric = _numerical(lambda u: math.log(math.exp(u) * u), x)
    if not math.isclose(grad, numeric, rel_tol=1e-6):
        raise Fail("log(exp(x) * x) uses x twice: does every node add (+=) into its "
                   "inputs' grad?")
    return "(against math.exp, math.log and numerical gradients)"


class _Ref:
    """A recorded number as in the notebook (data, grad, parents, local_grads, op)."""

    def __init__(self, data, parents=(), local_grads=(), op=""):
        self.data, self.grad = float(data), 0.0
        self.parents, self.local_grads, self.op = parents, local_grads, op

    def __add__(self, other):
        return _Ref(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):
        return _Ref(self.data * other.data, (self, other), (other.data, self.data), "*")

    def nodes(self):
        """Every node this one depends on, each after its parents (any depth)."""
        return topological_order(self)

    def backward(self):
        self.grad = 1.0
        for node in reversed(self.nodes()):
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * node.grad


def _graphs():
    """(name, root, inputs, expected gradients of root with respect to the inputs)."""
    x, y = _Ref(1.0), _Ref(2.0)
    yield "z = (x + y) * y", (x + y) * y, {"x": x, "y": y}, {"x": 2.0, "y": 5.0}
    a, b, c = _Ref(0.5), _Ref(-2.0), _Ref(3.0)
    h = a * b + c  # used three times, through a chain of 20 products
    out = h * h
    for _ in range(20):
        out = out * _Ref(0.9) + h
    expected = {key: 0.0 for key in "abc"}
    for key, v in (("a", a), ("b", b), ("c", c)):  # numerically, with plain floats
        def f(u, key=key):
            args = {"a": a.data, "b": b.data, "c": c.data, key: u}
            hh = args["a"] * args["b"] + args["c"]
            o = hh * hh
            for _ in range(20):
                o = o * 0.9 + hh
            return o
        expected[key] = _numerical(f, v.data)
    yield "a longer graph", out, {"a": a, "b": b, "c": c}, expected


def check_zero_grad(zero_grad):
    """zero_grad(root): set .grad to 0 on every node root depends on (root included), changing
    nothing else, so that a second root.backward() gives the right gradients again."""

    def check():
        for name, root, inputs, expected in _graphs():
            nodes = root.nodes()
            data = [(n.data, n.parents) for n in nodes]
            root.backward()
            zero_grad(root)
            if [(n.data, n.parents) for n in nodes] != data:
                raise Fail("zero_grad must change only .grad, not data or the graph")
            left = [n for n in nodes if n.grad != 0.0]
            # The inner nodes first: zeroing only the inputs (the leaves) is the usual mistake.
            if any(n.parents and n is not root for n in left):
                raise Fail(f"{name}: the inner nodes (such as x + y) keep their gradients from "
                           "the first pass, and a second backward passes them on again: zero "
                           "every node of the graph, not only the inputs")
            if root in left:
                raise Fail(f"{name}: the output's own grad is still {root.grad:g}: zero it too")
            if left:
                raise Fail(f"{name}: an input still has a gradient: zero the inputs too")
            root.backward()
            for key, v in inputs.items():
                if not math.isclose(v.grad, expected[key], rel_tol=1e-6):
                    raise Fail(f"{name}: after zero_grad and a second backward, d/d{key} is "
                               f"{v.grad:.6g}, expected {expected[key]:.6g}")
        return "(a second backward() gives the first one's gradients)"

    return run_check("zero_grad", check)
