"""`python -m parley new data/<id>`: a conflict folder to fill in, valid from the start.

Each table gets the header of its schema (``parley.data.schema``, so a new column shows up here too) and one
example row written as a comment (``# `` before it); the loader skips comment lines, so the folder validates
as an empty conflict until the analyst adds real rows. Uncommenting an example row gives a valid row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from parley.data import schema
from parley.data.load import COMMENT_PREFIX
from parley.errors import UsageError

# One placeholder row per table: every value is a hint of what goes there, not a fact.
EXAMPLES = {
    "actors.csv": {"actor_id": "example_state", "name": "Example State", "kind": "state", "color": "#1f77b4",
                   "capability": "50", "source": "Where the capability figure comes from, e.g. SIPRI Milex 2024",
                   "source_url": "https://example.org/source", "source_type": "specialist"},
    "issues.csv": {"issue_id": "example_issue", "name": "Example issue", "scale_low": "what position 0 means",
                   "scale_high": "what position 100 means", "description": "What the issue covers."},
    "events.csv": {"event_id": "{start}-example-talks", "date": "{start}", "date_precision": "day",
                   "category": "negotiation", "title": "Short headline", "description": "One or two checked sentences.",
                   "actors": "example_state", "issues": "example_issue", "location": "Place", "importance": "2",
                   "source": "Outlet or document, {start}", "source_url": "https://example.org/story",
                   "source_type": "wire"},
    "positions.csv": {"actor_id": "example_state", "issue_id": "example_issue", "date": "{start}", "position": "50",
                      "salience": "80", "statement": "Short quote or faithful paraphrase anchoring the coding.",
                      "source": "Outlet or document, {start}", "source_url": "https://example.org/statement",
                      "source_type": "official"},
}

TOML = '''# A conflict for parley: fill the four tables, then `python -m parley validate {folder}`.
# Lines starting with # are comments, in this file and in the CSV tables (their example rows).
id = "{id}"
name = {name}
summary = {summary}
start = {start}
# Actors and issues the notebooks show when their parameters are empty (default: all), e.g.
# default_actors = ["example_state"]
# default_issues = ["example_issue"]
'''


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON string escapes are valid TOML escapes)."""
    return json.dumps(text, ensure_ascii=False)


def table_text(spec: schema.TableSpec, start: dt.date) -> str:
    """Header row of the table's schema and its example row as a comment."""
    columns = list(spec.schema.columns)
    example = {k: v.replace("{start}", start.isoformat()) for k, v in EXAMPLES.get(spec.file, {}).items()}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    row = io.StringIO()
    csv.writer(row, lineterminator="\n").writerow([example.get(c, "") for c in columns])
    return buffer.getvalue() + f"{COMMENT_PREFIX} " + row.getvalue()


def scaffold(folder: str | Path, name: str, start: dt.date | None = None) -> list[Path]:
    """Create `folder` with conflict.toml and the four tables; refuse an existing, non-empty folder."""
    folder = Path(folder)
    conflict_id = folder.name
    if not schema.ID_RE.match(conflict_id):
        raise UsageError(f"{folder}: the folder name is the conflict id and must be lowercase letters, digits, "
                         f"'_' or '-' (got {conflict_id!r})")
    if not name.strip():
        raise UsageError("--name must not be empty")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder}: already exists and is not empty; parley new never overwrites files")
    start = start or dt.date.today()
    folder.mkdir(parents=True, exist_ok=True)
    summary = f"{name.strip()}: one paragraph on the conflict, shown at the top of every briefing."
    files = {"conflict.toml": TOML.format(folder=folder, id=conflict_id, name=_toml_string(name.strip()),
                                          summary=_toml_string(summary), start=start.isoformat())}
    files.update({spec.file: table_text(spec, start) for spec in schema.CONFLICT_TABLES if spec.required})
    written = []
    for file_name, text in files.items():
        path = folder / file_name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
