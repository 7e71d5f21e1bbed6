"""Issue 13: the workbench in JupyterLab itself, in a real browser.

``jupyter lab`` serves a temporary copy of the notebooks and data on 127.0.0.1 (a free port, a
token); Playwright drives Debian's headless chromium (no browser download) to open
``notebooks/explore.ipynb``. The test checks that the stored outputs draw on opening, runs every
cell, then checks that the charts draw (plotly's ``svg.main-svg`` inside the workbench views), that
changing a control redraws a chart in place, that the tables are DataTables, that no cell shows an
error and that the page asked nothing of the network. The server, its kernel and the browser are
stopped at the end, also when the test fails (process group kill in a fixture's finally).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import chromium
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
               "--disable-default-apps", "--hide-scrollbars", "--mute-audio"]
FIGURES = ("timeline", "stance_map", "stance_matrix", "trajectories", "activity", "paths", "sensitivity", "outside_chart")
TABLES = ("ids", "events", "positions", "moves")
SCREENSHOTS = os.environ.get("PARLEY_SCREENSHOTS")  # a folder: save the pictures README shows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_tree(tmp: Path) -> Path:
    """A root for the server: the notebooks and the conflict folders they read, nothing the test can spoil."""
    root = tmp / "root"
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "tests" / "fixtures" / "korea-1950", root / "data" / "korea-1950")
    settings = tmp / "settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True)
    # every cell attached to the page (not only those in view), so the whole notebook can be checked
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    (settings / "apputils-extension").mkdir()
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    labconfig = tmp / "config" / "labconfig"
    labconfig.mkdir(parents=True)  # no check for a pending JupyterLab build (25 s of a loaded machine)
    (labconfig / "page_config.json").write_text(json.dumps({"buildCheck": False, "buildAvailable": False}))
    return root


@pytest.fixture
def lab(tmp_path):
    """A running JupyterLab (url, token, root); killed with its kernels whatever happens."""
    root, port, token = copy_tree(tmp_path), free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "IPYTHONDIR": str(tmp_path / "ipython")}
    log = open(tmp_path / "lab.log", "wb")
    stop = signal.signal(signal.SIGTERM, interrupt)  # `timeout` or CI killing pytest still runs the finally below
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
         "--LabApp.expose_app_in_browser=True", "--LabApp.extension_manager=readonly",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "lab.log").read_text(errors="replace")
            assert time.monotonic() < deadline, "jupyter lab did not answer within 60 s"
            time.sleep(0.5)
        yield {"url": url, "token": token, "root": root, "log": tmp_path / "lab.log"}
    finally:
        with_group(server, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with_group(server, signal.SIGKILL)
            server.wait(timeout=15)
        with_group(server, signal.SIGKILL)  # kernels left in the group
        log.close()
        signal.signal(signal.SIGTERM, stop)


def interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def with_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as play:
        chrome = play.chromium.launch(executable_path=chromium.executable(), args=LAUNCH_ARGS, headless=True)
        try:
            yield chrome
        finally:
            chrome.close()


# what the page shows, read in the page
VIEW_STATE = """() => {
  const views = {};
  for (const view of document.querySelectorAll('.jp-Notebook .parley-view')) {
    const name = [...view.classList].find(c => c.startsWith('parley-view-') && c !== 'parley-view').slice(12);
    views[name] = {svg: view.querySelectorAll('svg.main-svg').length,
                   plots: view.querySelectorAll('.js-plotly-plot').length,
                   traces: view.querySelectorAll(
                     '.cartesianlayer .trace, .cartesianlayer .hm, .scatterlayer path.point').length,
                   datatable: view.querySelectorAll('.dt-container table, .dataTables_wrapper table').length,
                   rows: view.querySelectorAll('table tbody tr').length};
  }
  return views;
}"""
STORED_PLOTS = "() => document.querySelectorAll('.jp-Notebook .jp-OutputArea .js-plotly-plot svg.main-svg').length"
ERRORS = """() => ({
  stderr: [...document.querySelectorAll('.jp-Notebook [data-mime-type="application/vnd.jupyter.stderr"]')]
            .map(e => e.textContent.slice(0, 300)),
  widget_errors: [...document.querySelectorAll('.jp-Notebook .jupyter-widgets')].map(e => e.textContent)
            .filter(t => t.includes('Error displaying widget')),
  status: [...document.querySelectorAll('.parley-controls .widget-html')].map(e => e.textContent).join(' ').trim(),
})"""
TIMELINE_LANES = """() => [...document.querySelectorAll(
  '.parley-view-timeline .ytick text, .parley-view-timeline .yaxislayer-above text')]
  .map(t => t.textContent)"""
KERNEL_READY = """() => {
  const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const session = widget && widget.sessionContext && widget.sessionContext.session;
  const kernel = session && session.kernel;
  return !!kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
}"""
RUN_STATE = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
    .map(p => p.textContent);
  return {prompts, busy: prompts.filter(p => p.includes('*')).length,
          unrun: prompts.filter(p => !/\\[\\d+\\]/.test(p)).length};
}"""


def wait_for(page, script: str, check, timeout: float, what: str):
    deadline, value, began = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        value = page.evaluate(script)
        if check(value):
            print(f"{what}: {time.monotonic() - began:.1f} s")  # shown with -s: where the time goes
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what} within {timeout:.0f} s; last seen: {value}")


def test_workbench_in_jupyterlab(lab, browser, tmp_path):
    started = time.monotonic()
    outside: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def watch(request):  # the page may talk to the server and nothing else (routing it would stall the kernel)
        if not request.url.startswith((lab["url"], "ws://127.0.0.1", "data:", "blob:")):
            outside.append(request.url)

    context.on("request", watch)
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda err: page_errors.append(str(err)))
    page.goto(f"{lab['url']}/lab/tree/notebooks/explore.ipynb?token={lab['token']}", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)

    # 1. the stored outputs draw as soon as the notebook opens, before any cell runs
    stored = wait_for(page, STORED_PLOTS, lambda n: n >= len(FIGURES), 60, "stored charts drawn on opening")
    assert stored >= len(FIGURES)
    wait_for(page, KERNEL_READY, bool, 90, "kernel connected and idle")

    # 2. run every cell
    page.locator(".jp-Notebook .jp-Cell").first.click()  # the notebook is the current widget of the shell
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")  # not awaited
    wait_for(page, RUN_STATE, lambda s: s["busy"], 30, "cells queued")  # the stored prompts are [n] already
    runs = wait_for(page, RUN_STATE, lambda s: s["prompts"] and not s["busy"] and not s["unrun"], 90, "all cells run")
    views = wait_for(page, VIEW_STATE, lambda v: all(v.get(n, {}).get("traces") for n in FIGURES)
                     and all(v.get(n, {}).get("datatable") for n in TABLES), 60, "charts and tables drawn")
    for name in FIGURES:
        assert views[name]["plots"] == 1 and views[name]["svg"] >= 1, (name, views[name])
    for name in TABLES:
        assert views[name]["rows"] > 0, (name, views[name])
    problems = page.evaluate(ERRORS)
    assert problems == {"stderr": [], "widget_errors": [], "status": ""}, problems
    if SCREENSHOTS:
        page.evaluate("() => window.jupyterapp.commands.execute('application:toggle-left-area')")
        save_screenshots(page, Path(SCREENSHOTS), {"controls": ".parley-controls",
                                                   "stance-map": ".parley-view-stance_map",
                                                   "tables": ".parley-view-positions"})

    # 3. a control redraws a chart in place: timeline lanes by actor instead of category
    before = page.evaluate(TIMELINE_LANES)
    page.locator(".parley-controls .widget-toggle-button", has_text="actor").click()
    actors = ["Russia", "Ukraine"]
    after = wait_for(page, TIMELINE_LANES, lambda lanes: lanes != before and any(a in " ".join(lanes) for a in actors),
                     30, "the timeline redrawn with actor lanes")
    assert not any(a in " ".join(before) for a in actors) and any(a in " ".join(after) for a in actors)
    assert page.evaluate(VIEW_STATE)["timeline"]["plots"] == 1
    if SCREENSHOTS:
        save_screenshots(page, Path(SCREENSHOTS), {"timeline": ".parley-view-timeline"})
    problems = page.evaluate(ERRORS)
    assert problems == {"stderr": [], "widget_errors": [], "status": ""}, problems
    assert not page_errors, page_errors
    assert not outside, f"the page asked for addresses outside JupyterLab: {outside[:5]}"
    assert runs["prompts"]
    context.close()
    print(f"JupyterLab page, open to redraw: {time.monotonic() - started:.1f} s")


def save_screenshots(page, folder: Path, views: dict[str, str]) -> None:
    """JupyterLab's window with each view scrolled to the top (PARLEY_SCREENSHOTS=docs/img: README's pictures)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, selector in views.items():
        page.locator(selector).first.evaluate("e => e.closest('.jp-Cell').scrollIntoView({block: 'start'})")
        time.sleep(1)
        page.screenshot(path=str(folder / f"workbench-{name}.png"))
