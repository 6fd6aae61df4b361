"""The notebook-00 digit viewer, driven by setting the slider's value (no browser)."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from scratch.datasets import load_mnist  # noqa: E402
from scratch.widgets.start import DigitViewer  # noqa: E402


def test_slider_changes_the_summary():
    (x, t), _ = load_mnist()
    viewer = DigitViewer(x[:20], t[:20], show_plot=False)
    assert viewer.summary.value.startswith(f"image 0: label <b>{t[0]}</b>")
    viewer.index.value = 7
    assert viewer.summary.value.startswith(f"image 7: label <b>{t[7]}</b>")
    assert viewer.index.max == 19


def test_draws_without_error_and_rejects_mismatched_labels():
    viewer = DigitViewer(np.zeros((2, 1, 28, 28)), np.array([3, 4]))
    viewer.index.value = 1
    assert "label <b>4</b>, ink 0%" in viewer.summary.value
    with pytest.raises(ValueError, match="DigitViewer: 2 images but 3 labels"):
        DigitViewer(np.zeros((2, 784)), np.array([1, 2, 3]))


def test_redrawing_leaves_no_open_figures():
    import matplotlib.pyplot as plt

    plt.close("all")
    viewer = DigitViewer(np.zeros((3, 784)), np.array([0, 1, 2]))
    viewer.index.value = 2
    assert plt.get_fignums() == []


def test_the_figure_shows_the_chosen_image():
    x = np.zeros((3, 784))
    x[2, :10] = 1.0
    viewer = DigitViewer(x, np.array([0, 1, 7]))
    viewer.index.value = 2
    assert (viewer.image.get_array() == x[2].reshape(28, 28)).all()
    assert viewer.title.get_text() == "label 7"


def test_every_index_shows_its_image_on_its_own_scale_and_the_summary_its_label_and_ink():
    rng = np.random.default_rng(3)
    x = rng.random((6, 784)) * rng.uniform(0.2, 3.0, (6, 1))  # each image its own brightness
    t = rng.integers(0, 10, 6)
    viewer = DigitViewer(x, t)
    for i in (4, 1, 5, 0):
        viewer.index.value = i
        image = x[i].reshape(28, 28)
        np.testing.assert_array_equal(viewer.image.get_array(), image)
        assert viewer.image.get_clim() == (image.min(), image.max())
        label = int(viewer.title.get_text().split()[1])
        assert label == t[i] and f"label <b>{label}</b>" in viewer.summary.value
        ink = np.count_nonzero(x[i] > x[i].max() / 2) / 784
        assert viewer.summary.value.endswith(f"ink {100 * ink:.0f}%")


def test_digit_viewer_ink_counts_pixels_above_half_the_brightest():
    image = np.zeros(784)
    image[:196], image[196:392] = 1.0, 0.5  # a quarter bright, a quarter at exactly half
    viewer = DigitViewer(np.stack([image, 2 * image, 0 * image]), np.array([3, 8, 1]),
                         show_plot=False)
    assert viewer.summary.value == "image 0: label <b>3</b>, ink 25%"
    viewer.index.value = 1
    assert viewer.summary.value == "image 1: label <b>8</b>, ink 25%"
    viewer.index.value = 2
    assert viewer.summary.value == "image 2: label <b>1</b>, ink 0%"
