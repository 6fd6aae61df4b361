"""The helpers every check shares (scratch/checks/__init__.py): what a learner reads when their
code raises, and the measure a gradient comparison names."""

import numpy as np

from scratch.checks import Fail, expect_gradients, run_check
from scratch.layers import Affine, Relu
from tests.notebooks.check_output import one_line


def test_an_exception_names_the_line_of_the_learners_code(capsys):
    def learner():
        x = np.ones(3)
        return x @ np.ones(4)  # the learner's mistake

    assert not run_check("thing", learner)
    line = one_line(capsys)
    assert line.startswith("thing: not yet - your code raised ValueError: "), line
    assert "(at line " in line and "test_checks_shared.py: `return x @ np.ones(4)" in line, line


def test_a_layer_used_twice_gets_its_usual_cause(capsys):
    relu, affine = Relu(), Affine(np.ones((4, 6)), np.zeros(6))

    def learner():
        x = np.ones((6, 4))
        h = relu.forward(x)           # (6, 4)
        relu.forward(affine.forward(h))  # the same Relu again, now (6, 6)
        return relu.backward(np.ones((6, 6))), relu.backward(np.ones((6, 4)))

    assert not run_check("net", learner)
    line = one_line(capsys)
    assert "Relu.backward: dout must have the shape of forward's output" in line, line
    assert "one layer object used in two places" in line, line
    assert "test_checks_shared.py: `return relu.backward(" in line, line


def test_a_tuple_without_its_comma_gets_its_usual_cause(capsys):
    def learner():
        e = 2.0
        parents = (e)
        return [p for p in parents]

    assert not run_check("Value", learner)
    line = one_line(capsys)
    assert "'float' object is not iterable" in line and "(e,), not (e)" in line, line


def test_the_gradient_verdict_is_the_worst_entrys():
    # One wrong entry among 40,000: rel_error dilutes it to about 1e-6; the worst-entry measure
    # (what the success text "max rel. error" names) does not.
    rng = np.random.default_rng(0)
    right = rng.standard_normal((200, 200))
    wrong = right.copy()
    wrong[3, 4] += 1e-4 * np.abs(right).max()
    try:
        expect_gradients(wrong, right, "W differs", tol=1e-5)
    except Fail as fail:
        assert str(fail) == "W differs"
    else:
        raise AssertionError("one wrong entry passed")
    assert expect_gradients(right, right, "W differs") == "(max rel. error < 1e-7)"


def test_refusing_calls_still_refuses_inside_counting_calls():
    import pytest

    from scratch.checks import counting_calls, refusing_calls
    from scratch.gradient import numerical_gradient

    def allowed():
        return 1

    with pytest.raises(Fail, match="no"), refusing_calls([numerical_gradient], "no"), \
            counting_calls([allowed]) as calls:
        allowed()
        numerical_gradient(lambda v: float(v.sum()), np.ones(2))
    assert calls["test_refusing_calls_still_refuses_inside_counting_calls.<locals>.allowed"] == 1
