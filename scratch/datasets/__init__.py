"""Data plumbing: the MNIST digits as the book's `load_mnist` gives them.

    from scratch.datasets import load_mnist
    (x_train, t_train), (x_test, t_test) = load_mnist()   # the offline sample, 8,000 + 2,000

Modules (a learner needs only `load_mnist`):
- `scratch.datasets.mnist`: `load_mnist`, the committed sample and the cache of the full set;
- `scratch.datasets.idx`: reading and writing MNIST's idx files;
- `scratch.datasets.download`: the verified download of the official files from mirrors.
"""

from scratch.datasets.mnist import (
    IdxFormatError,
    MnistChecksumError,
    MnistDownloadError,
    MnistFileError,
    load_mnist,
)

__all__ = ["load_mnist", "MnistFileError", "MnistChecksumError", "MnistDownloadError",
           "IdxFormatError"]
