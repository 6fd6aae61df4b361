"""Verified download of the official MNIST files, trying several mirrors in order.

yann.lecun.com no longer serves the files reliably, so the mirrors below (byte-identical
copies) are tried one after the other. A download is accepted only when its SHA-256 equals the
official one. It is written to a temporary file in the destination folder and renamed into place
only after that check, so an interrupted or wrong download never leaves a file that a later run
would mistake for a good one.

A file that is already present is verified too. If it does not match, `ensure_file` raises
`MnistChecksumError` instead of deleting it: the file is the user's, and deleting it is a
one-line decision the error message spells out.
"""

import contextlib
import hashlib
import http.client
import os
import re
import sys
import tempfile
import urllib.request
from pathlib import Path

# Tried in this order; each entry is a folder URL to which the file name is appended.
# `download(mirrors=None)` and `load_mnist` read this at call time, so tests can monkeypatch it.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

# SHA-256 of the four files as published on yann.lecun.com/exdb/mnist/.
OFFICIAL_SHA256 = {
    "train-images-idx3-ubyte.gz":
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz":
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

# Environment variable naming the folder that holds (or receives) the four files.
DATA_DIR_ENV = "SCRATCH_DATA_DIR"

_CHUNK_SIZE = 1 << 16
_SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
# What a failing mirror can raise: OSError covers URLError/HTTPError, refused connections and
# timeouts; HTTPException covers malformed responses; ValueError covers a malformed URL.
_MIRROR_FAILURES = (OSError, http.client.HTTPException, ValueError)


class MnistDownloadError(OSError):
    """No mirror delivered a file with the expected SHA-256."""


class MnistChecksumError(OSError):
    """A file's SHA-256 differs from the expected one."""


def sha256_file(path):
    """Return the SHA-256 of the file at `path` as 64 lowercase hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


def expected_sha256(name, sha256=None):
    """Return `sha256` normalised to lowercase, or the official SHA-256 of `name` if it is None.

    Looks `OFFICIAL_SHA256` up at call time so that tests can monkeypatch it.
    """
    if sha256 is None:
        if name not in OFFICIAL_SHA256:
            raise ValueError(
                f"expected_sha256: no official SHA-256 for {name!r}; expected one of "
                f"{sorted(OFFICIAL_SHA256)} or an explicit sha256="
            )
        sha256 = OFFICIAL_SHA256[name]
    if not isinstance(sha256, str) or not _SHA256_PATTERN.fullmatch(sha256.lower()):
        raise ValueError(f"expected_sha256: expected 64 hex digits, got {sha256!r}")
    return sha256.lower()


def hand_placement_hint(dest_dir):
    """The instructions for installing the MNIST files without this module's help."""
    names = ", ".join(OFFICIAL_SHA256)
    return (
        f"To install the files by hand, download {names} (SHA-256 in "
        f"scratch.datasets.download.OFFICIAL_SHA256) from any MNIST mirror and put them, still "
        f"gzip-compressed and with these names, in {dest_dir}; or set the {DATA_DIR_ENV} "
        "environment variable (or pass load_mnist(data_dir=...)) to a folder that holds them."
    )


@contextlib.contextmanager
def atomic_write(path):
    """`with atomic_write(path) as f:` writes the open binary file f, which becomes `path` only
    when the block ends without an error (a temporary file in the same folder, renamed into
    place). Otherwise the temporary file is removed and `path` is left as it was: an
    interrupted write never leaves a file that a later run would mistake for a good one."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
        os.chmod(tmp_name, 0o644)  # mkstemp makes it owner-only; a data file need not be
        os.replace(tmp_name, path)
    finally:
        # Also reached on KeyboardInterrupt; after a successful os.replace there is nothing.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)


def _progress_bar(progress, **kwargs):
    """A tqdm bar (imported only here, when a download shows progress), or None."""
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # numpy is the only requirement; downloading still works without a bar
        return None
    return tqdm(**kwargs)


def _mirror_url(mirror, name):
    return (mirror if mirror.endswith("/") else mirror + "/") + name


def _fetch(url, out, sha256, *, timeout, progress, desc):
    """Stream `url` into the open binary file `out`, then check its length and SHA-256."""
    request = urllib.request.Request(url, headers={"User-Agent": "scratch-mnist-downloader"})
    digest = hashlib.sha256()
    received = 0
    with urllib.request.urlopen(request, timeout=timeout) as response:
        length = response.headers.get("Content-Length", "")
        total = int(length) if length.isdigit() else None
        bar = _progress_bar(progress, total=total, unit="B", unit_scale=True,
                            unit_divisor=1024, desc=desc, leave=False)
        try:
            for chunk in iter(lambda: response.read(_CHUNK_SIZE), b""):
                out.write(chunk)
                digest.update(chunk)
                received += len(chunk)
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()
    # http.client returns a short body without complaint when the server closes early.
    if total is not None and received != total:
        raise MnistChecksumError(
            f"truncated download: expected {total} bytes (Content-Length), got {received}"
        )
    actual = digest.hexdigest()
    if actual != sha256:
        raise MnistChecksumError(
            f"SHA-256 mismatch: expected {sha256}, got {actual} ({received} bytes)"
        )


def download(name, dest_dir, *, mirrors=None, sha256=None, timeout=30, progress=True):
    """Download `name` into `dest_dir` from the first mirror that serves the expected bytes.

    mirrors: folder URLs tried in order (None: `MIRRORS`); sha256: expected hex digest (None:
    `OFFICIAL_SHA256[name]`); timeout: seconds per network operation; progress: tqdm bar and a
    note on stderr when a mirror fails. Returns the Path `dest_dir / name`.
    Raises MnistDownloadError (an OSError) listing every URL tried and its error when all fail;
    neither the file nor a temporary file is then left in `dest_dir`.
    """
    mirrors = MIRRORS if mirrors is None else mirrors
    if isinstance(mirrors, (str, bytes)):
        raise TypeError(f"download: expected a sequence of mirror URLs, got the string {mirrors!r}")
    mirrors = list(mirrors)
    if not mirrors:
        raise ValueError("download: expected at least one mirror URL, got none")
    sha256 = expected_sha256(name, sha256)
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / name
    failures = []
    for mirror in mirrors:
        url = _mirror_url(mirror, name)
        try:
            with atomic_write(target) as out:
                _fetch(url, out, sha256, timeout=timeout, progress=progress, desc=name)
            return target
        except _MIRROR_FAILURES as exc:
            failures.append(f"  - {url}: {type(exc).__name__}: {exc}")
            if progress:
                print(f"download: {url} failed ({exc}); trying the next mirror", file=sys.stderr)
    raise MnistDownloadError(
        f"download: could not download {name} (expected SHA-256 {sha256}) from any of "
        f"{len(mirrors)} mirror(s):\n" + "\n".join(failures) + "\n" + hand_placement_hint(dest_dir)
    )


def ensure_file(name, dest_dir, *, mirrors=None, sha256=None, timeout=30, progress=True):
    """Return the Path `dest_dir / name`, downloading it first if it is absent.

    A file already present must have the expected SHA-256, else MnistChecksumError asks the user
    to delete it (it is then downloaded again on the next call). Arguments as in `download`.
    """
    sha256 = expected_sha256(name, sha256)
    path = Path(dest_dir) / name
    if not path.exists():
        return download(
            name, dest_dir, mirrors=mirrors, sha256=sha256, timeout=timeout, progress=progress
        )
    actual = sha256_file(path)
    if actual != sha256:
        raise MnistChecksumError(
            f"ensure_file: {path} has SHA-256 {actual}, expected {sha256}: the file is corrupt "
            "or is not the official one. Delete it and load again to download a fresh copy."
        )
    return path
