"""Issue 4, Checks: a rendered briefing works in a browser with the network off.

Briefings of the bundled data (Russia-Ukraine, May 2025) and of the Korean War fixture (July 1953)
are rendered with ``python -m parley render`` and opened in headless Chromium (tests/chromium.py):
every ``div.parley-figure`` must hold a drawn plotly chart (its ``.main-svg`` with plotted traces),
with no console error or warning, no uncaught exception, no CSP refusal, and not one request
leaving the page. A full-page screenshot of each is saved (PNG) for a person to look at; the index
page is checked the same way. Chromium missing is a failure (``make test`` installs it), never a skip.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import chromium
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
BRIEFINGS = {
    "russia-ukraine": (ROOT / "data" / "russia-ukraine", "2025-05"),
    "korea-1950": (ROOT / "tests" / "fixtures" / "korea-1950", "1953-07"),
}
PROBES = {
    "figures": "document.querySelectorAll('div.parley-figure').length",
    "figure_data": "document.querySelectorAll('script.parley-figure-data').length",
    "undrawn": "[...document.querySelectorAll('div.parley-figure')].filter(d => !d.querySelector('svg.main-svg') || !d._fullLayout)"
               ".map(d => d.id)",
    "empty": "[...document.querySelectorAll('div.parley-figure')].filter(d => !d.querySelector('.cartesianlayer .trace, "
             ".cartesianlayer .hm, .cartesianlayer image, .plot .scatterlayer path.point'))"
             ".map(d => d.id)",
    "sizes": "[...document.querySelectorAll('div.parley-figure svg.main-svg:first-of-type')].map(s => [s.clientWidth, s.clientHeight])",
    "traces": "[...document.querySelectorAll('div.parley-figure')].map(d => (d.data || []).length)",
    "title": "document.title",
    "headings": "[...document.querySelectorAll('h2')].map(h => h.textContent)",
    "sources": "document.querySelectorAll('ol.parley-sources li').length",
}


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser-screenshots")


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """Both briefings rendered at once (two processes), into one output folder."""
    chromium.executable()  # fail fast, and clearly, before rendering when chromium is missing
    out = tmp_path_factory.mktemp("browser-reports")

    def render(item):
        name, (data, period) = item
        done = subprocess.run([sys.executable, "-m", "parley", "render", str(data), "--period", period, "--out", str(out)],
                              cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return name, out / name / period / "briefing.html"

    with ThreadPoolExecutor(max_workers=2) as pool:
        found = dict(pool.map(render, BRIEFINGS.items()))
    return {**found, "index": out / "index.html"}


@pytest.fixture(scope="module")
def pages(reports, screenshots) -> dict[str, chromium.Page]:
    with chromium.Browser() as browser:
        return {name: browser.open(path, probes=PROBES if name != "index" else {"links": "document.links.length"},
                                   screenshot=screenshots / f"{name}.png")
                for name, path in reports.items()}


@pytest.mark.parametrize("name", list(BRIEFINGS))
def test_every_chart_is_drawn(pages, name):
    page = pages[name]
    values = page.values
    assert values["figures"] >= 6, values
    assert values["figure_data"] == values["figures"]
    assert values["undrawn"] == [], f"not drawn: {values['undrawn']}"
    assert values["empty"] == [], f"drawn without any plotted data: {values['empty']}"
    assert all(n >= 1 for n in values["traces"]), values["traces"]
    assert all(w >= 300 and h >= 200 for w, h in values["sizes"]), values["sizes"]


@pytest.mark.parametrize("name", list(BRIEFINGS) + ["index"])
def test_no_console_errors(pages, name):
    assert pages[name].errors == [], pages[name].errors
    assert pages[name].dialogs == []


@pytest.mark.parametrize("name", list(BRIEFINGS) + ["index"])
def test_no_network_requests(pages, name):
    assert pages[name].outgoing == [], pages[name].outgoing
    assert pages[name].navigations == []


@pytest.mark.parametrize("name", list(BRIEFINGS))
def test_it_reads_as_a_brief(pages, name):
    values = pages[name].values
    assert "briefing for" in values["title"]
    for heading in ("Key points", "Timeline", "Events", "Sources"):
        assert any(h.startswith(heading) for h in values["headings"]), values["headings"]
    assert values["sources"] >= 1


@pytest.mark.parametrize("name", list(BRIEFINGS) + ["index"])
def test_a_screenshot_is_saved(pages, name):
    shot = pages[name].screenshot
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000, shot
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == 1200 and height >= (2000 if name != "index" else 200), (width, height)
    print(f"screenshot: {shot}")


def test_missing_chromium_is_a_clear_failure(tmp_path, monkeypatch):
    """Without chromium the browser tests fail (an AssertionError naming the fix), they never skip."""
    with pytest.raises(AssertionError, match="make chromium"):
        chromium.executable(search_path=str(tmp_path), fallback=str(tmp_path / "chromium"))
    real = chromium.executable
    monkeypatch.setattr(chromium, "executable", lambda: real(search_path=str(tmp_path), fallback=""))
    with pytest.raises(AssertionError, match="make chromium"):
        with chromium.Browser():
            pass
