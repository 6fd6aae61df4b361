"""Input checks shared by every layer, net and loss: clear errors instead of silent broadcasting.

Each error names where it happened (`where`, e.g. "Affine1.forward"), what was expected and what
was actually passed, so a learner can fix the call without reading a traceback into NumPy.
A layer makes each of its checks with one call from here (`check_input`, `check_dout`, ...).

Where NaN and inf are looked for: where bad values can come in, that is in what a caller
passes to a layer and in a layer's parameters. From finite inputs the layers compute finite
outputs (an overflow in Affine is reported as one), so nothing else needs a scan.
- `forward` scans its inputs (`check_input`, `check_pair`, `check_batch`) and `backward` its
  `dout` (`check_dout`). In a network the layers are each other's callers: every array of a
  training step is scanned by the layer that receives it, and a NaN or inf is reported by the
  first layer it reaches.
- `Affine` scans its output instead of x, W and b (`check_finite_output`): a NaN or inf in any
  of them always reaches x W + b, which for a network's first layer is 100 x 50 numbers
  instead of 100 x 784 + 784 x 50. Only when the output is bad are x, W and b searched, to name
  the culprit. The product itself runs under `reported_below()`: whether NumPy warns about
  inf * 0 inside a matrix product depends on the BLAS kernel the processor picks, and the
  learner should get the same error, naming the layer, on every machine.
- A network adds no scans of its own: its x goes to Affine1, its labels t to SoftmaxWithLoss
  (`check_labels`) and its parameters to the Affine layers that use them.
- `Convolution` scans x, W and b themselves (`check_conv`): with a stride larger than the
  filter some pixels are in no window, so a NaN there would never reach the output. It scans
  its output too, for an overflow (`check_finite_output`).
"""

import math

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


def all_finite(arr):
    """True if no entry of the float array `arr` is NaN or inf.

    The fast test: vdot(arr, arr), the sum of the squares, is finite only if every entry is
    (one NaN or inf makes it NaN or inf), and this one call takes half the time of
    `np.isfinite(arr).all()`, which a training step would notice. A sum that overflows on huge
    but finite entries falls back to the entry-by-entry test.
    """
    return math.isfinite(np.vdot(arr, arr)) or bool(np.isfinite(arr).all())


def check_finite(arr, where, name="x"):
    """Raise ValueError if `arr` holds NaN or +-inf, saying how many and where the first is."""
    arr = np.asarray(arr)
    if arr.dtype.kind in "fc" and not np.isfinite(arr).all():  # ints cannot hold NaN or inf
        _not_finite(arr, where, name)
    return arr


def _not_finite(arr, where, name):
    bad = ~np.isfinite(arr)
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    raise ValueError(
        f"{where}: {name} must be finite, but {int(bad.sum())} of {arr.size} values are NaN or "
        f"inf (first at index {first}: {arr[first]})"
    )


def check_input(x, where, name="x"):
    """A layer's input: returned as a float array (`ensure_float`), checked to be finite."""
    arr = ensure_float(x, where, name)
    if not all_finite(arr):
        _not_finite(arr, where, name)
    return arr


def check_pair(x, y, where):
    """The two inputs of an element-wise layer: real, finite, and of one shape (no broadcasting:
    with it, the gradient of the smaller input would come back with the larger one's shape)."""
    check_input(x, where, "x")
    check_input(y, where, "y")
    check_same_shape(x, y, where, ("x", "y"), " (broadcasting would make backward wrong)")


def check_dout(dout, like, where, shape=None):
    """The upstream gradient of a layer's backward: a finite float array of the shape of `like`.

    like: an array (or number) of the shape of forward's output, usually one that forward kept
    for backward; None when forward has not run yet (a RuntimeError then). shape: the expected
    shape, when it is not like's own.
    Returns dout as a float array (a Python number stays a number).
    """
    if like is None:
        raise RuntimeError(f"{where} called before forward")
    return _check_dout_shape(dout, np.shape(like) if shape is None else shape, where)


def _check_dout_shape(dout, shape, where):
    if type(dout) in (int, float) and shape == ():  # a loss layer's dout=1: no array needed
        if not math.isfinite(dout):
            raise ValueError(f"{where}: dout must be finite, got {dout}")
        return float(dout)
    arr = ensure_float(dout, where, "dout")
    if arr.shape != shape:
        expected = ("be a scalar (forward's output is a number)" if shape == ()
                    else f"have the shape of forward's output {shape}")
        raise ValueError(f"{where}: dout must {expected}, got {arr.shape}")
    if not all_finite(arr):
        _not_finite(arr, where, "dout")
    return arr


def check_affine(x, W, b, where):
    """Affine's forward arguments: x: (N, d1, ...) with d1 * ... = D, W: (D, M), b: (M,).

    Returns x as a float array. Not scanned for NaN here: see `check_finite_output`.
    """
    W, b = np.asarray(W), np.asarray(b)
    if W.ndim != 2 or b.shape != (W.shape[-1],):
        raise ValueError(f"{where}: W must be (D, M) and b (M,), got W {W.shape} and b {b.shape}")
    x = check_ndim(ensure_float(x, where), range(2, 64), where, "x", "(N, D) or (N, d1, ...)")
    d = math.prod(x.shape[1:])
    if d != W.shape[0]:
        raise ValueError(
            f"{where}: x has {d} features per sample (shape {x.shape}) but W expects "
            f"{W.shape[0]} (W is {W.shape})"
        )
    return x


def check_normalization(x, gamma, beta, train_flg, where):
    """BatchNormalization's input: x: (N, D) or (N, d1, ...), finite, with gamma and beta of
    shape (D,); in training at least 2 samples, since a batch of one has no spread."""
    x = check_ndim(check_input(x, where), range(2, 64), where, "x", "(N, D) or (N, d1, ...)")
    d = math.prod(x.shape[1:])
    for name, p in (("gamma", gamma), ("beta", beta)):
        if np.shape(p) != (d,):
            raise ValueError(f"{where}: {name} must have shape ({d},), one entry per feature of "
                             f"x {x.shape}, got {np.shape(p)}")
    if train_flg and x.shape[0] < 2:
        raise ValueError(f"{where}: training needs a batch of at least 2 samples to compute "
                         f"their mean and variance, got {x.shape[0]}")
    return x


def check_affine_dout(dout, x2d, W, where):
    """Affine's upstream gradient: (N, M) for the x2d: (N, D) forward kept and W: (D, M)."""
    if x2d is None:
        raise RuntimeError(f"{where} called before forward")
    return _check_dout_shape(dout, (x2d.shape[0], W.shape[1]), where)


def reported_below():
    """A context in which NumPy computes inf and NaN silently, for a result checked right after.

    `with reported_below(): out = x @ W + b` then `check_finite_output(out, ...)`: the check,
    not a NumPy RuntimeWarning from inside the product, tells what went wrong and where.
    """
    return np.errstate(over="ignore", invalid="ignore")


def check_finite_output(out, where, **sources):
    """Raise ValueError if `out`, computed from the arrays `sources`, holds NaN or inf.

    For an output that every NaN or inf of its sources reaches (x W + b does), scanning it
    finds them all in one pass over fewer numbers. Only when it is bad are the sources
    searched, to name the culprit; if they are all finite, the computation overflowed.
    """
    if all_finite(out):
        return out
    for name, arr in sources.items():
        check_finite(arr, where, name)
    largest = max(float(np.abs(arr).max()) for arr in sources.values())
    raise ValueError(f"{where}: the output overflowed to inf (inputs up to {largest:.3g} in size), "
                     f"as when training diverges: try a smaller learning rate or smaller initial "
                     f"weights")


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


def check_int(value, where, name, low=1):
    """Return `value` as an int, or raise ValueError unless it is an integer >= `low`.

    bool is refused although Python counts it as an int: `epochs=True` is a mistake.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        expected = "a positive integer" if low == 1 else f"an integer >= {low}"
        raise ValueError(f"{where}: {name} must be {expected}, got {value!r}")
    return int(value)


def check_batch(x, t, where, name="x"):
    """Scores (or probabilities) and labels of a batch, as a loss needs them.

    x: (N, C), or (C,) for a single sample; t: (N,) integer labels or (N, C) one-hot (for a
    single sample a number or a (C,) one-hot row). x must be real and finite.
    Returns `x: (N, C)` as a float array (a single sample becomes N = 1) and
    `labels: (N,) int64` (see `check_labels`).
    """
    x = check_input(x, where, name)
    if x.ndim == 1:
        x, t = x[np.newaxis], np.asarray(t)[np.newaxis]
    check_ndim(x, (2,), where, name, "(N, C) or (C,)")
    return x, check_labels(t, x.shape[0], x.shape[1], where)


def check_labels(t, n, c, where):
    """Validate labels for `n` samples of `c` classes and return them as class indices.

    t: (N,) integer labels in [0, C) or (N, C) one-hot rows (exactly one 1, the rest 0); an
    (N, 1) column of integer labels counts as (N,) when C > 1.
    Returns `labels: (N,) int64`.
    """
    t = np.asarray(t)
    if t.shape == (n, 1) and c > 1 and t.dtype.kind in "iu":  # a column of labels (the book's
        t = t[:, 0]                                          # ch07/gradient_check.py makes one)
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


def check_window_sizes(sizes, filter_sizes, stride, pad, where,
                       names=(("H", "FH"), ("W", "FW"))):
    """The output size of a convolution or pooling along each axis, checked to be whole.

    sizes: (H, W) of the input; filter_sizes: (FH, FW); stride >= 1 and pad >= 0 integers.
    Returns (out_h, out_w) = (H + 2*pad - FH) / stride + 1, ... as ints. Raises ValueError
    naming the formula's numbers when the window is larger than the padded input, or when it
    does not fit a whole number of times (the book rounds down and drops the last rows).
    """
    stride, pad = check_int(stride, where, "stride"), check_int(pad, where, "pad", low=0)
    if len(sizes) == 1:
        names = (("input_size", "filter_size"),)
    out = []
    for size, fsize, (name, fname) in zip(sizes, filter_sizes, names):
        fsize = check_int(fsize, where, fname)
        formula = (f"({name} + 2*pad - {fname}) / stride + 1 = ({size} + 2*{pad} - {fsize}) "
                   f"/ {stride} + 1")
        if size + 2 * pad < fsize:
            raise ValueError(f"{where}: the input is too small: {name} + 2*pad = "
                             f"{size + 2 * pad} is less than the window's {fname} = {fsize}")
        if (size + 2 * pad - fsize) % stride:
            raise ValueError(f"{where}: {formula} is not a whole number: the windows do not fit a "
                             f"whole number of times (change pad or stride)")
        out.append((size + 2 * pad - fsize) // stride + 1)
    return tuple(out)


def check_conv(x, W, b, stride, pad, where):
    """Convolution's forward arguments: x: (N, C, H, W) finite, W: (FN, C, FH, FW), b: (FN,)
    or a number (one bias for every filter).

    Returns x as a float array and the output's (out_h, out_w) (see `check_window_sizes`).
    """
    W, b = check_input(W, where, "W"), check_input(b, where, "b")
    if W.ndim != 4 or b.shape not in ((W.shape[0],), ()):
        raise ValueError(f"{where}: W must be (FN, C, FH, FW) and b (FN,), got W {W.shape} "
                         f"and b {b.shape}")
    x = check_ndim(check_input(x, where), (4,), where, "x", "(N, C, H, W)")
    if x.shape[1] != W.shape[1]:
        raise ValueError(f"{where}: x has {x.shape[1]} channels (shape {x.shape}) but W expects "
                         f"{W.shape[1]} (W is {W.shape})")
    return x, check_window_sizes(x.shape[2:], W.shape[2:], stride, pad, where)


def check_pooling(x, pool_h, pool_w, stride, pad, where):
    """Pooling's input: x: (N, C, H, W) finite, with pad < pool_h and pad < pool_w (a window
    of padding alone would have no maximum). Returns x as a float array and (out_h, out_w)."""
    x = check_ndim(check_input(x, where), (4,), where, "x", "(N, C, H, W)")
    out_size = check_window_sizes(x.shape[2:], (pool_h, pool_w), stride, pad, where)
    if pad >= min(pool_h, pool_w):
        raise ValueError(f"{where}: pad must be less than the window ({pool_h} x {pool_w}), "
                         f"got {pad}: a window of padding alone has no maximum")
    return x, out_size
