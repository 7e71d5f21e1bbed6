"""Forecasting methods scored on real outcomes: every method, its errors, its calibrated interval, its rivals.

Each method maps one issue's inputs (a frame of ``actor_id, position, salience, capability`` plus the
reference point and the veto holders, where known) to a forecast on the issue's 0-100 scale. ``score``
runs every method on a DEU table (``parley.analysis.deu``) and measures it the way a reviewing
forecaster would: mean absolute error, share within 10 points, the coverage and width of an 80% interval
calibrated out of sample (split-conformal, leave one proposal out), and the difference to the weighted
mean with a 95% interval from a bootstrap that resamples proposals (the issues of one proposal are not
independent). Methods never see the outcome: ``forecasts`` strips it before any method runs.

``docs/forecasting.md`` gives the methods, the development table and the rule that chose the headline.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from parley.analysis import bargaining, deu

LEVEL = 0.8            # the interval's target coverage
NEAR = 10.0            # points: "within 10"
BOOTSTRAP_DRAWS = 2000
BOOTSTRAP_SEED = 2021
BASELINE = "weighted_mean"
NASH_STEP = 0.25       # grid step (points) of the Nash bargaining search
# The grid of institution shares (Council = 1) that weighted_mean_cv tunes, proposal by proposal.
CV_COMMISSION = (0.0, 0.25, 0.5, 1.0, 2.0)
CV_PARLIAMENT_COD = (0.0, 0.5, 1.0, 2.0)
CV_PARLIAMENT_CNS = (0.0, 0.25, 0.5)
RECORD = Path(__file__).resolve().parent / "headline.json"   # written by benchmarks/bench_deu.py --write
SOURCE = ("DEU III development half (Arregui & Perarnaud 2021; data/reference/deu3/deu3-dev.tsv): "
          "EU legislative issues with known outcomes")


@dataclass(frozen=True)
class Case:
    """What a method may read about one issue: the actors' inputs, the reference point, the veto holders."""

    frame: pd.DataFrame             # actor_id, position, salience, capability
    rp: float | None = None         # reference point (status quo), where known
    veto: tuple[str, ...] = ()      # actors whose consent the outcome needs


# --- the methods --------------------------------------------------------------------------------

def weighted_mean(case: Case) -> float | None:
    """The compromise model: capability x salience weighted mean of the positions."""
    return bargaining.weighted_mean(case.frame)


def weighted_mean_salience(case: Case) -> float | None:
    """The weighted mean with every actor's capability set to 1: salience alone weighs."""
    return bargaining.weighted_mean(case.frame.assign(capability=1.0))


def weighted_median(case: Case) -> float | None:
    """The position at which half the capability x salience weight lies either side."""
    return bargaining.weighted_median(case.frame)


def ensemble(case: Case) -> float | None:
    """The average of the weighted mean and the weighted median (both defined, else None)."""
    mean, median = weighted_mean(case), weighted_median(case)
    return None if mean is None or median is None else (mean + median) / 2


def bdm(case: Case) -> float | None:
    """The expected-utility model (replicating reading, 5 rounds): the weighted median after the last round."""
    return bargaining.simulate(case.frame, reading="replicating").forecast


def bdm_printed(case: Case) -> float | None:
    """The expected-utility model as its equations are printed (issue 10's second reading)."""
    return bargaining.simulate(case.frame, reading="printed").forecast


def constant_50(case: Case) -> float | None:
    """The middle of the scale, whatever the actors say: the yardstick every method must beat."""
    return 50.0


def midpoint(case: Case) -> float | None:
    """Halfway between the two most extreme positions stated."""
    if case.frame.empty:
        return None
    positions = case.frame["position"].to_numpy(float)
    return float(positions.min() + positions.max()) / 2


def status_quo(case: Case) -> float | None:
    """Nothing changes: the reference point."""
    return case.rp


def nash(case: Case) -> float | None:
    """The weighted Nash bargaining solution with the reference point as the disagreement point.

    Utilities are quadratic losses u_i(x) = -(x - x_i)^2; the solution maximizes the sum of
    w_i log(u_i(x) - u_i(d)) (w = capability x salience) over the outcomes every weighed actor prefers
    to d. Where no outcome is better than d for all of them, d stands. Without a reference point each
    actor's disagreement is the end of the scale farthest from it (the worst it can get).
    """
    frame = case.frame
    weight = frame["capability"].to_numpy(float) * frame["salience"].to_numpy(float)
    on = weight > 0
    if not on.any():
        return None
    x, w = frame["position"].to_numpy(float)[on], weight[on]
    grid = np.arange(0.0, 100.0 + NASH_STEP / 2, NASH_STEP)
    if case.rp is None:
        worst = -np.maximum(x, 100 - x) ** 2
    else:
        worst = -(case.rp - x) ** 2
    gains = -(grid[:, None] - x[None, :]) ** 2 - worst[None, :]
    feasible = (gains > 0).all(axis=1)
    if not feasible.any():
        return case.rp
    score = np.where(feasible, (w[None, :] * np.log(np.where(gains > 0, gains, 1.0))).sum(axis=1), -np.inf)
    return float(grid[int(np.argmax(score))])


def veto(case: Case) -> float | None:
    """A procedural variant: the weighted mean, moved into what every veto holder prefers to the reference point.

    A veto holder at x_v accepts any outcome no farther from x_v than the reference point is (linear or
    quadratic loss alike); the forecast is the weighted mean clipped to the intersection of those
    intervals, which always holds the reference point. Without veto holders or a reference point it is
    the weighted mean.
    """
    mean = weighted_mean(case)
    if mean is None or case.rp is None or not case.veto:
        return mean
    frame = case.frame[case.frame["actor_id"].isin(case.veto)]
    if frame.empty:
        return mean
    x = frame["position"].to_numpy(float)
    reach = np.abs(case.rp - x)
    low, high = float((x - reach).max()), float((x + reach).min())
    return float(min(max(mean, low), high))


@dataclass(frozen=True)
class Method:
    """A named forecasting method with what it needs and whether a briefing may lead with it."""

    name: str
    forecast: Callable[[Case], float | None]
    label: str
    needs_rp: bool = False
    candidate: bool = True   # computable from a conflict folder's own inputs (docs/forecasting.md, rule 1)


METHODS = {m.name: m for m in (
    Method("weighted_mean", weighted_mean, "weighted mean (compromise model)"),
    Method("weighted_mean_salience", weighted_mean_salience, "weighted mean, salience only"),
    Method("weighted_median", weighted_median, "weighted median"),
    Method("ensemble", ensemble, "mean of weighted mean and median"),
    Method("bdm", bdm, "expected-utility model (replicating)"),
    Method("bdm_printed", bdm_printed, "expected-utility model (printed)"),
    Method("nash", nash, "Nash bargaining solution", needs_rp=True, candidate=False),
    Method("veto", veto, "weighted mean within the veto holders' consent", needs_rp=True, candidate=False),
    Method("status_quo", status_quo, "status quo (reference point)", needs_rp=True, candidate=False),
    Method("midpoint", midpoint, "midpoint of the extreme positions", candidate=False),
    Method("constant_50", constant_50, "constant 50", candidate=False),
)}
CV_METHOD = "weighted_mean_cv"   # the weighted mean with institution shares tuned leave-one-proposal-out


def case_of(issue: deu.Issue, weights: str = "council") -> Case:
    """The inputs a method may read about a DEU issue: never its outcome.

    Veto holders: under unanimity every member state stating a position.
    """
    frame = issue.frame(weights)
    holders = tuple(a for a in frame["actor_id"] if a in deu.MEMBER_STATES) if issue.unanimity else ()
    return Case(frame=frame, rp=issue.rp, veto=holders)


def blind(issue: deu.Issue) -> deu.Issue:
    """The issue without its outcome: what every method is handed."""
    return dataclasses.replace(issue, out=None)


def forecasts(table: deu.Table, names=None) -> pd.DataFrame:
    """Every method's forecast of every issue of `table` (rows: issue_id; NaN where a method has none).

    `names`: the methods to run (default all, weighted_mean_cv included). Each issue is stripped of its
    outcome before any method sees it; weighted_mean_cv tunes its shares on the *other* proposals'
    outcomes only (``cross_validated``).
    """
    names = [*METHODS, CV_METHOD] if names is None else list(names)
    unknown = [n for n in names if n not in METHODS and n != CV_METHOD]
    if unknown:
        raise ValueError(f"unknown method(s): {', '.join(unknown)}")
    rows = {}
    plain = [n for n in names if n in METHODS]
    for issue in table.issues:
        case = case_of(blind(issue))
        rows[issue.issue_id] = {n: _value(METHODS[n].forecast(case)) for n in plain}
    result = pd.DataFrame.from_dict(rows, orient="index", columns=plain, dtype=float)
    if CV_METHOD in names:
        result[CV_METHOD] = cross_validated(table)
    return result[names]


def _value(value) -> float:
    return math.nan if value is None else float(value)


# --- tuning: leave one proposal out --------------------------------------------------------------

def _shares_grid():
    return [(c, e, n) for c in CV_COMMISSION for e in CV_PARLIAMENT_COD for n in CV_PARLIAMENT_CNS]


def _mean_with(issue: deu.Issue, commission: float, parliament: dict) -> float:
    frame = issue.frame("council")
    frame.loc[frame["actor_id"] == "com", "capability"] = commission
    frame.loc[frame["actor_id"] == "ep", "capability"] = parliament.get(issue.procedure, 0.0)
    return _value(bargaining.weighted_mean(frame))


def cross_validated(table: deu.Table) -> pd.Series:
    """weighted_mean_cv: each proposal forecast with the institution shares that score best on the others.

    The Commission's and the Parliament's capabilities (per procedure; Council = 1) are chosen from a
    small grid by the mean absolute error on every *other* proposal's scored issues, so no issue is
    forecast with shares its own outcome helped choose.
    """
    grid = _shares_grid()
    ids = [i.issue_id for i in table.issues]
    values = np.array([[_mean_with(i, c, {"COD": e, "CNS": n}) for (c, e, n) in grid] for i in table.issues])
    outcome = np.array([math.nan if i.out is None else i.out for i in table.issues])
    proposal = np.array([i.proposal for i in table.issues])
    error = np.abs(values - outcome[:, None])
    result = np.full(len(ids), math.nan)
    for p in dict.fromkeys(proposal):
        mine = proposal == p
        train = ~mine & ~np.isnan(outcome)
        mae = np.nanmean(np.where(np.isnan(error[train]), np.nan, error[train]), axis=0)
        best = int(np.nanargmin(mae))
        result[mine] = values[mine, best]
    return pd.Series(result, index=ids, dtype=float)


def tuned_shares(table: deu.Table) -> tuple[float, float, float]:
    """The grid's institution shares (Commission, Parliament under COD, under CNS) best on the whole table."""
    grid = _shares_grid()
    scored = table.scored
    errors = [np.nanmean([abs(_mean_with(i, c, {"COD": e, "CNS": n}) - i.out) for i in scored]) for (c, e, n) in grid]
    return grid[int(np.nanargmin(errors))]


# --- scoring ------------------------------------------------------------------------------------

def conformal_quantile(errors, level: float = LEVEL) -> float | None:
    """Split-conformal half-width: the ceil(level (n + 1))-th smallest absolute error (None if too few)."""
    errors = np.sort(np.asarray([e for e in errors if not math.isnan(e)], dtype=float))
    k = math.ceil(level * (len(errors) + 1))
    if len(errors) == 0 or k > len(errors):
        return None
    return float(errors[k - 1])


def interval(forecast: float, half_width: float) -> tuple[float, float]:
    """forecast +- half_width, clipped to the 0-100 scale."""
    return max(0.0, forecast - half_width), min(100.0, forecast + half_width)


def out_of_sample_intervals(values: pd.Series, outcome: pd.Series, proposal: pd.Series):
    """Each scored issue's 80% interval from the errors on the other proposals: DataFrame low, high."""
    error = (values - outcome).abs()
    rows = {}
    for issue_id in values.index[values.notna() & outcome.notna()]:
        others = error[(proposal != proposal[issue_id]) & error.notna()]
        q = conformal_quantile(others.to_numpy())
        rows[issue_id] = interval(values[issue_id], q) if q is not None else (math.nan, math.nan)
    return pd.DataFrame.from_dict(rows, orient="index", columns=["low", "high"], dtype=float)


def bootstrap_means(difference: pd.Series, proposal: pd.Series, draws: int = BOOTSTRAP_DRAWS,
                    seed: int = BOOTSTRAP_SEED) -> np.ndarray:
    """The mean of `difference` (per issue) in each of `draws` resamples of whole proposals.

    Each draw picks as many proposals as there are, with replacement, and averages the differences of
    all their issues (a proposal with four issues weighs four): the issues of one proposal stay together.
    """
    groups = pd.DataFrame({"d": difference, "p": proposal}).dropna().groupby("p", sort=True)["d"]
    sums, counts = groups.sum().to_numpy(float), groups.count().to_numpy(float)
    picks = np.random.default_rng(seed).integers(0, len(sums), size=(draws, len(sums)))
    return sums[picks].sum(axis=1) / counts[picks].sum(axis=1)


def proposal_bootstrap(difference: pd.Series, proposal: pd.Series, draws: int = BOOTSTRAP_DRAWS,
                       seed: int = BOOTSTRAP_SEED) -> tuple[float, float]:
    """95% interval (2.5th and 97.5th percentile) of ``bootstrap_means``."""
    low, high = np.percentile(bootstrap_means(difference, proposal, draws, seed), [2.5, 97.5])
    return float(low), float(high)


def score(table: deu.Table, names=None, draws: int = BOOTSTRAP_DRAWS) -> dict:
    """Every method's development scores on `table` (the JSON of ``benchmark deu3``; keys in the docs)."""
    values = forecasts(table, names)
    ids = [i.issue_id for i in table.issues]
    outcome = pd.Series({i.issue_id: (math.nan if i.out is None else i.out) for i in table.issues}, dtype=float)
    proposal = pd.Series({i.issue_id: i.proposal for i in table.issues})
    scored = outcome.notna()
    methods, difference = {}, {}
    for name in values.columns:
        column = values[name]
        error = (column - outcome)[scored].abs().dropna()
        bands = out_of_sample_intervals(column, outcome, proposal)
        inside = ((outcome[bands.index] >= bands["low"] - 1e-9) & (outcome[bands.index] <= bands["high"] + 1e-9))
        covered = bands["low"].notna()
        methods[name] = {
            "mae": _r(error.mean()) if len(error) else None,
            "within10": _r((error <= NEAR).mean()) if len(error) else None,
            "n": int(len(error)),
            "coverage80": _r(inside[covered].mean()) if covered.any() else None,
            "width80": _r((bands["high"] - bands["low"])[covered].mean()) if covered.any() else None,
        }
    base = (values[BASELINE] - outcome).abs()
    for name in values.columns:
        gap = ((values[name] - outcome).abs() - base)[scored].dropna()
        low, high = proposal_bootstrap(gap, proposal[gap.index], draws) if len(gap) else (math.nan, math.nan)
        difference[name] = {"mae": _r(gap.mean()) if len(gap) else None, "low95": _r(low), "high95": _r(high),
                            "n": int(len(gap))}
    unscored = values.loc[scored].isna().all(axis=1)
    skipped = [{"issue_id": i, "reason": "no method could forecast it"} for i in unscored[unscored].index]
    result = {
        "file": table.path,
        "n": int(scored.sum()),
        "issues": len(ids),
        "skipped": skipped,
        "proposals": len(table.proposals),
        "headline": choose(methods, difference),
        "methods": methods,
        "difference": difference,
    }
    return result


def _r(value, digits: int = 3):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), digits)


def choose(methods: dict, difference: dict) -> str:
    """The headline by docs/forecasting.md's rule: the weighted mean, unless a candidate beats it beyond noise."""
    winners = [n for n, m in methods.items()
               if n in METHODS and METHODS[n].candidate and n != BASELINE and m["mae"] is not None
               and difference[n]["high95"] is not None and difference[n]["high95"] < 0
               and m["mae"] < methods[BASELINE]["mae"]]
    return min(winners, key=lambda n: methods[n]["mae"]) if winners else BASELINE


def calibration(table: deu.Table, name: str) -> dict:
    """What a forecast needs to carry `name`'s development record: its scores, its 80% half-width and the 95%
    interval of its MAE (proposals resampled, as for the differences in ``score``; the briefing's track record).

    half_width80 comes from every scored issue's error (the interval a new forecast gets);
    coverage80 and width80 are measured out of sample, as in ``score``.
    """
    values = forecasts(table, [name])[name]
    outcome = pd.Series({i.issue_id: (math.nan if i.out is None else i.out) for i in table.issues}, dtype=float)
    proposal = pd.Series({i.issue_id: i.proposal for i in table.issues})
    error = (values - outcome).abs().dropna()
    bands = out_of_sample_intervals(values, outcome, proposal)
    inside = (outcome[bands.index] >= bands["low"] - 1e-9) & (outcome[bands.index] <= bands["high"] + 1e-9)
    return {"method": name, "n": int(len(error)), "proposals": len(table.proposals), "mae": _r(error.mean()),
            "ci95": [_r(v) for v in proposal_bootstrap(error, proposal[error.index])],  # of the MAE, proposals resampled
            "within10": _r((error <= NEAR).mean()), "half_width80": _r(conformal_quantile(error.to_numpy())),
            "coverage80": _r(inside.mean()), "width80": _r((bands["high"] - bands["low"]).mean())}


def write_record(table: deu.Table, result: dict, path: Path = RECORD) -> Path:
    """Store the headline's development record (and every method's MAE) for ``forecast`` and the briefing."""
    record = {"source": SOURCE, "rule": "docs/forecasting.md", "headline": calibration(table, result["headline"]),
              "mae": {name: m["mae"] for name, m in result["methods"].items()}}
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def record(path: Path = RECORD) -> dict:
    """The stored development record of the headline method (see ``write_record``)."""
    return _read_record(str(path))


@functools.lru_cache(maxsize=4)
def _read_record(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def headline(frame: pd.DataFrame, stored: dict | None = None) -> dict:
    """The headline forecast of one issue of a conflict: the chosen method, its value and calibrated 80% interval.

    `frame`: actor_id, position, salience, capability (``bargaining.inputs_at`` for one issue). The method
    and the interval's half-width come from the development record (``record()``); the interval is
    clipped to 0-100. Value and interval are None where the method gives no forecast.
    """
    stored = stored or record()
    name = stored["headline"]["method"]
    value = METHODS[name].forecast(Case(frame=frame))
    band = None if value is None else interval(value, stored["headline"]["half_width80"])
    return {"method": name, "forecast": value, "interval": band}


# --- output -------------------------------------------------------------------------------------

def format_table(result: dict) -> str:
    """The development table as fixed-width text: one line per method, best MAE first."""
    lines = [f"{result['file']}: {result['n']} issues with an outcome ({result['issues']} rows, "
             f"{result['proposals']} proposals); 0-100 scale",
             f"headline: {result['headline']} (rule: docs/forecasting.md)", "",
             f"{'method':<24}{'n':>5}{'MAE':>8}{'within10':>10}{'cover80':>9}{'width80':>9}"
             f"   {'MAE - weighted mean [95% CI]':<30}"]
    order = sorted(result["methods"], key=lambda n: (result["methods"][n]["mae"] is None,
                                                      result["methods"][n]["mae"] or 0))
    for name in order:
        m, d = result["methods"][name], result["difference"][name]
        gap = "" if name == BASELINE or d["mae"] is None else f"{d['mae']:+.1f} [{d['low95']:+.1f}, {d['high95']:+.1f}]"
        lines.append(f"{name:<24}{m['n']:>5}{_f(m['mae'], 8)}{_pct(m['within10'], 10)}"
                     f"{_pct(m['coverage80'], 9)}{_f(m['width80'], 9)}   {gap}")
    if result["skipped"]:
        lines += ["", "skipped: " + ", ".join(f"{s['issue_id']} ({s['reason']})" for s in result["skipped"])]
    return "\n".join(lines) + "\n"


def _f(value, width: int) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.1f}"


def _pct(value, width: int) -> str:
    return f"{'-':>{width}}" if value is None else f"{value * 100:>{width - 1}.0f}%"
