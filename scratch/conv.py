"""Convolution and max pooling layers, as in the book's chapter 7 (sections 7.2 to 7.4).

Both follow the conventions of `scratch.layers` (where they are exported too): `forward(x)`,
`backward(dout)` -> dx, parameters as attributes with `params`/`grads`, no input modified, the
checks as one call into `scratch.validation`.
Shapes: x: (N, C, H, W) (N batch, C channels, H x W pixels); a window (a filter, or a pooling
window) is FH x FW and moves by `stride` over x padded with `pad` pixels on every side;
out_h = (H + 2*pad - FH) / stride + 1 and out_w = (W + 2*pad - FW) / stride + 1, which must be
whole numbers (the book silently rounds down, dropping the last rows and columns).
"""

import numpy as np

from scratch.layers import Layer
from scratch.util import sum_windows, windows
from scratch.validation import (
    check_conv,
    check_dout,
    check_finite_output,
    check_pooling,
    reported_below,
)


class Convolution(Layer):
    """out = every filter slid over x, plus its bias: a weighted sum over each window.

    x: (N, C, H, W); W: (FN, C, FH, FW) (FN filters); b: (FN,), or a number added to every
    filter's output (the book's ch07/apply_filter.py passes 0); out: (N, FN, out_h, out_w).
    out[n, f, y, x] = sum over c, i, j of W[f, c, i, j] * xpad[n, c, y*stride + i, x*stride + j]
    + b[f]. With col, every window as a column (im2col), this is one matrix product per
    sample: out[n] = W_row @ col[n] + b, where W_row = W.reshape(FN, C*FH*FW).
    Backward, as for Affine: dW = sum over n of dout[n] @ col[n]^T, db = dout summed over all
    axes but the filters', dx = W_row^T @ dout[n], each column added back to the pixels of its
    window (col2im; a pixel in several windows gets the sum).
    input_grad=False skips dx (backward returns None), for a network's first layer.
    """

    param_names = ("W", "b")

    def __init__(self, W, b, stride=1, pad=0, name=None, input_grad=True):
        super().__init__(name)
        self.W, self.b, self.stride, self.pad = W, b, stride, pad
        self.input_grad = input_grad
        self.col = self.x_shape = self.out_shape = None
        self.dW = self.db = None

    def forward(self, x):
        """x: (N, C, H, W) -> out: (N, FN, out_h, out_w)."""
        x, (out_h, out_w) = check_conv(x, self.W, self.b, self.stride, self.pad,
                                       f"{self.name}.forward")
        (n, c, _, _), (fn, _, fh, fw) = x.shape, self.W.shape
        self.x_shape, self.out_shape = x.shape, (n, fn, out_h, out_w)
        # col: (N, C*FH*FW, out_h*out_w), column p of sample n the window of output pixel p.
        # (The book's im2col stores the transpose, one window per row: its product comes out
        # as (N*out_h*out_w, FN) and needs a transpose to (N, FN, ...) in forward and another
        # in backward. With windows as columns, W_row @ col is already in the output's order.)
        self.col = windows(x, fh, fw, self.stride, self.pad).reshape(n, c * fh * fw, -1)
        bias = np.reshape(self.b, (-1, 1))  # a column: b[f] is added along row f
        with reported_below():  # NaN/inf are named by the check below, on every BLAS kernel
            out = self.W.reshape(fn, -1) @ self.col + bias  # (N, FN, out_h*out_w)
        out = check_finite_output(out, f"{self.name}.forward", x=x, W=self.W, b=self.b)
        return out.reshape(self.out_shape)

    def backward(self, dout):
        """dout: (N, FN, out_h, out_w) -> dx: x's shape (None without input_grad); sets
        dW: W's shape, db: (FN,)."""
        dout = check_dout(dout, self.col, f"{self.name}.backward", self.out_shape)
        n, fn, out_h, out_w = self.out_shape
        dout = dout.reshape(n, fn, out_h * out_w)
        # b[f] was added at every pixel of every sample (a single number b everywhere)
        self.db = dout.sum(axis=(0, 2)) if np.ndim(self.b) else dout.sum()
        # dout[n] @ col[n]^T for every sample at once (matmul reads the transposed view
        # without copying it), then summed over the batch
        self.dW = (dout @ self.col.transpose(0, 2, 1)).sum(axis=0).reshape(self.W.shape)
        if not self.input_grad:
            return None
        dcol = self.W.reshape(fn, -1).T @ dout  # (N, C*FH*FW, out_h*out_w)
        _, c, fh, fw = self.W.shape
        return sum_windows(dcol.reshape(n, c, fh, fw, out_h, out_w), self.x_shape,
                           self.stride, self.pad)


class Pooling(Layer):
    """Max pooling: out = the largest value of each pool_h x pool_w window, channel by channel.

    x: (N, C, H, W) -> out: (N, C, out_h, out_w); no parameters.
    Backward: the maximum passes its input through unchanged (slope 1) and ignores the others
    (slope 0), so each window's dout goes to the position of its maximum and the rest of the
    window gets 0. On a tie, the first maximum in the window (row by row) gets all of it: the
    book's rule (np.argmax's) and PyTorch's. Where windows overlap (stride < pool size), a pixel
    that is the maximum of several windows gets the sum of their douts.
    Padding counts as -inf, so it never is the maximum (PyTorch's rule; the book pads with 0,
    and its Pooling breaks with pad > 0); pad must be less than the window.
    """

    def __init__(self, pool_h, pool_w, stride=1, pad=0, name=None):
        super().__init__(name)
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad
        self.arg_max = self.x_shape = None

    def forward(self, x):
        """x: (N, C, H, W) -> out: (N, C, out_h, out_w)."""
        x, _ = check_pooling(x, self.pool_h, self.pool_w, self.stride, self.pad,
                             f"{self.name}.forward")
        self.x_shape = x.shape
        ph, pw = self.pool_h, self.pool_w
        patches = windows(x, ph, pw, self.stride, self.pad, -np.inf)  # (N, C, ph, pw, ...)
        offsets = [patches[:, :, i, j] for i in range(ph) for j in range(pw)]  # k = i*pw + j
        out = offsets[0]
        for window_k in offsets[1:]:  # one whole-array maximum per offset in the window
            out = np.maximum(out, window_k)
        # arg_max: the first offset k holding the maximum, counted as the number of offsets
        # before it. Comparisons and sums only: np.argmax is several times slower along an
        # axis as short as 4, and so are masked writes on a random mask (see Relu). int8 (or
        # larger for a window of over 127 pixels), since there is less memory to write.
        self.arg_max = np.zeros(out.shape, dtype=np.min_scalar_type(-ph * pw))
        found = np.zeros(out.shape, dtype=bool)
        for window_k in offsets[:-1]:
            found |= window_k == out  # so on a tie the earlier offset keeps the maximum
            self.arg_max += ~found
        return out

    def backward(self, dout):
        """dout: (N, C, out_h, out_w) -> dx: x's shape."""
        dout = check_dout(dout, self.arg_max, f"{self.name}.backward")
        n, c, out_h, out_w = dout.shape
        ph, pw = self.pool_h, self.pool_w
        # dpatches[n, c, k, y, x] = dout[n, c, y, x] at offset k = arg_max, 0 at the others
        k = np.arange(ph * pw, dtype=self.arg_max.dtype).reshape(-1, 1, 1)
        is_max = self.arg_max[:, :, np.newaxis] == k
        dpatches = (is_max * dout[:, :, np.newaxis]).reshape(n, c, ph, pw, out_h, out_w)
        return sum_windows(dpatches, self.x_shape, self.stride, self.pad)
