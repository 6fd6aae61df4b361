"""Checks for notebook 00's warm-up exercises on the MNIST sample."""

import numpy as np

from scratch.checks import Fail, expect_close, run_check
from scratch.datasets import load_mnist


def check_class_counts(counts):
    """counts: (10,) number of training images of each digit in the sample."""

    def check():
        (_, t), _ = load_mnist()
        if np.shape(counts) != (10,):
            raise Fail(f"expected one count per digit, shape (10,), got {np.shape(counts)}")
        if np.sum(counts) != len(t):
            raise Fail(f"the counts should add up to {len(t)} training images")
        expect_close(counts, np.bincount(t, minlength=10), "some counts are off: try np.bincount")

    return run_check("class counts", check)


def check_mean_digit(mean_image, digit):
    """mean_image: (784,) or (28, 28) pixel-wise mean of the training images of `digit`."""

    def check():
        (x, t), _ = load_mnist()
        expected = x[t == digit].mean(axis=0)
        got = np.asarray(mean_image)
        if got.size != expected.size:
            raise Fail(f"expected 784 pixels (28 x 28), got shape {got.shape}")
        expect_close(got.reshape(-1), expected, f"select the images with x[t == {digit}] and "
                     "average over axis 0", rtol=1e-5)

    return run_check(f"mean image of digit {digit}", check)
