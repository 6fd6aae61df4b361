"""Checks for notebook 07's exercises: a confusion matrix and an accuracy computed in batches.

Both compare with references written out here in plain NumPy (loops over the samples), so
that no function of `scratch` can stand in for the learner's.
"""

import numpy as np

from scratch.checks import Fail, refusing_calls, run_check
from scratch.convnet import SimpleConvNet
from scratch.nets import MultiLayerNet

__all__ = ["check_confusion_matrix", "check_batched_accuracy"]


def _reference_confusion(predicted, t, num_classes):
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    for true, guess in zip(t, predicted):
        counts[true, guess] += 1
    return counts


def check_confusion_matrix(confusion_matrix):
    """confusion_matrix(predicted, t, num_classes) -> counts: (C, C) integers, where
    counts[i, j] is the number of samples of true class i predicted as class j."""

    def check():
        rng = np.random.default_rng(70)
        n, c = 200, 4
        t = rng.integers(0, c, size=n)
        predicted = np.where(rng.random(n) < 0.6, t, rng.integers(0, c, size=n))
        t[:3] = 3  # class 3 is never predicted: its column must still be there, all zeros
        predicted[predicted == 3] = 0
        expected = _reference_confusion(predicted, t, c)
        from scratch.widgets.training import confusion_counts  # the explorer's own

        with refusing_calls([confusion_counts], "your code calls the prediction browser's "
                            "confusion_counts: count the pairs yourself"):
            got = np.asarray(confusion_matrix(predicted.copy(), t.copy(), c))
        if got.shape != (c, c):
            raise Fail(f"return a ({c}, {c}) array, one row per true class and one column per "
                       f"predicted class, even for classes that never occur; got {got.shape}")
        if got.dtype.kind not in "iu" and not np.array_equal(got, np.round(got)):
            raise Fail("the entries are counts: whole numbers of samples")
        if np.array_equal(got, expected.T):
            raise Fail("rows and columns are swapped: counts[i, j] counts the samples of true "
                       "class i that were predicted as j")
        if got.sum() != n:
            raise Fail(f"every sample is counted once: the entries should add up to N = {n}, "
                       f"yours add up to {got.sum()}")
        if not np.array_equal(np.diag(got), np.diag(expected)):
            raise Fail("the diagonal counts the correct predictions, predicted == t, per class")
        if not np.array_equal(got, expected):
            raise Fail("counts[i, j] should be the number of samples with t == i and "
                       "predicted == j")
        return f"(a {c} x {c} matrix of {n} samples)"

    return run_check("confusion_matrix", check)


class _CountingNet:
    """A stand-in network with only `predict`, which records the batch sizes it is given.

    scores = x @ W: (N, C); it has no `accuracy`, so the learner's function must count."""

    def __init__(self, W):
        self.W, self.batch_sizes = W, []

    def predict(self, x):
        self.batch_sizes.append(len(x))
        return x @ self.W


def check_batched_accuracy(batched_accuracy):
    """batched_accuracy(net, x, t, batch_size) -> the fraction of x classified correctly
    (argmax of net.predict), computed on slices of at most batch_size rows."""

    def check():
        note = _batched_case(batched_accuracy, 100)
        # Another batch size, so that a function fixing its own slices of 100 fails.
        _batched_case(batched_accuracy, 64)
        return note

    return run_check("batched_accuracy", check)


def _batched_case(batched_accuracy, batch_size):
    rng = np.random.default_rng(71)
    n, d, c = 1003, 6, 5
    x, W = rng.standard_normal((n, d)), rng.standard_normal((d, c))
    t = (x @ W).argmax(axis=1)
    wrong = rng.random(n) < 0.3
    wrong[-3:] = True  # the last, short batch is all wrong: averaging batches shows it
    t[wrong] = (t[wrong] + 1) % c
    expected = float(np.mean((x @ W).argmax(axis=1) == t))
    net = _CountingNet(W)
    with refusing_calls([SimpleConvNet.accuracy, MultiLayerNet.accuracy],
                        "your code calls a scratch network's accuracy: slice x and count "
                        "the correct predictions yourself"):
        got = batched_accuracy(net, x, t, batch_size)
    if not net.batch_sizes:
        raise Fail("call net.predict on slices of x, x[start:start + batch_size]")
    if max(net.batch_sizes) > batch_size:
        raise Fail(f"net.predict was given {max(net.batch_sizes)} rows at once: give it at "
                   f"most batch_size = {batch_size} rows per call")
    if sum(net.batch_sizes) != n:
        raise Fail(f"net.predict saw {sum(net.batch_sizes)} rows in all, x has {n}: cover "
                   "every row exactly once, including the last, shorter slice")
    if np.ndim(got) != 0:
        raise Fail(f"return one number, the fraction correct (got shape {np.shape(got)})")
    starts = range(0, n, batch_size)
    batch_means = np.mean([np.mean((x[s:s + batch_size] @ W).argmax(axis=1)
                                   == t[s:s + batch_size]) for s in starts])
    if np.isclose(got, batch_means):
        raise Fail("you averaged the batches' accuracies, but the last batch has only "
                   f"{n % batch_size} rows: count the correct predictions over all batches "
                   "and divide by N once")
    if np.isclose(got, expected * n):
        raise Fail(f"divide the number of correct predictions by the number of samples "
                   f"N = {n}")
    if not np.isclose(got, expected, rtol=0, atol=1e-12):
        raise Fail("the accuracy is the number of rows whose largest score is at t, "
                   "divided by N")
    return f"({n} samples in {len(net.batch_sizes)} batches)"
