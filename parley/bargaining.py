"""Where the stated positions lead: weighted centre, an expected-utility simulation, a bargaining range.

Pure computations on the positions in force at a date: no files, no plotting. The equations
are written out, with their sources, in ``docs/bargaining.md``:

* the weighted mean and weighted median of positions, weights = capability x salience;
* Bueno de Mesquita's expected-utility model (BDM 1985, 1994; as reconstructed by Scholz,
  Calbert and Smith 2011): rounds of pairwise challenges, offers classed as confrontation,
  compromise or capitulation, each actor accepting the offer that moves it least;
* a Fearon-style bargaining range: the positions every actor prefers to fighting on, given what
  each expects fighting to gain it and what fighting costs.

All positions are on the issue's 0-100 scale; salience and capability are 0-100 as in the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import stances

INPUT_COLUMNS = ["actor_id", "issue_id", "position", "salience", "capability"]
PATH_COLUMNS = ["round", "actor_id", "position"]
OFFER_COLUMNS = ["round", "from_actor", "to_actor", "kind", "position", "eu_from", "eu_to"]
OFFER_KINDS = ("confrontation", "compromise", "capitulation")
TOLERANCE = 0.5        # points on the 0-100 scale: a median change below this ends the simulation
MAX_ROUNDS = 20
DEFAULT_GAINS = 10.0   # points each actor expects fighting on to win it (bargaining range default)
DEFAULT_COST = 10.0    # points of the issue an actor at full salience would give up to stop fighting
SCALE = (0.0, 100.0)
DIGITS = 2


# --- inputs -------------------------------------------------------------------------------------

def inputs_at(conflict, day, actors=(), issues=()) -> pd.DataFrame:
    """Position and salience in force at `day` with each actor's capability, one row per (actor, issue).

    Actors whose capability is empty (NaN: no confirmed figure) are left out, because the model
    cannot weigh an actor it has no clout figure for; ``left_out(conflict, actors)`` names them.
    """
    current = stances.select(stances.positions_at(conflict.positions, day), actors, issues)
    capability = conflict.actors.set_index("actor_id")["capability"].astype(float)
    frame = current.assign(capability=current["actor_id"].map(capability))
    frame = frame[frame["capability"].notna()]
    frame = frame.astype({"position": float, "salience": float, "capability": float})
    return frame[INPUT_COLUMNS].sort_values(["issue_id", "actor_id"], kind="stable").reset_index(drop=True)


def left_out(conflict, actors=()) -> list[str]:
    """Actors (of the selection) that the model ignores because they have no capability figure."""
    table = conflict.actors if not actors else conflict.actors[conflict.actors["actor_id"].isin(list(actors))]
    return list(table.loc[table["capability"].isna(), "actor_id"])


def _weights(frame: pd.DataFrame) -> pd.Series:
    return frame["capability"].astype(float) * frame["salience"].astype(float)


# --- weighted centre ----------------------------------------------------------------------------

def weighted_mean(frame: pd.DataFrame) -> float | None:
    """Capability x salience weighted mean of positions; None when no actor carries weight."""
    weights = _weights(frame)
    total = float(weights.sum())
    if total <= 0:
        return None
    return float((weights * frame["position"].astype(float)).sum() / total)


def weighted_median(frame: pd.DataFrame) -> float | None:
    """The lowest position at which the cumulative weight (sorted by position) reaches half the total.

    This is the position no other position beats in a vote weighted by capability x salience
    (with linear losses), i.e. the median voter position of the BDM model; a tie at exactly
    half goes to the lower position.
    """
    if frame.empty:
        return None
    return _median(frame["position"].to_numpy(float), _weights(frame).to_numpy(float))


def _median(x: np.ndarray, w: np.ndarray) -> float | None:
    total = w.sum()
    if total <= 0:
        return None
    order = np.argsort(x, kind="stable")
    cumulative = np.cumsum(w[order])
    index = int(np.argmax(cumulative >= total / 2 * (1 - 1e-12)))
    return float(x[order][index])


# --- the expected-utility model -----------------------------------------------------------------

def win_probability(i: int, j: int, x: np.ndarray, weight: np.ndarray) -> float:
    """P_ij: the share of weighted votes for x_i over x_j, each voter k voting w_k (|x_k - x_j| - |x_k - x_i|)."""
    votes = weight * (np.abs(x - x[j]) - np.abs(x - x[i]))
    total = np.abs(votes).sum()
    return float(votes[votes > 0].sum() / total) if total > 0 else 0.5


def expected_utility(i: int, j: int, x: np.ndarray, weight: np.ndarray, salience: np.ndarray,
                     r: float, span: float) -> float:
    """EU of actor i challenging actor j, with risk exponent r (the perceiver's).

    EU = s_j [P U_s + (1 - P) U_f] + (1 - s_j) U_s - U_sq: j resists with probability s_j (its
    salience, 0-1); if it does not resist, i succeeds. Not challenging keeps the status quo
    (Q = 1, as in Scholz et al.'s replication).
    """
    if x[i] == x[j]:
        return 0.0
    d = abs(x[i] - x[j]) / span
    u_success = 2 - 4 * (0.5 - 0.5 * d) ** r
    u_failure = 2 - 4 * (0.5 + 0.5 * d) ** r
    u_status_quo = 2 - 4 * 0.5 ** r
    p = win_probability(i, j, x, weight)
    s_j = salience[j]
    return float(s_j * (p * u_success + (1 - p) * u_failure) + (1 - s_j) * u_success - u_status_quo)


def risk_exponents(x: np.ndarray, weight: np.ndarray, salience: np.ndarray, span: float) -> np.ndarray:
    """r_i in [0.5, 2] from the security of i's position (BDM 1985).

    danger_i(y) = sum over j of EU_j(challenge i) were i at y (risk-neutral, r = 1), evaluated at
    every position held in the round; R_i = (2 danger_i(x_i) - max - min) / (max - min) is 1 at
    the most exposed position and -1 at the safest; r_i = (1 - R_i/3) / (1 + R_i/3). An actor
    with no choice of exposure (max = min) is risk neutral, r_i = 1.
    """
    candidates = np.unique(x)
    r = np.ones(len(x))
    for i in range(len(x)):
        dangers = []
        for y in candidates:
            moved = x.copy()
            moved[i] = y
            dangers.append(sum(expected_utility(j, i, moved, weight, salience, 1.0, span)
                               for j in range(len(x)) if j != i))
        here = dangers[int(np.searchsorted(candidates, x[i]))]
        high, low = max(dangers), min(dangers)
        if high - low > 1e-12:
            big_r = (2 * here - high - low) / (high - low)
            r[i] = (1 - big_r / 3) / (1 + big_r / 3)
    return r


def classify(eu_ij: float, eu_ji: float) -> str | None:
    """The offer i makes to j, seen by i: i's EU of challenging j, and i's estimate of j's EU of challenging i.

    * both positive and i's larger: confrontation, i expects to win and j to move to x_i;
    * i gains, j would lose, and i's gain exceeds j's loss: compromise, j moves part way;
    * i gains, j would lose at least as much as i gains: capitulation, j moves to x_i;
    * otherwise i makes no offer: it expects to lose or to gain nothing, or j is indifferent
      (EU_ji = 0, where a compromise would move j by nothing).
    """
    if eu_ij <= 0 or eu_ji == 0:
        return None
    if eu_ji > 0:
        return "confrontation" if eu_ij > eu_ji else None
    return "compromise" if eu_ij > -eu_ji else "capitulation"


def offer_position(kind: str, x_i: float, x_j: float, eu_ij: float, eu_ji: float) -> float:
    """Where j is asked to move: to x_i, or for a compromise the fraction |EU_ji / EU_ij| of the way."""
    if kind == "compromise":
        return x_j + (x_i - x_j) * abs(eu_ji / eu_ij)
    return x_i


@dataclass(frozen=True)
class Simulation:
    """The simulation of one issue: forecast (final weighted median), paths and offers by round."""

    forecast: float | None
    rounds: int
    paths: pd.DataFrame    # round, actor_id, position (round 0 = positions in force)
    offers: pd.DataFrame   # round, from_actor, to_actor, kind, position, eu_from, eu_to
    medians: tuple[float, ...]


def simulate(frame: pd.DataFrame, *, tolerance: float = TOLERANCE, max_rounds: int = MAX_ROUNDS) -> Simulation:
    """Run the BDM rounds on one issue until the weighted median moves less than `tolerance`.

    `frame` has actor_id, position, salience, capability. Actors with zero weight (salience or
    capability 0) take no part: they neither vote, challenge nor move, so they have no influence.
    Moves of a round are applied together, after every offer of the round is known.
    """
    frame = frame.sort_values("actor_id", kind="stable").reset_index(drop=True)
    ids = list(frame["actor_id"])
    x_all = frame["position"].to_numpy(float).copy()
    weight_all = _weights(frame).to_numpy(float)
    active = weight_all > 0
    x = x_all[active]
    weight = weight_all[active]
    salience = frame["salience"].to_numpy(float)[active] / 100
    names = [a for a, on in zip(ids, active) if on]

    path_rows = [(0, a, float(p)) for a, p in zip(ids, x_all)]
    offer_rows = []
    median = _median(x, weight) if len(x) else None
    medians = [] if median is None else [median]
    span = float(x.max() - x.min()) if len(x) else 0.0
    rounds = 0
    while median is not None and span > 0 and rounds < max_rounds:
        rounds += 1
        r = risk_exponents(x, weight, salience, span)
        best: dict[int, tuple] = {}
        for i in range(len(x)):
            for j in range(len(x)):
                if i == j or x[i] == x[j]:
                    continue
                eu_ij = expected_utility(i, j, x, weight, salience, r[i], span)
                eu_ji = expected_utility(j, i, x, weight, salience, r[i], span)
                kind = classify(eu_ij, eu_ji)
                if kind is None:
                    continue
                target = offer_position(kind, x[i], x[j], eu_ij, eu_ji)
                offer_rows.append((rounds, names[i], names[j], kind, float(target), eu_ij, eu_ji))
                # j takes the offer that moves it least; a tie goes to the offer backed by more EU.
                key = (abs(target - x[j]), -eu_ij, names[i])
                if j not in best or key < best[j][0]:
                    best[j] = (key, target)
        for j, (_, target) in best.items():
            x[j] = target
        x_all[active] = x
        path_rows += [(rounds, a, float(p)) for a, p in zip(ids, x_all)]
        new_median = _median(x, weight)
        medians.append(new_median)
        settled = abs(new_median - median) < tolerance
        median = new_median
        if settled:
            break
    return Simulation(
        forecast=median, rounds=rounds,
        paths=pd.DataFrame(path_rows, columns=PATH_COLUMNS),
        offers=pd.DataFrame(offer_rows, columns=OFFER_COLUMNS),
        medians=tuple(medians),
    )


# --- the bargaining range -----------------------------------------------------------------------

def _per_actor(value, actor_id: str, default: float) -> float:
    if isinstance(value, dict):
        return float(value.get(actor_id, default))
    return float(value)


def acceptable_interval(position: float, salience: float, expected_outcome: float, gains: float,
                        cost: float) -> tuple[float, float]:
    """Positions an actor prefers to fighting on (linear loss |x - position| x salience).

    Fighting on is worth the expected outcome moved `gains` points toward the actor (never past
    its own position), minus `cost`; the actor accepts any x no farther from its position than
    that outcome plus cost x 100 / salience (an actor with salience 0 accepts anything).
    """
    low, high = SCALE
    if salience <= 0:
        return low, high
    direction = np.sign(position - expected_outcome)
    war = expected_outcome + direction * min(max(gains, 0.0), abs(position - expected_outcome))
    reach = abs(war - position) + cost * 100 / salience
    return float(max(low, position - reach)), float(min(high, position + reach))


def expected_outcome_of(frame: pd.DataFrame) -> float | None:
    """Where fighting on is expected to leave the issue: the weighted mean (the balance of weighted forces)."""
    if frame.empty:
        return None
    mean = weighted_mean(frame)
    return mean if mean is not None else float(frame["position"].mean())


def acceptable_intervals(frame: pd.DataFrame, gains=DEFAULT_GAINS, cost=DEFAULT_COST,
                         expected_outcome: float | None = None) -> pd.DataFrame:
    """Each actor's interval of positions preferred to fighting on: actor_id, low, high."""
    if expected_outcome is None:
        expected_outcome = expected_outcome_of(frame)
    rows = [(row.actor_id, *acceptable_interval(float(row.position), float(row.salience), expected_outcome,
                                                _per_actor(gains, row.actor_id, DEFAULT_GAINS),
                                                _per_actor(cost, row.actor_id, DEFAULT_COST)))
            for row in frame.itertuples()]
    return pd.DataFrame(rows, columns=["actor_id", "low", "high"])


def bargaining_range(frame: pd.DataFrame, gains=DEFAULT_GAINS, cost=DEFAULT_COST,
                     expected_outcome: float | None = None) -> tuple[float, float] | None:
    """The interval of positions every actor prefers to fighting on, or None when there is none.

    `frame`: one issue's actor_id, position, salience, capability. `gains` and `cost` are points
    on the 0-100 scale, one number for all or a dict per actor_id (missing actors: the defaults).
    The expected outcome of fighting defaults to the weighted mean (the balance of weighted
    forces); each actor expects to do better than that by its gains (Fearon 1995). The range is
    the intersection of the actors' acceptable intervals.
    """
    if frame.empty:
        return None
    intervals = acceptable_intervals(frame, gains, cost, expected_outcome)
    low, high = float(intervals["low"].max()), float(intervals["high"].min())
    return (round(low, DIGITS), round(high, DIGITS)) if low <= high else None


def range_sweep(frame: pd.DataFrame, actor_id: str, values=range(0, 101, 5), gains=DEFAULT_GAINS,
                cost=DEFAULT_COST) -> pd.DataFrame:
    """The range as one actor's expected gains rise (others keep `gains`): width shrinks to closed.

    Same arithmetic as bargaining_range, with the expected outcome and the rows read once:
    a briefing sweeps 101 values for every issue.
    """
    rows = []
    if frame.empty:
        return pd.DataFrame([(float(v), None, None, 0.0, False) for v in values],
                            columns=["gains", "low", "high", "width", "open"])
    expected = expected_outcome_of(frame)
    actors = [(row.actor_id, float(row.position), float(row.salience), _per_actor(cost, row.actor_id, DEFAULT_COST),
               _per_actor(gains, row.actor_id, DEFAULT_GAINS)) for row in frame.itertuples()]
    for value in values:
        intervals = [acceptable_interval(position, salience, expected, float(value) if actor == actor_id else own, actor_cost)
                     for actor, position, salience, actor_cost, own in actors]
        low, high = max(lo for lo, _ in intervals), min(hi for _, hi in intervals)
        found = low <= high
        low, high = (round(low, DIGITS), round(high, DIGITS)) if found else (None, None)
        rows.append((float(value), low, high, (high - low) if found else 0.0, found))
    return pd.DataFrame(rows, columns=["gains", "low", "high", "width", "open"])


def closing_gains(frame: pd.DataFrame, actor_id: str, gains=DEFAULT_GAINS, cost=DEFAULT_COST) -> float | None:
    """The smallest whole number of points of expected gains for `actor_id` that closes the range."""
    sweep = range_sweep(frame, actor_id, range(0, 101), gains, cost)
    closed = sweep[~sweep["open"]]
    return None if closed.empty else float(closed["gains"].iloc[0])


# --- the forecast -------------------------------------------------------------------------------

def _round(value):
    return None if value is None else round(float(value), DIGITS)


def forecast(conflict, day, actors=(), issues=(), *, tolerance: float = TOLERANCE,
             max_rounds: int = MAX_ROUNDS) -> dict:
    """The forecast for every issue (of the selection) from the positions in force at `day`.

    Issues where no actor with a capability figure has a position are reported with null numbers.
    """
    day = stances.timestamp(day)
    data = inputs_at(conflict, day, actors, issues)
    issue_ids = [i for i in conflict.issues["issue_id"] if not issues or i in issues]
    result = {"date": f"{day:%Y-%m-%d}", "issues": {}}
    for issue_id in issue_ids:
        frame = data[data["issue_id"] == issue_id]
        sim = simulate(frame, tolerance=tolerance, max_rounds=max_rounds)
        paths = sim.paths.sort_values(["actor_id", "round"], kind="stable").groupby("actor_id")["position"].apply(list)
        result["issues"][issue_id] = {
            "weighted_mean": _round(weighted_mean(frame)),
            "weighted_median": _round(weighted_median(frame)),
            "forecast": _round(sim.forecast),
            "actors": {
                row.actor_id: {
                    "position": _round(row.position), "salience": _round(row.salience),
                    "capability": _round(row.capability),
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
             f"(0-100 scale; weights = capability x salience)", ""]
    for issue_id, issue in result["issues"].items():
        rounds = max((len(a["forecast_path"]) - 1 for a in issue["actors"].values()), default=0)
        lines.append(f"{issue_id}: weighted mean {_number(issue['weighted_mean'], 0).strip()}, "
                     f"weighted median {_number(issue['weighted_median'], 0).strip()}, "
                     f"forecast {_number(issue['forecast'], 0).strip()} "
                     f"({rounds} round{'' if rounds == 1 else 's'})")
        if not issue["actors"]:
            lines += ["  (no actor with a capability figure has a position on this issue)", ""]
            continue
        lines.append(f"  {'actor':<16}{'position':>9}{'salience':>9}{'capab.':>8}  path by round")
        for actor_id, a in issue["actors"].items():
            path = " -> ".join(f"{p:g}" for p in a["forecast_path"])
            lines.append(f"  {actor_id:<16}{_number(a['position'], 9)}{_number(a['salience'], 9)}"
                         f"{_number(a['capability'], 8)}  {path}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
