"""The forecast's track record in the briefing: one or two sentences and a chart of error by horizon.

The numbers come from :func:`parley.analysis.backtest.track_record` (the backtest over the historical cases,
cached by the inputs' digest); this module only words and draws them. Every piece of data text that
reaches HTML or a chart label goes through :func:`parley.report.charts.esc`.
"""

from __future__ import annotations

import plotly.graph_objects as go

from parley.analysis import backtest
from parley.report import charts
from parley.report.charts import esc

HEADLINE_MONTHS = 6
METHOD_STYLE = {
    "model": {"color": "#111111", "width": 3.5, "dash": "solid"},
    "weighted_mean": {"color": "#1f77b4", "width": 2, "dash": "dash"},
    "starting_median": {"color": "#2ca02c", "width": 2, "dash": "dot"},
    "strongest_actor": {"color": "#d62728", "width": 2, "dash": "dashdot"},
    "status_quo": {"color": "#7f7f7f", "width": 2, "dash": "longdash"},
}
SOURCE = ("parley backtest (python -m parley backtest) over the historical cases in data/historical: positions in "
          "force at each horizon against each case's outcome.csv")


def at_horizon(record: dict, months: int) -> dict | None:
    """The pooled summary (method -> mae, within10, n) at `months` before the outcomes, if that horizon was run."""
    return next((h["summary"] for h in record["summary_by_horizon"] if h["months"] == months), None)


def best_baseline(summary: dict) -> str | None:
    """The baseline with the lowest error on the same forecasts as the model (equal n), if any."""
    n = summary["model"]["n"]
    same = [m for m in backtest.BASELINES if summary[m]["n"] == n and summary[m]["mae"] is not None]
    return min(same, key=lambda m: (summary[m]["mae"], backtest.BASELINES.index(m))) if n and same else None


def _verdict(model: float, baseline: float) -> str:
    if model < baseline:
        return "better than"
    return "worse than" if model > baseline else "as good as"


def summary_html(record: dict | None, months: int = HEADLINE_MONTHS) -> str:
    """One or two sentences: N cases, the model's error at `months` against the best baseline's, as measured."""
    head = "<h3>Track record on past negotiations</h3>"
    if record is None or not record["cases"]:
        return (head + "<p>No historical negotiations with a known outcome are stored (data/historical/), so the "
                       "forecast has no track record yet.</p>")
    cases = record["cases"]
    names = "; ".join(esc(c["name"]) for c in cases)
    summary = at_horizon(record, months)
    intro = f"Backtested on {len(cases)} past negotiation{'s' if len(cases) != 1 else ''} with a known outcome"
    if summary is None or not summary["model"]["n"]:
        return head + f"<p>{intro}, but no case has a position in force {months} months before its outcome.</p>"
    model = summary["model"]
    text = (f"{intro}: {months} months before each outcome, the expected-utility model's forecast missed by "
            f"{model['mae']:.1f} points on average on the 0-100 scale ({model['n']} issue forecasts; "
            f"{model['within10'] * 100:.0f}% within {record['within']:g} points)")
    best = best_baseline(summary)
    if best is not None:
        other = summary[best]
        text += (f", {_verdict(model['mae'], other['mae'])} the best simple baseline, the "
                 f"{esc(backtest.METHOD_NAMES[best])} ({other['mae']:.1f} points; "
                 f"{other['within10'] * 100:.0f}% within {record['within']:g})")
    return (head + f"<p>{text}. Weigh the scenario above accordingly; the chart below shows the error at every "
                   f"horizon, and <code>python -m parley backtest</code> prints it per case.</p>"
            + f"<p class='parley-note'>Cases: {names}.</p>")


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
                hovertext=[f"<b>{name}</b>, {m} months before: mean error {s['mae']:.1f} points over {s['n']} "
                           f"forecasts, {s['within10'] * 100:.0f}% within {record['within']:g}" for m, s in points],
                hoverinfo="text",
            ))
        horizons = record["horizons"]
        fig.update_xaxes(tickvals=horizons, ticktext=[f"{h}" for h in horizons], autorange="reversed")
    fig.update_xaxes(title={"text": "months before the outcome"})
    fig.update_yaxes(title={"text": "mean absolute error (points, 0-100 scale)"}, rangemode="tozero")
    charts.apply_layout(fig, f"Track record: forecast error by horizon, model against simple baselines "
                        f"({cases} past negotiation{'s' if cases != 1 else ''})", source, 440)
    return fig
