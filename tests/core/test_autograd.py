"""scratch.autograd against numerical differentiation, on deep graphs, on values used many
times, and the Tensor network against the hand-written layers of scratch.nets."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scratch.autograd import Tensor, Value, topological_order
from scratch.gradient import numerical_gradient, rel_error
from scratch.nets import TwoLayerNet

numbers = st.floats(-3, 3, allow_nan=False).filter(lambda v: abs(v) > 0.1)
positive = st.floats(0.2, 3.0)


def _numerical(f, *xs, h=1e-6):
    """Centred differences of the scalar function f of numbers, one per argument."""
    grads = []
    for i in range(len(xs)):
        up = list(xs)
        down = list(xs)
        up[i] += h
        down[i] -= h
        grads.append((f(*up) - f(*down)) / (2 * h))
    return grads


# Each operation as a function of numbers, built once with Values, once with floats.
BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}
UNARY = {
    "relu": (lambda v: v.relu(), lambda x: max(x, 0.0)),
    "exp": (lambda v: v.exp(), math.exp),
    "tanh": (lambda v: v.tanh(), math.tanh),
    "**3": (lambda v: v**3, lambda x: x**3),
    "**-0.5 of a positive": (lambda v: (v * v + 1) ** -0.5, lambda x: (x * x + 1) ** -0.5),
    "log of a positive": (lambda v: (v * v + 0.5).log(), lambda x: math.log(x * x + 0.5)),
}


@pytest.mark.parametrize("op", BINARY)
@given(a=numbers, b=numbers)
def test_binary_operations_against_numerical_gradients(op, a, b):
    f = BINARY[op]
    va, vb = Value(a), Value(b)
    f(va, vb).backward()
    na, nb = _numerical(f, a, b)
    assert va.grad == pytest.approx(na, rel=1e-5, abs=1e-7)
    assert vb.grad == pytest.approx(nb, rel=1e-5, abs=1e-7)


@pytest.mark.parametrize("op", BINARY)
@given(a=numbers, b=numbers)
def test_plain_numbers_on_either_side(op, a, b):
    f = BINARY[op]
    left, right = Value(a), Value(b)
    assert f(left, b).data == pytest.approx(f(a, b))
    assert f(a, right).data == pytest.approx(f(a, b))
    f(a, right).backward()
    assert right.grad == pytest.approx(_numerical(lambda y: f(a, y), b)[0], rel=1e-5, abs=1e-7)


@pytest.mark.parametrize("op", UNARY)
@given(a=numbers)
def test_unary_operations_against_numerical_gradients(op, a):
    with_values, with_floats = UNARY[op]
    v = Value(a)
    out = with_values(v)
    assert out.data == pytest.approx(with_floats(a))
    out.backward()
    assert v.grad == pytest.approx(_numerical(with_floats, a)[0], rel=1e-5, abs=1e-7)


def test_a_value_used_many_times_collects_every_gradient():
    x = Value(1.5)
    y = x * x * x + x * 2 + x  # x used five times: dy/dx = 3x^2 + 3
    y.backward()
    assert x.grad == pytest.approx(3 * 1.5**2 + 3)
    z = Value(2.0)
    total = sum(z * k for k in range(100))  # a sum over one value, 100 uses
    total.backward()
    assert z.grad == pytest.approx(sum(range(100)))


def test_a_chain_deeper_than_the_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0001 + 0.0
    y.backward()
    assert x.grad == pytest.approx(1.0001**5000)
    assert len(topological_order(y)) > 5000


def test_backward_twice_doubles_the_gradients_until_zero_grad():
    x = Value(3.0)
    y = x * x
    y.backward()
    assert x.grad == pytest.approx(6.0)
    y.backward()  # gradients accumulate, as in PyTorch; y.grad is now 2 as well
    assert x.grad > 6.0
    x.zero_grad()
    y.zero_grad()
    y.backward()
    assert x.grad == pytest.approx(6.0)


def test_a_second_backward_needs_every_node_zeroed():
    x, y = Value(1.0), Value(2.0)
    z = (x + y) * y
    z.backward()
    x.zero_grad()
    y.zero_grad()
    z.backward()  # the inner node x + y and z kept their gradients: x.grad is wrong
    assert x.grad == pytest.approx(6.0)
    for node in topological_order(z):
        node.zero_grad()
    z.backward()
    assert (x.grad, y.grad) == (pytest.approx(2.0), pytest.approx(5.0))

    W = Tensor(np.ones((2, 2)))
    loss = (W + Tensor(np.ones((2, 2)))).sum()
    loss.backward()
    W.zero_grad()
    loss.backward()
    assert W.grad == pytest.approx(3 * np.ones((2, 2)))  # the + and sum nodes kept theirs
    for node in topological_order(loss):
        node.zero_grad()
    loss.backward()
    assert W.grad == pytest.approx(np.ones((2, 2)))


def test_bad_operands_are_named():
    with pytest.raises(TypeError, match="exponent must be a number"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(ValueError, match="Value.log: the input must be positive"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match=r"expected \(N, D\) @ \(D, M\), got \(2, 3\) @ \(2, 3\)"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match="expected scores"):
        Tensor(np.ones((2, 3))).softmax_cross_entropy(np.array([0, 1, 2]))


def _tensor_loss(params, x, t):
    h = (Tensor(x) @ params["W1"] + params["b1"]).relu()
    return (h @ params["W2"] + params["b2"]).softmax_cross_entropy(t)


def test_tensor_operations_against_numerical_gradients():
    rng = np.random.default_rng(0)
    arrays = {"x": rng.standard_normal((4, 3)), "W": rng.standard_normal((3, 5)),
              "b": rng.standard_normal(5)}
    t = np.array([0, 4, 2, 2])

    def loss():
        tensors = {k: Tensor(v) for k, v in arrays.items()}
        z = (tensors["x"] @ tensors["W"] + tensors["b"]).relu()
        return z.softmax_cross_entropy(t) + (z + tensors["b"]).sum(), tensors

    out, tensors = loss()
    out.backward()
    for key, array in arrays.items():
        numeric = numerical_gradient(lambda _: float(loss()[0].data), array, h=1e-6)
        assert rel_error(tensors[key].grad, numeric) < 1e-7, key


def test_tensor_network_equals_the_hand_written_layers():
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((8, 6)), rng.integers(0, 3, size=8)
    net = TwoLayerNet(6, 5, 3, weight_init_std=0.5, rng=2)
    params = {k: Tensor(v.copy()) for k, v in net.params.items()}
    loss = _tensor_loss(params, x, t)
    loss.backward()
    assert float(loss.data) == pytest.approx(net.loss(x, t), abs=1e-12)
    for key, g in net.gradient(x, t).items():
        assert np.max(np.abs(params[key].grad - g)) < 1e-12, key


def test_tensor_training_follows_the_same_loss_curve():
    rng = np.random.default_rng(3)
    x, t = rng.standard_normal((20, 6)), rng.integers(0, 3, size=20)
    net = TwoLayerNet(6, 5, 3, weight_init_std=0.5, rng=4)
    arrays = {k: v.copy() for k, v in net.params.items()}
    for _ in range(20):
        params = {k: Tensor(v) for k, v in arrays.items()}
        loss = _tensor_loss(params, x, t)
        loss.backward()
        reference, grads = net.loss_and_gradient(x, t)
        assert float(loss.data) == pytest.approx(reference, abs=1e-12)
        for key in arrays:
            arrays[key] = arrays[key] - 0.5 * params[key].grad
            net.params[key] -= 0.5 * grads[key]


def test_local_derivatives_are_recorded_with_the_forward_value():
    x, y = Value(2.0), Value(5.0)
    z = x * y + x
    assert z.local_grads == (1.0, 1.0) and z.parents[0].local_grads == (5.0, 2.0)
    root = Value(0.0) ** 0.5  # the square root's slope at 0 is infinite, not an error
    assert root.data == 0.0 and root.local_grads == (math.inf,)
