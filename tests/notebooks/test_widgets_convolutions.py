"""Notebook 12's convolution explorer, driven by setting its controls (no browser). Every
expected value is computed here by brute force over the windows, not with the explorer's
helpers."""

import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from scratch.widgets.convolutions import SHOW, ConvolutionExplorer  # noqa: E402

RNG = np.random.default_rng(5)
X = RNG.random((3, 1, 9, 8))
T = np.array([4, 1, 7])
W = RNG.standard_normal((4, 1, 3, 2))
B = RNG.standard_normal(4)


def _explorer():
    return ConvolutionExplorer(X, T, W, B)


def _by_hand(i, f):
    """The feature map of digit i and filter f, one output at a time."""
    fh, fw = W.shape[2:]
    image = X[i, 0]
    out = np.zeros((image.shape[0] - fh + 1, image.shape[1] - fw + 1))
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = sum(W[f, 0, a, b] * image[y + a, x + b]
                            for a in range(fh) for b in range(fw)) + B[f]
    return out


def _outputs_containing(r, c):
    """Every output (y, x) whose window holds input pixel (r, c), by trying all of them."""
    fh, fw = W.shape[2:]
    oh, ow = X.shape[2] - fh + 1, X.shape[3] - fw + 1
    return [(y, x) for y in range(oh) for x in range(ow)
            if y <= r < y + fh and x <= c < x + fw]


def _bold(explorer):
    return [float(v) for v in re.findall(r"<b>(-?[\d.]+)</b>", explorer.summary.value)]


def _bounds(box):
    return (box.get_x(), box.get_y(), box.get_width(), box.get_height())


def test_digit_and_filter_draw_the_digit_the_filter_and_the_feature_map_by_hand():
    explorer = _explorer()
    for i, f in [(0, 0), (2, 0), (2, 3), (1, 1)]:
        kernel_before, digit_before = explorer.kernel.get_array().copy(), \
            explorer.digit.get_array().copy()
        moved_image, moved_filter = i != explorer.image.value, f != explorer.filter.value
        explorer.image.value, explorer.filter.value = i, f
        np.testing.assert_array_equal(explorer.digit.get_array(), X[i, 0])
        np.testing.assert_array_equal(explorer.kernel.get_array(), W[f, 0])
        np.testing.assert_allclose(explorer.map.get_array(), _by_hand(i, f))
        assert explorer.digit.get_clim() == (X[i, 0].min(), X[i, 0].max())
        assert explorer.digit_title.get_text() == f"digit {i} (label {T[i]})"
        assert explorer.kernel_title.get_text() == f"filter {f}"
        if not moved_filter:  # the digit alone moved: the filter drawn stays
            np.testing.assert_array_equal(explorer.kernel.get_array(), kernel_before)
        if not moved_image:
            np.testing.assert_array_equal(explorer.digit.get_array(), digit_before)
        r, c = explorer.row.value, explorer.col.value
        assert _bold(explorer) == [pytest.approx(round(_by_hand(i, f)[r, c], 3), abs=1e-9)]


def test_row_and_column_frame_one_outputs_window_and_the_summary_gives_its_sum():
    explorer = _explorer()
    explorer.image.value, explorer.filter.value = 1, 2
    fh, fw = W.shape[2:]
    assert (explorer.row.max, explorer.col.max) == (9 - fh, 8 - fw)  # OH - 1, OW - 1
    digit, kernel = explorer.digit.get_array().copy(), explorer.kernel.get_array().copy()
    for r, c in [(0, 0), (6, 6), (3, 5), (6, 0)]:
        explorer.row.value, explorer.col.value = r, c
        window = X[1, 0, r:r + fh, c:c + fw]  # rows r..r+FH-1, columns c..c+FW-1
        value = np.sum(window * W[2, 0]) + B[2]
        assert _bounds(explorer.digit_box) == (c - 0.5, r - 0.5, fw, fh)
        assert _bounds(explorer.map_box) == (c - 0.5, r - 0.5, 1, 1)
        assert _bold(explorer) == [pytest.approx(round(value, 3), abs=1e-9)]
        assert f"Output ({r}, {c}) of filter 2" in explorer.summary.value
        assert f"rows {r}&ndash;{r + fh - 1}, columns {c}&ndash;{c + fw - 1}" in \
            explorer.summary.value
        np.testing.assert_array_equal(explorer.digit.get_array(), digit)  # the rest stays
        np.testing.assert_array_equal(explorer.kernel.get_array(), kernel)
        np.testing.assert_allclose(explorer.map.get_array(), _by_hand(1, 2))


def test_a_pixels_gradient_frames_every_window_that_holds_it_and_sums_their_weights():
    explorer = _explorer()
    explorer.filter.value = 3
    explorer.show.value = SHOW[1]
    assert (explorer.row.max, explorer.col.max) == (8, 7)  # now an input pixel: H - 1, W - 1
    fh, fw = W.shape[2:]
    for r, c in [(0, 0), (8, 7), (4, 3), (0, 5), (2, 7)]:
        explorer.row.value, explorer.col.value = r, c
        outputs = _outputs_containing(r, c)
        ys, xs = [y for y, _ in outputs], [x for _, x in outputs]
        # dx[r, c] for dout = 1 at every output: one weight from every window holding the pixel
        dx = sum(W[3, 0, r - y, c - x] for y, x in outputs)
        count, value = _bold(explorer)
        assert count == len(outputs)
        assert value == pytest.approx(round(dx, 3), abs=1e-9)
        # the frame on the feature map covers exactly those outputs, the digit's the one pixel
        left, top, width, height = _bounds(explorer.map_box)
        assert (left + 0.5, top + 0.5) == (min(xs), min(ys))
        assert width * height == len(outputs)
        assert (left + width - 0.5, top + height - 0.5) == (max(xs), max(ys))
        assert _bounds(explorer.digit_box) == (c - 0.5, r - 0.5, 1, 1)
        np.testing.assert_allclose(explorer.map.get_array(), _by_hand(0, 3))
    explorer.row.value, explorer.col.value = 0, 0
    assert _bold(explorer)[0] == 1  # a corner lies in one window
    explorer.row.value, explorer.col.value = 4, 4
    assert _bold(explorer)[0] == fh * fw  # a pixel inside lies in FH * FW of them


def test_the_pixels_gradient_is_the_convolutions_dx_computed_numerically():
    explorer = _explorer()
    explorer.show.value = SHOW[1]
    explorer.filter.value = 1
    r, c, h = 5, 2, 1e-6
    nudged = X[0, 0].copy()
    nudged[r, c] += h
    # with dout = 1 everywhere, dx is the change of the sum of all outputs
    numeric = (_by_hand_image(nudged, 1).sum() - _by_hand(0, 1).sum()) / h
    explorer.row.value, explorer.col.value = r, c
    assert _bold(explorer)[1] == pytest.approx(numeric, abs=2e-3)


def _by_hand_image(image, f):
    saved = X[0, 0].copy()
    X[0, 0] = image
    try:
        return _by_hand(0, f)
    finally:
        X[0, 0] = saved


def test_back_to_one_output_the_sliders_fit_the_feature_map_again():
    explorer = _explorer()
    explorer.show.value = SHOW[1]
    explorer.row.value, explorer.col.value = 8, 7
    explorer.show.value = SHOW[0]
    assert (explorer.row.max, explorer.col.max) == (6, 6)
    assert (explorer.row.value, explorer.col.value) == (6, 6)
    assert _bounds(explorer.map_box) == (5.5, 5.5, 1, 1)
    assert _bold(explorer) == [pytest.approx(round(_by_hand(0, 0)[6, 6], 3), abs=1e-9)]


def test_bad_shapes_name_the_explorer():
    with pytest.raises(ValueError, match="ConvolutionExplorer: expected x: \\(N, 1, H, W\\)"):
        ConvolutionExplorer(X[:, 0], T, W, B)
    with pytest.raises(ValueError, match="ConvolutionExplorer"):
        ConvolutionExplorer(X, T, np.ones((2, 3, 3, 3)), np.zeros(2))
