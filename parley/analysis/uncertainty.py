"""How much the bargaining forecast depends on its inputs: a seeded Monte Carlo, dominance, one-change sensitivity.

Every number here comes from ``parley.analysis.bargaining.run_rounds`` run on many variants of one issue
at once (draws x actors arrays), so a whole briefing's worth costs a fraction of a second.
Draws are seeded from the issue id, so the same inputs give the same sensitivity band on every run.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from parley.analysis import bargaining

DEFAULT_DRAWS = 200
DEFAULT_SEED = 1994
# Half-widths of the uniform input uncertainty: position in points, salience and influence as shares.
DEFAULT_SPREAD = {"position": 10.0, "salience": 0.20, "influence": 0.25}
BAND = (10, 90)       # percentiles of the draws: the sensitivity band (not a confidence interval)
NEAR = 10.0           # points: "within 10 points of the forecast"
DOMINANT_SHARE = 0.5  # an actor holding more than this share of the weight dominates the issue
CHANGE = 0.5          # points: a forecast moving less than this has not changed


@dataclass(frozen=True)
class Arrays:
    """One issue's active actors as arrays: ids, positions, saliences (0-100), capabilities."""

    ids: list[str]
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> "Arrays":
        if not frame["actor_id"].is_monotonic_increasing:
            frame = frame.sort_values("actor_id", kind="stable")
        salience, capability = frame["salience"].to_numpy(float), frame["capability"].to_numpy(float)
        on = (salience > 0) & (capability > 0)
        ids = [a for a, keep in zip(frame["actor_id"].tolist(), on) if keep]
        return cls(ids, frame["position"].to_numpy(float)[on], salience[on], capability[on])


def final_medians(position: np.ndarray, salience: np.ndarray, capability: np.ndarray, *,
                  rounds: int = bargaining.DEFAULT_ROUNDS, reading=bargaining.DEFAULT_READING) -> np.ndarray:
    """The forecast (weighted median after `rounds` rounds) of each variant: rows of draws x actors."""
    weight = capability * salience
    history = bargaining.run_rounds(position, weight, salience / 100, rounds, reading)
    return bargaining.weighted_medians(history[-1], weight)


def _seed(issue_id: str, seed: int) -> int:
    return seed + zlib.crc32(issue_id.encode("utf-8"))


def draw_inputs(data: Arrays, draws: int, spread: dict | None = None, seed: int = 0):
    """`draws` variants of the inputs, each value moved uniformly within its spread (positions kept on 0-100)."""
    spread = {**DEFAULT_SPREAD, **(spread or {})}
    rng = np.random.default_rng(seed)
    shape = (draws, len(data.ids))
    position = np.clip(data.position + rng.uniform(-1, 1, shape) * spread["position"], 0, 100)
    salience = np.clip(data.salience * (1 + rng.uniform(-1, 1, shape) * spread["salience"]), 0, 100)
    capability = data.capability * (1 + rng.uniform(-1, 1, shape) * spread["influence"])
    return position, salience, capability


def assess(frame: pd.DataFrame, issue_id: str = "", *, draws: int = DEFAULT_DRAWS, spread: dict | None = None,
           seed: int = DEFAULT_SEED, rounds: int = bargaining.DEFAULT_ROUNDS,
           reading=bargaining.DEFAULT_READING) -> dict:
    """Everything the briefing says about how the expected-utility scenario depends on its inputs, in one batch.

    * sensitivity: 10th-90th percentile of the scenario over `draws` seeded draws of the inputs
      (uniform within `spread`): how much it depends on the coding, not a confidence interval (on
      DEU III it held the outcome in half the issues); near_share: share of draws within 10 points
      of their median;
    * biggest_change: of the one-input changes to either end of the spread, the one that moves
      the forecast most;
    * dominance: for an actor holding more than half the weight, the forecast without it and
      the largest factor on its weight (steps of 0.01) at which the forecast changes.
    Values are None where they do not apply (no weighed actor, draws = 0, no dominant actor).
    """
    out = {"median": None, "sensitivity": None, "near_share": None, "biggest_change": None, "dominance": None}
    data = Arrays.of(frame)
    if not data.ids:
        return out
    spread = {**DEFAULT_SPREAD, **(spread or {})}
    changes, changed = _single_changes(data, spread)
    shares = weight_shares(frame)
    dominant = str(shares.idxmax()) if shares.max() > DOMINANT_SHARE else None
    factors = np.round(np.arange(100, 0, -1) / 100, 2)
    cut = _cut(data, dominant, factors) if dominant else None
    blocks = [(data.position[None], data.salience[None], data.capability[None]), changed]
    if draws > 0:
        blocks.append(draw_inputs(data, draws, spread, _seed(issue_id, seed)))
    if cut is not None:
        blocks.append(cut)
    medians = final_medians(*(np.vstack([b[i] for b in blocks]) for i in range(3)), rounds=rounds, reading=reading)
    base, moves = medians[0], medians[1:1 + len(changes)] - medians[0]
    rest = medians[1 + len(changes):]
    best = int(np.argmax(np.abs(moves)))
    k, what, change = changes[best]
    out["biggest_change"] = {"actor_id": data.ids[k], "input": what, "change": change, "from": float(base),
                             "to": float(base + moves[best]), "move": float(moves[best])}
    if draws > 0:
        sample = rest[:draws]
        centre = float(np.median(sample))
        low, high = np.percentile(sample, BAND)
        out.update(median=centre, sensitivity=(float(low), float(high)),
                   near_share=float(np.mean(np.abs(sample - centre) <= NEAR)))
    if dominant:
        weakened = rest[draws if draws > 0 else 0:]
        moved = np.nonzero(~(np.abs(weakened - base) < CHANGE))[0]
        without = varied_forecasts(frame, dominant, "capability", [0.0], rounds=rounds, reading=reading)[0]
        out["dominance"] = {
            "actor_id": dominant, "share": float(shares.max()),
            "forecast_without": None if np.isnan(without) else float(without),
            "changes_at": float(factors[moved[0]]) if len(moved) else (0.0 if abs(without - base) >= CHANGE else None),
            "forecast_then": float(weakened[moved[0]]) if len(moved) else
            (float(without) if abs(without - base) >= CHANGE else None),
        }
    return out


def _single_changes(data: Arrays, spread: dict):
    """One row per (actor, input, direction): that input moved to the end of its spread, the rest as coded."""
    changes = [(k, what, sign * spread[what]) for k in range(len(data.ids))
               for what in ("position", "salience", "influence") for sign in (-1.0, 1.0)]
    position, salience, capability = (np.tile(a, (len(changes), 1)) for a in
                                      (data.position, data.salience, data.capability))
    for row, (k, what, change) in enumerate(changes):
        if what == "position":
            position[row, k] = np.clip(position[row, k] + change, 0, 100)
        elif what == "salience":
            salience[row, k] = min(salience[row, k] * (1 + change), 100)
        else:
            capability[row, k] *= 1 + change
    return changes, (position, salience, capability)


def _cut(data: Arrays, actor_id: str, factors: np.ndarray):
    """Rows with `actor_id`'s weight times each factor (all above 0: the actor still takes part)."""
    mine = np.array([a == actor_id for a in data.ids])
    capability = np.where(mine, data.capability * factors[:, None], data.capability)
    return np.tile(data.position, (len(factors), 1)), np.tile(data.salience, (len(factors), 1)), capability


def weight_shares(frame: pd.DataFrame) -> pd.Series:
    """Each actor's share of the issue's weight (capability or influence x salience), by actor_id."""
    weight = frame["capability"].to_numpy(float) * frame["salience"].to_numpy(float)
    total = float(weight.sum())
    return pd.Series(weight / total if total > 0 else 0.0, index=frame["actor_id"].tolist(), dtype=float)


def varied_forecasts(frame: pd.DataFrame, actor_id: str, what: str, factors, *,
                     rounds: int = bargaining.DEFAULT_ROUNDS, reading=bargaining.DEFAULT_READING) -> np.ndarray:
    """The forecast of one issue with `actor_id`'s capability (influence) or salience times each factor.

    Salience stays at most 100; an actor whose weight becomes 0 takes no part, as in ``simulate``.
    NaN where no actor has weight.
    """
    factors = np.asarray(factors, dtype=float)
    if not frame["actor_id"].is_monotonic_increasing:
        frame = frame.sort_values("actor_id", kind="stable")
    mine = (frame["actor_id"] == actor_id).to_numpy()
    salience = np.tile(frame["salience"].to_numpy(float), (len(factors), 1))
    capability = np.tile(frame["capability"].to_numpy(float), (len(factors), 1))
    varied = salience if what == "salience" else capability
    varied[:, mine] = varied[:, mine] * factors[:, None]
    salience = np.minimum(salience, 100)
    position = np.tile(frame["position"].to_numpy(float), (len(factors), 1))
    active = (salience > 0) & (capability > 0)
    out = np.full(len(factors), np.nan)
    for pattern in {tuple(row) for row in active}:  # one batch per set of taking-part actors
        keep = np.array(pattern, dtype=bool)
        rows = np.all(active == keep, axis=1)
        if keep.any():
            out[rows] = final_medians(position[rows][:, keep], salience[rows][:, keep], capability[rows][:, keep],
                                      rounds=rounds, reading=reading)
    return out
