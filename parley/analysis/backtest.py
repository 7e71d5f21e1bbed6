"""Track record: how the forecast would have done on negotiations whose outcome is known.

Load cases -> score -> print or cache. A case is a conflict folder with an ``outcome.csv``. For every
issue with an outcome and every horizon (months before the outcome's date), the model is asked what
it forecasts from the data in force on that day only (:func:`model_at`, the one call into the model),
and so are simple baselines on the same inputs:

* ``weighted_mean``: the capability x salience weighted mean of positions (the "compromise model"
  that procedural models failed to beat in Thomson, Stokman, Achen & Koenig 2006);
* ``starting_median``: the weighted median before any bargaining round (round 0);
* ``strongest_actor``: the position of the actor with the largest capability x salience;
* ``status_quo``: where the issue stands if no deal is made, when issues.csv defines it;
* ``midpoint``: halfway between the two most extreme positions in force;
* ``constant_50``: the middle of the scale, whatever anyone says (a scale built around the deal
  rewards it; docs/codebook.md builds scales from the parties' positions so that it cannot win by
  construction).

The scoring is built so that it cannot be gamed:

* A negotiation that produced no agreement (``deal = false`` in outcome.csv) has no point to miss: it is
  scored in a separate deal / no-deal step (was an agreement forecast, i.e. did a bargaining range
  exist, ``bargaining.bargaining_range``?), never as a point error against the status quo.
* A horizon whose inputs equal the previous (longer) horizon's gives the same forecast again: it is
  marked ``repeat`` and pooled summaries count each distinct forecast once (``n``), saying how many
  repeats they left out (``n_repeats``); each horizon's own summary still scores it.
* The pooled summary carries a 95% interval of each method's MAE from a bootstrap that resamples whole
  cases (the issues of one negotiation are not independent), and ``difference`` gives each method's MAE
  minus the weighted mean's with its interval. Nothing here is tuned on the cases; a choice that ever
  is must be made leave-one-case-out.

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
from parley.analysis import bargaining, methods
from parley.analysis.forecast import forecast
from parley.data.files import read_input
from parley.data.load import Conflict, influence_undated, load_conflict
from parley.data.meta import conflict_files, historical_cases
from parley.digest import package_digest
from parley.errors import UsageError

HORIZONS = (12, 6, 1)
WITHIN = 10.0  # points on the 0-100 scale: an error up to this counts as "within 10 points"
METHODS = ("model", "weighted_mean", "starting_median", "strongest_actor", "status_quo", "midpoint", "constant_50")
BASELINES = METHODS[1:]
REFERENCE = "weighted_mean"  # difference.<method> is its MAE minus this method's
METHOD_NAMES = {
    "model": "expected-utility model", "weighted_mean": "weighted mean",
    "starting_median": "weighted median, round 0", "strongest_actor": "strongest actor's position",
    "status_quo": "status quo", "midpoint": "midpoint of the extremes", "constant_50": "constant 50",
}
DIGITS = 2
DRAWS = 2000   # bootstrap draws (resampling cases)
SEED = 19      # fixed, so a track record is reproducible
NO_POSITION = "no actor with a capability figure holds a position on the issue on this day"
NO_WEIGHT = "no actor carries weight on the issue on this day (capability x salience is 0 for all)"
UNDATED = ("influence.csv has rows without valid_from: every horizon uses influence as coded, possibly later "
           "than the forecast day (look-ahead possible)")


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


def score_point(months: int, day: pd.Timestamp, outcome: float | None, status_quo, issue: dict | None,
                frame: pd.DataFrame) -> dict:
    """One horizon of one issue: the model's forecast and each baseline's, with their errors (or why missing).

    `outcome` None (no agreement) leaves every error empty: the point only enters the deal / no-deal step,
    through `agreement` (whether the inputs leave a bargaining range, i.e. whether a deal is forecast).
    """
    forecast = None if issue is None else _round(issue["scenarios"]["bdm"]["forecast"])  # the expected-utility model
    reason = None
    if frame.empty:
        reason = NO_POSITION
    elif forecast is None:
        reason = NO_WEIGHT
    issue = issue or {}
    case = methods.Case(frame=frame)
    guesses = {
        "weighted_mean": issue.get("weighted_mean"),
        "starting_median": issue.get("weighted_median"),
        "strongest_actor": strongest_position(frame),
        "status_quo": status_quo,
        "midpoint": methods.midpoint(case),
        "constant_50": methods.constant_50(case),
    }
    agreement = None
    if reason is not None:
        forecast, guesses = None, dict.fromkeys(guesses)
    else:
        agreement = bargaining.bargaining_range(frame) is not None
    target = None if outcome is None else _round(outcome)
    return {
        "months": months, "date": f"{day:%Y-%m-%d}", "forecast": forecast, "outcome": target,
        "error": None if target is None else _error(forecast, target), "reason": reason, "repeat": False,
        "agreement": agreement,
        "baselines": {m: {"forecast": _round(g),
                          "error": None if target is None else _error(_round(g), target)} for m, g in guesses.items()},
    }


# --- scoring ------------------------------------------------------------------------------------

def error_of(point: dict, method: str) -> float | None:
    return point["error"] if method == "model" else point["baselines"][method]["error"]


def scored(point: dict) -> bool:
    """A point the model forecast and whose outcome is a point on the scale (a deal was made)."""
    return point["forecast"] is not None and point["outcome"] is not None


def summarize(points: list[dict], distinct: bool = True) -> dict[str, dict]:
    """Per method: mean absolute error, share within 10 points, n and n_repeats, over the points the model scored.

    distinct=True (pooled over horizons): a point marked repeat is left out, so each distinct forecast counts
    once; n_repeats says how many were left out. distinct=False (one horizon): every point counts, n_repeats says
    how many of them repeat the previous horizon's forecast.
    """
    points = [p for p in points if scored(p)]
    out = {}
    for method in METHODS:
        mine = [p for p in points if error_of(p, method) is not None]
        repeats = sum(p["repeat"] for p in mine)
        errors = [error_of(p, method) for p in mine if not (distinct and p["repeat"])]
        out[method] = {
            "mae": round(sum(errors) / len(errors), DIGITS) if errors else None,
            "within10": round(sum(e <= WITHIN for e in errors) / len(errors), 3) if errors else None,
            "n": len(errors),
            "n_repeats": repeats,
        }
    return out


def by_horizon(points: list[dict], horizons) -> list[dict]:
    return [{"months": h, "summary": summarize([p for p in points if p["months"] == h], distinct=False)}
            for h in horizons]


def _points(cases: list[dict]) -> list[dict]:
    return [point for case in cases for issue in case["issues"] for point in issue["horizons"]]


def _case_errors(cases: list[dict], method: str, other: str | None = None) -> pd.DataFrame:
    """One row per distinct scored point: its case and the method's error (minus `other`'s error, if given)."""
    rows = []
    for number, case in enumerate(cases):  # the cluster is the case's place in the run: two folders, two cases
        for issue in case["issues"]:
            for p in issue["horizons"]:
                if not scored(p) or p["repeat"]:
                    continue
                error = error_of(p, method)
                base = error_of(p, other) if other else 0.0
                if error is not None and base is not None:
                    rows.append((number, error - base))
    return pd.DataFrame(rows, columns=["case", "value"])


def interval(cases: list[dict], method: str, other: str | None = None, draws: int = DRAWS) -> list | None:
    """95% interval of the mean (of the error, or of the error difference to `other`), resampling whole cases.

    methods.proposal_bootstrap resamples clusters with replacement; here a cluster is a case, so a negotiation
    with many issues cannot narrow the interval as if its issues were independent. None with fewer than two cases.
    """
    frame = _case_errors(cases, method, other)
    if frame.empty or frame["case"].nunique() < 2:
        return None
    low, high = methods.proposal_bootstrap(frame["value"], frame["case"], draws=draws, seed=SEED)
    return [round(low, DIGITS), round(high, DIGITS)]


def differences(cases: list[dict], summary: dict, draws: int = DRAWS) -> dict:
    """Per method: MAE minus the weighted mean's on the same distinct points, with its case-bootstrap interval."""
    out = {}
    for method in METHODS:
        frame = _case_errors(cases, method, REFERENCE)
        out[method] = {"mae": round(float(frame["value"].mean()), DIGITS) if len(frame) else None,
                       "ci95": interval(cases, method, REFERENCE, draws), "n": int(len(frame))}
    return out


def deal_step(cases: list[dict], horizons) -> dict:
    """Was an agreement forecast? Per horizon, forecast (bargaining range open or not) against whether one came.

    Every issue the model forecast at that horizon counts once, beside the base rate "always a deal" (the
    share of those issues that ended in one).
    """
    issues = [i for c in cases for i in c["issues"]]
    rows = []
    for months in horizons:
        points = [(i["deal"], p) for i in issues for p in i["horizons"]
                  if p["months"] == months and p["agreement"] is not None]
        counts = {kind: {"forecast_deal": sum(1 for d, p in points if d == deal and p["agreement"]),
                         "forecast_no_deal": sum(1 for d, p in points if d == deal and not p["agreement"])}
                  for kind, deal in (("deal", True), ("no_deal", False))}
        n = len(points)
        right = counts["deal"]["forecast_deal"] + counts["no_deal"]["forecast_no_deal"]
        rows.append({"months": months, "n": n, "counts": counts,
                     "accuracy": round(right / n, 3) if n else None,
                     "always_deal": round(sum(d for d, _ in points) / n, 3) if n else None})
    return {"issues": len(issues), "no_deal": sum(not i["deal"] for i in issues), "by_horizon": rows}


def score_case(conflict: Conflict, horizons=HORIZONS) -> dict:
    """Every issue with a known outcome at every horizon, with the case's own summaries."""
    issues = conflict.issues.set_index("issue_id")
    asked: dict[pd.Timestamp, tuple[dict, pd.DataFrame]] = {}  # issues settled on one day share the model's runs
    rows = []
    for outcome in conflict.outcome.sort_values(["date", "issue_id"], kind="stable").itertuples():
        status_quo = issues.at[outcome.issue_id, "status_quo"] if "status_quo" in issues else None
        deal = bool(getattr(outcome, "deal", True))
        target = outcome.outcome if deal else None
        points, previous = [], None
        for months in sorted(horizons, reverse=True):  # longest first: a repeat is judged against the longer one
            day = horizon_day(outcome.date, months)
            if day not in asked:
                asked[day] = model_at(conflict, day)
            result, inputs = asked[day]
            frame = inputs[inputs["issue_id"] == outcome.issue_id].reset_index(drop=True)
            point = score_point(months, day, target, _round(status_quo), result.get(outcome.issue_id), frame)
            point["repeat"] = point["reason"] is None and previous is not None and frame.equals(previous)
            previous = frame if point["reason"] is None else None
            points.append(point)
        points.sort(key=lambda p: list(horizons).index(p["months"]))
        implemented = getattr(outcome, "implemented", None)
        rows.append({"issue_id": outcome.issue_id, "name": issues.at[outcome.issue_id, "name"],
                     "outcome": None if target is None else _round(target), "deal": deal,
                     "implemented": None if implemented is None or pd.isna(implemented) else _round(implemented),
                     "date": f"{outcome.date:%Y-%m-%d}", "status_quo": _round(status_quo), "horizons": points})
    influence = getattr(conflict, "influence", None)
    dated = "none" if influence is None or influence.empty else ("undated" if influence_undated(influence)
                                                                  else "dated")
    case = {"conflict": conflict.meta.id, "name": conflict.meta.name, "influence": dated, "issues": rows}
    points = _points([case])
    return case | {"summary": summarize(points), "summary_by_horizon": by_horizon(points, horizons)}


def backtest(conflicts: list[Conflict], horizons=HORIZONS, draws: int = DRAWS) -> dict:
    """The backtest of every case, pooled: the JSON the CLI prints and the briefing caches."""
    cases = [score_case(c, horizons) for c in conflicts]
    points = _points(cases)
    summary = summarize(points)
    for method in METHODS:
        summary[method]["ci95"] = interval(cases, method, draws=draws)
    return {"horizons": list(horizons), "within": WITHIN, "cases": cases, "summary": summary,
            "difference": differences(cases, summary, draws), "deal": deal_step(cases, horizons),
            "summary_by_horizon": by_horizon(points, horizons)}


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
        if influence_undated(getattr(conflict, "influence", None)) and warn is not None:
            warn(f"warning: {folder}: {UNDATED}")
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
            digest.update(read_input(path))
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


def _ci(ci) -> str:
    return "-" if not ci else f"{ci[0]:.1f} to {ci[1]:.1f}"


def _months(months: int) -> str:
    return f"{months} month{'s' if months != 1 else ''} before"


def _block(title: str, result: dict) -> list[str]:
    """One table: a row per method, a column group per horizon and one for all horizons pooled (distinct)."""
    groups = [(_months(s["months"]), s["summary"]) for s in result["summary_by_horizon"]] \
        + [("all, distinct", result["summary"])]
    pooled = "ci95" in next(iter(result["summary"].values()))
    lines = [f"{title:<28}" + "".join(f"  {name:<18}" for name, _ in groups) + ("  95% interval" if pooled else ""),
             f"{'method':<28}" + "".join(f"  {'MAE':>6} {'<=10':>6} {'n':>3}" for _ in groups)
             + ("  of the MAE" if pooled else "")]
    for method in METHODS:
        row = f"{METHOD_NAMES[method]:<28}" + "".join(f"  {_cell(s[method])}" for _, s in groups)
        if pooled:
            row += f"  {_ci(result['summary'][method]['ci95'])}"
        lines.append(row)
    return lines


def _difference_block(result: dict) -> list[str]:
    lines = ["MAE minus the weighted mean's, on the same distinct forecasts (95% interval, cases resampled):"]
    for method in METHODS:
        d = result["difference"][method]
        if method == REFERENCE or d["mae"] is None:
            continue
        lines.append(f"  {METHOD_NAMES[method]:<28}{d['mae']:>+7.1f}  ({_ci(d['ci95'])}; n {d['n']})")
    return lines


def _deal_block(deal: dict) -> list[str]:
    """The deal / no-deal step: per horizon, forecast agreement (bargaining range open) against what happened."""
    lines = [f"Deal / no deal: was an agreement forecast (a bargaining range open)? {deal['issues']} issues, "
             f"{deal['no_deal']} without agreement.",
             f"{'':<20}{'deal came':>22}{'no deal':>22}{'':>4}{'right':>7}{'always-deal':>13}",
             f"{'horizon':<20}{'forecast deal / none':>22}{'forecast deal / none':>22}{'n':>4}{'':>7}{'right':>13}"]
    for row in deal["by_horizon"]:
        c = row["counts"]
        right = "-" if row["accuracy"] is None else f"{row['accuracy'] * 100:.0f}%"
        base = "-" if row["always_deal"] is None else f"{row['always_deal'] * 100:.0f}%"
        lines.append(f"{_months(row['months']):<20}"
                     f"{c['deal']['forecast_deal']:>14} / {c['deal']['forecast_no_deal']:<5}"
                     f"{c['no_deal']['forecast_deal']:>14} / {c['no_deal']['forecast_no_deal']:<5}"
                     f"{row['n']:>4}{right:>7}{base:>13}")
    return lines


def _issue_line(issue: dict) -> str:
    said = ", ".join(f"{p['months']}m " + ("-" if p["forecast"] is None else f"{p['forecast']:g}")
                     + (" (repeat)" if p["repeat"] else "") for p in issue["horizons"])
    settled = (f"outcome {issue['outcome']:g}" if issue["deal"] else "no agreement (deal / no-deal step only)")
    if issue.get("implemented") is not None:
        settled += f" (implemented {issue['implemented']:g})"
    return f"  {issue['issue_id']}: {settled} on {issue['date']}; model forecast {said}"


def format_table(result: dict) -> str:
    """Fixed-width text: the pooled table with intervals, the differences, the deal / no-deal table, then each case."""
    cases = result["cases"]
    n_issues = sum(len(c["issues"]) for c in cases)
    lines = [f"Backtest of the bargaining forecast: {len(cases)} case{'s' if len(cases) != 1 else ''}, "
             f"{n_issues} issue{'s' if n_issues != 1 else ''} with a known outcome, horizons "
             f"{', '.join(map(str, result['horizons']))} months before each outcome.",
             f"MAE = mean absolute error |forecast - outcome| in points of the issue's 0-100 scale; <=10 = share of "
             f"forecasts within {result['within']:g} points; n = forecasts scored (a horizon with no position in force "
             f"is missing, not scored). 'all, distinct' counts each distinct forecast once: a horizon whose inputs "
             f"equal the previous horizon's is a repeat, scored at its horizon but not again in the pool "
             f"({result['summary']['model']['n_repeats']} repeats left out of the model's n). The 95% interval "
             f"resamples whole cases ({DRAWS} draws): the range the MAE would likely take on another draw of "
             f"negotiations like these. Negotiations without agreement are scored only in the deal / no-deal table.",
             ""]
    lines += _block("All cases", result) + [""] + _difference_block(result) + [""]
    lines += _deal_block(result["deal"]) + [""]
    for case in cases:
        lines += _block(case["conflict"], case)
        if case.get("influence") == "undated":
            lines.append(f"  note: {UNDATED}")
        lines += [_issue_line(issue) for issue in case["issues"]]
        lines += [f"  missing: {issue['issue_id']} at {p['months']} months ({p['date']}): {p['reason']}"
                  for issue in case["issues"] for p in issue["horizons"] if p["reason"]]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
