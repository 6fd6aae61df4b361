"""Slide types for the notebooks, so each one presents as a sensible reveal.js deck.

The rules (a cell whose `metadata.slideshow.slide_type` is already set keeps it: an author's
choice wins over the rules):

- a markdown cell that starts with a `#` or `##` heading, or contains a `##` heading (a new
  topic such as `## Summary`), starts a new slide;
- one that starts with a `###`-or-deeper heading starts a sub-slide (a slide below, in
  reveal.js's vertical direction);
- other prose starts a sub-slide (one idea per slide), unless it follows a cell that holds only
  a heading: then it continues that heading's slide;
- a code cell after prose is a fragment: the prose shows first, the code with its output
  appears on the next key press;
- the check cell after an exercise's solution cell stays on the exercise's slide; any other
  code cell after a code cell starts a sub-slide;
- empty cells are skipped.

`assign_slide_types` applies the rules to a notebook; `AutoSlideTypes` is the same as an
nbconvert preprocessor, so `make slides` uses them even on notebooks written without them.
"""

import re

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode

from classroom.student import BEGIN

HEADING = re.compile(r"^(#{1,6})\s")
H2_ANYWHERE = re.compile(r"^##\s", re.MULTILINE)
NBVAL_MARKER = re.compile(r"^\s*#\s*NBVAL_[A-Z_]+\s*$")


def _heading_level(source):
    """The level of the heading `source` starts with (1-6), or 0 for prose."""
    match = HEADING.match(source.lstrip())
    return len(match.group(1)) if match else 0


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
        if 1 <= level <= 2 or H2_ANYWHERE.search(cell.source):
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
    """nbconvert preprocessor: fill in the slide types that the notebook does not set."""

    def preprocess(self, nb, resources):
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
