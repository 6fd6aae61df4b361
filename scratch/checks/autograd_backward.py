"""Checks for notebook 13's exercises 4 and 5: `backward(root)` itself, with a topological order
of the learner's own, and an elementwise product on `Tensor` that un-broadcasts its gradients.

The references are written here: `_Rec`, a recorded number like the notebook's Value (data,
grad, parents, local_grads, op) whose `grad` counts how often it is set, and plain NumPy for the
product's gradients. scratch.autograd's graph walk, backward pass and `_unbroadcast` refuse to be
called while the learner's code runs.
"""

import inspect
import sys

import numpy as np

from scratch import autograd
from scratch.checks import Fail, expect_close, refusing_calls, run_check

__all__ = ["check_backward", "check_tensor_mul"]


class _Rec:
    """A recorded number. Setting `grad` more often than a backward pass can need (once per
    arrow that leaves the node, once to seed or zero it) raises Fail: the node is visited again
    for every path that reaches it."""

    def __init__(self, data, parents=(), local_grads=(), op=""):
        self.data, self.parents, self.local_grads, self.op = float(data), parents, local_grads, op
        self._grad, self.sets, self.limit = 0.0, 0, None

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value):
        self.sets += 1
        if self.limit is not None and self.sets > self.limit:
            raise Fail("your backward passes gradients along some arrows more than once: it "
                       "visits a node again for every path that reaches it. List every node "
                       "once (keep a set of the nodes already seen, by id), then visit that "
                       "list once, in reverse")
        self._grad = value

    def __add__(self, other):
        return _Rec(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):
        return _Rec(self.data * other.data, (self, other), (other.data, self.data), "*")


def _nodes(root):
    """Every node of root's graph, each once (iterative, any depth)."""
    order, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            order.append(node)
            stack.extend(node.parents)
    return order


def _arm(root):
    """Reset the counters; each node may have its grad set once per user, plus twice."""
    nodes = _nodes(root)
    users = {id(n): 0 for n in nodes}
    for node in nodes:
        for parent in node.parents:
            users[id(parent)] += 1
    for node in nodes:
        node._grad, node.sets, node.limit = 0.0, 0, users[id(node)] + 2
    return nodes


def _graphs(rng):
    """(name, root, {input name: node}, {input name: d root / d input})."""
    x, y = _Rec(1.0), _Rec(2.0)
    yield "z = (x + y) * y", (x + y) * y, {"x": x, "y": y}, {"x": 2.0, "y": 5.0}
    u, v, k1, k2 = (_Rec(w) for w in rng.uniform(0.5, 2.0, 4))
    a = u * v  # an inner node used twice: it must have both shares before it passes on
    d = a * k1 + a * k2
    s = k1.data + k2.data
    yield ("a diamond, d = a * k1 + a * k2 with a = u * v", d, {"u": u, "v": v, "k1": k1},
           {"u": v.data * s, "v": u.data * s, "k1": a.data})
    h0 = h = _Rec(0.7)
    p, q = _Rec(0.6), _Rec(0.5)
    for _ in range(25):  # 2**25 paths from the top to h0
        h = h * p + h * q
    yield "25 diamonds stacked", h, {"h0": h0}, {"h0": (p.data + q.data) ** 25}
    x0 = y = _Rec(0.5)
    c, zero = _Rec(1.0001), _Rec(0.0)
    for _ in range(3000):
        y = y * c + zero
    yield "a chain 3,000 steps (6,000 nodes) deep", y, {"x": x0}, {"x": 1.0001 ** 3000}


def _wrong(root, inputs, order, assign=False, seed=1.0):
    """The gradients a backward with a typical mistake gives (a copy of the graph's grads)."""
    for node in _nodes(root):
        node._grad = 0.0
    root._grad = seed
    for node in order:
        for parent, local in zip(node.parents, node.local_grads):
            if assign:
                parent._grad = local * node._grad
            else:
                parent._grad += local * node._grad
    return {key: v._grad for key, v in inputs.items()}


def _post_order(root, dedupe=True):
    """Parents before children; without dedupe, a node once per path that reaches it."""
    order, seen = [], set()

    def visit(node):
        if dedupe and id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order


def _diagnose(name, root, inputs, got):
    """Name the mistake whose gradients equal the learner's (small graphs only)."""
    order = _post_order(root)
    mistakes = [
        (dict.fromkeys(inputs, 0.0), "every gradient is 0: seed the output first, root.grad = "
                                     "1 (d root / d root)"),
        (_wrong(root, inputs, reversed(order), assign=True),
         "a value used twice keeps only one path's share: add (+=) into parent.grad, do not "
         "assign (=)"),
        (_wrong(root, inputs, order), "the nodes were visited parents first: go through the "
                                      "topological order in reverse, from the output to the "
                                      "inputs, so that each node has all its shares before it "
                                      "passes its gradient on"),
        (_wrong(root, inputs, reversed(_post_order(root, dedupe=False))),
         "a node listed twice in your order passes its gradient on twice: list every node once "
         "(keep a set of the nodes already seen, by id)"),
    ]
    for expected, hint in mistakes:
        if all(np.isclose(got[k], expected[k], rtol=1e-9, atol=0) for k in inputs):
            raise Fail(f"{name}: {hint}")


def _own_work():
    return refusing_calls(
        [autograd.topological_order, autograd._Node.backward, _nodes, _post_order, _wrong],
        "your backward calls scratch.autograd's topological_order or backward, or this "
        "check's own: find the order and pass the gradients yourself")


def check_backward(backward):
    """backward(root): fill .grad of every node root depends on with d root / d node, on a
    recorded graph whose grads start at 0 (nodes with data, grad, parents, local_grads)."""

    def check():
        for name, root, inputs, expected in _graphs(np.random.default_rng(120)):
            nodes = _arm(root)
            data = [(n.data, n.parents, n.local_grads) for n in nodes]
            # A low recursion limit while the learner's code runs: an iterative order needs
            # a few frames, a recursive one (or one that raises the limit) is caught.
            limit, low = sys.getrecursionlimit(), max(200, len(inspect.stack(0)) + 100)
            sys.setrecursionlimit(low)
            try:
                with _own_work():
                    backward(root)
            except RecursionError:
                raise Fail(f"{name}: Python's recursion limit stopped your topological order; "
                           "keep the nodes still to visit in a list of your own (a stack) "
                           "instead of nested calls") from None
            finally:
                raised = sys.getrecursionlimit() != low
                sys.setrecursionlimit(limit)
            if raised:
                raise Fail("your code changed Python's recursion limit: write the topological "
                           "order with a stack of your own instead")
            if [(n.data, n.parents, n.local_grads) for n in nodes] != data:
                raise Fail("backward must change only .grad, not data or the graph")
            got = {key: v.grad for key, v in inputs.items()}
            if all(np.isclose(got[k], expected[k], rtol=1e-9) for k in inputs):
                continue
            if len(nodes) < 20:
                _diagnose(name, root, inputs, got)
            wrong = next(k for k in inputs if not np.isclose(got[k], expected[k], rtol=1e-9))
            raise Fail(f"{name}: d/d{wrong} differs from the chain rule's: every node passes "
                       "local derivative x its own grad to each parent, in reverse "
                       "topological order")
        return "(two small graphs, 25 stacked diamonds and a chain 6,000 nodes deep)"

    return run_check("backward", check)


# --- exercise 5: an elementwise product that un-broadcasts --------------------------------

def _sum_to(grad, shape):
    """grad summed back to `shape` over the axes broadcasting added or stretched."""
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(extra + i for i, size in enumerate(shape)
                                      if size == 1 and grad.shape[extra + i] != 1)
    return grad.sum(axis=axes).reshape(shape)


def _tensor_own_work():
    return refusing_calls(
        [autograd._unbroadcast, _sum_to],
        "your product calls scratch.autograd's _unbroadcast or this check's own: sum the "
        "gradient back to each input's shape yourself")


SHAPES = [((4, 3), (3,)), ((4, 1), (1, 3)), ((4, 3), ()), ((3,), (4, 3))]


def check_tensor_mul(tensor_mul):
    """tensor_mul(a, b) -> a Tensor a * b (elementwise, NumPy broadcasting) whose backward adds
    to a.grad and b.grad, each of its input's shape."""

    def check():
        rng = np.random.default_rng(121)
        for shape_a, shape_b in SHAPES:
            _one_product(tensor_mul, rng, shape_a, shape_b)
        a = autograd.Tensor(rng.standard_normal((4, 3)))  # the same tensor twice: a * a
        out = _product(tensor_mul, a, a)
        loss, upstream = _loss(out, rng)
        with _tensor_own_work():
            loss.backward()
        if np.allclose(a.grad, upstream * a.data):
            raise Fail("a * a: a.grad holds one input's share, not both: add (+=) into each "
                       "input's grad, do not assign (=)")
        expect_close(a.grad, 2 * upstream * a.data, "a * a: a.grad should be 2 * a * out.grad")
        return "(shapes (4, 3) * (3,), (4, 1) * (1, 3), (4, 3) * scalar, (3,) * (4, 3), a * a)"

    return run_check("tensor_mul", check)


def _product(tensor_mul, a, b):
    with _tensor_own_work():
        out = tensor_mul(a, b)
    if not isinstance(out, autograd.Tensor):
        raise Fail("return a Tensor, made from a.data * b.data with (a, b) as its parents")
    expected = a.data * b.data
    if out.data.shape != expected.shape or not np.allclose(out.data, expected):
        raise Fail("the forward value should be a.data * b.data, broadcast by NumPy")
    return out


def _loss(out, rng):
    """A sum of out times fixed random weights, so that every entry of out.grad differs."""
    weights = rng.standard_normal(out.data.shape)
    return _product(lambda a, b: _Weighted(a, b), out, autograd.Tensor(weights)).sum(), weights


def _Weighted(a, w):
    """out = a * w for the check's loss (w: a constant of a's shape)."""
    out = autograd.Tensor(a.data * w.data, (a, w), "weights")

    def _backward():
        a.grad += out.grad * w.data
    out._backward = _backward
    return out


def _one_product(tensor_mul, rng, shape_a, shape_b):
    a = autograd.Tensor(rng.standard_normal(shape_a))
    b = autograd.Tensor(rng.standard_normal(shape_b))
    out = _product(tensor_mul, a, b)
    loss, upstream = _loss(out, rng)
    what = f"{shape_a} * {shape_b}"
    try:
        with _tensor_own_work():
            loss.backward()
    except ValueError as error:  # NumPy refuses to add a (4, 3) gradient into a (3,) one
        if "broadcast" not in str(error):
            raise
        raise Fail(f"{what}: the gradient of an input must have that input's shape: sum "
                   "out.grad times the other input over the axes broadcasting added or "
                   "stretched (un-broadcast it), keeping axes of size 1 (keepdims=True)") from None
    for name, t, other in (("a", a, b), ("b", b, a)):
        right = _sum_to(upstream * other.data, t.data.shape)
        got = np.asarray(t.grad)
        if got.shape != t.data.shape:
            raise Fail(f"{what}: {name}.grad should keep {name}'s shape {t.data.shape}, got "
                       f"{got.shape}: sum over the broadcast axes, keeping axes of size 1 "
                       "(keepdims=True)")
        if np.allclose(got, _sum_to(upstream * t.data, t.data.shape)) and \
                not np.allclose(got, right):
            raise Fail(f"{what}: each input's local derivative is the *other* input: "
                       f"{name}.grad gets out.grad * the other one's data")
        if np.allclose(got, _sum_to(other.data * np.ones_like(upstream), t.data.shape)) and \
                not np.allclose(got, right):
            raise Fail(f"{what}: multiply by out.grad, the gradient arriving from the output")
        means = upstream * other.data
        n = means.size // max(t.data.size, 1)
        if n > 1 and np.allclose(got, right / n):
            raise Fail(f"{what}: an entry broadcast n times is used n times: sum its n "
                       "shares, do not average them")
        expect_close(got, right, f"{what}: {name}.grad differs from out.grad * the other input, "
                                 f"summed back to {name}'s shape")
