"""Automatic differentiation: values that remember how they were made.

Every result of an operation records its inputs (`parents`) and how to pass its gradient back
to them (`_backward`), which adds the operation's local derivative times the result's gradient
into each input's `grad`: the backward rules of notebooks 01-04, attached to the values as they
are computed (a `Value` keeps its local derivatives as numbers, `local_grads`). `backward()`
then visits the recorded graph from the output back to the inputs, each node after every node
that used it, so a value used twice collects the sum of its gradients (`+=`).

- `Value`: one number, as in karpathy's micrograd.
- `Tensor`: a NumPy array with the few operations a fully connected network needs
  (`+` with broadcasting, `@`, `relu`, `sum`, `softmax_cross_entropy`).
"""

import math

import numpy as np


def topological_order(root):
    """Every node `root` depends on, each listed after all of its parents (inputs).

    Iterative depth-first search, so that a chain of any length works (a recursive one would
    stop at Python's recursion limit of about 1,000 nested calls).
    """
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))  # comes back here after all of its parents
            stack.extend((parent, False) for parent in node.parents if id(parent) not in seen)
    return order


class _Node:
    """What Value and Tensor share: the recorded graph and the backward pass over it."""

    def __init__(self, parents, op):
        self.parents, self.op = parents, op

    def backward(self):
        """Gradients of this node with respect to every node it depends on, into their `grad`.

        Gradients add up (`+=`), as in PyTorch. Before a second pass over the same graph, zero
        every node of `topological_order(self)`, not only the leaves: the inner nodes keep their
        gradients too and would pass them on again (for (x + y) * y, x.grad becomes 6, not 2).
        A training loop instead builds a new graph at every step, so it clears only the
        parameters' `grad`.
        """
        order = topological_order(self)
        self.grad = self.grad + (1.0 if np.ndim(self.data) == 0 else np.ones_like(self.data))
        for node in reversed(order):  # the output first, every node after all its users
            node._backward()


class Value(_Node):
    """A number with a gradient: `Value(2.0) * 3 + 1`, then `.backward()` fills `.grad`.

    parents: the Values it was computed from; local_grads: d(self)/d(parent) for each of them,
    computed with the forward value (an input has neither).
    """

    def __init__(self, data, parents=(), op="", local_grads=()):
        super().__init__(parents, op)
        self.data, self.grad, self.local_grads = float(data), 0.0, local_grads

    def __repr__(self):
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g})"

    def zero_grad(self):
        self.grad = 0.0

    def _backward(self):
        """The chain rule at one node: each input gets local derivative x this gradient."""
        for parent, local in zip(self.parents, self.local_grads):
            parent.grad += local * self.grad  # += : an input used twice collects both

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        # d(a + b)/da = d(a + b)/db = 1: the gradient passes on unchanged
        return Value(self.data + other.data, (self, other), "+", (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        # d(ab)/da = b, d(ab)/db = a: each input gets the other one
        return Value(self.data * other.data, (self, other), "*", (other.data, self.data))

    def __pow__(self, exponent):
        if not isinstance(exponent, (int, float)):
            raise TypeError(f"Value.__pow__: the exponent must be a number, got "
                            f"{type(exponent).__name__}")
        # d(a^k)/da = k a^(k-1), infinite at a = 0 for k < 1 (the slope of sqrt at 0)
        local = exponent * self.data ** (exponent - 1) if self.data or exponent >= 1 else math.inf
        return Value(self.data**exponent, (self,), f"**{exponent:g}", (local,))

    def relu(self):
        return Value(max(self.data, 0.0), (self,), "relu", (float(self.data > 0),))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), "exp", (e,))  # d(e^a)/da = e^a, the result itself

    def log(self):
        if self.data <= 0:
            raise ValueError(f"Value.log: the input must be positive, got {self.data}")
        return Value(math.log(self.data), (self,), "log", (1.0 / self.data,))

    def tanh(self):
        y = math.tanh(self.data)
        return Value(y, (self,), "tanh", (1.0 - y * y,))

    # The rest is spelled with the operations above.
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other**-1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return (-self) + other

    def __rtruediv__(self, other):
        return Value(other) / self


def _unbroadcast(grad, shape):
    """Sum `grad` over the axes that broadcasting added or stretched, back to `shape`.

    b: (M,) added to x: (N, M) is used N times, so its gradient is the sum over the rows, as
    Affine's db = dout.sum(axis=0).
    """
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


class Tensor(_Node):
    """A float64 array with a gradient of the same shape, and the operations of a network."""

    def __init__(self, data, parents=(), op=""):
        super().__init__(parents, op)
        self.data = np.array(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)
        self._backward = lambda: None  # an operation replaces it; an input has nothing to pass on

    def __repr__(self):
        return f"Tensor(shape={self.data.shape}, op={self.op!r})"

    def zero_grad(self):
        self.grad = np.zeros_like(self.data)

    def __add__(self, other):
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += _unbroadcast(out.grad, self.data.shape)
            other.grad += _unbroadcast(out.grad, other.data.shape)
        out._backward = _backward
        return out

    def __matmul__(self, other):
        if self.data.ndim != 2 or other.data.ndim != 2 or \
                self.data.shape[1] != other.data.shape[0]:
            raise ValueError(f"Tensor.__matmul__: expected (N, D) @ (D, M), got "
                             f"{self.data.shape} @ {other.data.shape}")
        out = Tensor(self.data @ other.data, (self, other), "@")

        def _backward():  # Affine's rules: dx = dout W^T, dW = x^T dout
            self.grad += out.grad @ other.data.T
            other.grad += self.data.T @ out.grad
        out._backward = _backward
        return out

    def relu(self):
        mask = self.data > 0
        out = Tensor(self.data * mask, (self,), "relu")

        def _backward():
            self.grad += out.grad * mask
        out._backward = _backward
        return out

    def sum(self):
        out = Tensor(self.data.sum(), (self,), "sum")

        def _backward():  # every entry was used once in the sum
            self.grad += out.grad * np.ones_like(self.data)
        out._backward = _backward
        return out

    def softmax_cross_entropy(self, t):
        """The mean cross-entropy of softmax(self) for scores (N, C) and labels t: (N,)."""
        t = np.asarray(t)
        if self.data.ndim != 2 or t.shape != (self.data.shape[0],):
            raise ValueError(f"Tensor.softmax_cross_entropy: expected scores (N, C) and labels "
                             f"(N,), got {self.data.shape} and {t.shape}")
        n = len(t)
        shifted = self.data - self.data.max(axis=1, keepdims=True)  # no overflow in exp
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        out = Tensor(-log_probs[np.arange(n), t].mean(), (self,), "softmax-CE")

        def _backward():  # Softmax-with-Loss: (y - onehot(t)) / N
            dx = np.exp(log_probs)
            dx[np.arange(n), t] -= 1.0
            self.grad += out.grad * dx / n
        out._backward = _backward
        return out
