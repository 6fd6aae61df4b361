"""Notebook 09's checks: right answers pass, typical mistakes get their hint, stubs a nudge."""

import numpy as np

from scratch.checks.initialisation import check_leaky_he_std, check_xavier_in_out
from tests.notebooks.check_output import NOT_IMPLEMENTED, expect_verdicts


def _stub(*args):
    raise NotImplementedError


def test_leaky_he_std(capsys):
    cases = [
        (lambda n, alpha: np.sqrt(2 / ((1 + alpha**2) * n)), None),
        (lambda n, alpha: np.sqrt(2 / n), "your scale does not depend on alpha"),
        (lambda n, alpha: np.sqrt(1 / n), "for alpha = 0 a leaky ReLU is a ReLU"),
        (lambda n, alpha: np.sqrt(2 / ((1 + alpha) * n)), "not alpha * Var(z) / 2"),
        (lambda n, alpha: 2 / ((1 + alpha**2) * n), "for alpha = 0 a leaky ReLU is a ReLU"),
        (lambda n, alpha: np.sqrt(2 / ((1 + alpha**2) * n)) * (1 + 0.1 * alpha),
         "for n = 50, alpha = 0.1 the scale should keep"),
        (lambda n, alpha: np.sqrt(2 / ((1 + alpha**2) * 50)), "for n = 200, got 0.2000",
         "hard-coded"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_leaky_he_std, cases, capsys,
                    "leaky_he_std: OK (and ten layers keep their activations' size)")


def _scale(n_in, n_out):
    return np.sqrt(2 / (n_in + n_out))


def _weights(sizes, rng):
    return [_scale(a, b) * rng.standard_normal((a, b)) for a, b in zip(sizes, sizes[1:])]


def test_xavier_in_out(capsys):
    def transposed(sizes, rng):
        return [W.T for W in _weights(sizes, rng)]

    def fresh_rng(sizes, rng):
        return _weights(sizes, np.random.default_rng())

    cases = [
        ((_scale, _weights), None),
        ((lambda n_in, n_out: (2 / (n_in + n_out)) ** 0.5, _weights), None),
        ((lambda n_in, n_out: np.sqrt(1 / n_in), _weights), "that is the book's sqrt(1 / n_in)"),
        ((lambda n_in, n_out: 2 / (n_in + n_out), _weights), "is the variance"),
        ((lambda n_in, n_out: np.sqrt(1 / (n_in + n_out)), _weights),
         "xavier_in_out(784, 100) should be"),
        ((_scale, lambda sizes, rng: _weights(sizes, rng)[:-1]), "so 3 weight matrices"),
        ((_scale, transposed), "matrix 1 should have shape (300, 200)"),
        ((_scale, fresh_rng), "matrix 1: draw rng.standard_normal"),
        ((lambda n_in, n_out: np.sqrt(2 / 884), _weights), "xavier_in_out(100, 10) should be",
         "hard-coded"),
        ((_stub, _weights), NOT_IMPLEMENTED),
    ]
    def xavier(pair):
        return check_xavier_in_out(*pair)

    xavier.__name__ = "check_xavier_in_out"  # the catalogue's name for it
    expect_verdicts(xavier, cases, capsys,
                    "xavier_in_out: OK (the scale and the weights of a 300-200-100-10 network)")
