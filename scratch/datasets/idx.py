"""Reading and writing MNIST's idx files (plain or gzip-compressed).

The idx format (http://yann.lecun.com/exdb/mnist/) is a big-endian header followed by a raw
payload: two zero bytes, a dtype code (0x08 = unsigned byte), the number of dimensions `d`,
then `d` big-endian uint32 sizes, then `prod(sizes)` bytes in C order. MNIST uses two kinds:
labels (magic 0x00000801, shape `(N,)`) and images (magic 0x00000803, shape `(N, 28, 28)`).

Every check raises `IdxFormatError` (a ValueError) naming the function, the file, the expected
and the actual value, because a silently misread data set only shows up much later as a model
that does not learn.
"""

import gzip
import math
import os
import struct
import zlib
from pathlib import Path

import numpy as np

LABELS_MAGIC = 0x00000801
IMAGES_MAGIC = 0x00000803
IMAGE_SIZE = (28, 28)
NUM_CLASSES = 10

_UBYTE_CODE = 0x08
_GZIP_SIGNATURE = b"\x1f\x8b"


class IdxFormatError(ValueError):
    """An idx file is corrupt, truncated, or not the kind of idx file that was expected."""


def _read_bytes(path, caller):
    """Return the decompressed content of `path` (gzip is detected by its signature)."""
    raw = Path(path).read_bytes()
    if raw[:2] != _GZIP_SIGNATURE:
        return raw
    try:
        return gzip.decompress(raw)
    # A damaged gzip stream surfaces as any of these, depending on where the damage is.
    except (OSError, EOFError, zlib.error) as exc:
        raise IdxFormatError(
            f"{caller}: {path} is not a valid gzip stream ({type(exc).__name__}: {exc}); "
            "delete the file so that it is downloaded again"
        ) from exc


def read_idx(path, *, expected_magic=None):
    """Read an idx file of unsigned bytes: `path` (.gz or raw) -> `array: (d0, d1, ...) uint8`.

    `expected_magic` (e.g. `IMAGES_MAGIC`) makes a file of another kind an error. The payload
    must hold exactly `prod(shape)` bytes: missing or trailing bytes are both errors.
    """
    data = _read_bytes(path, "read_idx")
    if len(data) < 4:
        raise IdxFormatError(
            f"read_idx: {path} is too short for an idx header: expected at least 4 bytes, "
            f"got {len(data)}"
        )
    (magic,) = struct.unpack(">I", data[:4])
    if expected_magic is not None and magic != expected_magic:
        raise IdxFormatError(
            f"read_idx: {path} has magic number 0x{magic:08x}, expected 0x{expected_magic:08x}"
        )
    if magic >> 16 != 0 or (magic >> 8) & 0xFF != _UBYTE_CODE or magic & 0xFF == 0:
        raise IdxFormatError(
            f"read_idx: {path} has magic number 0x{magic:08x}, expected 0x000008dd "
            "(unsigned bytes, dd >= 1 dimensions)"
        )
    ndim = magic & 0xFF
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise IdxFormatError(
            f"read_idx: {path} is truncated inside its header: expected at least "
            f"{header_size} bytes, got {len(data)}"
        )
    shape = struct.unpack(f">{ndim}I", data[4:header_size])
    expected_payload = math.prod(shape)
    actual_payload = len(data) - header_size
    if actual_payload != expected_payload:
        what = "truncated" if actual_payload < expected_payload else "has trailing bytes"
        raise IdxFormatError(
            f"read_idx: {path} {what}: header shape {shape} needs {expected_payload} payload "
            f"bytes, got {actual_payload}"
        )
    # frombuffer gives a read-only view of `data`; copy so callers own a writable array.
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(shape).copy()


def read_idx_images(path):
    """Read an MNIST image file: `path` -> `images: (N, 28, 28) uint8`."""
    images = read_idx(path, expected_magic=IMAGES_MAGIC)
    if images.shape[1:] != IMAGE_SIZE:
        raise IdxFormatError(
            f"read_idx_images: {path} holds images of size {images.shape[1:]}, "
            f"expected {IMAGE_SIZE}"
        )
    return images


def read_idx_labels(path):
    """Read an MNIST label file: `path` -> `labels: (N,) uint8` with values in 0..9."""
    labels = read_idx(path, expected_magic=LABELS_MAGIC)
    if labels.size and labels.max() >= NUM_CLASSES:
        bad = int(np.argmax(labels >= NUM_CLASSES))
        raise IdxFormatError(
            f"read_idx_labels: {path} has label {int(labels[bad])} at index {bad}, "
            f"expected labels in 0..{NUM_CLASSES - 1}"
        )
    return labels


def read_idx_pair(images_path, labels_path):
    """Read matching image and label files -> `(x: (N, 784) uint8, t: (N,) uint8)`."""
    images = read_idx_images(images_path)
    labels = read_idx_labels(labels_path)
    if len(images) != len(labels):
        raise IdxFormatError(
            f"read_idx_pair: {images_path} holds {len(images)} images but {labels_path} "
            f"holds {len(labels)} labels; expected equal counts"
        )
    return images.reshape(len(images), IMAGE_SIZE[0] * IMAGE_SIZE[1]), labels


def write_idx(path, array):
    """Write `array: (d0, ...) uint8` (1 to 255 dimensions) as an idx file.

    A path ending in `.gz` is gzip-compressed with a zero timestamp, so that the same array
    always gives the same bytes (tests compare checksums). Returns `path` as a Path.
    """
    array = np.asarray(array)
    if array.dtype != np.uint8:
        raise TypeError(f"write_idx: expected a uint8 array, got dtype {array.dtype}")
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"write_idx: expected 1 to 255 dimensions, got {array.ndim}")
    header = struct.pack(f">I{array.ndim}I", (_UBYTE_CODE << 8) | array.ndim, *array.shape)
    data = header + np.ascontiguousarray(array).tobytes()
    path = Path(os.fspath(path))
    if path.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path
