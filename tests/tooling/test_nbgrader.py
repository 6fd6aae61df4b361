"""nbgrader's solution-clearing step (ClearSolutions) makes the student copies `make student` makes.

nbgrader is an optional extra (`pip install -e ".[nbgrader]"`; `make test-nbgrader` installs
it in build/nbgrader-venv and runs this file). Without it these tests skip, unless
NBGRADER_REQUIRED=1 (set by `make test-nbgrader`) turns the skip into a failure. The copies of
notebooks 00 and 04 are run; all of them with CLASSROOM_STUDENT_ALL=1 (`make test-nbgrader`).
"""

import os
import runpy
import sys
from pathlib import Path

import nbformat
import pytest

from tests.notebooks.test_classroom_student import (
    NOTEBOOKS,
    STUB_LINE,
    STUDENT_RUNS,
    _errors,
    _ids,
    _run,
    _stdout_lines,
)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from classroom.student import check_cells, make_student_copy  # noqa: E402

if os.environ.get("NBGRADER_REQUIRED") != "1":
    pytest.importorskip("nbgrader", reason="nbgrader is not installed (the extra `nbgrader`; "
                        "`make test-nbgrader` installs it and runs these tests)")


def _config():
    """The repository's nbgrader_config.py, read as nbgrader reads it."""
    from traitlets.config import Config

    config = Config()
    runpy.run_path(str(ROOT / "nbgrader_config.py"), init_globals={"get_config": lambda: config})
    return config


def nbgrader_copy(path):
    """The notebook after nbgrader's ClearSolutions, configured by nbgrader_config.py.

    enforce_metadata=False: our solution cells carry no nbgrader cell metadata (nbgrader's
    Create Assignment toolbar adds it when an instructor marks the cells for grading).
    """
    from nbgrader.preprocessors import ClearSolutions

    nb = nbformat.read(path, as_version=4)
    clear = ClearSolutions(config=_config(), enforce_metadata=False)
    nb, _ = clear.preprocess(nb, {})
    return nb


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_nbgrader_stubs_equal_make_student(path):
    ours = make_student_copy(nbformat.read(path, as_version=4), path.name)
    theirs = nbgrader_copy(path)
    assert len(theirs.cells) == len(ours.cells)
    for index, (mine, nbg) in enumerate(zip(ours.cells, theirs.cells)):
        # nbgrader joins lines with "\n" and so drops nothing but a final newline we keep
        assert nbg.source.rstrip("\n") == mine.source.rstrip("\n"), f"{path.name}, cell {index}"


# Notebooks 00 and 04, or all of them with CLASSROOM_STUDENT_ALL=1 (as `make test-nbgrader`).
@pytest.mark.parametrize("path", STUDENT_RUNS, ids=_ids(STUDENT_RUNS))
def test_nbgrader_copy_runs_and_every_check_says_not_implemented(path, monkeypatch):
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    student = _run(nbgrader_copy(path))
    assert not _errors(student), f"{path.name} (nbgrader copy): {_errors(student)}"
    checks = check_cells(nbformat.read(path, as_version=4), path.name)
    for index in checks:
        lines = _stdout_lines(student.cells[index])
        assert lines and all(STUB_LINE.match(line) for line in lines), (path.name, index, lines)
