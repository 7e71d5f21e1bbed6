"""The forecast's track record in the briefing: one or two sentences and a chart of error by horizon.

The numbers come from :func:`parley.analysis.backtest.track_record` (the backtest over the historical cases,
cached by the inputs' digest); this module only words and draws them. Every piece of data text that
reaches HTML or a chart label goes through :func:`parley.report.charts.esc`.
"""

from __future__ import annotations

import plotly.graph_objects as go

from parley.analysis import backtest, methods
from parley.report import charts, markup
from parley.report.charts import esc
from parley.report.markup import Markup

METHOD_STYLE = {
    "model": {"color": "#111111", "width": 3.5, "dash": "solid"},
    "weighted_mean": {"color": "#1f77b4", "width": 2, "dash": "dash"},
    "starting_median": {"color": "#2ca02c", "width": 2, "dash": "dot"},
    "strongest_actor": {"color": "#d62728", "width": 2, "dash": "dashdot"},
    "status_quo": {"color": "#7f7f7f", "width": 2, "dash": "longdash"},
    "midpoint": {"color": "#9467bd", "width": 2, "dash": "dot"},
    "constant_50": {"color": "#8c564b", "width": 2, "dash": "longdashdot"},
}
SOURCE = ("parley backtest (python -m parley backtest) over the historical cases in data/historical: positions in "
          "force at each horizon against each case's outcome.csv")



# The DEU III methods that the war-case backtest scores under its own name.
BACKTEST_NAME = {"weighted_mean": "weighted_mean", "weighted_median": "starting_median", "midpoint": "midpoint",
                 "constant_50": "constant_50", "status_quo": "status_quo"}
COMPARED = ("model", "constant_50")  # shown beside the headline method, on the same forecasts


def _ci(ci) -> str:
    return "not computable from fewer than two cases" if not ci else f"{ci[0]:.1f} to {ci[1]:.1f}"


def headline_record() -> dict | None:
    """The headline method and its DEU III development record (parley.analysis.methods), if stored."""
    try:
        return methods.record()
    except (OSError, ValueError):
        return None


def summary_html(record: dict | None, headline: dict | None = None) -> str:
    """The track-record sentence: the headline method's error with its 95% interval on the war cases and on DEU III.

    `headline`: the stored DEU III record (default: headline_record()); its method is the one the briefing leads
    with, chosen on DEU III before any war-case score. The numbers are the backtest's pooled distinct forecasts.
    """
    headline = headline_record() if headline is None else headline
    cases = [c["name"] for c in record["cases"]] if record else []
    method = (headline or {}).get("headline", {}).get("method", backtest.REFERENCE)
    name = BACKTEST_NAME.get(method, backtest.REFERENCE)
    summary = record["summary"] if record else {}
    chosen = None
    if summary.get(name, {}).get("n"):
        s = summary[name]
        chosen = {"label": backtest.METHOD_NAMES[name], "mae": f"{s['mae']:.1f}", "ci": _ci(s.get("ci95")),
                  "n": s["n"]}
    others = [{"label": backtest.METHOD_NAMES[m], "mae": f"{summary[m]['mae']:.1f}", "ci": _ci(summary[m].get("ci95"))}
              for m in COMPARED if m != name and summary.get(m, {}).get("n")]
    deu = None
    if headline and headline.get("headline", {}).get("mae") is not None:
        h = headline["headline"]
        deu = {"n": h["n"], "mae": f"{h['mae']:.1f}", "ci": _ci(h["ci95"]) if h.get("ci95") else None,
               "rule": headline.get("rule", "docs/forecasting.md")}
    no_deal = record["deal"]["no_deal"] if record and "deal" in record else 0
    horizons = ", ".join(str(h) for h in record["horizons"]) if record else ""
    return markup.render("track_record.html.j2", cases=cases, chosen=chosen, others=others, headline=deu,
                                  no_deal=no_deal, horizons=horizons)


def chart(record: dict | None, source: str = SOURCE):
    """Mean absolute error by months before the outcome, the model against each baseline (pooled over cases)."""
    fig = go.Figure(_validate=False)
    cases = len(record["cases"]) if record else 0
    if not cases:
        fig.add_annotation(text="no historical cases with a known outcome", showarrow=False, xref="paper",
                           yref="paper", x=0.5, y=0.5, font={"color": "#666"})
    else:
        for rank, method in sorted(enumerate(backtest.METHODS), key=lambda t: t[1] == "model"):  # model drawn on top
            points = [(h["months"], h["summary"][method]) for h in record["summary_by_horizon"]
                      if h["summary"][method]["n"]]
            if not points:
                continue
            name = esc(backtest.METHOD_NAMES[method])
            style = METHOD_STYLE[method]
            fig.add_trace(go.Scatter(
                x=[m for m, _ in points], y=[s["mae"] for _, s in points], mode="lines+markers", name=name,
                legendrank=1000 + rank,
                line={"color": style["color"], "width": style["width"], "dash": style["dash"]},
                marker={"size": 9 if method == "model" else 7},
                hovertext=[Markup("%s, %s") % (charts.bold(Markup(name)), f"{m} months before: mean error {s['mae']:.1f} points over "
                                                             f"{s['n']} forecasts, {s['within10'] * 100:.0f}% within "
                                                             f"{record['within']:g}") for m, s in points],
                hoverinfo="text",
            ))
        horizons = record["horizons"]
        fig.update_xaxes(tickvals=horizons, ticktext=[f"{h}" for h in horizons], autorange="reversed")
    fig.update_xaxes(title={"text": "months before the outcome"})
    fig.update_yaxes(title={"text": "mean absolute error (points, 0-100 scale)"}, rangemode="tozero")
    charts.apply_layout(fig, f"Track record: forecast error by horizon, model against simple baselines "
                        f"({cases} past negotiation{'s' if cases != 1 else ''})", source, 440)
    return fig
