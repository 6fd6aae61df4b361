"""Notebook 00's checks: OK for the right answer, a hint otherwise, never an exception."""

import numpy as np

from scratch.checks import CheckResult
from scratch.checks.start import check_class_counts, check_mean_image
from scratch.datasets import load_mnist
from tests.notebooks.check_output import NOT_IMPLEMENTED, expect_verdicts


def stub(*args):
    raise NotImplementedError


def _counting_loop(t):
    counts = np.zeros(10, dtype=int)
    for label in t:
        counts[label] += 1
    return counts


def test_class_counts(capsys):
    (_, t_train), _ = load_mnist()
    kept = np.bincount(t_train, minlength=10)  # computed once, for the training labels
    cases = [
        (lambda t: np.bincount(t, minlength=10), None),
        (_counting_loop, None),
        (lambda t: np.array([np.sum(t == d) for d in range(10)]), None),
        (lambda t: np.ones(10), "should add up to 8000"),
        (lambda t: np.bincount(t)[::-1], "some counts are off"),
        (lambda t: kept, "the counts should add up to", "hard-coded"),
        (lambda t: np.bincount(t), "expected one count per digit, shape (10,), got (9,)"),
        (stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_class_counts, cases, capsys, "class_counts: OK")


def test_mean_image(capsys):
    (x_train, t_train), _ = load_mnist()
    kept = {d: x_train[t_train == d].mean(axis=0) for d in range(10)}
    cases = [
        (lambda x, t, d: x[t == d].mean(axis=0).reshape(28, 28), None),
        (lambda x, t, d: x[t == d].sum(axis=0) / np.sum(t == d), None),
        (lambda x, t, d: x.mean(axis=0), "select the images with x[t == 3]"),
        (lambda x, t, d: np.zeros(10), "expected 784 pixels"),
        (lambda x, t, d: kept[d], "select the images with x[t == 3]", "hard-coded"),
        (stub, "not implemented"),
    ]
    expect_verdicts(check_mean_image, cases, capsys, "mean_image: OK")


def test_check_result_is_boolean_and_displays_nothing():
    assert CheckResult(True) and not CheckResult(False)
    assert CheckResult(True) == True  # noqa: E712
    assert CheckResult(False)._ipython_display_() is None


def test_class_counts_of_the_wrong_shape(capsys):
    assert not check_class_counts(lambda t: np.bincount(t, minlength=10)[:9])
    assert capsys.readouterr().out == (
        "class_counts: not yet - expected one count per digit, shape (10,), got (9,)\n")
