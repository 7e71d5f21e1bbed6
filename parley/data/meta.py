"""conflict.toml: who the conflict is, read without pandas so that commands can refuse bad input fast."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from parley.data import schema
from parley.data.files import NotUtf8, decode_utf8, note_absent, read_input
from parley.errors import DataError, Problem


@dataclass(frozen=True)
class ConflictMeta:
    id: str
    name: str
    summary: str
    start: dt.date
    default_actors: tuple[str, ...] = ()
    default_issues: tuple[str, ...] = ()
    covered_until: dt.date | None = None  # as declared; coverage_end() supplies the default
    type: str | None = None  # the outside view's reference class (schema.CONFLICT_CLASS_FIELDS); None = not declared
    incompatibility: str | None = None
    intensity: str | None = None


def relative_label(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def decode(raw: bytes, label: str, problems: list[Problem]) -> str | None:
    try:
        return decode_utf8(raw)
    except NotUtf8 as err:
        problems.append(Problem(label, err.line, "-", f"is not UTF-8 (byte 0x{err.byte:02x}); save the file as UTF-8"))
        return None


# --- conflict.toml --------------------------------------------------------------------------

def toml_line(text: str, key: str) -> int:
    match = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.MULTILINE)
    return text[: match.start()].count("\n") + 1 if match else 1


def read_meta(path: Path, label: str, problems: list[Problem]) -> ConflictMeta | None:
    text = decode(read_input(path), label, problems)
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        problems.append(Problem(label, int(match.group(1)) if match else 1, "-", f"is not valid TOML ({err})"))
        return None
    before = len(problems)
    _check_keys(data, text, label, problems)
    start = _toml_date(data, "start", text, label, problems)
    covered_until = _toml_date(data, "covered_until", text, label, problems)
    if isinstance(start, dt.date) and isinstance(covered_until, dt.date) and covered_until < start:
        problems.append(Problem(label, toml_line(text, "covered_until"), "covered_until",
                                f"{covered_until} is before start {start}"))
    chosen = {key: _toml_choice(data, key, values, text, label, problems)
              for key, values in schema.CONFLICT_CLASS_FIELDS.items()}
    lists = {}
    for key in ("default_actors", "default_issues"):
        value = data.get(key, [])
        if not (isinstance(value, list) and all(isinstance(v, str) and schema.ID_RE.match(v) for v in value)):
            problems.append(Problem(label, toml_line(text, key), key, "must be a list of ids, e.g. [\"russia\", \"ukraine\"]"))
            value = []
        lists[key] = tuple(value)
    if len(problems) > before:
        return None
    return ConflictMeta(id=data["id"], name=data["name"].strip(), summary=data["summary"].strip(), start=start,
                        default_actors=lists["default_actors"], default_issues=lists["default_issues"],
                        covered_until=covered_until, **chosen)


def _check_keys(data: dict, text: str, label: str, problems: list[Problem]) -> None:
    """Every required key present, no unknown key, a well-formed id, non-empty name and summary."""
    for key, (required, kind, _) in schema.CONFLICT_META.items():
        if required and key not in data:
            problems.append(Problem(label, 1, key, "required key is missing"))
    for key in data:
        if key not in schema.CONFLICT_META:
            problems.append(Problem(label, toml_line(text, key), key, "unknown key; expected: " + ", ".join(schema.CONFLICT_META)))
    conflict_id = data.get("id")
    if "id" in data and not (isinstance(conflict_id, str) and schema.ID_RE.match(conflict_id)):
        problems.append(Problem(label, toml_line(text, "id"), "id", "must be an id: lowercase letters, digits, '_' or '-' (no '/' or '..')"))
    for key in ("name", "summary"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            problems.append(Problem(label, toml_line(text, key), key, "must be non-empty text"))


def _toml_choice(data: dict, key: str, values: tuple[str, ...], text: str, label: str,
                 problems: list[Problem]) -> str | None:
    """An optional key that takes one of a few words; None when absent or bad (problem added)."""
    if key not in data:
        return None
    if data[key] in values:
        return data[key]
    problems.append(Problem(label, toml_line(text, key), key, "must be one of: " + ", ".join(values)))
    return None


def _toml_date(data: dict, key: str, text: str, label: str, problems: list[Problem]) -> dt.date | None:
    """A date key, written as a TOML date or as a "YYYY-MM-DD" string; None when absent or bad (problem added)."""
    if key not in data:
        return None
    value = data[key]
    if isinstance(value, str) and schema.is_iso_date(value):
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    problems.append(Problem(label, toml_line(text, key), key, "must be a real date written YYYY-MM-DD"))
    return None




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


DEFAULT_OUTCOMES = Path(__file__).resolve().parents[2] / "data" / "reference" / "war_outcomes.csv"


TERMINATION_FILE = "ucdp-term-acd-3-2021.csv"  # UCDP Conflict Termination data (parley.data.termination)
DEFAULT_TERMINATION = DEFAULT_OUTCOMES.parent / TERMINATION_FILE


def find_termination(conflict_folder: str | Path | None = None) -> Path | None:
    """The UCDP termination file beside a conflict folder (../reference/), else the one shipped with parley."""
    if conflict_folder is not None:
        beside = Path(conflict_folder).parent / "reference" / TERMINATION_FILE
        if beside.is_file():
            return beside
        note_absent(beside)  # one added later takes over: the briefings that used the shipped one become stale
    return DEFAULT_TERMINATION if DEFAULT_TERMINATION.is_file() else None


def find_outcomes(conflict_folder: str | Path | None = None) -> Path | None:
    """The war-outcomes reference table beside a conflict folder (../reference/), else the one shipped with parley."""
    if conflict_folder is not None:
        beside = Path(conflict_folder).parent / "reference" / "war_outcomes.csv"
        if beside.is_file():
            return beside
        note_absent(beside)  # one added later takes over: the briefings that used the shipped one become stale
    return DEFAULT_OUTCOMES if DEFAULT_OUTCOMES.is_file() else None


IMPORTED_FILE = "imported_events.parquet"  # written by `parley import` (parley.data.importers)
ALIASES_FILE = "actor_aliases.csv"  # export actor names -> actor ids, read by the importers

DEFAULT_HISTORICAL = DEFAULT_OUTCOMES.parent.parent / "historical"


def find_historical(conflict_folder: str | Path | None = None) -> Path | None:
    """The folder of historical cases (negotiations with known outcomes) beside a conflict folder (../historical/),
    else the one shipped with parley; None when neither exists. The backtest and the briefing's track record read it."""
    if conflict_folder is not None:
        beside = Path(conflict_folder).parent / "historical"
        if beside.is_dir():
            return beside
    return DEFAULT_HISTORICAL if DEFAULT_HISTORICAL.is_dir() else None


def historical_cases(root: str | Path | None) -> list[Path]:
    """The case folders under `root` that hold a conflict.toml and an outcome.csv, sorted by name."""
    if root is None or not Path(root).is_dir():
        return []
    return sorted(p for p in Path(root).iterdir()
                  if p.is_dir() and (p / "conflict.toml").is_file() and (p / "outcome.csv").is_file())


def conflict_files(folder: str | Path) -> list[Path]:
    """The files a conflict is made of (those that exist), for hashing a report's inputs."""
    folder = Path(folder)
    names = ["conflict.toml"] + [spec.file for spec in schema.CONFLICT_TABLES]
    return [folder / name for name in names if (folder / name).is_file()]


def _dates_in(path: Path, columns: tuple[str, ...]) -> list[dt.date]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    values = [(row.get(c) or "").strip() for row in csv.DictReader(io.StringIO(text, newline="")) for c in columns]
    return [dt.date.fromisoformat(v) for v in values if schema.is_iso_date(v)]


def latest_event_day(folder: str | Path) -> dt.date | None:
    """The newest well-formed event date, read with the csv module (full validation happens later)."""
    days = _dates_in(Path(folder) / "events.csv", ("date",))
    return max(days) if days else None


def latest_data_day(folder: str | Path) -> dt.date | None:
    """The newest well-formed event (or event end) or position date: the default of covered_until."""
    folder = Path(folder)
    days = _dates_in(folder / "events.csv", ("date", "end_date")) + _dates_in(folder / "positions.csv", ("date",))
    return max(days) if days else None


def coverage_end(folder: str | Path, meta: ConflictMeta) -> dt.date | None:
    """Up to which day the data is kept current: conflict.toml's covered_until, else the latest dated row."""
    return meta.covered_until or latest_data_day(folder)


# --- how a briefing names the data files it read (the render contract) ---------------------------

SHIPPED = "parley:"  # prefix of a key for a file of parley's own data folder (reference tables, historical cases)


def input_key(path: str | Path, conflict_folder: str | Path) -> str:
    """A data file's name in a report's manifest, portable when the project or the data moves: relative to the conflict
    folder when it lies beside it (same data root), ``parley:data/...`` when it is one of parley's shipped files."""
    path, folder = Path(path).resolve(), Path(conflict_folder).resolve()
    if path.is_relative_to(folder.parent):
        return Path(os.path.relpath(path, folder)).as_posix()
    project = DEFAULT_OUTCOMES.parents[2]
    if path.is_relative_to(project):
        return SHIPPED + path.relative_to(project).as_posix()
    return path.as_posix()


def input_path(key: str, conflict_folder: str | Path) -> Path:
    """The file a manifest's key names, for this project and this conflict folder (the inverse of input_key)."""
    if key.startswith(SHIPPED):
        return DEFAULT_OUTCOMES.parents[2] / key.removeprefix(SHIPPED)
    return Path(conflict_folder) / key
