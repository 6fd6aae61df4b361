"""Notebook 05's checks: OK for a right answer, the matching hint for a typical bug, never a
traceback."""

import numpy as np
import pytest

from scratch.checks.gradient_check import check_centred_gradient, check_sparse_check
from scratch.gradient import eval_numerical_gradient_array, numerical_gradient, rel_error
from tests.notebooks.check_output import expect_verdicts, one_line

# ---------------------------------------------------------------------------------------------
# Exercise 1: centred_gradient(f, x, h)


def centred(f, x, h=1e-4):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def forward(f, x, h=1e-4):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        f_old = f(x)
        x[i] = old + h
        grad[i] = (f(x) - f_old) / h
        x[i] = old
    return grad


def backward(f, x, h=1e-4):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        f_old = f(x)
        x[i] = old - h
        grad[i] = (f_old - f(x)) / h
        x[i] = old
    return grad


def not_restored(f, x, h=1e-4):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        grad[i] = (f_plus - f(x)) / (2 * h)
    return grad


def divides_by_h(f, x, h=1e-4):
    return 2 * centred(f, x, h)


def divides_by_4h(f, x, h=1e-4):
    return centred(f, x, h) / 2


def wrong_sign(f, x, h=1e-4):
    return -centred(f, x, h)


def flattened(f, x, h=1e-4):
    return centred(f, x, h).reshape(-1)


def on_a_copy(f, x, h=1e-4):
    return centred(f, x.copy(), h)


def off_by_one_index(f, x, h=1e-4):
    return np.roll(centred(f, x, h), 1)


def returns_nothing(f, x, h=1e-4):
    centred(f, x, h)


def stub(f, x, h=1e-4):
    raise NotImplementedError


@pytest.mark.parametrize(("solution", "hint"), [
    (forward, "that is a one-sided difference, accurate only to O(h)"),
    (backward, "that is a one-sided difference, accurate only to O(h)"),
    (not_restored, "x was changed: put x[i] back"),
    (divides_by_h, "your gradient is twice too large: divide by 2h, not h"),
    (divides_by_4h, "your gradient is half the right size: divide by 2h"),
    (wrong_sign, "wrong sign: it is f(x + h) - f(x - h), in that order"),
    (flattened, "the gradient should have x's shape (3, 4), got (12,)"),
    (on_a_copy, "change x in place, not a copy of it"),
    (off_by_one_index, "for a vector x your gradient differs from numerical_gradient"),
    (returns_nothing, "your function returns None"),
    (stub, "not implemented"),
])
def test_centred_gradient_hints(capsys, solution, hint):
    assert not check_centred_gradient(solution)
    line = one_line(capsys)
    assert line.startswith("centred_gradient: not yet - ")
    assert hint in line


def test_centred_gradient_ok(capsys):
    assert check_centred_gradient(centred)
    assert capsys.readouterr().out == "centred_gradient: OK (max rel. error < 1e-7)\n"


@pytest.mark.parametrize("scratch_function", [
    numerical_gradient,
    lambda f, x, h: eval_numerical_gradient_array(lambda: f(x), x, 1.0, h),
])
def test_centred_gradient_refuses_the_packages_own(capsys, scratch_function):
    assert not check_centred_gradient(scratch_function)
    assert "your code calls scratch.gradient to do the work" in one_line(capsys)


# ---------------------------------------------------------------------------------------------
# Exercise 2: sparse_check(f, x, analytic, num_checks, rng, h)


def sparse(f, x, analytic, num_checks, rng, h=1e-5, shift=0):
    """The right sparse check; shift > 0 compares with analytic at the entry `shift` columns
    to the right of the nudged one (a wrong solution)."""
    worst = 0.0
    for _ in range(num_checks):
        i = tuple(int(rng.integers(n)) for n in x.shape)
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        numeric = (plus - minus) / (2 * h)
        a = analytic[i[:-1] + ((i[-1] + shift) % x.shape[-1],)]
        worst = max(worst, abs(a - numeric) / (abs(a) + abs(numeric)))
    return worst


def test_sparse_check_ok(capsys):
    assert check_sparse_check(sparse)
    assert one_line(capsys) == "sparse_check: OK (10 entries of 1,200, f evaluated 20 times)"


def _full(f, x, analytic, num_checks, rng, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        grad[i] = (plus - f(x)) / (2 * h)
        x[i] = old
    return float(np.max(np.abs(grad - analytic) / (np.abs(grad) + np.abs(analytic))))


def _not_restored(f, x, analytic, num_checks, rng, h=1e-5):
    error = sparse(f, x, analytic, num_checks, rng, h)
    x[0, 0] += h
    return error


def _whole_array(f, x, analytic, num_checks, rng, h=1e-5):
    return rel_error(analytic, numerical_gradient(f, x, h))


def _mean(f, x, analytic, num_checks, rng, h=1e-5):
    errors = [sparse(f, x, analytic, 1, rng, h) for _ in range(num_checks)]
    return float(np.mean(errors))


def _fresh_rng(f, x, analytic, num_checks, rng, h=1e-5):
    return sparse(f, x, analytic, num_checks, np.random.default_rng(), h)


def _list(f, x, analytic, num_checks, rng, h=1e-5):
    return [sparse(f, x, analytic, 1, rng, h) for _ in range(num_checks)]


def _absolute(f, x, analytic, num_checks, rng, h=1e-5):
    return sparse(f, x, analytic, num_checks, rng, h) * 1e-7


@pytest.mark.parametrize(("solution", "hint"), [
    (_full, "f was evaluated 2400 times for 10 checks"),
    (_not_restored, "x was changed"),
    (_whole_array, "your code calls scratch.gradient to do the work"),
    (_fresh_rng, "draw the entries with the rng you are given"),
    (_list, "return one number"),
    (_mean, "half of this gradient's entries have the wrong sign"),
    (_absolute, "half of this gradient's entries have the wrong sign"),
    (lambda *args, **kwargs: stub(None, None), "not implemented"),
])
def test_sparse_check_hints(capsys, solution, hint):
    assert not check_sparse_check(solution)
    line = one_line(capsys)
    assert line.startswith("sparse_check: not yet - ") and hint in line, line


def test_sparse_check_that_compares_the_wrong_entry(capsys):
    """Nudges entry i but compares the numeric slope with analytic at another entry: 20
    evaluations, x restored, one number, yet a large error for a right gradient."""

    def off_by_one(f, x, analytic, num_checks, rng, h=1e-5):
        return sparse(f, x, analytic, num_checks, rng, h, shift=1)

    assert not check_sparse_check(off_by_one)
    line = one_line(capsys)
    assert line.startswith("sparse_check: not yet - the gradient here is right, but your error "
                           "is "), line
    assert line.endswith("compare analytic[i] with (f(x + h) - f(x - h)) / (2h) at the same i")


# --- the catalogue: right answers in other styles and the shortcuts ------------------------

def centred_flat(f, x, h=1e-4):
    """Another right style: a flat view and a while loop."""
    grad, flat, i = np.zeros_like(x), x.reshape(-1), 0
    while i < flat.size:
        old = flat[i]
        flat[i] = old + h
        f_plus = f(x)
        flat[i] = old - h
        grad.reshape(-1)[i] = (f_plus - f(x)) / (2 * h)
        flat[i] = old
        i += 1
    return grad


def divides_by_a_fixed_2h(f, x, h=1e-4):
    return centred(f, x, h) * h / 1e-4


def centred_fixed_h(f, x, h=1e-4):
    return centred(f, x, 1e-4)


def test_centred_gradient_catalogue(capsys):
    cases = [
        (centred, None),
        (centred_flat, None),
        (forward, "that is a one-sided difference"),
        (divides_by_a_fixed_2h, "for a vector x and h=0.01 your gradient differs from "
                                "numerical_gradient"),
        (centred_fixed_h, "called with h=0.01, your function still steps by 0.0001",
         "ignores a hyperparameter"),
        (numerical_gradient, "your code calls scratch.gradient to do the work", "wrapper"),
        (lambda f, x, h: eval_numerical_gradient_array(lambda: f(x), x, 1.0, h),
         "your code calls scratch.gradient to do the work", "saved reference"),
    ]
    expect_verdicts(check_centred_gradient, cases, capsys,
                    "centred_gradient: OK (max rel. error < 1e-7)")


def sparse_flat(f, x, analytic, num_checks, rng, h=1e-5):
    """Another right style: flat indices drawn at once."""
    errors = []
    for k in rng.integers(x.size, size=num_checks):
        i = np.unravel_index(k, x.shape)
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        n = (plus - minus) / (2 * h)
        errors.append(abs(analytic[i] - n) / (abs(analytic[i]) + abs(n)))
    return max(errors)


def test_sparse_check_catalogue(capsys):
    def fixed_count(f, x, analytic, num_checks, rng, h=1e-5):
        return sparse(f, x, analytic, 10, rng, h)

    def fixed_h(f, x, analytic, num_checks, rng, h=1e-5):
        return sparse(f, x, analytic, num_checks, rng, 1e-5)

    def with_scratch(f, x, analytic, num_checks, rng, h=1e-5):
        return rel_error(analytic, numerical_gradient(f, x, h))

    cases = [
        (sparse, None),
        (sparse_flat, None),
        (_not_restored, "x was changed"),
        (_fresh_rng, "draw the entries with the rng you are given"),
        (fixed_count, "f was evaluated 20 times for num_checks=7", "ignores a hyperparameter"),
        (fixed_h, "called with h=1e-3, your function nudged x by 1e-05",
         "ignores a hyperparameter"),
        (with_scratch, "your code calls scratch.gradient to do the work", "wrapper"),
    ]
    expect_verdicts(check_sparse_check, cases, capsys,
                    "sparse_check: OK (10 entries of 1,200, f evaluated 20 times)")
