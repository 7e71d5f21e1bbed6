"""How much the bargaining forecast depends on its inputs: a seeded Monte Carlo, dominance, one-change sensitivity.

Every number here comes from ``parley.bargaining.run_rounds`` run on many variants of one issue
at once (draws x actors arrays), so a whole briefing's worth costs a fraction of a second.
Draws are seeded from the issue id, so the same inputs give the same interval on every run.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import bargaining

DEFAULT_DRAWS = 200
DEFAULT_SEED = 1994
# Half-widths of the uniform input uncertainty: position in points, salience and influence as shares.
DEFAULT_SPREAD = {"position": 10.0, "salience": 0.20, "influence": 0.25}
INTERVAL = (10, 90)   # percentiles: an 80% interval
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
        frame = frame.sort_values("actor_id", kind="stable")
        frame = frame[(frame["salience"] > 0) & (frame["capability"] > 0)]
        return cls(list(frame["actor_id"]), frame["position"].to_numpy(float), frame["salience"].to_numpy(float),
                   frame["capability"].to_numpy(float))


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


def monte_carlo(frame: pd.DataFrame, issue_id: str = "", *, draws: int = DEFAULT_DRAWS, spread: dict | None = None,
                seed: int = DEFAULT_SEED, rounds: int = bargaining.DEFAULT_ROUNDS,
                reading=bargaining.DEFAULT_READING) -> dict | None:
    """Median forecast over the draws, its 80% interval and the share of draws within 10 points of it.

    None when the issue has no actor with weight or `draws` is 0.
    """
    data = Arrays.of(frame)
    if not data.ids or draws <= 0:
        return None
    medians = final_medians(*draw_inputs(data, draws, spread, _seed(issue_id, seed)), rounds=rounds, reading=reading)
    centre = float(np.median(medians))
    low, high = np.percentile(medians, INTERVAL)
    return {"median": centre, "interval": (float(low), float(high)), "draws": int(draws),
            "near_share": float(np.mean(np.abs(medians - centre) <= NEAR))}


def weight_shares(frame: pd.DataFrame) -> pd.Series:
    """Each actor's share of the issue's weight (capability or influence x salience), by actor_id."""
    weight = frame["capability"].astype(float) * frame["salience"].astype(float)
    total = float(weight.sum())
    return pd.Series(weight.to_numpy() / total if total > 0 else 0.0, index=frame["actor_id"].to_numpy())


def dominance(frame: pd.DataFrame, *, rounds: int = bargaining.DEFAULT_ROUNDS,
              reading=bargaining.DEFAULT_READING) -> dict | None:
    """The actor holding more than half the weight, if any: its share, the forecast without it, and the
    largest factor on its influence (below 1, in steps of 0.01) at which the forecast changes."""
    shares = weight_shares(frame)
    if shares.empty or shares.max() <= DOMINANT_SHARE:
        return None
    actor_id = str(shares.idxmax())
    data = Arrays.of(frame)
    factors = np.round(np.arange(100, -1, -1) / 100, 2)
    mine = np.array([a == actor_id for a in data.ids])
    capability = np.where(mine, data.capability * factors[:, None], data.capability)
    keep = ~mine[None, :] | (factors[:, None] > 0)
    salience = np.where(keep, data.salience, 0.0)  # factor 0: the actor takes no part at all
    medians = final_medians(np.broadcast_to(data.position, capability.shape), salience, capability,
                            rounds=rounds, reading=reading)
    base = medians[0]
    changed = np.nonzero(np.abs(medians - base) >= CHANGE)[0]
    others = frame[frame["actor_id"] != actor_id]
    return {
        "actor_id": actor_id, "share": float(shares.max()),
        "forecast_without": bargaining.simulate(others, rounds=rounds, reading=reading).forecast,
        "changes_at": float(factors[changed[0]]) if len(changed) else None,
        "forecast_then": float(medians[changed[0]]) if len(changed) else None,
    }


def biggest_single_change(frame: pd.DataFrame, spread: dict | None = None, *,
                          rounds: int = bargaining.DEFAULT_ROUNDS, reading=bargaining.DEFAULT_READING) -> dict | None:
    """Of all one-input changes within the Monte Carlo spread (one actor's position, salience or
    influence moved to either end), the one that moves the forecast most."""
    data = Arrays.of(frame)
    if not data.ids:
        return None
    spread = {**DEFAULT_SPREAD, **(spread or {})}
    n = len(data.ids)
    variants = []  # (actor index, input, signed change)
    for k in range(n):
        for what in ("position", "salience", "influence"):
            for sign in (-1.0, 1.0):
                variants.append((k, what, sign * spread[what]))
    position = np.tile(data.position, (len(variants), 1))
    salience = np.tile(data.salience, (len(variants), 1))
    capability = np.tile(data.capability, (len(variants), 1))
    for row, (k, what, change) in enumerate(variants):
        if what == "position":
            position[row, k] = np.clip(position[row, k] + change, 0, 100)
        elif what == "salience":
            salience[row, k] = min(salience[row, k] * (1 + change), 100)
        else:
            capability[row, k] *= 1 + change
    medians = final_medians(np.vstack([data.position, position]), np.vstack([data.salience, salience]),
                            np.vstack([data.capability, capability]), rounds=rounds, reading=reading)
    moves = medians[1:] - medians[0]
    best = int(np.argmax(np.abs(moves)))
    k, what, change = variants[best]
    return {"actor_id": data.ids[k], "input": what, "change": change, "from": float(medians[0]),
            "to": float(medians[1 + best]), "move": float(moves[best])}
