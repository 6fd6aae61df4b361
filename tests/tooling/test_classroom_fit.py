"""The slide fitter's decisions (scripts/classroom/fit.py), without a browser: how a markdown
cell is seen as blocks, where a too-tall cell is cut, what happens to each tall slide.
The measurements themselves come from Chromium (tests/e2e/test_slides.py checks the result)."""

import json
import sys
from pathlib import Path

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from classroom.fit import (  # noqa: E402
    LIMIT,
    apply,
    beyond_view,
    cut,
    markdown_blocks,
    plan,
    unique_line,
    units,
)
from classroom.metadata import SPLITS_FILE, apply_metadata, load_splits  # noqa: E402


def box(top, bottom, items=()):
    return {"top": top, "bottom": bottom, "items": [{"top": a, "bottom": b} for a, b in items]}


def test_blocks_keep_lists_formulas_fences_and_html_whole():
    source = ("## Title\nFirst paragraph\ngoes on.\n\n- a\n- b\n\n- c\n  more\n\n"
              "$$\nx\n\ny\n$$\n\n```python\na = 1\n\nb = 2\n```\n\n"
              "<details><summary>Answer</summary>\n\nText.\n\n</details>\n\n"
              "Lead-in:\n- item\n\nLast $$x$$ inline.")
    assert markdown_blocks(source) == [
        "## Title", "First paragraph\ngoes on.", "- a\n- b\n\n- c\n  more", "$$\nx\n\ny\n$$",
        "```python\na = 1\n\nb = 2\n```",
        "<details><summary>Answer</summary>\n\nText.\n\n</details>", "Lead-in:", "- item",
        "Last $$x$$ inline."]


def test_a_formula_over_two_lines_inside_a_paragraph_is_one_block():
    source = "Text\n\n$$a = b, \\qquad\nc = d.$$\n\nwith more."
    assert markdown_blocks(source) == ["Text", "$$a = b, \\qquad\nc = d.$$", "with more."]


def test_a_tall_cell_is_cut_between_blocks_and_list_items_so_each_part_fits():
    source = "## Summary\n\nIntro:\n\n- one\n- two\n  still two\n- three"
    rendered = [box(0, 60), box(70, 100), box(110, 1000, [(110, 400), (400, 700), (700, 1000)])]
    pieces = units(source, rendered)
    assert [p["text"] for p in pieces] == ["## Summary", "Intro:", "- one",
                                           "- two\n  still two", "- three"]
    parts = cut({"top": 0}, pieces, limit=LIMIT)
    assert parts == ["## Summary\n\nIntro:\n\n- one", "- two\n  still two\n- three"]
    # nothing is lost or added: the parts put together are the cell's text
    assert "\n".join(parts).replace("\n\n", "\n") == source.replace("\n\n", "\n")


def test_a_lead_in_stays_with_what_it_leads_into():
    source = "A.\n\nB.\n\nThe rule:\n\n$$x$$"
    rendered = [box(0, 300), box(300, 500), box(500, 600), box(600, 800)]
    assert cut({"top": 0}, units(source, rendered)) == ["A.\n\nB.", "The rule:\n\n$$x$$"]


def test_a_bold_label_leads_in_too():
    source = "Intro.\n\nMore.\n\n**What you will learn**\n- a\n- b"
    rendered = [box(0, 300), box(300, 600), box(600, 640), box(640, 800, [(640, 700), (700, 800)])]
    assert cut({"top": 0}, units(source, rendered)) == [
        "Intro.\n\nMore.", "**What you will learn**\n\n- a\n- b"]


def test_no_cut_when_the_rendering_does_not_match_the_source():
    assert units("One block", [box(0, 10), box(10, 20)]) is None
    assert cut({"top": 0}, units("One tall block", [box(0, 2000)])) == ["One tall block"]


def test_unique_line_picks_a_line_no_other_cell_starts_with():
    nb = new_notebook(cells=[new_code_cell("x = 1\nplot_all(x, y)"),
                             new_code_cell("x = 1\nplot_all(x, y)  # again\nshow_me_this()")])
    assert unique_line(nb, nb.cells[1]) == "plot_all(x, y)  # again"
    assert unique_line(nb, nb.cells[0]) is None  # both its lines start lines of the other


def test_plan_splits_a_later_cell_cuts_a_tall_first_one_and_reports_the_rest(monkeypatch):
    cells = [new_markdown_cell("## Heading\n\nSome prose.", id="md"),
             new_code_cell("draw_the_figure()", id="code"),
             new_markdown_cell("First.\n\nSecond.", id="tall"),
             new_code_cell("print(1)", id="big")]
    nb = new_notebook(cells=cells)
    geometry = {"md": (0, 300, [box(0, 60), box(60, 300)]), "code": (300, 900, []),
                "tall": (0, 1100, [box(0, 500), box(500, 1100)]), "big": (0, 900, [])}

    def cell(name, markdown):
        top, bottom, blocks = geometry[name]
        return {"id": name, "markdown": markdown, "top": top, "bottom": bottom, "blocks": blocks}

    tall = {(1, 0): [cell("md", True), cell("code", False)], (2, 0): [cell("tall", True)],
            (3, 0): [cell("big", False)]}
    actions = plan(nb, tall)
    assert [a[0] for a in actions] == ["split", "cut", "report"]
    assert actions[0][1] is cells[1] and actions[1][2] == ["First.", "Second."]
    assert "alone reaches" in actions[2][1]

    splits, log = {}, []
    assert apply(nb, "demo", actions, splits, log.append) == 2
    assert splits == {"demo": ["draw_the_figure()"]}
    assert [c.source for c in nb.cells] == ["## Heading\n\nSome prose.", "draw_the_figure()",
                                            "First.", "Second.", "print(1)"]
    assert nb.cells[3].id == "tall-1"
    assert nb.cells[3].metadata["slideshow"]["slide_type"] == "subslide"


def test_the_stored_splits_are_found_in_their_notebooks():
    """Every line of splits.json names exactly one cell (metadata.apply_metadata reports one
    that names none or several), and the file is what metadata.py reads."""
    assert load_splits() == json.loads(SPLITS_FILE.read_text(encoding="utf-8"))
    import nbformat
    from classroom.metadata import series_name

    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        _, problems = apply_metadata(nb, series_name(path))
        assert not [p for p in problems if p.startswith("split")], (path.name, problems)


def test_only_slides_beyond_the_view_count_as_left_and_splits_can_be_passed_in():
    tall = {(0, 0): [{"bottom": 700}], (1, 0): [{"bottom": 300}, {"bottom": 760}]}
    assert beyond_view(tall) == 1  # 700 is inside the margin kept for RISE, 760 is not
    nb = new_notebook(cells=[new_markdown_cell("## A"), new_code_cell("draw_it_now()")])
    apply_metadata(nb, "weight_init", splits={"weight_init": ["draw_it_now()"]})
    assert nb.cells[1].metadata["slideshow"]["slide_type"] == "subslide"
