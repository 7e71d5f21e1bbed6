"""The briefing's Outside view: the reference class in a sentence, the chances with their intervals, how the class's
wars ended, a survival-curve chart with today's duration marked, and the seed analyst's claim as a number.

The numbers come from parley.analysis.outlook; this module only words and draws them. The HTML comes from the
autoescaping template templates/outside_view.html.j2; chart labels go through charts.esc.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go

from parley.analysis import outlook
from parley.data import outcomes, termination
from parley.report import charts, markup
from parley.report.charts import esc

OUTCOME_WORDS = {"peace_agreement": "peace agreement", "ceasefire": "ceasefire agreement", "victory": "victory",
                 "low_activity": "low activity", "other": "an actor ceased to exist", "actor_ceased": "an actor ceased to exist"}
CLASS_COLOR, KIND_COLOR, TODAY_COLOR = "#1f4e79", "#9aa5b1", "#b2182b"


def _percent(value: float | None) -> str:
    return "unknown" if value is None else f"{value * 100:.0f}%"


def _chances(result: dict, date: dt.date) -> list[dict]:
    rows = []
    for months, chance in result["ending_within"].items():
        by = (date + dt.timedelta(days=round(int(months) * outlook.DAYS_PER_MONTH))).isoformat()
        ci = chance["ci90"]
        rows.append({"months": months, "by": by, "p": _percent(chance["p"]) if chance["p"] is not None
                     else "unknown (past the class's longest episode)",
                     "ci": f"{_percent(ci[0])} to {_percent(ci[1])}" if ci else "-"})
    return rows


def _endings(shares: dict | None, ended: int) -> str:
    if not shares:
        return "none ended in the data"
    parts = [f"{share * 100:.0f}% ({round(share * ended)}) {OUTCOME_WORDS[key]}"
             for key, share in sorted(shares.items(), key=lambda t: -t[1]) if share]
    return "; ".join(parts)


def later_wars(war_table, last_year: int) -> list[dict]:
    """Wars of the hand-coded table that ended after the UCDP data's last year (the documented supplement)."""
    if war_table is None:
        return []
    done = outcomes.ended(war_table)
    done = done[done["end"].dt.year > last_year].sort_values("end")
    return [{"name": row["name"], "end": row["end"].date().isoformat(), "outcome": OUTCOME_WORDS.get(row["outcome"], row["outcome"])}
            for _, row in done.iterrows()]


def section_html(meta, date: dt.date, conflict_folder=None, war_table=None, result: dict | None = None) -> str:
    """The Outside view section. A folder whose conflict.toml lacks the class fields gets the section with what is
    missing said in it, and the rest (the seed claim, the later wars) still shown."""
    missing = outlook.missing_fields(meta)
    episodes, last_year = outlook.load_episodes(conflict_folder)
    recent = outlook.recent_without_peace(episodes)
    release = termination.RELEASE
    context = {"missing": missing, "last_year": last_year, "later": later_wars(war_table, last_year),
               "recent": {**recent, "without": recent["without_peace_agreement"], "share": _percent(recent["share"])},
               "data_name": release.name, "version": release.version, "citation": release.citation,
               "licence": release.licence}
    if not missing:
        result = result or outlook.for_conflict(meta, date, conflict_folder)
        context.update(class_words=result["reference_class"]["in_words"], chances=_chances(result, date),
                       n=result["n"], ended=result["ended"], endings=_endings(result["outcomes"], result["ended"]),
                       zero=any(c["p"] == 0 for c in result["ending_within"].values()))
    return markup.render("outside_view.html.j2", **context)


def outlook_of(briefing) -> dict | None:
    """The outside view on the briefing's day (the earlier of the period's end and the data's coverage), with the
    curves the chart draws; None when conflict.toml does not declare the class fields."""
    meta = briefing.conflict.meta
    if outlook.missing_fields(meta):
        return None
    return outlook.for_conflict(meta, briefing.as_of, briefing.conflict.folder)


def chart(result: dict | None, name: str = "this war"):
    """Share of the class still fighting by years since each episode began (Kaplan-Meier, 90% band), with every
    episode of the same kind behind it, and this war's duration today marked. None when there is no class."""
    if result is None:
        return None
    curves = result["_curves"]
    lasted = result["reference_class"]["lasted_days"] / 365.2425
    fig = go.Figure(_validate=False)
    kind = curves["kind"]
    fig.add_trace(go.Scatter(x=kind["years"], y=kind["still"] * 100, mode="lines", line={"shape": "hv", "color": KIND_COLOR, "width": 2},
                             name=f"all of this kind ({curves['kind_n']})", hoverinfo="skip"))
    cls = curves["class"]
    fig.add_trace(go.Scatter(x=cls["years"], y=cls["high"] * 100, mode="lines", line={"shape": "hv", "width": 0},
                             showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=cls["years"], y=cls["low"] * 100, mode="lines", line={"shape": "hv", "width": 0},
                             fill="tonexty", fillcolor="rgba(31,78,121,0.18)", name="90% interval", hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=cls["years"], y=cls["still"] * 100, mode="lines", line={"shape": "hv", "color": CLASS_COLOR, "width": 3},
        name=f"the class ({result['n']} episodes)",
        hovertext=[f"{y:.1f} years: {s * 100:.0f}% still fighting" for y, s in zip(cls["years"], cls["still"])],
        hoverinfo="text"))
    fig.add_vline(x=lasted, line={"color": TODAY_COLOR, "width": 2, "dash": "dash"})
    fig.add_annotation(x=lasted, y=100, yref="y", text=f"{esc(name)} today: {lasted:.1f} years", showarrow=False,
                       xanchor="left", yanchor="top", xshift=6, font={"color": TODAY_COLOR})
    fig.update_xaxes(title={"text": "years since the episode began"}, rangemode="tozero")
    fig.update_yaxes(title={"text": "share still fighting (%)"}, range=[0, 102])
    data = result["data"]
    charts.apply_layout(fig, "Outside view: how long comparable wars went on", f"{data['name']} v.{data['version']} "
                  f"(Kreutz 2010), episodes 1946-{data['last_year']}; Kaplan-Meier estimate", 460)
    return fig
