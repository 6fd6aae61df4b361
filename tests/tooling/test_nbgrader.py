"""nbgrader's solution-clearing step (ClearSolutions) makes the student copies `make student` makes.

nbgrader is an optional extra (`pip install -e ".[nbgrader]"`; `make test-nbgrader` installs
it in build/nbgrader-venv and runs this file). Without it these tests skip, unless
NBGRADER_REQUIRED=1 (set by `make test-nbgrader`) turns the skip into a failure. The copies of
notebooks 00 and 04 are run; all of them with CLASSROOM_STUDENT_ALL=1 (`make test-nbgrader`).
"""

import os
import runpy
import shutil
import subprocess
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

from classroom.grading import write_course  # noqa: E402
from classroom.student import BEGIN, END, check_cells, make_student_copy  # noqa: E402

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


# The README's walkthrough, run: `make nbgrader-course`'s tagged copies through nbgrader's
# generate, release, fetch, submit, collect, autograde and feedback steps. nbgrader's exchange
# names a student after the login name, so the student who solved everything is the user
# running the tests; a second one, "bob", hands in through the other route (an LMS's downloads
# put in submitted/bob/, as `nbgrader zip_collect` does). In notebook 03 bob makes a plausible
# mistake; with CLASSROOM_STUDENT_ALL=1 (`make test-nbgrader`) also every notebook in one
# assignment, which bob hands in untouched (full points when solved, 0 when not).
WALKTHROUGHS = {"03": [p for p in NOTEBOOKS if p.stem == "03_activation_layers"]}
if os.environ.get("CLASSROOM_STUDENT_ALL") == "1":
    WALKTHROUGHS["all"] = NOTEBOOKS
ASSIGNMENT = "homework"
# The mistake: tanh's derivative without the square (1 - tanh instead of 1 - tanh**2).
RIGHT, WRONG = "dout * (1 - self.out**2)", "dout * (1 - self.out)"


def _nbgrader(*args, cwd, exchange):
    """Run an nbgrader command (one course, "backprop", with its exchange in `exchange`)."""
    bin_dir = str(Path(sys.executable).parent)  # nbgrader calls alembic from PATH
    env = dict(os.environ, PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1",
               PATH=bin_dir + os.pathsep + os.environ["PATH"])
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args, f"--Exchange.root={exchange}",
         "--CourseDirectory.course_id=backprop"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"nbgrader {' '.join(args)}:\n{done.stderr[-4000:]}"
    return done


def _solution(source):
    """The instructor's code without the markers: what a student who solved it hands in."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in (BEGIN, END))


def _hand_in(folder, notebooks, solved, edit=lambda source: source):
    """Fill the answer cells of the copies in `folder` with the solutions (solved=True)."""
    for path in notebooks:
        nb = nbformat.read(folder / path.name, as_version=4)
        source = nbformat.read(path, as_version=4)
        for mine, theirs in zip(nb.cells, source.cells):
            if solved and mine.metadata.get("nbgrader", {}).get("solution"):
                mine.source = edit(_solution(theirs.source))
        nbformat.write(nb, folder / path.name)


@pytest.mark.parametrize("walkthrough", list(WALKTHROUGHS))
def test_the_walkthrough_grades_a_right_and_a_wrong_submission(walkthrough, tmp_path):
    from nbgrader.api import Gradebook
    from nbgrader.utils import get_username

    notebooks = WALKTHROUGHS[walkthrough]

    course, exchange, home = tmp_path / "course", tmp_path / "exchange", tmp_path / "home"
    exchange.mkdir()
    exchange.chmod(0o777)
    home.mkdir()
    write_course(notebooks, course, ROOT / "nbgrader_config.py", assignment=ASSIGNMENT)
    run = dict(exchange=exchange)
    _nbgrader("generate_assignment", ASSIGNMENT, cwd=course, **run)
    _nbgrader("release_assignment", ASSIGNMENT, cwd=course, **run)
    # the student who solved everything, through the exchange
    _nbgrader("fetch_assignment", ASSIGNMENT, cwd=home, **run)
    _hand_in(home / ASSIGNMENT, notebooks, solved=True)
    _nbgrader("submit", ASSIGNMENT, cwd=home, **run)
    _nbgrader("collect", ASSIGNMENT, cwd=course, **run)
    # bob, from the release copy, by hand
    one = walkthrough == "03"
    bob = course / "submitted" / "bob" / ASSIGNMENT
    shutil.copytree(course / "release" / ASSIGNMENT, bob)
    _hand_in(bob, notebooks, solved=one, edit=lambda source: source.replace(RIGHT, WRONG))
    _nbgrader("autograde", ASSIGNMENT, cwd=course, **run)

    ada = get_username()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission(ASSIGNMENT, s).score for s in (ada, "bob")}
        total = gradebook.find_assignment(ASSIGNMENT).max_score
    checks = sum(len(check_cells(nbformat.read(p, as_version=4))) for p in notebooks)
    assert total == 10 * checks
    assert scores == {ada: total, "bob": total - 10 if one else 0}, (scores, total)

    _nbgrader("generate_feedback", ASSIGNMENT, cwd=course, **run)
    # through the exchange to the student who submitted there; bob's HTML goes back the way his
    # work came (feedback/bob/)
    _nbgrader("release_feedback", ASSIGNMENT, f"--student={ada}", cwd=course, **run)
    _nbgrader("fetch_feedback", ASSIGNMENT, cwd=home, **run)
    fetched = "".join(f.read_text(encoding="utf-8")
                      for f in (home / ASSIGNMENT / "feedback").glob("*/*.html"))
    bobs = "".join(f.read_text(encoding="utf-8")
                   for f in (course / "feedback" / "bob" / ASSIGNMENT).glob("*.html"))
    assert len(list((home / ASSIGNMENT / "feedback").glob("*/*.html"))) == len(notebooks)
    assert "not yet" not in fetched and fetched.count(": OK") >= checks
    assert len(list((course / "feedback" / "bob" / ASSIGNMENT).glob("*.html"))) == len(notebooks)
    if one:  # the check's own lines tell bob what is right and what is wrong
        assert "(Score: 20.0 / 20.0)" in fetched and "(Score: 10.0 / 20.0)" in bobs
        assert "LeakyRelu: OK" in bobs
        assert "Tanh: not yet - the derivative is 1 - y**2 (squared), not 1 - y" in bobs
    else:
        assert ": OK" not in bobs
