"""Reading a conflict folder: the only module that opens conflict data.

Files are read as text first (so that line numbers are the file's own, quoted newlines
included), then checked against the schemas of ``parley.data.schema``, then cross-checked, and
only then converted to typed tables. Every problem found is collected and raised together
as one :class:`~parley.errors.DataError`; nothing typed comes out of a folder that failed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from parley.data import outlets, schema
from parley.data.files import CsvSyntaxError, csv_records, note_absent, read_input
from parley.data.meta import ConflictMeta, decode, read_meta, relative_label
from parley.data.meta import toml_line as toml_line
from parley.errors import DataError, Problem

csv.field_size_limit(schema.MAX_CSV_BYTES)
COMMENT_PREFIX = "#"  # a record whose first cell starts with it is a comment


@dataclass
class Conflict:
    """A validated conflict: typed tables, sorted by date, with the folder they came from."""

    folder: Path
    meta: ConflictMeta
    actors: pd.DataFrame
    issues: pd.DataFrame
    events: pd.DataFrame
    positions: pd.DataFrame
    files: tuple[Path, ...] = field(default=())
    influence: pd.DataFrame = field(default_factory=lambda: empty_influence())

    @property
    def covered_until(self) -> dt.date | None:
        """conflict.toml's covered_until, else the latest event (or event end) or position date."""
        if self.meta.covered_until is not None:
            return self.meta.covered_until
        days = pd.concat([self.events["date"], self.events["end_date"], self.positions["date"]]).dropna()
        return days.max().date() if len(days) else None
    outcome: pd.DataFrame | None = None  # outcome.csv, when the folder has one (issue_id, date, outcome, ...)

    @property
    def colors(self) -> dict[str, str]:
        return dict(zip(self.actors["actor_id"], self.actors["color"]))

    @property
    def actor_names(self) -> dict[str, str]:
        return dict(zip(self.actors["actor_id"], self.actors["name"]))

    @property
    def issue_names(self) -> dict[str, str]:
        return dict(zip(self.issues["issue_id"], self.issues["name"]))


def empty_influence() -> pd.DataFrame:
    """influence.csv of a folder that has none: no row, so every actor's capability applies."""
    frame = pd.DataFrame({name: pd.Series(dtype=object) for name in schema.INFLUENCE.columns})
    return frame.astype({"influence": float})


def influence_in_force(influence: pd.DataFrame | None, day) -> pd.DataFrame | None:
    """The influence rows in force on `day`: valid_from on or before it and valid_until (if any) on or after.

    A row without valid_from (an old folder, or an undated row) holds on every day: the caller cannot tell
    when it became known, which is why `backtest` warns about undated influence.
    """
    if influence is None or influence.empty:
        return influence
    day = pd.Timestamp(day)
    start = pd.to_datetime(influence["valid_from"]) if "valid_from" in influence else None
    end = pd.to_datetime(influence["valid_until"]) if "valid_until" in influence else None
    keep = pd.Series(True, index=influence.index)
    if start is not None:
        keep &= start.isna() | (start <= day)
    if end is not None:
        keep &= end.isna() | (end >= day)
    return influence[keep]


def influence_undated(influence: pd.DataFrame | None) -> bool:
    """Whether any influence row lacks valid_from: then a forecast for a past day may use influence coded later."""
    if influence is None or influence.empty:
        return False
    return "valid_from" not in influence or bool(pd.isna(influence["valid_from"]).any())


# --- reading text tables ----------------------------------------------------------------------

def _safe_path(folder: Path, name: str, label: str, problems: list[Problem]) -> Path | None:
    """The file inside the folder, refusing links that lead out of it."""
    path = folder / name
    if not path.exists():
        note_absent(path)
        return None
    real_folder = folder.resolve()
    if not path.resolve().is_relative_to(real_folder):
        problems.append(Problem(label, 1, "-", "is a link to a file outside the conflict folder; copy the file in instead"))
        return None
    if not path.is_file():
        problems.append(Problem(label, 1, "-", "is not a regular file"))
        return None
    return path


def text_records(text: str) -> list[tuple[int, list[str]]]:
    """Non-blank records of a CSV text, each with the file line it starts on (quoted newlines counted).

    Raises :class:`parley.data.files.CsvSyntaxError` at the line of malformed CSV."""
    text = text.replace("\r\n", "\n")  # spreadsheet exports: CRLF counts as one line end, like LF
    return [(start, fields) for start, fields in csv_records(io.StringIO(text, newline=""), strict=True)
            if fields and any(f.strip() for f in fields)]


def _guess_delimiter(header_line: str) -> str | None:
    for delimiter, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
        if header_line.count(delimiter) >= 2 and "," not in header_line:
            return name
    return None


def is_comment(fields: list[str]) -> bool:
    """A record whose first cell starts with `#` is a comment (ids never do): examples and notes in a table."""
    return bool(fields) and fields[0].lstrip().startswith(COMMENT_PREFIX)


def problems_in(problems: list[Problem], label: str) -> bool:
    return any(p.file == label for p in problems)


def read_text_table(path: Path, label: str, table: pa.DataFrameSchema, problems: list[Problem]) -> pd.DataFrame | None:
    """Strings of a CSV file, indexed by the line each record starts on; None if unreadable.

    Blank records and comment records (first cell starting with `#`) are skipped, before or after the
    header; line numbers stay the file's own. A header alone is refused as a truncated file, but a header
    with only comment rows (a new folder's template) is an empty table.
    """
    text = _read_text(path, label, table, problems)
    if text is None:
        return None
    try:
        every = text_records(text)
    except CsvSyntaxError as err:
        problems.append(Problem(label, err.line, "-", f"is not valid CSV ({err.reason})"))
        return None
    records = [(line, fields) for line, fields in every if not is_comment(fields)]
    comments = len(every) - len(records)
    if not records:
        problems.append(Problem(label, 1, "-", "has no header row"))
        return None

    header_line, header = records[0]
    header = [h.strip() for h in header]
    delimiter = _guess_delimiter(text.splitlines()[header_line - 1])
    if delimiter:
        problems.append(Problem(label, header_line, "-", f"is separated by {delimiter}; parley reads comma-separated files"))
        return None
    if not _header_is_usable(header, header_line, label, table, problems):
        return None
    if len(records) == 1 and not comments:  # a truncated file; a template's commented example rows are not
        problems.append(Problem(label, header_line, "-", "has a header but no rows"))
        return None
    return _rows_frame(records[1:], header, label, table, problems)


def _read_text(path: Path, label: str, table: pa.DataFrameSchema, problems: list[Problem]) -> str | None:
    """The file's text, or None with a problem when it is too large, empty, not UTF-8 or binary."""
    size = path.stat().st_size
    if size > schema.MAX_CSV_BYTES:
        limit = schema.MAX_CSV_BYTES // (1024 * 1024)
        problems.append(Problem(label, 1, "-", f"is {size / 1e6:.0f} MB, above the {limit} MB limit for curated tables"))
        return None
    if size == 0:
        problems.append(Problem(label, 1, "-", "is empty (0 bytes); expected a header row: " + ",".join(table.columns)))
        return None
    text = decode(read_input(path), label, problems)
    if text is not None and "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.append(Problem(label, line, "-", "contains a NUL byte; this is not a text CSV file"))
        return None
    return text


def _header_is_usable(header: list[str], header_line: int, label: str, table: pa.DataFrameSchema,
                      problems: list[Problem]) -> bool:
    """No column twice, every required column present, no unknown column; each fault a problem."""
    ok = True
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(label, header_line, name, "appears twice in the header"))
            ok = False
        seen.add(name)
    for name, column in table.columns.items():
        if name not in seen and not column.nullable:
            problems.append(Problem(label, header_line, name, "required column is missing from the header"))
            ok = False
    for name in header:
        if name not in table.columns:
            problems.append(Problem(label, header_line, name or "(empty)", "unknown column; expected: " + ", ".join(table.columns)))
            ok = False
    return ok


def _rows_frame(records: list[tuple[int, list[str]]], header: list[str], label: str, table: pa.DataFrameSchema,
                problems: list[Problem]) -> pd.DataFrame:
    """The data records as strings (None for blanks) in the schema's column order, indexed by file line."""
    rows, lines = [], []
    for line, fields in records:
        if len(fields) != len(header):
            problems.append(Problem(label, line, "-", f"has {len(fields)} fields where the header has {len(header)} (an unquoted comma?)"))
            continue
        rows.append([f.strip() or None for f in fields])
        lines.append(line)
    if not rows and not problems_in(problems, label):  # a template: empty, typed so the schema accepts it
        return pd.DataFrame({name: pd.Series([], dtype=column.dtype.type) for name, column in table.columns.items()},
                            index=pd.Index([], name="line", dtype=int))
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype=object)
    for name, column in table.columns.items():
        if name not in frame.columns:
            frame[name] = None
    return frame[list(table.columns)]


def check_table(frame: pd.DataFrame, table: pa.DataFrameSchema, label: str, problems: list[Problem]) -> pd.DataFrame | None:
    """Validate strings against the schema; the coerced frame, or None with problems added."""
    problems.extend(_nan_words(frame, table, label))
    try:
        return table.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems.extend(_problems_from_failures(err.failure_cases, frame, label))
        return None


def _nan_words(frame: pd.DataFrame, table: pa.DataFrameSchema, label: str) -> list[Problem]:
    """'NaN' coerces to a float that an optional number column takes for an empty cell: refuse the word."""
    return [Problem(label, line, name, f"must be a number, got {value!r} (leave the cell empty when there is none)")
            for name, column in table.columns.items() if column.nullable and str(column.dtype) == "float64"
            for line, value in frame[name].items() if isinstance(value, str) and value.lstrip("+-").lower() == "nan"]


def _problems_from_failures(failures: pd.DataFrame, raw: pd.DataFrame, label: str) -> list[Problem]:
    uncoercible = set(failures.loc[failures["check"].astype(str).str.startswith("coerce_dtype"), "column"])
    found = []
    for row in failures.itertuples(index=False):
        column = row.column if isinstance(row.column, str) else "-"
        check = str(row.check)
        if row.index is None or pd.isna(row.index):
            if column in uncoercible:
                continue  # a range check that could not run on text; the cell is reported below
            found.append(Problem(label, 1, column, f"{check}: {row.failure_case}"))
            continue
        if column in uncoercible and not check.startswith(("coerce_dtype", "not_nullable")):
            continue  # the column stayed text, so its other checks failed on good cells too; bad cells are reported
        line = int(row.index)
        value = raw.at[line, column] if column in raw.columns else row.failure_case
        if check.startswith("coerce_dtype"):
            kind = "a whole number" if "int" in check else "a number"
            found.append(Problem(label, line, column, f"must be {kind}, got {value!r}"))
        elif check.startswith("dtype("):
            continue  # the same cell is reported by its coerce_dtype failure
        elif check == "not_nullable":
            message = "required value is missing" if value is None else f"must be a number, got {value!r}"
            found.append(Problem(label, line, column, message))
        elif check == "field_uniqueness":
            found.append(Problem(label, line, column, f"duplicate value {value!r}"))
        else:
            found.append(Problem(label, line, column, f"{check}, got {value!r}"))
    return found


# --- the conflict -----------------------------------------------------------------------------

def _split_ids(value) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ()
    return tuple(p.strip() for p in str(value).split(schema.LIST_SEPARATOR) if p.strip())


def _cross_check(label_of: dict[str, str], tables: dict[str, pd.DataFrame], meta: ConflictMeta | None,
                 meta_label: str, problems: list[Problem], meta_lines: dict[str, int] | None = None) -> None:
    """Rules between tables, run on the raw strings so they are reported even beside column errors.

    Each rule finds the rows that break it with whole-column operations (a clean folder costs no Python loop over its
    rows); only those rows are then read one by one, in file order, to word the problems, so the messages and their
    order are those of a row-by-row check.
    """
    actors = set(tables["actors.csv"]["actor_id"].dropna()) if "actors.csv" in tables else None
    issues = set(tables["issues.csv"]["issue_id"].dropna()) if "issues.csv" in tables else None

    def known(ids, valid, label, line, column, what):
        if valid is None:
            return
        for item in ids:
            if item not in valid:
                problems.append(Problem(label, line, column, f"unknown {what} id {item!r}; not in {what}s.csv"))

    _check_events(tables.get("events.csv"), label_of.get("events.csv", ""), actors, issues, known, problems)
    _check_positions(tables.get("positions.csv"), label_of.get("positions.csv", ""), actors, issues, known, problems)
    _check_influence(tables.get("influence.csv"), label_of.get("influence.csv", ""), actors, issues, known, problems)
    _check_coverage(tables, label_of, meta, problems)
    for name, frame in tables.items():
        problems.extend(address_problems(frame, label_of.get(name, name)))
    if "outcome.csv" in tables:
        _check_outcome(tables, label_of, issues, known, problems)
    if meta is not None:
        lines = meta_lines or {}
        known(meta.default_actors, actors, meta_label, lines.get("default_actors", 1), "default_actors", "actor")
        known(meta.default_issues, issues, meta_label, lines.get("default_issues", 1), "default_issues", "issue")


def _names_unknown(column: pd.Series, valid: set[str] | None) -> pd.Series:
    """True where a cell's ids (separated by LIST_SEPARATOR, as _split_ids reads them) include one not in valid."""
    if valid is None or column.empty:
        return pd.Series(False, index=column.index)
    ids = column.dropna().astype(str).str.split(schema.LIST_SEPARATOR).explode().str.strip()
    ids = ids[ids != ""]
    return pd.Series(column.index.isin(ids.index[~ids.isin(valid)]), index=column.index)


def _text(column: pd.Series) -> pd.Series:
    """A raw column as text, blanks as '' (comparable as strings, as ISO dates are)."""
    return column.fillna("").astype(str)


def _repeated(frame: pd.DataFrame, key: list[str]) -> pd.Series:
    """True on every row whose key occurs more than once (the first occurrence included, so its line is known)."""
    return frame.duplicated(key, keep=False) if len(frame) else pd.Series(False, index=frame.index)


def address_problems(frame: pd.DataFrame | None, label: str) -> list[Problem]:
    """source_url cells that are not an outlet's public page: bare IP, staging/preprod/dev host, mirror domain."""
    if frame is None or "source_url" not in frame:
        return []
    registry = load_registry()
    return [Problem(label, int(line), "source_url", reason)
            for line, url in frame["source_url"].items()
            if isinstance(url, str) and (reason := outlets.refusal(url, registry))]


# --- the outlet registry ------------------------------------------------------------------------

def load_registry(path: str | Path | None = None) -> outlets.Registry:
    """The outlet registry (parley/data/sourcing/outlets.csv), validated like every table; cached per path.

    Raises DataError listing every problem: the schema's (domain form, grade, unique domain) and the
    registry's own rules (party_media names the actor it speaks for, and only then; denied, mirror and
    party_media rows say why in notes).
    """
    return _registry(str(Path(path).resolve()) if path else str(outlets.REGISTRY))


@lru_cache(maxsize=8)
def _registry(path: str) -> outlets.Registry:
    file = Path(path)
    label = file.name if file == outlets.REGISTRY else str(file)
    problems: list[Problem] = []
    raw = read_text_table(file, label, schema.OUTLETS, problems) if file.is_file() else None
    if raw is None and not problems:
        problems.append(Problem(label, 1, "-", "file is missing"))
    if raw is not None:
        check_table(raw, schema.OUTLETS, label, problems)
        problems.extend(_registry_rules(raw, label))
    if problems:
        raise DataError(problems)
    return outlets.Registry([outlets.Outlet(domain=_cell(row["domain"]), outlet=_cell(row["outlet"]),
                                            grade=_cell(row["grade"]), party=_cell(row["party"]),
                                            notes=_cell(row["notes"]), line=int(line))
                             for line, row in raw.iterrows()], file=label)


def _cell(value) -> str:
    """A raw cell as text ('' when empty: the reader gives None, a row of a frame may give NaN)."""
    return value.strip() if isinstance(value, str) else ""


def _registry_rules(raw: pd.DataFrame, label: str) -> list[Problem]:
    found = []
    for line, row in raw.iterrows():
        grade, party, notes = (_cell(row[column]) for column in ("grade", "party", "notes"))
        if grade == "party_media" and not party:
            found.append(Problem(label, line, "party", "party_media needs the actor id it speaks for"))
        if party and grade != "party_media":
            found.append(Problem(label, line, "party", f"only a party_media outlet names a party (grade is {grade!r})"))
        if grade in (outlets.DENIED, outlets.MIRROR, "party_media") and not notes:
            found.append(Problem(label, line, "notes", f"a {grade} outlet says why in notes (the briefing or the "
                                 "audit prints it)"))
    return found


def _check_events(events: pd.DataFrame | None, label: str, actors, issues, known, problems: list[Problem]) -> None:
    """events.csv names known actors and issues, and no event ends before it starts."""
    if events is None:
        return
    start, end = _text(events["date"]), _text(events["end_date"])
    suspect = (_names_unknown(events["actors"], actors) | _names_unknown(events["issues"], issues)
               | ((start != "") & (end != "") & (end < start)))
    for line, row in events[suspect].iterrows():
        known(_split_ids(row["actors"]), actors, label, line, "actors", "actor")
        known(_split_ids(row["issues"]), issues, label, line, "issues", "issue")
        if schema.is_iso_date(row["end_date"]) and schema.is_iso_date(row["date"]) and row["end_date"] < row["date"]:
            problems.append(Problem(label, line, "end_date", f"{row['end_date']} is before date {row['date']}"))


def _check_positions(positions: pd.DataFrame | None, label: str, actors, issues, known,
                     problems: list[Problem]) -> None:
    """positions.csv names known actors and issues, with one row per (actor, issue, date)."""
    if positions is None:
        return
    suspect = (_names_unknown(positions["actor_id"], actors) | _names_unknown(positions["issue_id"], issues)
               | _repeated(positions, ["actor_id", "issue_id", "date"]))
    seen: dict[tuple, int] = {}
    for line, row in positions[suspect].iterrows():
        known(_split_ids(row["actor_id"]), actors, label, line, "actor_id", "actor")
        known(_split_ids(row["issue_id"]), issues, label, line, "issue_id", "issue")
        key = (row["actor_id"], row["issue_id"], row["date"])
        if key in seen:
            problems.append(Problem(label, line, "date", f"second position of {key[0]} on {key[1]} at {key[2]} "
                                    f"(first on line {seen[key]})"))
        seen.setdefault(key, line)


def _check_coverage(tables: dict[str, pd.DataFrame], label_of: dict[str, str], meta: ConflictMeta | None,
                    problems: list[Problem]) -> None:
    """Rows dated after a declared covered_until claim knowledge the folder says it does not keep: errors."""
    if meta is None or meta.covered_until is None:
        return
    limit = meta.covered_until.isoformat()
    for file, columns in (("events.csv", ("date", "end_date")), ("positions.csv", ("date",))):
        if file not in tables:
            continue
        frame = tables[file]
        suspect = pd.Series(False, index=frame.index)
        for column in columns:
            suspect |= _text(frame[column]) > limit
        for line, row in frame[suspect].iterrows():
            for column in columns:
                value = row[column]
                if schema.is_iso_date(value) and value > limit:
                    problems.append(Problem(label_of[file], line, column, f"{value} is after covered_until {limit} "
                                            "(conflict.toml): move covered_until or leave the row out"))


def _day(value) -> str | None:
    """A raw cell as an ISO date string, or None when empty or not a date (its own check reports that)."""
    return value if isinstance(value, str) and schema.is_iso_date(value) else None


def _check_influence(influence: pd.DataFrame | None, label: str, actors, issues, known,
                     problems: list[Problem]) -> None:
    """influence.csv names known actors and issues; one row per (actor, issue) in force on any day; dated rows
    have a source written no later than their valid_from (a forecast for that day could have known it)."""
    periods: dict[tuple, list[tuple[int, str | None, str | None]]] = {}
    for line, row in (influence.iterrows() if influence is not None else ()):
        known(_split_ids(row["actor_id"]), actors, label, line, "actor_id", "actor")
        known(_split_ids(row["issue_id"]), issues, label, line, "issue_id", "issue")
        start, end = _day(row.get("valid_from")), _day(row.get("valid_until"))
        if start and end and end < start:
            problems.append(Problem(label, line, "valid_until", f"{end} is before valid_from {start}"))
        if start:
            written = schema.text_dates(row["source"] if isinstance(row["source"], str) else "")
            if not written:
                problems.append(Problem(label, line, "source", "a dated row's source must say when it was written "
                                        "(a YYYY-MM-DD in `source`), so that it can be checked against valid_from"))
            elif max(written).isoformat() > start:
                problems.append(Problem(label, line, "valid_from", f"{start} is before the source's date "
                                        f"{max(written)}: an influence row holds only from when its source could "
                                        "be known"))
        key = (row["actor_id"], row["issue_id"])
        for other, other_start, other_end in periods.get(key, []):
            if _overlap(start, end, other_start, other_end):
                problems.append(Problem(label, line, "issue_id", f"second influence row of {key[0]} on {key[1]} in "
                                        f"force on the same days (first on line {other}); give both rows valid_from "
                                        "and periods that do not overlap"))
                break
        periods.setdefault(key, []).append((line, start, end))


def _overlap(start: str | None, end: str | None, other_start: str | None, other_end: str | None) -> bool:
    """Whether two influence periods share a day (None = open at that end; an undated row holds always)."""
    return (start is None or other_end is None or start <= other_end) and \
        (other_start is None or end is None or other_start <= end)


def _check_outcome(tables: dict[str, pd.DataFrame], label_of: dict[str, str], issues, known,
                   problems: list[Problem]) -> None:
    """outcome.csv names known issues; an outcome is given exactly when a deal was made; and the issue's scale
    reaches from 0 to 100 in positions taken before the outcome (docs/codebook.md, section 1)."""
    outcome = tables["outcome.csv"]
    label = label_of["outcome.csv"]
    positions = tables.get("positions.csv")
    for line, row in outcome.iterrows():
        known(_split_ids(row["issue_id"]), issues, label, line, "issue_id", "issue")
        deal = row.get("deal")
        failed = isinstance(deal, str) and deal.strip() == "false"
        given = isinstance(row["outcome"], str) and row["outcome"].strip() != ""
        if failed and given:
            problems.append(Problem(label, line, "outcome", "deal is false: a failed negotiation has no agreed text "
                                    "to place, so leave outcome empty"))
        elif not failed and not given:
            problems.append(Problem(label, line, "outcome", "is empty: give the outcome on the agreed text, or set "
                                    "deal to false for a negotiation that produced no agreement"))
        day = _day(row["date"])
        if positions is None or day is None or (issues is not None and row["issue_id"] not in issues):
            continue
        before = positions[(positions["issue_id"] == row["issue_id"]) & (positions["date"] < day)]
        values = pd.to_numeric(before["position"], errors="coerce").dropna()
        if values.empty or values.min() > 0 or values.max() < 100:
            span = "none" if values.empty else f"{values.min():g} to {values.max():g}"
            problems.append(Problem(label, line, "issue_id", f"positions on {row['issue_id']} before the outcome "
                                    f"({day}) span {span}, not 0 to 100: the scale's ends must be the most extreme "
                                    "positions parties took before the outcome (docs/codebook.md, section 1)"))


def _typed(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Convert validated string tables to analysis types; the index stays the file line."""
    def dates(series: pd.Series) -> pd.Series:
        return pd.to_datetime(series, format="%Y-%m-%d").astype("datetime64[s]")

    actors = tables["actors.csv"].copy()
    issues = tables["issues.csv"].copy()
    events = tables["events.csv"].copy()
    events["date"] = dates(events["date"])
    events["end_date"] = dates(events["end_date"])
    events["actors"] = events["actors"].map(_split_ids)
    events["issues"] = events["issues"].map(_split_ids)
    events = events.sort_values(["date", "event_id"], kind="stable")
    positions = tables["positions.csv"].copy()
    positions["date"] = dates(positions["date"])
    positions = positions.sort_values(["actor_id", "issue_id", "date"], kind="stable")
    typed = {"actors": actors, "issues": issues, "events": events, "positions": positions}
    if "influence.csv" in tables:
        influence = tables["influence.csv"]
        typed["influence"] = influence.assign(**{
            column: dates(influence[column]) if column in influence else pd.Series(pd.NaT, index=influence.index,
                                                                                  dtype="datetime64[s]")
            for column in ("valid_from", "valid_until")})
    if "outcome.csv" in tables:
        outcome = tables["outcome.csv"]
        deal = outcome["deal"] if "deal" in outcome else pd.Series(None, index=outcome.index, dtype=object)
        implemented = outcome["implemented"] if "implemented" in outcome else pd.Series(float("nan"), index=outcome.index)
        typed["outcome"] = outcome.assign(date=dates(outcome["date"]), deal=deal.ne("false"),
                                          implemented=implemented.astype(float))
    return typed


def load_conflict(folder: str | Path) -> Conflict:
    """Read and validate a conflict folder; raise DataError listing every problem."""
    folder = Path(folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        raise DataError([Problem(str(folder), 1, "-", "is not a conflict folder (no such directory)")])

    meta_label = relative_label(folder / "conflict.toml", folder)
    meta = None
    meta_path = _safe_path(folder, "conflict.toml", meta_label, problems)
    if meta_path is None and not (folder / "conflict.toml").exists():
        problems.append(Problem(meta_label, 1, "-", "file is missing"))
    elif meta_path is not None:
        meta = read_meta(meta_path, meta_label, problems)

    tables: dict[str, pd.DataFrame] = {}
    raws: dict[str, pd.DataFrame] = {}
    label_of: dict[str, str] = {}
    files = [meta_path] if meta_path else []
    for spec in schema.CONFLICT_TABLES:
        label = label_of[spec.file] = relative_label(folder / spec.file, folder)
        path = _safe_path(folder, spec.file, label, problems)
        if path is None:
            if spec.required and not (folder / spec.file).is_symlink() and not (folder / spec.file).exists():
                problems.append(Problem(label, 1, "-", "file is missing"))
            continue
        files.append(path)
        raw = read_text_table(path, label, spec.schema, problems)
        if raw is None:
            continue
        raws[spec.file] = raw
        checked = check_table(raw, spec.schema, label, problems)
        if checked is not None:
            tables[spec.file] = checked

    meta_lines = None
    if meta is not None:  # where default_actors / default_issues are written, for their cross-table errors
        meta_text = meta_path.read_text(encoding="utf-8-sig")
        meta_lines = {key: toml_line(meta_text, key) for key in ("default_actors", "default_issues")}
    _cross_check(label_of, raws, meta, meta_label, problems, meta_lines)
    if problems:
        raise DataError(problems)
    typed = _typed(tables)
    return Conflict(folder=folder, meta=meta, files=tuple(files), **typed)
