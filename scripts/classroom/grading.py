"""An nbgrader course folder: the notebooks with their exercise and check cells tagged for grading.

In each copy
- every exercise cell (one with `# BEGIN SOLUTION`) is an "Autograded answer" (nbgrader cell
  metadata `solution: true`);
- its check cell (the next code cell, as in `make student`) is "Autograded tests", locked and
  worth POINTS per check, with `assert ` put in front of each `check_...(...)` call: our checks
  print their line and return True or False without raising, and nbgrader counts a test cell
  as passed exactly when it raises nothing.
The outputs of those cells are cleared (a release copy shows no OK it has not earned); every
other output stays, so students see the figures and results the text talks about (the course's
nbgrader_config.py turns off nbgrader's ClearOutput). nbgrader's ClearSolutions then makes the
stubs `make student` makes.

The folder, made by `make nbgrader-course`:

    nbgrader_config.py            the repository's, plus the course settings below
    source/<assignment>/*.ipynb   one assignment per notebook, or ASSIGNMENT=name for all in one
"""

import ast
import copy
import shutil
from pathlib import Path

import nbformat

from classroom.student import _check_after, _clear, _where, solution_cells

POINTS = 10  # per check: docs/instructors.md, "Exercises: time and points"
SCHEMA_VERSION = 3  # nbgrader's cell metadata format (nbgrader 0.6 and later)

# Appended to the repository's nbgrader_config.py in the course folder.
COURSE_SETTINGS = '''
# The course folder's settings (scripts/classroom/grading.py):
# keep the outputs of every cell but the exercise and check cells (already cleared), so the
# release copies show the figures and printed results the text refers to.
c.ClearOutput.enabled = False
# nbgrader's default of 30 s per cell is close to the longest training cells on a busy grading
# machine (a whole notebook takes about 20 s on an idle one).
c.Execute.timeout = 300
'''


class GradingError(ValueError):
    """A notebook whose exercises cannot be tagged; the message names the notebook and cell."""


def _check_calls(source):
    """The top-level statements of `source` that are calls of a function named check_..."""
    calls = []
    for node in ast.parse(source).body:
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name)
                and node.value.func.id.startswith("check_")):
            calls.append(node)
    return calls


def assert_checks(source, where="cell"):
    """Return (new_source, names): `assert ` before each top-level `check_...(...)` call."""
    calls = _check_calls(source)
    if not calls:
        raise GradingError(f"{where}: a check cell without a `check_...(...)` call to grade")
    lines = source.split("\n")
    for node in calls:
        line = lines[node.lineno - 1]
        lines[node.lineno - 1] = line[: node.col_offset] + "assert " + line[node.col_offset:]
    return "\n".join(lines), [node.value.func.id for node in calls]


def _metadata(grade_id, solution, points=None):
    meta = {"grade": points is not None, "grade_id": grade_id, "locked": points is not None,
            "schema_version": SCHEMA_VERSION, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def tag_for_nbgrader(nb, name="notebook"):
    """Return a copy of `nb` with its exercise and check cells tagged for nbgrader.

    nb: a nbformat v4 notebook (left unchanged). name: its file name, for error messages.
    grade ids: `<check>-answer` and `<check>-tests`, after the check's name without `check_`
    (e.g. `leaky_relu-answer`). Raises GradingError for an exercise without its own check cell.
    """
    solutions = solution_cells(nb, name)
    tagged = copy.deepcopy(nb)
    for index in solutions:
        check = _check_after(nb.cells, index, solutions)
        if check is None:
            raise GradingError(
                f"{_where(name, index, nb.cells[index])}: an exercise cell without a check cell "
                "after it (the next code cell calls the check; keep the two apart)")
        test = tagged.cells[check]
        test.source, names = assert_checks(test.source, _where(name, check, test))
        grade_id = "+".join(n.removeprefix("check_") for n in names)
        tagged.cells[index].metadata["nbgrader"] = _metadata(f"{grade_id}-answer", True)
        test.metadata["nbgrader"] = _metadata(f"{grade_id}-tests", False, POINTS * len(names))
        _clear(tagged.cells[index])
        _clear(test)
    return tagged


def total_points(nb):
    """The points of the notebook's autograded test cells."""
    return sum(cell.metadata.get("nbgrader", {}).get("points", 0) for cell in nb.cells)


def write_course(paths, course_dir, config_path, assignment=None):
    """Write the nbgrader course folder; returns {assignment: [notebook paths]}.

    paths: the notebooks. course_dir: the folder (its source/ is replaced). config_path: the
    repository's nbgrader_config.py. assignment: one assignment holding every notebook, or None
    for one assignment per notebook, named after it (`03_activation_layers`).
    Every notebook is tagged before anything is written.
    """
    course_dir = Path(course_dir)
    tagged = []
    for path in sorted(Path(p) for p in paths):
        nb = tag_for_nbgrader(nbformat.read(path, as_version=4), path.name)
        tagged.append((assignment or path.stem, path.name, nb))
    shutil.rmtree(course_dir / "source", ignore_errors=True)
    course_dir.mkdir(parents=True, exist_ok=True)
    config = Path(config_path).read_text(encoding="utf-8") + COURSE_SETTINGS
    (course_dir / "nbgrader_config.py").write_text(config, encoding="utf-8")
    written = {}
    for name, filename, nb in tagged:
        target = course_dir / "source" / name / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        written.setdefault(name, []).append(target)
    return written
