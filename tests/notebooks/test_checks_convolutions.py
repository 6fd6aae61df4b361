"""Notebook 12's checks: right answers in several styles pass, typical mistakes get their hint,
shortcuts through scratch.conv and scratch.util are refused, stubs get a nudge."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from scratch.checks.convolutions import (
    check_col2im,
    check_conv_forward_naive,
    check_maxpool_backward,
    reference_col2im,
    reference_conv,
    reference_maxpool_backward,
)
from scratch.conv import Convolution, Pooling
from scratch.gradient import eval_numerical_gradient_array, rel_error
from scratch.util import col2im, im2col
from tests.notebooks.check_output import (
    NOT_IMPLEMENTED,
    expect_verdicts,
    record,
    refuses_a_checks_own_function,
)


def _stub(*args):
    raise NotImplementedError


def _pad(x, pad):
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))


# --- the references, against scratch's layers and numerical gradients ---------------------

def test_references_agree_with_scratch_and_with_numerical_gradients(rng):
    x, W, b = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2)), \
        rng.standard_normal(4)
    np.testing.assert_allclose(reference_conv(x, W, b, 2, 1),
                               Convolution(W, b, 2, 1).forward(x))
    xp, dout = rng.standard_normal((2, 2, 7, 7)), rng.standard_normal((2, 2, 3, 3))
    pool = Pooling(3, 3, stride=2)
    pool.forward(xp)
    np.testing.assert_allclose(reference_maxpool_backward(dout, xp, 3, 3, 2), pool.backward(dout))
    numeric = eval_numerical_gradient_array(lambda: Pooling(3, 3, stride=2).forward(xp), xp, dout)
    assert rel_error(reference_maxpool_backward(dout, xp, 3, 3, 2), numeric) < 1e-7
    col = rng.standard_normal((2 * 4 * 4, 2 * 3 * 2))
    np.testing.assert_allclose(reference_col2im(col, (2, 2, 7, 6), 3, 2, 2, 1),
                               col2im(col, (2, 2, 7, 6), 3, 2, 2, 1))


# --- exercise 1: the convolution with loops ------------------------------------------------

def conv_loops(x, W, b, stride=1, pad=0):
    """The notebook's solution: one loop over the output positions, a sum per filter."""
    n, _, h, w = x.shape
    fn, _, fh, fw = W.shape
    oh, ow = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
    padded = _pad(x, pad)
    out = np.zeros((n, fn, oh, ow))
    for i in range(oh):
        for j in range(ow):
            window = padded[:, :, i * stride:i * stride + fh, j * stride:j * stride + fw]
            for f in range(fn):
                out[:, f, i, j] = np.sum(window * W[f], axis=(1, 2, 3)) + b[f]
    return out


def conv_every_index(x, W, b, stride=1, pad=0):
    """cs231n's style: six nested loops, one multiply-add at a time."""
    n, c, h, w = x.shape
    fn, _, fh, fw = W.shape
    oh, ow = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
    padded = _pad(x, pad)
    out = np.zeros((n, fn, oh, ow))
    for s in range(n):
        for f in range(fn):
            for i in range(oh):
                for j in range(ow):
                    total = b[f]
                    for k in range(c):
                        for di in range(fh):
                            for dj in range(fw):
                                total += W[f, k, di, dj] * padded[s, k, i * stride + di,
                                                                 j * stride + dj]
                    out[s, f, i, j] = total
    return out


def conv_einsum(x, W, b, stride=1, pad=0):
    """numpy's own window view and einsum: allowed, nothing of scratch's."""
    fh, fw = W.shape[2:]
    view = sliding_window_view(_pad(x, pad), (fh, fw), axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("nchwij,fcij->nfhw", view, W) + b[:, None, None]


def test_conv_forward_naive(capsys):
    def flipped(x, W, b, stride=1, pad=0):
        return conv_loops(x, W[:, :, ::-1, ::-1], b, stride, pad)

    def no_bias(x, W, b, stride=1, pad=0):
        return conv_loops(x, W, 0 * b, stride, pad)

    def ignores_pad(x, W, b, stride=1, pad=0):
        return conv_loops(x, W, b, stride, 0)

    def no_stride_in_size(x, W, b, stride=1, pad=0):
        return conv_loops(x, W, b, 1, pad)

    def pads_with_edge(x, W, b, stride=1, pad=0):
        edge = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="edge")
        return conv_loops(edge, W, b, stride, 0)

    def windows_at_y_x(x, W, b, stride=1, pad=0):
        """the right output size, but the window of (y, x) taken at (y, x)"""
        n, _, h, w = x.shape
        fh, fw = W.shape[2:]
        oh, ow = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
        return conv_loops(x, W, b, 1, pad)[:, :, :oh, :ow]

    def with_scratch(x, W, b, stride=1, pad=0):
        return Convolution(W, b, stride, pad).forward(x)

    def with_im2col(x, W, b, stride=1, pad=0):
        n, _, h, w = x.shape
        fn, _, fh, fw = W.shape
        oh, ow = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
        out = im2col(x, fh, fw, stride, pad) @ W.reshape(fn, -1).T + b
        return out.reshape(n, oh, ow, fn).transpose(0, 3, 1, 2)

    def in_place(x, W, b, stride=1, pad=0):
        x *= 1.0000001
        return conv_loops(x, W, b, stride, pad)

    first_answer = conv_loops(*_first_conv_case())

    def hard_coded(x, W, b, stride=1, pad=0):
        return first_answer

    cases = [
        (conv_loops, None),
        (conv_every_index, None),
        (conv_einsum, None),
        (flipped, "the kernel flipped"),
        (no_bias, "add the bias b[f]"),
        (ignores_pad, "out should have shape (2, 2, 4, 4)"),
        (no_stride_in_size, "OH = (H + 2*pad - FH) // stride + 1"),
        (pads_with_edge, "the windows that reach into the padding are wrong"),
        (windows_at_y_x, "starts at row y*stride and column x*stride"),
        (with_scratch, "your code calls scratch.conv, scratch.util", "wrapper"),
        (with_im2col, "write the loops over the output positions yourself"),
        (in_place, "changed one of its arguments in place"),
        (hard_coded, "out should have shape"),
        (lambda *a: 1.01 * conv_loops(*a), "out differs from a convolution computed by hand"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_conv_forward_naive, cases, capsys,
                    "conv_forward_naive: OK (two inputs, with stride and padding)")


def test_conv_forward_naive_refuses_the_notebooks_own_versions(capsys):
    # The notebook has written a convolution already (conv_loops in its section 2); the
    # exercise's check is given it, and a learner's function that calls it is refused.
    def notebook_conv(x, W, b, stride=1, pad=0):
        return conv_every_index(x, W, b, stride, pad)

    def calls_the_notebooks(x, W, b, stride=1, pad=0):
        return notebook_conv(x, W, b, stride, pad)

    def check(solution):
        return check_conv_forward_naive(solution, notebook_versions=[notebook_conv])

    check.__name__ = "check_conv_forward_naive"
    expect_verdicts(check, [(conv_loops, None),
                            (calls_the_notebooks, "the notebook's own versions", "wrapper")],
                    capsys, "conv_forward_naive: OK (two inputs, with stride and padding)")


def _first_conv_case():
    rng = np.random.default_rng(120)
    x, W = rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))
    return x, W, rng.standard_normal(3), 1, 0


# --- exercise 2: max pooling backward -------------------------------------------------------

def pool_loops(dout, x, pool_h, pool_w, stride):
    """The notebook's solution: the first maximum of each window by argmax, and +=."""
    dx = np.zeros(x.shape)
    n, c, oh, ow = dout.shape
    for i in range(oh):
        for j in range(ow):
            window = x[:, :, i * stride:i * stride + pool_h, j * stride:j * stride + pool_w]
            at = window.reshape(n, c, -1).argmax(axis=2)
            rows, cols = i * stride + at // pool_w, j * stride + at % pool_w
            for s in range(n):
                for k in range(c):
                    dx[s, k, rows[s, k], cols[s, k]] += dout[s, k, i, j]
    return dx


def pool_masks(dout, x, pool_h, pool_w, stride):
    """cs231n's style: a mask per window, the first maximum kept with unravel_index."""
    dx = np.zeros_like(x)
    n, c, oh, ow = dout.shape
    for s in range(n):
        for k in range(c):
            for i in range(oh):
                for j in range(ow):
                    window = x[s, k, i * stride:i * stride + pool_h, j * stride:j * stride + pool_w]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dx[s, k, i * stride + a, j * stride + b] += dout[s, k, i, j]
    return dx


def _pool_mistake(spread="argmax", write="add", scale=1.0):
    """A wrong answer, written out independently of the check's reference."""
    def solution(dout, x, pool_h, pool_w, stride):
        dx = np.zeros(x.shape)
        n, c, oh, ow = dout.shape
        for i in range(oh):
            for j in range(ow):
                rows = slice(i * stride, i * stride + pool_h)
                cols = slice(j * stride, j * stride + pool_w)
                window = x[:, :, rows, cols]
                top = window.max(axis=(2, 3), keepdims=True)
                if spread == "all":
                    mask = np.ones(window.shape)
                elif spread == "ties":
                    mask = (window == top).astype(float)
                else:
                    flat = window.reshape(n, c, -1)
                    mask = (np.arange(flat.shape[2]) == flat.argmax(axis=2)[..., None]).reshape(
                        window.shape).astype(float)
                share = scale * mask * dout[:, :, i, j, None, None]
                if write == "window":
                    dx[:, :, rows, cols] = share
                elif write == "point":
                    dx[:, :, rows, cols] = np.where(mask > 0, share, dx[:, :, rows, cols])
                else:
                    dx[:, :, rows, cols] += share
        return dx
    return solution


def test_maxpool_backward(capsys):
    def with_scratch(dout, x, pool_h, pool_w, stride):
        layer = Pooling(pool_h, pool_w, stride)
        layer.forward(x)
        return layer.backward(dout)

    def with_col2im(dout, x, pool_h, pool_w, stride):
        n, c, h, w = x.shape
        cols = im2col(x.reshape(n * c, 1, h, w), pool_h, pool_w, stride)
        dcol = np.zeros(cols.shape)
        dcol[np.arange(len(cols)), cols.argmax(axis=1)] = dout.ravel()
        return col2im(dcol, (n * c, 1, h, w), pool_h, pool_w, stride).reshape(x.shape)

    def pooled_shape(dout, x, pool_h, pool_w, stride):
        return pool_loops(dout, x, pool_h, pool_w, stride)[:, :, ::stride, ::stride]

    def in_place(dout, x, pool_h, pool_w, stride):
        dout *= 1.0
        x += 0.0
        x[0, 0, 0, 0] += 1e-3
        return pool_loops(dout, x, pool_h, pool_w, stride)

    cases = [
        (pool_loops, None),
        (pool_masks, None),
        (_pool_mistake(), None),
        (_pool_mistake("all"), "the gradient went to every pixel of the window"),
        (_pool_mistake("all", scale=0.25), "that is average pooling's backward"),
        (_pool_mistake(write="window"), "add (+=), do not overwrite"),
        (_pool_mistake(write="point"), "add (+=), do not overwrite"),
        (_pool_mistake("ties"), "on a tie the whole dout goes to the first maximum"),
        (_pool_mistake(scale=2.0), "dx differs from the gradient routed by hand"),
        (pooled_shape, "dx should have x's shape (2, 2, 4, 6), got (2, 2, 2, 3)"),
        (with_scratch, "your code calls scratch.conv, scratch.util", "wrapper"),
        (with_col2im, "route the gradient yourself"),
        (in_place, "changed one of its arguments in place"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_maxpool_backward, cases, capsys,
                    "maxpool_backward: OK (two inputs, overlapping windows and ties)")


def test_the_pooling_cases_have_overlaps_and_ties_that_the_mistakes_need():
    # the hints for overwriting and for ties can only be given if the check's inputs have
    # pixels that are the maximum of two windows, and windows with two maxima
    x = np.random.default_rng(0).integers(0, 3, (2, 2, 5, 5)).astype(float)
    dout = np.ones((2, 2, 4, 4))
    assert not np.allclose(_pool_mistake("ties")(dout, x, 2, 2, 1), pool_loops(dout, x, 2, 2, 1))
    assert not np.allclose(_pool_mistake(write="point")(dout, x, 2, 2, 1),
                           pool_loops(dout, x, 2, 2, 1))


# --- exercise 3: col2im ----------------------------------------------------------------------

def col2im_loops(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """The notebook's solution: a loop over the windows, +=, then the padding cropped."""
    n, c, h, w = input_shape
    oh, ow = (h + 2 * pad - filter_h) // stride + 1, (w + 2 * pad - filter_w) // stride + 1
    img = np.zeros((n, c, h + 2 * pad, w + 2 * pad))
    windows = col.reshape(n, oh, ow, c, filter_h, filter_w)
    for i in range(oh):
        for j in range(ow):
            img[:, :, i * stride:i * stride + filter_h,
                j * stride:j * stride + filter_w] += windows[:, i, j]
    return img[:, :, pad:pad + h, pad:pad + w]


def col2im_offsets(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """The book's style: a loop over the offsets inside the window, strided slices +=."""
    n, c, h, w = input_shape
    oh, ow = (h + 2 * pad - filter_h) // stride + 1, (w + 2 * pad - filter_w) // stride + 1
    patches = col.reshape(n, oh, ow, c, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((n, c, h + 2 * pad + stride - 1, w + 2 * pad + stride - 1))
    for y in range(filter_h):
        for x in range(filter_w):
            img[:, :, y:y + stride * oh:stride, x:x + stride * ow:stride] += patches[:, :, y, x]
    return img[:, :, pad:pad + h, pad:pad + w]


def col2im_adjoint(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """By np.add.at on the pixel indices of every column entry: a third way."""
    n, c, h, w = input_shape
    oh, ow = (h + 2 * pad - filter_h) // stride + 1, (w + 2 * pad - filter_w) // stride + 1
    img = np.zeros((n, c, h + 2 * pad, w + 2 * pad))
    s, y, x, k, i, j = np.indices((n, oh, ow, c, filter_h, filter_w))
    np.add.at(img, (s, k, y * stride + i, x * stride + j), col.reshape(s.shape))
    return img[:, :, pad:pad + h, pad:pad + w]


def test_col2im(capsys):
    def overwrites(col, input_shape, filter_h, filter_w, stride=1, pad=0):
        n, c, h, w = input_shape
        oh, ow = (h + 2 * pad - filter_h) // stride + 1, (w + 2 * pad - filter_w) // stride + 1
        img = np.zeros((n, c, h + 2 * pad, w + 2 * pad))
        windows = col.reshape(n, oh, ow, c, filter_h, filter_w)
        for i in range(oh):
            for j in range(ow):
                img[:, :, i * stride:i * stride + filter_h,
                    j * stride:j * stride + filter_w] = windows[:, i, j]
        return img[:, :, pad:pad + h, pad:pad + w]

    def averages(col, input_shape, filter_h, filter_w, stride=1, pad=0):
        counts = col2im_loops(np.ones(col.shape), input_shape, filter_h, filter_w, stride, pad)
        return col2im_loops(col, input_shape, filter_h, filter_w, stride, pad) / counts

    def keeps_padding(col, input_shape, filter_h, filter_w, stride=1, pad=0):
        n, c, h, w = input_shape
        full = col2im_loops(col, (n, c, h + 2 * pad, w + 2 * pad), filter_h, filter_w, stride, 0)
        return full if pad else col2im_loops(col, input_shape, filter_h, filter_w, stride, pad)

    def with_scratch(col, input_shape, filter_h, filter_w, stride=1, pad=0):
        return col2im(col, input_shape, filter_h, filter_w, stride, pad)

    def with_conv_backward(col, input_shape, filter_h, filter_w, stride=1, pad=0):
        layer = Convolution(np.ones((1, input_shape[1], filter_h, filter_w)), np.zeros(1),
                            stride, pad)
        layer.forward(np.zeros(input_shape))
        return layer.backward(np.zeros(layer.out_shape))

    def transposed_windows(col, input_shape, filter_h, filter_w, stride=1, pad=0):
        """reads each row as (FH, FW, C) instead of (C, FH, FW)"""
        n, c = input_shape[:2]
        swapped = col.reshape(len(col), c, filter_h, filter_w).transpose(0, 2, 3, 1)
        return col2im_loops(swapped.reshape(col.shape), input_shape, filter_h, filter_w, stride,
                            pad)

    def in_place(col, input_shape, filter_h, filter_w, stride=1, pad=0):
        col[0, 0] += 1.0
        return col2im_loops(col, input_shape, filter_h, filter_w, stride, pad)

    cases = [
        (col2im_loops, None),
        (col2im_offsets, None),
        (col2im_adjoint, None),
        (overwrites, "a pixel inside several windows must get the sum of their values"),
        (averages, "that is the mean of the windows' values"),
        (keeps_padding, "return the image without its padding, shape (1, 2, 7, 6)"),
        (lambda col, shape, *a: col2im_loops(col, shape, *a)[:, :, 1:],
         "the image should have shape (2, 1, 4, 4), got (2, 1, 3, 4)"),
        (transposed_windows, "the image differs from the columns added back by hand"),
        (with_scratch, "your code calls scratch.conv, scratch.util", "wrapper"),
        (with_conv_backward, "add the columns back yourself"),
        (in_place, "changed one of its arguments in place"),
        (_stub, NOT_IMPLEMENTED),
    ]
    expect_verdicts(check_col2im, cases, capsys,
                    "col2im: OK (two inputs, overlapping windows, stride and padding)")


def test_a_hard_coded_col2im_fails_on_the_second_input(capsys):
    rng = np.random.default_rng(122)
    col = rng.standard_normal((2 * 2 * 2, 9))
    first = col2im_loops(col, (2, 1, 4, 4), 3, 3)

    def hard_coded(col, input_shape, filter_h, filter_w, stride=1, pad=0):
        return first if input_shape == (2, 1, 4, 4) else np.zeros(input_shape)

    record(check_col2im, "hard-coded")
    assert not check_col2im(hard_coded)
    assert "the image differs from the columns added back by hand (3 x 2 windows, stride 2, " \
           "pad 1)" in capsys.readouterr().out


@refuses_a_checks_own_function
def test_each_check_refuses_its_own_reference(capsys):
    def conv_by_reference(x, W, b, stride=1, pad=0):
        return reference_conv(x, W, b, stride, pad)

    def pool_by_reference(dout, x, pool_h, pool_w, stride):
        return reference_maxpool_backward(dout, x, pool_h, pool_w, stride)

    def col2im_by_reference(col, input_shape, filter_h, filter_w, stride=1, pad=0):
        return reference_col2im(col, input_shape, filter_h, filter_w, stride, pad)

    for check, solution in ((check_conv_forward_naive, conv_by_reference),
                            (check_maxpool_backward, pool_by_reference),
                            (check_col2im, col2im_by_reference)):
        record(check, "saved reference")
        assert not check(solution)
        assert "or this check's reference" in capsys.readouterr().out
