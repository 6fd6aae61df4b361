"""Checks for notebook 12's exercises: `exp` and `log` added to the notebook's own Value.

The reference is written here with `math` and centred differences, independent of
`scratch.autograd`; a Value class taken from scratch.autograd is refused.
"""

import math

from scratch.autograd import Value as ScratchValue
from scratch.checks import Fail, run_check

__all__ = ["check_exp_log"]


def _numerical(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


def _grad_of(value_class, build, x):
    """d build(v) / dv at x with the learner's class: (result's data, v.grad)."""
    v = value_class(x)
    out = build(v)
    if isinstance(out, ScratchValue):
        raise Fail("the result is a scratch.autograd.Value: build exp and log in the "
                   "notebook's own Value class")
    out.backward()
    return out.data, v.grad


def check_exp_log(value_class):
    """value_class: the notebook's Value with methods exp() and log(), each a Value recording
    its input and local derivative, so that backward() fills the input's grad."""

    def check():
        if isinstance(value_class, type) and issubclass(value_class, ScratchValue):
            raise Fail("this is scratch.autograd.Value: add exp and log to the notebook's Value")
        for x in (-1.3, 0.4, 2.0):
            data, grad = _grad_of(value_class, lambda v: v.exp(), x)
            if not math.isclose(data, math.exp(x), rel_tol=1e-9):
                raise Fail(f"exp's data should be e**x: for x = {x} expected "
                           f"{math.exp(x):.6g}, got {data}")
            if not math.isclose(grad, math.exp(x), rel_tol=1e-7):
                raise Fail("exp's local derivative should be e**x, the result itself")
            _, grad = _grad_of(value_class, lambda v: v.exp() * 3.0, x)
            if not math.isclose(grad, 3.0 * math.exp(x), rel_tol=1e-7):
                raise Fail("exp must multiply its local derivative by the gradient arriving "
                           "from its output (here 3)")
        for x in (0.3, 1.0, 4.5):
            data, grad = _grad_of(value_class, lambda v: v.log(), x)
            if not math.isclose(data, math.log(x), rel_tol=1e-9, abs_tol=1e-12):
                raise Fail(f"log's data should be the natural log: for x = {x} expected "
                           f"{math.log(x):.6g}, got {data}")
            if not math.isclose(grad, 1.0 / x, rel_tol=1e-7):
                raise Fail("log's local derivative should be 1 / x")
            _, grad = _grad_of(value_class, lambda v: v.log() * 3.0, x)
            if not math.isclose(grad, 3.0 / x, rel_tol=1e-7):
                raise Fail("log must multiply its local derivative by the gradient arriving "
                           "from its output (here 3)")
        x = 0.7  # both on one input, and a chain: log(exp(x) * x) = x + log x
        _, grad = _grad_of(value_class, lambda v: (v.exp() * v).log(), x)
        numeric = _numerical(lambda u: math.log(math.exp(u) * u), x)
        if not math.isclose(grad, numeric, rel_tol=1e-6):
            raise Fail("log(exp(x) * x) uses x twice: does every node add (+=) into its "
                       "inputs' grad?")
        return "(against math.exp, math.log and numerical gradients)"

    return run_check("Value.exp and Value.log", check)
