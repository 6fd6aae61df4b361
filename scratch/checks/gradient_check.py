"""Checks for notebook 05's exercises: a centred-difference gradient (and a fixed LeakyRelu,
checked by `scratch.checks.activations.check_leaky_relu`).

Each prints one line (`...: OK (max rel. error < 1e-7)` or `...: not yet - <hint>`) and
returns a truthy or falsy result; see `scratch.checks` for the convention.
"""

import numpy as np

from scratch.checks import Fail, expect_gradients, run_check, tolerance_text
from scratch.gradient import numerical_gradient, rel_error

TOL = 1e-7
OK_NOTE = f"(max rel. error < {tolerance_text(TOL)})"


def _smooth(v):
    """The test function f(x) = sum(sin(x) * x^2): x any shape -> a float."""
    return float(np.sum(np.sin(v) * v**2))


def _one_sided(f, x, h, forward):
    """The forward (or backward) difference gradient: what a near-miss solution computes."""
    grad = np.zeros_like(x)
    base = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h if forward else old - h
        grad[i] = (f(x) - base) / h if forward else (base - f(x)) / h
        x[i] = old
    return grad


def _diagnose(got, expected, f, x, h):
    """Raise Fail with the most specific hint for a gradient `got` that should be `expected`."""
    got = np.asarray(got, dtype=np.float64)
    for factor, hint in ((2.0, "your gradient is twice too large: divide by 2h, not h"),
                         (0.5, "your gradient is half the right size: divide by 2h"),
                         (-1.0, "wrong sign: it is f(x + h) - f(x - h), in that order")):
        if rel_error(got, factor * expected) < 1e-6:
            raise Fail(hint)
    for forward in (True, False):
        if rel_error(got, _one_sided(f, x.copy(), h, forward)) < 1e-7:
            raise Fail("that is a one-sided difference, accurate only to O(h): use the centred "
                       "(f(x + h) - f(x - h)) / (2h)")


def check_centred_gradient(centred_gradient, h=1e-4):
    """centred_gradient(f, x, h): gradient of a scalar f at a float array x (any shape).

    It must use centred differences, change x in place while it works (so that f may read x
    itself, like `lambda _: net.loss(x, t)`) and leave x exactly as it found it. Compared with
    `scratch.gradient.numerical_gradient` on a vector, a matrix and a closure.
    """

    def compare(f, x, expected, what):
        before = x.copy()
        got = centred_gradient(f, x, h)
        if got is None:
            raise Fail("your function returns None: return the gradient array")
        if not np.array_equal(x, before):
            raise Fail("x was changed: put x[i] back to its old value after the two evaluations")
        if np.shape(got) != x.shape:
            raise Fail(f"for {what} the gradient should have x's shape {x.shape}, got "
                       f"{np.shape(got)}: loop over every index, e.g. np.ndindex(x.shape)")
        if not rel_error(got, expected) < TOL:
            _diagnose(got, expected, f, x, h)
        expect_gradients(got, expected, f"for {what} your gradient differs from "
                         "numerical_gradient: for every x[i] compute "
                         "(f(x + h) - f(x - h)) / (2h) with the other entries unchanged",
                         tol=TOL)

    def check():
        rng = np.random.default_rng(5)
        vector, matrix = rng.standard_normal(5), rng.standard_normal((3, 4))
        compare(_smooth, vector, numerical_gradient(_smooth, vector.copy(), h), "a vector x")
        compare(_smooth, matrix, numerical_gradient(_smooth, matrix.copy(), h), "a (3, 4) x")
        w = rng.standard_normal((2, 3))

        def reads_w(_):
            return float(np.sum(w**3))

        before = w.copy()
        got = centred_gradient(reads_w, w, h)
        if not np.array_equal(w, before):
            raise Fail("x was changed: put x[i] back to its old value after the two evaluations")
        if np.shape(got) != w.shape or not rel_error(got, 3 * w**2) < 1e-6:
            raise Fail("right when f reads its argument but not when f reads x itself (like "
                       "lambda _: net.loss(x, t)): change x in place, not a copy of it")
        return OK_NOTE

    return run_check("centred_gradient", check)
