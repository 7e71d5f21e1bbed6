"""The UCDP Conflict Termination data (data/reference/ucdp-term-acd-3-2021.csv): read, validated, made into episodes.

The file is kept as obtained (data/reference/README.md says from where, and why it is not byte-identical to UCDP's
own xlsx); it is read with the same reader and schema machinery as every conflict table, so a damaged copy is
reported as ``file:line: column: message``, never counted. ``episodes`` turns its conflict-years into one row per
conflict episode with the fields a reference class is drawn on (type, incompatibility, intensity), its start, its end
or the end of the data's last year (censored), and how it ended in parley's outcome words.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from parley.data import meta, schema
from parley.data.load import check_table, read_text_table
from parley.errors import DataError, Problem


@dataclass(frozen=True)
class Release:
    """Which release the stored file is, for the citation every result carries."""

    name: str
    version: str
    file: str
    sha256: str
    citation: str
    licence: str


RELEASE = Release(
    name="UCDP Conflict Termination Dataset (conflict level, with UCDP/PRIO Armed Conflict fields)",
    version="3-2021",
    file=meta.TERMINATION_FILE,
    sha256="dfa795ff1803df45bc27d0ba90c00cef9a87d9760aa5f691743ff69da8e3023e",
    citation="Kreutz, Joakim (2010). How and When Armed Conflicts End: Introducing the UCDP Conflict Termination "
             "Dataset. Journal of Peace Research 47(2): 243-250. Uppsala Conflict Data Program (UCDP).",
    licence="CC BY 4.0",
)

DEFAULT_PATH = meta.DEFAULT_TERMINATION
find = meta.find_termination  # beside a conflict folder (../reference/), else the one shipped with parley


def digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _dmy(value) -> dt.date | None:
    return dt.datetime.strptime(value, "%d/%m/%Y").date() if isinstance(value, str) else None


def _code(value) -> int | None:
    """'4.0' or '4' -> 4 (the exporting program wrote some whole numbers as floats); None when empty."""
    return int(float(value)) if isinstance(value, str) else None


def _row_rules(raw: pd.DataFrame, label: str) -> list[Problem]:
    """A year that ends an episode has an end date and an outcome; any other year has neither; no end before start."""
    found = []
    for line, row in raw.iterrows():
        ends = row["confterm"] == "1"
        for column in ("ependdate", "outcome"):
            present = isinstance(row[column], str)
            if ends and not present:
                found.append(Problem(label, line, column, "required value is missing (confterm is 1: the episode ends this year)"))
            if present and row["confterm"] == "0":
                found.append(Problem(label, line, column, f"must be empty when confterm is 0, got {row[column]!r}"))
        if schema.is_dmy_date(row["ependdate"]) and schema.is_dmy_date(row["start_date2"]) \
                and _dmy(row["ependdate"]) < _dmy(row["start_date2"]):
            found.append(Problem(label, line, "ependdate", f"{row['ependdate']} is before start_date2 {row['start_date2']}"))
    return found


def load_termination(path: str | Path | None = None) -> pd.DataFrame:
    """The validated conflict-year table as text cells (UCDP's codes kept as written); raise DataError listing every
    problem. Indexed by the line of the file each row is on."""
    path = Path(path) if path is not None else DEFAULT_PATH
    label = f"{path.parent.name}/{path.name}"
    if not path.is_file():
        raise DataError([Problem(label, 1, "-", "file is missing")])
    problems: list[Problem] = []
    raw = read_text_table(path, label, schema.UCDP_TERMINATION, problems)
    if raw is not None and not problems:
        check_table(raw, schema.UCDP_TERMINATION, label, problems)
        problems += _row_rules(raw, label)
    if problems or raw is None:
        raise DataError(problems)
    return raw


def last_year(table: pd.DataFrame) -> int:
    """The last calendar year the data cover: an episode still active then is censored at its 31 December."""
    return int(table["year"].astype(int).max())


TYPE_PRECEDENCE = (2, 4, 3, 1)  # an episode is interstate if any year was, else internationalized if any was, ...


def _runs(table: pd.DataFrame) -> pd.DataFrame:
    """The rows sorted by episode id and year, with `run` numbering runs of consecutive years and `episode` naming
    each run.

    UCDP defines an episode as consecutive active years. In v3-2021, ten conflicts that became active again in 2020
    carry their 2020 row under the previous episode's id, after a gap; such a later run is an episode of its own,
    named ``<conflictep_id>-<first year>``, so that no episode spans years without fighting.
    """
    rows = table.assign(_year=table["year"].astype(int), _id=table["conflictep_id"].astype(int))
    rows = rows.sort_values(["_id", "_year"], kind="stable")
    breaks = (rows["_id"].diff() != 0) | (rows["_year"].diff() != 1)
    rows["run"] = breaks.cumsum()
    first_year = rows.groupby("run")["_year"].transform("first")
    later = rows.groupby("_id")["run"].transform("first") != rows["run"]
    rows["episode"] = rows["conflictep_id"].where(~later, rows["conflictep_id"] + "-" + first_year.astype(str))
    return rows


def episodes(table: pd.DataFrame) -> pd.DataFrame:
    """One row per conflict episode: episode, conflict_id, location, side_a, side_b, start, end (NaT while active at
    the end of the data), ended, outcome (parley's words, None while active), type, incompatibility, intensity,
    duration_days (to the end, or to 31 December of the data's last year for an active episode)."""
    censor = pd.Timestamp(last_year(table), 12, 31)
    rows = _runs(table)
    rows["_type_rank"] = rows["type_of_conflict"].astype(int).map({c: r for r, c in enumerate(TYPE_PRECEDENCE)})
    by_run = rows.groupby("run", sort=True)
    final = by_run.tail(1).set_index("run")
    frame = pd.DataFrame({
        "episode": final["episode"], "conflict_id": final["conflict_id"].astype(int), "location": final["location"],
        "side_a": final["side_a"], "side_b": final["side_b"],
        "start": pd.to_datetime(by_run["start_date2"].first(), format="%d/%m/%Y"),
        "end": pd.to_datetime(final["ependdate"].where(final["confterm"] == "1"), format="%d/%m/%Y"),
        "ended": final["confterm"] == "1",
        "outcome": final["outcome"].where(final["confterm"] == "1").map(
            lambda code: schema.UCDP_OUTCOMES[_code(code)] if isinstance(code, str) else None),
        "type": by_run["_type_rank"].min().map(lambda rank: schema.UCDP_TYPES[TYPE_PRECEDENCE[rank]]),
        "incompatibility": [schema.UCDP_INCOMPATIBILITIES[int(codes.iloc[0])] if codes.nunique() == 1 else "both"
                            for _, codes in by_run["incompatibility"]],
        "intensity": by_run["intensity_level"].agg(lambda levels: "war" if (levels == "2").any() else "minor"),
    })
    frame["duration_days"] = (frame["end"].fillna(censor) - frame["start"]).dt.days.astype(int)
    for column in ("start", "end"):
        frame[column] = frame[column].astype("datetime64[s]")
    return frame.sort_values("episode").reset_index(drop=True)
