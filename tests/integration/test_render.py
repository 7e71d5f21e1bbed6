"""Rendering end to end: files, offline HTML, manifest, index, schedule skips, failures keep the last good report."""

import json
import re
import shutil

import pytest
from conftest import KOREA, ROOT, TRACK_RECORD_CHART, run_cli, set_cell

from parley.data.meta import read_conflict_meta
from parley.data.periods import parse_period
from parley.errors import RenderError
from parley.pipeline import schedule
from parley.pipeline.render import render

pytestmark = [pytest.mark.slow]

MAX_HTML_BYTES = 1_000_000  # issue 23: a briefing page at or under 1 MB


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    done = run_cli("render", str(KOREA), "--period", "1953-07", "--out", str(out), "--format", "html,pdf")
    assert done.returncode == 0, done.stderr
    return out, done


def test_render_writes_report_notebook_manifest_and_index(rendered):
    out, done = rendered
    folder = out / "korea-1950" / "1953-07"
    assert done.stdout.splitlines()[0].endswith("korea-1950/1953-07/briefing.html")
    for name in ("briefing.html", "briefing.ipynb", "briefing.pdf", "manifest.json"):
        assert (folder / name).is_file(), name
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["period"] == "1953-07" and manifest["start"] == "1953-07-01" and manifest["end"] == "1953-07-31"
    assert manifest["trend"] in ("deteriorated", "improved", "unchanged")
    index = (out / "index.html").read_text()
    assert "korea-1950/1953-07/briefing.html" in index and manifest["trend"] in index


def test_html_is_self_contained_offline_and_reads_as_a_brief(rendered):
    out, _ = rendered
    page = (out / "korea-1950" / "1953-07" / "briefing.html").read_text(encoding="utf-8")
    assert len(page.encode()) <= MAX_HTML_BYTES
    assert page.count('<script type="application/gzip" id="parley-plotly-js">') == 1  # plotly.js once, packed
    assert page.count('class="parley-plotly-template"') == 1  # the template all figures share, once
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=\"?(https?:)?//", page)
    assert "<script src" not in page and "cdnjs.cloudflare.com" not in page  # nbconvert's require.js / MathJax
    assert "default-src 'none'" in page  # and the page forbids fetching anything at all
    assert "show_html(" not in page and "Briefing.open" not in page  # code cells hidden
    assert "<h1>Korean War armistice talks: briefing for July 1953</h1>" in page
    for heading in ("Key points", "Timeline", "What changed since June 1953", "Where the actors stand",
                    "Prospects", "Events", "Sources"):
        assert f"<h2>{heading}</h2>" in page, heading
    assert "Armistice" in page
    # 8 charts, the track record's when historical cases exist; no outside-view chart: the fixture's conflict.toml
    # does not declare the reference-class fields (the section says so instead)
    assert page.count('class="parley-figure"') == 8 + TRACK_RECORD_CHART
    assert "Outside view" in page
    assert str(ROOT) not in page and str(KOREA) not in page


def test_pdf_is_a4(rendered):
    out, _ = rendered
    pdf = (out / "korea-1950" / "1953-07" / "briefing.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    sizes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf))
    assert sizes and all(abs(float(w) - 595.92) < 2 and abs(float(h) - 842.88) < 2 for w, h in sizes), sizes


def test_schedule_renders_missing_then_nothing(tmp_path):
    first = run_cli("schedule", str(KOREA), "--cadence", "month", "--since", "1953-06", "--until", "1953-07",
                    "--out", str(tmp_path), "--quiet")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("rendered 2, up to date 0, failed 0")
    again = run_cli("schedule", str(KOREA), "--cadence", "month", "--since", "1953-06", "--until", "1953-07",
                    "--out", str(tmp_path), "--quiet")
    assert again.stdout.startswith("rendered 0, up to date 2, failed 0")
    index = (tmp_path / "index.html").read_text()
    assert index.index("1953-07/briefing.html") < index.index("1953-06/briefing.html")  # newest first


def test_changed_inputs_make_a_period_stale(tmp_path, korea_copy):
    meta = read_conflict_meta(korea_copy)
    period = parse_period("1953-07")
    render(korea_copy, period, out=tmp_path, meta=meta)
    todo, fresh = schedule.plan(korea_copy, meta, [period], tmp_path)
    assert (todo, [p.label for p in fresh]) == ([], ["1953-07"])
    set_cell(korea_copy / "positions.csv", 0, "salience", "55")
    todo, fresh = schedule.plan(korea_copy, meta, [period], tmp_path)
    assert [p.label for p in todo] == ["1953-07"] and fresh == []
    render(korea_copy, period, out=tmp_path, meta=meta)
    reference = korea_copy.parent / "reference"
    reference.mkdir()
    shutil.copy(ROOT / "data" / "reference" / "war_outcomes.csv", reference / "war_outcomes.csv")
    with open(reference / "war_outcomes.csv", "a", encoding="utf-8") as handle:
        handle.write("\n")  # the reference table beside the conflict is an input too
    todo, _ = schedule.plan(korea_copy, meta, [period], tmp_path)
    assert [p.label for p in todo] == ["1953-07"]


def test_failed_render_keeps_previous_report_and_the_failed_notebook(tmp_path, korea_copy):
    meta = read_conflict_meta(korea_copy)
    period = parse_period("1953-07")
    report = render(korea_copy, period, out=tmp_path, meta=meta)
    before = report.html.read_bytes()
    broken = tmp_path / "broken.ipynb"
    nb = json.loads((ROOT / "notebooks" / "briefing.ipynb").read_text())
    nb["cells"][3]["source"] = ["raise RuntimeError('boom in the briefing')"]
    nb["cells"][3]["outputs"] = []
    broken.write_text(json.dumps(nb))
    with pytest.raises(RenderError, match="boom in the briefing"):
        render(korea_copy, period, out=tmp_path, meta=meta, notebook=broken)
    assert report.html.read_bytes() == before
    assert (report.folder / "briefing.failed.ipynb").is_file()
    assert not list(report.folder.glob(".*.tmp")) and not list(report.folder.glob(".render-*"))


def test_bad_data_fails_the_render_cleanly(tmp_path, korea_copy):
    good = run_cli("render", str(korea_copy), "--period", "1953-07", "--out", str(tmp_path))
    assert good.returncode == 0, good.stderr
    html = tmp_path / "korea-1950" / "1953-07" / "briefing.html"
    before = html.read_bytes()
    set_cell(korea_copy / "events.csv", 2, "date", "1951-02-30")
    bad = run_cli("render", str(korea_copy), "--period", "1953-07", "--out", str(tmp_path))
    assert bad.returncode == 1
    assert "korea-1950/events.csv:4: date: must be a real date" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert html.read_bytes() == before


def test_latest_period_and_usage_errors(tmp_path):
    done = run_cli("render", str(KOREA), "--period", "latest", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("korea-1950/1954-06/briefing.html")
    bad = run_cli("render", str(KOREA), "--period", "1953-13", "--out", str(tmp_path))
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "month must be 01-12" in bad.stderr


def test_briefing_from_imported_data_shows_map_and_fatalities(tmp_path):
    """A conflict folder with an ACLED import renders the region map and the fatalities trend."""
    folder = tmp_path / "russia-ukraine"
    shutil.copytree(ROOT / "data" / "russia-ukraine", folder)
    export = tmp_path / "acled.csv"
    made = run_cli_script("benchmarks/make_synthetic.py", "acled", "4000", str(export))
    assert made.returncode == 0, made.stderr
    imported = run_cli("import", "acled", str(export), "--into", str(folder))
    assert imported.returncode == 0, imported.stderr
    assert "added" in imported.stdout
    done = run_cli("render", str(folder), "--period", "2025-05", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "out" / "russia-ukraine" / "2025-05" / "briefing.html").read_text(encoding="utf-8")
    assert "latitude (°N)" in page and "fatalities per week" in page
    assert len(page.encode()) <= MAX_HTML_BYTES


def run_cli_script(script, *args):
    import subprocess
    import sys
    return subprocess.run([sys.executable, str(ROOT / script), *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_render_past_the_data_says_not_covered_never_unchanged(tmp_path):
    """`render --period 2026-06` on a copy of the bundled data: a gap in collection is not a quiet month."""
    import re as _re

    from parley.data.meta import latest_data_day
    data = tmp_path / "russia-ukraine"
    shutil.copytree(ROOT / "data" / "russia-ukraine", data)
    toml = data / "conflict.toml"
    kept = [line for line in toml.read_text(encoding="utf-8").splitlines() if not line.startswith("covered_until")]
    last = latest_data_day(data)
    toml.write_text("\n".join(kept + [f"covered_until = {last}"]) + "\n", encoding="utf-8")
    assert last < parse_period("2026-06").start
    out = tmp_path / "reports"
    done = run_cli("render", str(data), "--period", "2026-06", "--out", str(out))
    assert done.returncode == 0, done.stderr
    page = (out / "russia-ukraine" / "2026-06" / "briefing.html").read_text(encoding="utf-8")
    assert 'data-overall-trend="not covered"' in page and "Overall trend not covered" in page
    assert not _re.search(r"Overall trend:? (<[^>]+>)*unchanged", page)
    assert f"Not covered: the data is kept current only up to {last:%d %B %Y}" in page
    manifest = json.loads((out / "russia-ukraine" / "2026-06" / "manifest.json").read_text())
    assert (manifest["trend"], manifest["coverage"], manifest["covered_until"]) == ("not covered", "none", str(last))
    assert f"not covered (data to {last})" in (out / "index.html").read_text()
