"""The briefing's Prospects section: where the stated positions lead, whether a deal beats fighting on,
and how comparable wars ended.

Figures follow ``parley.report.charts`` (title, axis titles, legend, source line, actors in their own
colours); every sentence is generated from the numbers, and every piece of data text that
reaches HTML or a chart label goes through :func:`parley.report.charts.esc`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from parley.analysis import backtest, bargaining, methods, uncertainty
from parley.analysis import forecast as forecasting
from parley.data import load, meta, outcomes
from parley.report import charts, outside_view, track_record
from parley.report.charts import bold, esc
from parley.report.markup import render

FACTORS = tuple(np.round(np.linspace(0, 2, 11), 2))
OUTCOME_LABELS = {
    "peace_agreement": "peace agreement", "ceasefire": "ceasefire or armistice", "victory": "victory",
    "low_activity": "low activity (frozen)", "actor_ceased": "a party ceased to exist",
}
OUTCOME_COLORS = {
    "peace_agreement": "#2ca02c", "ceasefire": "#ff7f0e", "victory": "#7f7f7f",
    "low_activity": "#9467bd", "actor_ceased": "#8c564b",
}
OUTCOMES_SOURCE = ("parley reference table war_outcomes.csv (UCDP Conflict Termination categories); "
                   "every row cites its own source")


# --- numbers ----------------------------------------------------------------------------------

def inputs(briefing) -> pd.DataFrame:
    return bargaining.inputs_at(briefing.conflict, briefing.as_of, briefing.actors, briefing.issues)


def forecast(briefing) -> dict:
    return forecasting.forecast(briefing.conflict, briefing.as_of, briefing.actors, briefing.issues)


def forecast_by_issue(briefing, result: dict | None = None) -> dict[str, float]:
    """issue_id -> forecast position, for charts.stance_map(..., forecast=...); issues without one left out."""
    result = result or forecast(briefing)
    return {i: v["forecast"] for i, v in result["issues"].items() if v["forecast"] is not None}


def intervals_by_issue(briefing, result: dict | None = None) -> dict[str, tuple[float, float]]:
    """issue_id -> (low, high) of the forecast's 80% interval, for charts.stance_map(..., intervals=...)."""
    result = result or forecast(briefing)
    return {i: tuple(v["interval"]) for i, v in result["issues"].items() if v["interval"] is not None}


def past_record(briefing, root=None, cache_dir=None) -> dict | None:
    """The backtest over the historical cases: `root` defaults to ../historical beside the conflict folder, else
    parley's data/historical; cached by the inputs' digest so a briefing pays for it once. None: no cases."""
    root = root if root is not None else meta.find_historical(briefing.conflict.folder)
    return backtest.track_record(root, cache_dir)


def sensitivity_table(data: pd.DataFrame, actor_id: str, what: str = "capability",
                      factors=FACTORS) -> pd.DataFrame:
    """Forecast per issue as one actor's capability (influence where given) or salience is multiplied by each factor.

    Salience is capped at 100 (it is a share of attention); capability has no cap, only ratios matter.
    All factors of an issue run as one batch of the model.
    """
    if what not in ("capability", "salience"):
        raise ValueError(f"what must be 'capability' or 'salience', not {what!r}")
    rows = []
    factors = np.asarray(factors, dtype=float)
    for issue_id, frame in data.groupby("issue_id", sort=False):
        values = uncertainty.varied_forecasts(frame, actor_id, what, factors)
        rows += [(float(f), issue_id, None if np.isnan(v) else float(v)) for f, v in zip(factors, values)]
    return pd.DataFrame(rows, columns=["factor", "issue_id", "forecast"])


def default_actor(briefing, data: pd.DataFrame | None = None) -> str | None:
    """The chosen actor with the largest capability among those the model uses."""
    data = inputs(briefing) if data is None else data
    if data.empty:
        return None
    return str(data.sort_values(["capability", "actor_id"], ascending=[False, True]).iloc[0]["actor_id"])


def swing_actor(frame: pd.DataFrame) -> str | None:
    """The actor farthest from the expected outcome of fighting: the one with most to win by fighting on."""
    centre = bargaining.expected_outcome_of(frame)
    if centre is None:
        return None
    ranked = frame.assign(distance=(frame["position"] - centre).abs(), weight=frame["capability"] * frame["salience"])
    return str(ranked.sort_values(["distance", "weight", "actor_id"], ascending=[False, False, True]).iloc[0]["actor_id"])


# --- figures ----------------------------------------------------------------------------------

def paths_chart(briefing, result: dict | None = None):
    """Each actor's position round by round in the expected-utility scenario, one panel per issue; its outcome dotted."""
    result = result or forecast(briefing)
    issue_ids = list(result["issues"])
    n = max(len(issue_ids), 1)
    fig = make_subplots(rows=n, cols=1, vertical_spacing=0.35 / n,
                        subplot_titles=[esc(briefing.name_of_issue(i)) for i in issue_ids] or [""])
    fig._validate = False  # traces below are built by parley, not typed by hand
    colors = briefing.conflict.colors
    shown = set()
    for row, issue_id in enumerate(issue_ids, start=1):
        issue = result["issues"][issue_id]
        if not issue["actors"]:
            fig.add_annotation(text="no actor with a capability figure has a position", showarrow=False,
                               xref=f"x{row if row > 1 else ''} domain", yref=f"y{row if row > 1 else ''} domain",
                               x=0.5, y=0.5, font={"color": "#666"})
        for actor_id, a in issue["actors"].items():
            path = a["forecast_path"]
            name = esc(briefing.name_of_actor(actor_id))
            fig.add_trace(go.Scatter(
                x=list(range(len(path))), y=path, mode="lines+markers", name=name, legendgroup=actor_id,
                showlegend=actor_id not in shown, line={"color": colors.get(actor_id, "#444"), "width": 2.5},
                marker={"size": 7},
                hovertext=[Markup("%s %s") % (bold(Markup(name)), f"round {k}: {p:g}") for k, p in enumerate(path)], hoverinfo="text",
            ), row=row, col=1)
            shown.add(actor_id)
        outcome = issue["scenarios"]["bdm"]["forecast"]
        if outcome is not None:
            rounds = max((len(a["forecast_path"]) for a in issue["actors"].values()), default=1)
            fig.add_trace(go.Scatter(
                x=[0, max(rounds - 1, 1)], y=[outcome] * 2, mode="lines", name="scenario outcome",
                legendgroup="forecast", showlegend=row == 1, line={"color": "#111", "dash": "dot", "width": 1.5},
                hovertext=f"expected-utility scenario {outcome:g}", hoverinfo="text",
            ), row=row, col=1)
        fig.update_yaxes(range=[-5, 105], tickvals=[0, 50, 100], title={"text": "position", "font": {"size": 10}},
                         row=row, col=1)
        fig.update_xaxes(dtick=1, row=row, col=1)
    fig.update_xaxes(title={"text": "round of the bargaining model"}, row=n, col=1)
    charts.apply_layout(fig, f"Expected-utility scenario: positions round by round, from {result['date']}",
                   briefing.source_line, 180 + 170 * n)
    return fig


def sensitivity_chart(briefing, actor_id: str | None = None, what: str = "capability", factors=FACTORS):
    """The expected-utility scenario per issue as one actor's capability (or salience) runs from 0 to 2x its value."""
    data = inputs(briefing)
    actor_id = actor_id or default_actor(briefing, data)
    fig = go.Figure(_validate=False)
    name = esc(briefing.name_of_actor(actor_id)) if actor_id else ""
    if what == "capability":  # the weight input: the influence.csv value where the data give one
        mine = data[data["actor_id"] == actor_id]
        what = "influence" if len(mine) and (mine.get("weight_source") == "influence").all() else (
            "influence or capability" if len(mine) and (mine.get("weight_source") == "influence").any() else "capability")
    if actor_id is not None and (data["actor_id"] == actor_id).any():
        table = sensitivity_table(data, actor_id, "salience" if what == "salience" else "capability", factors)
        palette = qualitative.Dark24
        for k, (issue_id, rows) in enumerate(table.groupby("issue_id", sort=False)):
            issue = esc(briefing.name_of_issue(issue_id))
            fig.add_trace(go.Scatter(
                x=rows["factor"], y=rows["forecast"], mode="lines+markers", name=issue,
                line={"color": palette[k % len(palette)], "width": 2.5}, marker={"size": 6},
                hovertext=[Markup("%s: %s") % (bold(Markup(issue)), ("no outcome" if pd.isna(v) else f"scenario {v:g}") + f" with {what} x{f:g}")
                           for f, v in zip(rows["factor"], rows["forecast"])],
                hoverinfo="text",
            ))
        fig.add_vline(x=1, line={"color": "#999", "dash": "dash", "width": 1})
        fig.add_annotation(x=1, y=1.02, yref="paper", text="as coded", showarrow=False, font={"size": 10, "color": "#666"})
    else:
        fig.add_annotation(text="no actor with a capability figure in the selection", showarrow=False,
                           xref="paper", yref="paper", x=0.5, y=0.5, font={"color": "#666"})
    fig.update_xaxes(title={"text": f"{name}'s {what} as a multiple of its coded value"}, range=[-0.05, max(factors) + 0.05])
    fig.update_yaxes(title={"text": "expected-utility scenario (0-100)"}, range=[-5, 105], tickvals=[0, 25, 50, 75, 100])
    charts.apply_layout(fig, f"How the expected-utility scenario depends on {briefing.name_of_actor(actor_id) if actor_id else 'one actor'}'s {what} "
                        f"(0 to {max(factors):g}x its value), positions of {briefing.as_of:%d %B %Y}",
                   briefing.source_line, 480)
    return fig


def outcomes_chart(table: pd.DataFrame, *, title: str = "How wars since 1945 ended, by decade of their end",
                   source: str = OUTCOMES_SOURCE):
    """Ended wars of the reference table per decade, stacked by outcome; war names on hover."""
    counts = outcomes.decade_counts(table)
    done = outcomes.ended(table)
    decade_of = (done["end"].dt.year // 10 * 10)
    fig = go.Figure(_validate=False)
    labels = [f"{d}s" for d in counts.index]
    for outcome in counts.columns:
        names = [", ".join(esc(n) for n in done.loc[(decade_of == d) & (done["outcome"] == outcome), "name"])
                 for d in counts.index]
        fig.add_trace(go.Bar(
            x=labels, y=counts[outcome], name=OUTCOME_LABELS.get(outcome, outcome), marker_color=OUTCOME_COLORS.get(outcome),
            hovertext=[Markup("%s, %s<br>%s") % (bold(OUTCOME_LABELS.get(outcome, outcome)), f"{lab}: {c}", charts.wrap(n, 70) if n else "")
                       for lab, c, n in zip(labels, counts[outcome], names)],
            hoverinfo="text",
        ))
    fig.update_layout(barmode="stack", bargap=0.2)
    fig.update_xaxes(title={"text": "decade in which the war ended"})
    fig.update_yaxes(title={"text": "wars ended"})
    charts.apply_layout(fig, title, source, 440)
    return fig


# --- the section ------------------------------------------------------------------------------

def _n(value) -> str:
    return f"{value:.0f}"


def _points(value) -> str:
    return f"{_n(value)} point{'' if _n(value) == '1' else 's'}"


LEADS = {  # how the Prospects section names a headline method, and what it computes
    "weighted_mean": ("weighted mean of the stated positions",
                      "each actor's position weighted by its influence or capability times its salience: "
                      "the compromise model", "weighted mean"),
}


def _lead(result: dict) -> dict:
    """The headline's name and development record, as the forecast template words them."""
    found = result["headline"]
    name = result["method"]
    label, means, short = LEADS.get(name, (methods.METHODS[name].label,) * 3)
    return {"label": label, "means": means, "short": short, "n": found["n"], "mae": f"{found['mae']:.1f}",
            "bdm_mae": f"{found['bdm_mae']:.1f}", "half_width": _n(found["half_width80"]),
            "coverage": _n(found["coverage80"] * 100)}


def _issue_item(briefing, issue_id: str, issue: dict, scale: pd.DataFrame) -> dict:
    """One issue of the forecast template: the headline, the expected-utility scenario, its sensitivity."""
    item = {"name": briefing.name_of_issue(issue_id), "note": None}
    actors = issue["actors"]
    f = issue["forecast"]
    if not actors:
        return {**item, "note": "no chosen actor with a capability figure has a stated position; no forecast."}
    if f is None:
        return {**item, "note": "no actor carries weight (capability x salience is 0 for all); no forecast."}
    if len(actors) == 1:
        (actor_id, a), = actors.items()
        return {**item, "note": f"only {briefing.name_of_actor(actor_id)} has a stated position ({_n(a['position'])}) "
                                f"among the actors with a capability figure; the forecast is that position."}
    positions = {a: v["position"] for a, v in actors.items()}
    low, high = min(positions.values()), max(positions.values())
    end = ("midway between the two ends of the scale" if round(f) == 50 else
           f"nearer the {'high' if f > 50 else 'low'} end of the scale "
           f"({100 if f > 50 else 0} = “{scale.at[issue_id, 'scale_high' if f > 50 else 'scale_low']}”)")
    distance = sorted(((abs(p - f), a) for a, p in positions.items()), key=lambda t: (t[0], t[1]))
    bdm = issue["scenarios"]["bdm"]
    return {**item, "forecast": _n(f), "end": end, "low": _n(issue["interval"][0]), "high": _n(issue["interval"][1]),
            "scenario": None if bdm["forecast"] is None else _n(bdm["forecast"]), "rounds": bdm["rounds"],
            "median": _n(issue["weighted_median"]), "position_low": _n(low), "position_high": _n(high),
            "at_low": _plain_names([a for a, p in positions.items() if p == low], briefing),
            "at_high": _plain_names([a for a, p in positions.items() if p == high], briefing),
            "distances": "; ".join(f"{briefing.name_of_actor(a)} {_n(d)}" for d, a in distance),
            **_sensitivity(briefing, issue)}


def _plain_names(ids, briefing) -> str:
    return ", ".join(briefing.name_of_actor(a) for a in ids)


INPUT_NAMES = {"position": "position", "salience": "salience", "influence": "weight (influence or capability)"}


def _change_text(change: dict, briefing) -> str:
    who = briefing.name_of_actor(change["actor_id"])
    if change["input"] == "position":
        what = f"{who}'s position moved {_points(abs(change['change']))} {'up' if change['change'] > 0 else 'down'}"
    else:
        what = (f"{who}'s {INPUT_NAMES[change['input']]} {'raised' if change['change'] > 0 else 'cut'} by "
                f"{abs(change['change']) * 100:.0f}%")
    return what


def _sensitivity(briefing, issue: dict) -> dict:
    """How much the expected-utility scenario depends on its inputs: the band of the draws, a dominant actor,
    the single input change that moves it most (fields of the forecast template; band None without draws)."""
    band, scenario = issue["sensitivity"], issue["scenarios"]["bdm"]["forecast"]
    if band is None or scenario is None:
        return {"band": None, "near_share": None, "dominance": None, "change": None}
    dominance = None
    found = issue["dominance"]
    if found:
        who = briefing.name_of_actor(found["actor_id"])
        own = issue["actors"][found["actor_id"]]["position"]
        dominance = {
            "who": who, "share": f"{found['share'] * 100:.0f}",
            "at_own": ("so the scenario ends at its own position" if abs(own - scenario) < uncertainty.CHANGE else
                       f"and its position is {_n(own)}"),
            "without": "undefined" if found["forecast_without"] is None else _n(found["forecast_without"]),
            "changes_at": None if found["changes_at"] is None else f"{found['changes_at']:.2f}",
            "then": None if found["forecast_then"] is None else _n(found["forecast_then"]),
        }
    change = issue["biggest_change"]
    if change and abs(change["move"]) >= uncertainty.CHANGE:
        said = (f"the single input change within those ranges that moves the scenario most: "
                f"{_change_text(change, briefing)} takes it from {_n(change['from'])} to {_n(change['to'])}")
    elif change:
        said = "no single input change within those ranges moves the scenario by half a point"
    else:
        said = None
    return {"band": (_n(band[0]), _n(band[1])), "near_share": f"{issue['near_share'] * 100:.0f}",
            "dominance": dominance, "change": said}


def forecast_html(briefing, result: dict, data: pd.DataFrame) -> Markup:
    """The forecasts of the Prospects section (template briefing/forecast.html.j2): inputs, headline, scenario."""
    scale = briefing.conflict.issues.set_index("issue_id")
    by_source = data["weight_source"].value_counts()
    spread = uncertainty.DEFAULT_SPREAD
    return Markup(render(
        "briefing/forecast.html.j2", date=result["date"], by_influence=int(by_source.get("influence", 0)),
        by_capability=int(by_source.get("capability", 0)), used=_plain_names(sorted(set(data["actor_id"])), briefing),
        missing=_plain_names(bargaining.left_out(briefing.conflict, briefing.actors), briefing),
        inputs=inputs_html(briefing, data), lead=_lead(result), rounds=result["rounds"], draws=result["draws"],
        spread_position=_n(spread["position"]), spread_salience=f"{spread['salience'] * 100:.0f}",
        spread_weight=f"{spread['influence'] * 100:.0f}", near=_n(uncertainty.NEAR),
        items=[_issue_item(briefing, i, v, scale) for i, v in result["issues"].items()]))


def inputs_html(briefing, data: pd.DataFrame) -> Markup:
    """Where each actor's weight comes from: its capability (actors.csv) and any issue-specific influence."""
    actors = briefing.conflict.actors.set_index("actor_id")
    influence = load.influence_in_force(briefing.conflict.influence, briefing.as_of).set_index(["actor_id", "issue_id"])
    rows = []
    for actor_id, mine in data.groupby("actor_id", sort=True):
        capability = actors.at[actor_id, "capability"]
        specific = []
        for row in mine[mine["weight_source"] == "influence"].itertuples():
            given = influence.loc[(actor_id, row.issue_id)]
            specific.append({"issue": briefing.name_of_issue(row.issue_id), "value": _n(row.capability),
                             "veto": given["veto"] == "true", "rationale": given["rationale"],
                             "url": given["source_url"], "source": given["source"]})
        on_capability = [briefing.name_of_issue(i) for i in mine.loc[mine["weight_source"] == "capability", "issue_id"]]
        rows.append({"actor": briefing.name_of_actor(actor_id), "capability": None if pd.isna(capability) else _n(capability),
                     "url": actors.at[actor_id, "source_url"], "source": actors.at[actor_id, "source"],
                     "influence": specific, "uses": ", ".join(on_capability) or "none"})
    return render("briefing/inputs.j2", rows=rows) if rows else Markup("")


def _range_sentence(briefing, issue_id: str, frame: pd.DataFrame) -> str:
    """Whether a bargaining range is open on the issue and what would close it (plain text)."""
    if len(frame) < 2:
        return "fewer than two actors with a capability figure hold a position; no bargaining range to compute."
    found = bargaining.bargaining_range(frame)
    if found is None:
        intervals = bargaining.acceptable_intervals(frame)
        top = intervals.sort_values(["high", "actor_id"]).iloc[0]
        bottom = intervals.sort_values(["low", "actor_id"], ascending=[False, True]).iloc[0]
        return (f"closed: no position is preferred to fighting on by every actor "
                f"({briefing.name_of_actor(top['actor_id'])} accepts nothing above {_n(top['high'])}, "
                f"{briefing.name_of_actor(bottom['actor_id'])} nothing below {_n(bottom['low'])}).")
    low, high = found
    actor_id = swing_actor(frame)
    closes = bargaining.closing_gains(frame, actor_id)
    who = briefing.name_of_actor(actor_id)
    then = (f"it closes once {who} (the actor farthest from that expected outcome) expects fighting on to gain it "
            f"{_points(closes)}" if closes is not None else
            f"it stays open even if {who} (the actor farthest from that expected outcome) expects fighting on to win it "
            f"everything it asks for")
    return f"open from {_n(low)} to {_n(high)} ({_points(high - low)} wide); {then}."


def track_record_chart(briefing, record: dict | None = None):
    """Error by months before the outcome on past negotiations, the model against simple baselines."""
    return track_record.chart(record if record is not None else past_record(briefing))


def prospects_html(briefing, outcomes_table: pd.DataFrame | None = None, result: dict | None = None,
                   record: dict | None = None, view: dict | None = None, outside: bool = True) -> Markup:
    """The Prospects section; every sentence generated from the forecast, the track record, the range and the
    outside view. `record`: past_record(briefing), computed (or read from its cache) when not given; `view`:
    outside_view.outlook_of(briefing), computed when not given and conflict.toml declares the class fields.
    `outside=False` leaves the Outside view out, for a page that shows it beside its chart (the briefing)."""
    result = result or forecast(briefing)
    record = record if record is not None else past_record(briefing)
    data = inputs(briefing)
    outside_html = None
    if outside:
        table = outcomes_table if outcomes_table is not None else outcomes.load_outcomes(outcomes.find(briefing.conflict.folder))
        outside_html = Markup(outside_view.section_html(briefing.conflict.meta, briefing.as_of, briefing.conflict.folder,
                                                        war_table=table, result=view))
    ranges = [{"name": briefing.name_of_issue(issue_id),
               "text": _range_sentence(briefing, issue_id, data[data["issue_id"] == issue_id])}
              for issue_id in result["issues"]]
    return render("briefing/prospects.j2", forecast=forecast_html(briefing, result, data),
                  track_record=Markup(track_record.summary_html(record)), gains=_n(bargaining.DEFAULT_GAINS),
                  cost=_n(bargaining.DEFAULT_COST), ranges=ranges, outside=outside_html)
