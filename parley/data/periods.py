"""Briefing periods: a month (2025-05), an ISO week (2025-W20) or a date range (2025-05-01:2025-05-31)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from parley.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
RANGE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})$")
CADENCES = ("month", "week")


@dataclass(frozen=True, order=True)
class Period:
    """Inclusive [start, end] with the label that names its report folder."""

    start: dt.date
    end: dt.date
    label: str
    kind: str  # month | week | range

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same kind and length just before this one."""
        if self.kind == "month":
            return month(self.start - dt.timedelta(days=1))
        if self.kind == "week":
            return week(self.start - dt.timedelta(days=7))
        end = self.start - dt.timedelta(days=1)
        return date_range(end - dt.timedelta(days=self.days - 1), end)

    def title(self) -> str:
        if self.kind == "month":
            return self.start.strftime("%B %Y")
        if self.kind == "week":
            return f"week {self.label[-2:]} of {self.label[:4]} ({self.start:%d %b} to {self.end:%d %b %Y})"
        return f"{self.start:%d %b %Y} to {self.end:%d %b %Y}"


def week_of(dates: pd.Series) -> pd.Series:
    """The Monday (midnight) starting each date's week: how every weekly count buckets its dates."""
    import pandas as pd  # here, not at the top: the commands refuse bad periods without starting pandas

    return (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.normalize()


def month(day: dt.date) -> Period:
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return Period(start, following - dt.timedelta(days=1), f"{start:%Y-%m}", "month")


def week(day: dt.date) -> Period:
    year, number, weekday = day.isocalendar()
    start = day - dt.timedelta(days=weekday - 1)
    return Period(start, start + dt.timedelta(days=6), f"{year:04d}-W{number:02d}", "week")


def date_range(start: dt.date, end: dt.date) -> Period:
    return Period(start, end, f"{start:%Y-%m-%d}_{end:%Y-%m-%d}", "range")


def parse_date(text: str, what: str = "date") -> dt.date:
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", str(text)):
        raise UsageError(f"{what} {text!r} is not a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{what} {text!r} is not a real date") from None


def parse_period(text: str) -> Period:
    """Parse the --period argument; refuses anything else with a one-line UsageError."""
    text = str(text).strip()
    if m := MONTH_RE.match(text):
        year, number = int(m.group(1)), int(m.group(2))
        if not 1 <= number <= 12 or year < 1:
            raise UsageError(f"period {text!r}: month must be 01-12")
        return month(dt.date(year, number, 1))
    if m := WEEK_RE.match(text):
        year, number = int(m.group(1)), int(m.group(2))
        try:
            return week(dt.date.fromisocalendar(year, number, 1))
        except ValueError:
            raise UsageError(f"period {text!r}: {year} has no ISO week {number}") from None
    if m := RANGE_RE.match(text):
        start, end = parse_date(m.group(1), "period start"), parse_date(m.group(2), "period end")
        if end < start:
            raise UsageError(f"period {text!r} ends before it starts")
        return date_range(start, end)
    raise UsageError(f"period {text!r} is not YYYY-MM, YYYY-Www or YYYY-MM-DD:YYYY-MM-DD")


def of_cadence(cadence: str, day: dt.date) -> Period:
    if cadence not in CADENCES:
        raise UsageError(f"cadence {cadence!r} is not one of: {', '.join(CADENCES)}")
    return month(day) if cadence == "month" else week(day)


def last_complete(cadence: str, today: dt.date) -> Period:
    """The newest period of this cadence that ended before today."""
    return of_cadence(cadence, of_cadence(cadence, today).start - dt.timedelta(days=1))


def between(cadence: str, first: Period, last: Period) -> list[Period]:
    """Every period of the cadence from the one holding first.start to the one holding last.end."""
    periods, current = [], of_cadence(cadence, first.start)
    while current.start <= last.end:
        periods.append(current)
        current = of_cadence(cadence, current.end + dt.timedelta(days=1))
    return periods


def latest_complete(cadence: str, last_data_day: dt.date, today: dt.date) -> Period:
    """The period holding the newest data, unless it has not ended yet: then the one before it."""
    newest = of_cadence(cadence, min(last_data_day, today))
    return newest if newest.end < today else newest.previous()
