"""Presentation metadata of the notebooks, stored by a script so that it can be re-run.

`make slide-metadata` (`python -m classroom metadata --write`) changes cell metadata only, never
a cell's source, so nbval and the lessons are untouched:

- **Imports off the slides.** A code cell that only imports (and sets `%matplotlib inline`)
  and prints nothing gets `slideshow.slide_type = "skip"`: decks and RISE leave it out, the
  notebook still runs it. Decks 05-12 no longer spend a fragment or slide on imports.
- **Drawing helpers: output only.** A cell that defines a drawing helper and draws with it,
  or whose plotting code is too long to share a slide with its figure, gets the tag
  `hide-input` (the exports drop its code and keep its figure: export.HideInput; in RISE,
  notebooks/rise.css hides the code of a cell with the class jupyterlab-celltagsclasses gives
  it, cell-tag-hide-input, while JupyterLab's notebook view keeps showing it).
  Not `jupyter.source_hidden`: that collapses the code in the learners' notebook too, and RISE
  draws a collapsed cell's one-line placeholder up to 926 px wider than the view. One that only
  defines a helper and shows nothing is skipped like an import cell.
- **Speaker notes.** The questions to ask the room while moving each notebook's widget, the
  **Widget:** paragraph of its section in docs/instructors.md, go into `speaker_notes` of the
  cell that starts the section it names; the exported decks show them in reveal.js's speaker
  view (key S; templates/offline_reveal puts them in an `<aside class="notes">`).
- **RISE's slides start at the top.** The notebook's `rise` metadata sets `center: false`:
  RISE (jupyterlab-rise) centres a slide once, when it is shown, and never again, so a
  solution or answer opened on the slide grew below the view (by up to 177 px at 27 px prose);
  from the top, what fits the view once opened stays in it. (The exported decks re-centre
  when a `<details>` opens: templates/offline_reveal.)
- **Splits.** Cells named in splits.json (code or markdown) start a sub-slide instead of
  being a fragment of the slide before, where prose, code and output together run below the
  1280x720 view (classroom/fit.py finds them).

Cells are found by their content (a line of their source), not by index or id, so that edits
elsewhere in a notebook, new cells and renumbered notebooks (`12_autograd` becoming
`13_autograd`) do not matter: rules are keyed by the notebook's name without its number.
A notebook without rules is left alone (it still exports: the slide rules of slidetypes.py
apply to it). A rule whose cell is not found is reported, never guessed.
"""

import json
import re
from pathlib import Path

import nbformat

HIDE_INPUT = "hide-input"
SETUP_LINE = re.compile(r"^\s*(import \S|from \S+ import |%matplotlib|#|$|\)|[\w\s,]+,?\s*\)?$)")

# Rules per notebook (name without its number): helper cells by a line they contain.
HELPERS = {
    "computational_graphs": ["def chain_graph(", "def node_graph("],
    "affine_softmax": ["def draw_equation("],
    "weight_init": ["def plot_histograms("],
    # cells of plotting code whose figure is the point: the code alone is taller than a slide
    # beside its figure (classroom/fit.py reports such a cell)
    "mnist_training": ["losses = np.array(trainer.train_loss_list)"],
    "optimizers": ["def smooth(values, window=25):"],
}
# Cells that start a sub-slide of their own (by a line they contain), so their slide fits the
# 1280x720 view: a code cell (a widget, a listing with its figure) after prose that, with the
# code and its output, ran below the view. splits.json holds them per notebook; `python -m
# classroom fit --write` (classroom/fit.py) measures the decks in Chromium and adds the ones a
# slide needs (it also cuts a markdown cell taller than the view into two in the notebook).
SPLITS_FILE = Path(__file__).with_name("splits.json")
# RISE's settings for every notebook (notebook metadata `rise`, read by jupyterlab-rise over its
# own settings): see the module's docstring.
RISE = {"center": False}


def load_splits():
    """{notebook name: [line, ...]} from splits.json."""
    return json.loads(SPLITS_FILE.read_text(encoding="utf-8"))


SPLITS = load_splits()
KNOWN = {
    "start_here", "computational_graphs", "simple_layers", "activation_layers",
    "affine_softmax", "gradient_check", "build_the_network", "mnist_training", "optimizers",
    "weight_init", "batch_norm", "regularisation", "convolutions", "autograd",
}


def series_name(path):
    """'autograd' for notebooks/12_autograd.ipynb (and for 13_autograd.ipynb)."""
    stem = Path(path).stem
    return stem.split("_", 1)[1] if re.match(r"^\d+_", stem) else stem


def is_setup_imports(cell):
    """A code cell of imports (and %matplotlib) only, with at least one import line."""
    lines = cell.source.splitlines()
    return (cell.cell_type == "code" and any(re.match(r"\s*(import|from) ", text) for text in lines)
            and all(SETUP_LINE.match(line) for line in lines))


def _set(cell, path, value, changes, what):
    """Set cell.metadata at the dotted `path` to value; note the change."""
    node = cell.metadata
    *parents, key = path.split(".")
    for name in parents:
        node = node.setdefault(name, {})
    if node.get(key) != value:
        node[key] = value
        changes.append(what)


def _find(nb, line, kinds=("code",)):
    """Indices of the cells of the kinds `kinds` with a line that starts with `line` (stripped)."""
    return [i for i, cell in enumerate(nb.cells) if cell.cell_type in kinds and
            any(text.strip().startswith(line) for text in cell.source.splitlines())]


GUIDE = Path(__file__).resolve().parents[2] / "docs" / "instructors.md"
GUIDE_SECTION = re.compile(r"^## (\d\d) · ", re.M)


def guide_notes(text):
    """{notebook number: (section named, notes)}: each notebook section's **Widget:** block of
    the instructors' guide (the paragraph and its questions, up to the next bold paragraph)."""
    found = {}
    starts = list(GUIDE_SECTION.finditer(text))
    for here, nxt in zip(starts, starts[1:] + [None]):
        body = text[here.end(): nxt.start() if nxt else len(text)]
        block = re.search(r"^\*\*Widgets?:\*\*.*?(?=^\*\*|\Z)", body, re.S | re.M)
        if block:
            notes = block.group(0).strip()
            named = re.findall(r'in "([^"]+)"', notes)
            found[here.group(1)] = (named, notes)
    return found


def _heading_cell(nb, section):
    """Index of the markdown cell that starts with a heading whose text is `section`."""
    for index, cell in enumerate(nb.cells):
        first = cell.source.lstrip().splitlines()[:1] if cell.cell_type == "markdown" else []
        if first and re.match(r"^#+\s+" + re.escape(section) + r"\s*$", first[0]):
            return index
    return None


def apply_notes(nb, number, notes_by_number, changes, problems):
    if number not in notes_by_number:
        return
    named, notes = notes_by_number[number]
    for section in named:
        index = _heading_cell(nb, section)
        if index is not None:
            _set(nb.cells[index], "speaker_notes", notes, changes,
                 f"cell {index}: speaker notes for {section!r}")
            return
    problems.append(f"speaker notes: no heading {named} in the notebook")


def apply_metadata(nb, name, number=None, notes_by_number=None, splits=None):
    """Apply the rules for the notebook `name` (series_name) to nb in place; number (its "05")
    and notes_by_number (guide_notes) add the speaker notes; splits: the splits to use instead
    of splits.json's (classroom/fit.py passes the ones it is adding).

    Returns (changes, problems): descriptions of what changed, and of rules that found no cell.
    """
    changes, problems = [], []
    if name not in KNOWN:
        return changes, [f"no rules for {name!r}: left as it is"]
    if nb.metadata.get("rise") != RISE:
        nb.metadata["rise"] = dict(RISE)
        changes.append("notebook: RISE slides start at the top")
    if notes_by_number:
        apply_notes(nb, number, notes_by_number, changes, problems)
    for index, cell in enumerate(nb.cells):
        if is_setup_imports(cell) and not cell.get("outputs"):
            _set(cell, "slideshow.slide_type", "skip", changes, f"cell {index}: imports skipped")
    for line in HELPERS.get(name, []):
        found = _find(nb, line)
        if not found:
            problems.append(f"helper {line!r}: no code cell has it")
        for index in found:
            cell = nb.cells[index]
            if cell.get("outputs"):
                tags = cell.metadata.get("tags", [])
                if HIDE_INPUT not in tags:
                    cell.metadata["tags"] = [*tags, HIDE_INPUT]
                    changes.append(f"cell {index}: {line} tagged {HIDE_INPUT}")
            else:
                _set(cell, "slideshow.slide_type", "skip", changes,
                     f"cell {index}: {line} (no output) skipped")
    for line in (SPLITS if splits is None else splits).get(name, []):
        found = _find(nb, line, kinds=("code", "markdown"))
        if len(found) != 1:
            problems.append(f"split {line!r}: {len(found)} cells have it, expected 1")
            continue
        _set(nb.cells[found[0]], "slideshow.slide_type", "subslide", changes,
             f"cell {found[0]}: {line} starts a sub-slide")
    return changes, problems


def apply_to_files(paths, write=False, log=print):
    """Apply the rules to each notebook file; write it when write=True and it changed.

    Returns the number of notebooks that needed (or got) changes.
    """
    changed = 0
    notes = guide_notes(GUIDE.read_text(encoding="utf-8")) if GUIDE.exists() else {}
    for path in sorted(Path(p) for p in paths):
        nb = nbformat.read(path, as_version=4)
        changes, problems = apply_metadata(nb, series_name(path), Path(path).stem[:2], notes)
        for problem in problems:
            log(f"{path}: {problem}")
        if changes:
            changed += 1
            for change in changes:
                log(f"{path}: {change}")
            if write:
                nbformat.write(nb, path)
        else:
            log(f"{path}: metadata as the rules say")
    return changed
