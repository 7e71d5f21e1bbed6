"""Imported event data (ACLED, UCDP GED) for analysis and briefings.

A conflict folder may hold ``imported_events.parquet`` (written by ``python -m parley import``;
schema in :mod:`parley.data.importers.tables`), up to millions of rows. Nothing here plots single
events: :func:`load_imported` reads only the columns (and dates) asked for, and the pure
functions below aggregate per week, per category and per first-level region (admin1).
:func:`parley.report.imported_section.imported_section` is what a briefing shows: a few sentences, a map of events per region,
the fatalities trend and events per week by category; ``[]`` when the folder has no imported data.

ACLED and UCDP GED often record the same incidents: their counts and fatalities are never
added together. Each aggregation keeps origins apart or is given one origin's rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from parley.data.files import note_absent, note_read
from parley.data.meta import IMPORTED_FILE
from parley.data.periods import week_of

# Declared here, not in parley.data.importers.tables, so that the briefing path never imports polars.
ORIGINS = ("acled", "ucdp-ged")  # also the order in which they are stored and shown
ORIGIN_NAMES = {"acled": "ACLED", "ucdp-ged": "UCDP GED"}
ORIGIN_CREDITS = {
    "acled": "ACLED (Armed Conflict Location & Event Data Project) export",
    "ucdp-ged": "UCDP Georeferenced Event Dataset (GED) export",
}
FATALITY_NOTES = {"acled": "reported fatalities", "ucdp-ged": "best estimate of deaths"}
NEEDED = ("origin", "date", "category", "admin1", "latitude", "longitude", "fatalities")
TREND_WEEKS = 26


def imported_path(folder: str | Path) -> Path:
    return Path(folder) / IMPORTED_FILE


def load_imported(folder: str | Path, columns: tuple[str, ...] | list[str] = NEEDED, *, start=None, end=None,
                  origins: tuple[str, ...] | None = None) -> pd.DataFrame | None:
    """The imported events of a conflict folder (only ``columns``, dates from ``start`` to ``end``
    inclusive, of ``origins``), or None when the folder has no imported data.

    ``date`` comes back as ``datetime64[s]`` like the curated events."""
    import pyarrow.parquet as pq

    path = imported_path(folder)
    if not path.exists():
        note_absent(path)
        return None
    note_read(path)
    columns = list(dict.fromkeys(columns))
    filters = []
    if start is not None:
        filters.append(("date", ">=", pd.Timestamp(start).date()))
    if end is not None:
        filters.append(("date", "<=", pd.Timestamp(end).date()))
    if origins is not None:
        filters.append(("origin", "in", list(origins)))
    table = pq.read_table(path, columns=columns, filters=filters or None)
    frame = table.to_pandas(date_as_object=False)
    for name in ("date", "end_date"):
        if name in frame.columns:
            frame[name] = frame[name].astype("datetime64[s]")
    return frame


# --- aggregations (pure) ----------------------------------------------------------------------

def _weeks(start, end) -> pd.DatetimeIndex:
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    first = (start - pd.Timedelta(days=start.day_of_week)).normalize()
    return pd.date_range(first, end, freq="W-MON", name="week").astype("datetime64[s]")


def inside_period(events: pd.DataFrame, start, end) -> pd.DataFrame:
    mask = pd.Series(True, index=events.index)
    if start is not None:
        mask &= events["date"] >= pd.Timestamp(start)
    if end is not None:
        mask &= events["date"] <= pd.Timestamp(end)
    return events[mask]


def weekly(events: pd.DataFrame, by: str, start, end, *, value: str = "count") -> pd.DataFrame:
    """Weeks (rows, every week from ``start``'s to ``end``'s, zero-filled) x values of ``by`` (columns):
    number of events (``value="count"``) or sum of fatalities (``value="fatalities"``)."""
    if value not in ("count", "fatalities"):
        raise ValueError(f"value must be 'count' or 'fatalities', not {value!r}")
    inside = inside_period(events, start, end)
    keyed = inside.assign(week=week_of(inside["date"]))
    grouped = keyed.groupby(["week", by], observed=True, dropna=True)
    table = (grouped.size() if value == "count" else grouped["fatalities"].sum()).unstack(fill_value=0)
    table.columns = table.columns.astype(object)
    table.columns.name = by
    return table.reindex(_weeks(start, end), fill_value=0).astype("int64")


def weekly_by_category(events: pd.DataFrame, start, end, *, value: str = "count") -> pd.DataFrame:
    return weekly(events, "category", start, end, value=value)


def weekly_by_admin1(events: pd.DataFrame, start, end, *, value: str = "count") -> pd.DataFrame:
    """As :func:`weekly` by admin1, columns ordered by their total, largest first."""
    table = weekly(events, "admin1", start, end, value=value)
    return table[table.sum().sort_values(ascending=False, kind="stable").index]


def weekly_fatalities_by_origin(events: pd.DataFrame, start, end) -> pd.DataFrame:
    """Weeks x origins: fatalities per week, one column per export (never added together)."""
    return weekly(events, "origin", start, end, value="fatalities")


def admin1_totals(events: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """Per admin1: events, fatalities and the mean latitude/longitude of its events with coordinates;
    largest first. Events without an admin1 are left out."""
    inside = inside_period(events, start, end)
    inside = inside[inside["admin1"].notna()]
    grouped = inside.groupby("admin1", observed=True)
    totals = pd.DataFrame({
        "events": grouped.size(),
        "fatalities": grouped["fatalities"].sum(),
        "latitude": grouped["latitude"].mean(),
        "longitude": grouped["longitude"].mean(),
    }).reset_index()
    totals["admin1"] = totals["admin1"].astype(object)
    return totals.sort_values(["events", "admin1"], ascending=[False, True], kind="stable").reset_index(drop=True)


def primary_origin(events: pd.DataFrame) -> str | None:
    """The origin the single-source charts use: ACLED when present (finer event coverage), else UCDP GED."""
    present = set(events["origin"].unique()) if len(events) else set()
    for origin in ORIGINS:
        if origin in present:
            return origin
    return None


__all__ = ["admin1_totals", "load_imported", "primary_origin", "week_of", "weekly", "weekly_by_admin1",
           "weekly_by_category", "weekly_fatalities_by_origin"]
