"""Notebook 00's checks: OK for the right answer, a hint otherwise, never an exception."""

import numpy as np

from scratch.checks.start import check_class_counts, check_mean_digit
from scratch.datasets import load_mnist


def test_class_counts(capsys):
    (x, t), _ = load_mnist()
    assert check_class_counts(np.bincount(t))
    assert capsys.readouterr().out == "class counts: OK\n"
    assert not check_class_counts(np.ones(10))
    assert "should add up to 8000" in capsys.readouterr().out
    assert not check_class_counts(np.bincount(t)[::-1])
    assert "some counts are off" in capsys.readouterr().out


def test_mean_digit(capsys):
    (x, t), _ = load_mnist()
    assert check_mean_digit(x[t == 3].mean(axis=0).reshape(28, 28), 3)
    assert not check_mean_digit(x.mean(axis=0), 3)
    assert not check_mean_digit(np.zeros(10), 3)

    def stub():
        raise NotImplementedError

    class Lazy:
        def __array__(self, *a, **k):
            stub()

    assert not check_mean_digit(Lazy(), 3)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "mean image of digit 3: OK"
    assert out[1].startswith("mean image of digit 3: not yet - select the images")
    assert "expected 784 pixels" in out[2]
    assert "not implemented" in out[3]


def test_check_result_is_boolean_and_displays_nothing():
    from scratch.checks import CheckResult

    assert CheckResult(True) and not CheckResult(False)
    assert CheckResult(True) == True  # noqa: E712
    assert CheckResult(False)._ipython_display_() is None
