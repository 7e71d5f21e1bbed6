"""Issue 7: text from the data is inert wherever it lands in a briefing or the index.

A copy of the Korean War fixture has every text cell (titles, descriptions, locations, statements,
sources, actor and issue names, scale labels, issue descriptions, the conflict's name and summary)
replaced by markup that would run script, load something or navigate if it were ever parsed as
HTML: <script>, <img onerror>, <svg onload>, javascript: links, <iframe>, <meta refresh>, <base>,
CSS @import, and quote breakers that try to leave an attribute or a <script> element. Every
source_url is an http(s) address as tricky as validation allows (it refuses quotes, < and >,
and anything but http and https: tested here too).

The rendered briefing and the index are opened in headless Chromium with the network off. Every
payload, if it ran, would record itself in ``window.__pwned`` and the page title, ask for a file or
a host, or open a dialog: none of that may happen. Hover labels are shown for every point of every
chart, so the labels' text goes through plotly's HTML-like label renderer too.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import chromium
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
KOREA = ROOT / "tests" / "fixtures" / "korea-1950"
PERIOD, PERIOD_TITLE = "1953-07", "July 1953"
MARK = "__pwned"


def payload(key: str) -> str:
    """Markup that would leave a trace under `key` if it were ever parsed as HTML or run as script."""
    js = f"window.{MARK}=(window.{MARK}||[]).concat(['{key}']);document.title='PWNED {key}'"
    return (f"<script>{js}</script> <img src=x-{key}.png onerror=\"{js}\"> <svg onload=\"{js}\"></svg> "
            f"\"><script>{js}</script> '><img src=y-{key}.png onerror='{js}'> "
            f"</script><script>{js}</script> <a href=\"javascript:{js}\">javascript link {key}</a> "
            f"<iframe src=\"javascript:{js}\"></iframe> <meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/{key}\"> "
            f"<base href=\"https://evil.example/\"> <style>@import url(https://evil.example/{key}.css);</style> "
            f"<link rel=stylesheet href=https://evil.example/{key}-link.css> ]]> <!-- {{{{7*7}}}} ${{{key}}} \\u2028 end {key}")


def url(key: str) -> str:
    """An http(s) address that passes validation yet carries breakers in encoded form."""
    return (f"https://example.org/{key}?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&amp;x=&quot;onmouseover=alert(1)"
            f"&y=javascript:alert(1)#`${{alert(1)}}`")


def rewrite_csv(path: Path, text_columns: tuple[str, ...], extra_rows: list[dict] | None = None) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0].keys())
    table = path.stem
    for number, row in enumerate(rows + (extra_rows or [])):
        for column in text_columns:
            row[column] = payload(f"{table}.{column}.{number}")
        if "source_url" in row:
            row["source_url"] = url(f"{table}-{number}")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows + (extra_rows or []))
    path.write_text(buffer.getvalue(), encoding="utf-8")


def hostile_copy(target: Path) -> Path:
    shutil.copytree(KOREA, target)
    name, summary = payload("conflict.name"), payload("conflict.summary")
    toml = (target / "conflict.toml").read_text(encoding="utf-8").splitlines()
    toml = [f"name = {json.dumps(name)}" if line.startswith("name") else
            f"summary = {json.dumps(summary)}" if line.startswith("summary") else line for line in toml]
    (target / "conflict.toml").write_text("\n".join(toml) + "\n", encoding="utf-8")
    rewrite_csv(target / "actors.csv", ("name", "source"))
    rewrite_csv(target / "issues.csv", ("name", "scale_low", "scale_high", "description"))
    rewrite_csv(target / "events.csv", ("title", "description", "location", "source"))
    # a position that moves in the period, so the "what changed" table (statement, scale label) is shown too
    moved = {"actor_id": "north_korea", "issue_id": "pow_repatriation", "date": "1953-07-20", "position": "95",
             "salience": "80", "statement": "", "source": "", "source_url": ""}
    rewrite_csv(target / "positions.csv", ("statement", "source"), [moved])
    return target


# What the pages are asked after they loaded (evaluated in the page, after its own scripts ran).
PROBES = {
    "pwned": f"window.{MARK} === undefined ? null : window.{MARK}",
    "title": "document.title",
    "scripts_that_run": "[...document.scripts].filter(s => !['application/json', 'application/gzip'].includes(s.type))"
                        ".length",
    "on_attributes": "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
                     ".filter(a => a.name.toLowerCase().startsWith('on')).map(a => e.tagName + ' ' + a.name))",
    "hrefs": "[...document.querySelectorAll('a')].map(a => a.getAttribute('href') || a.getAttribute('xlink:href') || '')",
    "links": "document.querySelectorAll('a[href]').length",
    "injected_elements": "document.querySelectorAll('img:not([alt=figure]), iframe, svg[onload], meta[http-equiv=refresh], base, link, "
                         "main style, body script:not(.parley-figure-data):not(.parley-plotly-template)').length",
    "text_shows_payload": "document.body.innerText.includes('<script>window.__pwned')",
    "charts_show_payload": "[...document.querySelectorAll('.main-svg text')].some(t => t.textContent.includes('<script>'))",
    "figures": "document.querySelectorAll('div.parley-figure').length",
    "drawn": "[...document.querySelectorAll('div.parley-figure')].filter(d => d.querySelector('.main-svg')).length",
}
HOVER = """(async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  let points = 0, labels = 0, withPayload = 0;
  for (const gd of document.querySelectorAll('div.parley-figure')) {
    for (let i = 0; i < (gd.data || []).length; i++) {
      const trace = gd.data[i], cd = (gd.calcdata || [])[i] || [], pts = [];
      if (trace.hoverinfo === 'skip') continue;
      if (trace.type === 'heatmap')
        ((cd[0] || {}).z || []).forEach((row, r) => row.forEach((_, c) => pts.push({curveNumber: i, pointNumber: [r, c]})));
      else for (let j = 0; j < cd.length; j++) pts.push({curveNumber: i, pointNumber: j});
      if (!pts.length) continue;
      Plotly.Fx.hover(gd, pts, (trace.xaxis || 'x') + (trace.yaxis || 'y'));
      points += pts.length;
      await sleep(60);
      const layer = gd.querySelector('.hoverlayer');
      labels += layer ? layer.querySelectorAll('g.hovertext').length : 0;
      if (layer && layer.textContent.includes('<script>')) withPayload++;
    }
    Plotly.Fx.unhover(gd);
  }
  await sleep(200);
  return {points, labels, withPayload};
})()"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return hostile_copy(tmp_path_factory.mktemp("inert") / "hostile")


@pytest.fixture(scope="module")
def report(hostile, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("inert-reports")
    done = subprocess.run([sys.executable, "-m", "parley", "render", str(hostile), "--period", PERIOD, "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def pages(report, tmp_path_factory):
    shots = tmp_path_factory.mktemp("inert-screenshots")
    with chromium.Browser() as browser:
        # hover labels first: the other probes then also see whatever showing them may have run
        briefing = browser.open(report / "korea-1950" / PERIOD / "briefing.html",
                                probes={"hover": HOVER, **PROBES})
        index = browser.open(report / "index.html", probes=PROBES, screenshot=shots / "hostile-index.png")
    return {"briefing": briefing, "index": index}


# --- validation keeps the dangerous addresses out ----------------------------------------------------

@pytest.mark.parametrize("address", [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "file:///etc/passwd", 'https://example.org/"><script>alert(1)</script>',
    "https://example.org/'onmouseover='alert(1)", "https://example.org/<img>", "//evil.example/x",
])
def test_validation_refuses_addresses_that_are_not_plain_http(address, tmp_path):
    from parley.data.load import load_conflict
    from parley.errors import DataError

    folder = shutil.copytree(KOREA, tmp_path / "korea-1950")
    with open(folder / "events.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[3][rows[0].index("source_url")] = address
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (folder / "events.csv").write_text(buffer.getvalue(), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_conflict(folder)
    assert [(p.file, p.line, p.column) for p in caught.value.problems] == [("korea-1950/events.csv", 4, "source_url")]


def test_the_hostile_copy_is_valid_data(hostile):
    """The payloads are legal text: validation is not what keeps them harmless, escaping is."""
    from parley.data.load import load_conflict

    conflict = load_conflict(hostile)
    assert conflict.meta.name.startswith("<script>")
    assert conflict.events["title"].str.contains("<img src=x", regex=False).all()


# --- the files --------------------------------------------------------------------------------------

def test_no_payload_markup_is_in_the_files_unescaped(report):
    for path in (report / "korea-1950" / PERIOD / "briefing.html", report / "index.html"):
        page = path.read_text(encoding="utf-8")
        for raw in ("<script>window.", "<img src=x", "<img src=y", "<svg onload", "<iframe", "<meta http-equiv=\"refresh",
                    "<base ", "<link ", "<style>@import", "href=\"javascript:", "onerror=\"window", "onerror='window"):
            assert raw not in page, f"{path.name} holds {raw!r} unescaped"
        # the only executable script is parley's own draw.js in the briefing (it runs the packed plotly.js), none
        # in the index
        executable = page.count("<script>")
        assert executable == (1 if path.name == "briefing.html" else 0), f"{path.name}: {executable} executable scripts"


# --- the browser ------------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["briefing", "index"])
def test_no_script_from_the_data_ran(pages, which):
    page = pages[which]
    assert page.values["pwned"] is None, f"payloads ran: {page.values['pwned']}"
    assert "PWNED" not in page.values["title"].replace("document.title='PWNED", "")
    assert page.values["title"].startswith("<script>window.__pwned") or which == "index"
    assert page.dialogs == [], page.dialogs
    assert page.values["on_attributes"] == [], page.values["on_attributes"]
    assert page.values["injected_elements"] == 0
    assert page.values["scripts_that_run"] == (2 if which != "index" else 0)
    assert page.navigations == [], page.navigations
    assert page.errors == [], page.errors


@pytest.mark.parametrize("which", ["briefing", "index"])
def test_no_request_left_the_page(pages, which):
    assert pages[which].outgoing == [], pages[which].outgoing


@pytest.mark.parametrize("which", ["briefing", "index"])
def test_links_are_made_only_from_http_addresses(pages, which):
    """Links come from http(s) source addresses, the page's own anchors, and the index's links to its reports."""
    hrefs = pages[which].values["hrefs"]
    own = r"#[a-z-]+" if which == "briefing" else r"korea-1950/1953-07/briefing\.html"
    bad = [h for h in hrefs if not (re.fullmatch(own, h) or re.match(r"https?://[^\s\"'<>]+$", h))]
    assert bad == [], bad
    assert hrefs and pages[which].values["links"] == len(hrefs)
    if which == "briefing":
        assert sum(h.startswith("https://example.org/") for h in hrefs) >= 10, "the sources' links are missing"


def test_the_payloads_are_shown_as_text(pages):
    page = pages["briefing"]
    assert page.values["text_shows_payload"], "the data's text did not reach the page"
    assert page.values["charts_show_payload"], "no chart label shows the data's text"
    assert page.values["figures"] >= 5 and page.values["drawn"] == page.values["figures"]
    hover = page.values["hover"]
    assert hover["points"] >= 50 and hover["labels"] >= 20, hover
    assert hover["withPayload"] >= 5, f"hover labels never showed the data's text: {hover}"
    assert pages["index"].values["text_shows_payload"]
