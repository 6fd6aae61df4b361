"""Checks for notebook 11's exercises: inverted dropout, a validation split, and the range of
learning rates a search suggests.

Each check compares with a reference written out here in plain NumPy (a mask drawn from the
same seed, sets of row ids, a sort), never with scratch's own `Dropout` or `split_validation`,
and refuses solutions that are those.
"""

import numpy as np

from scratch.checks import Fail, refusing_calls, run_check
from scratch.layers import Dropout
from scratch.trainer import split_validation

__all__ = ["check_inverted_dropout", "check_split_validation", "check_lr_range",
           "SEARCH_RESULTS"]


def _no_scratch_dropout():
    """While the learner's layer runs, scratch's Dropout refuses to be called (a wrapper around
    it would otherwise pass)."""
    return refusing_calls([Dropout.forward, Dropout.backward],
                          "your layer calls scratch.layers.Dropout: write forward and backward "
                          "yourself")


def _kept_within(fraction, expected, n):
    """Whether a kept fraction over n units is within 5 standard errors of `expected`."""
    return abs(fraction - expected) < 5 * np.sqrt(expected * (1 - expected) / n)


def check_inverted_dropout(layer_class):
    """layer_class(dropout_ratio, rng): forward(x, train_flg=True) -> x * mask / (1 - ratio) in
    training (each unit kept with probability 1 - ratio, from the layer's rng, a new mask at
    every call), x itself in testing; backward(dout) -> dout * mask / (1 - ratio), with
    forward's mask.

    Any standard way of drawing the mask passes (`rng.random(shape) >= ratio`, cs231n's
    `rng.random(shape) < 1 - ratio`, `rng.binomial(1, 1 - ratio, shape)`): the mask is read off
    the output (x has no zeros) and compared statistically, not with one exact draw."""

    def check():
        if isinstance(layer_class, type) and issubclass(layer_class, Dropout):
            raise Fail("InvertedDropout is scratch.layers.Dropout (or built on it): write "
                       "forward and backward yourself")
        ratio, seed = 0.3, 7
        rng = np.random.default_rng(110)
        x, dout = rng.standard_normal((20, 30)), rng.standard_normal((20, 30))
        x_before = x.copy()
        with _no_scratch_dropout():
            layer = layer_class(ratio, rng=seed)
            test_out = np.asarray(layer.forward(x, train_flg=False))
        if np.allclose(test_out, (1 - ratio) * x):
            raise Fail("in test mode inverted dropout returns x unchanged: the scaling by "
                       "1 / (1 - dropout_ratio) happened in training already (multiplying by "
                       "1 - dropout_ratio is the book's form)")
        if not np.allclose(test_out, x):
            raise Fail("in test mode forward(x, train_flg=False) should return x itself")
        with _no_scratch_dropout():
            layer = layer_class(ratio, rng=seed)
            out = np.asarray(layer.forward(x))
            same_seed = np.asarray(layer_class(ratio, rng=seed).forward(x))
        if not np.array_equal(x, x_before):
            raise Fail("forward changed its input x: return a new array")
        if out.shape != x.shape:
            raise Fail(f"forward should return x's shape {x.shape}, got {out.shape}")
        kept = out != 0  # the learner's mask: x has no zero entries
        if not kept.any():
            raise Fail("the training forward returned only zeros: keep each unit with "
                       "probability 1 - dropout_ratio and scale it by 1 / (1 - dropout_ratio)")
        factor = out[kept] / x[kept]
        if np.allclose(factor, 1.0):
            raise Fail("the training output should be divided by 1 - dropout_ratio "
                       "(x * mask alone is the book's form, which scales at test time)")
        if np.allclose(factor, 1 - ratio):
            raise Fail("divide the kept units by 1 - dropout_ratio, do not multiply")
        if not np.allclose(factor, 1 / (1 - ratio)):
            raise Fail("in training draw mask = self.rng.random(x.shape) >= dropout_ratio from "
                       "the layer's rng (one call) and return x * mask / (1 - dropout_ratio)")
        fraction = float(kept.mean())
        if _kept_within(fraction, ratio, x.size):
            raise Fail(f"your layer kept {fraction:.0%} of the units: a unit is kept with "
                       "probability 1 - dropout_ratio, mask = self.rng.random(x.shape) >= "
                       "dropout_ratio")
        if not _kept_within(fraction, 1 - ratio, x.size):
            raise Fail(f"your layer kept {fraction:.0%} of the units, where about "
                       f"{1 - ratio:.0%} (1 - dropout_ratio) should be kept")
        if not np.array_equal(out, same_seed):
            raise Fail("two layers made with the same rng dropped different units: draw the "
                       "mask from the layer's own generator, np.random.default_rng(rng)")
        with _no_scratch_dropout():
            dx = np.asarray(layer.backward(dout))
        if np.allclose(dx, dout * kept):
            raise Fail("backward must scale like forward: dout * mask / (1 - dropout_ratio)")
        if not np.allclose(dx, dout * kept / (1 - ratio)):
            raise Fail("backward must reuse the mask forward drew (keep it as self.mask), "
                       "not draw a new one: dout * mask / (1 - dropout_ratio)")
        with _no_scratch_dropout():
            second = np.asarray(layer.forward(x))
        if np.array_equal(second, out):
            raise Fail("two training forwards dropped the same units: draw a new mask at every "
                       "training forward (a mask drawn once and reused trains one fixed "
                       "thinned network)")
        # Each unit's output averaged over K training forwards must be its test output: with
        # p = 0.5 one output is 0 or 2x, so the average has standard error |x| / sqrt(K); we
        # allow 5 of them. A mask that repeats (a few masks in turn) misses by far more.
        forwards, units = 400, np.linspace(0.5, 2.0, 50)
        with _no_scratch_dropout():
            layer = layer_class(0.5, rng=8)
            means = np.mean([np.asarray(layer.forward(units)) for _ in range(forwards)], axis=0)
        if not np.all(np.abs(means - units) < 5 * units / np.sqrt(forwards)):
            raise Fail("averaged over many training forwards, each unit's output should be its "
                       "test output x: draw a new, independent mask at every forward")
        return "(and each unit's mean training output equals its test output)"

    return run_check("InvertedDropout", check)


def _no_split_validation():
    return refusing_calls([split_validation],
                          "your function calls scratch.trainer.split_validation: write the "
                          "split yourself")


def _val_ids(result):
    """The row ids (x[:, 0]) of a split's validation part."""
    try:
        (_, _), (x_val, _) = result
        return np.asarray(x_val)[:, 0].astype(int)
    except (TypeError, ValueError, IndexError):
        raise Fail("return ((x_train, t_train), (x_val, t_val)): two pairs") from None


def check_split_validation(split):
    """split(x, t, validation_rate, rng) -> ((x_train, t_train), (x_val, t_val)): a shuffled
    partition of the given samples with int(N * validation_rate) of them for validation."""

    def check():
        if split is split_validation:
            raise Fail("that is scratch.trainer.split_validation: write the split yourself")
        n, rate = 60, 0.25
        ids = np.arange(n)
        x = np.stack([ids, ids + 1000], axis=1).astype(float)  # a row's id is x[:, 0]
        t = ids // 6  # sorted by label, as data sorted by class would be
        x_before, t_before = x.copy(), t.copy()
        with _no_split_validation():
            result = split(x, t, rate, np.random.default_rng(111))
        try:
            (x_train, t_train), (x_val, t_val) = result
        except (TypeError, ValueError):
            raise Fail("return ((x_train, t_train), (x_val, t_val)): two pairs") from None
        x_train, x_val = np.asarray(x_train), np.asarray(x_val)
        if not (np.array_equal(x, x_before) and np.array_equal(t, t_before)):
            raise Fail("the split changed the arrays it was given (shuffle a copy, or index)")
        if len(x_val) != int(n * rate) or len(t_val) != len(x_val):
            raise Fail(f"with {n} samples and validation_rate {rate} the validation set "
                       f"should hold int(N * validation_rate) = {int(n * rate)} samples and "
                       f"as many labels, got {len(x_val)} and {len(t_val)}")
        if len(t_train) != len(x_train):
            raise Fail("x_train and t_train should have the same length")
        for name, part in (("validation", x_val), ("training", x_train)):
            if part.ndim != 2 or part.shape[1] != 2 or not np.isin(part[:, 0], ids).all() \
                    or not np.array_equal(part[:, 1], part[:, 0] + 1000):
                raise Fail(f"your {name} set holds images that are not in the data you passed: "
                           "both parts must be cut out of the training data, never taken "
                           "from the test set or anywhere else")
        val_ids, train_ids = x_val[:, 0].astype(int), x_train[:, 0].astype(int)
        if np.intersect1d(val_ids, train_ids).size or len(set(val_ids)) < len(val_ids):
            raise Fail("some images are in the validation set and in the training set (or "
                       "twice): a validation image must be one the network never trains on")
        if sorted([*val_ids, *train_ids]) != list(ids):
            raise Fail("some samples are in neither part: the two parts together should be "
                       "the whole data set")
        if not (np.array_equal(t_val, val_ids // 6) and np.array_equal(t_train, train_ids // 6)):
            raise Fail("the labels no longer belong to their images: index x and t with the "
                       "same permutation")
        if set(val_ids) in (set(ids[:len(val_ids)]), set(ids[-len(val_ids):])):
            raise Fail("the validation set is the first or last part of the data as it came: "
                       "shuffle first (this data is sorted by label, so your validation set "
                       "has only some of the classes)")
        with _no_split_validation():
            again = _val_ids(split(x, t, rate, np.random.default_rng(111)))
            others = [_val_ids(split(x, t, rate, np.random.default_rng(seed)))
                      for seed in range(112, 118)]
        if not np.array_equal(np.sort(again), np.sort(val_ids)):
            raise Fail("two calls with the same rng gave different splits: shuffle with the "
                       "rng you are given (rng.permutation), not np.random or a new generator")
        if len({tuple(np.sort(ids_)) for ids_ in [val_ids, *others]}) < 7:
            raise Fail("different rngs gave the same validation set: the split should depend "
                       "on the random permutation drawn from rng, not on a fixed pattern")
        # 1,000 samples sorted by label, 100 per class: a random 250 for validation hold
        # 25 per class give or take 4; a pattern or a block of the sorted data does not.
        big = np.arange(1000)
        with _no_split_validation():
            big_val = _val_ids(split(np.stack([big, big + 1000], axis=1).astype(float),
                                     big // 100, 0.25, np.random.default_rng(119)))
        counts = np.bincount(big_val // 100, minlength=10)
        if counts.min() < 8 or counts.max() > 45:
            raise Fail("on 1,000 samples sorted by label (100 per class) your validation set "
                       f"holds between {counts.min()} and {counts.max()} of a class, where a "
                       "shuffled split gives about 25 of each: permute all the indices")
        return "(a shuffled partition of the training data, labels kept with their images)"

    return run_check("split_validation", check)


# A search of 12 trials as section 4 produces: learning rate, weight decay, validation accuracy.
SEARCH_RESULTS = [
    {"lr": 0.0021, "weight_decay": 3.1e-4, "val_acc": 0.37},
    {"lr": 0.31, "weight_decay": 2.0e-5, "val_acc": 0.81},
    {"lr": 0.048, "weight_decay": 1.2e-3, "val_acc": 0.90},
    {"lr": 0.0065, "weight_decay": 4.4e-5, "val_acc": 0.66},
    {"lr": 0.12, "weight_decay": 8.0e-5, "val_acc": 0.92},
    {"lr": 0.72, "weight_decay": 0.15, "val_acc": 0.12},
    {"lr": 0.019, "weight_decay": 6.3e-4, "val_acc": 0.87},
    {"lr": 0.083, "weight_decay": 0.021, "val_acc": 0.89},
    {"lr": 0.0011, "weight_decay": 0.0031, "val_acc": 0.21},
    {"lr": 0.21, "weight_decay": 2.6e-4, "val_acc": 0.91},
    {"lr": 0.034, "weight_decay": 0.34, "val_acc": 0.12},
    {"lr": 0.011, "weight_decay": 1.5e-5, "val_acc": 0.80},
]


def _reference_lr_range(results, top):
    best = sorted(results, key=lambda r: r["val_acc"], reverse=True)[:top]
    return min(r["lr"] for r in best), max(r["lr"] for r in best)


def _random_search(seed, n=30):
    """n trials drawn as section 4 draws them, with distinct validation accuracies."""
    rng = np.random.default_rng(seed)
    accs = rng.permutation(np.linspace(0.1, 0.95, n)).round(3)
    return [{"lr": float(10 ** rng.uniform(-3, 0)), "weight_decay": float(10 ** rng.uniform(-5, 0)),
             "val_acc": float(acc)} for acc in accs]


def check_lr_range(lr_range):
    """lr_range(results, top) -> (low, high): the smallest and the largest learning rate among
    the `top` trials with the highest validation accuracy. results: a list of dicts with keys
    'lr', 'weight_decay', 'val_acc'."""

    def check():
        searches = [("SEARCH_RESULTS", SEARCH_RESULTS, top) for top in (3, 5)]
        searches += [("a random search of 30 trials", _random_search(112), top) for top in (4, 9)]
        for name, results, top in searches:
            expected = _reference_lr_range(results, top)
            with refusing_calls([_reference_lr_range],
                                "your function calls this check's reference: write it yourself"):
                got = lr_range(list(results), top)
            try:
                low, high = (float(v) for v in got)
            except (TypeError, ValueError):
                raise Fail("return two numbers, (low, high)") from None
            worst = sorted(results, key=lambda r: r["val_acc"])[:top]
            if np.isclose([low, high], [min(r["lr"] for r in worst),
                                        max(r["lr"] for r in worst)]).all():
                raise Fail("those are the worst trials: sort by val_acc from the highest down")
            if np.isclose([low, high], np.log10(expected)).all():
                raise Fail("return the learning rates themselves, not their log10")
            if np.isclose([low, high], expected[::-1]).all():
                raise Fail("return (low, high): the smaller learning rate first")
            if not np.isclose([low, high], expected).all():
                raise Fail(f"on {name} with top = {top}: take the {top} trials with the highest "
                           "val_acc and return the smallest and the largest of their 'lr'")
        return "(the learning rates of the best trials)"

    return run_check("lr_range", check)
