"""Tests for scratch.datasets.idx: reading and writing idx files, on small synthetic files."""

import gzip
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scratch.datasets.idx import (
    IMAGES_MAGIC,
    LABELS_MAGIC,
    IdxFormatError,
    read_idx,
    read_idx_images,
    read_idx_labels,
    read_idx_pair,
    write_idx,
)


def make_images(n, seed=0):
    """Synthetic `(n, 28, 28) uint8` images."""
    return np.random.default_rng(seed).integers(0, 256, size=(n, 28, 28), dtype=np.uint8)


def make_labels(n, seed=0):
    """Synthetic `(n,) uint8` labels in 0..9."""
    return np.random.default_rng(seed).integers(0, 10, size=n, dtype=np.uint8)


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_round_trip_images_and_labels(tmp_path, suffix):
    images, labels = make_images(7), make_labels(7)
    images_path = write_idx(tmp_path / f"images{suffix}", images)
    labels_path = write_idx(tmp_path / f"labels{suffix}", labels)
    assert np.array_equal(read_idx_images(images_path), images)
    assert np.array_equal(read_idx_labels(labels_path), labels)
    x, t = read_idx_pair(images_path, labels_path)
    assert x.shape == (7, 784) and x.dtype == np.uint8
    assert np.array_equal(x, images.reshape(7, 784))
    assert np.array_equal(t, labels)
    x[0, 0] = 1  # the result is the caller's own, writable array


def test_header_layout_matches_the_format(tmp_path):
    path = write_idx(tmp_path / "labels", np.array([3, 1, 4], dtype=np.uint8))
    assert path.read_bytes() == struct.pack(">II", LABELS_MAGIC, 3) + bytes([3, 1, 4])
    path = write_idx(tmp_path / "images", make_images(2))
    assert path.read_bytes()[:16] == struct.pack(">IIII", IMAGES_MAGIC, 2, 28, 28)


def test_gzip_output_is_reproducible(tmp_path):
    a = write_idx(tmp_path / "a.gz", make_labels(50)).read_bytes()
    b = write_idx(tmp_path / "b.gz", make_labels(50)).read_bytes()
    assert a == b


def test_empty_files_are_valid(tmp_path):
    x, t = read_idx_pair(
        write_idx(tmp_path / "i", np.zeros((0, 28, 28), np.uint8)),
        write_idx(tmp_path / "l", np.zeros(0, np.uint8)),
    )
    assert x.shape == (0, 784) and t.shape == (0,)


@settings(max_examples=25, deadline=None)
@given(array=arrays(np.uint8, st.lists(st.integers(0, 5), min_size=1, max_size=4).map(tuple)))
def test_round_trip_any_shape(tmp_path_factory, array):
    path = write_idx(tmp_path_factory.mktemp("idx") / "a.gz", array)
    assert np.array_equal(read_idx(path), array)


def test_write_idx_rejects_other_dtypes(tmp_path):
    with pytest.raises(TypeError, match="write_idx: expected a uint8 array, got dtype int64"):
        write_idx(tmp_path / "a", np.arange(3))
    with pytest.raises(ValueError, match="write_idx: expected 1 to 255 dimensions, got 0"):
        write_idx(tmp_path / "a", np.uint8(3))


def test_labels_file_read_as_images_is_a_bad_magic(tmp_path):
    path = write_idx(tmp_path / "labels.gz", make_labels(4))
    with pytest.raises(IdxFormatError, match="magic number 0x00000801, expected 0x00000803"):
        read_idx_images(path)
    with pytest.raises(IdxFormatError, match=str(path)):
        read_idx_images(path)


def test_not_an_idx_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello world, this is not idx")
    with pytest.raises(IdxFormatError, match="magic number 0x68656c6c"):
        read_idx(path)
    path.write_bytes(b"\x00\x00")
    with pytest.raises(IdxFormatError, match="expected at least 4 bytes, got 2"):
        read_idx(path)


def test_non_ubyte_dtype_code_is_rejected(tmp_path):
    path = tmp_path / "floats"
    path.write_bytes(struct.pack(">II", 0x00000D01, 1) + b"\x00" * 4)
    with pytest.raises(IdxFormatError, match="0x00000d01"):
        read_idx(path)


def test_truncated_header(tmp_path):
    path = tmp_path / "images"
    path.write_bytes(struct.pack(">II", IMAGES_MAGIC, 5))
    with pytest.raises(IdxFormatError, match="truncated inside its header.*16 bytes, got 8"):
        read_idx_images(path)


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_truncated_payload(tmp_path, suffix):
    data = struct.pack(">IIII", IMAGES_MAGIC, 3, 28, 28) + bytes(3 * 784 - 10)
    path = tmp_path / f"images{suffix}"
    path.write_bytes(gzip.compress(data) if suffix else data)
    with pytest.raises(IdxFormatError, match=r"truncated: .* needs 2352 payload bytes, got 2342"):
        read_idx_images(path)


def test_trailing_bytes(tmp_path):
    path = tmp_path / "labels"
    path.write_bytes(struct.pack(">II", LABELS_MAGIC, 3) + bytes(5))
    with pytest.raises(IdxFormatError, match=r"trailing bytes: .* needs 3 payload bytes, got 5"):
        read_idx_labels(path)


def test_wrong_image_size(tmp_path):
    path = write_idx(tmp_path / "images", np.zeros((2, 27, 28), np.uint8))
    with pytest.raises(IdxFormatError, match=r"size \(27, 28\), expected \(28, 28\)"):
        read_idx_images(path)


def test_corrupt_gzip_stream(tmp_path):
    good = write_idx(tmp_path / "good.gz", make_images(3)).read_bytes()
    damaged = bytearray(good)
    damaged[len(good) // 2] ^= 0xFF
    path = tmp_path / "damaged.gz"
    path.write_bytes(bytes(damaged))
    with pytest.raises(IdxFormatError, match=r"damaged\.gz is not a valid gzip stream"):
        read_idx_images(path)
    path.write_bytes(good[: len(good) // 2])  # an interrupted copy
    with pytest.raises(IdxFormatError, match=r"damaged\.gz is not a valid gzip stream"):
        read_idx_images(path)


def test_label_out_of_range(tmp_path):
    path = write_idx(tmp_path / "labels.gz", np.array([1, 2, 12, 3], dtype=np.uint8))
    with pytest.raises(IdxFormatError, match="label 12 at index 2, expected labels in 0..9"):
        read_idx_labels(path)


def test_count_mismatch(tmp_path):
    images = write_idx(tmp_path / "images.gz", make_images(5))
    labels = write_idx(tmp_path / "labels.gz", make_labels(4))
    with pytest.raises(IdxFormatError, match="holds 5 images but .* holds 4 labels"):
        read_idx_pair(images, labels)
