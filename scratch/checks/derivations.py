"""Checks for the exercises that ask a learner to derive what the notebook did not write out.

- notebook 06: `check_input_gradient_by_hand`, the gradient of the two-layer network's loss with
  respect to its input, written as one chain of NumPy lines (no layers);
- notebook 08: `check_half_life`, the number of steps after which a gradient's weight in an
  exponentially weighted average has halved.

Each check tries more than one input, so a number copied from a first run fails the second, and
names the typical mistake when it sees one.
"""

import numpy as np

import scratch.functions
import scratch.gradient
import scratch.layers
import scratch.nets
from scratch.checks import Fail, expect_gradients, refusing_calls, run_check

__all__ = ["check_input_gradient_by_hand", "check_half_life"]


def _scratch_functions():
    """Every Python function and method of scratch's layers, nets, functions and gradients: what
    the by-hand exercise must not call."""
    found = []
    for module in (scratch.layers, scratch.nets, scratch.functions, scratch.gradient):
        for obj in vars(module).values():
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            if isinstance(obj, type):
                found += [f for f in vars(obj).values() if hasattr(f, "__code__")]
            elif hasattr(obj, "__code__"):
                found.append(obj)
    return found


def _two_layer(params, x, t):
    """(dx, and the parts a mistake would leave out) for relu(x W1 + b1) W2 + b2 and the mean
    softmax cross-entropy with integer labels t."""
    z1 = x @ params["W1"] + params["b1"]
    h = np.maximum(z1, 0.0)
    scores = h @ params["W2"] + params["b2"]
    y = np.exp(scores - scores.max(axis=1, keepdims=True))
    y /= y.sum(axis=1, keepdims=True)
    n = len(x)
    one_hot = np.eye(scores.shape[1])[t]
    dscores = (y - one_hot) / n
    dh = dscores @ params["W2"].T
    return {"right": (dh * (z1 > 0)) @ params["W1"].T,
            "no mask": dh @ params["W1"].T,
            "no 1/N": (n * dh * (z1 > 0)) @ params["W1"].T,
            "no one-hot": ((y / n) @ params["W2"].T * (z1 > 0)) @ params["W1"].T}


def _problem(n, d, hidden, c, seed):
    rng = np.random.default_rng(seed)
    params = {"W1": 0.7 * rng.standard_normal((d, hidden)), "b1": 0.3 * rng.standard_normal(hidden),
              "W2": 0.7 * rng.standard_normal((hidden, c)), "b2": 0.3 * rng.standard_normal(c)}
    return params, rng.standard_normal((n, d)), rng.integers(0, c, n)


def check_input_gradient_by_hand(input_gradient_by_hand):
    """input_gradient_by_hand(params, x, t) -> dL/dx: (N, D) for the two-layer network
    scores = relu(x W1 + b1) W2 + b2 with the mean softmax cross-entropy over integer labels t,
    in NumPy only (no scratch layers, nets or functions), leaving params and x unchanged."""

    def check():
        for shape, seed in (((4, 5, 6, 3), 240), ((7, 3, 4, 5), 241)):
            params, x, t = _problem(*shape, seed)
            before = {k: p.copy() for k, p in params.items()}
            x_before = x.copy()
            with refusing_calls(_scratch_functions(),
                                "write it with NumPy alone: no scratch layers, nets, softmax or "
                                "numerical gradients (the point is to derive the chain yourself)"):
                dx = input_gradient_by_hand(params, x, t)
            if not (np.array_equal(x, x_before)
                    and all(np.array_equal(params[k], before[k]) for k in params)):
                raise Fail("leave params and x unchanged: compute new arrays instead of writing "
                           "into them")
            parts = _two_layer(params, x, t)
            if np.shape(dx) != x.shape:
                raise Fail(f"dx must have x's shape {x.shape}, got {np.shape(dx)}: the last "
                           "factor is W1.T, (H, D), after the (N, H) gradient of z1")
            dx = np.asarray(dx, dtype=float)
            if np.allclose(dx, -parts["right"]):
                raise Fail("your dx points the wrong way: dL/dscores is y - onehot(t), "
                           "not onehot(t) - y")
            if np.allclose(dx, parts["no mask"]):
                raise Fail("the gradient passes the ReLU only where its input z1 = x W1 + b1 "
                           "is positive: multiply dL/dh by (z1 > 0) before going through W1")
            if np.allclose(dx, parts["no 1/N"]):
                raise Fail("the loss is the mean over the N samples: dL/dscores is "
                           "(y - onehot(t)) / N")
            if np.allclose(dx, parts["no one-hot"]):
                raise Fail("dL/dscores is y minus the one-hot labels: subtract 1 at each "
                           "sample's true class")
            note = expect_gradients(dx, parts["right"],
                                    f"dx differs from the numerical gradient for N, D, H, C = "
                                    f"{shape}: write down each factor's shape and check it")
        return note

    return run_check("input_gradient_by_hand", check)


def check_half_life(half_life):
    """half_life(rho) -> the k > 0 with rho**k = 1/2: after k steps a gradient's weight
    (1 - rho) rho**k in an exponentially weighted average is half the newest one's."""

    def check():
        for rho in (0.9, 0.99, 0.999, 0.5, 0.75):
            got = float(half_life(rho))
            exact = np.log(0.5) / np.log(rho)
            if np.isclose(got, 1.0 / (1.0 - rho)):
                raise Fail("1 / (1 - rho) is the memory, the age at which a weight has fallen "
                           "to about 1/e; the half-life solves rho**k = 1/2")
            if rho != 0.5 and np.isclose(got, np.log(2.0) / (1.0 - rho)):
                raise Fail("ln 2 / (1 - rho) is the approximation for rho near 1 (ln rho is "
                           "about rho - 1); give the exact k with rho**k = 1/2")
            whole = (np.floor(exact), np.ceil(exact))
            if not np.isclose(got, exact) and any(np.isclose(got, k) for k in whole):
                raise Fail("k need not be a whole number of steps: return the exact solution "
                           "of rho**k = 1/2, not a rounded one")
            if not np.isclose(got, exact, rtol=1e-9):
                raise Fail(f"for rho = {rho}, the weight rho**k at your k = {got:.4g} is "
                           f"{rho ** got:.6f}, not 1/2")
        return "(rho = 0.9, 0.99, 0.999, 0.5 and 0.75)"

    return run_check("half_life", check)
