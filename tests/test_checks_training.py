"""Notebook 07's checks: right answers pass, typical mistakes get their hint, stubs a nudge."""

import numpy as np
from check_output import NOT_IMPLEMENTED, one_line

from scratch.checks.training import check_accuracy, check_sgd_step


def _stub(*args):
    raise NotImplementedError


def test_sgd_step_correct_in_place_or_rebinding(capsys):
    def in_place(params, grads, lr):
        for key in params:
            params[key] -= lr * grads[key]

    def rebinding(params, grads, lr):
        for key in params:
            params[key] = params[key] - lr * grads[key]

    for solution in (in_place, rebinding):
        assert check_sgd_step(solution)
        assert one_line(capsys) == "sgd_step: OK (every parameter moved by -lr * gradient)"


def test_sgd_step_mistakes(capsys):
    def local_only(params, grads, lr):
        for key, p in params.items():
            p = p - lr * grads[key]  # noqa: F841 - the classic mistake: rebinds a local name

    def uphill(params, grads, lr):
        for key in params:
            params[key] += lr * grads[key]

    def no_lr(params, grads, lr):
        for key in params:
            params[key] -= grads[key]

    def half(params, grads, lr):
        for key in params:
            params[key] -= 0.5 * lr * grads[key]

    expected = [
        (local_only, "did not change: write the result back"),
        (uphill, "the step went uphill"),
        (no_lr, "scale the gradient by the learning rate"),
        (half, "should become params['W'] - lr * grads['W']"),
    ]
    for solution, hint in expected:
        assert not check_sgd_step(solution)
        line = one_line(capsys)
        assert line.startswith("sgd_step: not yet - ") and hint in line


def test_sgd_step_stub(capsys):
    assert not check_sgd_step(_stub)
    assert one_line(capsys) == f"sgd_step: {NOT_IMPLEMENTED}"


def test_accuracy_correct(capsys):
    def accuracy(scores, t):
        if t.ndim == 2:
            t = t.argmax(axis=1)
        return np.mean(scores.argmax(axis=1) == t)

    assert check_accuracy(accuracy)
    assert one_line(capsys) == "accuracy: OK (integer and one-hot labels)"


def test_accuracy_mistakes(capsys):
    def wrong_axis(scores, t):
        return np.mean(scores.argmax(axis=0) == t)

    def count(scores, t):
        return np.sum(scores.argmax(axis=1) == t)

    def labels_only(scores, t):
        return np.mean(scores.argmax(axis=1) == t)

    def per_sample(scores, t):
        return scores.argmax(axis=1) == t

    expected = [
        (wrong_axis, "scores.argmax(axis=1) (your code raised ValueError)"),
        (count, "divide the number of correct predictions by the number of samples N"),
        (labels_only, "t may also be one-hot (N, C)"),
        (per_sample, "return one number, the fraction correct (got shape (60,))"),
    ]
    for solution, hint in expected:
        assert not check_accuracy(solution)
        line = one_line(capsys)
        assert line.startswith("accuracy: not yet - ") and hint in line


def test_accuracy_stub(capsys):
    assert not check_accuracy(_stub)
    assert one_line(capsys) == f"accuracy: {NOT_IMPLEMENTED}"
