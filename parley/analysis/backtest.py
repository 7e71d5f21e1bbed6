"""Track record: how the forecast would have done on negotiations whose outcome is known.

Load cases -> score -> print or cache. A case is a conflict folder with an ``outcome.csv``. For every
issue with an outcome and every horizon (months before the outcome's date), the model is asked what
it forecasts from the data in force on that day only (:func:`model_at`, the one call into the model),
and so are four simple baselines on the same inputs:

* ``weighted_mean``: the capability x salience weighted mean of positions (the "compromise model"
  that procedural models failed to beat in Thomson, Stokman, Achen & Koenig 2006);
* ``starting_median``: the weighted median before any bargaining round (round 0);
* ``strongest_actor``: the position of the actor with the largest capability x salience;
* ``status_quo``: where the issue stands if no deal is made, when issues.csv defines it.

A horizon at which no actor with a capability figure holds a position yet is reported as missing,
with its reason, and left out of every count; it is never scored as zero error. Every baseline is
scored on the points the model is scored on, so the methods are compared on the same forecasts
(the status quo on those of them whose issue defines one).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from parley import __version__
from parley.analysis import bargaining
from parley.analysis.forecast import forecast
from parley.data.load import Conflict, load_conflict
from parley.data.meta import conflict_files, historical_cases
from parley.digest import package_digest
from parley.errors import UsageError

HORIZONS = (12, 6, 1)
WITHIN = 10.0  # points on the 0-100 scale: an error up to this counts as "within 10 points"
METHODS = ("model", "weighted_mean", "starting_median", "strongest_actor", "status_quo")
BASELINES = METHODS[1:]
METHOD_NAMES = {
    "model": "model (bargaining forecast)", "weighted_mean": "weighted mean",
    "starting_median": "weighted median, round 0", "strongest_actor": "strongest actor's position",
    "status_quo": "status quo",
}
DIGITS = 2
NO_POSITION = "no actor with a capability figure holds a position on the issue on this day"
NO_WEIGHT = "no actor carries weight on the issue on this day (capability x salience is 0 for all)"


# --- the model, asked once per case and day -------------------------------------------------------

def model_at(conflict: Conflict, day: pd.Timestamp) -> tuple[dict, pd.DataFrame]:
    """What the model says from the data in force on `day` only: forecast per issue, and its inputs.

    The backtest's only call into parley.analysis.bargaining, so that changes to the model (or its inputs)
    flow into the track record unchanged. No Monte Carlo draws: the track record scores the point forecast.
    """
    return forecast(conflict, day, draws=0)["issues"], bargaining.inputs_at(conflict, day)


def strongest_position(frame: pd.DataFrame) -> float | None:
    """Position of the actor with the largest capability x salience (ties: the first actor id); None without weight."""
    weighted = frame.assign(weight=frame["capability"] * frame["salience"])
    weighted = weighted[weighted["weight"] > 0]
    if weighted.empty:
        return None
    return float(weighted.sort_values(["weight", "actor_id"], ascending=[False, True]).iloc[0]["position"])


def horizon_day(outcome_date, months: int) -> pd.Timestamp:
    """The forecast day: `months` calendar months before the outcome's date."""
    return pd.Timestamp(outcome_date) - pd.DateOffset(months=months)


def _round(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), DIGITS)


def _error(forecast, outcome: float) -> float | None:
    return None if forecast is None else round(abs(forecast - outcome), DIGITS)


def score_point(months: int, day: pd.Timestamp, outcome: float, status_quo, issue: dict | None,
                frame: pd.DataFrame) -> dict:
    """One horizon of one issue: the model's forecast and each baseline's, with their errors (or why missing)."""
    forecast = None if issue is None else _round(issue["scenarios"]["bdm"]["forecast"])  # the expected-utility model
    reason = None
    if frame.empty:
        reason = NO_POSITION
    elif forecast is None:
        reason = NO_WEIGHT
    issue = issue or {}
    guesses = {
        "weighted_mean": issue.get("weighted_mean"),
        "starting_median": issue.get("weighted_median"),
        "strongest_actor": strongest_position(frame),
        "status_quo": status_quo,
    }
    if reason is not None:
        forecast, guesses = None, dict.fromkeys(guesses)
    return {
        "months": months, "date": f"{day:%Y-%m-%d}", "forecast": forecast, "outcome": _round(outcome),
        "error": _error(forecast, outcome), "reason": reason,
        "baselines": {m: {"forecast": _round(g), "error": _error(_round(g), outcome)} for m, g in guesses.items()},
    }


# --- scoring ------------------------------------------------------------------------------------

def error_of(point: dict, method: str) -> float | None:
    return point["error"] if method == "model" else point["baselines"][method]["error"]


def summarize(points: list[dict]) -> dict[str, dict]:
    """Per method: mean absolute error, share of errors within 10 points, and n, over the points the model scored."""
    scored = [p for p in points if p["forecast"] is not None]
    out = {}
    for method in METHODS:
        errors = [e for e in (error_of(p, method) for p in scored) if e is not None]
        out[method] = {
            "mae": round(sum(errors) / len(errors), DIGITS) if errors else None,
            "within10": round(sum(e <= WITHIN for e in errors) / len(errors), 3) if errors else None,
            "n": len(errors),
        }
    return out


def by_horizon(points: list[dict], horizons) -> list[dict]:
    return [{"months": h, "summary": summarize([p for p in points if p["months"] == h])} for h in horizons]


def _points(cases: list[dict]) -> list[dict]:
    return [point for case in cases for issue in case["issues"] for point in issue["horizons"]]


def score_case(conflict: Conflict, horizons=HORIZONS) -> dict:
    """Every issue with a known outcome at every horizon, with the case's own summaries."""
    issues = conflict.issues.set_index("issue_id")
    asked: dict[pd.Timestamp, tuple[dict, pd.DataFrame]] = {}  # issues settled on one day share the model's runs
    rows = []
    for outcome in conflict.outcome.sort_values(["date", "issue_id"], kind="stable").itertuples():
        status_quo = issues.at[outcome.issue_id, "status_quo"]
        points = []
        for months in horizons:
            day = horizon_day(outcome.date, months)
            if day not in asked:
                asked[day] = model_at(conflict, day)
            result, inputs = asked[day]
            frame = inputs[inputs["issue_id"] == outcome.issue_id]
            points.append(score_point(months, day, outcome.outcome, _round(status_quo), result.get(outcome.issue_id),
                                      frame))
        rows.append({"issue_id": outcome.issue_id, "name": issues.at[outcome.issue_id, "name"],
                     "outcome": _round(outcome.outcome), "date": f"{outcome.date:%Y-%m-%d}",
                     "status_quo": _round(status_quo), "horizons": points})
    case = {"conflict": conflict.meta.id, "name": conflict.meta.name, "issues": rows}
    points = _points([case])
    return case | {"summary": summarize(points), "summary_by_horizon": by_horizon(points, horizons)}


def backtest(conflicts: list[Conflict], horizons=HORIZONS) -> dict:
    """The backtest of every case, pooled: the JSON the CLI prints and the briefing caches."""
    cases = [score_case(c, horizons) for c in conflicts]
    points = _points(cases)
    return {"horizons": list(horizons), "within": WITHIN, "cases": cases,
            "summary": summarize(points), "summary_by_horizon": by_horizon(points, horizons)}


# --- inputs ---------------------------------------------------------------------------------------

def parse_horizons(text: str) -> tuple[int, ...]:
    """'12,6,1' -> (12, 6, 1): whole months, each at least 1, no repeats."""
    parts = [p.strip() for p in str(text).split(",")]
    if not all(p.isdigit() and int(p) >= 1 for p in parts) or len(set(map(int, parts))) != len(parts):
        raise UsageError(f"--horizons {text!r}: give whole months of at least 1, comma-separated, e.g. 12,6,1")
    return tuple(int(p) for p in parts)


def load_cases(folders, warn=None) -> list[Conflict]:
    """Validated cases; a folder without outcome.csv is an error alone, skipped (with `warn`) among several."""
    conflicts, skipped = [], []
    for folder in folders:
        conflict = load_conflict(folder)  # a folder that fails validation always stops the run
        if conflict.outcome is None:
            skipped.append(str(folder))
            continue
        conflicts.append(conflict)
    message = "no outcome.csv, so there is nothing to score (see docs/data-format.md, outcome.csv)"
    if skipped and not conflicts:
        raise UsageError(f"{', '.join(skipped)}: {message}")
    for folder in skipped:
        if warn is not None:
            warn(f"warning: {folder}: skipped: {message}")
    return conflicts


def default_folders(root: Path | None) -> list[Path]:
    """The historical cases shipped with parley, for `backtest` without folders."""
    folders = historical_cases(root)
    if not folders:
        raise UsageError(f"no historical cases (folders with outcome.csv) in {root or 'data/historical'}; give DIR")
    return folders


# --- the briefing's cached track record -------------------------------------------------------------

def cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "parley"


def cases_digest(folders: list[Path], horizons) -> str:
    """Hash of what a track record is computed from: the cases' files, the horizons, parley's version and code."""
    digest = hashlib.sha256(f"{__version__}|{package_digest()}|{list(horizons)}".encode())
    for folder in folders:
        for path in conflict_files(folder):
            digest.update(f"{folder.name}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def track_record(root: Path | None, cache_dir: Path | None = None, horizons=HORIZONS) -> dict | None:
    """The backtest of the historical cases under `root` (None when there are none), cached as JSON by digest.

    A briefing must not pay for the backtest every time: the result is stored in `cache_dir` (default
    ~/.cache/parley) under the inputs' digest and recomputed only when a case, the horizons or the code change.
    """
    folders = historical_cases(root)
    if not folders:
        return None
    digest = cases_digest(folders, horizons)
    cache_dir = Path(cache_dir) if cache_dir is not None else cache_folder()
    path = cache_dir / f"track-record-{hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:12]}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("digest") == digest:
            return stored["record"]
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass  # no cache yet, or an unreadable one: compute
    record = backtest([load_conflict(f) for f in folders], horizons)
    _write_cache(path, {"digest": digest, "record": record})
    return record


def _write_cache(path: Path, data: dict) -> None:
    """Atomic and best-effort: parallel renders may race, and a read-only cache only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8") as f:
            json.dump(data, f)
        os.replace(f.name, path)
    except OSError:
        pass


# --- the table ------------------------------------------------------------------------------------

def _cell(summary: dict) -> str:
    if not summary["n"]:
        return f"{'-':>6} {'-':>6} {0:>3}"
    return f"{summary['mae']:>6.1f} {summary['within10'] * 100:>5.0f}% {summary['n']:>3}"


def _block(title: str, result: dict) -> list[str]:
    """One table: a row per method, a column group per horizon and one for all horizons pooled."""
    groups = [(f"{s['months']} month{'s' if s['months'] != 1 else ''} before", s["summary"])
              for s in result["summary_by_horizon"]] + [("all horizons", result["summary"])]
    lines = [f"{title:<28}" + "".join(f"  {name:<18}" for name, _ in groups),
             f"{'method':<28}" + "".join(f"  {'MAE':>6} {'<=10':>6} {'n':>3}" for _ in groups)]
    for method in METHODS:
        lines.append(f"{METHOD_NAMES[method]:<28}" + "".join(f"  {_cell(s[method])}" for _, s in groups))
    return lines


def _issue_line(issue: dict) -> str:
    said = ", ".join(f"{p['months']}m " + ("-" if p["forecast"] is None else f"{p['forecast']:g}")
                     for p in issue["horizons"])
    return f"  {issue['issue_id']}: outcome {issue['outcome']:g} on {issue['date']}; model forecast {said}"


def format_table(result: dict) -> str:
    """Fixed-width text: the pooled table, then each case's table, its issues and its missing horizons."""
    cases = result["cases"]
    n_issues = sum(len(c["issues"]) for c in cases)
    lines = [f"Backtest of the bargaining forecast: {len(cases)} case{'s' if len(cases) != 1 else ''}, "
             f"{n_issues} issue{'s' if n_issues != 1 else ''} with a known outcome, horizons "
             f"{', '.join(map(str, result['horizons']))} months before each outcome.",
             f"MAE = mean absolute error |forecast - outcome| in points of the issue's 0-100 scale; <=10 = share of "
             f"forecasts within {result['within']:g} points; n = forecasts scored (a horizon with no position in force "
             f"is missing, not scored).", ""]
    lines += _block("All cases", result) + [""]
    for case in cases:
        lines += _block(case["conflict"], case)
        lines += [_issue_line(issue) for issue in case["issues"]]
        lines += [f"  missing: {issue['issue_id']} at {p['months']} months ({p['date']}): {p['reason']}"
                  for issue in case["issues"] for p in issue["horizons"] if p["reason"]]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
