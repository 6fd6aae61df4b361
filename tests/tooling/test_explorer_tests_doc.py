"""docs/explorer_tests.md, the table of which test checks each explorer control's figure, stays
true to the code: a section for every explorer (scratch.widgets.base.explorer_classes), a row for
every control, and every test it names is defined in the file its section names."""

import ast
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from tests.notebooks.test_widgets_base import controls  # noqa: E402
from tests.notebooks.test_widgets_controls import EXPLORERS  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "explorer_tests.md").read_text(encoding="utf-8")
TEST_NAME = re.compile(r"`(test_\w+)`")


def _parts():
    """[(heading, text)]: the introduction (heading None), then each '## ' section."""
    pieces = re.split(r"^## (.*)$", DOC, flags=re.MULTILINE)
    return [(None, pieces[0]), *zip(pieces[1::2], pieces[2::2])]


def _sections():
    """{explorer name: (its test file, its section's text)}."""
    found = {}
    for heading, text in _parts():
        match = re.fullmatch(r"(\w+) \((tests/notebooks/test_\w+\.py)\)", heading or "")
        if match:
            found[match[1]] = (match[2], text)
    return found


def _tests_in(*paths):
    names = set()
    for path in paths:
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        names |= {node.name for node in tree.body
                  if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    return names


def _control_names(explorer):
    """The attribute that holds each control (a list of sliders, like the logits, is one)."""
    names = set()
    for c in controls(explorer.widget):
        if c in (explorer.summary, explorer.out):
            continue
        held = [key for key, value in vars(explorer).items()
                if value is c or (isinstance(value, list) and any(v is c for v in value))]
        assert held, f"{type(explorer).__name__}: a control {c.description!r} no attribute holds"
        names.add(held[0])
    return names


def test_every_explorer_has_a_section_and_every_control_a_row():
    sections = _sections()
    assert list(sections) == [name for name, _ in EXPLORERS]
    for name, cls in EXPLORERS:
        _, text = sections[name]
        rows = set(re.findall(r"^\| `(\w+)`", text, flags=re.MULTILINE))
        assert rows == _control_names(cls.example()), name


def test_every_test_named_exists_where_the_page_says():
    sections = _sections()
    for name, (path, text) in sections.items():
        missing = set(TEST_NAME.findall(text)) - _tests_in(path)
        assert not missing, f"{name}: not in {path}: {sorted(missing)}"
    everywhere = _tests_in(*ROOT.glob("tests/notebooks/test_widgets_*.py"))
    for heading, text in _parts():
        if heading is None or heading.split(" (")[0] not in sections:
            missing = set(TEST_NAME.findall(text)) - everywhere
            assert not missing, f"{heading or 'introduction'}: {sorted(missing)}"
