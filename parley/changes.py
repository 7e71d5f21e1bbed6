"""What changed between a period and the one before it, with a rule-based trend verdict.

The trend rule (CrisisWatch's words, parley's arithmetic), applied to the selected actors:

* per issue, ``change`` = gap between the farthest actors at the end of this period minus the
  gap at the end of the previous period, on the issue's 0-100 scale;
* ``deteriorated`` if the gap widened by at least ``THRESHOLD`` points, ``improved`` if it
  narrowed by at least ``THRESHOLD`` points, otherwise ``unchanged``;
* overall: the mean of the per-issue changes, judged with half the threshold (a broad drift
  counts, one tiny move does not); ``unchanged`` when no issue has positions at both dates.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import stances
from .periods import Period

THRESHOLD = 5.0
GAP_CHANGE_COLUMNS = ["issue_id", "gap_before", "gap_after", "change", "trend"]


def verdict(change: float | None, threshold: float = THRESHOLD) -> str:
    if change is None or pd.isna(change):
        return "unchanged"
    if change >= threshold:
        return "deteriorated"
    if change <= -threshold:
        return "improved"
    return "unchanged"


def events_in(events: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Events that overlap the period (a ranged event counts in every period it touches)."""
    start, end = stances.timestamp(period.start), stances.timestamp(period.end)
    last_day = events["end_date"].fillna(events["date"])
    return events[(events["date"] <= end) & (last_day >= start)]


def gap_changes(positions: pd.DataFrame, period: Period) -> pd.DataFrame:
    before = stances.gaps(stances.positions_at(positions, period.previous().end)).set_index("issue_id")["gap"]
    after = stances.gaps(stances.positions_at(positions, period.end)).set_index("issue_id")["gap"]
    rows = []
    for issue_id in sorted(set(before.index) | set(after.index)):
        was, now = before.get(issue_id), after.get(issue_id)
        change = None if was is None or now is None else float(now - was)
        rows.append([issue_id, was, now, change, verdict(change)])
    return pd.DataFrame(rows, columns=GAP_CHANGE_COLUMNS)


@dataclass
class Changes:
    period: Period
    previous: Period
    events: pd.DataFrame
    previous_events: pd.DataFrame
    moves: pd.DataFrame
    gaps: pd.DataFrame
    overall: str

    @property
    def trends(self) -> dict[str, str]:
        return dict(zip(self.gaps["issue_id"], self.gaps["trend"]))


def compare(events: pd.DataFrame, positions: pd.DataFrame, period: Period) -> Changes:
    """Compare `period` with the one before it; inputs already filtered to the chosen actors/issues."""
    gap_table = gap_changes(positions, period)
    known = gap_table["change"].dropna()
    overall = verdict(known.mean() if len(known) else None, THRESHOLD / 2)
    return Changes(
        period=period,
        previous=period.previous(),
        events=events_in(events, period),
        previous_events=events_in(events, period.previous()),
        moves=stances.moves(positions, period.start, period.end),
        gaps=gap_table,
        overall=overall,
    )
