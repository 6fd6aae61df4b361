"""The presentation metadata script (scripts/classroom/metadata.py): cells found by content,
metadata only, idempotent, unknown notebooks left alone, and the committed notebooks up to date."""

import copy
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from classroom.metadata import (  # noqa: E402
    HIDE_INPUT,
    apply_metadata,
    apply_to_files,
    is_setup_imports,
    series_name,
)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _helper_nb():
    imports = new_code_cell("%matplotlib inline\nimport numpy as np\nfrom scratch.plots import (\n"
                            "    draw,\n)\n", metadata={"slideshow": {"slide_type": "fragment"}})
    helper = new_code_cell("def plot_histograms(a):\n    pass\nplot_histograms(1)",
                           execution_count=2)
    helper.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "fig"})]
    return new_notebook(cells=[new_markdown_cell("# 09"), imports, helper,
                               new_code_cell("x = 1\nprint(x)")])


def test_names_without_numbers_survive_renumbering():
    assert series_name("notebooks/12_autograd.ipynb") == "autograd"
    assert series_name("notebooks/13_autograd.ipynb") == "autograd"


def test_setup_cells_are_recognised():
    assert is_setup_imports(new_code_cell("%matplotlib inline\nimport numpy as np\n"))
    assert is_setup_imports(new_code_cell("from a import (\n    b,\n    c,\n)"))
    assert not is_setup_imports(new_code_cell("import numpy as np\nx = np.ones(3)"))
    assert not is_setup_imports(new_code_cell("%matplotlib inline"))


def _rules(monkeypatch):
    import classroom.metadata as metadata

    monkeypatch.setattr(metadata, "HELPERS", {"weight_init": ["def plot_histograms("]})
    monkeypatch.setattr(metadata, "SPLITS", {"weight_init": ["x = 1"]})


def test_rules_change_metadata_only_and_twice_is_once(monkeypatch):
    _rules(monkeypatch)
    nb = _helper_nb()
    sources = [cell.source for cell in nb.cells]
    changes, problems = apply_metadata(nb, "weight_init")
    assert changes and not problems
    assert [cell.source for cell in nb.cells] == sources
    assert nb.cells[1].metadata.slideshow.slide_type == "skip"
    assert HIDE_INPUT in nb.cells[2].metadata.tags
    assert "jupyter" not in nb.cells[2].metadata  # RISE: see metadata.py
    assert "tags" not in nb.cells[3].metadata
    assert nb.cells[3].metadata["slideshow"]["slide_type"] == "subslide"
    assert nb.metadata["rise"] == {"center": False}  # RISE: see metadata.py
    again = copy.deepcopy(nb)
    assert apply_metadata(again, "weight_init") == ([], [])
    assert again == nb


def test_unknown_notebooks_are_left_alone_and_missing_cells_reported(monkeypatch):
    _rules(monkeypatch)
    nb = _helper_nb()
    before = copy.deepcopy(nb)
    changes, problems = apply_metadata(nb, "a_future_topic")
    assert not changes and nb == before and "no rules" in problems[0]
    changes, problems = apply_metadata(new_notebook(cells=[new_markdown_cell("# x")]),
                                       "weight_init")
    assert changes == ["notebook: RISE slides start at the top"]
    assert "plot_histograms" in problems[0] and "x = 1" in problems[1]



def test_every_notebook_gets_speaker_notes_from_the_guide():
    from classroom.metadata import GUIDE, guide_notes

    notes = guide_notes(GUIDE.read_text(encoding="utf-8"))
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        changes, problems = apply_metadata(nb, series_name(path), path.stem[:2], notes)
        assert not problems, (path.name, problems)
        noted = [cell for cell in nb.cells if cell.metadata.get("speaker_notes")]
        assert len(noted) == 1 and "?" in noted[0].metadata["speaker_notes"], path.name


def test_notes_are_the_widget_block_of_the_guide():
    from classroom.metadata import guide_notes

    text = ("## 03 · Title\n\n**Run live:** x.\n\n**Widget:** `W` in \"Explore\" (a menu).\n"
            "- \"Ask?\" Answer.\n\n**Common wrong answers:** y.\n\n## 04 · Next\n\nNo widget.\n")
    notes = guide_notes(text)
    assert set(notes) == {"03"}
    named, block = notes["03"]
    assert named == ["Explore"] and block.endswith("Answer.") and "Common" not in block


def test_committed_notebooks_have_the_metadata_the_rules_give():
    """`make slide-metadata` has been run (re-run it after merging notebook edits)."""
    lines = []
    assert apply_to_files(NOTEBOOKS, write=False, log=lines.append) == 0, "\n".join(lines)
