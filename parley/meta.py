"""conflict.toml: who the conflict is, read without pandas so that commands can refuse bad input fast."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import schema
from .errors import DataError, Problem


@dataclass(frozen=True)
class ConflictMeta:
    id: str
    name: str
    summary: str
    start: dt.date
    default_actors: tuple[str, ...] = ()
    default_issues: tuple[str, ...] = ()


def relative_label(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def decode(raw: bytes, label: str, problems: list[Problem]) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problems.append(Problem(label, line, "-", f"is not UTF-8 (byte 0x{raw[err.start]:02x}); save the file as UTF-8"))
        return None


# --- conflict.toml --------------------------------------------------------------------------

def _toml_line(text: str, key: str) -> int:
    match = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.MULTILINE)
    return text[: match.start()].count("\n") + 1 if match else 1


def read_meta(path: Path, label: str, problems: list[Problem]) -> ConflictMeta | None:
    text = decode(path.read_bytes(), label, problems)
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        problems.append(Problem(label, int(match.group(1)) if match else 1, "-", f"is not valid TOML ({err})"))
        return None
    before = len(problems)
    for key, (required, kind, _) in schema.CONFLICT_META.items():
        if required and key not in data:
            problems.append(Problem(label, 1, key, "required key is missing"))
    for key in data:
        if key not in schema.CONFLICT_META:
            problems.append(Problem(label, _toml_line(text, key), key, "unknown key; expected: " + ", ".join(schema.CONFLICT_META)))
    conflict_id = data.get("id")
    if "id" in data and not (isinstance(conflict_id, str) and schema.ID_RE.match(conflict_id)):
        problems.append(Problem(label, _toml_line(text, "id"), "id", "must be an id: lowercase letters, digits, '_' or '-' (no '/' or '..')"))
    for key in ("name", "summary"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            problems.append(Problem(label, _toml_line(text, key), key, "must be non-empty text"))
    start = data.get("start")
    if isinstance(start, str) and schema.is_iso_date(start):
        start = dt.date.fromisoformat(start)
    if "start" in data and not (isinstance(start, dt.date) and not isinstance(start, dt.datetime)):
        problems.append(Problem(label, _toml_line(text, "start"), "start", "must be a real date written YYYY-MM-DD"))
    lists = {}
    for key in ("default_actors", "default_issues"):
        value = data.get(key, [])
        if not (isinstance(value, list) and all(isinstance(v, str) and schema.ID_RE.match(v) for v in value)):
            problems.append(Problem(label, _toml_line(text, key), key, "must be a list of ids, e.g. [\"russia\", \"ukraine\"]"))
            value = []
        lists[key] = tuple(value)
    if len(problems) > before:
        return None
    return ConflictMeta(id=conflict_id, name=data["name"].strip(), summary=data["summary"].strip(), start=start,
                        default_actors=lists["default_actors"], default_issues=lists["default_issues"])




def read_conflict_meta(folder: str | Path) -> ConflictMeta:
    """Only conflict.toml, validated; raises DataError. For commands that must answer before loading tables."""
    folder = Path(folder)
    path = folder / "conflict.toml"
    label = relative_label(path, folder)
    if not folder.is_dir():
        raise DataError([Problem(str(folder), 1, "-", "is not a conflict folder (no such directory)")])
    if not path.is_file():
        raise DataError([Problem(label, 1, "-", "file is missing")])
    problems: list[Problem] = []
    meta = read_meta(path, label, problems)
    if problems or meta is None:
        raise DataError(problems)
    return meta


DEFAULT_OUTCOMES = Path(__file__).resolve().parent.parent / "data" / "reference" / "war_outcomes.csv"


def find_outcomes(conflict_folder: str | Path | None = None) -> Path | None:
    """The war-outcomes reference table beside a conflict folder (../reference/), else the one shipped with parley."""
    if conflict_folder is not None:
        beside = Path(conflict_folder).parent / "reference" / "war_outcomes.csv"
        if beside.is_file():
            return beside
    return DEFAULT_OUTCOMES if DEFAULT_OUTCOMES.is_file() else None


def conflict_files(folder: str | Path) -> list[Path]:
    """The files a conflict is made of (those that exist), for hashing a report's inputs."""
    folder = Path(folder)
    names = ["conflict.toml"] + [spec.file for spec in schema.CONFLICT_TABLES]
    return [folder / name for name in names if (folder / name).is_file()]


def briefing_inputs(folder: str | Path) -> list[Path]:
    """Every data file a briefing of this conflict reads: its own tables, imported events, the reference table."""
    folder = Path(folder)
    extra = [folder / name for name in ("actor_aliases.csv", "imported_events.parquet") if (folder / name).is_file()]
    outcomes = find_outcomes(folder)
    return conflict_files(folder) + extra + ([outcomes] if outcomes else [])


def latest_event_day(folder: str | Path) -> dt.date | None:
    """The newest well-formed event date, read with the csv module (full validation happens later)."""
    path = Path(folder) / "events.csv"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    rows = csv.DictReader(line for line in io.StringIO(text, newline="") if not line.lstrip().startswith("#"))
    days = [row.get("date", "") for row in rows]
    valid = [dt.date.fromisoformat(d) for d in days if schema.is_iso_date((d or "").strip())]
    return max(valid) if valid else None
