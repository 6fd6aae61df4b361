"""The derivation exercises of notebooks 06 and 08: right answers pass, typical mistakes get
their hint, shortcuts through scratch are refused, stubs a nudge."""

import numpy as np

from scratch.checks.derivations import check_half_life, check_input_gradient_by_hand
from scratch.layers import Affine, Relu, SoftmaxWithLoss
from tests.notebooks.check_output import NOT_IMPLEMENTED, expect_verdicts


def _stub(*args):
    raise NotImplementedError


def _by_hand(params, x, t, mask=True, mean=True, one_hot=True, sign=1.0):
    z1 = x @ params["W1"] + params["b1"]
    scores = np.maximum(z1, 0) @ params["W2"] + params["b2"]
    y = np.exp(scores - scores.max(axis=1, keepdims=True))
    y = y / y.sum(axis=1, keepdims=True)
    dscores = y.copy()
    if one_hot:
        dscores[np.arange(len(x)), t] -= 1
    if mean:
        dscores /= len(x)
    dh = sign * dscores @ params["W2"].T
    if mask:
        dh = dh * (z1 > 0)
    return dh @ params["W1"].T


def _with_layers(params, x, t):
    layers = [Affine(params["W1"], params["b1"]), Relu(), Affine(params["W2"], params["b2"])]
    out = x
    for layer in layers:
        out = layer.forward(out)
    last = SoftmaxWithLoss()
    last.forward(out, t)
    dout = last.backward(1.0)
    for layer in reversed(layers):
        dout = layer.backward(dout)
    return dout


def _in_place(params, x, t):
    dx = _by_hand(params, x, t)
    params["W1"] *= 1.0
    x += 0.0
    params["b1"][0] += 1.0  # writes into the learner's inputs
    return dx


_MEMORY = {}


def _remembered(params, x, t):
    """Right on the first problem, then returns the same numbers: a hard-coded answer."""
    if "dx" not in _MEMORY:
        _MEMORY["dx"] = _by_hand(params, x, t)
    return _MEMORY["dx"]


def test_input_gradient_by_hand(capsys):
    cases = [
        (_by_hand, None),
        (lambda p, x, t: _by_hand(p, x, t, mask=False), "multiply dL/dh by (z1 > 0)"),
        (lambda p, x, t: _by_hand(p, x, t, mean=False), "(y - onehot(t)) / N"),
        (lambda p, x, t: _by_hand(p, x, t, one_hot=False), "subtract 1 at each"),
        (lambda p, x, t: _by_hand(p, x, t, sign=-1.0), "your dx points the wrong way"),
        (lambda p, x, t: _by_hand(p, x, t).T, "dx must have x's shape (4, 5), got (5, 4)"),
        (lambda p, x, t: 1.01 * _by_hand(p, x, t), "dx differs from the numerical gradient"),
        (_remembered, "dx must have x's shape (7, 3), got (4, 5)"),
        (_with_layers, "write it with NumPy alone"),
        (_in_place, "leave params and x unchanged"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_input_gradient_by_hand, cases, capsys,
                    "input_gradient_by_hand: OK (max rel. error < 1e-7)")


def test_input_gradient_by_hand_refuses_scratch_softmax(capsys):
    from scratch.functions import softmax

    def with_softmax(params, x, t):
        z1 = x @ params["W1"] + params["b1"]
        y = softmax(np.maximum(z1, 0) @ params["W2"] + params["b2"])
        y[np.arange(len(x)), t] -= 1
        return ((y / len(x)) @ params["W2"].T * (z1 > 0)) @ params["W1"].T

    assert not check_input_gradient_by_hand(with_softmax)
    assert "write it with NumPy alone" in capsys.readouterr().out


def test_half_life(capsys):
    cases = [
        (lambda rho: np.log(0.5) / np.log(rho), None),
        (lambda rho: np.log(2) / -np.log(rho), None),
        (lambda rho: 1 / (1 - rho), "1 / (1 - rho) is the memory"),
        (lambda rho: np.log(2) / (1 - rho), "is the approximation for rho near 1"),
        (lambda rho: np.ceil(np.log(0.5) / np.log(rho)), "k need not be a whole number"),
        (lambda rho: np.round(np.log(0.5) / np.log(rho)), "k need not be a whole number"),
        (lambda rho: np.log(0.5) / np.log(0.9), "for rho = 0.99, the weight rho**k"),  # hard-coded
        (lambda rho: np.log(rho) / np.log(0.5), "for rho = 0.9, the weight rho**k"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_half_life, cases, capsys,
                    "half_life: OK (rho = 0.9, 0.99, 0.999, 0.5 and 0.75)")
