"""The notebook-07 prediction browser, driven by setting its controls' values (no browser)."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from scratch.nets import TwoLayerNet  # noqa: E402
from scratch.widgets.training import SHOW, PredictionBrowser, confusion_counts  # noqa: E402


def _browser(**kwargs):
    # Five images; images 1 and 3 are predicted wrongly.
    x = np.zeros((5, 784))
    t = np.array([0, 1, 2, 3, 4])
    probs = np.full((5, 10), 0.02)
    for i, pred in enumerate([0, 7, 2, 5, 4]):
        probs[i, pred] = 0.82
    return PredictionBrowser(x, t, probs, **kwargs)


def test_slider_and_summary():
    browser = _browser(show_plot=False)
    assert browser.summary.value == (
        "image 0 (1 of 5): predicted <b>0</b> (p = 0.82), true label <b>0</b>: right. "
        "1 of the 1 images of a 0 were predicted as 0."
    )
    browser.index.value = 1
    assert browser.summary.value.startswith(
        "image 1 (2 of 5): predicted <b>7</b> (p = 0.82), true label <b>1</b>: <b>wrong</b>. "
    )


def test_the_confusion_matrix_counts_pairs_and_outlines_the_current_one():
    browser = _browser()
    expected = np.zeros((10, 10), dtype=int)
    for true, guess in zip(browser.t, browser.predicted):
        expected[true, guess] += 1
    np.testing.assert_array_equal(browser.confusion, expected)
    assert browser.cell.get_xy() == (-0.5, -0.5)  # image 0: true 0, predicted 0
    browser.index.value = 1
    assert browser.cell.get_xy() == (7 - 0.5, 1 - 0.5)  # true 1 (row), predicted 7 (column)


def test_misclassified_only():
    browser = _browser(show_plot=False)
    browser.index.value = 4
    browser.show.value = SHOW[1]
    assert browser.index.value == 0 and browser.index.max == 1
    assert browser.summary.value.startswith("image 1 (1 of 2): predicted <b>7</b>")
    browser.index.value = 1
    assert browser.summary.value.startswith("image 3 (2 of 2): predicted <b>5</b>")
    browser.show.value = SHOW[0]
    assert browser.index.max == 4
    assert browser.summary.value.startswith("image 0 (1 of 5)")


def test_no_mistakes_and_from_network():
    net = TwoLayerNet(784, 5, 10)
    x = np.random.default_rng(0).random((3, 784))
    t = net.predict(x).argmax(axis=1)
    browser = PredictionBrowser.from_network(net, x, t)  # draws too
    assert "true label" in browser.summary.value
    browser.show.value = SHOW[1]
    assert browser.summary.value == "no misclassified images: every prediction is right"


def test_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="one row per image, got 2, 3 and 2"):
        PredictionBrowser(np.zeros((2, 784)), np.zeros(3, int), np.zeros((2, 10)))
    with pytest.raises(ValueError, match=r"expected t: \(N,\) labels"):
        PredictionBrowser(np.zeros((2, 784)), np.zeros((2, 10)), np.zeros((2, 10)))


def test_the_figure_shows_the_chosen_image_and_its_probabilities():
    browser = _browser()
    browser.index.value = 3
    assert [bar.get_height() for bar in browser.bars] == pytest.approx(browser.probs[3])
    assert browser.image_title.get_text() == "true label 3"
    colors = [matplotlib.colors.to_hex(bar.get_facecolor()) for bar in browser.bars]
    assert colors[5] == matplotlib.colors.to_hex("tab:red")  # predicted 5, wrongly
    browser.show.value = SHOW[1]
    assert browser.out.outputs  # the first misclassified image is shown


def test_show_and_index_draw_the_chosen_image_and_the_summary_reads_the_figure():
    rng = np.random.default_rng(7)
    x, t = rng.random((30, 784)), rng.integers(0, 4, 30)
    probs = rng.dirichlet(np.ones(4), 30)
    browser = PredictionBrowser(x, t, probs)
    predicted = probs.argmax(axis=1)
    counts = np.zeros((4, 4))
    for true, guess in zip(t, predicted):
        counts[true, guess] += 1
    conf_image = browser.figure.fig.axes[2].images[0]
    np.testing.assert_allclose(conf_image.get_array(), np.log1p(counts))
    wrong = [i for i in range(30) if predicted[i] != t[i]]
    # control, value, then the image shown, its position in the list and the list's length
    moves = [(browser.index, 13, 13, 14, 30), (browser.index, 29, 29, 30, 30),
             (browser.show, SHOW[1], wrong[0], 1, len(wrong)),
             (browser.index, 3, wrong[3], 4, len(wrong)),
             (browser.index, len(wrong) - 1, wrong[-1], len(wrong), len(wrong)),
             (browser.show, SHOW[0], 0, 1, 30)]
    for control, value, i, position, total in moves:
        control.value = value
        np.testing.assert_array_equal(browser.image.get_array(), x[i].reshape(28, 28))
        heights = np.array([bar.get_height() for bar in browser.bars])
        np.testing.assert_array_equal(heights, probs[i])
        pred = int(np.argmax(heights))
        colour = "tab:green" if pred == t[i] else "tab:red"
        assert [matplotlib.colors.to_hex(b.get_facecolor()) for b in browser.bars] == [
            matplotlib.colors.to_hex(colour if c == pred else "tab:blue") for c in range(4)]
        assert browser.cell.get_xy() == (pred - 0.5, t[i] - 0.5)
        np.testing.assert_allclose(conf_image.get_array(), np.log1p(counts))  # the background
        # The summary names the drawn image, tallest bar, its height, title and cell's count.
        assert browser.image_title.get_text() == f"true label {t[i]}"
        assert browser.summary.value.startswith(
            f"image {i} ({position} of {total}): predicted <b>{pred}</b> "
            f"(p = {heights[pred]:.2f}), true label <b>{t[i]}</b>")
        assert browser.summary.value.endswith(
            f"{int(counts[t[i], pred])} of the {int(counts[t[i]].sum())} images of a {t[i]} "
            f"were predicted as {pred}.")


def test_prediction_browser_from_network_passes_its_options_on():
    net = TwoLayerNet(784, 5, 10)
    x = np.random.default_rng(0).random((3, 784))
    browser = PredictionBrowser.from_network(net, x, np.zeros(3, int), show_plot=False)
    assert not browser.figure and not browser.out.outputs


def test_confusion_counts_are_whole_numbers():
    counts = confusion_counts(np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2]), 3)
    assert counts.dtype.kind == "i"
    assert counts.tolist() == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
