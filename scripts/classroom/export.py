"""Static exports of the executed notebooks: reveal.js slide decks and HTML handouts.

Both use nbconvert's exporters (`SlidesExporter` is what `jupyter nbconvert --to slides` runs,
`HTMLExporter` what `--to html` runs) with every script and style pointed at local copies in
`<out>/lib/` (see vendor.py) and with templates that drop nbconvert's CDN Mermaid loader, so a
page needs no network: reveal.js, require.js, jQuery, MathJax 2 and the widget renderer (which
shows widgets from the state saved in the notebook) all come from `lib/`. Figures are embedded
in the HTML as data URIs. Each output folder gets an `index.html` listing the notebooks in
order with their titles.
"""

import html
import re
from pathlib import Path

import nbformat
from jinja2 import pass_context
from nbconvert import HTMLExporter, SlidesExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from classroom.slidetypes import AutoSlideTypes, StripTestMarkers
from classroom.student import BEGIN, make_student_copy
from classroom.vendor import URLS

EDITIONS = ("instructor", "student")
HIDE_INPUT = "hide-input"


class _Renderer(IPythonRenderer):
    """nbconvert's renderer, re-parsing raw HTML only where there is an image to embed (see the
    module's docstring: re-parsing a block that opens `<details>` closes it at once)."""

    def _html_embed_images(self, html):
        if "<img" not in html.lower():
            return html
        return super()._html_embed_images(html)


class _Markdown:
    """The exporters' `markdown2html` filter with `_Renderer` (else as in nbconvert)."""

    @pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        path = context.get("resources", {}).get("metadata", {}).get("path", "")
        renderer = _Renderer(escape=False, attachments=cell.get("attachments", {}),
                             embed_images=self.embed_images, path=path,
                             anchor_link_text=self.anchor_link_text,
                             exclude_anchor_links=self.exclude_anchor_links,
                             **self.lexer_options)
        return MarkdownWithMath(renderer=renderer).render(source)


class ClassroomHTMLExporter(_Markdown, HTMLExporter):
    """HTMLExporter whose answers collapse."""


class ClassroomSlidesExporter(_Markdown, SlidesExporter):
    """SlidesExporter whose answers collapse."""


class MarkSolutions(Preprocessor):
    """nbconvert preprocessor: `metadata.classroom_solution = True` on the cells that hold a
    solution region, which the templates fold into a closed "Solution" box."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and any(line.strip() == BEGIN
                                            for line in cell.source.splitlines()):
            cell.metadata["classroom_solution"] = True
        return cell, resources


class HideInput(Preprocessor):
    """nbconvert preprocessor: cells tagged `hide-input` keep their outputs, lose their code
    (nbconvert's TagRemovePreprocessor would do it too, but only when enabled by name)."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and HIDE_INPUT in cell.metadata.get("tags", []):
            cell.metadata.setdefault("transient", {})["remove_source"] = True
        return cell, resources

TEMPLATES = Path(__file__).resolve().parent / "templates"
SERIES = "Backpropagation from scratch"


def notebook_title(nb, fallback):
    """The text of the notebook's first `# ` heading, markdown marks removed, else `fallback`."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                return re.sub(r"[`*_]", "", line[2:]).strip()
    return fallback


def exporter_config(kind):
    """nbconvert Config for kind 'slides' or 'html' with every asset URL pointing to lib/."""
    if kind not in ("slides", "html"):
        raise ValueError(f"exporter_config: kind must be 'slides' or 'html', got {kind!r}")
    c = Config()
    section = c.SlidesExporter if kind == "slides" else c.HTMLExporter
    section.extra_template_basedirs = [str(TEMPLATES)]
    section.template_name = "offline_reveal" if kind == "slides" else "offline_lab"
    section.require_js_url = URLS["require_js_url"]
    section.mathjax_url = URLS["mathjax_url"]
    section.widget_renderer_url = URLS["widget_renderer_url"]
    section.jquery_url = URLS["jquery_url"]
    section.embed_images = True  # markdown images by path become data URIs too
    section.preprocessors = [StripTestMarkers, MarkSolutions, HideInput]
    if kind == "slides":
        section.reveal_url_prefix = URLS["reveal_url_prefix"]
        section.reveal_theme = "white"
        section.reveal_transition = "none"
        section.reveal_number = "c/t"
        # Laid out for a 1280x720 projector view; a slide never scrolls as a whole: long code
        # and outputs scroll in their own boxes (templates/offline_reveal), and the browser
        # test fails on any slide taller than the view.
        section.reveal_width = "1280"  # strings: the template pastes them into JavaScript
        section.reveal_height = "720"
        section.reveal_scroll = False
        section.preprocessors = [StripTestMarkers, MarkSolutions, HideInput, AutoSlideTypes]
    return c


def output_name(path, kind):
    stem = Path(path).stem
    return f"{stem}.slides.html" if kind == "slides" else f"{stem}.html"


def exporter_for(kind):
    cls = ClassroomSlidesExporter if kind == "slides" else ClassroomHTMLExporter
    return cls(config=exporter_config(kind))


def edition_notebook(path, edition="instructor", answers=True):
    """The notebook at `path` as the edition shows it: as it is for the instructor, its student
    copy for the students (answers=False: without the answers to the questions)."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}, got {edition!r}")
    nb = nbformat.read(path, as_version=4)
    if edition == "student":
        nb = make_student_copy(nb, Path(path).name, answers=answers)
    return nb


def export_notebook(path, kind, exporter=None, edition="instructor", answers=True):
    """Return the HTML of one notebook exported as slides or handout (no files written)."""
    path = Path(path)
    if exporter is None:
        exporter = exporter_for(kind)
    nb = edition_notebook(path, edition, answers)
    resources = {"metadata": {"name": path.stem, "path": str(path.parent)}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def unexecuted_cells(nb):
    """Indices of non-empty code cells without an execution count (never run)."""
    return [i for i, cell in enumerate(nb.cells)
            if cell.cell_type == "code" and cell.source.strip() and
            cell.get("execution_count") is None]


INDEX_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 3rem auto;
       padding: 0 1rem; line-height: 1.5; color: #222; }
li { margin: 0.4rem 0; }
a { color: #0b5394; }
.hint { color: #555; font-size: 0.95rem; }
"""

INDEX_HINTS = {
    "slides": "Keys: <kbd>Space</kbd> or <kbd>&rarr;</kbd> next, <kbd>Esc</kbd> overview, "
              "<kbd>S</kbd> speaker view, <kbd>F</kbd> full screen. Widgets show the state "
              "saved in the notebook; for live ones, present from JupyterLab (RISE).",
    "html": "One page per notebook, with its code, outputs and figures. Widgets show the "
            "state saved in the notebook; run the notebook in JupyterLab to use them.",
}


def index_page(entries, kind, edition="instructor"):
    """HTML of the index: entries is a list of (file name, title), in order."""
    heading = f"{SERIES}: {'slides' if kind == 'slides' else 'handouts'}"
    if edition == "student":
        heading += " (student edition)"
    items = "\n".join(f'  <li><a href="{html.escape(name)}">{html.escape(title)}</a></li>'
                      for name, title in entries)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(heading)}</title>\n<style>{INDEX_STYLE}</style>\n</head>\n"
            f"<body>\n<h1>{html.escape(heading)}</h1>\n<ol>\n{items}\n</ol>\n"
            f'<p class="hint">{INDEX_HINTS[kind]}</p>\n</body>\n</html>\n')


def export_all(paths, out_dir, kind, log=print, edition="instructor", answers=True):
    """Export every notebook in `paths` (sorted by name) into out_dir with an index.html.

    edition: "instructor" (the notebooks) or "student" (their student copies; answers=False
    leaves out the answers to the questions). Returns the list of written pages. Assets are
    not copied here: see vendor.install_lib.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = exporter_for(kind)
    entries, written = [], []
    for path in sorted(Path(p) for p in paths):
        nb = nbformat.read(path, as_version=4)
        missing = unexecuted_cells(nb)
        if missing:
            log(f"warning: {path.name}: code cells {missing} have not been run; "
                f"`make notebooks NB={path}` stores their outputs")
        target = out_dir / output_name(path, kind)
        target.write_text(export_notebook(path, kind, exporter, edition, answers),
                          encoding="utf-8")
        entries.append((target.name, notebook_title(nb, path.stem)))
        written.append(target)
        log(f"{kind}: {target}")
    index = out_dir / "index.html"
    index.write_text(index_page(entries, kind, edition), encoding="utf-8")
    return [index, *written]
