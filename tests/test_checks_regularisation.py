"""Notebook 11's checks: right answers pass, typical mistakes get their hint, stubs a nudge."""

import numpy as np
from check_output import NOT_IMPLEMENTED, one_line

from scratch.checks.regularisation import (
    SEARCH_RESULTS,
    check_inverted_dropout,
    check_lr_range,
    check_split_validation,
)
from scratch.layers import Dropout
from scratch.trainer import split_validation


def _stub(*args):
    raise NotImplementedError


def _expect(check, cases, capsys, ok_line):
    """Each (solution, hint): None must pass with ok_line, a hint must appear in 'not yet'."""
    what = ok_line.split(":")[0]
    for solution, hint in cases:
        passed, line = check(solution), one_line(capsys)
        if hint is None:
            assert passed and line == ok_line
        else:
            assert not passed and line.startswith(f"{what}: not yet - ") and hint in line, line


def _dropout(train=None, test=None, back=None, keep=None):
    """An inverted-dropout class with one part replaced by a mistake."""

    class Layer:
        def __init__(self, dropout_ratio=0.5, rng=None):
            self.dropout_ratio = dropout_ratio
            self.rng = np.random.default_rng(rng)
            self.mask = None

        def forward(self, x, train_flg=True):
            p = self.dropout_ratio
            if not train_flg:
                return test(x, p) if test else x
            draw = self.rng.random(x.shape)
            self.mask = keep(draw, p) if keep else draw >= p
            return train(x, self.mask, p) if train else x * self.mask / (1 - p)

        def backward(self, dout):
            p = self.dropout_ratio
            return back(self, dout, p) if back else dout * self.mask / (1 - p)

    return Layer


def _in_place(x, mask, p):
    x *= mask / (1 - p)
    return x


class _Stub(_dropout()):
    def forward(self, x, train_flg=True):
        raise NotImplementedError


def test_inverted_dropout(capsys):
    cases = [
        (_dropout(), None),
        (Dropout, "is scratch.layers.Dropout"),
        (_dropout(test=lambda x, p: (1 - p) * x), "returns x unchanged"),
        (_dropout(test=lambda x, p: 2 * x), "should return x itself"),
        (_dropout(keep=lambda draw, p: draw < p), "kept with probability 1 - dropout_ratio"),
        (_dropout(train=lambda x, m, p: x * m), "should be divided by 1 - dropout_ratio"),
        (_dropout(train=lambda x, m, p: x * m * (1 - p)), "do not multiply"),
        (_dropout(train=lambda x, m, p: (x * m / (1 - p))[:, :5]), "should return x's shape"),
        (_dropout(train=lambda x, m, p: x * m / (1 - p) + 1), "draw mask = self.rng.random"),
        (_dropout(train=_in_place), "changed its input"),
        (_dropout(back=lambda self, d, p: d * self.mask), "backward must scale like forward"),
        (_dropout(back=lambda self, d, p: d * (self.rng.random(d.shape) >= p) / (1 - p)),
         "must reuse the mask"),
        (_Stub, NOT_IMPLEMENTED),
    ]
    _expect(check_inverted_dropout, cases, capsys,
            "InvertedDropout: OK (and the training output's mean equals the test output)")


def _split(x, t, rate, rng):
    order = rng.permutation(len(x))
    n = int(len(x) * rate)
    return (x[order[n:]], t[order[n:]]), (x[order[:n]], t[order[:n]])


def test_split_validation(capsys):
    def unshuffled(x, t, rate, rng):
        n = int(len(x) * rate)
        return (x[n:], t[n:]), (x[:n], t[:n])

    def from_elsewhere(x, t, rate, rng):
        (xt, tt), (xv, tv) = _split(x, t, rate, rng)
        return (xt, tt), (xv + 5000.0, tv)  # "validation images" that were never passed

    def overlapping(x, t, rate, rng):
        (xt, tt), (xv, tv) = _split(x, t, rate, rng)
        return (x, t), (xv, tv)

    def dropping(x, t, rate, rng):
        (xt, tt), (xv, tv) = _split(x, t, rate, rng)
        return (xt[:-3], tt[:-3]), (xv, tv)

    def separate_shuffles(x, t, rate, rng):
        (xt, _), (xv, _) = _split(x, t, rate, rng)
        (_, tt), (_, tv) = _split(x, t, rate, rng)
        return (xt, tt), (xv, tv)

    def in_place(x, t, rate, rng):
        rng.shuffle(x)
        return _split(x, t, rate, rng)

    cases = [
        (_split, None),
        (split_validation, "that is scratch.trainer.split_validation"),
        (lambda x, t, rate, rng: _split(x, t, rate, rng)[1], "two pairs"),
        (lambda x, t, rate, rng: (_split(x, t, rate, rng), None), "two pairs"),
        (in_place, "changed the arrays it was given"),
        (lambda x, t, rate, rng: _split(x, t, rate + 0.1, rng), "int(N * validation_rate) = 15"),
        (lambda x, t, rate, rng: ((x, t[:-1]), _split(x, t, rate, rng)[1]), "same length"),
        (from_elsewhere, "not in the data you passed"),
        (overlapping, "in the validation set and in the training set"),
        (dropping, "in neither part"),
        (separate_shuffles, "labels no longer belong"),
        (unshuffled, "shuffle first"),
        (_stub, NOT_IMPLEMENTED),
    ]
    _expect(check_split_validation, cases, capsys, "split_validation: OK (a shuffled "
            "partition of the training data, labels kept with their images)")


def _lr_range(results, top):
    best = sorted(results, key=lambda r: r["val_acc"], reverse=True)[:top]
    return min(r["lr"] for r in best), max(r["lr"] for r in best)


def test_lr_range(capsys):
    def worst(results, top):
        chosen = sorted(results, key=lambda r: r["val_acc"])[:top]
        return min(r["lr"] for r in chosen), max(r["lr"] for r in chosen)

    cases = [
        (_lr_range, None),
        (worst, "those are the worst trials"),
        (lambda results, top: tuple(np.log10(_lr_range(results, top))), "not their log10"),
        (lambda results, top: _lr_range(results, top)[::-1], "the smaller learning rate first"),
        (lambda results, top: _lr_range(results, top + 1), "for top = 5"),
        (lambda results, top: _lr_range(results, top)[0], "two numbers"),
        (_stub, NOT_IMPLEMENTED),
    ]
    _expect(check_lr_range, cases, capsys, "lr_range: OK (the learning rates of the best trials)")
    assert _lr_range(SEARCH_RESULTS, 3) == (0.048, 0.21)  # the reference, worked out by hand
