"""Helpers of the book's `common/util.py`: im2col and col2im for convolutions, the output-size
formula, shuffling a data set and smoothing a loss curve.

Shapes: x: (N, C, H, W) images (N batch, C channels, H rows, W columns); a filter or pooling
window is FH x FW, moved by `stride` over the image padded with `pad` zeros on every side;
out_h = (H + 2*pad - FH) / stride + 1 and out_w likewise.

The windows are cut out without a Python loop over the out_h * out_w output positions:
`numpy.lib.stride_tricks.sliding_window_view` shows every window of the image as a view (no
copy), and only the final reshape copies. Summing windows back (col2im) loops over the FH * FW
offsets inside a window instead, each a single vectorised `+=` on a strided slice: the same
idea as the book's loop, and far fewer iterations than output positions.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from scratch.validation import check_window_sizes


def conv_output_size(input_size, filter_size, stride=1, pad=0):
    """(input_size + 2*pad - filter_size) / stride + 1, as an int.

    Raises ValueError when the filter does not fit a whole number of times (the book returns a
    float such as 12.5 here, and its layers then silently drop the last row or column).
    """
    return check_window_sizes((input_size,), (filter_size,), stride, pad, "conv_output_size")[0]


def windows(x, filter_h, filter_w, stride=1, pad=0, pad_value=0.0):
    """Every filter_h x filter_w window of x, as a view: (N, C, FH, FW, out_h, out_w).

    windows(x)[n, c, i, j, y, x] is the padded image's pixel (y*stride + i, x*stride + j) of
    channel c of sample n: the pixel at offset (i, j) inside the window of output (y, x).
    pad_value fills the padding (0 for a convolution; max pooling pads with -inf).
    Only the padding is a copy; the result is read-only, so copy before writing into it.
    """
    x = np.asarray(x)
    out_h, out_w = check_window_sizes(x.shape[2:], (filter_h, filter_w), stride, pad, "windows")
    if pad:
        x = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], constant_values=pad_value)
    view = sliding_window_view(x, (filter_h, filter_w), axis=(2, 3))  # (N, C, H', W', FH, FW)
    view = view[:, :, ::stride, ::stride][:, :, :out_h, :out_w]  # every stride-th window
    return view.transpose(0, 1, 4, 5, 2, 3)


def sum_windows(patches, input_shape, stride=1, pad=0):
    """The adjoint of `windows`: add every window's values back where they came from.

    patches: (N, C, FH, FW, out_h, out_w), e.g. the gradient with respect to each window;
    input_shape: (N, C, H, W) -> (N, C, H, W), where a pixel inside several windows receives
    the sum of their values, and the padding's share is dropped.
    """
    n, c, fh, fw, out_h, out_w = patches.shape
    _, _, h, w = input_shape
    img = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=patches.dtype)
    # Windows overlap only when the stride is smaller than the window. When they do not (2 x 2
    # pooling with stride 2), every pixel gets at most one value and `=` does: it is over
    # twice as fast as `+=` on these strided slices, which reads every pixel before writing.
    overlap = stride < fh or stride < fw
    for i in range(fh):  # one vectorised write per offset (i, j) inside the window
        for j in range(fw):
            pixels = (slice(None), slice(None), slice(i, i + stride * out_h, stride),
                      slice(j, j + stride * out_w, stride))
            if overlap:
                img[pixels] += patches[:, :, i, j]
            else:
                img[pixels] = patches[:, :, i, j]
    return img[:, :, pad:pad + h, pad:pad + w]


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    """The book's im2col: input_data: (N, C, H, W) -> col: (N*out_h*out_w, C*FH*FW).

    Row n*out_h*out_w + y*out_w + x is the window of output position (y, x) of sample n,
    flattened channel by channel, then row by row within the filter: exactly the book's array,
    so that `col @ W.reshape(FN, -1).T` is the convolution. Same dtype as input_data.
    """
    x = np.asarray(input_data)
    if x.ndim != 4:
        raise ValueError(f"im2col: input_data must have shape (N, C, H, W), got {x.shape}")
    patches = windows(x, filter_h, filter_w, stride, pad)  # (N, C, FH, FW, out_h, out_w)
    n, out_h, out_w = x.shape[0], patches.shape[4], patches.shape[5]
    return patches.transpose(0, 4, 5, 1, 2, 3).reshape(n * out_h * out_w, -1)  # copies


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """The book's col2im, the adjoint of im2col: col: (N*out_h*out_w, C*FH*FW) ->
    (N, C, H, W) with input_shape = (N, C, H, W); overlapping windows are summed."""
    n, c, h, w = input_shape
    out_h, out_w = check_window_sizes((h, w), (filter_h, filter_w), stride, pad, "col2im")
    col = np.asarray(col)
    expected = (n * out_h * out_w, c * filter_h * filter_w)
    if col.shape != expected:
        raise ValueError(f"col2im: col must have shape {expected} for input_shape "
                         f"{tuple(input_shape)}, got {col.shape}")
    patches = col.reshape(n, out_h, out_w, c, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)
    return sum_windows(patches, input_shape, stride, pad)


def shuffle_dataset(x, t, rng=None):
    """x: (N, ...), t: (N,) or (N, C) -> both in one new random order (an image keeps its label).

    rng: np.random.Generator or seed (None: a fresh, unpredictable order, as the book's).
    The inputs are not modified (fancy indexing copies).
    """
    if len(x) != len(t):
        raise ValueError(f"shuffle_dataset: x has {len(x)} samples but t has {len(t)} labels")
    order = np.random.default_rng(rng).permutation(len(x))
    return x[order], t[order]


def smooth_curve(x):
    """A noisy curve (e.g. one loss per step) smoothed for plotting: same length as x.

    Each point becomes a weighted mean of the 11 points around it (a Kaiser window, beta 2);
    the ends are mirrored so that the first and last points have neighbours too. Needs at
    least 11 points. (The book's mirrored end repeats the last point; here both ends are
    mirrored alike, around the first and the last point.)
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or len(x) < 11:
        raise ValueError(f"smooth_curve: x must be a 1-D curve of at least 11 points, got shape "
                         f"{x.shape}")
    half = 5  # window of 2 * half + 1 = 11 points
    mirrored = np.r_[x[half * 2:0:-1], x, x[-2:-half * 2 - 2:-1]]
    weights = np.kaiser(2 * half + 1, 2)
    smoothed = np.convolve(weights / weights.sum(), mirrored, mode="valid")
    return smoothed[half:len(smoothed) - half]
