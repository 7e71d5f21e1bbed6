"""The briefing's section on imported event data (ACLED, UCDP GED): aggregates, sentences and figures for a period.

The tables and their aggregates come from :mod:`parley.data.imported`; this module words and draws them.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from parley.data.imported import (
    FATALITY_NOTES,
    ORIGIN_CREDITS,
    ORIGIN_NAMES,
    ORIGINS,
    TREND_WEEKS,
    admin1_totals,
    inside_period,
    load_imported,
    primary_origin,
    weekly_by_category,
    weekly_fatalities_by_origin,
)
from parley.report import imported_charts, markup
from parley.report.markup import Markup


def _credit(origins) -> str:
    return "; ".join(ORIGIN_CREDITS[o] for o in ORIGINS if o in set(origins)) + ", imported with parley"


def imported_figures(folder: str | Path, start, end, *, trend_start=None) -> dict | None:
    """The aggregates and figures of imported data for a period (``start``..``end``) and a trend
    window (``trend_start``..``end``, default 26 weeks); None when the folder has no imported data."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if trend_start is None:  # whole weeks: the 26 up to the one holding `end`, or from the period's first
        last_monday = end - pd.Timedelta(days=end.day_of_week)
        trend_start = min(last_monday - pd.Timedelta(weeks=TREND_WEEKS - 1), start - pd.Timedelta(days=start.day_of_week))
    trend_start = pd.Timestamp(trend_start)
    events = load_imported(folder, start=trend_start, end=end)
    if events is None:
        return None
    period_events = inside_period(events, start, end)
    origin = primary_origin(period_events) or primary_origin(events)
    if origin is None:
        return {"events": events, "origin": None, "figures": []}
    mine = events[events["origin"] == origin]
    credit = _credit(events["origin"].unique())
    totals = admin1_totals(mine, start, end)
    trend = weekly_fatalities_by_origin(events, trend_start, end)
    categories = weekly_by_category(mine, trend_start, end)
    name = ORIGIN_NAMES[origin]
    period_text = f"{start:%d %b %Y} to {end:%d %b %Y}"
    figures = [
        imported_charts.region_map(totals, title=f"{name} events per region, {period_text} (bubble area: events; colour: fatalities)",
                                   source=credit),
        imported_charts.fatalities_trend(trend, title=f"Fatalities per week, {trend_start:%d %b %Y} to {end:%d %b %Y}",
                                         source=credit, notes=FATALITY_NOTES, through=end),
        imported_charts.weekly_categories(categories, title=f"{name} events per week, by parley category", source=credit,
                                          through=end),
    ]
    return {"events": events, "period_events": period_events, "origin": origin, "totals": totals, "trend": trend,
            "categories": categories, "figures": figures, "credit": credit}


def summary_html(result: dict, period_title: str) -> Markup:
    """A heading and sentences computed from the aggregates (plain text; the template escapes it)."""
    period_events = result.get("period_events")
    events = result.get("events")
    present = [ORIGIN_NAMES[o] for o in ORIGINS if events is not None and o in set(events["origin"].unique())]
    origins = " and ".join(present) or "imported data"
    if result.get("origin") is None or period_events is None or period_events.empty:
        return markup.render("imported/summary.j2", origins=origins, period_title=period_title, sentences=None)
    sentences = []
    for origin in ORIGINS:
        rows = period_events[period_events["origin"] == origin]
        if rows.empty:
            continue
        sentences.append(f"{ORIGIN_NAMES[origin]}: {len(rows):,} events, {int(rows['fatalities'].sum()):,} "
                         f"{FATALITY_NOTES[origin]}.")
    top = result["totals"].head(3)
    if not top.empty:
        regions = "; ".join(f"{r.admin1} ({r.events:,} events, {r.fatalities:,} fatalities)" for r in top.itertuples())
        sentences.append(f"Most events ({ORIGIN_NAMES[result['origin']]}): {regions}.")
    return markup.render("imported/summary.j2", origins=origins, period_title=period_title, sentences=sentences,
                         credit=result["credit"])


def imported_section(briefing) -> list[tuple[str, object]]:
    """What a briefing shows of imported data: ``[("html", str), ("figure", go.Figure), ...]``; [] when none.

    ``briefing`` is a :class:`parley.report.briefing.Briefing` (uses ``conflict.folder`` and ``period``).
    The period's own events make the map; the trend and the weekly counts cover at least 26 weeks."""
    period = briefing.period
    result = imported_figures(briefing.conflict.folder, period.start, period.end)
    if result is None or result["origin"] is None:
        return []
    return [("html", summary_html(result, period.title()))] + [("figure", fig) for fig in result["figures"]]
