"""Notebook 04's softmax explorer, driven by setting its controls' values (no browser)."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from scratch.functions import softmax  # noqa: E402
from scratch.widgets.softmax import SoftmaxExplorer  # noqa: E402
from tests.notebooks.test_widgets_controls import bold_numbers  # noqa: E402


def test_equal_logits_give_uniform_probabilities_and_log_c_loss():
    explorer = SoftmaxExplorer(logits=(0.0, 0.0, 0.0, 0.0), true_class=2, show_plot=False)
    assert "y = [0.250, 0.250, 0.250, 0.250]" in explorer.summary.value
    assert f"the loss is -log p = <b>{np.log(4):.4f}</b>" in explorer.summary.value
    assert "(y - t) / T = [0.250, 0.250, -0.750, 0.250]" in explorer.summary.value


def test_sliders_dropdown_and_temperature_update_the_summary():
    explorer = SoftmaxExplorer(logits=(2.0, 1.0, 0.1), show_plot=False)
    y = softmax(np.array([2.0, 1.0, 0.1]))
    assert f"p = <b>{y[0]:.4f}</b>" in explorer.summary.value
    assert "prediction is correct" in explorer.summary.value
    explorer.true_class.value = 2
    assert f"-log p = <b>{-np.log(y[2]):.4f}</b>" in explorer.summary.value
    assert "wrong (it predicts class 0)" in explorer.summary.value
    explorer.logits[2].value = 5.0
    assert "prediction is correct" in explorer.summary.value
    explorer.temperature.value = 2.0
    y2 = softmax(np.array([2.0, 1.0, 5.0]) / 2)
    grad = (y2 - np.eye(3)[2]) / 2
    assert explorer.summary.value.startswith("T = 2.0: probabilities y = [" +
                                             ", ".join(f"{v:.3f}" for v in y2))
    assert ", ".join(f"{g:.3f}" for g in grad) in explorer.summary.value


def test_confident_wrong_prediction_has_a_finite_loss():
    explorer = SoftmaxExplorer(logits=(10.0, -10.0), true_class=1, temperature=0.1,
                               show_plot=False)
    _, loss, _ = explorer.values()
    assert loss == pytest.approx(200.0)


def test_draws_and_rejects_bad_settings():
    explorer = SoftmaxExplorer()
    explorer.logits[0].value = -3.0
    assert len(explorer.logits) == 4
    with pytest.raises(ValueError, match="true_class must be in"):
        SoftmaxExplorer(logits=(1.0, 2.0), true_class=2)
    with pytest.raises(ValueError, match="expected 2 to 6 logits"):
        SoftmaxExplorer(logits=(1.0,))


def test_the_figure_shows_the_probabilities():
    explorer = SoftmaxExplorer(logits=(2.0, 1.0, 0.1))
    explorer.true_class.value = 2
    explorer.logits[0].value = -1.0
    y, loss, _ = explorer.values()
    assert [bar.get_height() for bar in explorer.bars] == pytest.approx(y)
    assert [text.get_text() for text in explorer.bar_texts] == [f"{p:.2f}" for p in y]
    green = [matplotlib.colors.to_hex(bar.get_facecolor()) for bar in explorer.bars]
    assert green.count(matplotlib.colors.to_hex("tab:green")) == 1
    assert green[2] == matplotlib.colors.to_hex("tab:green")
    assert explorer.title.get_text() == f"loss = -log y[2] = {loss:.3f}"


def test_the_bars_follow_every_control_as_computed_by_hand_and_agree_with_the_summary():
    explorer = SoftmaxExplorer(logits=(2.0, 1.0, 0.1, -1.0), true_class=0)
    moves = [(explorer.logits[1], 3.5), (explorer.logits[3], -8.0), (explorer.temperature, 2.5),
             (explorer.true_class, 3), (explorer.logits[0], 9.9), (explorer.logits[2], -4.2),
             (explorer.temperature, 0.3)]
    for control, value in moves:
        heights = [bar.get_height() for bar in explorer.bars]
        control.value = value
        a = np.array([s.value for s in explorer.logits]) / explorer.temperature.value
        y = np.exp(a - a.max()) / np.exp(a - a.max()).sum()  # softmax by hand
        k = explorer.true_class.value
        drawn = np.array([bar.get_height() for bar in explorer.bars])
        np.testing.assert_allclose(drawn, y, rtol=1e-12, atol=1e-300)
        if control is explorer.true_class:  # the class to score is not in the probabilities
            np.testing.assert_array_equal(drawn, heights)
        else:
            assert not np.array_equal(drawn, heights), control.description
        green = matplotlib.colors.to_rgba("tab:green")
        assert [bar.get_facecolor() == green for bar in explorer.bars] == [
            c == k for c in range(4)]
        loss = float(explorer.title.get_text().rsplit("= ", 1)[1])
        assert loss == pytest.approx(-np.log(y[k]), abs=5e-4)
        # The summary's probabilities, p and loss are the bars' heights and the title's loss.
        summary = explorer.summary.value
        probs = [float(v) for v in summary.split("y = [")[1].split("]")[0].split(", ")]
        np.testing.assert_allclose(probs, drawn, atol=5e-4)
        p, summary_loss = bold_numbers(summary)
        assert p == pytest.approx(drawn[k], abs=5e-5)
        assert summary_loss == pytest.approx(-np.log(y[k]), abs=5e-5)  # the title's, unrounded
        assert [t.get_text() for t in explorer.bar_texts] == [f"{h:.2f}" for h in y]


def test_softmax_explorer_takes_two_to_six_logits():
    for n in (2, 6):
        assert len(SoftmaxExplorer([0.5] * n, show_plot=False).values()[0]) == n
    for n in (1, 7):
        with pytest.raises(ValueError, match=f"expected 2 to 6 logits, got {n}"):
            SoftmaxExplorer([0.5] * n, show_plot=False)
