"""How comparable wars ended: the reference table data/reference/war_outcomes.csv and its summaries.

The table is read and validated like a conflict table (same reader, same schema machinery, same
``file:line: column: message`` errors), so a typo in it is reported, never silently counted.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parley.data import schema
from parley.data.load import address_problems, check_table, read_text_table
from parley.data.meta import DEFAULT_OUTCOMES as DEFAULT_PATH
from parley.data.meta import find_outcomes as find  # noqa: F401 - notebooks call outcomes.find(conflict_folder)
from parley.errors import DataError, Problem

ENDED_WITHOUT_TREATY = "no"


def _row_rules(raw: pd.DataFrame, label: str) -> list[Problem]:
    """Rules between columns of a row: an ended war has an end date not before its start; an ongoing one has none."""
    found = []
    for line, row in raw.iterrows():
        ongoing, has_end = row["outcome"] == "ongoing", isinstance(row["end"], str)
        if ongoing and has_end:
            found.append(Problem(label, line, "end", f"must be empty for an ongoing war, got {row['end']!r}"))
        if not ongoing and not has_end and row["outcome"] in schema.WAR_OUTCOMES:
            found.append(Problem(label, line, "end", f"required value is missing (outcome is {row['outcome']!r})"))
        if schema.is_iso_date(row["start"]) and schema.is_iso_date(row["end"]) and row["end"] < row["start"]:
            found.append(Problem(label, line, "end", f"{row['end']} is before start {row['start']}"))
    return found


def load_outcomes(path: str | Path | None = None) -> pd.DataFrame:
    """The validated table with start and end as dates; raise DataError listing every problem."""
    path = Path(path) if path is not None else DEFAULT_PATH
    label = f"{path.parent.name}/{path.name}"
    problems: list[Problem] = []
    if not path.is_file():
        raise DataError([Problem(label, 1, "-", "file is missing")])
    raw = read_text_table(path, label, schema.WAR_OUTCOMES_SCHEMA, problems)
    checked = None
    if raw is not None:
        checked = check_table(raw, schema.WAR_OUTCOMES_SCHEMA, label, problems)
        problems += _row_rules(raw, label) + address_problems(raw, label)
    if problems or checked is None:
        raise DataError(problems)
    table = checked.copy()
    for column in ("start", "end"):
        table[column] = pd.to_datetime(table[column], format="%Y-%m-%d").astype("datetime64[s]")
    return table


def ended(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["outcome"] != "ongoing"]


def base_rate_without_treaty(table: pd.DataFrame) -> dict:
    """Among ended wars: how many ended without a peace treaty (N, count, share)."""
    done = ended(table)
    without = int((done["peace_treaty"] == ENDED_WITHOUT_TREATY).sum())
    return {"wars": len(done), "without_treaty": without, "share": without / len(done) if len(done) else None}


def by_outcome(table: pd.DataFrame) -> dict[str, int]:
    """Ended wars per outcome, in the order of the UCDP scheme."""
    counts = ended(table)["outcome"].value_counts()
    return {o: int(counts.get(o, 0)) for o in schema.WAR_OUTCOMES if o != "ongoing"}


def decade_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Ended wars per decade of their end (rows, e.g. 1950) and outcome (columns); zero-filled."""
    done = ended(table)
    outcomes = [o for o in schema.WAR_OUTCOMES if o != "ongoing"]
    if done.empty:
        return pd.DataFrame(columns=outcomes, dtype=int).rename_axis("decade")
    decade = (done["end"].dt.year // 10 * 10).rename("decade")
    counts = done.groupby([decade, "outcome"]).size().unstack(fill_value=0)
    decades = range(int(decade.min()), int(decade.max()) + 1, 10)
    return counts.reindex(index=decades, columns=outcomes, fill_value=0).rename_axis("decade").astype(int)
