"""`parley sources`: how a folder's rows are sourced, by grade, and what an editor would send back.

load (validate the folder, read every sourced table with its file lines, grade each row by the outlet
registry) -> audit (pure rules) -> print. A row's grade is its outlet's grade in the registry
(parley/data/sourcing/outlets.csv), so one outlet has one grade on every row; the row's own
source_type only grades outlets the registry does not know (and is reported when it differs).
The rules and their constants are documented in docs/sourcing.md; every problem is located as
``file:line: column: message`` like a validation error. Exit status 1 when any problem is found.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from parley.data import outlets, schema
from parley.data.load import load_registry
from parley.data.outlets import host
from parley.errors import Problem, UsageError

MAX_SOURCE_DAYS = 30  # a news report of an event or statement appears within days; a month is generous
SHARED_URL_DAYS = 7  # rows sharing an address must lie within this many days of each other
TIMEZONE_DAYS = 1  # a position's source may be dated one day before the statement (time zones)
SOURCED_FILES = ("actors.csv", "events.csv", "positions.csv", "influence.csv", "outcome.csv", "war_outcomes.csv")
STRONG = ("official", "wire", "major", "specialist")
GRADES = schema.SOURCE_TYPES + (schema.UNGRADED,)
REGISTRY_LABEL = "parley/data/sourcing/outlets.csv"
MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                      "dec"), start=1)}
URL_DATES = (  # a date in an address's path: /2025/05/16/, /2025/may/16/, /2025-05-16, /20250516/
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>\d{1,2}|[a-z]{3})/(?P<d>\d{1,2})(?:/|$)"),
    re.compile(r"/(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)(?!\d)"),
    re.compile(r"/(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)(?:/|$|-)"),
)


@dataclass(frozen=True)
class Row:
    """One sourced row, as the rules see it."""

    file: str
    line: int
    table: str
    source: str
    url: str | None
    grade: str  # the outlet's grade in the registry; for an outlet it does not know, the row's source_type
    start: dt.date | None = None  # the row's date (events: first day)
    end: dt.date | None = None  # events: last day
    event_id: str | None = None
    actors: tuple[str, ...] = ()  # positions and actors: the actor; events: every actor
    category: str | None = None  # events
    declared: str = schema.UNGRADED  # the row's own source_type cell
    outlet: outlets.Outlet | None = None  # the registry's outlet of the address, if it knows it

    @property
    def what(self) -> str:
        if self.event_id:
            return f"event {self.event_id}"
        if self.table == "positions" and self.actors:
            return f"position of {self.actors[0]}"
        return f"{self.table} row"


@dataclass
class Audit:
    folder: str
    rows: list[Row]
    problems: list[Problem] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """Rows per grade, per table and over all tables ('all'); ungraded rows count as 'ungraded'."""
        tables = list(dict.fromkeys(r.table for r in self.rows))
        out = {t: grade_counts(r.grade for r in self.rows if r.table == t) for t in tables}
        out["all"] = grade_counts(r.grade for r in self.rows)
        return out

    @property
    def shares(self) -> dict[str, dict[str, float]]:
        return {table: shares_of(counts) for table, counts in self.counts.items()}

    @property
    def outlets(self) -> list[dict]:
        """Rows per outlet cited, most cited first: registry outlets with their grade, unknown domains with none."""
        found: dict[str, dict] = {}
        for r in self.rows:
            if r.outlet is not None:
                entry = found.setdefault(r.outlet.domain, {"domain": r.outlet.domain, "outlet": r.outlet.outlet,
                                                           "grade": r.outlet.grade, "party": r.outlet.party or None,
                                                           "rows": 0})
            elif r.url:
                name = host(r.url).removeprefix("www.")
                entry = found.setdefault(name, {"domain": name, "outlet": None, "grade": None, "party": None,
                                                "rows": 0})
            else:
                continue
            entry["rows"] += 1
        return sorted(found.values(), key=lambda e: (-e["rows"], e["domain"]))


def grade_counts(grades) -> dict[str, int]:
    """Every grade (and 'ungraded') with its count, zeros included, in the schema's order."""
    found = Counter(grade_of(g) for g in grades)
    return {g: found.get(g, 0) for g in GRADES}


def shares_of(counts: dict[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {g: round(n / total, 4) if total else 0.0 for g, n in counts.items()}


def grade_of(value) -> str:
    """A cell of source_type as a grade: empty or missing = 'ungraded'."""
    return value if isinstance(value, str) and value.strip() else schema.UNGRADED


# --- the outlet registry ---------------------------------------------------------------------------

def registry() -> outlets.Registry:
    """The outlet registry, validated (DataError at outlets.csv:line when it is not)."""
    return load_registry()


def outlet_of(url: str | None) -> outlets.Outlet | None:
    """The registry's outlet of an address, or None."""
    return registry().find(url) if url else None


def row_grade(outlet: outlets.Outlet | None, declared) -> str:
    """A row's grade: its outlet's registry grade; a denied site counts as other; else the row's own source_type."""
    if outlet is not None and outlet.grade in schema.SOURCE_TYPES:
        return outlet.grade
    if outlet is not None and outlet.grade in (outlets.DENIED, outlets.MIRROR):
        return "other"
    return grade_of(declared)


def grade_for(url, declared) -> str:
    """The grade of a row with this address and source_type cell (for the briefing)."""
    return row_grade(outlet_of(url if isinstance(url, str) else None), declared)


def party_media_label(url: str | None, grade) -> str | None:
    """'Russian state media' when the address is a party's media in the registry (or graded so); else None."""
    entry = outlet_of(url)
    if entry is not None and entry.grade == "party_media":
        return entry.label
    return "one party's media" if grade == "party_media" else None


# --- load --------------------------------------------------------------------------------------

def load_rows(folder: str | Path) -> list[Row]:
    """Validate the folder (as `validate` does), then read every sourced table present with its file lines."""
    from parley.data.load import load_conflict
    from parley.data.outcomes import load_outcomes

    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder")
    if (folder / "conflict.toml").exists():
        load_conflict(folder)  # raises DataError listing every problem
    if (folder / "war_outcomes.csv").exists():
        load_outcomes(folder / "war_outcomes.csv")
    rows = [row for name in SOURCED_FILES if (folder / name).is_file() for row in _read_sourced(folder, name)]
    if not rows:
        raise UsageError(f"{folder}: no sourced table ({', '.join(SOURCED_FILES)})")
    return rows


def _read_sourced(folder: Path, name: str) -> list[Row]:
    from parley.data.load import is_comment, text_records
    from parley.data.meta import relative_label

    records = [(line, fields) for line, fields in text_records((folder / name).read_text(encoding="utf-8-sig"))
               if not is_comment(fields)]
    header = [h.strip() for h in records[0][1]] if records else []
    if "source" not in header:
        return []
    label, table = relative_label(folder / name, folder), name.removesuffix(".csv")
    rows = []
    for line, fields in records[1:]:
        cell = dict(zip(header, (f.strip() for f in fields)))
        if table == "actors" and not cell.get("capability"):
            continue  # an actor without a capability figure states no sourced fact
        start = _date(cell.get("date"))
        actors = cell.get("actor_id") or cell.get("actors") or ""
        url = cell.get("source_url") or None
        outlet = outlet_of(url)
        rows.append(Row(file=label, line=line, table=table, source=cell.get("source", ""),
                        url=url, grade=row_grade(outlet, cell.get("source_type")),
                        declared=grade_of(cell.get("source_type")), outlet=outlet,
                        start=start, end=_date(cell.get("end_date")) or start, event_id=cell.get("event_id") or None,
                        category=cell.get("category") or None,
                        actors=tuple(a.strip() for a in actors.split(schema.LIST_SEPARATOR) if a.strip())))
    return rows


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value and schema.is_iso_date(value) else None


# --- rules (pure) -------------------------------------------------------------------------------

def graded_other(rows: list[Row]) -> list[Problem]:
    return [Problem(r.file, r.line, "source_type", "graded 'other': cite an official text, a wire, an outlet of "
                    "record or a specialist source instead, or leave the row out (docs/sourcing.md)")
            for r in rows if r.grade == "other" and not (r.outlet and r.outlet.grade == outlets.DENIED)]


def registry_grades(rows: list[Row]) -> list[Problem]:
    """Every address's outlet is in the registry, and a row's source_type, if written, is its outlet's grade."""
    found = []
    for r in rows:
        if r.url and r.outlet is None:
            found.append(Problem(r.file, r.line, "source_url", f"{host(r.url) or r.url} is not in the outlet "
                                 f"registry ({REGISTRY_LABEL}): add the outlet with its grade (docs/sourcing.md), "
                                 "or cite an outlet the registry knows"))
        elif (r.outlet is not None and r.outlet.grade in schema.SOURCE_TYPES and r.declared != schema.UNGRADED
              and r.declared != r.outlet.grade):
            found.append(Problem(r.file, r.line, "source_type", f"graded {r.declared!r}, but the registry grades "
                                 f"{r.outlet.outlet} ({r.outlet.domain}) {r.outlet.grade!r}: a row takes its "
                                 f"outlet's grade; write {r.outlet.grade} or leave the cell empty"))
    return found


def denied(rows: list[Row]) -> list[Problem]:
    return [Problem(r.file, r.line, "source_url", f"{r.outlet.domain} ({r.outlet.outlet}) is denied in the outlet "
                    f"registry ({REGISTRY_LABEL}): {r.outlet.notes}")
            for r in rows if r.outlet is not None and r.outlet.grade == outlets.DENIED]


def _url_key(url: str) -> str:
    """An address without scheme, 'www.', fragment or trailing slash: two spellings of one page match."""
    parts = urlsplit(url)
    name = host(url).removeprefix("www.")
    return f"{name}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")


def _days_apart(a: Row, b: Row) -> int:
    """Days between two rows' date spans (0 when they overlap)."""
    if a.start > b.end:
        return (a.start - b.end).days
    if b.start > a.end:
        return (b.start - a.end).days
    return 0


def unrelated(a: Row, b: Row) -> str | None:
    """Why two rows sharing one address cannot both be reported by it, or None when they can.

    Unrelated: two different events, or rows more than SHARED_URL_DAYS apart. An event and the
    positions drawn from its report, several actors' positions in one article, and rows that are
    both graded specialist (a chronology or data set reports many events) are related.
    """
    if a.grade == b.grade == "specialist":
        return None
    if a.event_id and b.event_id and a.event_id != b.event_id:
        return "a different event"
    gap = _days_apart(a, b)
    if gap > SHARED_URL_DAYS:
        return f"{gap} days apart"
    return None


def shared_urls(rows: list[Row]) -> list[Problem]:
    """Dated rows only: capability figures (actors) and war outcomes may share one data set's page."""
    groups: dict[str, list[Row]] = {}
    for r in rows:
        if r.url and r.start is not None:
            groups.setdefault(_url_key(r.url), []).append(r)
    found = []
    for group in groups.values():
        for r in group:
            partner = next(((o, why) for o in group if o is not r and (why := unrelated(r, o))), None)
            if partner:
                other, why = partner
                found.append(Problem(r.file, r.line, "source_url", f"same address as {other.file}:{other.line} "
                                     f"({other.what}), an unrelated row ({why}): cite the page that reports this row"))
    return found


def url_date(url: str | None) -> dt.date | None:
    """A date written in an address's path, if any."""
    path = urlsplit(url).path.lower() if url else ""
    for pattern in URL_DATES:
        for m in pattern.finditer(path):
            month = MONTHS.get(m["m"]) or (int(m["m"]) if m["m"].isdigit() else 0)
            try:
                return dt.date(int(m["y"]), month, int(m["d"]))
            except ValueError:
                continue
    return None


def _date_problem(r: Row, when: dt.date, column: str) -> Problem | None:
    if r.table == "positions" and when < r.start - dt.timedelta(days=TIMEZONE_DAYS):
        return Problem(r.file, r.line, column, f"source dated {when}, before the statement of {r.start}: "
                       "it cannot report it")
    gap = 0 if r.start <= when <= r.end else min(abs((when - r.start).days), abs((when - r.end).days))
    if gap > MAX_SOURCE_DAYS:
        side = "after" if when > r.end else "before"
        return Problem(r.file, r.line, column, f"source dated {when}, {gap} days {side} the row's date "
                       f"{r.start} (more than {MAX_SOURCE_DAYS}): cite a report of the time")
    return None


def far_dates(rows: list[Row]) -> list[Problem]:
    """Dated rows whose source (text, else address) is dated far from them; specialist work is written later."""
    found = []
    for r in rows:
        if r.start is None or r.grade == "specialist":
            continue
        written = schema.text_dates(r.source)
        if written:  # several dates in the text: judge the nearest to the row
            nearest = min(written, key=lambda d: abs((d - r.start).days))
            problem = _date_problem(r, nearest, "source")
        else:
            in_url = url_date(r.url)
            problem = _date_problem(r, in_url, "source_url") if in_url else None
        if problem:
            found.append(problem)
    return found


def own_words(event: Row, party: str) -> bool:
    """An event its party's media may report: the party alone acts, or it is a statement the party makes."""
    return set(event.actors) == {party} or (event.category == "statement" and party in event.actors)


def party_media_misuse(rows: list[Row]) -> list[Problem]:
    """A party's media only for its own party's statements (its party and label come from the registry)."""
    found = []
    for r in rows:
        entry = r.outlet
        if entry is None or entry.grade != "party_media":
            continue
        party, outlet = entry.party, f"{entry.outlet} ({entry.label})"
        if r.event_id and not own_words(r, party):
            others = ", ".join(a for a in r.actors if a != party) or "no actor"
            found.append(Problem(r.file, r.line, "source_url", f"event sourced only to {outlet}, which speaks for "
                                 f"{party}, but it involves {others}: cite an independent report"))
        elif not r.event_id and r.actors and r.actors[0] != party:
            found.append(Problem(r.file, r.line, "source_url", f"{outlet} speaks for {party}, not for {r.actors[0]}: "
                                 "a party's media only for its own party's statements"))
    return found


RULES = (graded_other, registry_grades, shared_urls, far_dates, denied, party_media_misuse)


def audit(rows: list[Row], folder: str = "") -> Audit:
    problems = sorted({p for rule in RULES for p in rule(rows)}, key=lambda p: (p.file, p.line, p.column, p.message))
    return Audit(folder=folder, rows=rows, problems=problems)


# --- print ----------------------------------------------------------------------------------------

def format_table(result: Audit) -> str:
    counts, shares = result.counts, result.shares
    tables = [t for t in counts if t != "all"]
    widths = [max(len(t), 6) for t in tables]
    head = f"{'grade':<12}" + "".join(f"{t:>{w + 2}}" for t, w in zip(tables, widths)) + f"{'all':>8}{'share':>9}"
    lines = [f"{result.folder}: {len(result.rows)} sourced rows", head]
    for grade in GRADES:
        cells = "".join(f"{counts[t][grade]:>{w + 2}}" for t, w in zip(tables, widths))
        lines.append(f"{grade:<12}{cells}{counts['all'][grade]:>8}{shares['all'][grade]:>9.1%}")
    strong = sum(counts["all"][g] for g in STRONG)
    total = len(result.rows)
    lines.append(f"official, wire, major or specialist: {strong} of {total} rows ({strong / total:.1%})")
    lines.append(f"outlets: {len(result.outlets)} cited, graded by the outlet registry ({REGISTRY_LABEL}, "
                 f"{len(registry())} outlets)")
    lines.append(f"problems: {len(result.problems)}" + (" (rules: docs/sourcing.md)" if result.problems else ""))
    lines += [str(p) for p in result.problems]
    return "\n".join(lines) + "\n"


def as_json(result: Audit) -> str:
    data = {"folder": result.folder, "rows": len(result.rows), "counts": result.counts, "shares": result.shares,
            "outlets": result.outlets,
            "problems": [{"file": p.file, "line": p.line, "column": p.column, "message": p.message}
                         for p in result.problems]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def run(folder: str | Path) -> Audit:
    """load -> audit; raises DataError when the folder does not validate."""
    return audit(load_rows(folder), folder=str(folder))
