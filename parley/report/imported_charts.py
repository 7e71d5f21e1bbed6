"""Figures of imported event data: pure functions, aggregates in, plotly Figure out.

Briefings embed only plotly.js's *cartesian* bundle, so there are no geo or mapbox traces: the
map of regions is a scatter of bubbles at each region's mean longitude (x) and latitude (y),
drawn to scale (``scaleanchor``: a degree of latitude is 1/cos(mid-latitude) times a degree of
longitude, so distances look right around the map's middle), with the region names as labels.
Style as in :mod:`parley.report.charts`: title, axis titles, legend or colour bar, source line; every
text from data goes through ``esc``.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from parley.data import schema
from parley.data.imported import ORIGIN_NAMES
from parley.report.charts import CATEGORY_COLORS, apply_layout, bold, esc, hover_label
from parley.report.markup import Markup

ORIGIN_COLORS = {"acled": "#b2182b", "ucdp-ged": "#2166ac"}
MAX_BUBBLE_PX = 60
MAX_LABELS = 25


def _partial_week(index: pd.Index, through) -> bool:
    """Whether the last week of ``index`` (Mondays) ends after ``through``, the last day with data."""
    return through is not None and len(index) > 0 and index[-1] + pd.Timedelta(days=6) > pd.Timestamp(through)


def _week_axis_title(partial: bool, through) -> str:
    return "week (starting Monday)" + (f"; last week partial, to {pd.Timestamp(through):%d %b %Y}" if partial else "")


def _empty(fig: go.Figure, message: str) -> go.Figure:
    fig.add_annotation(text=esc(message), xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                       font={"size": 14, "color": "#666"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def region_map(totals: pd.DataFrame, *, title: str = "Events per region", source: str = "imported event data") -> go.Figure:
    """Bubbles at each admin1's mean position: area = events, colour = fatalities, labelled by name.

    ``totals``: columns admin1, events, fatalities, latitude, longitude (``imported.admin1_totals``)."""
    placed = totals.dropna(subset=["latitude", "longitude"])
    fig = go.Figure(_validate=False)
    if placed.empty:
        apply_layout(fig, title, source, 420)
        return _empty(fig, "No imported events with coordinates in this period.")
    largest = float(placed["events"].max())
    sizeref = 2.0 * largest / MAX_BUBBLE_PX ** 2
    labels = [esc(name) if i < MAX_LABELS else "" for i, name in enumerate(placed["admin1"])]
    hover = [hover_label(bold(r.admin1), f"{r.events:,} events · {r.fatalities:,} fatalities",
                         f"centre {r.latitude:.2f}°N {r.longitude:.2f}°E") for r in placed.itertuples()]
    fig.add_trace(go.Scatter(
        x=placed["longitude"], y=placed["latitude"], mode="markers+text", text=labels, textposition="top center",
        textfont={"size": 11, "color": "#222"}, name="region (admin1)",
        marker={"size": placed["events"], "sizemode": "area", "sizeref": sizeref, "sizemin": 4,
                "color": placed["fatalities"], "colorscale": "Reds", "cmin": 0, "showscale": True,
                "colorbar": {"title": {"text": "fatalities"}}, "line": {"width": 1, "color": "#444"}, "opacity": 0.8},
        hovertext=hover, hoverinfo="text", customdata=placed["admin1"].map(esc),
    ))
    mid_latitude = float(placed["latitude"].mean())
    pad = 0.8
    fig.update_xaxes(title={"text": "longitude (°E)"}, range=[placed["longitude"].min() - pad, placed["longitude"].max() + pad],
                     showgrid=True, gridcolor="#eee", zeroline=False)
    fig.update_yaxes(title={"text": "latitude (°N)"}, range=[placed["latitude"].min() - pad, placed["latitude"].max() + pad],
                     scaleanchor="x", scaleratio=1 / max(math.cos(math.radians(mid_latitude)), 0.1),
                     showgrid=True, gridcolor="#eee", zeroline=False)
    apply_layout(fig, title, source, 640)
    fig.update_layout(showlegend=False)
    return fig


def fatalities_trend(weekly: pd.DataFrame, *, title: str = "Fatalities per week", source: str = "imported event data",
                     notes: dict[str, str] | None = None, through=None) -> go.Figure:
    """One line per origin (column) of weekly fatalities; origins are never summed together.

    ``weekly``: weeks (index) x origins (``imported.weekly_fatalities_by_origin``). ``through``: last
    day with data; a last week ending later is partial, drawn as an open marker and named on the axis."""
    fig = go.Figure(_validate=False)
    notes = notes or {}
    partial = _partial_week(weekly.index, through)
    symbols = ["circle"] * (len(weekly) - 1) + ["circle-open" if partial else "circle"] if len(weekly) else []
    for origin in weekly.columns:
        name = ORIGIN_NAMES.get(origin, str(origin))
        label = f"{name} ({notes[origin]})" if origin in notes else name
        fig.add_trace(go.Scatter(
            x=weekly.index, y=weekly[origin], mode="lines+markers", name=esc(label),
            line={"color": ORIGIN_COLORS.get(origin, "#555"), "width": 2.5},
            marker={"size": [5] * (len(weekly) - 1) + [9 if partial else 5], "symbol": symbols},
            hovertemplate=Markup("week of %%{x|%%d %%b %%Y}: %%{y:,} fatalities<extra>%s</extra>") % name,
        ))
    if weekly.empty or not len(weekly.columns):
        apply_layout(fig, title, source, 420)
        return _empty(fig, "No imported events in this window.")
    fig.update_yaxes(title={"text": "fatalities per week"}, rangemode="tozero")
    fig.update_xaxes(title={"text": _week_axis_title(partial, through)})
    apply_layout(fig, title, source, 420)
    return fig


def weekly_categories(counts: pd.DataFrame, *, title: str = "Events per week, by category",
                      source: str = "imported event data", value_label: str = "events", through=None) -> go.Figure:
    """Stacked bars of events (or fatalities) per week by parley category, in parley's category colours.

    ``counts``: weeks (index) x categories (``imported.weekly_by_category``). ``through``: last day
    with data; a last week ending later is partial, drawn paler and named on the axis."""
    fig = go.Figure(_validate=False)
    partial = _partial_week(counts.index, through)
    opacity = [1.0] * (len(counts) - 1) + [0.45 if partial else 1.0] if len(counts) else []
    for category in schema.CATEGORIES:
        if category in counts.columns:
            label = category.replace("_", " ")
            fig.add_trace(go.Bar(x=counts.index, y=counts[category], name=label,
                                 marker={"color": CATEGORY_COLORS[category], "opacity": opacity},
                                 hovertemplate=Markup("week of %%{x|%%d %%b %%Y}: %%{y:,} %s<extra></extra>") % label))
    if not fig.data:
        apply_layout(fig, title, source, 420)
        return _empty(fig, "No imported events in this window.")
    fig.update_layout(barmode="stack", bargap=0.15)
    fig.update_yaxes(title={"text": f"{value_label} per week"})
    fig.update_xaxes(title={"text": _week_axis_title(partial, through)})
    apply_layout(fig, title, source, 420)
    return fig


def admin1_heatmap(weekly: pd.DataFrame, *, top: int = 15, title: str = "Events per week and region",
                   source: str = "imported event data", value_label: str = "events") -> go.Figure:
    """Regions (rows, the ``top`` largest) x weeks heat map (``imported.weekly_by_admin1``)."""
    shown = weekly.iloc[:, :top]
    fig = go.Figure(_validate=False)
    if shown.empty or not len(shown.columns):
        apply_layout(fig, title, source, 420)
        return _empty(fig, "No imported events in this window.")
    fig.add_trace(go.Heatmap(
        z=shown.T.values, x=shown.index, y=[esc(c) for c in shown.columns], colorscale="Reds",
        colorbar={"title": {"text": hover_label(value_label, "per week")}},
        hovertemplate=Markup("%%{y}, week of %%{x|%%d %%b %%Y}: %%{z:,} %s<extra></extra>") % value_label,
    ))
    fig.update_yaxes(autorange="reversed", title={"text": "region (admin1)"})
    fig.update_xaxes(title={"text": "week (starting Monday)"})
    apply_layout(fig, title, source, 200 + 26 * len(shown.columns))
    return fig
