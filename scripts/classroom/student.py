"""Student copies: every solution region replaced by a stub, its outputs cleared.

In a code cell, the lines from `# BEGIN SOLUTION` to `# END SOLUTION` (each marker alone on its
line, indented like the code it encloses) become

    # YOUR CODE HERE
    raise NotImplementedError

at the BEGIN marker's indentation. The outputs and execution counts of that cell and of the
check cell after it (the next code cell, past any markdown in between, unless that one holds a
solution too) are cleared, so a student copy shows no answers and no OK line it has not earned;
every other cell, output and metadata is kept as it is.

Markers that do not pair up (an END without a BEGIN, a BEGIN without an END, a BEGIN inside a
region, an END indented differently from its BEGIN) raise SolutionMarkerError naming the
notebook and the cell, rather than producing a half-stubbed copy.
"""

import copy
import re
from pathlib import Path

import nbformat

BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError")


class SolutionMarkerError(ValueError):
    """Unbalanced or misplaced solution markers; the message names the notebook and cell."""


def _where(name, index, cell):
    """'notebook 03_activation_layers.ipynb, cell 14 (id abc)' for error messages."""
    cell_id = cell.get("id")
    return f"notebook {name}, cell {index}" + (f" (id {cell_id})" if cell_id else "")


def _indent(line):
    return line[: len(line) - len(line.lstrip())]


def stub_source(source, where="cell"):
    """Return (new_source, n_regions): `source` with each solution region replaced by the stub.

    source: the text of one code cell. where: the place named in errors (notebook and cell).
    Raises SolutionMarkerError for markers that do not pair up.
    """
    out, begin, count = [], None, 0  # begin: (line number, indentation) of the open region
    for number, line in enumerate(source.splitlines(), start=1):
        text = line.strip()
        if text == BEGIN:
            if begin is not None:
                raise SolutionMarkerError(
                    f"{where}: line {number} opens a solution region inside the region opened "
                    f"on line {begin[0]}; close it with `{END}` first")
            begin, count = (number, _indent(line)), count + 1
            out.extend(begin[1] + stub_line for stub_line in STUB)
        elif text == END:
            if begin is None:
                raise SolutionMarkerError(
                    f"{where}: line {number} has `{END}` without a `{BEGIN}` before it")
            if _indent(line) != begin[1]:
                raise SolutionMarkerError(
                    f"{where}: `{END}` on line {number} is indented {len(_indent(line))} "
                    f"characters, its `{BEGIN}` on line {begin[0]} {len(begin[1])}; "
                    "indent both like the code they enclose")
            begin = None
        elif begin is None:
            out.append(line)
    if begin is not None:
        raise SolutionMarkerError(
            f"{where}: `{BEGIN}` on line {begin[0]} has no `{END}` after it")
    # Keep a final newline if the cell had one (splitlines drops it).
    return "\n".join(out) + ("\n" if source.endswith("\n") else ""), count


def solution_cells(nb, name="notebook"):
    """Indices of the code cells that contain solution regions (markers checked)."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            _, count = stub_source(cell.source, _where(name, index, cell))
            if count:
                found.append(index)
    return found


def _check_after(cells, index, solutions):
    """Index of the check cell of the solution cell `index`, or None."""
    for nxt in range(index + 1, len(cells)):
        if cells[nxt].cell_type == "code":
            return None if nxt in solutions else nxt
    return None


def check_cells(nb, name="notebook"):
    """Indices of the check cells: the first code cell after each solution cell."""
    solutions = solution_cells(nb, name)
    found = [_check_after(nb.cells, index, solutions) for index in solutions]
    return sorted({index for index in found if index is not None})


def _clear(cell):
    cell.outputs = []
    cell.execution_count = None
    # Per-cell timing metadata would tell when the solution ran; it is not part of a stub.
    cell.metadata.pop("execution", None)


ANSWER = re.compile(r"\n*<details><summary>Answer.*?</details>", re.S)


def strip_answers(source):
    """Markdown without its answer blocks (`<details><summary>Answer ...</details>`)."""
    return ANSWER.sub("", source)


def make_student_copy(nb, name="notebook", answers=True):
    """Return a new notebook: solution regions stubbed, their cells' and checks' outputs cleared.

    nb: a nbformat v4 notebook (left unchanged). name: its file name, for error messages.
    answers=False also removes the answers to the questions to think about (for an instructor
    who hands them out later).
    """
    solutions = solution_cells(nb, name)  # checks every cell's markers first
    student = copy.deepcopy(nb)
    if not answers:
        for cell in student.cells:
            if cell.cell_type == "markdown":
                cell.source = strip_answers(cell.source)
    for index in solutions:
        cell = student.cells[index]
        cell.source, _ = stub_source(cell.source, _where(name, index, cell))
        _clear(cell)
    for index in check_cells(nb, name):
        _clear(student.cells[index])
    return student


def top_level_regions(nb, name="notebook"):
    """Indices of cells with a solution region at indentation 0.

    Such a stub raises NotImplementedError when its cell runs (and the check cell after it
    then meets an undefined name) instead of defining a function or class that raises when
    the check calls it.
    """
    found = []
    for index in solution_cells(nb, name):
        lines = nb.cells[index].source.splitlines()
        if any(line == BEGIN for line in lines):
            found.append(index)
    return found


def write_student_copies(paths, out_dir, keep_existing=False, answers=True):
    """Write the student copy of each notebook in `paths` to `out_dir`; returns the new paths.

    All notebooks are transformed before anything is written, so a marker error leaves no
    partial set of copies behind. keep_existing=True leaves a notebook that is already in
    out_dir alone (a learner's work there is never overwritten); answers=False removes the
    answer blocks of the questions (see `make_student_copy`).
    """
    out_dir = Path(out_dir)
    copies = []
    for path in sorted(Path(p) for p in paths):
        nb = nbformat.read(path, as_version=4)
        copies.append((out_dir / path.name, make_student_copy(nb, path.name, answers)))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for target, student in copies:
        if keep_existing and target.exists():
            continue
        nbformat.write(student, target)
        written.append(target)
    return written
