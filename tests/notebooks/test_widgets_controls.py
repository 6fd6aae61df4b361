"""Every control of every explorer drives what it shows, judged on the result, not on an echo.

For each explorer (scratch.widgets.base.explorer_classes, so a new one is included by itself)
and each of its controls: moving the control must change the picture in its Output (the PNG's
pixels) or a number of its summary other than the control's own value, which a summary that
only repeats the control would not; moving it back must give the same picture and summary again
(no hidden state, nothing drawn from an old value). The explorer-specific tests
(tests/notebooks/test_widgets_<topic>.py) compare the drawn data with values computed
independently.
"""

import re

import ipywidgets as widgets
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from scratch.widgets.base import explorer_classes  # noqa: E402
from tests.notebooks.test_widgets_base import controls, shown  # noqa: E402

EXPLORERS = explorer_classes()
# Controls whose job is to change the summary's words, not its numbers or the picture (the
# summary must still change): (explorer, description) -> why.
TEXT_ONLY = {("ShoppingExplorer", "show the formulas"): "reveals each gradient's formula"}
NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?(?:e[-+]?\d+)?")
TAGS = re.compile(r"<[^>]+>")


def numbers(html, echo=()):
    """The summary's numbers (tags removed), without the control's own values."""
    values = [float(m.replace(",", "")) for m in NUMBER.findall(TAGS.sub(" ", html))]
    return [v for v in values if not any(np.isclose(v, e, rtol=1e-3) for e in echo)]


def bold_numbers(html):
    """The numbers a summary sets in bold (<b>...</b>), in order: the results it states."""
    return [float(m.replace(",", "")) for part in re.findall(r"<b>(.*?)</b>", html)
            for m in NUMBER.findall(part)]


def _echo(value):
    """The numbers a summary may print for a control's value (a label's numbers too)."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return [float(value)]
    return [float(m.replace(",", "")) for m in NUMBER.findall(str(value))]


def other_value(c):
    """A different value for a control: a slider's other end, a choice's next option."""
    if isinstance(c, widgets.FloatLogSlider):
        return c.base ** c.min if c.value != c.base ** c.min else c.base ** c.max
    if isinstance(c, (widgets.IntSlider, widgets.FloatSlider)):
        return c.min if c.value == c.max else c.max
    if hasattr(c, "options") and len(c.options) > 1:
        return ("index", (c.index + 1) % len(c.options))
    if isinstance(c, widgets.Checkbox):
        return not c.value
    return None


def _set(c, value):
    if isinstance(value, tuple) and value[0] == "index":
        c.index = value[1]
    else:
        c.value = value


def _moved(explorer):
    """The controls a learner can move (a disabled one cannot be, in the browser either)."""
    return [c for c in controls(explorer.widget)
            if c not in (explorer.summary, explorer.out) and other_value(c) is not None
            and not getattr(c, "disabled", False)]


@pytest.mark.parametrize("cls", [cls for _, cls in EXPLORERS], ids=[n for n, _ in EXPLORERS])
def test_every_control_changes_the_picture_or_the_summarys_numbers(cls):
    explorer = cls.example()
    moved = _moved(explorer)
    assert moved, f"{cls.__name__} has no control to move"
    for c in moved:
        picture, summary = shown(explorer), explorer.summary.value
        old = c.index if hasattr(c, "options") else c.value
        label = c.label if hasattr(c, "options") else c.value
        _set(c, other_value(c))
        new_label = c.label if hasattr(c, "options") else c.value
        echo = _echo(label) + _echo(new_label)
        picture_changed = shown(explorer).shape != picture.shape or (
            shown(explorer) != picture).any()
        numbers_changed = numbers(explorer.summary.value, echo) != numbers(summary, echo)
        if (cls.__name__, c.description) in TEXT_ONLY:
            numbers_changed = explorer.summary.value != summary
        assert picture_changed or numbers_changed, (
            f"{cls.__name__}.{c.description}: {label!r} -> {new_label!r} changed neither the "
            f"picture nor a number of the summary other than its own value:\n{summary}\n"
            f"{explorer.summary.value}")
        _set(c, ("index", old) if hasattr(c, "options") else old)
        assert explorer.summary.value == summary, f"{cls.__name__}.{c.description} and back"
        back = shown(explorer)
        assert back.shape == picture.shape and (back == picture).all(), (
            f"{cls.__name__}.{c.description} and back")


@pytest.mark.parametrize("cls", [cls for _, cls in EXPLORERS], ids=[n for n, _ in EXPLORERS])
def test_every_label_is_shown_whole(cls):
    """A control's label is as wide as its text: the default width cut "optimizer" to
    "optimi..." in the saved views of the decks."""
    labelled = [c for c in controls(cls.example().widget)
                if getattr(c, "description", "") and hasattr(c.style, "description_width")]
    assert labelled, "an explorer with no labelled control"
    assert all(c.style.description_width == "initial" for c in labelled), [
        c.description for c in labelled if c.style.description_width != "initial"]
