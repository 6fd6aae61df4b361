"""Convolution, Pooling, im2col and col2im against naive loops written here, and against
numerical gradients (float64); dtypes, untouched inputs, max-pool ties and error messages."""

import re

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scratch import conv, util
from scratch.gradient import check_layer
from scratch.layers import Convolution, Pooling
from scratch.util import col2im, conv_output_size, im2col

TOL = 1e-7


# ---- naive versions: one Python loop iteration per output value, straight from the formulas

def padded(x, pad, value=0.0):
    n, c, h, w = x.shape
    out = np.full((n, c, h + 2 * pad, w + 2 * pad), value)
    out[:, :, pad:pad + h, pad:pad + w] = x
    return out


def naive_im2col(x, fh, fw, stride, pad):
    """One row per (sample, output row, output column): the window, channel by channel."""
    xp = padded(x, pad)
    n = x.shape[0]
    oh, ow = (xp.shape[2] - fh) // stride + 1, (xp.shape[3] - fw) // stride + 1
    rows = []
    for i in range(n):
        for y in range(oh):
            for x_ in range(ow):
                rows.append(xp[i, :, y * stride:y * stride + fh, x_ * stride:x_ * stride + fw]
                            .ravel())
    return np.array(rows)


def naive_col2im(col, shape, fh, fw, stride, pad):
    n, c, h, w = shape
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad))
    oh, ow = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
    r = 0
    for i in range(n):
        for y in range(oh):
            for x_ in range(ow):
                xp[i, :, y * stride:y * stride + fh, x_ * stride:x_ * stride + fw] += \
                    col[r].reshape(c, fh, fw)
                r += 1
    return xp[:, :, pad:pad + h, pad:pad + w]


def naive_conv(x, W, b, stride, pad, dout):
    """out, and dx, dW, db for the upstream gradient dout, by loops over every output."""
    xp = padded(x, pad)
    fn, _, fh, fw = W.shape
    n = x.shape[0]
    oh, ow = (xp.shape[2] - fh) // stride + 1, (xp.shape[3] - fw) // stride + 1
    out = np.zeros((n, fn, oh, ow))
    dxp, dW, db = np.zeros_like(xp), np.zeros_like(W), np.zeros_like(b)
    for i in range(n):
        for f in range(fn):
            for y in range(oh):
                for x_ in range(ow):
                    window = (i, slice(None), slice(y * stride, y * stride + fh),
                              slice(x_ * stride, x_ * stride + fw))
                    out[i, f, y, x_] = np.sum(xp[window] * W[f]) + b[f]
                    g = dout[i, f, y, x_]
                    dxp[window] += g * W[f]
                    dW[f] += g * xp[window]
                    db[f] += g
    return out, dxp[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]], dW, db


def naive_pool(x, ph, pw, stride, pad, dout):
    """Max pooling: out, and dx with each window's dout at its first maximum (row by row)."""
    xp = padded(x, pad, -np.inf)
    n, c = x.shape[:2]
    oh, ow = (xp.shape[2] - ph) // stride + 1, (xp.shape[3] - pw) // stride + 1
    out, dxp = np.zeros((n, c, oh, ow)), np.zeros_like(xp)
    for i in range(n):
        for ch in range(c):
            for y in range(oh):
                for x_ in range(ow):
                    window = xp[i, ch, y * stride:y * stride + ph, x_ * stride:x_ * stride + pw]
                    k = int(np.argmax(window))  # the first maximum, row by row
                    out[i, ch, y, x_] = window.flat[k]
                    dxp[i, ch, y * stride + k // pw, x_ * stride + k % pw] += dout[i, ch, y, x_]
    return out, dxp[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]]


@st.composite
def geometries(draw, max_window=3):
    """(N, C, H, W), (FH, FW), stride, pad with whole output sizes, small enough for loops."""
    fh, fw = draw(st.integers(1, max_window)), draw(st.integers(1, max_window))
    stride, pad = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    oh, ow = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = (oh - 1) * stride + fh - 2 * pad, (ow - 1) * stride + fw - 2 * pad
    assume(h >= 1 and w >= 1)
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    return (n, c, h, w), (fh, fw), stride, pad


@given(geometries(), st.integers(0, 2**32 - 1))
def test_im2col_and_col2im_are_the_books_arrays_and_adjoint(geometry, seed):
    shape, (fh, fw), stride, pad = geometry
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    col = im2col(x, fh, fw, stride, pad)
    np.testing.assert_array_equal(col, naive_im2col(x, fh, fw, stride, pad))
    c = rng.standard_normal(col.shape)
    back = col2im(c, shape, fh, fw, stride, pad)
    np.testing.assert_allclose(back, naive_col2im(c, shape, fh, fw, stride, pad), rtol=1e-12,
                               atol=1e-12)
    # adjoint: <im2col(x), c> == <x, col2im(c)>, the reason col2im is im2col's backward
    assert np.vdot(col, c) == pytest.approx(np.vdot(x, back), rel=1e-10, abs=1e-10)


@given(geometries(), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_convolution_matches_naive_loops_and_numerical_gradients(geometry, fn, seed):
    shape, (fh, fw), stride, pad = geometry
    rng = np.random.default_rng(seed)
    x, b = rng.standard_normal(shape), rng.standard_normal(fn)
    W = rng.standard_normal((fn, shape[1], fh, fw))
    layer = Convolution(W, b, stride, pad)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    want_out, want_dx, want_dW, want_db = naive_conv(x, W, b, stride, pad, dout)
    for got, want in ((out, want_out), (dx, want_dx), (layer.dW, want_dW), (layer.db, want_db)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    errors = check_layer(layer, x, rng=seed)
    assert set(errors) == {"x", "W", "b"} and max(errors.values()) < TOL, errors


@given(geometries(), st.integers(0, 2**32 - 1))
def test_pooling_matches_naive_loops_and_numerical_gradients(geometry, seed):
    shape, (ph, pw), stride, pad = geometry
    assume(pad < min(ph, pw))  # a window of padding alone has no maximum
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    layer = Pooling(ph, pw, stride, pad)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    want_out, want_dx = naive_pool(x, ph, pw, stride, pad, dout)
    np.testing.assert_array_equal(out, want_out)
    np.testing.assert_allclose(layer.backward(dout), want_dx, rtol=1e-12, atol=1e-12)
    # Centred differences cross a tie when two values of a window are within h: keep them apart.
    values = np.sort(x.ravel())
    assume(len(values) < 2 or np.min(np.diff(values)) > 1e-3)
    assert check_layer(layer, x, rng=seed)["x"] < TOL


def test_max_pool_ties_send_the_gradient_to_the_first_maximum():
    # The book's rule (np.argmax's, and PyTorch's): on a tie, the first maximum of the window,
    # row by row, gets all of the window's gradient; the others get 0.
    x = np.array([[[[1.0, 5.0, 2.0, 2.0],
                    [5.0, 5.0, 2.0, 2.0],
                    [0.0, 0.0, 3.0, 1.0],
                    [0.0, 0.0, 1.0, 3.0]]]])
    layer = Pooling(2, 2, stride=2)
    np.testing.assert_array_equal(layer.forward(x), [[[[5.0, 2.0], [0.0, 3.0]]]])
    dx = layer.backward(np.array([[[[10.0, 20.0], [30.0, 40.0]]]]))
    np.testing.assert_array_equal(dx, [[[[0.0, 10.0, 20.0, 0.0],
                                         [0.0, 0.0, 0.0, 0.0],
                                         [30.0, 0.0, 40.0, 0.0],
                                         [0.0, 0.0, 0.0, 0.0]]]])
    # overlapping windows (stride 1): a pixel that is the first maximum of two windows gets both
    layer = Pooling(2, 2, stride=1)
    y = np.array([[[[1.0, 1.0, 1.0]]]]).repeat(2, axis=2)
    layer.forward(y)
    np.testing.assert_array_equal(layer.backward(np.array([[[[1.0, 2.0]]]])),
                                  [[[[1.0, 2.0, 0.0], [0.0, 0.0, 0.0]]]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtypes_are_kept(dtype, rng):
    x = rng.standard_normal((2, 3, 6, 6)).astype(dtype)
    W, b = rng.standard_normal((4, 3, 3, 3)).astype(dtype), np.zeros(4, dtype=dtype)
    col = im2col(x, 3, 3, 1, 1)
    assert col.dtype == dtype and col2im(col, x.shape, 3, 3, 1, 1).dtype == dtype
    for layer in (Convolution(W, b, stride=1, pad=1), Pooling(2, 2, stride=2)):
        out = layer.forward(x)
        assert out.dtype == dtype
        assert layer.backward(np.ones_like(out)).dtype == dtype
        assert all(g.dtype == dtype for g in layer.grads.values())


def test_inputs_are_not_modified(rng):
    x, W, b = rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3)), np.ones(3)
    saved = [a.copy() for a in (x, W, b)]
    for layer in (Convolution(W, b, stride=2, pad=1), Pooling(3, 3, stride=2, pad=1)):
        out = layer.forward(x)
        dout = rng.standard_normal(out.shape)
        dout0 = dout.copy()
        layer.backward(dout)
        np.testing.assert_array_equal(dout, dout0)
    col = im2col(x, 2, 2, 1, 0)
    col0 = col.copy()
    col2im(col, x.shape, 2, 2, 1, 0)
    np.testing.assert_array_equal(col, col0)
    for a, a0 in zip((x, W, b), saved):
        np.testing.assert_array_equal(a, a0)


def test_params_grads_exports_and_input_grad(rng):
    assert Convolution is conv.Convolution and Pooling is conv.Pooling
    import scratch.layers

    assert not hasattr(scratch.layers, "Convolutoin")  # other names are still missing
    W, b = rng.standard_normal((2, 1, 3, 3)), np.zeros(2)
    layer = Convolution(W, b, name="Conv1")
    x = rng.standard_normal((2, 1, 5, 5))
    dout = rng.standard_normal(layer.forward(x).shape)
    dx = layer.backward(dout)
    assert set(layer.params) == set(layer.grads) == {"W", "b"}
    assert layer.params["W"] is W and layer.grads["W"] is layer.dW
    first = Convolution(W, b, input_grad=False)
    first.forward(x)
    assert first.backward(dout) is None and dx.shape == x.shape
    np.testing.assert_array_equal(first.dW, layer.dW)
    assert Pooling(2, 2).params == {} and Pooling(2, 2).grads == {}


@pytest.mark.parametrize("call,match", [
    (lambda: Convolution(np.ones((2, 3, 3, 3)), np.zeros(2), name="Conv1").forward(
        np.ones((1, 1, 5, 5))), r"Conv1\.forward: x has 1 channels \(shape \(1, 1, 5, 5\)\) but W "
                               r"expects 3 \(W is \(2, 3, 3, 3\)\)"),
    (lambda: Convolution(np.ones((2, 1, 5, 5)), np.zeros(2)).forward(np.ones((1, 1, 3, 3))),
     r"Convolution\.forward: the input is too small: H \+ 2\*pad = 3 is less than the window's "
     r"FH = 5"),
    (lambda: Convolution(np.ones((2, 1, 3, 3)), np.zeros(2), stride=2).forward(
        np.ones((1, 1, 6, 7))),
     r"Convolution\.forward: \(H \+ 2\*pad - FH\) / stride \+ 1 = \(6 \+ 2\*0 - 3\) / 2 \+ 1 is "
     r"not a whole number"),
    (lambda: Convolution(np.ones((2, 1, 3, 3)), np.zeros(2), pad=1, stride=2).forward(
        np.ones((1, 1, 7, 6))),
     r"\(W \+ 2\*pad - FW\) / stride \+ 1 = \(6 \+ 2\*1 - 3\) / 2 \+ 1 is not a whole number"),
    (lambda: Convolution(np.ones((2, 1, 3, 3)), np.zeros(2)).forward(np.ones((1, 5, 5))),
     r"Convolution\.forward: x must have shape \(N, C, H, W\), got shape \(1, 5, 5\)"),
    (lambda: Convolution(np.ones((2, 3, 3)), np.zeros(2)).forward(np.ones((1, 1, 5, 5))),
     r"W must be \(FN, C, FH, FW\) and b \(FN,\), got W \(2, 3, 3\) and b \(2,\)"),
    (lambda: Convolution(np.ones((2, 1, 3, 3)), np.zeros(3)).forward(np.ones((1, 1, 5, 5))),
     r"got W \(2, 1, 3, 3\) and b \(3,\)"),
    (lambda: Convolution(np.ones((2, 1, 3, 3)), np.zeros(2), stride=0).forward(
        np.ones((1, 1, 5, 5))), r"stride must be a positive integer, got 0"),
    (lambda: Convolution(np.ones((2, 1, 3, 3)), np.zeros(2), pad=1.5).forward(
        np.ones((1, 1, 5, 5))), r"pad must be an integer >= 0, got 1\.5"),
    (lambda: Pooling(2, 2, stride=2, name="Pool1").forward(np.ones((1, 1, 5, 4))),
     r"Pool1\.forward: \(H \+ 2\*pad - FH\) / stride \+ 1 = \(5 \+ 2\*0 - 2\) / 2 \+ 1 is not a "
     r"whole number"),
    (lambda: Pooling(2, 2, pad=2).forward(np.ones((1, 1, 4, 4))),
     r"Pooling\.forward: pad must be less than the window \(2 x 2\), got 2"),
    (lambda: Pooling(2, 2).forward(np.ones((4, 4))), r"x must have shape \(N, C, H, W\)"),
    (lambda: im2col(np.ones((2, 3, 3)), 2, 2),
     r"im2col: input_data must have shape \(N, C, H, W\)"),
    (lambda: col2im(np.ones((4, 3)), (1, 1, 3, 3), 2, 2),
     r"col2im: col must have shape \(4, 4\) for input_shape \(1, 1, 3, 3\), got \(4, 3\)"),
    (lambda: conv_output_size(28, 5, stride=2),
     r"conv_output_size: \(input_size \+ 2\*pad - filter_size\) / stride \+ 1 = \(28 \+ 2\*0 - 5\) "
     r"/ 2 \+ 1 is not a whole number"),
])
def test_errors_name_the_layer_and_the_numbers(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("make", [
    lambda: Convolution(np.ones((2, 1, 3, 3)), np.zeros(2)),
    lambda: Pooling(2, 2, stride=2),
])
def test_nan_inf_dout_and_order_errors(make):
    layer, x = make(), np.ones((1, 1, 4, 4))
    name = type(layer).__name__
    with pytest.raises(RuntimeError, match=rf"{name}\.backward called before forward"):
        layer.backward(np.ones((1, 2, 2, 2)))
    bad = x.copy()
    bad[0, 0, 1, 2] = np.nan
    with pytest.raises(ValueError, match=rf"{name}\.forward: x must be finite.*\(0, 0, 1, 2\)"):
        layer.forward(bad)
    with pytest.raises(ValueError, match=rf"{name}\.forward: x must be finite"):
        layer.forward(np.where(bad == 1, np.inf, 1.0))
    with pytest.raises(TypeError, match=rf"{name}\.forward: x must be a real numeric"):
        layer.forward(np.ones((1, 1, 4, 4), dtype=complex))
    shape = layer.forward(x).shape
    with pytest.raises(ValueError, match=rf"{name}\.backward: dout must have the shape of "
                                         rf"forward's output {re.escape(str(shape))}"):
        layer.backward(np.ones((1, 2, 3, 3)))
    with pytest.raises(ValueError, match=rf"{name}\.backward: dout must be finite"):
        layer.backward(np.full(shape, np.nan))


def test_convolution_rejects_nan_in_its_parameters():
    W = np.ones((2, 1, 3, 3))
    W[1, 0, 2, 2] = np.inf
    with pytest.raises(ValueError, match=r"Convolution\.forward: W must be finite.*\(1, 0, 2, 2\)"):
        Convolution(W, np.zeros(2)).forward(np.ones((1, 1, 4, 4)))
    with pytest.raises(ValueError, match=r"Convolution\.forward: b must be finite"):
        Convolution(np.ones((2, 1, 3, 3)), np.array([0.0, np.nan])).forward(np.ones((1, 1, 4, 4)))


def test_conv_output_size_is_the_books_formula_as_an_int():
    assert conv_output_size(28, 5) == 24 and conv_output_size(28, 5, stride=1, pad=2) == 28
    assert conv_output_size(7, 3, 2, 1) == 4 and isinstance(conv_output_size(7, 3, 2, 1), int)


def test_shuffle_dataset_keeps_pairs_and_takes_the_books_arguments(rng):
    x, t = np.arange(20).reshape(10, 2), np.arange(10)
    xs, ts = util.shuffle_dataset(x, t)  # the book's call: fresh random order
    np.testing.assert_array_equal(xs[:, 0] // 2, ts)
    assert sorted(ts) == list(range(10))
    a, b = util.shuffle_dataset(x, t, rng=3), util.shuffle_dataset(x, t, rng=3)
    np.testing.assert_array_equal(a[1], b[1])
    images = np.arange(10 * 4).reshape(10, 1, 2, 2)  # 4-D images too, one-hot labels
    xi, ti = util.shuffle_dataset(images, np.eye(10)[t], rng=rng)
    np.testing.assert_array_equal(xi[:, 0, 0, 0] // 4, ti.argmax(axis=1))
    np.testing.assert_array_equal(x, np.arange(20).reshape(10, 2))  # not modified
    with pytest.raises(ValueError, match="shuffle_dataset: x has 10 samples but t has 9"):
        util.shuffle_dataset(x, t[:9])


def test_smooth_curve(rng):
    np.testing.assert_allclose(util.smooth_curve(np.full(30, 2.5)), 2.5)
    x = rng.standard_normal(50)
    y = util.smooth_curve(x)
    assert y.shape == x.shape
    w = np.kaiser(11, 2)
    w /= w.sum()
    # away from the ends each point is the Kaiser-weighted mean of its 11 neighbours
    np.testing.assert_allclose(y[5:-5], [np.dot(w, x[i - 5:i + 6]) for i in range(5, 45)])
    assert np.std(y) < np.std(x)
    with pytest.raises(ValueError, match="at least 11 points"):
        util.smooth_curve(np.ones(10))


def test_convolution_names_an_overflow():
    layer = Convolution(np.full((1, 1, 2, 2), 1e38, dtype=np.float32), np.zeros(1, np.float32))
    with pytest.raises(ValueError, match=r"Convolution\.forward: the output overflowed to inf"):
        layer.forward(np.full((1, 1, 3, 3), 1e38, dtype=np.float32))
