"""The exported slide decks on a projector: every slide fits a 1280x720 view, headings start slides.

The decks are built as `make slides` builds them (scripts/classroom, with the pinned reveal.js
and MathJax fetched from the npm registry once into build/classroom/npm/) into
build/e2e/slides/, opened from disk in Debian's headless Chromium at 1280x720, and walked slide
by slide with every fragment shown and every folded solution and answer open (slide_walk.js),
each slide measured once it has settled:
its fragments' transitions over, MathJax's typesetting and re-rendering done, fonts and images
loaded, reveal.js's layout recomputed. A deck fails when any slide's content
reaches beyond the view (a screenshot of it goes to build/e2e/slides/) or any `#`/`##`/`###`
heading does not start its slide; a script error in the page fails it too. The counts are
printed at the end of the run and stored in build/e2e/slides.json (conftest.py).
"""

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "build" / "e2e" / "slides"
VENDOR_CACHE = REPO / "build" / "classroom" / "npm"
VIEW = {"width": 1280, "height": 720}  # a projector's 720p view
WALK = (Path(__file__).parent / "slide_walk.js").read_text(encoding="utf-8")
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# SCRATCH_E2E_NOTEBOOKS points the JupyterLab test at other notebooks (e.g. the deliberately
# broken ones of broken_notebooks.py); the slides are those of notebooks/ only.
pytestmark = pytest.mark.skipif("SCRATCH_E2E_NOTEBOOKS" in os.environ,
                                reason="SCRATCH_E2E_NOTEBOOKS is set: the JupyterLab test only")


@pytest.fixture(scope="session")
def decks(e2e_requirements):
    """Build every deck into build/e2e/slides/ once; {notebook stem: path of its deck}."""
    sys.path.insert(0, str(REPO / "scripts"))
    from classroom.export import export_all, output_name
    from classroom.vendor import fetch, install_lib

    if shutil.which("npm") is None:
        pytest.fail("the slide test needs npm (Node.js) to fetch reveal.js and MathJax once",
                    pytrace=False)
    shutil.rmtree(OUT, ignore_errors=True)
    folders = fetch(VENDOR_CACHE)
    export_all(NOTEBOOKS, OUT, "slides", log=lambda line: None)
    install_lib(folders, OUT)
    return {path.stem: OUT / output_name(path, "slides") for path in NOTEBOOKS}


@pytest.fixture(scope="module")
def projector(browser):
    context = browser.new_context(viewport=VIEW)
    try:
        yield context
    finally:
        context.close()


def _open(context, deck):
    """Open a deck from disk; returns (page, errors seen in the page)."""
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(deck.as_uri())
    page.wait_for_function("window.require !== undefined && window.MathJax !== undefined")
    # The template sets window.Reveal (templates/offline_reveal).
    page.wait_for_function("window.Reveal !== undefined && Reveal.isReady()")
    # Every formula typeset and every saved widget view drawn, or the sizes are not final.
    page.wait_for_function("MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0")
    page.wait_for_function("""() => [...document.querySelectorAll(
        'script[type="application/vnd.jupyter.widget-view+json"]')].every(
        s => s.parentElement.querySelector('.widget-subarea > *') !== null)""")
    return page, errors


def _walk_deck(page):
    page.evaluate(WALK)
    return page.evaluate("slideWalk.deck()")


def _describe(slide):
    where = f'slide {slide["h"] + 1}.{slide["v"] + 1} ("{slide["start"][:50]}")'
    parts = [f"{px} px beyond the {side}" for side, px in slide["beyond"].items() if px]
    if parts:
        where += ": " + ", ".join(parts) + f' (first: {slide["culprit"]})'
    if slide["misplaced"]:
        where += f': heading(s) not starting the slide: {slide["misplaced"]}'
    if slide.get("hiddenFragments"):
        where += f': {slide["hiddenFragments"]} fragment(s) still hidden when measured'
    return where


def _overflows(slide):
    return any(slide["beyond"].values())


def _judge(stem, slides, records, label, where_shots=""):
    """Record one deck's walk for the summary, then fail unless every slide is right."""
    bad = [s for s in slides if _overflows(s) or s["misplaced"] or s.get("hiddenFragments")]
    records.append({"deck": stem, "slides": len(slides),
                    "overflowing": sum(map(_overflows, bad)),
                    "headings": sum(s["headings"] for s in slides),
                    "misplaced": sum(len(s["misplaced"]) for s in slides), "walk": slides})
    assert not bad, (f"{label}: {len(bad)} of {len(slides)} slides do not fit "
                     f"{VIEW['width']}x{VIEW['height']} or have a heading that does not start "
                     f"them{where_shots}:\n  " + "\n  ".join(_describe(s) for s in bad))


@pytest.mark.parametrize("stem", [path.stem for path in NOTEBOOKS])
def test_every_slide_fits_the_view_and_headings_start_slides(stem, decks, projector,
                                                             slide_records):
    page, errors = _open(projector, decks[stem])
    try:
        walk = _walk_deck(page)
        assert (walk["width"], walk["height"]) == (VIEW["width"], VIEW["height"])
        for slide in filter(_overflows, walk["slides"]):
            page.evaluate(f'() => {{ Reveal.slide({slide["h"]}, {slide["v"]}, -1); '
                          "while (Reveal.nextFragment()) {} }")
            page.wait_for_timeout(200)
            page.screenshot(path=OUT / f'{stem}-{slide["h"] + 1}.{slide["v"] + 1}.png')
    finally:
        page.close()
    assert not errors, f"script errors in the deck: {errors}"
    assert walk["slides"], "the deck has no slides"
    _judge(stem, walk["slides"], slide_records, stem,
           f" (screenshots in {OUT.relative_to(REPO)})")


def test_the_walk_sees_a_slide_too_tall_and_a_heading_mid_slide(decks, projector, tmp_path):
    """The check can fail: a deck exported without the slide rules, from cells that break both."""
    import nbformat
    from classroom.export import export_notebook
    from nbconvert import SlidesExporter
    from nbformat.v4 import new_markdown_cell, new_notebook

    long_text = "\n\n".join(f"Paragraph {i}: " + "words " * 30 for i in range(20))
    cells = [new_markdown_cell("# A title\n\nShort."),
             new_markdown_cell("Some prose.\n\n## A heading halfway down"),
             new_markdown_cell(long_text)]
    for cell in cells:
        cell.metadata["slideshow"] = {"slide_type": "slide"}
    path = tmp_path / "broken.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    exporter = SlidesExporter(config=_config_without_the_slide_rules())
    deck = OUT / "_broken.slides.html"  # beside the others, so lib/ is found
    deck.write_text(export_notebook(path, "slides", exporter), encoding="utf-8")
    page, errors = _open(projector, deck)
    try:
        walk = _walk_deck(page)
    finally:
        page.close()
        deck.unlink()
    title, mid, tall = walk["slides"]
    assert not any(title["beyond"].values()) and not title["misplaced"]
    assert mid["misplaced"] == ["A heading halfway down"]
    assert tall["beyond"]["bottom"] > 100 and not tall["misplaced"]
    assert not errors


def test_the_walk_measures_a_slide_after_mathjax_has_rendered_it(decks, projector, tmp_path):
    """A slide whose formula is one short line of TeX but 30 rows once typeset: it fits the
    view until MathJax renders it (seen with MathJax blocked), and the walk, which waits for
    MathJax, finds it running off the bottom."""
    import nbformat
    from classroom.export import export_notebook
    from nbformat.v4 import new_markdown_cell, new_notebook

    rows = r" \\ ".join(f"x_{{{i}}} = {i}" for i in range(30))
    cells = [new_markdown_cell("# Planted\n\nA title."),
             new_markdown_cell("## Tall once typeset\n\n$$\\begin{matrix} " + rows +
                               r" \end{matrix}$$")]
    path = tmp_path / "planted.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    deck = OUT / "_planted.slides.html"
    deck.write_text(export_notebook(path, "slides"), encoding="utf-8")
    try:
        page = projector.new_page()
        page.route("**/mathjax/**", lambda route: route.abort())
        page.goto(deck.as_uri())
        page.wait_for_function("window.Reveal !== undefined && Reveal.isReady()")
        raw = _walk_deck(page)["slides"]
        page.close()
        page, errors = _open(projector, deck)
        try:
            typeset = _walk_deck(page)["slides"]
        finally:
            page.close()
    finally:
        deck.unlink()
    assert len(raw) == len(typeset) == 2
    assert not _overflows(raw[1]), raw[1]  # the TeX source alone fits
    assert typeset[1]["beyond"]["bottom"] > 100, typeset[1]
    assert not errors


def test_an_answer_opened_on_a_slide_recentres_it_within_the_view(decks, projector, tmp_path):
    """reveal.js centres a slide when it is shown; an answer opened there (a <details>) made it
    taller below that centre. The deck re-centres it when a <details> opens: a planted slide
    whose answer, opened in place, would end below the view ends inside it."""
    import nbformat
    from classroom.export import export_notebook
    from nbformat.v4 import new_markdown_cell, new_notebook

    answer = "\n\n".join(f"Step {i}: " + "words " * 12 for i in range(5))
    cells = [new_markdown_cell("# Planted\n\nA title."),
             new_markdown_cell("## A question\n\nWhy?\n\n<details><summary>Answer (open after "
                               f"trying)</summary>\n\n{answer}\n\n</details>")]
    path = tmp_path / "answer.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    deck = OUT / "_answer.slides.html"
    deck.write_text(export_notebook(path, "slides"), encoding="utf-8")
    box = """() => { const r = document.querySelector('section.present:not(.stack)')
                                   .getBoundingClientRect();
                     return [r.top, r.height]; }"""
    try:
        page, errors = _open(projector, deck)
        try:
            page.evaluate("Reveal.slide(1, 0)")
            page.wait_for_timeout(500)
            top_closed, _ = page.evaluate(box)
            page.click("section.present:not(.stack) summary")
            page.wait_for_timeout(500)
            top_open, height_open = page.evaluate(box)
        finally:
            page.close()
    finally:
        deck.unlink()
    assert top_closed + height_open > VIEW["height"] + 50  # opened in place: below the view
    assert 0 <= top_open and top_open + height_open <= VIEW["height"]
    assert not errors


def test_speaker_view_has_the_widget_questions(decks, projector):
    """reveal.js's speaker view shows a slide's notes (Reveal.getSlideNotes); the widget slide
    of each deck has the questions of docs/instructors.md (scripts/classroom/metadata.py)."""
    page, errors = _open(projector, decks[NOTEBOOKS[5].stem])
    try:
        notes = page.evaluate("""() => Reveal.getSlides().map(s => Reveal.getSlideNotes(s))
                                          .filter(n => n)""")
        hidden = page.evaluate("""() => [...document.querySelectorAll('aside.notes')]
                                          .every(a => getComputedStyle(a).display === 'none')""")
    finally:
        page.close()
    assert len(notes) == 1 and "ask" in notes[0] and "?" in notes[0], notes
    assert hidden and not errors


def _config_without_the_slide_rules():
    from classroom.export import exporter_config
    from classroom.slidetypes import StripTestMarkers

    config = exporter_config("slides")
    config.SlidesExporter.preprocessors = [StripTestMarkers]  # no splitting at headings
    return config


# --- RISE: the live slideshow in JupyterLab ------------------------------------------------

LEAF = """() => document.querySelector('.slides > section.present > section.present') ||
                document.querySelector('.slides > section.present')"""
# Cells of the tag hide-input (class cell-tag-hide-input, from jupyterlab-celltagsclasses) and
# how many of them show their code: notebooks/rise.css hides it.
HIDDEN_INPUTS = """() => {
    const cells = [...document.querySelectorAll('.reveal .jp-Cell.cell-tag-hide-input')];
    const shown = cells.filter(cell => {
        const input = cell.querySelector('.jp-Cell-inputWrapper');
        return input && getComputedStyle(input).display !== 'none';
    });
    return {cells: cells.length, codeShown: shown.length};
}"""
STATE = "() => location.hash + ' ' + document.querySelectorAll('.fragment.visible').length"


def _open_rise(context, lab_server, stem):
    """RISE's slideshow of a notebook, loaded; returns (page, errors seen in the page)."""
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{lab_server.url}/rise/{stem}.ipynb?token={lab_server.token}")
    page.wait_for_selector("section.present")
    page.wait_for_load_state("networkidle")
    return page, errors


def _hide_input_cells(stem):
    notebook = json.loads((REPO / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    return sum("hide-input" in cell["metadata"].get("tags", []) for cell in notebook["cells"])


@pytest.mark.parametrize("stem", [path.stem for path in NOTEBOOKS])
def test_rise_live_slides_fit_the_view_and_headings_start_slides(stem, lab_server, projector,
                                                                 rise_records):
    """RISE's slideshow of the notebook as stored (outputs as committed), stepped through with
    the space bar as a presenter does; each slide is measured once all its fragments are in."""
    page, errors = _open_rise(projector, lab_server, stem)
    try:
        page.evaluate(WALK)
        hidden = page.evaluate(HIDDEN_INPUTS)
        slides, seen, state = {}, set(), page.evaluate(STATE)
        for _ in range(1000):
            h, v = (int(n) for n in state.split()[0].split("/")[1].split("-")[1:3])
            seen.add((h, v))
            # Measured once its last fragment is in: fragments only add to a slide, and RISE
            # starts slides at the top, so the slide is then at its tallest.
            if page.evaluate(f"({LEAF})().querySelectorAll('.fragment:not(.visible)').length") == 0:
                slides[h, v] = {"h": h, **page.evaluate(
                    f"async () => {{ const leaf = ({LEAF})(); await slideWalk.settle(leaf); "
                    f"return slideWalk.measure(leaf, {v}); }}")}
            page.keyboard.press("Space")
            try:
                page.wait_for_function(f"({STATE})() !== {state!r}", timeout=3000)
            except Exception:  # the space bar no longer moves: the last slide, fully shown
                break
            state = page.evaluate(STATE)
        else:
            pytest.fail("the slideshow did not end after 1000 steps")
    finally:
        page.close()
        lab_server.shutdown_kernels()
    assert not errors, f"script errors in the slideshow: {errors}"
    assert len(slides) > 3, "the slideshow did not advance"
    assert seen == set(slides), (
        f"slides left before all their fragments were shown: {sorted(seen - set(slides))}")
    tagged = _hide_input_cells(stem)
    assert hidden == {"cells": tagged, "codeShown": 0}, (
        f"{stem} in RISE: {tagged} cell(s) tagged hide-input should show their output only; "
        f"the slideshow has {hidden['cells']} cell(s) with the class cell-tag-hide-input "
        f"(jupyterlab-celltagsclasses), {hidden['codeShown']} of them showing their code")
    _judge(stem, list(slides.values()), rise_records, f"{stem} in RISE")


def test_a_widget_runs_live_in_rise(lab_server, projector):
    """A widget cell run from RISE's slideshow draws its controls and figure there, as the
    instructors' guide promises for the lecture's widget moments. 08's PathExplorer cell imports
    what it needs, so it runs on its own. (With jupyterlab_widgets 3.0.11 or later RISE's page
    could not load the widget manager and showed the widget's text repr: pyproject.toml.)"""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page, errors = _open_rise(projector, lab_server, "08_optimizers")
    try:
        page.evaluate("""() => { window.pathCell = () => [...document.querySelectorAll(
            '.jp-CodeCell')].find(c => c.textContent.includes('explorer = PathExplorer()')); }""")
        h, v = page.evaluate("""() => {
            const cell = pathCell();
            const slide = cell.closest('section');
            const column = slide.parentElement.closest('section') || slide;
            const columns = [...document.querySelectorAll('.slides > section')];
            return [columns.indexOf(column), column === slide ? 0 :
                    [...column.querySelectorAll(':scope > section')].indexOf(slide)];
        }""")
        page.evaluate(f"location.hash = '#/slide-{h}-{v}'")
        page.wait_for_function(f"location.hash === '#/slide-{h}-{v}'")
        page.evaluate("""() => pathCell()
            .querySelector('.cm-content').focus()""")
        page.keyboard.press("Shift+Enter")
        drawn = True
        try:
            page.wait_for_function("""() => {
                const cell = pathCell();
                const out = cell.querySelector('.jp-OutputArea');
                return out.querySelector('.widget-slider') && out.querySelector('.widget-dropdown')
                    && out.querySelector('img') && /from the minimum/.test(out.textContent);
            }""", timeout=60_000)
        except PlaywrightTimeout:
            drawn = False
        reprs = page.evaluate("""() => pathCell()
            .querySelector('.jp-OutputArea').textContent.includes('VBox(children')""")
    finally:
        page.close()
        lab_server.shutdown_kernels()
    assert not errors, f"script errors in the slideshow: {errors}"
    assert drawn and not reprs, (
        "RISE did not draw the widget (no slider, dropdown, figure and summary after 60 s)"
        + (": it showed the widget's text repr (VBox(children=...)), as when its page cannot "
           "load the widget manager" if reprs else ""))
