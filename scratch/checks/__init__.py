"""Self-checks for the notebooks' exercises.

Every check prints exactly one line and returns True or False; it never raises, so a learner's
unfinished exercise (a stub raising NotImplementedError) gives a hint instead of a traceback:

    MulLayer.backward: OK (max rel. error < 1e-7)
    MulLayer.backward: not yet - dx should be dout * y (the *other* input); yours differs

The lines are fixed text (errors are reported against a threshold, not printed in full), so
nbval can compare them. Topic modules (`scratch.checks.<topic>`) build on `run_check`.
"""

import inspect
import linecache
import os
import sys
import sysconfig
from contextlib import contextmanager

import numpy as np

from scratch.gradient import max_rel_error

__all__ = ["run_check", "Fail", "CheckResult", "expect_close", "expect_gradients",
           "refusing_calls", "counting_calls", "raised_text"]


class CheckResult:
    """True or False (use it in `if` and `assert`) that shows nothing as a cell's last value.

    The check has already printed its line; IPython calls `_ipython_display_` instead of
    showing a repr, so a notebook cell ending in `check_x(...)` adds no `Out[...]` (a trailing
    `;` would not help: nbval runs cells without history, where IPython ignores it).
    """

    def __init__(self, passed):
        self.passed = bool(passed)

    def __bool__(self):
        return self.passed

    def __eq__(self, other):
        return bool(self) == other

    __hash__ = None

    def __repr__(self):
        return f"CheckResult({self.passed})"

    def _ipython_display_(self):
        pass


class Fail(Exception):
    """Raised inside a check to report 'not yet' with a hint."""


def run_check(what, check, success="OK"):
    """Run `check()` and print one line: '<what>: OK' or '<what>: not yet - <hint>'.

    check: a function of no arguments that raises Fail(hint) when the answer is wrong and may
    return a string to append to the success text (e.g. '(max rel. error < 1e-7)').
    Returns a CheckResult, truthy when the check passed.
    """
    try:
        extra = check()
    except Fail as fail:
        print(f"{what}: not yet - {fail}")
        return CheckResult(False)
    except NotImplementedError:
        print(f"{what}: not yet - not implemented: replace the `# YOUR CODE HERE` stub")
        return CheckResult(False)
    except Exception as exc:  # a learner's code can fail in any way; show the reason, not a trace
        print(f"{what}: not yet - {raised_text(exc)}")
        return CheckResult(False)
    print(f"{what}: {success}" + (f" {extra}" if extra else ""))
    return CheckResult(True)


# Where the learner's code is not: this package and the installed libraries (numpy, Python's
# own modules). The deepest frame of a traceback outside them is the learner's line.
_NOT_LEARNER = tuple(os.path.realpath(d) + os.sep for d in
                     {os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      *(sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib",
                                                           "platlib"))})

# Errors whose usual cause is not where they are raised: (a part of the message, the cause).
KNOWN_SYMPTOMS = [
    ("must have the shape of forward's output",
     "is one layer object used in two places? Each position in the network needs its own "
     "layer object: a layer keeps what its last forward saw"),
    ("object is not iterable",
     "where a tuple of one element is meant, it needs its comma: (e,), not (e), which is e "
     "itself"),
]


def _learner_line(exc):
    """'line 3 of your cell: `y = x @ W`' for the deepest frame of exc's traceback that is the
    learner's (not scratch's, numpy's or Python's), or None."""
    found = None
    for frame, lineno in _frames(exc.__traceback__):
        filename = frame.f_code.co_filename
        if not os.path.realpath(filename).startswith(_NOT_LEARNER):
            found = (filename, lineno)
    if found is None:
        return None
    filename, lineno = found
    code = linecache.getline(filename, lineno).strip()
    # IPython names a cell's code /tmp/ipykernel_<pid>/<hash>.py (or <ipython-input-...>)
    where = ("your cell" if "ipykernel_" in filename or filename.startswith("<")
             else os.path.basename(filename))
    return f"line {lineno} of {where}" + (f": `{code}`" if code else "")


def _frames(tb):
    while tb is not None:
        yield tb.tb_frame, tb.tb_lineno
        tb = tb.tb_next


def raised_text(exc):
    """The hint for an exception of the learner's code: what it said, the line of their code it
    came from, and, for a known symptom, what usually causes it."""
    text = f"your code raised {type(exc).__name__}: {exc}"
    line = _learner_line(exc)
    if line:
        text += f" (at {line})"
    causes = [cause for symptom, cause in KNOWN_SYMPTOMS if symptom in str(exc)]
    if causes:
        text += f"; a common cause: {causes[0]}"
    return text


def expect_close(got, expected, hint, rtol=1e-7, atol=0.0):
    """Raise Fail(hint) unless `got` has `expected`'s shape and values (within tolerance)."""
    got_arr, exp_arr = np.asarray(got), np.asarray(expected)
    if got_arr.shape != exp_arr.shape:
        raise Fail(f"{hint} (shape {got_arr.shape}, expected {exp_arr.shape})")
    if not np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol):
        raise Fail(hint)


def tolerance_text(tol):
    """1e-7 -> "1e-7" (Python's f"{1e-7:.0e}" gives "1e-07", which reads less like the prose)."""
    mantissa, exponent = f"{tol:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def expect_gradients(analytic, numeric, hint, tol=1e-7):
    """Raise Fail(hint) unless max_rel_error(analytic, numeric) < tol; returns the success note,
    which names that measure ("max rel. error" is scratch.gradient.max_rel_error, the worst
    entry against the largest ones, as notebook 05 teaches: the whole-array rel_error would
    dilute one wrong entry of a large array)."""
    if np.shape(analytic) != np.shape(numeric):
        raise Fail(f"{hint} (gradient shape {np.shape(analytic)}, expected {np.shape(numeric)})")
    if not max_rel_error(analytic, numeric) < tol:
        raise Fail(hint)
    return f"(max rel. error < {tolerance_text(tol)})"


@contextmanager
def refusing_calls(functions, message):
    """While inside, a call of any of `functions` (Python functions or methods, wherever the
    learner got them from) raises Fail(message): for exercises whose point is to write what
    scratch (or the check's own reference) already has. Implemented with sys.setprofile, which
    sees every Python call, so an alias or a saved reference is caught as well."""
    # A decorated function (functools.wraps) is watched through the function it wraps: wrappers
    # may share one code object, and watching that would refuse every function wrapped alike.
    codes = {inspect.unwrap(getattr(f, "__func__", f)).__code__ for f in functions}
    caught = []
    previous = sys.getprofile()

    def profile(frame, event, arg):
        if previous is not None:  # an enclosing refusing_calls or counting_calls still sees
            previous(frame, event, arg)
        if event == "call" and frame.f_code in codes:
            caught.append(frame.f_code.co_name)
            sys.setprofile(None)  # report once; the Fail below ends the learner's code
            raise Fail(message)
        return profile

    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(previous)
        if caught:
            raise Fail(message)



@contextmanager
def counting_calls(functions):
    """Count the calls of `functions` (by their qualified names) while inside: for exercises
    whose point is to use certain layers, not only to get their numbers. Yields the dict of
    counts, filled as the calls happen."""
    names = {(getattr(f, "__code__", None) or f.__func__.__code__): f.__qualname__
             for f in functions}
    counts = dict.fromkeys(names.values(), 0)
    previous = sys.getprofile()

    def profile(frame, event, arg):
        if previous is not None:  # an enclosing refusing_calls still refuses
            previous(frame, event, arg)
        if event == "call" and frame.f_code in names:
            counts[names[frame.f_code]] += 1

    sys.setprofile(profile)
    try:
        yield counts
    finally:
        sys.setprofile(previous)
