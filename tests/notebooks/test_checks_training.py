"""Notebook 07's checks: right answers pass, typical mistakes get their hint, stubs a nudge."""

import numpy as np

from scratch.checks.training import check_batched_accuracy, check_confusion_matrix
from tests.notebooks.check_output import NOT_IMPLEMENTED, expect_verdicts, one_line


def _stub(*args):
    raise NotImplementedError


def test_confusion_matrix_correct(capsys):
    def with_add_at(predicted, t, num_classes):
        counts = np.zeros((num_classes, num_classes), dtype=int)
        np.add.at(counts, (t, predicted), 1)
        return counts

    def with_bincount(predicted, t, num_classes):
        flat = np.bincount(t * num_classes + predicted, minlength=num_classes**2)
        return flat.reshape(num_classes, num_classes)

    def float_counts(predicted, t, num_classes):  # whole numbers in a float array are counts too
        return with_add_at(predicted, t, num_classes).astype(float)

    from scratch.widgets.training import confusion_counts

    cases = [(with_add_at, None), (with_bincount, None), (float_counts, None),
             (confusion_counts, "count the pairs yourself", "wrapper")]
    expect_verdicts(check_confusion_matrix, cases, capsys,
                    "confusion_matrix: OK (a 4 x 4 matrix of 200 samples)")


def test_confusion_matrix_mistakes(capsys):
    def fancy_index(predicted, t, num_classes):
        counts = np.zeros((num_classes, num_classes), dtype=int)
        counts[t, predicted] += 1  # a repeated (t, predicted) pair is counted once
        return counts

    def swapped(predicted, t, num_classes):
        counts = np.zeros((num_classes, num_classes), dtype=int)
        np.add.at(counts, (predicted, t), 1)
        return counts

    def only_seen_classes(predicted, t, num_classes):
        k = int(max(predicted.max(), t.max()))  # forgets that a class may never be predicted
        counts = np.zeros((k, k), dtype=int)
        np.add.at(counts, (np.minimum(t, k - 1), np.minimum(predicted, k - 1)), 1)
        return counts

    def fractions(predicted, t, num_classes):
        counts = np.zeros((num_classes, num_classes))
        np.add.at(counts, (t, predicted), 1)
        return counts / len(t)

    def diagonal_wrong(predicted, t, num_classes):
        counts = np.zeros((num_classes, num_classes), dtype=int)
        np.add.at(counts, (t, predicted), 1)
        counts[0, 0] -= 1
        counts[0, 1] += 1
        return counts

    def off_diagonal_wrong(predicted, t, num_classes):
        counts = diagonal_wrong(predicted, t, num_classes)
        counts[0, 0] += 1
        counts[0, 1] -= 1
        counts[1, 2] -= 1
        counts[1, 3] += 1
        return counts

    cases = [
        (fancy_index, "the entries should add up to N = 200"),
        (swapped, "rows and columns are swapped"),
        (only_seen_classes, "return a (4, 4) array"),
        (fractions, "the entries are counts"),
        (diagonal_wrong, "the diagonal counts the correct predictions"),
        (off_diagonal_wrong, "counts[i, j] should be the number of samples with t == i"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_confusion_matrix, cases, capsys, name="confusion_matrix")


def _count_correct(net, x, t):
    return int(np.sum(net.predict(x).argmax(axis=1) == t))


def test_batched_accuracy_correct(capsys):
    def solution(net, x, t, batch_size):
        correct = sum(_count_correct(net, x[s:s + batch_size], t[s:s + batch_size])
                      for s in range(0, len(x), batch_size))
        return correct / len(x)

    def with_a_while_loop(net, x, t, batch_size):
        correct, start = 0, 0
        while start < len(x):
            stop = min(start + batch_size, len(x))
            correct += _count_correct(net, x[start:stop], t[start:stop])
            start = stop
        return correct / len(x)

    def fixed_slices(net, x, t, batch_size):
        return solution(net, x, t, 100)

    def scratchs_accuracy(net, x, t, batch_size):
        from scratch.convnet import SimpleConvNet

        return SimpleConvNet.accuracy(net, x, t, batch_size)

    cases = [
        (solution, None),
        (with_a_while_loop, None),
        (fixed_slices, "net.predict was given 100 rows at once: give it at most batch_size = "
                       "64", "ignores a hyperparameter"),
        (scratchs_accuracy, "your code calls a scratch network's accuracy", "wrapper"),
    ]
    expect_verdicts(check_batched_accuracy, cases, capsys,
                    "batched_accuracy: OK (1003 samples in 11 batches)")


def test_batched_accuracy_mistakes(capsys):
    def all_at_once(net, x, t, batch_size):
        return _count_correct(net, x, t) / len(x)

    def no_predict(net, x, t, batch_size):
        return 0.5

    def drops_last_batch(net, x, t, batch_size):
        stops = range(batch_size, len(x) + 1, batch_size)
        return sum(_count_correct(net, x[s - batch_size:s], t[s - batch_size:s])
                   for s in stops) / len(x)

    def mean_of_batches(net, x, t, batch_size):
        return float(np.mean([_count_correct(net, x[s:s + batch_size], t[s:s + batch_size])
                              / len(x[s:s + batch_size]) for s in range(0, len(x), batch_size)]))

    def count_only(net, x, t, batch_size):
        return sum(_count_correct(net, x[s:s + batch_size], t[s:s + batch_size])
                   for s in range(0, len(x), batch_size))

    def per_row(net, x, t, batch_size):
        return np.concatenate([net.predict(x[s:s + batch_size]).argmax(axis=1)
                               for s in range(0, len(x), batch_size)]) == t

    def wrong_axis(net, x, t, batch_size):
        return sum(int(np.sum(net.predict(x[s:s + batch_size]).argmax(axis=0)[:1] == 0))
                   for s in range(0, len(x), batch_size)) / len(x)

    def uses_accuracy(net, x, t, batch_size):
        return net.accuracy(x, t)

    cases = [
        (all_at_once, "net.predict was given 1003 rows at once"),
        (no_predict, "call net.predict on slices of x"),
        (drops_last_batch, "net.predict saw 1000 rows in all, x has 1003"),
        (mean_of_batches, "you averaged the batches' accuracies"),
        (count_only, "divide the number of correct predictions by the number of samples"),
        (per_row, "return one number"),
        (wrong_axis, "the accuracy is the number of rows whose largest score is at t"),
        (uses_accuracy, "your code raised AttributeError"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_batched_accuracy, cases, capsys, name="batched_accuracy")


def test_confusion_matrix_refuses_the_browsers_own(capsys):
    from scratch.widgets.training import confusion_counts

    assert not check_confusion_matrix(confusion_counts)
    assert "count the pairs yourself" in one_line(capsys)
