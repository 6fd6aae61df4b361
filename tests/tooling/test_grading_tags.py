"""The nbgrader tags of `make nbgrader-course` (scripts/classroom/grading.py), without nbgrader.

tests/tooling/test_nbgrader.py grades tagged copies with nbgrader itself (`make test-nbgrader`).
"""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from classroom.grading import (  # noqa: E402
    POINTS,
    GradingError,
    assert_checks,
    tag_for_nbgrader,
    total_points,
    write_course,
)
from classroom.student import check_cells, solution_cells  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

EXERCISE = "def f(x):\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION"


def _notebook(*sources):
    """A notebook of code cells, or markdown cells for sources that start with '#md '."""
    cells = [nbformat.v4.new_markdown_cell(s[4:]) if s.startswith("#md ")
             else nbformat.v4.new_code_cell(s) for s in sources]
    return nbformat.v4.new_notebook(cells=cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_exercise_and_its_check_are_tagged(path):
    nb = nbformat.read(path, as_version=4)
    before = nbformat.writes(nb)
    tagged = tag_for_nbgrader(nb, path.name)
    assert nbformat.writes(nb) == before, "the notebook itself must stay as it is"
    answers, tests = solution_cells(nb, path.name), check_cells(nb, path.name)
    assert len(answers) == len(tests), f"{path.name}: every exercise needs its own check cell"
    ids = []
    for index, cell in enumerate(tagged.cells):
        meta = cell.metadata.get("nbgrader")
        if index in answers:
            assert meta["solution"] and not meta["grade"] and not meta["locked"], meta
            assert not cell.outputs and cell.execution_count is None
        elif index in tests:
            assert meta["grade"] and meta["locked"] and meta["points"] == POINTS, meta
            assert not cell.outputs and cell.execution_count is None
            calls = [line for line in cell.source.splitlines() if line.startswith("check_")]
            assert not calls, f"{path.name}, cell {index}: a check without `assert `: {calls}"
            assert cell.source.count("assert check_") == 1
            # the rest of the cell (its imports) is what the notebook has
            assert cell.source.replace("assert check_", "check_") == nb.cells[index].source
        else:
            assert meta is None, f"{path.name}, cell {index} is tagged: {meta}"
            assert cell == nb.cells[index]  # outputs and all
        if meta:
            ids.append(meta["grade_id"])
    assert len(ids) == len(set(ids)), f"{path.name}: grade ids repeat: {ids}"
    assert total_points(tagged) == POINTS * len(tests)


def test_assert_goes_before_each_top_level_check_call_only():
    source = ("from scratch.checks.x import check_a, check_b\n\nresult = check_a(f)\n"
              "check_a(f)\nif True:\n    check_b(g)\ncheck_b(\n    g,\n)")
    new, names = assert_checks(source)
    assert names == ["check_a", "check_b"]
    assert new == ("from scratch.checks.x import check_a, check_b\n\nresult = check_a(f)\n"
                   "assert check_a(f)\nif True:\n    check_b(g)\nassert check_b(\n    g,\n)")


def test_two_checks_in_one_cell_are_worth_two_checks():
    nb = _notebook(EXERCISE, "check_f(f)\ncheck_g(f)")
    tagged = tag_for_nbgrader(nb)
    assert tagged.cells[1].metadata["nbgrader"]["points"] == 2 * POINTS
    assert tagged.cells[1].metadata["nbgrader"]["grade_id"] == "f+g-tests"
    assert tagged.cells[0].metadata["nbgrader"]["grade_id"] == "f+g-answer"


def test_the_check_cell_may_follow_markdown():
    tagged = tag_for_nbgrader(_notebook(EXERCISE, "#md The check:", "check_f(f)"))
    assert tagged.cells[2].source == "assert check_f(f)"
    assert tagged.cells[1].metadata.get("nbgrader") is None


@pytest.mark.parametrize("sources, message", [
    ((EXERCISE + "\n\ncheck_f(f)",), r"cell 0.*without a check cell after it"),
    ((EXERCISE, EXERCISE.replace("f", "g"), "check_f(f)\ncheck_g(g)"),
     r"cell 0.*without a check cell after it"),
    ((EXERCISE, "print(f(2))"), r"cell 1.*without a `check_...\(...\)` call"),
])
def test_exercises_that_cannot_be_graded_are_refused(sources, message):
    with pytest.raises(GradingError, match=message):
        tag_for_nbgrader(_notebook(*sources), "planted.ipynb")


def test_course_folder_holds_the_config_and_one_assignment_per_notebook(tmp_path):
    paths = [p for p in NOTEBOOKS if p.stem.startswith(("00_", "03_"))]
    config = ROOT / "nbgrader_config.py"
    (tmp_path / "source" / "old").mkdir(parents=True)  # a previous build's assignment goes
    written = write_course(paths, tmp_path, config)
    assert sorted(written) == ["00_start_here", "03_activation_layers"]
    assert sorted(p.name for p in (tmp_path / "source").iterdir()) == sorted(written)
    text = (tmp_path / "nbgrader_config.py").read_text(encoding="utf-8")
    assert text.startswith(config.read_text(encoding="utf-8"))
    assert "c.ClearOutput.enabled = False" in text
    one = write_course(paths, tmp_path, config, assignment="week1")
    assert list(one) == ["week1"] and len(one["week1"]) == 2
    for target in one["week1"]:
        assert total_points(nbformat.read(target, as_version=4)) == 2 * POINTS
