"""The forecast of every issue on a date: the headline method chosen on real outcomes (``methods``, with its
calibrated 80% interval), the expected-utility simulation as a scenario, the weighted mean and median, and how
much the simulation depends on its inputs (``uncertainty``). Orchestration only: the rules live in
``bargaining`` and ``methods``."""
from __future__ import annotations

from parley.analysis import methods, stances, uncertainty
from parley.analysis.bargaining import (
    DEFAULT_READING,
    DEFAULT_ROUNDS,
    DIGITS,
    Reading,
    inputs_at,
    reading_of,
    simulate,
    weighted_mean,
    weighted_median,
)


def _round(value):
    return None if value is None else round(float(value), DIGITS)


def forecast(conflict, day, actors=(), issues=(), *, rounds: int = DEFAULT_ROUNDS,
             reading: str | Reading = DEFAULT_READING, draws: int | None = None, spread: dict | None = None) -> dict:
    """The forecast for every issue (of the selection) from the positions in force at `day`.

    Per issue: `forecast` and `interval` are the headline method's (``methods.record()``: chosen on the
    DEU III development half, docs/forecasting.md) with its calibrated 80% interval, `method` names it;
    `scenarios["bdm"]` is the expected-utility simulation (the median after `rounds` rounds, and after
    each round in `medians`, round 0 first); `sensitivity` is the 10th-90th percentile of that simulation
    over `draws` seeded draws of the inputs (default ``uncertainty.DEFAULT_DRAWS``; 0 for none): how much
    it depends on the inputs, not a confidence interval. Also the weighted mean and median now and the
    actor holding more than half the weight, if any. Issues where no weighed actor has a position get nulls.
    """
    draws = uncertainty.DEFAULT_DRAWS if draws is None else draws
    day = stances.timestamp(day)
    data = inputs_at(conflict, day, actors, issues)
    issue_ids = [i for i in conflict.issues["issue_id"] if not issues or i in issues]
    stored = methods.record()
    result = {"date": f"{day:%Y-%m-%d}", "method": stored["headline"]["method"],
              "headline": {**stored["headline"], "source": stored["source"], "rule": stored["rule"],
                           "bdm_mae": stored["mae"].get("bdm"), "constant_50_mae": stored["mae"].get("constant_50")},
              "reading": reading_of(reading).name, "rounds": rounds, "draws": draws, "issues": {}}
    groups = dict(tuple(data.groupby("issue_id", sort=False)))
    for issue_id in issue_ids:
        frame = groups.get(issue_id, data.iloc[:0])
        sim = simulate(frame, rounds=rounds, reading=reading)
        lead = methods.headline(frame, stored)
        found = uncertainty.assess(frame, issue_id, draws=draws, spread=spread, rounds=rounds, reading=reading)
        shares = uncertainty.weight_shares(frame)
        paths = dict(zip(sim.actor_ids, sim.history.T.tolist()))
        sensitivity = [_round(v) for v in found["sensitivity"]] if found["sensitivity"] else None
        result["issues"][issue_id] = {
            "method": lead["method"],
            "forecast": _round(lead["forecast"]),
            "interval": [_round(v) for v in lead["interval"]] if lead["interval"] else None,
            "weighted_mean": _round(weighted_mean(frame)),
            "weighted_median": _round(weighted_median(frame)),
            "scenarios": {"bdm": {"forecast": _round(sim.forecast), "reading": reading_of(reading).name,
                                  "rounds": rounds, "medians": [_round(m) for m in sim.medians],
                                  "sensitivity": sensitivity}},
            "medians": [_round(m) for m in sim.medians],
            "sensitivity": sensitivity,
            "near_share": _round(found["near_share"]),
            "dominant_actor": found["dominance"]["actor_id"] if found["dominance"] else None,
            "dominance": found["dominance"],
            "biggest_change": found["biggest_change"],
            "actors": {
                row.actor_id: {
                    "position": _round(row.position), "salience": _round(row.salience),
                    "capability": _round(row.capability), "weight_source": row.weight_source,
                    "weight_share": _round(shares.get(row.actor_id, 0.0)),
                    "forecast_path": [_round(p) for p in paths[row.actor_id]],
                }
                for row in frame.itertuples()
            },
        }
    return result


def _number(value, width: int = 8) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.1f}"


def format_table(result: dict) -> str:
    """A fixed-width text table of a forecast() result: one block per issue, one line per actor."""
    lead = result["headline"]
    lines = [f"Forecast from the positions in force on {result['date']} (0-100 scale; weights = influence or "
             f"capability x salience)",
             f"Headline: {result['method']}, chosen on {lead['n']} decided EU issues (DEU III development half; "
             f"MAE {lead['mae']:.1f}, expected-utility model {lead['bdm_mae']:.1f}); 80% interval = forecast +- "
             f"{lead['half_width80']:.1f}, measured coverage {lead['coverage80'] * 100:.0f}%",
             f"Scenario: the expected-utility model ({result['reading']} reading, {result['rounds']} rounds); "
             f"sensitivity = its 10th-90th percentile over {result['draws']} draws of the inputs", ""]
    for issue_id, issue in result["issues"].items():
        interval, bdm, band = issue["interval"], issue["scenarios"]["bdm"], issue["sensitivity"]
        lines.append(f"{issue_id}: forecast {_number(issue['forecast'], 0).strip()} ({issue['method']})"
                     + (f", 80% interval {interval[0]:.1f}-{interval[1]:.1f}" if interval else "")
                     + f"; weighted median {_number(issue['weighted_median'], 0).strip()}")
        lines.append(f"  expected-utility scenario: {_number(bdm['forecast'], 0).strip()}"
                     + (f" (sensitivity to the inputs {band[0]:.1f}-{band[1]:.1f})" if band else ""))
        if issue["medians"]:
            lines.append("  scenario median by round: " + " -> ".join(f"{m:g}" for m in issue["medians"]))
        if issue["dominant_actor"]:
            share = issue["actors"][issue["dominant_actor"]]["weight_share"]
            lines.append(f"  dominant: {issue['dominant_actor']} holds {share * 100:.0f}% of the weight")
        if not issue["actors"]:
            lines += ["  (no actor with a capability figure has a position on this issue)", ""]
            continue
        lines.append(f"  {'actor':<16}{'position':>9}{'salience':>9}{'weight':>8} {'from':<11} path by round")
        for actor_id, a in issue["actors"].items():
            path = " -> ".join(f"{p:g}" for p in a["forecast_path"])
            lines.append(f"  {actor_id:<16}{_number(a['position'], 9)}{_number(a['salience'], 9)}"
                         f"{_number(a['capability'], 8)} {a['weight_source']:<11} {path}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
