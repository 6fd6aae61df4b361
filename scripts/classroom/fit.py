"""Make every slide fit the 1280x720 view: measure the decks in Chromium, then split.

`python -m classroom fit [--write] [notebooks]` exports each notebook's deck as `make slides`
does, opens it in Debian's headless Chromium (Playwright, the e2e extra) at 1280x720, shows
every fragment of every slide, with every folded solution and answer open, waits until it
has settled (tests/e2e/slide_walk.js) and reads where each cell ends. For a slide that
reaches below LIMIT:

- a cell after the first that crosses LIMIT starts a sub-slide of its own: a line of it that no
  other cell has goes into splits.json (metadata.py then sets its slide type);
- a markdown cell that alone is taller is cut, between two of its blocks (paragraphs, lists,
  formulas) or two items of a list, into cells that each fit (a lead-in, `**What you will
  learn**` or a line ending in a colon, stays with what follows it): the notebook's text is
  unchanged, only spread over more cells, and the new cells start sub-slides;
- a code cell that alone is too tall is reported: its code or output needs a shorter form.

LIMIT leaves 30 px below the exported deck's view for RISE, which lays the same cells out a
little taller. Without --write nothing changes and the command returns 1 when a slide needs a
split; with it, the notebooks and splits.json are written and the decks measured again, until
every slide fits or nothing more can be split. tests/e2e/test_slides.py is the judge.
"""

import json
import re
from pathlib import Path

import nbformat

from classroom.export import export_notebook
from classroom.metadata import SPLITS_FILE, apply_metadata, series_name

REPO = Path(__file__).resolve().parents[2]
WALK = REPO / "tests" / "e2e" / "slide_walk.js"
VIEW = {"width": 1280, "height": 720}
LIMIT = VIEW["height"] - 30
CHROMIUM = "/usr/bin/chromium"

# Where each cell of the current slide ends, and, for a markdown cell, each of its blocks.
CELLS = """() => [...Reveal.getCurrentSlide().querySelectorAll('.jp-Cell')].map(cell => ({
    id: cell.id.replace('cell-id=', ''),
    markdown: cell.classList.contains('jp-MarkdownCell'),
    top: cell.getBoundingClientRect().top, bottom: cell.getBoundingClientRect().bottom,
    blocks: [...cell.querySelectorAll('.jp-RenderedMarkdown > *')].map(b => {
      const box = b.getBoundingClientRect();
      const items = ['UL', 'OL'].includes(b.tagName) ? [...b.children].map(li => {
        const r = li.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom};
      }) : [];
      return {top: box.top, bottom: box.bottom, items};
    })}))"""

LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)])\s")
FENCE = re.compile(r"^\s*(```|~~~)")


def markdown_blocks(source):
    """The source of a markdown cell as its top-level blocks, in the order they render: text
    between blank lines, with a list (even one with blank lines between items), a fenced code
    block, a `$$` formula and an HTML element each kept whole, and a heading on its own."""
    blocks, current, fence, math, html = [], [], False, False, 0
    for line in source.splitlines():
        opens_html = re.match(r"^\s*<(details|div|table)\b", line)
        if not (fence or math or html) and not line.strip():
            if current:
                blocks.append(current)
            current = []
            continue
        starts = not (fence or math or html) and not current
        if starts and blocks and (LIST_ITEM.match(line) and LIST_ITEM.match(blocks[-1][0])
                                  or line.startswith(("  ", "\t"))):
            current = blocks.pop()  # the list (or list item) goes on after a blank line
            current.append("")
        if (not (fence or math or html) and current and LIST_ITEM.match(line)
                and not LIST_ITEM.match(current[0])):
            blocks.append(current)  # a list right below a paragraph renders as its own block
            current = []
        current.append(line)
        if FENCE.match(line):
            fence = not fence
        elif not fence and (math or line.strip().startswith("$$")) and line.count("$$") % 2:
            math = not math
        elif not fence and opens_html:
            html += 1
        if not fence and html and re.search(r"</(details|div|table)>\s*$", line):
            html -= 1
        if (not (fence or math or html) and re.match(r"^#{1,6}\s", line)):
            blocks.append(current)  # a heading renders as a block of its own
            current = []
    if current:
        blocks.append(current)
    return ["\n".join(block) for block in blocks]


def units(source, rendered):
    """The pieces a markdown cell can be cut between, each {text, top, bottom, joiner}: its
    blocks (markdown_blocks), and a list's items where the list renders one `<li>` per item
    line of its source; joiner is the text that joined a piece to the one before. None when
    the rendered blocks do not match the source's."""
    blocks = markdown_blocks(source)
    if len(blocks) != len(rendered):
        return None
    pieces = []
    for text, box in zip(blocks, rendered):
        lines = text.split("\n")
        starts = [i for i, line in enumerate(lines) if LIST_ITEM.match(line)
                  and not line.startswith((" ", "\t"))]
        if starts and starts[0] == 0 and len(starts) == len(box["items"]) > 1:
            loose = "" in lines
            for number, (first, end) in enumerate(zip(starts, starts[1:] + [len(lines)])):
                item = "\n".join(lines[first:end]).strip("\n")
                joiner = "\n\n" if number == 0 or loose else "\n"
                pieces.append({"text": item, **box["items"][number], "joiner": joiner})
        else:
            pieces.append({"text": text, "top": box["top"], "bottom": box["bottom"],
                           "joiner": "\n\n"})
    return pieces


def leads_in(text):
    """True for a piece that introduces the next: it ends with a colon, or is a bold label
    alone (`**What you will learn**`)."""
    text = text.strip()
    return text.endswith(":") or bool(re.fullmatch(r"\*\*[^*]+\*\*[.:]?", text))


def cut(cell, pieces, limit=LIMIT):
    """The parts (markdown sources) a too-tall markdown cell is cut into so that each fits
    below the slide's top (the cell's own top); one part when no cut helps. A piece that leads
    into the next (leads_in) stays with it."""
    cuts, start = [], cell["top"]
    for index, piece in enumerate(pieces):
        if piece["bottom"] - start + cell["top"] > limit and index > (cuts[-1] if cuts else 0):
            at = index
            if leads_in(pieces[at - 1]["text"]) and at - 1 > (cuts[-1] if cuts else 0):
                at -= 1
            cuts.append(at)
            start = pieces[at]["top"]
    bounds = [0, *cuts, len(pieces)]
    return ["".join((piece["joiner"] if k else "") + piece["text"]
                    for k, piece in enumerate(pieces[a:b])) for a, b in zip(bounds, bounds[1:])]


def unique_line(nb, cell):
    """A line of `cell` that starts no line of any other cell (metadata._find's test)."""
    others = [c for c in nb.cells if c is not cell]
    for line in cell.source.splitlines():
        text = line.strip()
        if len(text) < 8 or text.startswith("#"):
            continue
        if not any(other_line.strip().startswith(text) for other in others
                   for other_line in other.source.splitlines()):
            if sum(ln.strip().startswith(text) for ln in cell.source.splitlines()) == 1:
                return text
    return None


def measure(page, deck):
    """{(h, v): [cell geometry]} of the slides of `deck` that reach below LIMIT."""
    page.goto(deck.as_uri())
    page.wait_for_function("window.Reveal !== undefined && Reveal.isReady() && "
                           "window.MathJax !== undefined")
    page.wait_for_function("MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0")
    page.evaluate(WALK.read_text(encoding="utf-8"))
    # No animation between slides or fragments: the layout at rest is the same, sooner. Every
    # folded solution and answer open, as when the presenter opens it (and as RISE shows the
    # solution code, unfolded).
    page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'}); "
                  "document.querySelectorAll('.fragment').forEach(f => "
                  "f.style.transition = 'none'); "
                  "document.querySelectorAll('details').forEach(d => { d.open = true; })")
    tall = {}
    for h, v in page.evaluate("Reveal.getSlides().map(s => Reveal.getIndices(s))"
                              ".map(i => [i.h, i.v || 0])"):
        page.evaluate(f"() => {{ Reveal.slide({h}, {v}, -1); "
                      "while (Reveal.nextFragment()) {} }")
        page.evaluate("async () => slideWalk.settle(Reveal.getCurrentSlide())")
        cells = page.evaluate(CELLS)
        if cells and max(c["bottom"] for c in cells) > LIMIT:
            tall[h, v] = cells
    return tall


def beyond_view(tall):
    """How many of measure()'s tall slides reach beyond the view itself."""
    return sum(max(c["bottom"] for c in cells) > VIEW["height"] for cells in tall.values())


def plan(nb, tall):
    """What to do about each tall slide: [("split", cell, where), ("cut", cell, [sources of
    the parts], where), ("report", text)]."""
    by_id = {cell.get("id"): cell for cell in nb.cells}
    actions = []
    for (h, v), cells in sorted(tall.items()):
        where = f"slide {h + 1}.{v + 1}"
        index = next(i for i, c in enumerate(cells) if c["bottom"] > LIMIT)
        culprit = cells[index]
        cell = by_id.get(culprit["id"])
        if cell is None:
            actions.append(("report", f"{where}: cell {culprit['id']!r} is not in the notebook"))
        elif index > 0:
            actions.append(("split", cell, where))
        elif culprit["markdown"] and any(b["bottom"] > LIMIT for b in culprit["blocks"]):
            pieces = units(cell.source, culprit["blocks"])
            parts = cut(culprit, pieces) if pieces else []
            if pieces is None:
                actions.append(("report", f"{where}: cell {culprit['id']!r} renders "
                                f"{len(culprit['blocks'])} blocks from "
                                f"{len(markdown_blocks(cell.source))} in its source: cut it "
                                "by hand"))
            elif len(parts) > 1:
                actions.append(("cut", cell, parts, where))
            else:
                actions.append(("report", f"{where}: the first block of cell "
                                f"{culprit['id']!r} alone is too tall: shorten it"))
        elif culprit["bottom"] > VIEW["height"]:
            actions.append(("report", f"{where}: cell {culprit['id']!r} alone reaches "
                            f"{round(culprit['bottom'] - LIMIT)} px below the limit: "
                            "shorten it"))
        # (else a cell that only reaches into the margin kept for RISE: left as it is)
    return actions


def apply(nb, name, actions, splits, log):
    """Carry out plan()'s actions on nb and splits (in place); returns how many were done."""
    done = 0
    for action in actions:
        kind, where = action[0], action[-1]
        if kind == "report":
            log(f"{name}: {where}")
        elif kind == "split":
            line = unique_line(nb, action[1])
            if line is None or line in splits.setdefault(name, []):
                log(f"{name}: {where}: no line of cell {action[1].get('id')!r} is its own")
                continue
            splits[name].append(line)
            log(f"{name}: {where}: {line!r} starts a sub-slide")
            done += 1
        else:
            cell, parts = action[1], action[2]
            position = nb.cells.index(cell)
            cell.source = parts[0]
            ids = {c.get("id") for c in nb.cells}
            for number, part in enumerate(parts[1:], start=1):
                new = nbformat.v4.new_markdown_cell(part)
                new_id = f"{cell.get('id')}-{number}"
                while new_id in ids:
                    new_id += "x"
                new.id = new_id
                ids.add(new_id)
                new.metadata["slideshow"] = {"slide_type": "subslide"}
                nb.cells.insert(position + number, new)
            log(f"{name}: {where}: cell {cell.get('id')!r} cut into {len(parts)} cells")
            done += 1
    return done


def fit(paths, write=False, rounds=4, log=print):
    """Measure and (write=True) split the notebooks; returns the number of slides that still
    reach beyond the view (those reaching only into the margin kept for RISE do not count)."""
    from playwright.sync_api import sync_playwright

    from classroom.vendor import fetch, install_lib

    out = REPO / "build" / "classroom" / "fit"
    out.mkdir(parents=True, exist_ok=True)
    install_lib(fetch(REPO / "build" / "classroom" / "npm"), out)
    splits = json.loads(SPLITS_FILE.read_text(encoding="utf-8"))
    left = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport=VIEW)
        page.set_default_timeout(60_000)
        for path in paths:
            name = series_name(path)
            for _ in range(rounds):
                deck = out / f"{Path(path).stem}.slides.html"
                deck.write_text(export_notebook(path, "slides"), encoding="utf-8")
                tall = measure(page, deck)
                nb = nbformat.read(path, as_version=4)
                actions = plan(nb, tall)
                log(f"{name}: {len(tall)} slide(s) reach below {LIMIT} px")
                if not write or not apply(nb, name, actions, splits, log):
                    if not write:
                        for action in actions:
                            log(f"{name}: {action[-1]}: {action[0]}")
                    left += beyond_view(tall)
                    break
                # re-read: another run may be fitting other notebooks at the same time
                stored = json.loads(SPLITS_FILE.read_text(encoding="utf-8"))
                stored[name] = splits.get(name, stored.get(name, []))
                SPLITS_FILE.write_text(json.dumps(stored, indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
                apply_metadata(nb, name, splits=splits)
                nbformat.write(nb, path)
            else:
                left += beyond_view(tall)
        browser.close()
    return left

