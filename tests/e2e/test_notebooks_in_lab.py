"""Every notebook runs in JupyterLab and every widget responds, in a real browser.

What it does, per notebook in notebooks/ (a glob: new notebooks are included automatically), as
a learner would: open it in JupyterLab (a private server on a copy of notebooks/, see
conftest.py), wait until the status bar says the kernel is Idle, Edit > Clear Outputs of All
Cells (so the check below sees this run's outputs, not the committed ones), Run > Run All
Cells, wait until the kernel is idle and every code cell has an execution count, and check that
no cell shows a traceback or a widget that failed to display. Then it moves every control of
every displayed widget: sliders by keyboard (focus the handle, ArrowRight then PageUp, or
ArrowLeft/PageDown at the maximum), dropdowns and selects (the next option), toggle buttons,
buttons, checkboxes and radio buttons (a click), and asserts that the widget answers with what
the control drives, judged on the settled view against the view before the action: a number of
its HTML `summary` (the convention of scratch/widgets/__init__.py) other than the control's own
value (which every summary echoes), the pixels of a figure in its Output, or a number of a text
in its Output must have changed. No output may show a traceback (any output type), a warning or
error on stderr, or a check's "not yet - your code raised"; the log console must be found and
empty. Controls are found by the ipywidgets DOM classes, never by notebook-specific selectors.
Every action is timed in the page, from the input event to the DOM change of what it drives
(e2e_latency.py), and every slider is then dragged 20 steps with the mouse, timing the release
to the final figure; the run ends with a latency table per notebook and build/e2e/latency.json
(the targets are printed, never asserted). A screenshot after the interaction goes to
build/e2e/<notebook>.png, a JSON record (run time, controls moved, what changed, latencies) to
build/e2e/<notebook>.json.

Run it with `make e2e` (installs Playwright and Debian's Chromium if needed; about 2.5 minutes
for 8 notebooks on 2 busy cores). `make test` does not run it; a plain `pytest` skips it with
the reason when Chromium or Playwright is missing (under `make e2e` it fails instead). To see
it fail, point it at a folder of broken notebooks: `python tests/e2e/broken_notebooks.py
build/e2e-broken` writes one per failure mode, then SCRATCH_E2E_NOTEBOOKS=build/e2e-broken.
When a later notebook needs a different expectation, add it to EXPECTED below, with the reason.
"""

import json
import os
import re
import time
import urllib.parse
from pathlib import Path

import e2e_latency
import pytest

REPO = Path(__file__).resolve().parents[2]
# SCRATCH_E2E_NOTEBOOKS points the test at another folder (to try it on broken notebooks).
NOTEBOOKS = Path(os.environ.get("SCRATCH_E2E_NOTEBOOKS", REPO / "notebooks"))
SHOTS = REPO / "build" / "e2e"
NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

RUN_ALL_TIMEOUT = 300.0  # seconds for Run All Cells; each notebook runs in < 20 s when idle
RESPONSE_TIMEOUT = 30.0  # seconds for a widget's output to change after one action
POLL = 0.25
CHANGE_POLL = 0.05  # only to notice a change and start settling; latencies are timed in the page

# Expected behaviours that differ from the defaults, by notebook stem:
#   "widgets": how many widget views the notebook displays (default: as many as its committed
#       outputs hold, at least one), "interactive": how many of them have controls (default:
#       at least one; a tqdm progress bar is a widget without controls);
#   "unresponsive": labels of controls that may leave the output unchanged, with the reason.
EXPECTED = {
    "02_simple_layers": {"unresponsive": {
        "show the formulas": "it reveals the gradients' formulas in words; the numbers and the "
                             "graph stay as they are"}},
}

# --- JavaScript run in the page -----------------------------------------------------------
# The kernel status is the status bar's text item "Python 3 (ipykernel) | Idle" (not the
# notebook toolbar's execution indicator).
_JS_HELPERS = r"""
const kernelStatus = () => {
  const items = [...document.querySelectorAll('.jp-StatusBar-TextItem')];
  const item = items.find(e => (e.getAttribute('title') || '').startsWith('Change kernel'))
            || items.find(e => / \| /.test(e.textContent));
  return item ? item.textContent.trim() : '';
};
const cellOf = el => {
  const cell = el.closest('.jp-CodeCell');
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
  return cell ? cells.indexOf(cell) + 1 : 0;
};
// Everything that means something went wrong, in any output of any cell, widget Outputs
// included: a traceback (any output type), any warning or error on stderr, a check's
// "not yet - your code raised" (printed on stdout: the check caught the learner's exception),
// and a widget that failed to display.
const errors = () => {
  const found = [];
  for (const e of document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')) {
    if (e.querySelector('.jp-OutputArea-output')) continue;  // its inner outputs are listed
    const text = e.innerText;
    const mime = e.getAttribute('data-mime-type') || '';
    const stderr = mime === 'application/vnd.jupyter.stderr';
    if (/Traceback \(most recent call last\)|^\s*Cell In\[/m.test(text)
        || /not yet - your code raised/.test(text)
        || (stderr && /\w*(Warning|Error|Exception)\b|Traceback/.test(text)))
      found.push(`code cell ${cellOf(e)} (${stderr ? 'stderr' : mime || 'output'}): `
                 + text.slice(0, 3000));
  }
  for (const e of document.querySelectorAll('.jp-Notebook .jupyter-widgets-error-widget'))
    found.push(`code cell ${cellOf(e)}: widget failed to display: ${e.innerText.slice(0, 500)}`);
  return found;
};
const hash = s => {  // a short fingerprint of an image's data URL
  let h = 5381;
  for (let i = 0; i < s.length; i++) h = ((h << 5) + h + s.charCodeAt(i)) | 0;
  return `${s.length}:${h}`;
};
"""

JS_RUN_STATE = "() => {" + _JS_HELPERS + r"""
  let busy = 0, done = 0, pending = 0;
  for (const cell of document.querySelectorAll('.jp-Notebook .jp-CodeCell')) {
    const prompt = (cell.querySelector('.jp-InputArea-prompt') || {}).textContent || '';
    const source = (cell.querySelector('.cm-content') || {}).textContent || '';
    if (prompt.includes('*')) busy++;
    else if (/\[\d+\]/.test(prompt)) done++;
    else if (source.trim()) pending++;
  }
  const dialog = document.querySelector('.jp-Dialog');
  return {status: kernelStatus(), busy, done, pending, errors: errors(),
          dialog: dialog ? dialog.innerText.slice(0, 500) : null};
}"""

JS_ERRORS = "() => {" + _JS_HELPERS + "return errors(); }"

# Output of a widget callback that is not inside an Output widget (an exception in an observer,
# a warning) goes to JupyterLab's log console (View > Show Log Console). Its panel lists one
# entry per message, or a placeholder when there are none; the test fails when it cannot find
# the panel (a check that cannot look must not pass).
JS_LOG_CONSOLE = r"""() => {
  const panel = document.querySelector('.jp-LogConsolePanel');
  if (!panel) return null;
  const entries = [...panel.querySelectorAll('.jp-OutputArea-child')];
  return {entries: entries.map(e => e.innerText.slice(0, 1500)),
          placeholder: !!panel.querySelector('.jp-LogConsoleListPlaceholder')};
}"""

# Top-level widget views (a widget inside an Output widget belongs to its parent's view),
# and their controls, tagged with data-e2e-* attributes so Playwright can address them.
JS_DISCOVER = "() => {" + _JS_HELPERS + r"""
  const views = [...document.querySelectorAll(
      '.jp-Notebook .jp-OutputArea-output > .jupyter-widgets')].filter(v =>
      !v.parentElement.closest('.jupyter-widgets')
      && !v.classList.contains('jupyter-widgets-error-widget'));
  const selector = ['.widget-slider', '.widget-dropdown', '.widget-select',
    '.widget-toggle-buttons', '.widget-toggle-button', '.widget-button', '.widget-checkbox',
    '.widget-radio-box'].join(',');
  return views.map((view, k) => {
    view.setAttribute('data-e2e-view', k);
    const controls = [];
    for (const el of view.querySelectorAll(selector)) {
      if (el.parentElement.closest('.widget-toggle-buttons, .widget-radio-box, .widget-select'))
        continue;  // a part of a control already listed
      let kind = null, target = el;
      const cls = el.classList;
      if (cls.contains('widget-slider')) {
        kind = 'slider'; target = el.querySelector('.noUi-handle');
        if (!target || el.querySelector('.noUi-target[disabled]')) continue;
      } else if (cls.contains('widget-dropdown') || cls.contains('widget-select')) {
        kind = 'select'; target = el.querySelector('select');
        if (!target || target.disabled || target.multiple || target.options.length < 2) continue;
      } else if (cls.contains('widget-toggle-buttons')) {
        kind = 'togglebuttons';
        if (el.querySelectorAll('button').length < 2) continue;
      } else if (cls.contains('widget-radio-box')) {
        kind = 'radio';
        if (el.querySelectorAll('input[type=radio]').length < 2) continue;
      } else if (cls.contains('widget-checkbox')) {
        kind = 'checkbox'; target = el.querySelector('input[type=checkbox]');
        if (!target || target.disabled) continue;
      } else if (cls.contains('widget-toggle-button')) {
        kind = 'toggle';
        if (el.disabled) continue;
      } else if (cls.contains('widget-button')) {
        kind = 'button';
        if (el.disabled) continue;
      }
      if (!kind) continue;
      const id = `${k}-${controls.length}`;
      target.setAttribute('data-e2e-control', id);
      // The description label; a checkbox shows its description in a second label, a button
      // on its face.
      const clean = e => (e ? e.textContent : '').replace(/[\s\u200b]+/g, ' ').trim();
      const label = clean(el.querySelector('.widget-label'))
        || (kind === 'checkbox' ? clean(el.querySelector('label:not(.widget-label)')) : '')
        || (kind === 'button' || kind === 'toggle' ? clean(el) : '');
      controls.push({id, kind, label: label.slice(0, 40)});
    }
    return {view: k, cell: cellOf(view), controls};
  });
}"""

# What a view shows: its HTML texts (the summary) and its Outputs (text and image fingerprints).
JS_VIEW_STATE = "(k) => {" + _JS_HELPERS + r"""
  const view = document.querySelector(`[data-e2e-view="${k}"]`);
  if (!view) return null;
  const summaries = [...view.querySelectorAll('.widget-html-content, .widget-htmlmath-content')];
  const html = summaries.map(e => e.innerHTML);
  const text = summaries.map(e => e.innerText).join(' | ');
  const outputs = [...view.querySelectorAll('.widget-output')].map(o =>
    o.innerText + ' | ' + [...o.querySelectorAll('img')].map(i => hash(i.src)).join(','));
  const images = [...view.querySelectorAll('.widget-output img')].map(i => hash(i.src));
  return {html, text, outputs, images, status: kernelStatus()};
}"""


def committed_widget_views(path):
    """How many widget views the committed notebook displays (outputs with the widget MIME)."""
    notebook = json.loads(path.read_text())
    return sum(WIDGET_MIME in output.get("data", {})
               for cell in notebook["cells"] if cell["cell_type"] == "code"
               for output in cell.get("outputs", []))


def wait_for(page, predicate, timeout, what):
    """Poll the notebook's run state until predicate(state) holds on two polls in a row."""
    deadline = time.monotonic() + timeout
    state, hits = None, 0
    while time.monotonic() < deadline:
        state = page.evaluate(JS_RUN_STATE)
        if state["dialog"]:
            pytest.fail(f"a JupyterLab dialog appeared while waiting for {what}:\n"
                        f"{state['dialog']}", pytrace=False)
        hits = hits + 1 if predicate(state) else 0
        if hits >= 2:
            return state
        time.sleep(POLL)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}; last state: {state}",
                pytrace=False)


def idle(state):
    return state["status"].endswith("| Idle")


def menu(page, menu_name, item):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu_name}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def open_notebook(page, server, path):
    """Open a notebook in a workspace of its own (no tabs left over from another notebook)."""
    name = urllib.parse.quote(path.name)
    workspace = urllib.parse.quote(f"e2e-{path.stem}")
    page.goto(f"{server.url}/lab/workspaces/{workspace}/tree/{name}?token={server.token}")
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
    wait_for(page, idle, 120, "the kernel to start (status bar: Idle)")
    # Fold the file browser away: the notebook gets the width, the screenshot shows more.
    current = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if current.count():
        current.first.click()


def run_all(page):
    """Edit > Clear Outputs of All Cells, Run > Run All Cells, then wait for the whole run."""
    menu(page, "Edit", "Clear Outputs of All Cells")
    menu(page, "Run", "Run All Cells")
    return wait_for(page, lambda s: idle(s) and s["busy"] == 0
                    and (s["pending"] == 0 or s["errors"]),
                    RUN_ALL_TIMEOUT, "Run All Cells to finish")


def view_state(page, k):
    state = page.evaluate(JS_VIEW_STATE, k)
    assert state is not None, f"widget view {k} disappeared from the page"
    return state


def settle(page, k):
    """Wait until the kernel is idle and the view is the same on two polls (a figure may
    follow the summary)."""
    deadline = time.monotonic() + RESPONSE_TIMEOUT
    previous = None
    while time.monotonic() < deadline:
        state = view_state(page, k)
        if idle(state) and state == previous:
            return state
        previous = state
        time.sleep(POLL)
    pytest.fail(f"widget view {k} did not settle (kernel idle, output unchanged) within "
                f"{RESPONSE_TIMEOUT:.0f} s; kernel status: {previous['status']!r}", pytrace=False)


def _readout(target):
    readout = target.locator("xpath=ancestor::*[contains(@class, 'widget-slider')][1]"
                             "//*[contains(@class, 'widget-readout')]").first
    return readout.inner_text() if readout.count() else ""


def act(page, control, step):
    """One action on a control; step 0 and 1 differ for sliders (ArrowRight, then PageUp).

    Returns (what was done, the control's own values before and after it): a summary that
    repeats them only echoes the control, so they do not count as a response.
    """
    target = page.locator(f'[data-e2e-control="{control["id"]}"]')
    assert target.count() == 1, (f'{control["kind"]} {control["label"]!r} is no longer on the '
                                 "page (its widget view was rendered again)")
    target.scroll_into_view_if_needed()
    kind = control["kind"]
    if kind == "slider":
        # aria-valuenow is rounded to one decimal: compare with the maximum, report the readout.
        at_max = float(target.get_attribute("aria-valuenow")) >= float(
            target.get_attribute("aria-valuemax"))
        key = (("ArrowRight", "ArrowLeft"), ("PageUp", "PageDown"))[step][at_max]
        shown = _readout(target)
        target.focus()
        page.keyboard.press(key)
        now = _readout(target)
        return f"{key} ({shown or '?'} -> {now or '?'})", [shown, now]
    if kind == "select":
        old = target.evaluate("s => s.options[s.selectedIndex].text").replace("\xa0", " ")
        index = target.evaluate("s => (s.selectedIndex + 1) % s.options.length")
        label = target.evaluate(f"s => s.options[{index}].text").replace("\xa0", " ")
        target.select_option(index=index)
        return f"select {label!r}", [old, label]
    if kind == "togglebuttons":
        active = target.locator("button.mod-active")
        old = active.first.inner_text() if active.count() else ""
        button = target.locator("button:not(.mod-active)").first
        label = button.inner_text()
        button.click()
        return f"click {label!r}", [old, label]
    if kind == "radio":
        labels = target.locator("label").all_inner_texts()
        radio = target.locator("input[type=radio]:not(:checked)").first
        radio.click()
        return "click another option", labels
    target.click()
    return "click", [control["label"]]


def wait_for_change(page, k, before):
    """'summary' or 'figure' as soon as the view differs from `before`, or None after
    RESPONSE_TIMEOUT. Only to know when to settle: the latency is measured in the page."""
    deadline = time.monotonic() + RESPONSE_TIMEOUT
    while time.monotonic() < deadline:
        now = view_state(page, k)
        if now["html"] != before["html"]:
            return "summary"
        if now["outputs"] != before["outputs"]:
            return "figure"
        time.sleep(CHANGE_POLL)
    return None


NUMBER = re.compile(r"[-+\u2212]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
                    r"(?:[eE][-+\u2212]?\d+)?")


def numbers(text, echoed=()):
    """The numbers in a text, in order, as floats, without those equal to an echoed value."""
    def value(match):
        return float(match.replace("\u2212", "-").replace(",", ""))

    echo = {value(m) for text_ in echoed for m in NUMBER.findall(text_ or "")}
    return [v for v in map(value, NUMBER.findall(text)) if v not in echo]


def what_changed(before, after, echoed=()):
    """What the action drove, judged on the settled view: 'summary' when the summary's numbers
    changed other than the control's own (echoed) values, 'figure' when an image's pixels
    changed, 'output' when the numbers of an Output's text changed; None otherwise."""
    parts = []
    if numbers(after["text"], echoed) != numbers(before["text"], echoed):
        parts.append("summary")
    if after["images"] != before["images"]:
        parts.append("figure")
    # an Output's entry is "<its text> | <image fingerprints>": the text alone here
    texts = [" ".join(o.rsplit(" | ", 1)[0] for o in state["outputs"])
             for state in (before, after)]
    if numbers(texts[1], echoed) != numbers(texts[0], echoed):
        parts.append("output")
    return "+".join(parts) or None


def why_not(before, after, seen):
    """Why an action counts as no response, for the failure message."""
    if seen is None:
        return f"left the summary and the figure unchanged for {RESPONSE_TIMEOUT:.0f} s"
    if after["html"] == before["html"] and after["outputs"] == before["outputs"]:
        return (f"changed the {seen} while computing, but the settled view is the view "
                "before the action")
    return ("changed only the control's own value in the summary: no other number of the "
            "summary, no figure pixel and no output number changed")


def interact(page, views, expected, notebook):
    """Move every control; return the records and the controls that did not respond.

    A response is judged on the settled view against the view before the action: the
    summary's numbers other than the control's echoed value, or the figure's pixels, or the
    numbers an Output prints must have changed. Every action's latency is measured in the
    page (e2e_latency); then every slider is dragged 20 steps and the time from the release
    to the final figure is recorded.
    """
    records, drags, failures = [], [], []
    allowed = expected.get("unresponsive", {})
    for view in views:
        k = view["view"]
        settled = None  # the view's state after the previous action, once settled
        for control in view["controls"]:
            for step in range(2 if control["kind"] == "slider" else 1):
                before = settled or settle(page, k)
                e2e_latency.arm(page, k)
                start = time.monotonic()
                action, echoed = act(page, control, step)
                seen = wait_for_change(page, k, before)
                seconds = round(time.monotonic() - start, 2)
                settled = settle(page, k)
                changed = what_changed(before, settled, echoed)
                timing = e2e_latency.read(page)
                label = f'{control["kind"]} {control["label"]!r}'
                record = {"notebook": notebook, "cell": view["cell"], "control": label,
                          "action": action, "changed": changed, "seconds": seconds,
                          "load": e2e_latency.read_loadavg(), **timing}
                records.append(record)
                if changed is None and control["label"] not in allowed:
                    failures.append(f'code cell {view["cell"]}, {label}: {action} '
                                    + why_not(before, settled, seen))
        for control in view["controls"]:
            if control["kind"] != "slider":
                continue
            before = settle(page, k)
            target = page.locator(f'[data-e2e-control="{control["id"]}"]')
            target.scroll_into_view_if_needed()
            shown = _readout(target)
            moved = e2e_latency.drag(page, target, k)
            seen = wait_for_change(page, k, before)
            after = settle(page, k)
            echoed = [shown, _readout(target)]
            record = {"notebook": notebook, "cell": view["cell"],
                      "control": f'slider {control["label"]!r}', **moved,
                      "changed": what_changed(before, after, echoed),
                      "load": e2e_latency.read_loadavg(), **e2e_latency.read(page)}
            drags.append(record)
            if record["changed"] is None and control["label"] not in allowed:
                failures.append(f'code cell {view["cell"]}, {record["control"]}: a drag of '
                                f'{moved["steps"]} steps ({echoed[0]} -> {echoed[1]}) '
                                + why_not(before, after, seen))
    return records, drags, failures


def log_console_messages(page):
    """The log console's entries (View > Show Log Console), None when there are none; fails
    when the console cannot be found."""
    missing = ("the log console (View > Show Log Console) was not found, so the messages of "
               "widget callbacks cannot be checked")
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^View$")).click()
    item = page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Show Log Console$"))
    try:
        item.wait_for(timeout=5_000)
    except Exception:  # Playwright's TimeoutError: no such menu item
        page.keyboard.press("Escape")
        pytest.fail(missing + " (no such menu item)", pytrace=False)
    item.click()
    deadline = time.monotonic() + 10
    state = None
    while time.monotonic() < deadline:
        state = page.evaluate(JS_LOG_CONSOLE)
        if state is not None and (state["entries"] or state["placeholder"]):
            break
        page.wait_for_timeout(250)
    if state is None:
        pytest.fail(missing, pytrace=False)
    page.wait_for_timeout(500)  # entries render right after the panel
    state = page.evaluate(JS_LOG_CONSOLE)
    return "\n".join(state["entries"])[:3000] if state["entries"] else None


def screenshot(page, stem):
    """build/e2e/<stem>.png, with the last widget in view; never masks the test's own error."""
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        views = page.locator("[data-e2e-view]")
        if views.count():
            views.last.scroll_into_view_if_needed(timeout=5_000)
        page.screenshot(path=str(SHOTS / f"{stem}.png"), timeout=30_000)
    except Exception as error:  # a missing screenshot must not hide the test's result
        print(f"screenshot of {stem} failed: {error}")


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_notebook_runs_and_widgets_respond(page, lab_server, e2e_results, path):
    expected = EXPECTED.get(path.stem, {})
    # Count in the server's copy: the notebook in notebooks/ may be re-executed meanwhile.
    widgets = expected.get("widgets", max(1, committed_widget_views(lab_server.root / path.name)))
    result = {"notebook": path.name}
    try:
        start = time.monotonic()
        open_notebook(page, lab_server, path)
        result["open_seconds"] = round(time.monotonic() - start, 1)

        start = time.monotonic()
        state = run_all(page)
        result["run_all_seconds"] = round(time.monotonic() - start, 1)
        assert not state["errors"], "a cell shows an error:\n" + "\n\n".join(state["errors"])
        assert state["pending"] == 0

        views = page.evaluate(JS_DISCOVER)
        result["widget_views"] = len(views)
        assert len(views) == widgets, (
            f"{widgets} widget view(s) expected (committed outputs), {len(views)} displayed")
        # A view without controls only displays (a tqdm progress bar): nothing to move there.
        interactive = [view for view in views if view["controls"]]
        result["display_only_views"] = len(views) - len(interactive)
        assert len(interactive) >= expected.get("interactive", 1), (
            f"{len(interactive)} widget(s) with controls displayed, "
            f'{expected.get("interactive", 1)} expected')

        start = time.monotonic()
        records, drags, failures = interact(page, interactive, expected, path.name)
        result["interact_seconds"] = round(time.monotonic() - start, 1)
        result["actions"] = records
        result["drags"] = drags
        errors = page.evaluate(JS_ERRORS)
        assert not errors, "an error appeared while moving the widgets:\n" + "\n\n".join(errors)
        logged = log_console_messages(page)
        assert logged is None, f"widget callbacks wrote to the log console:\n{logged}"
        assert not failures, "widgets that did not respond:\n" + "\n".join(failures)
        result["passed"] = True
    except BaseException as error:
        result["error"] = str(error)[:3000]
        raise
    finally:
        screenshot(page, path.stem)
        e2e_results.append(result)
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / f"{path.stem}.json").write_text(json.dumps(result, indent=1) + "\n")
