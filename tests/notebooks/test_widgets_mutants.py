"""Tests for what `make mutation SCOPE=widgets` found untested (README, Mutation testing).

Each compares what a widget computes or says, not its drawing, with an oracle of its own:
the explorers named by hand, an expression's label evaluated by Python, centred differences,
numbers worked out by hand.
"""

import math

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from scratch.nets import TwoLayerNet  # noqa: E402
from scratch.widgets.activations import ActivationExplorer  # noqa: E402
from scratch.widgets.autograd import EXPRESSIONS  # noqa: E402
from scratch.widgets.base import explorer_classes  # noqa: E402
from scratch.widgets.batchnorm import BatchNormComparison  # noqa: E402
from scratch.widgets.initialisation import ACTIVATIONS  # noqa: E402
from scratch.widgets.numerical import H_GRID, StepSizeExplorer  # noqa: E402
from scratch.widgets.optimizers import PathExplorer  # noqa: E402
from scratch.widgets.regularisation import RegularisationExplorer  # noqa: E402
from scratch.widgets.softmax import SoftmaxExplorer  # noqa: E402
from scratch.widgets.start import DigitViewer  # noqa: E402
from scratch.widgets.training import PredictionBrowser, confusion_counts  # noqa: E402

# Every explorer of the notebooks, in module order (a new one is added here by hand).
EXPLORERS = [
    ("ActivationExplorer", "activations"), ("BackwardStepper", "autograd"),
    ("BatchNormComparison", "batchnorm"), ("SumTimesYExplorer", "graphs"),
    ("ShoppingExplorer", "graphs"), ("InitExplorer", "initialisation"),
    ("LayerStackExplorer", "network"), ("StepSizeExplorer", "numerical"),
    ("PathExplorer", "optimizers"), ("RegularisationExplorer", "regularisation"),
    ("SoftmaxExplorer", "softmax"), ("DigitViewer", "start"),
    ("PredictionBrowser", "training"),
]


def test_explorer_classes_finds_every_explorer_and_nothing_else():
    # Called inside a test (the other test modules call it while collecting, where mutmut's
    # mutants are not active).
    found = explorer_classes()
    assert [(name, cls.__module__) for name, cls in found] == [
        (name, f"scratch.widgets.{module}") for name, module in EXPLORERS]
    assert all(cls.__name__ == name for name, cls in found)


def _leaves(label, names):
    """{variable of the label: its Value}; "apple count" is the label's "count"."""
    out = label.split("=")[0].strip()
    return {name.split()[-1]: value for name, value in names.items() if name.split()[-1] != out}


@pytest.mark.parametrize("label", EXPRESSIONS)
def test_each_expression_builds_the_graph_its_label_names(label):
    root, names = EXPRESSIONS[label]()
    formula = label.split("=", 1)[1]
    leaves = _leaves(label, names)
    values = {name: leaf.data for name, leaf in leaves.items()}

    def f(**at):
        return eval(formula, {"tanh": math.tanh}, at)

    assert root.data == pytest.approx(f(**values), rel=1e-12)
    root.backward()
    h = 1e-6
    for name, leaf in leaves.items():
        numeric = (f(**{**values, name: values[name] + h})
                   - f(**{**values, name: values[name] - h})) / (2 * h)
        assert leaf.grad == pytest.approx(numeric, rel=1e-6), name


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_each_activations_derivative_matches_centred_differences(name):
    f, derivative, _ = ACTIVATIONS[name]
    z = np.array([-2.0, -0.7, 0.3, 1.5])  # away from relu's kink at 0
    h = 1e-6
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    np.testing.assert_allclose(derivative(z, f(z)), numeric, rtol=1e-6)


def test_regularisation_summary_averages_the_last_ten_of_more_epochs():
    epochs = np.arange(1, 26) / 25  # 25 epochs rising linearly: the last ten average 0.82
    runs = {(0.0, 0.0): (epochs, epochs / 2), (0.1, 0.0): (epochs, epochs / 2)}
    explorer = RegularisationExplorer(runs, show_plot=False)
    assert ("training accuracy <b>0.82</b>, test accuracy <b>0.41</b>, gap <b>0.41</b>"
            in explorer.summary.value)


def test_regularisation_names_the_missing_run():
    runs = {(0.0, 0.0): ([0.5], [0.4]), (0.1, 0.0): ([0.5], [0.4]), (0.0, 0.2): ([0.5], [0.4])}
    explorer = RegularisationExplorer(runs, show_plot=False)
    explorer.weight_decay.value = 0.1
    explorer.dropout.value = 0.2
    assert explorer.summary.value == "λ = 0.1, dropout ratio 0.2: not in the grid that was trained"


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


def test_prediction_browser_from_network_passes_its_options_on():
    net = TwoLayerNet(784, 5, 10)
    x = np.random.default_rng(0).random((3, 784))
    browser = PredictionBrowser.from_network(net, x, np.zeros(3, int), show_plot=False)
    assert not browser.figure and not browser.out.outputs


def test_path_explorer_names_the_valley_only_when_it_is_rotated():
    assert "valley" not in PathExplorer(show_plot=False).summary.value
    rotated = PathExplorer(valley="rotated by 45°", show_plot=False)
    assert rotated.summary.value.startswith("SGD, lr ")
    assert ", 30 steps, valley rotated by 45°: " in rotated.summary.value


def test_batchnorm_slider_runs_from_the_largest_scale_and_starts_in_the_middle():
    curves = {"batch norm": [0.5], "plain": [0.5]}
    comparison = BatchNormComparison({s: curves for s in (0.01, 1.0, 0.1, 0.001)},
                                     show_plot=False)
    assert [value for _, value in comparison.scale.options] == [1.0, 0.1, 0.01, 0.001]
    assert comparison.scale.value == 0.01


def test_batchnorm_curves_are_drawn_over_epochs_one_to_n():
    comparison = BatchNormComparison({0.1: {"batch norm": [0.5, 0.8, 0.9], "plain": [0.1, 0.3]}})
    xs = {line.get_label(): list(line.get_xdata()) for line in comparison.figure.fig.axes[0].lines}
    assert xs == {"batch norm": [1, 2, 3], "plain": [1, 2]}


def test_path_explorer_shows_the_valley_it_was_switched_to():
    switched = PathExplorer()
    switched.valley.value = "rotated by 45°"
    fresh = PathExplorer(valley="rotated by 45°")  # the oracle: drawn with that valley first
    np.testing.assert_array_equal(switched.figure.pixels(), fresh.figure.pixels())


@pytest.mark.parametrize(("name", "f"), [("ReLU", lambda x: max(x, 0.0)),
                                         ("sigmoid", lambda x: 1 / (1 + math.exp(-x))),
                                         ("tanh", math.tanh)])
def test_activation_explorer_slope_and_gradient_after_k_layers(name, f):
    explorer = ActivationExplorer(name, x=0.7, dout=-1.5, show_plot=False)
    h = 1e-6
    slope = (f(0.7 + h) - f(0.7 - h)) / (2 * h)
    y, got_slope, dx = explorer.values()
    assert (y, got_slope, dx) == pytest.approx((f(0.7), slope, -1.5 * slope), rel=1e-6)
    assert explorer.after(3) == pytest.approx(-1.5 * slope**3, rel=1e-6)


def test_softmax_explorer_takes_two_to_six_logits():
    for n in (2, 6):
        assert len(SoftmaxExplorer([0.5] * n, show_plot=False).values()[0]) == n
    for n in (1, 7):
        with pytest.raises(ValueError, match=f"expected 2 to 6 logits, got {n}"):
            SoftmaxExplorer([0.5] * n, show_plot=False)


def test_confusion_counts_are_whole_numbers():
    counts = confusion_counts(np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2]), 3)
    assert counts.dtype.kind == "i"
    assert counts.tolist() == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]


def test_step_size_summary_names_the_h_of_the_smallest_error_on_its_curve():
    for precision in ("float64", "float32"):
        explorer = StepSizeExplorer(precision=precision, show_plot=False)
        curve = explorer.curve()
        assert np.argmin(curve) > 0  # so that the first h of the grid would be wrong
        best = H_GRID[np.argmin(curve)]
        assert f"the smallest error on the curve is at h = {best:.0e}." in explorer.summary.value


@pytest.mark.parametrize("scheme", ["forward", "centred"])
def test_step_size_float32_curve_point_and_eps_are_float32_arithmetic(scheme):
    """float32 chosen: x rounded to float32 and every operation in float32, worked out here
    with NumPy scalars, one h at a time (x = 0.1 is not a float32 number)."""
    explorer = StepSizeExplorer(function="sin", x=0.1, h=1e-3,
                                precision="float32", scheme=scheme)
    x = np.float32(0.1)
    exact = float(np.cos(np.float64(x)))  # the derivative at the point really used

    def error(h):
        h = np.float32(h)
        if scheme == "forward":
            estimate = (np.sin(x + h) - np.sin(x)) / h
        else:
            estimate = (np.sin(x + h) - np.sin(x - h)) / (np.float32(2) * h)
        assert estimate.dtype == np.float32
        return abs(float(estimate) - exact)

    by_hand = np.array([error(h) for h in H_GRID])
    # (float64 instead of float32 anywhere changes these by 1e-4 or more, relatively; the
    # tolerance allows for a last-bit difference of cos between NumPy versions)
    np.testing.assert_allclose(explorer.curve(), by_hand, rtol=1e-9)
    np.testing.assert_allclose(explorer.error_curve.get_ydata(), np.maximum(by_hand, 1e-17),
                               rtol=1e-9)
    assert explorer.current.get_ydata()[0] == pytest.approx(error(1e-3), rel=1e-9)
    assert f"error {error(1e-3):.1e}" in explorer.summary.value
    assert f"exact {exact:.10f}" in explorer.summary.value
    assert f"eps = {float(np.finfo(np.float32).eps):.1e}" in explorer.summary.value
    # and the float64 curve of the same settings is a different one
    explorer.precision.value = "float64"
    assert not np.allclose(explorer.curve(), by_hand)
