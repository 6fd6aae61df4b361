"""Checks for notebook 05's exercises: a centred-difference gradient, and a sparse gradient
check that tests a few random entries of a large array.

Each prints one line (`...: OK (max rel. error < 1e-7)` or `...: not yet - <hint>`) and
returns a truthy or falsy result; see `scratch.checks` for the convention.
"""

import numpy as np

from scratch import gradient
from scratch.checks import Fail, expect_gradients, refusing_calls, run_check, tolerance_text
from scratch.gradient import numerical_gradient, rel_error

__all__ = ["check_centred_gradient", "check_sparse_check"]

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


def _own_work():
    """The learner's function must compute the differences itself, not call scratch.gradient."""
    return refusing_calls([gradient.numerical_gradient, gradient.eval_numerical_gradient_array],
                          "your code calls scratch.gradient to do the work: compute the "
                          "centred differences yourself")


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

    def compare(f, x, expected, what, h=h):
        before = x.copy()
        with _own_work():
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
        # Another step, far enough from h that the two centred differences differ by ~1e-5.
        other_h = 1e-2 if h != 1e-2 else 1e-3
        with _own_work():
            got = centred_gradient(_smooth, vector.copy(), other_h)
        if np.shape(got) == vector.shape and not rel_error(
                got, numerical_gradient(_smooth, vector.copy(), other_h)) < TOL and rel_error(
                got, numerical_gradient(_smooth, vector.copy(), h)) < TOL:
            raise Fail(f"called with h={other_h}, your function still steps by {h}: use the h "
                       "it is given")
        compare(_smooth, vector, numerical_gradient(_smooth, vector.copy(), other_h),
                f"a vector x and h={other_h}", h=other_h)
        w = rng.standard_normal((2, 3))

        def reads_w(_):
            return float(np.sum(w**3))

        before = w.copy()
        with _own_work():
            got = centred_gradient(reads_w, w, h)
        if not np.array_equal(w, before):
            raise Fail("x was changed: put x[i] back to its old value after the two evaluations")
        if np.shape(got) != w.shape or not rel_error(got, 3 * w**2) < 1e-6:
            raise Fail("right when f reads its argument but not when f reads x itself (like "
                       "lambda _: net.loss(x, t)): change x in place, not a copy of it")
        return OK_NOTE

    return run_check("centred_gradient", check)


def _sparse_problem(rng, wrong):
    """A smooth f of x: (30, 40), its analytic gradient, and a copy of it with `wrong` of its
    1,200 entries off by their own size."""
    x = rng.uniform(-1.2, 1.2, (30, 40))  # cos(x) > 0.36: no entry of the gradient near 0
    weights = rng.uniform(0.5, 1.5, x.shape)

    def f(v):
        return float(np.sum(weights * np.sin(v)))

    analytic = weights * np.cos(x)
    bad = analytic.copy()
    flat = rng.choice(bad.size, wrong, replace=False)
    bad.flat[flat] = -bad.flat[flat]
    return f, x, analytic, bad


def check_sparse_check(sparse_check):
    """sparse_check(f, x, analytic, num_checks, rng, h=1e-5) -> the largest per-entry relative
    error |a - n| / (|a| + |n|) over num_checks entries of x drawn with rng, each compared with
    its centred difference; f is evaluated exactly 2 * num_checks times, x left as it was."""

    def check():
        f, x, analytic, bad = _sparse_problem(np.random.default_rng(50), wrong=600)
        before = x.copy()
        calls = []

        def counted(v):
            # remember which entries this call nudged, to see later whether the same seed
            # picks the same entries (comparing the tiny errors themselves would be flaky)
            calls.append(tuple(np.flatnonzero(np.asarray(v) != before)))
            return f(v)

        with _own_work():
            error = sparse_check(counted, x, analytic, 10, np.random.default_rng(0))
        if not np.array_equal(x, before):
            raise Fail("x was changed: put every nudged entry back")
        if len(calls) != 20:
            raise Fail(f"f was evaluated {len(calls)} times for 10 checks: nudge only the 10 "
                       "chosen entries, twice each (x + h and x - h)")
        if np.ndim(error) != 0:
            raise Fail("return one number, the largest relative error of the checked entries")
        if not float(error) < TOL:
            raise Fail(f"the gradient here is right, but your error is {float(error):.1e}: "
                       "compare analytic[i] with (f(x + h) - f(x - h)) / (2h) at the same i")
        first = sorted(calls)
        calls.clear()
        sparse_check(counted, x, analytic, 10, np.random.default_rng(0))
        if sorted(calls) != first:
            raise Fail("draw the entries with the rng you are given, so that a check repeats")
        # num_checks and h at other values: 7 entries, nudged by 1e-3 each way.
        steps = []

        def measured(v):
            steps.append(np.abs(np.asarray(v) - before).max())
            return f(v)

        with _own_work():
            sparse_check(measured, x, analytic, 7, np.random.default_rng(1), h=1e-3)
        if len(steps) != 14:
            raise Fail(f"f was evaluated {len(steps)} times for num_checks=7: use the "
                       "num_checks you are given (twice each)")
        if not np.allclose(steps, 1e-3, rtol=1e-6):
            raise Fail(f"called with h=1e-3, your function nudged x by {max(steps):.0e}: use "
                       "the h it is given")
        errors = [float(sparse_check(f, x, bad, 10, np.random.default_rng(seed)))
                  for seed in range(5)]
        if not all(e > 0.5 for e in errors):
            raise Fail("half of this gradient's entries have the wrong sign, but your errors "
                       f"are {', '.join(f'{e:.2g}' for e in errors)}: return the largest "
                       "|a - n| / (|a| + |n|) of the checked entries")
        return "(10 entries of 1,200, f evaluated 20 times)"

    return run_check("sparse_check", check)
