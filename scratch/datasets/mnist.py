"""MNIST for the notebooks: `load_mnist`, with the interface of "Deep Learning from Scratch".

Import it as `from scratch.datasets import load_mnist`.

Two kinds of data:
- "sample" (default, offline): `data/mnist-sample.npz`, committed with the project: 8,000 train
  and 2,000 test images taken from the first 10,000 official training images (see
  `data/README.md` and `scripts/build_mnist_sample.py`).
- "full": the official 60,000 + 10,000 images. The four gzip idx files are looked for in the
  data folder (`data_dir`, else `$SCRATCH_DATA_DIR`, else `data/mnist/` in the project),
  downloaded there from `scratch.datasets.download.MIRRORS` if missing, and checked against
  `scratch.datasets.download.OFFICIAL_SHA256` (a present file that does not match is an error asking
  the user to delete it). The parsed arrays are then cached in that folder as
  `mnist-full-cache.npz`, which records the SHA-256s it was built from; while it is valid,
  later loads use it alone and skip the idx files.

Vocabulary: N number of images; images are 28x28 pixels, 784 when flattened; 10 classes.
"""

import os
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np

from scratch.datasets.download import (
    DATA_DIR_ENV,
    MnistChecksumError,
    MnistDownloadError,
    atomic_write,
    ensure_file,
    expected_sha256,
)
from scratch.datasets.idx import NUM_CLASSES, IdxFormatError, read_idx_pair
from scratch.validation import check_choice

__all__ = [
    "CACHE_NAME",
    "DEFAULT_DATA_DIR",
    "FULL_FILES",
    "KINDS",
    "SAMPLE_PATH",
    "IdxFormatError",
    "MnistChecksumError",
    "MnistDownloadError",
    "MnistFileError",
    "load_mnist",
    "resolve_data_dir",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
# Read at call time by load_mnist, so tests can point it at a damaged copy.
SAMPLE_PATH = REPO_ROOT / "data" / "mnist-sample.npz"
DEFAULT_DATA_DIR = REPO_ROOT / "data" / "mnist"
CACHE_NAME = "mnist-full-cache.npz"
KINDS = ("sample", "full")
# (images, labels) file names of each split of the full data set.
FULL_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
SAMPLE_COUNTS = {"train": 8000, "test": 2000}
NUM_PIXELS = 784

_ARRAY_NAMES = ("x_train", "t_train", "x_test", "t_test")
_CACHE_SHA_NAME = "source_sha256"
_REBUILD_HINT = (
    "Rebuild it with `python scripts/build_mnist_sample.py` "
    "(or restore the committed copy with `git checkout data/mnist-sample.npz`)."
)
# What np.load raises on a damaged npz, depending on which part is damaged.
_NPZ_FAILURES = (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error)


class MnistFileError(ValueError):
    """The sample npz (or the full data's cache) does not hold the expected arrays."""


def load_mnist(normalize=True, flatten=True, one_hot_label=False, *, kind="sample", data_dir=None):
    """Load MNIST as `((x_train, t_train), (x_test, t_test))`.

    normalize: True -> images float32 in [0, 1]; False -> uint8 in 0..255.
    flatten: True -> images `(N, 784)`; False -> `(N, 1, 28, 28)`.
    one_hot_label: False -> labels `(N,)` int64 in 0..9; True -> `(N, 10)` float32 one-hot.
    kind: "sample" (8,000 + 2,000 images, offline) or "full" (60,000 + 10,000, downloaded once).
    data_dir: folder of the full data set (only with kind="full"; default: `$SCRATCH_DATA_DIR`,
    else `data/mnist/` in the project).
    Every call returns new arrays, so callers may modify them freely.
    """
    for arg_name, value in (
        ("normalize", normalize), ("flatten", flatten), ("one_hot_label", one_hot_label)
    ):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"load_mnist: {arg_name} must be a bool, got {value!r}")
    if not isinstance(kind, str):
        raise TypeError(f"load_mnist: kind must be a str, one of {KINDS}, got {kind!r}")
    check_choice(kind, KINDS, "load_mnist", "kind")
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(f"load_mnist: data_dir must be a str or a path, got {data_dir!r}")
    if kind == "sample":
        if data_dir is not None:
            raise ValueError(
                "load_mnist: data_dir is only used with kind='full'; the sample is always "
                f"read from {SAMPLE_PATH}, got data_dir={data_dir!r}"
            )
        arrays = _load_sample(SAMPLE_PATH)
    else:
        arrays = _load_full(resolve_data_dir(data_dir))
    return tuple(
        (
            _format_images(arrays[f"x_{split}"], normalize, flatten),
            _format_labels(arrays[f"t_{split}"], one_hot_label),
        )
        for split in ("train", "test")
    )


def resolve_data_dir(data_dir=None):
    """The folder of the full data set: `data_dir`, else `$SCRATCH_DATA_DIR`, else the default."""
    if data_dir is not None:
        return Path(data_dir).expanduser()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return DEFAULT_DATA_DIR


def _format_images(x, normalize, flatten):
    """`x: (N, 784) uint8` -> `(N, 784)` or `(N, 1, 28, 28)`, uint8 or float32 in [0, 1]."""
    if normalize:
        x = x.astype(np.float32)
        x /= np.float32(255)
    return x if flatten else x.reshape(-1, 1, 28, 28)


def _format_labels(t, one_hot_label):
    """`t: (N,) uint8` -> `(N,) int64` or one-hot `(N, 10) float32`."""
    if one_hot_label:
        return np.eye(NUM_CLASSES, dtype=np.float32)[t]
    return t.astype(np.int64)


def _read_npz(path, names, context):
    """Read the arrays `names` (exactly these) from the npz at `path`, without pickle."""
    expected = sorted(names)
    try:
        # Opened here, not by np.load, which leaks its handle when the zip is damaged.
        with open(path, "rb") as f:
            loaded = np.load(f, allow_pickle=False)
            if isinstance(loaded, np.ndarray):
                raise MnistFileError(
                    f"load_mnist: {path} holds a single .npy array, expected an npz archive "
                    f"with arrays {expected}. {context}"
                )
            with loaded:
                found = sorted(loaded.files)
                if found != expected:
                    raise MnistFileError(
                        f"load_mnist: {path} holds arrays {found}, expected {expected}. {context}"
                    )
                return {name: loaded[name] for name in names}
    except MnistFileError:
        raise
    except _NPZ_FAILURES as exc:
        raise MnistFileError(
            f"load_mnist: {path} could not be read as an npz archive of arrays {expected} "
            f"({type(exc).__name__}: {exc}). {context}"
        ) from exc


def _check_arrays(arrays, path, counts, context):
    """Check `x_*: (N, 784) uint8` and `t_*: (N,) uint8` in 0..9 (N from `counts` if given)."""
    for split in ("train", "test"):
        x, t = arrays[f"x_{split}"], arrays[f"t_{split}"]
        n = counts[split] if counts else (len(t) if t.ndim else -1)
        for name, array, shape in ((f"x_{split}", x, (n, NUM_PIXELS)), (f"t_{split}", t, (n,))):
            if array.dtype != np.uint8 or array.shape != shape:
                raise MnistFileError(
                    f"load_mnist: {path}: {name} is {array.dtype} {array.shape}, expected "
                    f"uint8 {shape}. {context}"
                )
        if t.size and t.max() >= NUM_CLASSES:
            raise MnistFileError(
                f"load_mnist: {path}: t_{split} holds label {int(t.max())}, expected labels "
                f"in 0..{NUM_CLASSES - 1}. {context}"
            )


def _load_sample(path):
    """Read and validate the committed sample -> dict of x_*: (N, 784), t_*: (N,) uint8."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"load_mnist: the MNIST sample {path} is missing; expected an npz file with "
            f"x_train, t_train, x_test, t_test. {_REBUILD_HINT}"
        )
    arrays = _read_npz(path, _ARRAY_NAMES, _REBUILD_HINT)
    _check_arrays(arrays, path, SAMPLE_COUNTS, _REBUILD_HINT)
    return arrays


def _load_full(folder):
    """Official MNIST from `folder`: the cache if valid, else the (downloaded) idx files."""
    names = [name for pair in FULL_FILES.values() for name in pair]
    shas = [expected_sha256(name) for name in names]
    cache = folder / CACHE_NAME
    arrays = _read_cache(cache, shas)
    if arrays is not None:
        return arrays
    paths = {name: ensure_file(name, folder) for name in names}
    arrays = {}
    for split, (images_name, labels_name) in FULL_FILES.items():
        arrays[f"x_{split}"], arrays[f"t_{split}"] = read_idx_pair(
            paths[images_name], paths[labels_name]
        )
    try:
        _write_npz_atomic(cache, {**arrays, _CACHE_SHA_NAME: np.array(shas)})
    except OSError as exc:
        # The data is loaded; a read-only folder only costs the parsing again next time.
        warnings.warn(f"load_mnist: could not write the cache {cache}: {exc}", stacklevel=3)
    return arrays


def _read_cache(path, shas):
    """The cached arrays if `path` exists and was built from files with SHA-256s `shas`."""
    if not path.is_file():
        return None
    context = "It is only a cache: it is rebuilt from the idx files."
    try:
        arrays = _read_npz(path, (*_ARRAY_NAMES, _CACHE_SHA_NAME), context)
        # A cache of other source files (e.g. after a checksum change) must not be used.
        found = arrays.pop(_CACHE_SHA_NAME)
        if found.dtype.kind != "U" or found.tolist() != shas:
            raise MnistFileError(
                f"load_mnist: {path} was built from files with SHA-256 {found.tolist()}, "
                f"expected {shas}. {context}"
            )
        _check_arrays(arrays, path, None, context)
    except MnistFileError as exc:
        warnings.warn(f"ignoring an invalid cache: {exc}", stacklevel=4)
        return None
    return arrays


def _write_npz_atomic(path, arrays):
    """Write `arrays` as an uncompressed npz, via a temporary file renamed into place."""
    with atomic_write(path) as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            # force_zip64: the member size is unknown when its entry is opened.
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
