"""Input checks shared by every layer, net and loss: clear errors instead of silent broadcasting.

Each error names where it happened (`where`, e.g. "Affine1.forward"), what was expected and what
was actually passed, so a learner can fix the call without reading a traceback into NumPy.
"""

import numpy as np


def ensure_float(x, where, name="x"):
    """Return `x` as a floating NumPy array (integers and bools become float64).

    Raises TypeError for anything that is not real-valued numeric (strings, objects, complex).
    Float arrays are returned as they are (no copy), so float32 stays float32.
    """
    arr = np.asarray(x)
    if arr.dtype.kind == "f":
        return arr
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    raise TypeError(f"{where}: {name} must be a real numeric array, got dtype {arr.dtype}")


def check_finite(arr, where, name="x"):
    """Raise ValueError if `arr` holds NaN or +-inf, saying how many and where the first is."""
    arr = np.asarray(arr)
    if arr.dtype.kind not in "fc":
        return arr  # integers and booleans cannot hold NaN or inf
    if np.isfinite(arr).all():  # the common case, in two cheap passes
        return arr
    bad = ~np.isfinite(arr)
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    raise ValueError(
        f"{where}: {name} must be finite, but {int(bad.sum())} of {arr.size} values are NaN or "
        f"inf (first at index {first}: {arr[first]})"
    )


def check_ndim(arr, ndims, where, name, layout):
    """Raise ValueError unless `arr.ndim` is in `ndims`; `layout` describes the expected shape."""
    if arr.ndim not in ndims:
        raise ValueError(f"{where}: {name} must have shape {layout}, got shape {arr.shape}")
    if arr.ndim and arr.shape[0] == 0:
        raise ValueError(f"{where}: {name} is an empty batch (shape {arr.shape})")
    return arr


def check_same_shape(a, b, where, names, why=""):
    """Raise ValueError unless `a` and `b` have the same shape (no broadcasting allowed)."""
    sa, sb = np.shape(a), np.shape(b)
    if sa != sb:
        raise ValueError(
            f"{where}: {names[1]} must have the same shape as {names[0]} {sa}, got {sb}{why}"
        )


def check_choice(value, choices, where, name):
    """Raise ValueError unless `value` is one of `choices` (a list or tuple, listed as given)."""
    if value not in choices:
        raise ValueError(f"{where}: {name} must be one of {choices}, got {value!r}")
    return value


def check_labels(t, n, c, where):
    """Validate labels for `n` samples of `c` classes and return them as class indices.

    t: (N,) integer labels in [0, C) or (N, C) one-hot rows (exactly one 1, the rest 0).
    Returns `labels: (N,) int64`.
    """
    t = np.asarray(t)
    if t.ndim == 1:
        if t.dtype.kind not in "iu":
            raise TypeError(
                f"{where}: labels of shape (N,) must be integers, got dtype {t.dtype} "
                f"(pass one-hot labels as an (N, {c}) array)"
            )
        if t.shape[0] != n:
            raise ValueError(f"{where}: expected {n} labels (one per sample), got {t.shape[0]}")
        lo, hi = int(t.min()), int(t.max())
        if lo < 0 or hi >= c:
            bad = t[(t < 0) | (t >= c)][0]
            raise ValueError(f"{where}: labels must be in [0, {c - 1}], got {int(bad)}")
        return t.astype(np.int64, copy=False)
    if t.ndim == 2:
        if t.shape != (n, c):
            raise ValueError(f"{where}: one-hot labels must have shape ({n}, {c}), got {t.shape}")
        is_binary = np.isin(t, (0, 1)).all()
        if not is_binary or not (t.sum(axis=1) == 1).all():
            raise ValueError(
                f"{where}: one-hot labels must have exactly one 1 per row and 0 elsewhere"
            )
        return t.argmax(axis=1)
    raise ValueError(
        f"{where}: labels must have shape ({n},) or ({n}, {c}), got shape {t.shape}"
    )
