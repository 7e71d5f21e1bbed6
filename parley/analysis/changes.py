"""What changed between a period and the one before it, with a rule-based trend verdict.

The trend rule (CrisisWatch's words, parley's arithmetic), applied to the selected actors:

* per issue, ``change`` = gap between the farthest actors at the end of this period minus the
  gap at the end of the previous period, on the issue's 0-100 scale;
* ``deteriorated`` if the gap widened by at least ``THRESHOLD`` points, ``improved`` if it
  narrowed by at least ``THRESHOLD`` points, otherwise ``unchanged``;
* overall: the mean of the per-issue changes, judged with half the threshold (a broad drift
  counts, one tiny move does not); ``unchanged`` when no issue has positions at both dates.

Coverage (conflict.toml ``covered_until``): days after it are not covered by the data, so silence
there is a gap in collection, not a quiet period. A period that starts after it gets ``not covered``
for every issue and overall. A partly covered period is judged at ``covered_until`` instead of its
end when at least ``MIN_COVERED_SHARE`` of its days are covered, otherwise it is ``not covered``;
the briefing says which. ``unchanged`` is never given for days the data does not cover.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from parley.analysis import stances
from parley.data.periods import Period

THRESHOLD = 5.0
NOT_COVERED = "not covered"
MIN_COVERED_SHARE = 0.5  # a partly covered period gets a verdict only when at least half its days are covered
GAP_CHANGE_COLUMNS = ["issue_id", "gap_before", "gap_after", "change", "trend"]


def verdict(change: float | None, threshold: float = THRESHOLD) -> str:
    if change is None or pd.isna(change):
        return "unchanged"
    if change >= threshold:
        return "deteriorated"
    if change <= -threshold:
        return "improved"
    return "unchanged"


@dataclass(frozen=True)
class Coverage:
    """How much of a period the data covers: state is full, partial or none."""

    state: str
    covered_until: dt.date | None
    covered_days: int
    days: int

    @property
    def judged(self) -> bool:
        """Whether a trend verdict is given: the period is covered, or mostly covered."""
        return self.state == "full" or (self.state == "partial" and self.covered_days >= MIN_COVERED_SHARE * self.days)


def coverage_of(period: Period, covered_until: dt.date | None) -> Coverage:
    if covered_until is None or period.end <= covered_until:
        return Coverage("full", covered_until, period.days, period.days)
    if period.start > covered_until:
        return Coverage("none", covered_until, 0, period.days)
    return Coverage("partial", covered_until, (covered_until - period.start).days + 1, period.days)


def events_in(events: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Events that overlap the period (a ranged event counts in every period it touches)."""
    start, end = stances.timestamp(period.start), stances.timestamp(period.end)
    last_day = events["end_date"].fillna(events["date"])
    return events[(events["date"] <= end) & (last_day >= start)]


def gap_changes(positions: pd.DataFrame, period: Period, coverage: Coverage | None = None) -> pd.DataFrame:
    """Per issue: gap at the end of the previous period, gap at the end of this one (or at covered_until)."""
    coverage = coverage or coverage_of(period, None)
    judged_at = period.end if coverage.state == "full" else coverage.covered_until
    before = stances.gaps(stances.positions_at(positions, period.previous().end)).set_index("issue_id")["gap"]
    after = stances.gaps(stances.positions_at(positions, judged_at)).set_index("issue_id")["gap"]
    rows = []
    for issue_id in sorted(set(before.index) | set(after.index)):
        was, now = before.get(issue_id), after.get(issue_id)
        change = None if was is None or now is None or not coverage.judged else float(now - was)
        rows.append([issue_id, was, now if coverage.judged else None, change,
                     verdict(change) if coverage.judged else NOT_COVERED])
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
    coverage: Coverage

    @property
    def trends(self) -> dict[str, str]:
        return dict(zip(self.gaps["issue_id"], self.gaps["trend"]))


def compare(events: pd.DataFrame, positions: pd.DataFrame, period: Period,
            covered_until: dt.date | None = None) -> Changes:
    """Compare `period` with the one before it; inputs already filtered to the chosen actors/issues."""
    coverage = coverage_of(period, covered_until)
    gap_table = gap_changes(positions, period, coverage)
    known = gap_table["change"].dropna()
    overall = verdict(known.mean() if len(known) else None, THRESHOLD / 2) if coverage.judged else NOT_COVERED
    return Changes(
        period=period,
        previous=period.previous(),
        events=events_in(events, period),
        previous_events=events_in(events, period.previous()),
        moves=stances.moves(positions, period.start, period.end),
        gaps=gap_table,
        overall=overall,
        coverage=coverage,
    )
