"""DEU-format tables (Decision-making in the European Union; Arregui & Perarnaud 2021) read as given.

A DEU table is tab-separated with a quoted header: one row per controversial issue of a Commission
proposal, the positions (``p<actor>``) and saliences (``s<actor>``) of the Commission, the European
Parliament and the member states on the issue's 0-100 scale, the reference point ``rp`` and the outcome
``out``; empty cells are missing. The public transcription adds a second row of GDP figures per actor,
which is read and kept aside (no method uses it). Every problem is reported as ``file:line: column:
message`` (``errors.DataError``), all of them at once, so a bad file never reaches a forecast.

``Issue.frame(weights)`` maps one issue onto parley's model inputs (``actor_id, position, salience,
capability``), with the actors' capabilities from the Council's voting rules in force on the decision's
date (``council_weights``): the weighting is documented, with its sources, in ``docs/forecasting.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from parley.errors import DataError, Problem, UsageError

INSTITUTIONS = ("com", "ep")
MEMBER_STATES = ("at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu", "ie", "it", "lv",
                 "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk")
ACTORS = INSTITUTIONS + MEMBER_STATES
ID_COLUMNS = ("prnr", "isnr", "proc", "counvte")
DATE_COLUMNS = ("intro", "finact")
REQUIRED = ID_COLUMNS + tuple(f"p{a}" for a in ACTORS) + tuple(f"s{a}" for a in ACTORS) + ("rp", "out")
PROCEDURES = ("COD", "CNS")        # codecision (ordinary legislative procedure), consultation
VOTING_RULES = ("QMV", "Unan")     # Council voting rule on the proposal (any other code: weighted voting)
MISSING_DATE = "999"

# Council votes per member state (DEU codes). Sources and dates: docs/forecasting.md, "Weights".
# Before 1 November 2004: Article 205(2) TEC (Article 148(2) before Amsterdam) as amended by the 1994 Act of
# Accession, 87 votes for the fifteen (no decision in the DEU tables falls between the 2004 enlargement and
# 1 November 2004; one there would be weighed by the Nice votes). From 1 November 2004 to 31 October 2014: the Nice weights (Article 3(3) of
# Protocol No 36 on transitional provisions, as replaced by Article 20 of the 2012 Act of Accession of Croatia).
VOTES_EU15 = {"be": 5, "dk": 3, "de": 10, "el": 5, "es": 8, "fr": 10, "ie": 3, "it": 10, "lu": 2, "nl": 5, "at": 4,
              "pt": 5, "fi": 3, "se": 4, "uk": 10}
VOTES_NICE = {"be": 12, "bu": 10, "cz": 12, "dk": 7, "de": 29, "ee": 4, "ie": 7, "el": 12, "es": 27, "fr": 29,
              "cr": 7, "it": 29, "cy": 4, "lv": 4, "lt": 7, "lu": 4, "hu": 12, "mt": 3, "nl": 13, "at": 10, "pl": 27,
              "pt": 12, "ro": 14, "si": 4, "sk": 7, "fi": 7, "se": 10, "uk": 29}
# From 1 November 2014 (Article 16(4) TEU, Article 238(3) TFEU): each member's share of the Union's population,
# per cent, as set for 2016 in Annex III of the Council's Rules of Procedure (Council Decision (EU, Euratom)
# 2015/2393); used for every decision after 31 October 2014 (shares move by tenths of a point a year).
POPULATION_2016 = {"de": 15.93, "fr": 13.04, "uk": 12.73, "it": 12.07, "es": 9.12, "pl": 7.47, "ro": 3.90,
                   "nl": 3.37, "be": 2.21, "el": 2.13, "cz": 2.05, "pt": 2.04, "hu": 1.94, "se": 1.92, "at": 1.69,
                   "bu": 1.42, "dk": 1.11, "fi": 1.08, "sk": 1.06, "ie": 0.91, "cr": 0.83, "lt": 0.57, "si": 0.41,
                   "lv": 0.39, "ee": 0.26, "cy": 0.17, "lu": 0.11, "mt": 0.08}
ENLARGEMENT_2004 = dt.date(2004, 5, 1)   # from here on, the Nice weights (see above)
DOUBLE_MAJORITY_FROM = dt.date(2014, 11, 1)

# The institutions' capabilities relative to the Council as a whole (= 1), per procedure; docs/forecasting.md says why.
COMMISSION_SHARE = 0.5
PARLIAMENT_SHARE = {"COD": 1.0, "CNS": 0.0}


class TableError(DataError):
    """A DEU table that cannot be scored: every problem as file:line: column: message."""

    def _summary(self) -> str:
        lines = [str(p) for p in self.problems]
        noun = "problem" if len(lines) == 1 else "problems"
        return "\n".join(lines + [f"{len(lines)} {noun} found; nothing was scored."])


@dataclass(frozen=True)
class Issue:
    """One issue row: its ids, procedure, Council voting rule, decision date and every actor's stated inputs."""

    line: int
    proposal: str
    issue_id: str
    procedure: str
    voting: str
    date: dt.date | None          # the Council's final act, else the Commission's proposal (None: neither given)
    positions: dict[str, float]   # actor -> position (0-100), actors with a position only
    saliences: dict[str, float]   # actor -> salience (0-100), where given
    rp: float | None
    out: float | None

    @property
    def unanimity(self) -> bool:
        return self.voting.lower().startswith("unan")

    def frame(self, weights: str = "council") -> pd.DataFrame:
        """parley's model inputs for this issue: actor_id, position, salience, capability (one row per actor).

        Actors with a position take part; a missing salience counts as 0 (the actor states no stake).
        `weights`: "council" (capabilities from the voting rules in force, ``capabilities``) or "salience"
        (every actor capability 1, so weight = salience alone).
        """
        ids = [a for a in ACTORS if a in self.positions]
        capability = capabilities(self) if weights == "council" else dict.fromkeys(ids, 1.0)
        if weights not in ("council", "salience"):
            raise ValueError(f"weights must be 'council' or 'salience', not {weights!r}")
        return pd.DataFrame({
            "actor_id": ids,
            "position": [self.positions[a] for a in ids],
            "salience": [self.saliences.get(a, 0.0) for a in ids],
            "capability": [capability.get(a, 0.0) for a in ids],
        })


@dataclass(frozen=True)
class Table:
    """A whole DEU table: the issues in file order, the GDP row (actor -> figure) and the file's name."""

    path: str
    issues: list[Issue]
    gdp: dict[str, float] = field(default_factory=dict)

    @property
    def proposals(self) -> list[str]:
        return list(dict.fromkeys(i.proposal for i in self.issues))

    @property
    def scored(self) -> list[Issue]:
        """The issues with a known outcome: those a forecast can be scored on."""
        return [i for i in self.issues if i.out is not None]


def council_votes(day: dt.date | None) -> dict[str, float]:
    """Each member state's Council weight in force on `day` (votes, or population share after October 2014).

    A missing date counts as the Nice period (the table's undated decisions fall between its dated ones).
    """
    if day is not None and day >= DOUBLE_MAJORITY_FROM:
        return dict(POPULATION_2016)
    if day is not None and day < ENLARGEMENT_2004:
        return dict(VOTES_EU15)
    return dict(VOTES_NICE)


def capabilities(issue: Issue) -> dict[str, float]:
    """Capability of every actor with a position: the Council as a whole = 1, shared by the voting rule.

    QMV: each member's share of the weights in force among the members stating a position; unanimity:
    equal shares (every member can block alone). Commission ``COMMISSION_SHARE``, Parliament
    ``PARLIAMENT_SHARE[procedure]`` (docs/forecasting.md gives the reasons).
    """
    members = [a for a in MEMBER_STATES if a in issue.positions]
    votes = council_votes(issue.date)
    raw = {a: (1.0 if issue.unanimity else float(votes.get(a, 0.0))) for a in members}
    total = sum(raw.values())
    result = {a: (v / total if total > 0 else 0.0) for a, v in raw.items()}
    if "com" in issue.positions:
        result["com"] = COMMISSION_SHARE
    if "ep" in issue.positions:
        result["ep"] = PARLIAMENT_SHARE.get(issue.procedure, 0.0)
    return result


# --- reading ------------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{2}|\d{4})$")
_SHIFTED = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(text: str) -> dt.date | None:
    """A DEU date: dd-mm-yy or dd-mm-yyyy; "999" or empty is missing.

    The transcription also holds dates a spreadsheet turned from dd-mm-yy into yyyy-mm-dd (14-07-04
    became 2014-07-04, 30-05-05 became 1930-05-05): the last two digits of the "year" are the day and
    the "day" is the year, so they are read back that way. ValueError for anything else.
    """
    text = text.strip()
    if text in ("", MISSING_DATE):
        return None
    found = _DMY.match(text)
    if found:
        day, month, year = (int(g) for g in found.groups())
    else:
        found = _SHIFTED.match(text)
        if not found:
            raise ValueError(f"{text!r} is not a date (dd-mm-yy)")
        year_text, month_text, day_text = found.groups()
        day, month, year = int(year_text[2:]), int(month_text), int(day_text)
    if year < 100:
        year += 1900 if year >= 50 else 2000
    return dt.date(year, month, day)


def _number(text: str):
    text = text.strip()
    if text == "":
        return None
    value = float(text)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(text)
    return value


def read(path) -> Table:
    """Read a DEU-format table; DataError with one ``file:line: column: message`` per problem."""
    path = Path(path)
    name = str(path)
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle, delimiter="\t"))
    except (FileNotFoundError, IsADirectoryError):
        raise UsageError(f"{name}: no such file") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise TableError([Problem(name, 1, "-", f"not a tab-separated text table ({error})")]) from None
    if not rows:
        raise TableError([Problem(name, 1, "-", "empty file: a DEU table needs a header row")])
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise TableError([Problem(name, 1, c, "missing column") for c in missing])
    at = {c: header.index(c) for c in header}
    problems: list[Problem] = []
    issues: list[Issue] = []
    gdp: dict[str, float] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {c: (row[k] if k < len(row) else "") for c, k in at.items()}
        if line == 2 and not cells["prnr"].strip() and not cells["isnr"].strip():
            gdp = {a: v for a in ACTORS if (v := _gdp(cells.get(f"p{a}", ""))) is not None}
            continue
        issue = _issue(name, line, cells, problems)
        if issue is not None:
            issues.append(issue)
    seen: dict[str, int] = {}
    for issue in issues:
        if issue.issue_id in seen:
            problems.append(Problem(name, issue.line, "isnr", f"duplicate issue id {issue.issue_id!r} "
                                                              f"(first on line {seen[issue.issue_id]})"))
        seen.setdefault(issue.issue_id, issue.line)
    if problems:
        raise TableError(problems)
    return Table(name, issues, gdp)


def _gdp(text: str):
    try:
        return _number(text)
    except ValueError:
        return None


def _codes(cells: dict, fail):
    """The row's ids, procedure, voting rule and dates; a missing id is a problem (through `fail`).

    Procedure and voting rule are taken as given: a code other than those of ``PROCEDURES`` gives the
    Parliament no weight, and any rule but unanimity is weighted voting. A date that cannot be read
    counts as missing (the Nice weights), as "999" does: neither is a reason to refuse the table.
    """
    for column in ("prnr", "isnr"):
        if not cells[column].strip():
            fail(column, "missing: every issue row needs a proposal and an issue id")
    procedure, voting = cells["proc"].strip(), cells["counvte"].strip()
    dates = {}
    for column in DATE_COLUMNS:
        try:
            dates[column] = parse_date(cells.get(column, ""))
        except ValueError:
            dates[column] = None
    return procedure, voting, dates


def _issue(name: str, line: int, cells: dict, problems: list) -> Issue | None:
    before = len(problems)

    def fail(column, message):
        problems.append(Problem(name, line, column, message))

    procedure, voting, dates = _codes(cells, fail)

    def value(column, required=False):
        text = cells[column]
        try:
            number = _number(text)
        except ValueError:
            fail(column, f"{text.strip()!r} is not a number")
            return None
        if number is None:
            return None
        if not 0 <= number <= 100:
            fail(column, f"{number:g} is outside 0-100")
            return None
        return number

    positions = {a: v for a in ACTORS if (v := value(f"p{a}")) is not None}
    saliences = {a: v for a in ACTORS if (v := value(f"s{a}")) is not None}
    rp, out = value("rp"), value("out")
    if len(problems) > before:
        return None
    return Issue(line=line, proposal=cells["prnr"].strip(), issue_id=cells["isnr"].strip(), procedure=procedure,
                 voting=voting, date=dates.get("finact") or dates.get("intro"), positions=positions,
                 saliences=saliences, rp=rp, out=out)
