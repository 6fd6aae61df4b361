"""Checks for notebook 00's warm-up exercises on the MNIST sample."""

import numpy as np

from scratch.checks import Fail, expect_close, run_check
from scratch.datasets import load_mnist


def check_class_counts(class_counts):
    """class_counts: a function t (N,) -> (10,) number of images of each digit."""

    def check():
        (_, t_train), (_, t_test) = load_mnist()
        # A second set of labels (some digits absent), so that counts written in by hand fail.
        other = np.random.default_rng(0).integers(2, 9, size=500)
        for t, what in ((t_train, "training images"), (t_test, "test images"),
                        (other, "labels of a second test")):
            counts = class_counts(t)
            if np.shape(counts) != (10,):
                raise Fail(f"expected one count per digit, shape (10,), got {np.shape(counts)}")
            if np.sum(counts) != len(t):
                raise Fail(f"the counts should add up to {len(t)} {what}")
            expect_close(counts, np.bincount(t, minlength=10),
                         "some counts are off: try np.bincount")

    return run_check("class_counts", check)


def check_mean_image(mean_image):
    """mean_image: a function (x (N, 784), t (N,), digit) -> (784,) or (28, 28) mean image."""

    def check():
        (x_train, t_train), (x_test, t_test) = load_mnist()
        # Two data sets and two digits, so that an answer computed once and kept fails.
        for (x, t), digit in (((x_train, t_train), 3), ((x_train, t_train), 7),
                              ((x_test, t_test), 3)):
            expected = x[t == digit].mean(axis=0)
            got = np.asarray(mean_image(x, t, digit))
            if got.size != expected.size:
                raise Fail(f"expected 784 pixels (28 x 28), got shape {got.shape}")
            expect_close(got.reshape(-1), expected, f"select the images with x[t == {digit}] "
                         "and average over axis 0", rtol=1e-5)

    return run_check("mean_image", check)
