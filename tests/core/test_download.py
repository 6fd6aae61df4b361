"""Tests for scratch.datasets.download and load_mnist(kind="full"), against a local HTTP server.

Nothing here touches the internet: the mirrors are folders of a ThreadingHTTPServer bound to
127.0.0.1, serving small synthetic idx.gz files.
"""

import hashlib
import socket
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import scratch.datasets.download
import scratch.datasets.mnist
from scratch.datasets import MnistFileError, load_mnist
from scratch.datasets.download import (
    MnistChecksumError,
    MnistDownloadError,
    download,
    ensure_file,
    sha256_file,
)
from scratch.datasets.idx import write_idx
from scratch.datasets.mnist import CACHE_NAME, FULL_FILES

NAME = "t10k-labels-idx1-ubyte.gz"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    # A proxy from the environment must not intercept requests to the local server.
    for var in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(var, "127.0.0.1,localhost")


@pytest.fixture
def server():
    """A local HTTP server; `server.serve(mirror, name, body, mode)` returns the mirror's URL.

    Modes: "ok" sends `body`; "truncated" announces len(body) bytes and sends half; "hang"
    sends nothing until the test ends. Unknown paths get 404.
    """
    routes = {}
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (name fixed by BaseHTTPRequestHandler)
            if self.path not in routes:
                self.send_error(404)
                return
            mode, body = routes[self.path]
            if mode == "hang":
                release.wait(10)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body if mode == "ok" else body[: len(body) // 2])

        def log_message(self, format, *args):  # noqa: A002 keep the test output quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll interval makes shutdown() return quickly in the teardown.
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"

    def serve(mirror, name, body, mode="ok"):
        routes[f"/{mirror}/{name}"] = (mode, body)
        return f"{base}/{mirror}/"

    try:
        yield SimpleNamespace(serve=serve, routes=routes, url=lambda mirror: f"{base}/{mirror}/")
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture
def closed_url():
    """A mirror URL on a 127.0.0.1 port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"


def idx_gz_bytes(array):
    """Bytes of `array` written by write_idx as a gzip idx file."""
    with tempfile.TemporaryDirectory() as folder:
        return write_idx(Path(folder) / "a.gz", array).read_bytes()


def gz_labels(n=20, seed=0):
    """Bytes of a synthetic gzip idx label file, and their SHA-256."""
    data = idx_gz_bytes(np.random.default_rng(seed).integers(0, 10, size=n, dtype=np.uint8))
    return data, hashlib.sha256(data).hexdigest()


def test_first_mirror_404_then_second_good(server, tmp_path):
    body, sha = gz_labels()
    mirrors = [server.url("missing"), server.serve("good", NAME, body)]
    path = download(NAME, tmp_path, mirrors=mirrors, sha256=sha, timeout=5, progress=False)
    assert path == tmp_path / NAME
    assert path.read_bytes() == body
    assert sorted(p.name for p in tmp_path.iterdir()) == [NAME]  # no temp file left


def test_checksum_mismatch_falls_back(server, tmp_path, capsys):
    body, sha = gz_labels()
    corrupt = bytes([body[0] ^ 1]) + body[1:]
    mirrors = [server.serve("bad", NAME, corrupt), server.serve("good", NAME, body)]
    path = download(NAME, tmp_path, mirrors=mirrors, sha256=sha, timeout=5, progress=True)
    assert sha256_file(path) == sha
    assert "SHA-256 mismatch" in capsys.readouterr().err  # the fallback is reported
    assert sorted(p.name for p in tmp_path.iterdir()) == [NAME]


def test_unreachable_and_hanging_mirrors_are_skipped(server, tmp_path, closed_url):
    body, sha = gz_labels()
    mirrors = [closed_url, server.serve("slow", NAME, body, "hang"), server.serve("ok", NAME, body)]
    path = download(NAME, tmp_path, mirrors=mirrors, sha256=sha, timeout=0.3, progress=False)
    assert path.read_bytes() == body


def test_all_mirrors_fail(server, tmp_path, closed_url):
    body, sha = gz_labels()
    corrupt = body[:-1] + bytes([body[-1] ^ 1])
    mirrors = [
        server.url("missing"),
        server.serve("corrupt", NAME, corrupt),
        server.serve("truncated", NAME, body, "truncated"),
        closed_url,
    ]
    dest = tmp_path / "new" / "folder"
    with pytest.raises(MnistDownloadError) as info:
        download(NAME, dest, mirrors=mirrors, sha256=sha, timeout=5, progress=False)
    assert isinstance(info.value, OSError)
    message = str(info.value)
    for mirror in mirrors:
        assert mirror + NAME in message
    assert "HTTP Error 404" in message
    assert "SHA-256 mismatch" in message
    assert f"expected {len(body)} bytes" in message
    assert "SCRATCH_DATA_DIR" in message and str(dest) in message
    assert "train-images-idx3-ubyte.gz" in message  # the hint names every file to place
    assert list(dest.iterdir()) == []  # neither the file nor a temporary file


def test_interrupted_download_leaves_nothing(server, tmp_path, monkeypatch):
    body, sha = gz_labels()

    def interrupted(url, out, sha256, **kwargs):
        out.write(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(scratch.datasets.download, "_fetch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        download(NAME, tmp_path, mirrors=[server.serve("ok", NAME, body)], sha256=sha)
    assert list(tmp_path.iterdir()) == []


def test_download_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="no official SHA-256 for 'other.gz'"):
        download("other.gz", tmp_path, mirrors=["http://127.0.0.1:1/"])
    with pytest.raises(ValueError, match="expected 64 hex digits"):
        download(NAME, tmp_path, mirrors=["http://127.0.0.1:1/"], sha256="abc")
    with pytest.raises(TypeError, match="download: expected a sequence of mirror URLs"):
        download(NAME, tmp_path, mirrors="http://127.0.0.1:1/")
    with pytest.raises(ValueError, match="at least one mirror"):
        download(NAME, tmp_path, mirrors=[])


def test_ensure_file_verifies_a_present_file(tmp_path, closed_url):
    body, sha = gz_labels()
    (tmp_path / NAME).write_bytes(body)
    # A good file is used as is: the (unreachable) mirrors are never asked.
    assert ensure_file(NAME, tmp_path, mirrors=[closed_url], sha256=sha) == tmp_path / NAME
    (tmp_path / NAME).write_bytes(body[:-3])
    with pytest.raises(MnistChecksumError, match=f"expected {sha}.*Delete it"):
        ensure_file(NAME, tmp_path, mirrors=[closed_url], sha256=sha)
    assert (tmp_path / NAME).read_bytes() == body[:-3]  # reported, not deleted


def test_mirror_url_without_trailing_slash(server, tmp_path):
    body, sha = gz_labels()
    mirror = server.serve("m", NAME, body).rstrip("/")
    assert download(NAME, tmp_path, mirrors=[mirror], sha256=sha, progress=False).is_file()


# --- load_mnist(kind="full") end to end, on synthetic data --------------------------------------


@pytest.fixture
def synthetic_mnist(server, monkeypatch):
    """Serve a tiny synthetic MNIST (12 train, 5 test) and make it the official data."""
    rng = np.random.default_rng(1)
    arrays = {
        "train": (rng.integers(0, 256, (12, 28, 28), dtype=np.uint8),
                  rng.integers(0, 10, 12, dtype=np.uint8)),
        "test": (rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
                 rng.integers(0, 10, 5, dtype=np.uint8)),
    }
    shas = {}
    for split, names in FULL_FILES.items():
        for name, array in zip(names, arrays[split], strict=True):
            body = idx_gz_bytes(array)
            shas[name] = hashlib.sha256(body).hexdigest()
            good = server.serve("good", name, body)
    monkeypatch.setattr(scratch.datasets.download, "MIRRORS", (server.url("missing"), good))
    monkeypatch.setattr(scratch.datasets.download, "OFFICIAL_SHA256", shas)
    return SimpleNamespace(arrays=arrays, shas=shas, server=server)


def check_synthetic(result, arrays):
    for (x, t), split in zip(result, ("train", "test"), strict=True):
        images, labels = arrays[split]
        assert x.dtype == np.uint8 and x.shape == (len(labels), 784)
        assert np.array_equal(x, images.reshape(len(labels), 784))
        assert t.dtype == np.int64 and np.array_equal(t, labels)


def test_load_full_downloads_then_uses_the_cache(synthetic_mnist, tmp_path):
    folder = tmp_path / "mnist"
    check_synthetic(load_mnist(False, kind="full", data_dir=folder), synthetic_mnist.arrays)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([CACHE_NAME, *synthetic_mnist.shas])
    # Without server and idx files, only the cache can answer.
    synthetic_mnist.server.routes.clear()
    for name in synthetic_mnist.shas:
        (folder / name).unlink()
    check_synthetic(load_mnist(False, kind="full", data_dir=folder), synthetic_mnist.arrays)
    (x, t), _ = load_mnist(flatten=False, one_hot_label=True, kind="full", data_dir=folder)
    assert x.shape == (12, 1, 28, 28) and x.dtype == np.float32 and t.shape == (12, 10)
    # Without the cache either, the download is attempted and its failure explained.
    (folder / CACHE_NAME).unlink()
    with pytest.raises(MnistDownloadError, match="could not download"):
        load_mnist(kind="full", data_dir=folder)


def test_load_full_uses_the_environment_variable(synthetic_mnist, tmp_path, monkeypatch):
    monkeypatch.setenv("SCRATCH_DATA_DIR", str(tmp_path))
    check_synthetic(load_mnist(normalize=False, kind="full"), synthetic_mnist.arrays)
    assert (tmp_path / CACHE_NAME).is_file()


def test_invalid_cache_is_rebuilt(synthetic_mnist, tmp_path):
    load_mnist(kind="full", data_dir=tmp_path)
    cache = tmp_path / CACHE_NAME
    cache.write_bytes(b"not an npz")
    with pytest.warns(UserWarning, match="ignoring an invalid cache"):
        check_synthetic(load_mnist(normalize=False, kind="full", data_dir=tmp_path),
                        synthetic_mnist.arrays)
    with np.load(cache, allow_pickle=False) as rebuilt:  # rewritten, valid again
        assert rebuilt["x_train"].shape == (12, 784)


def test_cache_of_other_files_is_not_used(synthetic_mnist, tmp_path, monkeypatch):
    load_mnist(kind="full", data_dir=tmp_path)
    changed = dict(synthetic_mnist.shas, **{NAME: "0" * 64})
    monkeypatch.setattr(scratch.datasets.download, "OFFICIAL_SHA256", changed)
    with pytest.warns(UserWarning, match="was built from files with SHA-256"):
        with pytest.raises(MnistChecksumError, match=NAME):
            load_mnist(kind="full", data_dir=tmp_path)


def test_present_bad_file_is_an_error(synthetic_mnist, tmp_path):
    (tmp_path / NAME).write_bytes(b"garbage")
    with pytest.raises(MnistChecksumError, match="Delete it"):
        load_mnist(kind="full", data_dir=tmp_path)


def test_cache_validation_rejects_wrong_shapes(synthetic_mnist, tmp_path):
    load_mnist(kind="full", data_dir=tmp_path)
    cache = tmp_path / CACHE_NAME
    with np.load(cache, allow_pickle=False) as f:
        arrays = {name: f[name] for name in f.files}
    arrays["x_test"] = arrays["x_test"][:, :100]
    np.savez(cache, **arrays)  # numbers only; NumPy 1.24 stores allow_pickle= as an array
    with pytest.warns(UserWarning, match=r"x_test is uint8 \(5, 100\), expected uint8 \(5, 784\)"):
        load_mnist(kind="full", data_dir=tmp_path)
    assert issubclass(MnistFileError, ValueError)


def test_unwritable_cache_only_warns(synthetic_mnist, tmp_path, monkeypatch):
    def refuse(path, arrays):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(scratch.datasets.mnist, "_write_npz_atomic", refuse)
    with pytest.warns(UserWarning, match="could not write the cache"):
        result = load_mnist(normalize=False, kind="full", data_dir=tmp_path)
    check_synthetic(result, synthetic_mnist.arrays)
    assert not (tmp_path / CACHE_NAME).exists()
