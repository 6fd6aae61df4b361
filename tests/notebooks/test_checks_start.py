"""Notebook 00's checks: OK for the right answer, a hint otherwise, never an exception."""

import numpy as np

from scratch.checks import CheckResult
from scratch.checks.start import check_class_counts, check_mean_image
from tests.notebooks.check_output import NOT_IMPLEMENTED


def stub(*args):
    raise NotImplementedError


def test_class_counts(capsys):
    assert check_class_counts(lambda t: np.bincount(t, minlength=10))
    assert not check_class_counts(lambda t: np.ones(10))
    assert not check_class_counts(lambda t: np.bincount(t)[::-1])
    assert not check_class_counts(stub)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "class_counts: OK"
    assert "should add up to 8000" in out[1]
    assert "some counts are off" in out[2]
    assert out[3] == f"class_counts: {NOT_IMPLEMENTED}"


def test_mean_image(capsys):
    assert check_mean_image(lambda x, t, d: x[t == d].mean(axis=0).reshape(28, 28))
    assert not check_mean_image(lambda x, t, d: x.mean(axis=0))
    assert not check_mean_image(lambda x, t, d: np.zeros(10))
    assert not check_mean_image(stub)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "mean_image: OK"
    assert out[1].startswith("mean_image: not yet - select the images")
    assert "expected 784 pixels" in out[2]
    assert "not implemented" in out[3]


def test_check_result_is_boolean_and_displays_nothing():
    assert CheckResult(True) and not CheckResult(False)
    assert CheckResult(True) == True  # noqa: E712
    assert CheckResult(False)._ipython_display_() is None


def test_class_counts_of_the_wrong_shape(capsys):
    assert not check_class_counts(lambda t: np.bincount(t, minlength=10)[:9])
    assert capsys.readouterr().out == (
        "class_counts: not yet - expected one count per digit, shape (10,), got (9,)\n")
