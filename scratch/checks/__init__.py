"""Self-checks for the notebooks' exercises.

Every check prints exactly one line and returns True or False; it never raises, so a learner's
unfinished exercise (a stub raising NotImplementedError) gives a hint instead of a traceback:

    MulLayer.backward: OK (max rel. error < 1e-7)
    MulLayer.backward: not yet - dx should be dout * y (the *other* input); yours differs

The lines are fixed text (errors are reported against a threshold, not printed in full), so
nbval can compare them. Topic modules (`scratch.checks.<topic>`) build on `run_check`.
"""

import numpy as np

from scratch.gradient import rel_error

__all__ = ["run_check", "Fail", "expect_close", "expect_gradients"]


class Fail(Exception):
    """Raised inside a check to report 'not yet' with a hint."""


def run_check(what, check, success="OK"):
    """Run `check()` and print one line: '<what>: OK' or '<what>: not yet - <hint>'.

    check: a function of no arguments that raises Fail(hint) when the answer is wrong and may
    return a string to append to the success text (e.g. '(max rel. error < 1e-7)').
    Returns True when the check passed.
    """
    try:
        extra = check()
    except Fail as fail:
        print(f"{what}: not yet - {fail}")
        return False
    except NotImplementedError:
        print(f"{what}: not yet - not implemented: replace the `# YOUR CODE HERE` stub")
        return False
    except Exception as exc:  # a learner's code can fail in any way; show the reason, not a trace
        print(f"{what}: not yet - your code raised {type(exc).__name__}: {exc}")
        return False
    print(f"{what}: {success}" + (f" {extra}" if extra else ""))
    return True


def expect_close(got, expected, hint, rtol=1e-7, atol=0.0):
    """Raise Fail(hint) unless `got` has `expected`'s shape and values (within tolerance)."""
    got_arr, exp_arr = np.asarray(got), np.asarray(expected)
    if got_arr.shape != exp_arr.shape:
        raise Fail(f"{hint} (shape {got_arr.shape}, expected {exp_arr.shape})")
    if not np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol):
        raise Fail(hint)


def expect_gradients(analytic, numeric, hint, tol=1e-7):
    """Raise Fail(hint) unless rel_error(analytic, numeric) < tol; returns the success note."""
    if np.shape(analytic) != np.shape(numeric):
        raise Fail(f"{hint} (gradient shape {np.shape(analytic)}, expected {np.shape(numeric)})")
    if not rel_error(analytic, numeric) < tol:
        raise Fail(hint)
    return f"(max rel. error < {tol:.0e})"
