"""Fixtures of the browser test: a private JupyterLab server and Debian's headless Chromium.

`lab_server` starts `jupyter lab` from the running Python (the project's .venv under `make e2e`)
on 127.0.0.1, a free port and a random token, serving a temporary copy of notebooks/ with
temporary config, data, runtime, settings and workspace folders (so neither the committed
notebooks nor a user's own Jupyter settings are touched), and stops it by its process id
whatever happens. `browser` launches /usr/bin/chromium headless through Playwright (never a
browser downloaded by `playwright install`). Without Chromium or Playwright the tests skip,
unless `make e2e` asked for them (SCRATCH_E2E_REQUIRED=1): then they fail and say what is missing.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import e2e_latency
import pytest

REPO = Path(__file__).resolve().parents[2]
LATENCY_JSON = REPO / "build" / "e2e" / "latency.json"
SLIDES_JSON = REPO / "build" / "e2e" / "slides.json"
NOTEBOOKS = Path(os.environ.get("SCRATCH_E2E_NOTEBOOKS", REPO / "notebooks"))
CHROMIUM = Path(os.environ.get("SCRATCH_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
REQUIRED = os.environ.get("SCRATCH_E2E_REQUIRED") == "1"
SERVER_START_TIMEOUT = 120.0  # seconds; `jupyter lab` takes 5-15 s on two busy cores

# JupyterLab user settings for the test server: no news or update toasts (they would cover
# the notebook, and there is no network), every cell attached to the DOM (the default windowing
# leaves off-screen cells out), no autosave (the copy is thrown away anyway), RISE without
# slide transitions.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # RISE's slideshow without the animation between slides: the slides are measured where
    # they come to rest, which is the same either way, without waiting out each transition.
    "jupyterlab-rise/plugin.jupyterlab-settings": {"transition": "none"},
}


def _missing_requirement():
    """Why the browser test cannot run here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("playwright is not installed: run `make e2e` (it installs the e2e extra) or "
                "`.venv/bin/python -m pip install -e '.[dev,e2e]'`")
    if not os.access(CHROMIUM, os.X_OK):
        return (f"{CHROMIUM} is missing: install Debian's Chromium (`sudo apt-get install "
                "chromium`; `make e2e` does it when run as root); `playwright install` is not used")
    return None


@pytest.fixture(scope="session")
def e2e_requirements():
    reason = _missing_requirement()
    if reason is None:
        return
    if REQUIRED:
        pytest.fail(f"browser test required by `make e2e` but {reason}", pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(tmp):
    """The notebooks' environment (as in the Makefile) with every Jupyter folder temporary."""
    env = dict(os.environ)
    for name in ("JUPYTER_PATH", "JUPYTERLAB_DIR", "JUPYTER_PREFER_ENV_PATH", "JUPYTER_TOKEN"):
        env.pop(name, None)
    env.update(
        PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
        JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_DATA_DIR=str(tmp / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"), IPYTHONDIR=str(tmp / "ipython"),
    )
    # `make e2e` passes the Makefile's MPLCONFIGDIR (.venv/mplconfig, font cache built once);
    # otherwise a private one, so no user matplotlibrc changes the figures.
    env.setdefault("MPLCONFIGDIR", str(tmp / "mplconfig"))
    for key in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    for name, values in LAB_SETTINGS.items():
        path = tmp / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    return env


def _stop(proc):
    """Terminate the server by its own process id; kill it if it does not stop in time."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)


class LabServer:
    """A running `jupyter lab`: base `url`, `token`, `root` (the copy of notebooks/), `log`."""

    def __init__(self, url, token, root, log):
        self.url, self.token, self.root, self.log = url, token, root, log

    def api(self, path, method="GET"):
        """Call the server's REST API with the token; returns the decoded JSON (or None)."""
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        """End every session and its kernel (one notebook's kernel must not slow the next)."""
        for session in self.api("/api/sessions"):
            self.api(f"/api/sessions/{session['id']}", method="DELETE")

    def log_tail(self, lines=30):
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _start(tmp, env, attempt):
    port, token = _free_port(), secrets.token_hex(24)
    log = tmp / f"jupyter-lab-{attempt}.log"
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp / 'notebooks'}",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, env=env, cwd=tmp / "notebooks", stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return proc, LabServer(f"http://127.0.0.1:{port}", token, tmp / "notebooks", log)


def _wait_until_up(proc, server):
    """True once /api/status answers; False if the process died (e.g. the port was taken)."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            server.api("/api/status")
            return True
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.5)
    raise RuntimeError(f"jupyter lab did not answer /api/status within {SERVER_START_TIMEOUT:.0f} s"
                       f"; last lines of its log:\n{server.log_tail()}")


@pytest.fixture(scope="session")
def lab_server(e2e_requirements, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e-lab")
    # Cells run in a copy: executing them must never modify the committed notebooks.
    shutil.copytree(NOTEBOOKS, tmp / "notebooks", ignore=shutil.ignore_patterns(".ipynb_*"))
    env = _server_env(tmp)
    for attempt in range(3):  # another process may grab the free port before the server does
        proc, server = _start(tmp, env, attempt)
        try:
            if _wait_until_up(proc, server):
                break
        except BaseException:
            _stop(proc)
            raise
    else:
        pytest.fail(f"jupyter lab did not start; last lines of its log:\n{server.log_tail()}",
                    pytrace=False)
    try:
        yield server
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def browser(e2e_requirements):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def browser_context(browser, tmp_path_factory):
    # One context for all notebooks: JupyterLab's scripts are cached after the first page.
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser_context, lab_server):
    page = browser_context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        page.close()
        lab_server.shutdown_kernels()


_RESULTS = []


@pytest.fixture(scope="session")
def e2e_results():
    """Per-notebook records (times, widgets moved), printed at the end of the run."""
    return _RESULTS


_SLIDE_RECORDS = {"exported decks": [], "RISE live": []}


@pytest.fixture(scope="session")
def slide_records():
    """Per-deck records of test_slides.py (slides walked, beyond the view, headings)."""
    return _SLIDE_RECORDS["exported decks"]


@pytest.fixture(scope="session")
def rise_records():
    return _SLIDE_RECORDS["RISE live"]


def _slide_summary(terminalreporter, kind, records):
    terminalreporter.section(f"slides, {kind}, at 1280x720 with every fragment shown "
                             f"({SLIDES_JSON.relative_to(REPO)})")
    for r in records:
        terminalreporter.write_line(
            f'{r["deck"]:<32} {r["slides"]:>3} slides, {r["overflowing"]} beyond the view, '
            f'{r["headings"]} headings, {r["misplaced"]} not starting a slide')
    terminalreporter.write_line(
        f"{len(records)} decks, {sum(r['slides'] for r in records)} slides: "
        f"{sum(r['overflowing'] for r in records)} beyond the view, "
        f"{sum(r['misplaced'] for r in records)} headings not starting a slide")


def pytest_terminal_summary(terminalreporter):
    if any(_SLIDE_RECORDS.values()):
        SLIDES_JSON.parent.mkdir(parents=True, exist_ok=True)
        SLIDES_JSON.write_text(json.dumps(_SLIDE_RECORDS, indent=1), encoding="utf-8")
    for kind, records in _SLIDE_RECORDS.items():
        if records:
            _slide_summary(terminalreporter, kind, records)
    if not _RESULTS:
        return
    terminalreporter.section("notebooks in JupyterLab (build/e2e/*.png, *.json)")
    for r in _RESULTS:
        actions = r.get("actions", [])
        responded = sum(a["changed"] is not None for a in actions)
        terminalreporter.write_line(
            f'{r["notebook"]:<32} {"passed" if r.get("passed") else "FAILED":<6}  '
            f'open {r.get("open_seconds", "-")} s, run all {r.get("run_all_seconds", "-")} s, '
            f'{r.get("widget_views", "-")} widget(s), {responded}/{len(actions)} actions '
            f'changed the output in {r.get("interact_seconds", "-")} s')
    actions = [a for r in _RESULTS for a in r.get("actions", [])]
    drags = [d for r in _RESULTS for d in r.get("drags", [])]
    if not actions and not drags:
        return
    e2e_latency.write(LATENCY_JSON, actions, drags)
    terminalreporter.section("widget latency in the page, ms from the input event to the DOM "
                             f"change (every action: {LATENCY_JSON.relative_to(REPO)})")
    for line in e2e_latency.table(actions, drags):
        terminalreporter.write_line(line)
