"""The forecast of every issue on a date: the model's simulation, the weighted mean and median, and how much the
result depends on its inputs (``uncertainty``). Orchestration only: the rules live in ``bargaining``."""
from __future__ import annotations

from parley.analysis import stances, uncertainty
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

    Per issue: weighted mean and median now, the forecast (median after `rounds` rounds) and the
    median after each round (round 0 first), the 80% interval of a seeded Monte Carlo over the
    inputs (`draws` draws, default ``uncertainty.DEFAULT_DRAWS``; 0 for none) and the actor holding
    more than half the weight, if any. Issues where no weighed actor has a position get nulls.
    """
    draws = uncertainty.DEFAULT_DRAWS if draws is None else draws
    day = stances.timestamp(day)
    data = inputs_at(conflict, day, actors, issues)
    issue_ids = [i for i in conflict.issues["issue_id"] if not issues or i in issues]
    result = {"date": f"{day:%Y-%m-%d}", "reading": reading_of(reading).name, "rounds": rounds, "draws": draws,
              "issues": {}}
    groups = dict(tuple(data.groupby("issue_id", sort=False)))
    for issue_id in issue_ids:
        frame = groups.get(issue_id, data.iloc[:0])
        sim = simulate(frame, rounds=rounds, reading=reading)
        found = uncertainty.assess(frame, issue_id, draws=draws, spread=spread, rounds=rounds, reading=reading)
        shares = uncertainty.weight_shares(frame)
        paths = dict(zip(sim.actor_ids, sim.history.T.tolist()))
        result["issues"][issue_id] = {
            "weighted_mean": _round(weighted_mean(frame)),
            "weighted_median": _round(weighted_median(frame)),
            "forecast": _round(sim.forecast),
            "medians": [_round(m) for m in sim.medians],
            "interval": [_round(v) for v in found["interval"]] if found["interval"] else None,
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
    lines = [f"Forecast from the positions in force on {result['date']} "
             f"(0-100 scale; weights = influence or capability x salience; {result['reading']} reading, "
             f"{result['rounds']} rounds, 80% interval from {result['draws']} draws)", ""]
    for issue_id, issue in result["issues"].items():
        interval = issue["interval"]
        lines.append(f"{issue_id}: weighted mean {_number(issue['weighted_mean'], 0).strip()}, "
                     f"weighted median {_number(issue['weighted_median'], 0).strip()}, "
                     f"forecast {_number(issue['forecast'], 0).strip()}"
                     + (f", 80% interval {interval[0]:.1f}-{interval[1]:.1f}" if interval else ""))
        if issue["medians"]:
            lines.append("  median by round: " + " -> ".join(f"{m:g}" for m in issue["medians"]))
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
