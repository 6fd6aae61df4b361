"""Classroom editions: the student-copy transformation, slide types, offline exports.

All offline: the exports are rendered in memory from notebook 00 and only their URLs are
inspected (the npm packages themselves are needed by `make slides`, not here).
"""

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from classroom.__main__ import main  # noqa: E402
from classroom.export import export_notebook, index_page, notebook_title  # noqa: E402
from classroom.slidetypes import (  # noqa: E402
    StripTestMarkers,
    assign_slide_types,
    split_at_headings,
)
from classroom.student import (  # noqa: E402
    SolutionMarkerError,
    check_cells,
    make_student_copy,
    stub_source,
    top_level_regions,
    write_student_copies,
)
from classroom.vendor import COPY, URLS  # noqa: E402

NOTEBOOK_00 = ROOT / "notebooks" / "00_start_here.ipynb"


def _executed(source, text="x: OK\n", count=1):
    cell = new_code_cell(source, execution_count=count)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    return cell


# --- the student copy -----------------------------------------------------------------------

def test_stub_keeps_indentation_of_nested_regions():
    source = "\n".join([
        "class Tanh:",
        "    def forward(self, x):",
        "        # BEGIN SOLUTION",
        "        self.y = np.tanh(x)",
        "        return self.y",
        "        # END SOLUTION",
        "",
        "    def backward(self, dout):",
        "        if dout is None:",
        "            # BEGIN SOLUTION",
        "            return None",
        "            # END SOLUTION",
        "        return dout",
    ])
    stubbed, count = stub_source(source)
    assert count == 2
    assert stubbed == "\n".join([
        "class Tanh:",
        "    def forward(self, x):",
        "        # YOUR CODE HERE",
        "        raise NotImplementedError",
        "",
        "    def backward(self, dout):",
        "        if dout is None:",
        "            # YOUR CODE HERE",
        "            raise NotImplementedError",
        "        return dout",
    ])
    namespace = {}
    exec(compile(stubbed, "<student>", "exec"), namespace)  # the stubbed cell still runs
    with pytest.raises(NotImplementedError):
        namespace["Tanh"]().forward(1.0)


def test_several_regions_in_one_cell_and_text_around_them_kept():
    source = ("def a():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n\n\n"
              "def b():\n    x = 2  # kept\n    # BEGIN SOLUTION\n    return x\n"
              "    # END SOLUTION\n")
    stubbed, count = stub_source(source)
    assert count == 2
    assert stubbed == ("def a():\n    # YOUR CODE HERE\n    raise NotImplementedError\n\n\n"
                       "def b():\n    x = 2  # kept\n    # YOUR CODE HERE\n"
                       "    raise NotImplementedError\n")


def test_source_without_markers_is_unchanged():
    source = "x = 1  # BEGIN SOLUTION is only a marker alone on its line\nprint(x)"
    assert stub_source(source) == (source, 0)


@pytest.mark.parametrize("source, message", [
    ("# END SOLUTION\nx = 1", "line 1 has `# END SOLUTION` without a `# BEGIN SOLUTION`"),
    ("def f():\n    # BEGIN SOLUTION\n    return 1", "on line 2 has no `# END SOLUTION`"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n# END SOLUTION",
     "line 2 opens a solution region inside the region opened on line 1"),
    ("def f():\n    # BEGIN SOLUTION\n    return 1\n# END SOLUTION", "indented 0 characters"),
])
def test_unbalanced_markers_name_the_notebook_and_cell(source, message):
    nb = new_notebook(cells=[new_markdown_cell("# T"), new_code_cell("x = 0"),
                             new_code_cell(source)])
    with pytest.raises(SolutionMarkerError) as info:
        make_student_copy(nb, "09_broken.ipynb")
    assert "notebook 09_broken.ipynb, cell 2" in str(info.value)
    assert message in str(info.value)


def test_student_copy_clears_solution_and_check_outputs_only():
    nb = new_notebook(cells=[
        new_markdown_cell("# Title"),
        _executed("print('intro')", "intro\n", 1),
        _executed("def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION", "", 2),
        _executed("check_f(f)", "f: OK\n", 3),
        new_markdown_cell("**2.** Another exercise"),
        _executed("def g():\n    # BEGIN SOLUTION\n    return 2\n    # END SOLUTION", "", 4),
        new_markdown_cell("The check compares g with ..."),  # prose between solution and check
        _executed("check_g(g)", "g: OK\n", 5),
        _executed("print('after')", "after\n", 6),
    ])
    nb.cells[2].metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z"}
    student = make_student_copy(nb, "t.ipynb")
    counts = [c.get("execution_count") for c in student.cells]
    assert counts == [None, 1, None, None, None, None, None, None, 6]
    assert student.cells[1].outputs[0].text == "intro\n"
    assert all(student.cells[i].outputs == [] for i in (2, 3, 5, 7))
    assert "execution" not in student.cells[2].metadata
    assert student.cells[8].outputs[0].text == "after\n"
    stub = "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError"
    assert student.cells[2].source == stub
    assert nb.cells[2].source.count("BEGIN SOLUTION") == 1  # the original is left unchanged
    assert check_cells(nb) == [3, 7]


def test_a_solution_cell_right_after_another_is_not_its_check():
    nb = new_notebook(cells=[new_code_cell("def f():\n    # BEGIN SOLUTION\n    pass\n"
                                           "    # END SOLUTION"),
                             new_code_cell("def g():\n    # BEGIN SOLUTION\n    pass\n"
                                           "    # END SOLUTION"),
                             new_code_cell("check_g(g)")])
    assert check_cells(nb) == [2]


def test_top_level_regions_are_found():
    nb = new_notebook(cells=[new_code_cell("# BEGIN SOLUTION\nx = 1\n# END SOLUTION"),
                             new_code_cell("def f():\n    # BEGIN SOLUTION\n    return 1\n"
                                           "    # END SOLUTION")])
    assert top_level_regions(nb) == [0]


def test_write_student_copies_writes_nothing_when_a_notebook_is_broken(tmp_path):
    good, bad = tmp_path / "01_good.ipynb", tmp_path / "02_bad.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), good)
    nbformat.write(new_notebook(cells=[new_code_cell("# BEGIN SOLUTION\nx = 1")]), bad)
    with pytest.raises(SolutionMarkerError, match="02_bad.ipynb, cell 0"):
        write_student_copies([good, bad], tmp_path / "out")
    assert not (tmp_path / "out").exists()
    written = write_student_copies([good], tmp_path / "out")
    assert [p.name for p in written] == ["01_good.ipynb"]
    mine = nbformat.read(written[0], as_version=4)
    mine.cells[0].source = "x = 42  # a learner's answer"
    nbformat.write(mine, written[0])
    assert write_student_copies([good], tmp_path / "out", keep_existing=True) == []
    assert "42" in nbformat.read(written[0], as_version=4).cells[0].source


def test_command_line_student(tmp_path, capsys):
    assert main(["student", str(NOTEBOOK_00), "--out", str(tmp_path / "student")]) == 0
    copy = nbformat.read(tmp_path / "student" / NOTEBOOK_00.name, as_version=4)
    assert "BEGIN SOLUTION" not in "".join(c.source for c in copy.cells)
    assert "# YOUR CODE HERE" in "".join(c.source for c in copy.cells)
    broken = tmp_path / "09_broken.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("# END SOLUTION")]), broken)
    assert main(["student", str(broken), "--out", str(tmp_path / "out")]) == 1
    assert "error: notebook 09_broken.ipynb, cell 0" in capsys.readouterr().err


# --- slide types ----------------------------------------------------------------------------

def test_slide_type_rules():
    nb = new_notebook(cells=[
        new_markdown_cell("# 09 · Title\n\nWhat you will learn"),
        new_markdown_cell("## A topic\n\nProse."),
        new_code_cell("x = 1"),
        new_markdown_cell("More prose about x."),
        new_code_cell("plot(x)"),
        new_code_cell("more(x)"),
        new_markdown_cell("### A detail"),
        new_markdown_cell("## Exercises"),
        new_markdown_cell("**1.** Write f."),
        new_code_cell("def f():\n    # BEGIN SOLUTION\n    pass\n    # END SOLUTION"),
        new_code_cell("check_f(f)"),
        new_code_cell(""),
        new_markdown_cell("## Summary\n\n- a point"),
    ])
    nb.cells[5].metadata["slideshow"] = {"slide_type": "notes"}  # an author's choice wins
    assign_slide_types(nb)
    types = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
    assert types == ["slide", "slide", "fragment", "subslide", "fragment", "notes", "subslide",
                     "slide", "-", "fragment", "-", "skip", "slide"]
    assert assign_slide_types(nb) == 0  # nothing left to fill in
    assert assign_slide_types(nb, overwrite=True) == 1  # only the author's 'notes' differs


def test_split_at_headings_cuts_before_each_heading_outside_code():
    source = ("Text, then\n\n## Summary\n\n- a point\n\n```python\n# a comment, not a heading\n"
              "```\n\n### A detail\n\n#### too small to cut\n\n## Exercises\n\nDo it.")
    nb = new_notebook(cells=[new_markdown_cell("## Starts with one\n\nno cut"),
                             new_markdown_cell(source), new_code_cell("## a comment")])
    nb.cells[1].id = "intro"
    assert split_at_headings(nb) == 3
    assert [c.source for c in nb.cells] == [
        "## Starts with one\n\nno cut", "Text, then",
        "## Summary\n\n- a point\n\n```python\n# a comment, not a heading\n```",
        "### A detail\n\n#### too small to cut", "## Exercises\n\nDo it.", "## a comment"]
    assert [c.get("id") for c in nb.cells[1:5]] == ["intro", "intro-1", "intro-2", "intro-3"]
    assert split_at_headings(nb) == 0
    assign_slide_types(nb)
    assert [c.metadata["slideshow"]["slide_type"] for c in nb.cells] == [
        "slide", "subslide", "slide", "subslide", "slide", "fragment"]
    nbformat.validate(nb)  # the new ids are valid and unique


NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_makes_a_deck(path):
    """Every `#`/`##` heading opens its own cell, every cell has its slide type stored, and
    no lesson cell is skipped."""
    nb = nbformat.read(path, as_version=4)
    assert split_at_headings(nb) == 0, "headings inside a cell: run `make slide-types`"
    assert assign_slide_types(nb) == 0, "cells without a slide type: run `make slide-types`"
    types = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
    assert types[0] == "slide"
    for cell, kind in zip(nb.cells, types):
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            assert kind == "slide", cell.source[:40]
        if cell.source.strip() and kind == "skip":
            # only what scripts/classroom/metadata.py leaves out of the slides: imports, and
            # helpers that define a function and show nothing
            from classroom.metadata import is_setup_imports

            helper = (cell.cell_type == "code" and not cell.get("outputs")
                      and cell.source.lstrip().startswith("def "))
            assert is_setup_imports(cell) or helper, cell.source[:40]


def test_slide_types_command_reports_and_splits(tmp_path, capsys):
    path = tmp_path / "09_new.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# 09 · New\n\nIntro\n\n## Summary")]),
                   path)
    assert main(["slide-types", str(path)]) == 1  # a report only: it needs changes
    assert "1 headings inside a markdown cell, 2 cells without a slide type" in \
        capsys.readouterr().out
    assert main(["slide-types", "--write", "--force", str(path)]) == 0
    cells = nbformat.read(path, as_version=4).cells
    assert [(c.source, c.metadata.slideshow.slide_type) for c in cells] == [
        ("# 09 · New\n\nIntro", "slide"), ("## Summary", "slide")]
    assert main(["slide-types", str(path)]) == 0


def test_strip_test_markers_drops_nbval_comment_lines_only():
    cell = new_code_cell("# NBVAL_IGNORE_OUTPUT\nw = Widget()  # NBVAL_SKIP stays here\nw")
    cell, _ = StripTestMarkers().preprocess_cell(cell, {}, 0)
    assert cell.source == "w = Widget()  # NBVAL_SKIP stays here\nw"


# --- offline exports ------------------------------------------------------------------------

class _Assets(HTMLParser):
    """Collects the src of <script> and <img> and the href of <link> tags."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.urls.append(attrs["src"])


@pytest.fixture(scope="module", params=["slides", "html"])
def exported(request):
    return request.param, export_notebook(NOTEBOOK_00, request.param)


def test_exports_load_scripts_and_styles_only_from_lib(exported):
    kind, page = exported
    parser = _Assets()
    parser.feed(page)
    assets = [u for u in parser.urls if not u.startswith("data:")]
    assert not [u for u in parser.urls if re.match(r"(https?:)?//", u)]
    assert assets and all(u.startswith("lib/") for u in assets), assets
    # Scripts loaded later by inline code (reveal.js through require.js, the widget renderer)
    # and ES module imports (nbconvert's Mermaid loader) must be local too.
    assert "import(" not in page and "cdnjs" not in page and "unpkg" not in page
    assert f"'{URLS['widget_renderer_url']}'" in page
    if kind == "slides":
        assert f'"{URLS["reveal_url_prefix"]}/dist/reveal.js"' in page
        assert f'{URLS["reveal_url_prefix"]}/dist/theme/white.css' in assets
    assert URLS["mathjax_url"] in assets and URLS["require_js_url"] in assets


def test_exports_embed_figures_and_hide_test_markers(exported):
    _, page = exported
    assert "data:image/png;base64," in page
    assert "NBVAL_IGNORE_OUTPUT" not in page


def test_every_local_url_is_copied_into_lib():
    copied = {f"lib/{target}/{rel}".replace("//", "/") if target else f"lib/{Path(rel).name}"
              for target, files in COPY.values() for rel in files}
    needed = [URLS["require_js_url"], URLS["jquery_url"], URLS["widget_renderer_url"],
              URLS["mathjax_url"].split("?")[0], URLS["reveal_url_prefix"] + "/dist/reveal.js",
              URLS["reveal_url_prefix"] + "/plugin/notes/notes.js"]
    assert not [url for url in needed if url not in copied]


def test_titles_and_index_page():
    nb = new_notebook(cells=[new_markdown_cell("Intro\n\n# 03 · The `ReLU` *layer*")])
    assert notebook_title(nb, "fallback") == "03 · The ReLU layer"
    assert notebook_title(new_notebook(), "fallback") == "fallback"
    page = index_page([("00_a.html", "00 · A & B"), ("01_b.html", "01 · C")], "html")
    assert page.index("00_a.html") < page.index("01_b.html")
    assert "00 · A &amp; B" in page and "http" not in page


def test_student_copies_can_leave_out_the_answers():
    from classroom.student import make_student_copy, strip_answers

    text = ("**3.** Why?\n\n<details><summary>Answer (open after trying)</summary>\n\nBecause."
            "\n</details>\n\n**4.** And?")
    assert strip_answers(text) == "**3.** Why?\n\n**4.** And?"
    nb = nbformat.read(NOTEBOOK_00, as_version=4)
    kept, stripped = make_student_copy(nb), make_student_copy(nb, answers=False)
    assert any("<details>" in c.source for c in kept.cells if c.cell_type == "markdown")
    assert not any("<details>" in c.source for c in stripped.cells)
