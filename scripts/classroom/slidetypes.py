"""Slide types for the notebooks, so each one presents as a sensible reveal.js deck.

The rules (a cell whose `metadata.slideshow.slide_type` is already set keeps it: an author's
choice wins over the rules):

- a markdown cell that starts with a `#` or `##` heading starts a new slide (`split_at_headings`
  first cuts a markdown cell before every `#`, `##` or `###` heading inside it, so a new topic
  such as `## Summary` never starts halfway down the previous topic's slide);
- one that starts with a `###`-or-deeper heading starts a sub-slide (a slide below, in
  reveal.js's vertical direction);
- other prose starts a sub-slide (one idea per slide), unless it follows a cell that holds only
  a heading: then it continues that heading's slide;
- a code cell after prose is a fragment: the prose shows first, the code with its output
  appears on the next key press;
- the check cell after an exercise's solution cell stays on the exercise's slide; any other
  code cell after a code cell starts a sub-slide;
- empty cells are skipped.

`split_at_headings` and `assign_slide_types` apply the rules to a notebook (`make slide-types`
stores the result); `AutoSlideTypes` does both as an nbconvert preprocessor, so `make slides`
uses them even on notebooks written without them.
"""

import re

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell

from classroom.student import BEGIN

HEADING = re.compile(r"^(#{1,6})\s")
FENCE = re.compile(r"^\s*(```|~~~)")  # a fenced code block opens or closes (its `#` is code)
NBVAL_MARKER = re.compile(r"^\s*#\s*NBVAL_[A-Z_]+\s*$")


def _heading_level(source):
    """The level of the heading `source` starts with (1-6), or 0 for prose."""
    match = HEADING.match(source.lstrip())
    return len(match.group(1)) if match else 0


def _sections(source):
    """`source` cut before every `#`-`###` heading line that is not inside a code fence."""
    parts, current, in_fence = [], [], False
    for line in source.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        level = 0 if in_fence else _heading_level(line)
        if 1 <= level <= 3 and any(text.strip() for text in current):
            parts.append("\n".join(current).strip("\n"))
            current = []
        current.append(line)
    parts.append("\n".join(current).strip("\n"))
    return parts


def split_at_headings(nb):
    """Cut nb's markdown cells before each `#`-`###` heading they hold (in place) -> cells added.

    The text is unchanged, only spread over more cells, so the notebook reads the same. A new
    cell has no slide type (assign_slide_types then makes it a slide, or a sub-slide for `###`)
    and an id derived from the cell it came from.
    """
    cells, ids, added = [], {cell.get("id") for cell in nb.cells}, 0
    for cell in nb.cells:
        parts = _sections(cell.source) if cell.cell_type == "markdown" else [cell.source]
        if len(parts) == 1:
            cells.append(cell)
            continue
        cell.source = parts[0]
        cells.append(cell)
        for number, part in enumerate(parts[1:], start=1):
            new = new_markdown_cell(part)
            if "id" in cell:
                new_id = f"{cell.id}-{number}"
                while new_id in ids:
                    new_id += "x"
                new.id = new_id
                ids.add(new_id)
            else:
                del new["id"]  # an nbformat 4.4 notebook has no cell ids
            cells.append(new)
            added += 1
    nb.cells = cells
    return added


def _heading_only(cell):
    """True for a markdown cell made of heading lines alone (e.g. just `## Exercises`)."""
    lines = [line for line in cell.source.splitlines() if line.strip()]
    return cell.cell_type == "markdown" and bool(lines) and all(
        HEADING.match(line) for line in lines)


def _has_solution(cell):
    return cell.cell_type == "code" and any(
        line.strip() == BEGIN for line in cell.source.splitlines())


def slide_type_for(cell, previous):
    """The slide type of `cell` by the rules above; `previous` is the cell before (or None)."""
    if not cell.source.strip():
        return "skip"
    if previous is None:
        return "slide"  # the first cell opens the deck
    if cell.cell_type == "markdown":
        level = _heading_level(cell.source)
        if 1 <= level <= 2:
            return "slide"
        if level >= 3:
            return "subslide"
        if _heading_only(previous):
            return "-"
        return "subslide"
    if cell.cell_type == "code":
        if previous.cell_type == "markdown":
            return "fragment"
        if _has_solution(previous):
            return "-"
        return "subslide"
    return "-"  # raw cells: shown where they are


def current_slide_type(cell):
    """The slide type stored in the cell's metadata, or None."""
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def assign_slide_types(nb, overwrite=False):
    """Set `metadata.slideshow.slide_type` on nb's cells (in place); returns how many changed.

    overwrite=False keeps every slide type that is already set.
    """
    changed, previous = 0, None
    for cell in nb.cells:
        wanted = slide_type_for(cell, previous)
        if cell.source.strip():
            previous = cell  # skipped (empty) cells do not separate prose from its code
        if current_slide_type(cell) is not None and not overwrite:
            continue
        if current_slide_type(cell) != wanted:
            cell.metadata.setdefault("slideshow", NotebookNode())["slide_type"] = wanted
            changed += 1
    return changed


class AutoSlideTypes(Preprocessor):
    """nbconvert preprocessor: split cells at headings, fill in the slide types not set."""

    def preprocess(self, nb, resources):
        split_at_headings(nb)
        assign_slide_types(nb, overwrite=False)
        return nb, resources


class StripTestMarkers(Preprocessor):
    """nbconvert preprocessor: drop nbval's marker comments (`# NBVAL_IGNORE_OUTPUT`, ...).

    They tell the test runner how to compare outputs and mean nothing to a reader of slides or
    handouts. Only whole lines that hold just such a comment are removed.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            lines = cell.source.splitlines()
            kept = [line for line in lines if not NBVAL_MARKER.match(line)]
            if len(kept) != len(lines):
                cell.source = "\n".join(kept)
        return cell, resources
