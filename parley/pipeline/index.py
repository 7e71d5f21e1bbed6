"""The reports folder's index.html: every conflict and period, newest first, with trend, coverage and the last
verification. Written by ``schedule``, ``render`` (via the cli) and ``verify``; one lock for all writers."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from parley.data.files import write_atomic
from parley.pipeline.render import MANIFEST, locked, read_manifest
from parley.report import markup
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
    conflicts = []
    for name in sorted(by_conflict):
        rows = sorted(by_conflict[name], key=lambda fm: (fm[1].get("end", ""), fm[1].get("start", "")), reverse=True)
        conflicts.append({"name": name, "rows": [index_row(out, folder, m) for folder, m in rows]})
    return str(markup.render("index.j2", conflicts=conflicts))


def index_row(out: Path, folder: Path, m: dict) -> dict:
    """One briefing's row of the index: link, period, trend and coverage, render time, last verification."""
    trend = m.get("trend", "unknown")
    stamp = dt.datetime.fromtimestamp((folder / "briefing.html").stat().st_mtime, dt.timezone.utc)
    pdf = folder / "briefing.pdf"
    return {"href": (folder / "briefing.html").relative_to(out).as_posix(), "title": m.get("title", folder.name),
            "pdf": pdf.relative_to(out).as_posix() if pdf.is_file() else None,
            "start": m.get("start", ""), "end": m.get("end", ""), "trend": trend,
            "color": TREND_COLORS.get(trend, "#555"),
            "coverage": COVERAGE_NOTES.get(m.get("coverage"), "").format(until=m.get("covered_until", "")),
            "rendered": f"{stamp:%Y-%m-%d %H:%M}", "verification": verification_of(folder)}


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


def verification_of(folder: Path) -> dict | None:
    """The index's "Verified" cell: the last verification's day and result (a drift with its cells); None: none."""
    record = last_verification(folder)
    if record is None:
        return None
    return {"result": record.get("result"), "day": str(record.get("checked", ""))[:10],
            "summary": str(record.get("summary", "drifted")).removeprefix("drifted: ")}
