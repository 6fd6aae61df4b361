"""Checks for notebook 12's exercises: a convolution's forward pass with loops, max pooling's
backward pass, and col2im.

The references are written out here with plain loops over the output positions, independent
of `scratch.conv` and `scratch.util`, which may not be called while a learner's code runs (nor
may these references). Every check tries two inputs of different shapes, so an answer written
for the first fails on the second.
Shapes: x: (N, C, H, W); W: (FN, C, FH, FW); out: (N, FN, OH, OW) with
OH = (H + 2*pad - FH) // stride + 1 and OW likewise.
"""

import numpy as np

from scratch.checks import Fail, refusing_calls, run_check
from scratch.conv import Convolution, Pooling
from scratch.util import col2im, im2col, sum_windows, windows

__all__ = ["reference_conv", "reference_maxpool_backward", "reference_col2im",
           "check_conv_forward_naive", "check_maxpool_backward", "check_col2im"]


def _out_size(size, window, stride, pad):
    return (size + 2 * pad - window) // stride + 1


def _padded(x, pad, value=0.0):
    return np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], constant_values=value)


def reference_conv(x, W, b, stride=1, pad=0):
    """out[n, f, y, x] = sum of W[f] * the window of output (y, x), plus b[f]: one loop per
    output position, as the exercise asks."""
    n, _, h, w = x.shape
    fn, _, fh, fw = W.shape
    oh, ow = _out_size(h, fh, stride, pad), _out_size(w, fw, stride, pad)
    xp = _padded(x, pad)
    out = np.zeros((n, fn, oh, ow))
    for i in range(oh):
        for j in range(ow):
            window = xp[:, :, i * stride:i * stride + fh, j * stride:j * stride + fw]
            out[:, :, i, j] = np.tensordot(window, W, axes=([1, 2, 3], [1, 2, 3])) + b
    return out


def reference_maxpool_backward(dout, x, pool_h, pool_w, stride, spread="argmax", write="add"):
    """dx for max pooling without padding: each window's dout goes to its first maximum (row by
    row), and a pixel that is the maximum of several windows gets the sum. The typical mistakes:
    spread="all" (dout to every pixel of the window) or "ties" (to every maximum); write="window"
    (dx[window] = ..., which overwrites the whole window) or "point" (dx[the maximum] = dout,
    which overwrites another window's share)."""
    dx = np.zeros(x.shape)
    _, _, oh, ow = dout.shape
    for i in range(oh):
        for j in range(ow):
            rows = slice(i * stride, i * stride + pool_h)
            cols = slice(j * stride, j * stride + pool_w)
            window = x[:, :, rows, cols]
            flat = window.reshape(*window.shape[:2], -1)
            if spread == "all":
                mask = np.ones(flat.shape, dtype=bool)
            elif spread == "ties":
                mask = flat == flat.max(axis=2, keepdims=True)
            else:
                mask = np.arange(flat.shape[2]) == flat.argmax(axis=2)[..., np.newaxis]
            mask = mask.reshape(window.shape)
            share = mask * dout[:, :, i, j, np.newaxis, np.newaxis]
            if write == "window":
                dx[:, :, rows, cols] = share
            elif write == "point":
                dx[:, :, rows, cols] = np.where(mask, share, dx[:, :, rows, cols])
            else:
                dx[:, :, rows, cols] += share
    return dx


def reference_col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0, overlap="sum"):
    """The book's col2im: row n*OH*OW + y*OW + x of col is the window of output (y, x) of
    sample n, flattened channel by channel; each is added back to its pixels (overlap="sum"),
    or, for the typical mistake, written over them (overlap="last")."""
    n, c, h, w = input_shape
    oh, ow = _out_size(h, filter_h, stride, pad), _out_size(w, filter_w, stride, pad)
    img = np.zeros((n, c, h + 2 * pad, w + 2 * pad))
    patches = np.asarray(col).reshape(n, oh, ow, c, filter_h, filter_w)
    for i in range(oh):
        for j in range(ow):
            rows, cols = slice(i * stride, i * stride + filter_h), slice(j * stride,
                                                                         j * stride + filter_w)
            if overlap == "sum":
                img[:, :, rows, cols] += patches[:, i, j]
            else:
                img[:, :, rows, cols] = patches[:, i, j]
    return img[:, :, pad:pad + h, pad:pad + w]


def _own_work(what, notebook_versions=()):
    """While the learner's code runs, scratch's convolution and pooling, its window helpers,
    this module's references and `notebook_versions` (what the notebook itself already wrote)
    refuse to be called."""
    return refusing_calls(
        [Convolution.forward, Convolution.backward, Pooling.forward, Pooling.backward, im2col,
         col2im, windows, sum_windows, reference_conv, reference_maxpool_backward,
         reference_col2im, *notebook_versions],
        f"your code calls scratch.conv, scratch.util, the notebook's own versions or this "
        f"check's reference: {what}")


def _call(function, *args, what, notebook_versions=(), **kwargs):
    copies = [np.copy(a) if isinstance(a, np.ndarray) else a for a in args]
    with _own_work(what, notebook_versions):
        result = function(*args, **kwargs)
    if any(isinstance(a, np.ndarray) and not np.array_equal(a, c) for a, c in zip(args, copies)):
        raise Fail("your function changed one of its arguments in place")
    return np.asarray(result, dtype=float)


# (N, C, H, W, FN, FH, FW, stride, pad): the plain case first, so that its hints come first
CONV_CASES = [(2, 2, 5, 5, 3, 3, 3, 1, 0), (2, 3, 7, 6, 2, 3, 2, 2, 1)]


def check_conv_forward_naive(conv_forward_naive, notebook_versions=()):
    """conv_forward_naive(x, W, b, stride, pad) -> out: (N, FN, OH, OW), with loops.
    notebook_versions: the notebook's own convolutions, refused like scratch's."""

    def check():
        rng = np.random.default_rng(120)
        for n, c, h, w, fn, fh, fw, stride, pad in CONV_CASES:
            x, W = rng.standard_normal((n, c, h, w)), rng.standard_normal((fn, c, fh, fw))
            b = rng.standard_normal(fn)
            expected = reference_conv(x, W, b, stride, pad)
            out = _call(conv_forward_naive, x, W, b, stride, pad,
                        what="write the loops over the output positions yourself",
                        notebook_versions=notebook_versions)
            setting = f"(stride {stride}, pad {pad})"
            if out.shape != expected.shape:
                raise Fail(f"out should have shape {expected.shape} for x {x.shape} and W "
                           f"{W.shape} {setting}, got {out.shape}: OH = (H + 2*pad - FH) // "
                           f"stride + 1, and OW likewise")
            if np.allclose(out, expected):
                continue
            if np.allclose(out, reference_conv(x, W[:, :, ::-1, ::-1], b, stride, pad)):
                raise Fail("that is the kernel flipped (the convolution of mathematics): the "
                           "layer multiplies W[f, c, i, j] with the pixel at offset (i, j) of the "
                           "window, unflipped (a cross-correlation)")
            if np.allclose(out, expected - b[:, None, None]):
                raise Fail("add the bias b[f] to every output of filter f")
            inside = _inside(h, w, fh, fw, stride, pad)
            if pad and np.allclose(out[:, :, inside[0]][:, :, :, inside[1]],
                                   expected[:, :, inside[0]][:, :, :, inside[1]]):
                raise Fail("the windows that reach into the padding are wrong: pad H and W only, "
                           "with `pad` zeros on each side: np.pad(x, ((0, 0), (0, 0), (pad, pad), "
                           "(pad, pad)))")
            if stride > 1 and np.allclose(out, _stride_ignored(x, W, b, pad, out.shape)):
                raise Fail("the window of output (y, x) starts at row y*stride and column "
                           "x*stride of the padded image, not at (y, x)")
            raise Fail(f"out differs from a convolution computed by hand {setting}")
        return "(two inputs, with stride and padding)"

    return run_check("conv_forward_naive", check)


def _inside(h, w, fh, fw, stride, pad):
    """The output rows and columns whose windows lie inside the unpadded image."""
    def axis(size, window):
        oh = _out_size(size, window, stride, pad)
        return [y for y in range(oh) if y * stride >= pad and y * stride + window <= size + pad]
    return axis(h, fh), axis(w, fw)


def _stride_ignored(x, W, b, pad, shape):
    """The typical mistake: windows at (y, x) instead of (y*stride, x*stride)."""
    full = reference_conv(x, W, b, 1, pad)
    return full[:, :, :shape[2], :shape[3]]


# (N, C, H, W, pool, stride): no overlap, then overlapping windows; ties are added below
POOL_CASES = [(2, 2, 4, 6, 2, 2), (1, 3, 7, 5, 3, 2)]


def check_maxpool_backward(maxpool_backward):
    """maxpool_backward(dout, x, pool_h, pool_w, stride) -> dx: x's shape, no padding."""

    def check():
        rng = np.random.default_rng(121)
        cases = [(rng.standard_normal((n, c, h, w)), pool, stride)
                 for n, c, h, w, pool, stride in POOL_CASES]
        ties = rng.integers(0, 3, (2, 2, 5, 5)).astype(float)  # many windows with two maxima
        for x, pool, stride in [*cases, (ties, 2, 1)]:
            oh, ow = _out_size(x.shape[2], pool, stride, 0), _out_size(x.shape[3], pool, stride, 0)
            dout = rng.standard_normal((x.shape[0], x.shape[1], oh, ow))
            expected = reference_maxpool_backward(dout, x, pool, pool, stride)
            dx = _call(maxpool_backward, dout, x, pool, pool, stride,
                       what="route the gradient yourself")
            if dx.shape != x.shape:
                raise Fail(f"dx should have x's shape {x.shape}, got {dx.shape}")
            if np.allclose(dx, expected):
                continue
            if np.allclose(dx, reference_maxpool_backward(dout, x, pool, pool, stride, "all")):
                raise Fail("the gradient went to every pixel of the window: only the maximum "
                           "reaches the output (slope 1); the other pixels get 0")
            if np.allclose(dx, reference_maxpool_backward(dout, x, pool, pool, stride, "all")
                           / pool**2):
                raise Fail("that is average pooling's backward: max pooling sends each window's "
                           "whole dout to its maximum and 0 to the others")
            if stride < pool and any(
                    np.allclose(dx, reference_maxpool_backward(dout, x, pool, pool, stride,
                                                               write=write))
                    for write in ("window", "point")):
                raise Fail("where windows overlap, a pixel that is the maximum of several "
                           "windows gets the sum of their douts: add (+=), do not overwrite")
            if np.allclose(dx, reference_maxpool_backward(dout, x, pool, pool, stride, "ties")):
                raise Fail("on a tie the whole dout goes to the first maximum of the window (row "
                           "by row, as np.argmax picks it), not to every maximum")
            raise Fail(f"dx differs from the gradient routed by hand ({pool} x {pool} windows, "
                       f"stride {stride})")
        return "(two inputs, overlapping windows and ties)"

    return run_check("maxpool_backward", check)


# (N, C, H, W, FH, FW, stride, pad)
COL_CASES = [(2, 1, 4, 4, 3, 3, 1, 0), (1, 2, 7, 6, 3, 2, 2, 1)]


def check_col2im(my_col2im):
    """my_col2im(col, input_shape, filter_h, filter_w, stride, pad) -> (N, C, H, W): every row
    of col (the book's layout, (N*OH*OW, C*FH*FW)) added back to the pixels of its window."""

    def check():
        rng = np.random.default_rng(122)
        for n, c, h, w, fh, fw, stride, pad in COL_CASES:
            oh, ow = _out_size(h, fh, stride, pad), _out_size(w, fw, stride, pad)
            col = rng.standard_normal((n * oh * ow, c * fh * fw))
            shape = (n, c, h, w)
            expected = reference_col2im(col, shape, fh, fw, stride, pad)
            img = _call(my_col2im, col, shape, fh, fw, stride, pad,
                        what="add the columns back yourself")
            setting = f"({fh} x {fw} windows, stride {stride}, pad {pad})"
            if img.shape == (n, c, h + 2 * pad, w + 2 * pad) and pad:
                raise Fail(f"return the image without its padding, shape {shape}: "
                           f"img[:, :, pad:pad + H, pad:pad + W]")
            if img.shape != expected.shape:
                raise Fail(f"the image should have shape {shape}, got {img.shape}")
            if np.allclose(img, expected):
                continue
            if np.allclose(img, reference_col2im(col, shape, fh, fw, stride, pad, "last")):
                raise Fail("a pixel inside several windows must get the sum of their values "
                           "(+=, not =): a value used several times collects the sum of its "
                           "gradients (notebook 01)")
            counts = reference_col2im(np.ones(col.shape), shape, fh, fw, stride, pad)
            if np.allclose(img, expected / counts):
                raise Fail("that is the mean of the windows' values: col2im adds them, "
                           "it does not average")
            raise Fail(f"the image differs from the columns added back by hand {setting}")
        return "(two inputs, overlapping windows, stride and padding)"

    return run_check("col2im", check)
