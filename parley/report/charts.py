"""Figures from tables: pure functions, data in, plotly Figure out; no files, no analysis.

Every chart has a title, axis titles, a legend (or colour bar) and a source line, and draws
each actor in its own colour from actors.csv. Text that comes from data is HTML-escaped
before it reaches a label, so a title like ``<script>`` is shown, never run.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup, escape
from plotly.subplots import make_subplots

from parley.analysis import stances
from parley.data import schema
from parley.data.periods import week_of

WIDTH = 1100
RIGHT = 170               # room for the legend on the right
# The template object itself: unvalidated figures keep a template *name* as a bare string, which
# plotly.js does not understand; the object serialises to the same full template every time.
TEMPLATE = pio.templates["plotly_white"]
FONT = "Helvetica Neue, Helvetica, Arial, sans-serif"
CATEGORY_COLORS = {
    "negotiation": "#d62728", "ceasefire": "#ff7f0e", "agreement": "#2ca02c", "prisoner_exchange": "#17becf",
    "leader_contact": "#9467bd", "military": "#7f7f7f", "territorial": "#8c564b", "sanctions": "#1f77b4",
    "aid": "#bcbd22", "political": "#e377c2", "election": "#6a3d9a", "statement": "#b0b0b0",
    "humanitarian": "#4daf4a", "other": "#cccccc",
}
# Talks and truces are what a negotiation analyst scans for: they get a distinct, larger symbol.
STANDOUT = {"negotiation": "diamond", "ceasefire": "star", "agreement": "square"}
MARKER_SIZE = {1: 8, 2: 12, 3: 18}
LABEL_LEVELS = 6          # rows of annotation labels above the timeline
LABEL_CHAR_PX = 6.2       # approximate width of one character at the label font size
LABEL_MAX_CHARS = 38
LABEL_ROW_PX = 16
PLOT_WIDTH = WIDTH - 190 - RIGHT  # must follow the margins set in apply_layout


def plain(value) -> str:
    """Data as text for a label; a missing value (None, NaN) is nothing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return value if isinstance(value, Markup) else str(value)


def esc(value) -> str:
    """Data text made safe for plotly's HTML-like labels."""
    return str(escape(plain(value)))


BR = Markup("<br>")


def bold(text) -> Markup:
    """Text in bold in a plotly label (escaped)."""
    return Markup("<b>%s</b>") % plain(text)


def hover_label(*lines) -> Markup:
    """A plotly label of several lines: text is escaped, Markup (bold, wrap) is kept."""
    return BR.join(lines)


def wrap(value, width: int = 60) -> Markup:
    """Text escaped, then wrapped at ``width`` characters into label lines."""
    return BR.join(Markup(line) for line in textwrap.wrap(esc(value), width)) if value else Markup("")


def axis_label(value, lines: int = 3) -> str:
    """A category label that fits the 190-pixel left margin: at most 3 lines of 24 characters, then escaped.

    The full name stays in hover labels and tables; a longer label would overrun the plot.
    """
    wrapped = textwrap.wrap(str(value), 24) if value else []
    if len(wrapped) > lines:
        wrapped = wrapped[:lines - 1] + [short(" ".join(wrapped[lines - 1:]), 24)]
    return hover_label(*wrapped)


def apply_layout(fig: go.Figure, title: str, source: str, height: int, bottom: int = 90) -> go.Figure:
    fig.update_layout(
        title={"text": esc(title), "x": 0.01, "xanchor": "left", "y": 1, "yanchor": "top", "yref": "container",
               "pad": {"t": 14}, "font": {"size": 18}},
        template=TEMPLATE, width=WIDTH, height=height, font={"family": FONT, "size": 12},
        margin={"l": 190, "r": RIGHT, "t": 70, "b": bottom},
        legend={"orientation": "v", "yanchor": "top", "y": 1, "x": 1.01, "xanchor": "left", "font": {"size": 11}},
        hoverlabel={"align": "left", "font": {"size": 12}},
    )
    # Margins are parley's: the template's automargin would let one long label squeeze the plot to nothing.
    fig.update_xaxes(automargin=False)
    fig.update_yaxes(automargin=False)
    fig.add_annotation(text=f"Source: {esc(source)}", xref="paper", yref="paper", x=0, y=0, yshift=-bottom + 12,
                       xanchor="left", yanchor="bottom", showarrow=False, font={"size": 10, "color": "#666"})
    return fig


def _date_text(row) -> str:
    start = f"{row['date']:%Y-%m-%d}"
    end = row.get("end_date")
    return f"{start} to {end:%Y-%m-%d}" if end is not None and not pd.isna(end) else start


def _names(ids, names: dict[str, str]) -> str:
    return ", ".join(plain(names.get(i, i)) for i in ids)


# --- 1. timeline ------------------------------------------------------------------------------

def lanes_of(events: pd.DataFrame, by: str, actor_names: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """One row per (event, lane): category groups, or actors (an event sits in each actor's lane)."""
    if by == "category":
        group_of = {c: g for g, cats in schema.CATEGORY_GROUPS.items() for c in cats}
        placed = events.assign(lane=events["category"].map(group_of))
        order = [g for g in schema.CATEGORY_GROUPS if g in set(placed["lane"])]
    elif by == "actor":
        placed = events.assign(lane=events["actors"]).explode("lane")
        placed = placed[placed["lane"].isin(list(actor_names))]
        placed["lane"] = placed["lane"].map(actor_names)
        order = [actor_names[a] for a in actor_names if actor_names[a] in set(placed["lane"])]
    else:
        raise ValueError(f"lanes must be 'category' or 'actor', not {by!r}")
    return placed, order


def _slots(dates: pd.Series, span_days: float, slots: int = 7) -> list[int]:
    """Spread events of one lane over a few sub-rows so that neighbours do not cover each other."""
    min_gap = max(span_days / 90, 1)
    last = [None] * slots
    out = []
    for day in dates:
        free = [i for i in range(slots) if last[i] is None or (day - last[i]).days >= min_gap]
        slot = min(free, key=lambda i: abs(i - slots // 2)) if free else len(out) % slots
        last[slot] = day
        out.append(slot)
    return out


def place_labels(xs: list[float], texts: list[str], plot_width_px: float) -> list[int | None]:
    """Give each label (x in 0..1 of the plot width) a level where it overlaps no other, or None."""
    occupied: list[list[tuple[float, float]]] = [[] for _ in range(LABEL_LEVELS)]
    levels = []
    for x, text in zip(xs, texts):
        left, right = label_extent(x, text, plot_width_px)
        for level, spans in enumerate(occupied):
            if all(right <= a or left >= b for a, b in spans):
                spans.append((left, right))
                levels.append(level)
                break
        else:
            levels.append(None)
    return levels


def label_extent(x: float, text: str, plot_width_px: float) -> tuple[float, float]:
    """Left and right edge, in pixels, that a label centred at x (0..1 of the plot width) is expected to cover."""
    half = len(text) * LABEL_CHAR_PX / 2 + 4
    return x * plot_width_px - half, x * plot_width_px + half


def short(text: str, limit: int = LABEL_MAX_CHARS) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def timeline(events: pd.DataFrame, actor_names: dict[str, str], start, end, *, lanes: str = "category",
             title: str = "Timeline of events", source: str = "parley") -> go.Figure:
    """Events on a time axis in lanes; size = importance; ranged events as bars; labels for importance 3."""
    start, end = stances.timestamp(start), stances.timestamp(end)
    placed, order = lanes_of(events, lanes, actor_names)
    placed = placed.sort_values(["date", "event_id"], kind="stable")
    span = max((end - start).days, 1)
    lane_index = {lane: i for i, lane in enumerate(order)}
    y = pd.Series(0.0, index=range(len(placed)))
    placed = placed.reset_index(drop=True)
    for lane, rows in placed.groupby("lane", sort=False):
        for idx, slot in zip(rows.index, _slots(rows["date"], span)):
            y[idx] = lane_index[lane] + (slot - 3) * 0.11
    placed["y"] = y

    fig = go.Figure(_validate=False)
    ranged = placed[placed["end_date"].notna() & (placed["end_date"] > placed["date"])]
    if not ranged.empty:
        xs, ys = [], []
        for _, row in ranged.iterrows():
            xs += [row["date"], row["end_date"], None]
            ys += [row["y"], row["y"], None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"width": 7, "color": "rgba(80,80,80,0.35)"},
                                 name="duration", hoverinfo="skip", legendrank=1000))
    for category in schema.CATEGORIES:
        rows = placed[placed["category"] == category]
        if rows.empty:
            continue
        hover = [hover_label(bold(r["title"]), f"{_date_text(r)} · {category.replace('_', ' ')}",
                       f"Actors: {_names(r['actors'], actor_names)}", f"Source: {plain(r['source'])}")
                 for _, r in rows.iterrows()]
        standout = category in STANDOUT
        fig.add_trace(go.Scatter(
            x=rows["date"], y=rows["y"], mode="markers", name=category.replace("_", " "),
            marker={"size": [MARKER_SIZE[i] + (4 if standout else 0) for i in rows["importance"]],
                    "color": CATEGORY_COLORS[category], "symbol": STANDOUT.get(category, "circle"),
                    "line": {"width": 1.5 if standout else 0.5, "color": "#222" if standout else "white"}},
            hovertext=hover, hoverinfo="text", customdata=rows["event_id"],
        ))

    height = 200 + 100 * max(len(order), 1)
    key = placed[placed["importance"] == 3].drop_duplicates("event_id")
    xs = [((d - start).days / span) for d in key["date"]]
    texts = [short(t) for t in key["title"]]
    levels = place_labels(xs, texts, PLOT_WIDTH)
    for (_, row), text, level in zip(key.iterrows(), texts, levels):
        if level is None:
            continue
        fig.add_annotation(x=row["date"], y=1.0, yref="paper", text=esc(text), showarrow=True, arrowhead=0,
                           arrowwidth=1, arrowcolor="#999", ax=0, ay=-(14 + level * LABEL_ROW_PX), yanchor="bottom",
                           font={"size": 10, "color": "#333"}, bgcolor="rgba(255,255,255,0.85)")
    used = max((lv for lv in levels if lv is not None), default=-1) + 1
    top = 70 + used * LABEL_ROW_PX + (14 if used else 0)
    fig.update_yaxes(tickvals=list(range(len(order))), ticktext=[axis_label(o) for o in order],
                     range=[-0.6, len(order) - 0.4], title={"text": "lane (by category group)" if lanes == "category" else "lane (by actor)"},
                     showgrid=False, zeroline=False)
    fig.update_xaxes(range=[start - pd.Timedelta(days=span * 0.01), end + pd.Timedelta(days=span * 0.01)],
                     title={"text": "date"})
    apply_layout(fig, title, source, height + top - 70)
    fig.update_layout(margin={"t": top + 10})
    return fig


# --- 2. stance map ----------------------------------------------------------------------------

def _salience_size(salience: float) -> float:
    return 10 + float(salience) / 100 * 22


def stance_map(current: pd.DataFrame, issues: pd.DataFrame, actors: pd.DataFrame, day, *,
               forecast: dict[str, float] | None = None, title: str | None = None, source: str = "parley",
               intervals: dict[str, tuple[float, float]] | None = None) -> go.Figure:
    """Each issue a row on its 0-100 scale; actors as markers sized by salience; the gap shaded.

    `forecast` marks the headline forecast per issue with a cross; `intervals` (issue -> low, high)
    adds its 80% interval as a horizontal error bar on the cross.
    """
    issue_rows = issues[issues["issue_id"].isin(set(current["issue_id"]))].reset_index(drop=True)
    row_of = {issue_id: len(issue_rows) - 1 - i for i, issue_id in enumerate(issue_rows["issue_id"])}
    fig = go.Figure(_validate=False)
    for issue in issue_rows.itertuples():
        held = current[current["issue_id"] == issue.issue_id]
        y = row_of[issue.issue_id]
        if len(held) >= 2:
            fig.add_shape(type="rect", x0=held["position"].min(), x1=held["position"].max(), y0=y - 0.22, y1=y + 0.22,
                          fillcolor="rgba(214,39,40,0.12)", line={"width": 0}, layer="below")
        fig.add_shape(type="line", x0=0, x1=100, y0=y, y1=y, line={"color": "#bbb", "width": 1}, layer="below")
        for x, label, anchor in ((0, issue.scale_low, "left"), (100, issue.scale_high, "right")):
            fig.add_annotation(x=x, y=y - 0.26, text=wrap(label, 58), showarrow=False, xanchor=anchor, align=anchor,
                               yanchor="top", font={"size": 10, "color": "#555"})
    names = dict(zip(actors["actor_id"], actors["name"]))
    present = [a for a in actors["actor_id"] if a in set(current["actor_id"])]
    dodge = {a: (i - (len(present) - 1) / 2) * 0.12 for i, a in enumerate(present)}
    for actor in actors.itertuples():
        held = current[current["actor_id"] == actor.actor_id]
        if held.empty:
            continue
        hover = [hover_label(Markup("%s on %s") % (bold(actor.name), plain(issues.set_index("issue_id").at[r.issue_id, "name"])),
                       f"position {r.position:g} · salience {r.salience:g} · since {r.since:%Y-%m-%d}",
                       wrap(r.statement), f"Source: {plain(r.source)}")
                 for r in held.itertuples()]
        fig.add_trace(go.Scatter(
            x=held["position"], y=[row_of[i] + dodge[actor.actor_id] for i in held["issue_id"]], mode="markers",
            name=esc(names[actor.actor_id]),
            marker={"size": [_salience_size(s) for s in held["salience"]], "color": actor.color, "opacity": 0.85,
                    "line": {"width": 1, "color": "white"}},
            hovertext=hover, hoverinfo="text", customdata=held["issue_id"],
        ))
    if forecast:
        known = {k: v for k, v in forecast.items() if k in row_of}
        bounds = [(intervals or {}).get(k) for k in known]
        with_bars = any(b is not None for b in bounds)
        bars = {"type": "data", "symmetric": False, "color": "#111", "thickness": 1.5, "width": 6,
                "array": [b[1] - v if b else 0 for b, v in zip(bounds, known.values())],
                "arrayminus": [v - b[0] if b else 0 for b, v in zip(bounds, known.values())]}
        fig.add_trace(go.Scatter(
            x=list(known.values()), y=[row_of[k] for k in known], mode="markers",
            name="forecast (bar: 80% interval)" if with_bars else "forecast",
            marker={"symbol": "x-thin", "size": 18, "line": {"width": 3, "color": "#111"}},
            error_x=bars if with_bars else None,
            hovertext=[f"forecast {v:.0f}" + (f", 80% interval {b[0]:.0f}-{b[1]:.0f}" if b else "")
                       for v, b in zip(known.values(), bounds)], hoverinfo="text",
        ))
    fig.update_yaxes(tickvals=list(row_of.values()), ticktext=[axis_label(n) for n in issue_rows["name"]],
                     range=[-0.7, len(issue_rows) - 0.5], title={"text": "issue"}, showgrid=False, zeroline=False)
    fig.update_xaxes(range=[-3, 103], title={"text": "position on the issue's scale (0 = left label, 100 = right label)"},
                     tickvals=[0, 25, 50, 75, 100])
    day_text = f"{stances.timestamp(day):%d %B %Y}"
    apply_layout(fig, title or f"Where the actors stand on {day_text} (shaded: the gap to bridge; marker size: salience)",
            source, 170 + 110 * max(len(issue_rows), 1))
    return fig


# --- 3. trajectories --------------------------------------------------------------------------

def trajectories(positions: pd.DataFrame, events: pd.DataFrame, issues: pd.DataFrame, actors: pd.DataFrame,
                 start, end, *, title: str = "How stances moved", source: str = "parley") -> go.Figure:
    """Positions over time as step lines, one panel per issue, with the issue's events marked."""
    start, end = stances.timestamp(start), stances.timestamp(end)
    issue_rows = issues[issues["issue_id"].isin(set(positions["issue_id"]))].reset_index(drop=True)
    n = max(len(issue_rows), 1)
    fig = make_subplots(rows=n, cols=1, shared_xaxes=True, vertical_spacing=0.35 / n,
                        subplot_titles=[esc(name) for name in issue_rows["name"]])
    fig._validate = False  # traces below are built by parley, not typed by hand
    paths = stances.all_steps(positions, end)
    for row, issue in enumerate(issue_rows.itertuples(), start=1):
        for actor in actors.itertuples():
            path = paths.get((actor.actor_id, issue.issue_id))
            if path is None:
                continue
            hover = [hover_label(Markup("%s %s") % (bold(actor.name), f"{p.position:g} from {p.date:%Y-%m-%d}"), wrap(p.statement),
                           f"Source: {plain(p.source)}")
                     for p in path.itertuples()]
            fig.add_trace(go.Scatter(
                x=path["date"], y=path["position"], mode="lines+markers", line={"shape": "hv", "color": actor.color, "width": 2.5},
                marker={"size": 6}, name=esc(actor.name), legendgroup=actor.actor_id, showlegend=row == 1,
                hovertext=hover, hoverinfo="text",
            ), row=row, col=1)
        tagged = events[events["issues"].map(lambda ids: issue.issue_id in ids)]
        tagged = tagged[(tagged["date"] >= start) & (tagged["date"] <= end)]
        if not tagged.empty:
            fig.add_trace(go.Scatter(
                x=tagged["date"], y=[-10] * len(tagged), mode="markers", name="event on this issue",
                marker={"symbol": "triangle-up", "size": 9, "color": [CATEGORY_COLORS[c] for c in tagged["category"]]},
                legendgroup="events", showlegend=row == 1,
                hovertext=[hover_label(bold(e.title), f"{e.date:%Y-%m-%d}", f"Source: {plain(e.source)}") for e in tagged.itertuples()],
                hoverinfo="text",
            ), row=row, col=1)
        fig.update_yaxes(range=[-16, 108], tickvals=[0, 50, 100], title={"text": "position", "font": {"size": 10}}, row=row, col=1)
    fig.update_xaxes(range=[start, end])
    fig.update_xaxes(title={"text": "date"}, row=n, col=1)
    apply_layout(fig, title, source, 180 + 170 * n)
    return fig


# --- 4. stance matrix -------------------------------------------------------------------------

def stance_matrix(current: pd.DataFrame, issues: pd.DataFrame, actors: pd.DataFrame, day, *,
                  title: str | None = None, source: str = "parley") -> go.Figure:
    """Actors x issues heat map of positions in force at a date; statement and source on hover."""
    actor_rows = actors[actors["actor_id"].isin(set(current["actor_id"]))]
    issue_rows = issues[issues["issue_id"].isin(set(current["issue_id"]))]
    cell = current.set_index(["actor_id", "issue_id"])
    z, text, hover = [], [], []
    for actor in actor_rows.itertuples():
        z_row, t_row, h_row = [], [], []
        for issue in issue_rows.itertuples():
            if (actor.actor_id, issue.issue_id) in cell.index:
                c = cell.loc[(actor.actor_id, issue.issue_id)]
                z_row.append(float(c["position"]))
                t_row.append(f"{c['position']:g}")
                h_row.append(hover_label(Markup("%s on %s") % (bold(actor.name), f"{plain(issue.name)}: {c['position']:g} "
                                                                  f"(salience {c['salience']:g}, since {c['since']:%Y-%m-%d})"),
                                   wrap(c["statement"]), f"Source: {plain(c['source'])}"))
            else:
                z_row.append(None)
                t_row.append("")
                h_row.append(esc(f"{plain(actor.name)} on {plain(issue.name)}: no stated position"))
        z.append(z_row)
        text.append(t_row)
        hover.append(h_row)
    fig = go.Figure(_validate=False)
    fig.add_trace(go.Heatmap(
        z=z, x=[BR.join(Markup(line) for line in textwrap.wrap(esc(n), 16)) for n in issue_rows["name"]],
        y=[Markup('<span style="color:%s">■</span> %s') % (a.color, axis_label(a.name)) for a in actor_rows.itertuples()],
        zmin=0, zmax=100, colorscale="RdBu_r", text=text, texttemplate="%{text}", hovertext=hover, hoverinfo="text",
        colorbar={"title": {"text": hover_label("position", "0 = scale low", "100 = scale high")}}, xgap=2, ygap=2,
    ))
    fig.update_yaxes(autorange="reversed", title={"text": "actor"})
    fig.update_xaxes(title={"text": "issue"}, side="bottom", tickangle=0)
    apply_layout(fig, title or f"Positions in force on {stances.timestamp(day):%d %B %Y}", source, 230 + 60 * max(len(actor_rows), 1), bottom=110)
    return fig


# --- 5. activity ------------------------------------------------------------------------------

FREQUENCIES = {"week": "W-SUN", "month": "MS"}


def activity_counts(events: pd.DataFrame, freq: str, start, end) -> pd.DataFrame:
    """Events per period and category (periods without events count zero)."""
    if freq not in FREQUENCIES:
        raise ValueError(f"freq must be one of {sorted(FREQUENCIES)}, not {freq!r}")
    rule = FREQUENCIES[freq]
    start, end = stances.timestamp(start), stances.timestamp(end)
    inside = events[(events["date"] >= start) & (events["date"] <= end)]
    bins = pd.date_range(start.to_period("M").start_time if freq == "month" else start - pd.Timedelta(days=start.day_of_week),
                         end, freq="MS" if freq == "month" else "W-MON")
    key = inside["date"].dt.to_period("M").dt.start_time if freq == "month" else \
        week_of(inside["date"])
    table = inside.assign(bin=key).groupby(["bin", "category"]).size().unstack(fill_value=0)
    del rule
    return table.reindex(bins, fill_value=0).rename_axis("period")


def activity(events: pd.DataFrame, start, end, *, freq: str = "month", title: str | None = None,
             source: str = "parley") -> go.Figure:
    """Events per week or month, stacked by category."""
    counts = activity_counts(events, freq, start, end)
    fig = go.Figure(_validate=False)
    for category in schema.CATEGORIES:
        if category in counts.columns:
            fig.add_trace(go.Bar(x=counts.index, y=counts[category], name=category.replace("_", " "),
                                 marker_color=CATEGORY_COLORS[category],
                                 hovertemplate=Markup("%%{x|%%Y-%%m-%%d}: %%{y} %s<extra></extra>") % category.replace("_", " ")))
    fig.update_layout(barmode="stack", bargap=0.15)
    fig.update_yaxes(title={"text": f"events per {freq}"})
    fig.update_xaxes(title={"text": freq})
    apply_layout(fig, title or f"Events per {freq}, by category", source, 420)
    return fig
