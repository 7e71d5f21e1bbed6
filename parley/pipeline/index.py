"""The reports folder's index.html: every conflict and period, newest first, with trend, coverage and the last
verification. Written by ``schedule``, ``render`` (via the cli) and ``verify``; one lock for all writers."""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from pathlib import Path

from parley.data.files import write_atomic
from parley.pipeline.render import MANIFEST, locked, read_manifest
from parley.report.style import TREND_COLORS

LOCK = ".parley-schedule.lock"
COVERAGE_NOTES = {"partial": "partly covered (data to {until})", "none": "not covered (data to {until})"}
NOTEBOOK_NAME = "briefing.ipynb"
RESULT = "verify.json"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifests(out: Path) -> list[tuple[Path, dict]]:
    found = []
    for path in sorted(out.glob(f"*/*/{MANIFEST}")):
        manifest = read_manifest(path.parent)
        if manifest and (path.parent / "briefing.html").is_file():
            found.append((path.parent, manifest))
    return found


def index_html(out: Path) -> str:
    """All conflicts and periods, newest first, each with its trend and last verification (may carry times)."""
    by_conflict: dict[str, list[tuple[Path, dict]]] = {}
    for folder, manifest in manifests(out):
        by_conflict.setdefault(manifest.get("conflict_name", folder.parent.name), []).append((folder, manifest))
    sections = []
    for name in sorted(by_conflict):
        rows = sorted(by_conflict[name], key=lambda fm: (fm[1].get("end", ""), fm[1].get("start", "")), reverse=True)
        items = []
        for folder, m in rows:
            href = html.escape((folder / "briefing.html").relative_to(out).as_posix(), quote=True)
            trend = m.get("trend", "unknown")
            color = TREND_COLORS.get(trend, "#555")
            coverage = COVERAGE_NOTES.get(m.get("coverage"), "").format(until=m.get("covered_until", ""))
            stamp = dt.datetime.fromtimestamp((folder / "briefing.html").stat().st_mtime, dt.timezone.utc)
            pdf = folder / "briefing.pdf"
            pdf_link = (f' · <a href="{html.escape(pdf.relative_to(out).as_posix(), quote=True)}">PDF</a>'
                        if pdf.is_file() else "")
            items.append(f'<tr><td><a href="{href}">{html.escape(m.get("title", folder.name))}</a>{pdf_link}</td>'
                         f'<td>{html.escape(m.get("start", ""))} to {html.escape(m.get("end", ""))}</td>'
                         f'<td style="color:{color}"><b>{html.escape(trend)}</b>'
                         + (f'<br><span class="coverage">{html.escape(coverage)}</span>' if coverage else "") + '</td>'
                         f'<td>{stamp:%Y-%m-%d %H:%M} UTC</td>{index_cell(folder)}</tr>')
        sections.append(f"<h2>{html.escape(name)}</h2><table><thead><tr><th>Briefing</th><th>Period</th><th>Trend</th>"
                        f"<th>Rendered</th><th>Verified</th></tr></thead><tbody>{''.join(items)}</tbody></table>")
    body = "".join(sections) or "<p>No briefings yet: run <code>make briefing</code>.</p>"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>parley briefings</title>"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            "<style>body{font:15px/1.5 Helvetica,Arial,sans-serif;max-width:980px;margin:24px auto;padding:0 24px;color:#1d232b}"
            "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #d9dde3}"
            "th{border-bottom:2px solid #1d232b}a{color:#1f5fbf}.coverage{color:#8a6d00;font-size:13px}</style></head>"
            f"<body><h1>parley briefings</h1>{body}</body></html>\n")


def write_index(out: Path) -> Path:
    path = Path(out) / "index.html"
    write_atomic(path, index_html(Path(out)).encode("utf-8"))
    return path


def refresh_indexes(folders: list[Path]) -> list[Path]:
    """Rewrite the index.html of every reports folder (<out>/<conflict>/<period>) that already has one."""
    written = []
    for out in sorted({folder.parent.parent for folder in folders}):
        if (out / "index.html").is_file():
            with locked(out / LOCK):
                written.append(write_index(out))
    return written


def last_verification(folder: Path) -> dict | None:
    """verify.json, when it is about the report as it is now (a render since then makes it void)."""
    try:
        record = json.loads((folder / RESULT).read_text(encoding="utf-8"))
        current = record.get("notebook_sha256") == sha256_file(folder / NOTEBOOK_NAME)
    except (OSError, ValueError, AttributeError):
        return None
    return record if current else None


def index_cell(folder: Path) -> str:
    """The index's "Verified" cell: the last verification's date and result; a drift is marked, with its cells."""
    record = last_verification(folder)
    if record is None:
        return '<td class="parley-unverified">not since rendered</td>'
    day = html.escape(str(record.get("checked", ""))[:10])
    if record.get("result") == "verified":
        return f'<td class="parley-verified">verified {day}</td>'
    summary = html.escape(str(record.get("summary", "drifted")).removeprefix("drifted: "))
    return f'<td class="parley-drifted" style="color:#b2182b"><b>DRIFTED</b> {day}<br><small>{summary}</small></td>'
