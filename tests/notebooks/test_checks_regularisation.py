"""Notebook 11's checks: right answers pass, typical mistakes get their hint, stubs a nudge."""

import numpy as np

from scratch.checks.regularisation import (
    SEARCH_RESULTS,
    _reference_lr_range,
    check_inverted_dropout,
    check_lr_range,
    check_split_validation,
)
from scratch.layers import Dropout
from scratch.trainer import split_validation
from tests.notebooks.check_output import (
    NOT_IMPLEMENTED,
    expect_verdicts,
    refuses_a_checks_own_function,
)


def _stub(*args):
    raise NotImplementedError


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


class _Wrapper:
    """Inverted dropout built around scratch's Dropout: the book's output divided by 1 - p."""

    def __init__(self, dropout_ratio=0.5, rng=None):
        self.inner, self.p = Dropout(dropout_ratio, rng=rng), dropout_ratio

    def forward(self, x, train_flg=True):
        out = self.inner.forward(x, train_flg)
        return out / (1 - self.p) if not train_flg else out / (1 - self.p)

    def backward(self, dout):
        return self.inner.backward(dout) / (1 - self.p)


class _Once(_dropout()):
    """Draws its mask at the first training forward and reuses it."""

    def forward(self, x, train_flg=True):
        if train_flg and self.mask is not None and self.mask.shape == x.shape:
            return x * self.mask / (1 - self.dropout_ratio)
        return super().forward(x, train_flg)


class _Cycling(_dropout()):
    """Draws three masks and then takes them in turn."""

    def forward(self, x, train_flg=True):
        if not train_flg:
            return x
        self.masks = getattr(self, "masks", None) or []
        if len(self.masks) < 3 or self.masks[0].shape != x.shape:
            self.masks = self.masks if self.masks and self.masks[0].shape == x.shape else []
            self.masks.append(self.rng.random(x.shape) >= self.dropout_ratio)
            self.calls = len(self.masks) - 1
        else:
            self.calls += 1
        self.mask = self.masks[self.calls % 3]
        return x * self.mask / (1 - self.dropout_ratio)


class _Stub(_dropout()):
    def forward(self, x, train_flg=True):
        raise NotImplementedError


class _Cs231n(_dropout()):
    """cs231n's way: a keep-probability mask that carries the scaling."""

    def forward(self, x, train_flg=True):
        if not train_flg:
            return x
        keep = 1 - self.dropout_ratio
        self.mask = (self.rng.random(x.shape) < keep) / keep
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


class _GlobalRng(_dropout()):
    """Draws from NumPy's global generator instead of the layer's own."""

    def forward(self, x, train_flg=True):
        if not train_flg:
            return x
        self.mask = np.random.random(x.shape) >= self.dropout_ratio  # noqa: NPY002 (the mistake)
        return x * self.mask / (1 - self.dropout_ratio)


def test_inverted_dropout(capsys):
    cases = [
        (_dropout(), None),
        (_Cs231n, None),
        (_dropout(keep=lambda draw, p: draw > p), None),
        (_dropout(keep=lambda draw, p: draw < 1 - p), None),
        (_dropout(train=lambda x, m, p: np.where(m, x / (1 - p), 0.0)), None),
        (Dropout, "is scratch.layers.Dropout", "subclass"),
        (_dropout(test=lambda x, p: (1 - p) * x), "returns x unchanged"),
        (_dropout(test=lambda x, p: 2 * x), "should return x itself"),
        (_dropout(keep=lambda draw, p: draw < p), "kept with probability 1 - dropout_ratio"),
        (_dropout(keep=lambda draw, p: draw >= 0.5), "kept 52% of the units, where about 70%"),
        (_dropout(train=lambda x, m, p: 0 * x), "returned only zeros"),
        (_GlobalRng, "two layers made with the same rng dropped different units"),
        (_dropout(train=lambda x, m, p: x * m), "should be divided by 1 - dropout_ratio"),
        (_dropout(train=lambda x, m, p: x * m * (1 - p)), "do not multiply"),
        (_dropout(train=lambda x, m, p: (x * m / (1 - p))[:, :5]), "should return x's shape"),
        (_dropout(train=lambda x, m, p: x * m / (1 - p) + 1), "draw mask = self.rng.random"),
        (_dropout(train=_in_place), "changed its input"),
        (_dropout(back=lambda self, d, p: d * self.mask), "backward must scale like forward"),
        (_dropout(back=lambda self, d, p: d * (self.rng.random(d.shape) >= p) / (1 - p)),
         "must reuse the mask"),
        (_Wrapper, "calls scratch.layers.Dropout", "wrapper"),
        (_Once, "draw a new mask at every training forward"),
        (_Cycling, "draw a new, independent mask at every forward"),
        (_Stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_inverted_dropout, cases, capsys,
            "InvertedDropout: OK (and each unit's mean training output equals its test output)")


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

    def by_index(x, t, val, train):
        return (x[train], t[train]), (x[val], t[val])

    def every_fourth(x, t, rate, rng):
        ids = np.arange(len(x))
        return by_index(x, t, ids[::4][:int(len(x) * rate)], np.setdiff1d(ids, ids[::4]))

    def second_to_sixteenth(x, t, rate, rng):
        n, ids = int(len(x) * rate), np.arange(len(x))
        return by_index(x, t, ids[1:n + 1], np.setdiff1d(ids, ids[1:n + 1]))

    def fixed_seed(x, t, rate, rng):
        return _split(x, t, rate, np.random.default_rng(0))

    def global_random(x, t, rate, rng):
        return _split(x, t, rate, np.random.default_rng())  # a new generator, fresh entropy

    def random_offset(x, t, rate, rng):
        ids = np.arange(len(x))
        val = ids[int(rng.integers(4))::4][:int(len(x) * rate)]
        return by_index(x, t, val, np.setdiff1d(ids, val))

    def random_block(x, t, rate, rng):
        n, ids = int(len(x) * rate), np.arange(len(x))
        start = int(rng.integers(1, len(x) - n))
        val = ids[start:start + n]
        return by_index(x, t, val, np.setdiff1d(ids, val))

    def never_the_last_tenth(x, t, rate, rng):
        n, ids = int(len(x) * rate), np.arange(len(x))
        val = rng.permutation(len(x) - len(x) // 10)[:n]  # no class is overfilled, one is empty
        return by_index(x, t, val, np.setdiff1d(ids, val))

    def training_labels_reversed(x, t, rate, rng):
        (xt, tt), (xv, tv) = _split(x, t, rate, rng)
        return (xt, tt[::-1]), (xv, tv)

    cases = [
        (_split, None),
        (split_validation, "that is scratch.trainer.split_validation", "saved reference"),
        (lambda x, t, r, rng: split_validation(x, t, r, rng), "calls scratch.trainer.split_valid",
         "wrapper"),
        (every_fourth, "different rngs gave the same validation set"),
        (second_to_sixteenth, "different rngs gave the same validation set"),
        (fixed_seed, "different rngs gave the same validation set"),
        (global_random, "same rng gave different splits"),
        (random_offset, "different rngs gave the same validation set"),
        (random_block, "about 25 of each"),
        (never_the_last_tenth, "about 25 of each"),
        (lambda x, t, rate, rng: _split(x, t, rate, rng)[1], "two pairs"),
        (lambda x, t, rate, rng: (_split(x, t, rate, rng), None), "two pairs"),
        (in_place, "changed the arrays it was given"),
        (lambda x, t, rate, rng: _split(x, t, rate + 0.1, rng), "int(N * validation_rate) = 15"),
        (lambda x, t, rate, rng: ((x, t[:-1]), _split(x, t, rate, rng)[1]), "same length"),
        (from_elsewhere, "not in the data you passed"),
        (overlapping, "in the validation set and in the training set"),
        (dropping, "in neither part"),
        (separate_shuffles, "labels no longer belong"),
        (training_labels_reversed, "labels no longer belong"),
        (lambda x, t, rate, rng: ((x, t), (x[:15, 0], t[:15])), "not in the data you passed"),
        (unshuffled, "shuffle first"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_split_validation, cases, capsys, "split_validation: OK (a shuffled "
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
        (lambda results, top: _lr_range(results, top + 1), "on SEARCH_RESULTS with top = 5"),
        (lambda results, top: _lr_range(results, top)[0], "two numbers"),
        (lambda results, top: {3: (0.048, 0.21), 5: (0.019, 0.21)}.get(top, (0.001, 1.0)),
         "random search"),
        (lambda results, top: _lr_range([r for r in results if r["val_acc"] >= 0.895], 99),
         "with top = 5"),
        (lambda results, top: _lr_range(results, 3 if top < 4 else 5), "random search"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_lr_range, cases, capsys,
                    "lr_range: OK (the learning rates of the best trials)")
    assert _lr_range(SEARCH_RESULTS, 3) == (0.048, 0.21)  # the reference, worked out by hand


@refuses_a_checks_own_function
def test_lr_range_refuses_its_reference(capsys):
    cases = [(lambda results, top: _reference_lr_range(results, top),
              "calls this check's reference", "wrapper")]
    expect_verdicts(check_lr_range, cases, capsys,
                    "lr_range: OK (the learning rates of the best trials)")
