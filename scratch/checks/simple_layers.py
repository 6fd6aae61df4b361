"""Checks for the exercises of notebooks 01 (computational graphs) and 02 (MulLayer/AddLayer).

Each prints one line and returns True/False (see `scratch.checks`). Answers are compared with
numerical gradients (float64, centred differences) at several random points, so an answer
that only works for the notebook's numbers does not pass.
"""

import numpy as np

from scratch.checks import (
    Fail,
    counting_calls,
    expect_close,
    expect_gradients,
    refusing_calls,
    run_check,
)
from scratch.gradient import eval_numerical_gradient_array, numerical_gradient, rel_error
from scratch.layers import AddLayer, MulLayer

__all__ = ["check_graph_backward", "check_muladd_backward", "check_div_layer", "check_basket"]

TOL = 1e-7


def _by_hand():
    """While the learner's code runs, scratch's numerical gradients refuse to be called: the
    exercises ask for gradients by the chain rule, which a numerical gradient would fake."""
    return refusing_calls([eval_numerical_gradient_array, numerical_gradient],
                          "your code calls scratch.gradient's numerical gradient: work the "
                          "gradients out by the chain rule")


def _numbers(result, count, what):
    """`result` as a tuple of `count` floats, or Fail saying what was expected."""
    if not isinstance(result, (tuple, list)):
        raise Fail(f"return {count} values {what}, got one {type(result).__name__}")
    if len(result) != count:
        raise Fail(f"return {count} values {what}, got {len(result)}")
    return tuple(np.asarray(r, dtype=np.float64) for r in result)


def _close(a, b):
    return rel_error(a, b) < TOL


def _graph_f(p):
    """f = (x * y + z) * x for p = (x, y, z)."""
    return (p[0] * p[1] + p[2]) * p[0]


def check_graph_backward(graph_backward, seed=0):
    """graph_backward(x, y, z) -> (df/dx, df/dy, df/dz) for f = (x * y + z) * x, numbers in
    and out (x is used twice: its gradient is the sum of two)."""

    def check():
        rng = np.random.default_rng(seed)
        for _ in range(5):
            v = rng.uniform(-3, 3, size=3)
            x, y, z = v
            with _by_hand():
                result = graph_backward(*(float(a) for a in v))
            got = np.array(_numbers(result, 3, "(df/dx, df/dy, df/dz)"))
            numeric = numerical_gradient(_graph_f, v.copy())
            if not _close(got[2], numeric[2]):
                raise Fail("df/dz: the + node passes on the gradient it receives, and the last "
                           "× node sends x back to s = x * y + z")
            if not _close(got[1], numeric[1]):
                raise Fail("df/dy: the gradient reaching x * y is x (from the last ×, through "
                           "the +), and that × node sends it times x back to y")
            if _close(got[0], x * y + z):
                raise Fail("df/dx: x is used twice. The last × gives it s = x * y + z; add the "
                           "gradient from the first ×, (gradient at x * y) * y")
            if _close(got[0], x * y):
                raise Fail("df/dx: x is used twice. The first × gives it x * y; add what the "
                           "last × sends back, s = x * y + z")
        return expect_gradients(got, numeric, "the gradients differ from numerical ones", TOL)

    return run_check("graph_backward", check)


def check_muladd_backward(muladd_backward, seed=0):
    """muladd_backward(a, b, c, dout) -> (da, db, dc) for out = a * b + c (same-shape arrays)."""

    def check():
        rng = np.random.default_rng(seed)
        a, b, c, dout = (rng.standard_normal(4) for _ in range(4))
        with _by_hand():
            result = muladd_backward(a.copy(), b.copy(), c.copy(), dout.copy())
        got = _numbers(result, 3, "(da, db, dc)")
        numeric = [eval_numerical_gradient_array(lambda: a * b + c, arr, dout)
                   for arr in (a, b, c)]
        for g, name in zip(got, "abc"):
            if g.shape != (4,):
                raise Fail(f"d{name} should have the shape of {name} (4,), got {g.shape}")
        if _close(got[0], b) or _close(got[1], a) or _close(got[2], np.ones(4)):
            raise Fail("multiply the local derivatives by dout, the gradient arriving from above")
        if not _close(got[2], numeric[2]):
            raise Fail("dc: the + passes dout through unchanged")
        if not (_close(got[0], numeric[0]) and _close(got[1], numeric[1])):
            raise Fail("da and db: the × part swaps its inputs (da = dout * b, db = dout * a)")
        return expect_gradients(np.concatenate(got), np.concatenate(numeric),
                                "the gradients differ from numerical ones", TOL)

    return run_check("muladd_backward", check)


def check_div_layer(layer_class, seed=0):
    """layer_class(): forward(x, y) -> x / y; backward(dout) -> (dx, dy). Arrays of one shape."""

    def check():
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((3, 4))
        # |y| in [0.5, 2]: away from 0, where x / y and its numerical gradient blow up.
        y = rng.uniform(0.5, 2.0, size=(3, 4)) * rng.choice([-1.0, 1.0], size=(3, 4))
        dout = rng.standard_normal((3, 4))
        with _by_hand():
            layer = layer_class()
            out = layer.forward(x, y)
        expect_close(out, x / y, "forward should return x / y")
        with _by_hand():
            result = layer.backward(dout)
        got = _numbers(result, 2, "(dx, dy) from backward")
        numeric = [eval_numerical_gradient_array(lambda: x / y, arr, dout, h=1e-5)
                   for arr in (x, y)]
        if not _close(got[0], numeric[0]):
            raise Fail("dx: d(x/y)/dx = 1/y, times dout")
        if _close(got[1], -numeric[1]):
            raise Fail("dy has the wrong sign: d(x/y)/dy = -x / y**2")
        if not _close(got[1], numeric[1]):
            raise Fail("dy: d(x/y)/dy = -x / y**2, times dout")
        return expect_gradients(np.concatenate([g.ravel() for g in got]),
                                np.concatenate([g.ravel() for g in numeric]),
                                "the gradients differ from numerical ones", TOL)

    return run_check("DivLayer", check)


BASKET_INPUTS = ("apple", "apple_num", "banana", "banana_num", "bag", "tax")


def _basket_price(p):
    apple, apple_num, banana, banana_num, bag, tax = p
    return (apple * apple_num + banana * banana_num + bag) * tax


def check_basket(basket, seed=0):
    """basket(apple, apple_num, banana, banana_num, bag, tax) -> (price, grads), where
    price = (apple * apple_num + banana * banana_num + bag) * tax and grads is a dict of the
    gradients of price under the argument names ('apple', 'apple_num', ..., 'tax')."""

    def check():
        rng = np.random.default_rng(seed)
        points = [np.array([100.0, 2.0, 80.0, 4.0, 5.0, 1.1])]
        points += [np.concatenate([rng.uniform(10, 300, 1), rng.integers(0, 10, 1),
                                   rng.uniform(10, 300, 1), rng.integers(0, 10, 1),
                                   rng.uniform(0, 20, 1), rng.uniform(1.0, 1.3, 1)])
                   for _ in range(3)]
        layer_methods = [MulLayer.forward, MulLayer.backward, AddLayer.forward, AddLayer.backward]
        for p in points:
            with _by_hand(), counting_calls(layer_methods) as calls:
                result = basket(*(float(v) for v in p))
            used = [calls["MulLayer.forward"], calls["MulLayer.backward"],
                    calls["AddLayer.forward"], calls["AddLayer.backward"]]
            if used != [3, 3, 2, 2]:
                raise Fail("build it from the layers, one per node: 3 MulLayer and 2 AddLayer, "
                           "each forward once and backward once; yours called MulLayer "
                           f"forward/backward {used[0]}/{used[1]} times, AddLayer {used[2]}/"
                           f"{used[3]}")
            if not isinstance(result, (tuple, list)) or len(result) != 2:
                raise Fail("return two values: (price, grads)")
            price, grads = result
            expect_close(price, _basket_price(p),
                         "price should be (apple * apple_num + banana * banana_num + bag) * tax")
            if not isinstance(grads, dict) or set(grads) != set(BASKET_INPUTS):
                raise Fail(f"grads should be a dict with the keys {', '.join(BASKET_INPUTS)}")
            got = np.array([float(grads[k]) for k in BASKET_INPUTS])
            numeric = numerical_gradient(_basket_price, p.copy())
            if _close(got[:5], numeric[:5] / p[5]):
                raise Fail("everything before the tax node reaches price through × tax: "
                           "its gradients are multiplied by tax")
            for k, g, n in zip(BASKET_INPUTS, got, numeric):
                if not _close(g, n):
                    raise Fail(f"grads['{k}'] differs from the numerical gradient")
        return expect_gradients(got, numeric, "the gradients differ from numerical ones", TOL)

    return run_check("basket", check)
