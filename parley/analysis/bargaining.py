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

from parley.analysis import stances
from parley.data import load

INPUT_COLUMNS = ["actor_id", "issue_id", "position", "salience", "capability", "weight_source"]
PATH_COLUMNS = ["round", "actor_id", "position"]
OFFER_COLUMNS = ["round", "from_actor", "to_actor", "kind", "position", "eu_from", "eu_to", "taken"]
OFFER_KINDS = ("confrontation", "compromise", "capitulation")
DEFAULT_ROUNDS = 5     # rounds of offers, as in Scholz et al.'s Table 2 (the paper runs a fixed number)
DEFAULT_GAINS = 10.0   # points each actor expects fighting on to win it (bargaining range default)
DEFAULT_COST = 10.0    # points of the issue an actor at full salience would give up to stop fighting
SCALE = (0.0, 100.0)
DIGITS = 2


# --- inputs -------------------------------------------------------------------------------------

def inputs_at(conflict, day, actors=(), issues=()) -> pd.DataFrame:
    """Position and salience in force at `day` with each actor's weight input, one row per (actor, issue).

    `capability` is the effective weight input: the actor's influence on that issue from
    influence.csv where the folder gives one, else its actors.csv capability; `weight_source`
    says which ("influence" or "capability"). Actors with neither (NaN: no confirmed figure) are
    left out, because the model cannot weigh them; ``left_out(conflict, actors)`` names them.
    """
    current = stances.select(stances.positions_at(conflict.positions, day), actors, issues)
    capability = conflict.actors.set_index("actor_id")["capability"].astype(float)
    frame = current.assign(capability=current["actor_id"].map(capability), weight_source="capability")
    influence = load.influence_in_force(getattr(conflict, "influence", None), day)
    if influence is not None and len(influence):
        given = influence.set_index(["actor_id", "issue_id"])["influence"].astype(float)
        found = given.reindex(pd.MultiIndex.from_frame(frame[["actor_id", "issue_id"]])).to_numpy()
        has = ~np.isnan(found)
        frame.loc[has, "capability"] = found[has]
        frame.loc[has, "weight_source"] = "influence"
    frame = frame[frame["capability"].notna()]
    frame = frame.astype({"position": float, "salience": float, "capability": float})
    return frame[INPUT_COLUMNS].sort_values(["issue_id", "actor_id"], kind="stable").reset_index(drop=True)


def left_out(conflict, actors=()) -> list[str]:
    """Actors (of the selection) that the model ignores: no capability figure and no influence row."""
    table = conflict.actors if not actors else conflict.actors[conflict.actors["actor_id"].isin(list(actors))]
    influence = getattr(conflict, "influence", None)
    with_influence = set(influence["actor_id"]) if influence is not None else set()
    return [a for a in table.loc[table["capability"].isna(), "actor_id"] if a not in with_influence]


def _weights(frame: pd.DataFrame) -> np.ndarray:
    return frame["capability"].to_numpy(float) * frame["salience"].to_numpy(float)


# --- weighted centre ----------------------------------------------------------------------------

def weighted_mean(frame: pd.DataFrame) -> float | None:
    """Capability x salience weighted mean of positions; None when no actor carries weight."""
    weights = _weights(frame)
    total = float(weights.sum())
    if total <= 0:
        return None
    return float((weights * frame["position"].to_numpy(float)).sum() / total)


def weighted_median(frame: pd.DataFrame) -> float | None:
    """The position where the cumulative weight (sorted by position) reaches half the total.

    This is the position no other position beats in a vote weighted by capability x salience
    (with linear losses), the median voter position of the BDM model. When the weight splits
    exactly in half between two positions, every point between them ties; the median is then
    the midpoint of that interval, so that neither end of the scale is favoured.
    """
    if frame.empty:
        return None
    value = weighted_medians(frame["position"].to_numpy(float)[None, :], _weights(frame)[None, :])[0]
    return None if np.isnan(value) else float(value)


# --- the expected-utility model -----------------------------------------------------------------

@dataclass(frozen=True)
class Reading:
    """One reading of the model's rules; docs/bargaining.md gives each choice with its equation and source.

    probability: "pair" (eq. 30/31: votes for i over j as a share of the votes cast on that pair, so
    P_ij + P_ji = 1) or "all_pairs" (the same votes as a share of the votes cast on every pair).
    perceiver: whose risk exponent enters both expected utilities of a pair: "own" (each actor's
    utility with its own exponent, eq. 25a/25b) or "receiver" (the actor weighing the offer).
    capitulation: whether an actor that would lose more than the proposer gains is asked to move
    all the way (figure 6's compel octant).
    risky_votes: whether, once risk exponents are known, each voter's distances in the votes are
    raised to its exponent (as a public re-implementation reports of Scholz's code).
    choice: "enforceable" (take the offer backed by the largest expected utility, the least move
    among equally enforceable ones, section 6.2), "classes" (a confrontation before a compromise
    before a capitulation, the least move within the class) or "scholz" (as "classes", but among
    compromises the lowest EU-weighted meeting point, as a public re-implementation reports of
    Scholz's code; it depends on which end of the scale is 0).
    """

    name: str
    probability: str
    perceiver: str
    capitulation: bool
    choice: str
    risky_votes: bool = False  # votes for the probabilities bent by each voter's risk exponent (Scholz's code)


READINGS = {
    "replicating": Reading("replicating", probability="all_pairs", perceiver="receiver", capitulation=False,
                           choice="classes"),
    "printed": Reading("printed", probability="pair", perceiver="own", capitulation=True, choice="enforceable"),
    "scholz-code": Reading("scholz-code", probability="all_pairs", perceiver="receiver", capitulation=False,
                           choice="scholz", risky_votes=True),
}
DEFAULT_READING = "replicating"
KIND_CODES = {0: "confrontation", 1: "compromise", 2: "capitulation"}


def reading_of(reading: str | Reading) -> Reading:
    """The Reading named `reading` (or `reading` itself); ValueError for an unknown name."""
    if isinstance(reading, Reading):
        return reading
    if reading not in READINGS:
        raise ValueError(f"reading must be one of {', '.join(READINGS)}, not {reading!r}")
    return READINGS[reading]


def _distances(x: np.ndarray, span: np.ndarray) -> np.ndarray:
    """d[k, a, b] = |x_a - x_b| / span for every draw k (arrays are draws x actors)."""
    return np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]


def win_probabilities(x: np.ndarray, weight: np.ndarray, how: str = "pair", r: np.ndarray | None = None,
                      span: np.ndarray | None = None) -> np.ndarray:
    """P[k, i, j]: the chance that i's position prevails over j's, from the weighted votes of all actors.

    Voter v gives w_v (|x_v - x_j| - |x_v - x_i|) to i over j (eq. 28-31). "pair" divides the votes
    for i by all votes on the pair i, j; "all_pairs" by all votes on every pair of positions.
    With `r` (draws x actors), voter v's distances (as shares of `span`, default the spread of x)
    are raised to its r_v. Arrays are draws x actors; a 1-d input is one draw.
    """
    x, weight = np.atleast_2d(x), np.atleast_2d(weight)
    dist = _distances(x, _span(x) if span is None else span)
    if r is not None:
        dist = dist ** np.atleast_2d(r)[:, :, None]
    votes = weight[:, :, None, None] * (dist[:, :, None, :] - dist[:, :, :, None])  # [k, voter, i, j]
    for_i = np.clip(votes, 0, None).sum(axis=1)
    if how == "pair":
        total = np.abs(votes).sum(axis=1)
    elif how == "all_pairs":
        total = np.broadcast_to(np.abs(votes).sum(axis=(1, 2, 3))[:, None, None], for_i.shape)
    else:
        raise ValueError(f"how must be 'pair' or 'all_pairs', not {how!r}")
    return np.divide(for_i, total, out=np.zeros_like(for_i), where=total > 0)


def challenge_utilities(x: np.ndarray, salience: np.ndarray, p: np.ndarray, span: np.ndarray,
                        r) -> np.ndarray:
    """EU[k, i, j] of i challenging j (eq. 5-7, 15, 16, 24 with Q = 1), risk exponent r broadcast to [k, i, j].

    EU = s_j [P_ij U_s + (1 - P_ij) U_f] + (1 - s_j) U_s - U_sq: the challenged actor resists with
    probability s_j (its salience, 0-1); if it does not, the challenger gets its way.
    """
    d = _distances(x, span)
    u_success = 2 - 4 * (0.5 - 0.5 * d) ** r
    u_failure = 2 - 4 * (0.5 + 0.5 * d) ** r
    u_status_quo = 2 - 4 * 0.5 ** np.asarray(r, dtype=float)
    s_j = salience[:, None, :]
    return s_j * (p * u_success + (1 - p) * u_failure) + (1 - s_j) * u_success - u_status_quo


def risk_exponents(x: np.ndarray, weight: np.ndarray, salience: np.ndarray, reading: str | Reading = DEFAULT_READING
                   ) -> np.ndarray:
    """r[k, i] in [0.5, 2] from how exposed i's position is compared with the other actors' (eq. 32-34).

    Security_i = sum over j of EU_j(j challenges i), risk neutral (r = 1); R_i = (2 Sec_i - max - min)
    / (max - min) over the actors, so the most exposed actor has R = 1 and r = 0.5 (risk averse),
    the safest R = -1 and r = 2. With every actor equally exposed, all are risk neutral (r = 1).
    """
    x, weight, salience = np.atleast_2d(x), np.atleast_2d(weight), np.atleast_2d(salience)
    p = win_probabilities(x, weight, reading_of(reading).probability)
    return _risk(x, salience, p, _span(x))


def _risk(x: np.ndarray, salience: np.ndarray, p: np.ndarray, span: np.ndarray) -> np.ndarray:
    security = challenge_utilities(x, salience, p, span, 1.0).sum(axis=1)  # column i: what others expect from i
    high, low = security.max(axis=1, keepdims=True), security.min(axis=1, keepdims=True)
    spread = high - low
    big_r = np.divide(2 * security - high - low, spread, out=np.zeros_like(security), where=spread > 1e-12)
    return (1 - big_r / 3) / (1 + big_r / 3)


def _span(x: np.ndarray) -> np.ndarray:
    span = x.max(axis=1) - x.min(axis=1)
    return np.where(span > 0, span, 1.0)


def classify(eu_proposer: float, eu_receiver: float, capitulation: bool = True) -> str | None:
    """The offer a proposer makes to a receiver, from the proposer's EU of challenging and the receiver's EU back.

    * both positive, the proposer's larger: confrontation, the receiver moves to the proposer;
    * the proposer gains, the receiver would lose less than that: compromise, part way;
    * the proposer gains, the receiver would lose at least as much: capitulation, all the way
      (only when `capitulation`; otherwise no offer);
    * otherwise no offer (the proposer expects to lose or gain nothing, or the receiver is indifferent).
    """
    code = _classify(np.array(eu_proposer, float), np.array(eu_receiver, float), capitulation)
    return KIND_CODES.get(int(code))


def _classify(e: np.ndarray, f: np.ndarray, capitulation: bool) -> np.ndarray:
    """Offer codes (0 confrontation, 1 compromise, 2 capitulation, -1 none) from proposer EU e, receiver EU f."""
    tie = 1e-9 * (np.abs(e) + np.abs(f))  # rounding noise between equal utilities is no difference
    code = np.full(np.shape(e), -1)
    code = np.where((e > 0) & (f > 0) & (e - f > tie), 0, code)
    code = np.where((e > 0) & (f < 0) & (e + f > tie), 1, code)
    if capitulation:
        code = np.where((e > 0) & (f < 0) & (e + f <= tie), 2, code)
    return code


def offer_position(kind: str, x_proposer: float, x_receiver: float, eu_proposer: float, eu_receiver: float) -> float:
    """Where the receiver is asked to move: to the proposer, or for a compromise |EU_receiver / EU_proposer| of the way."""
    if kind == "compromise":
        return x_receiver + (x_proposer - x_receiver) * abs(eu_receiver / eu_proposer)
    return x_proposer


def _round_of_offers(x: np.ndarray, weight: np.ndarray, salience: np.ndarray, span: np.ndarray, reading: Reading):
    """One round for every draw: offers [k, receiver, proposer] and each receiver's new position."""
    p = win_probabilities(x, weight, reading.probability)
    r = _risk(x, salience, p, span)
    if reading.risky_votes:
        p = win_probabilities(x, weight, reading.probability, r, span)
    own = challenge_utilities(x, salience, p, span, r[:, :, None])        # [k, i, j] with r_i
    f = own                                                                 # receiver m's EU against proposer
    if reading.perceiver == "own":
        e = own.transpose(0, 2, 1)                                          # proposer's EU with its own r
    else:
        e = challenge_utilities(x, salience, p, span, r[:, None, :]).transpose(0, 2, 1)  # with m's r
    code = _classify(e, f, reading.capitulation)
    code = np.where(x[:, :, None] == x[:, None, :], -1, code)
    ratio = np.divide(np.abs(f), np.abs(e), out=np.ones_like(f), where=e != 0)
    target = np.where(code == 1, x[:, :, None] + (x[:, None, :] - x[:, :, None]) * ratio,
                      np.broadcast_to(x[:, None, :], code.shape))
    valid = code >= 0
    primary = np.where(valid, -e if reading.choice == "enforceable" else code, np.inf)
    best = primary.min(axis=2, keepdims=True)
    tied = valid & (primary <= best + 1e-12 * np.abs(best))
    move = np.where(tied, np.abs(target - x[:, :, None]), np.inf)
    if reading.choice == "scholz":  # among compromises, the lowest EU-weighted meeting point (scale direction matters)
        meeting = (np.abs(f) * x[:, :, None] + np.abs(e) * x[:, None, :]) / np.where(valid, np.abs(f) + np.abs(e), 1.0)
        move = np.where(tied & (code == 1), meeting, move)
    pick = move.argmin(axis=2)
    taken = np.take_along_axis(target, pick[:, :, None], axis=2)[:, :, 0]
    new_x = np.where(valid.any(axis=2), taken, x)
    return new_x, code, target, e, f, pick


def weighted_medians(x: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Weighted median of each row; a tie at exactly half the weight gives the midpoint of the tied interval."""
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    cumulative = np.cumsum(np.take_along_axis(weight, order, axis=1), axis=1)
    total = cumulative[:, -1:]
    half, tol = total / 2, total * 1e-9
    low = np.argmax(cumulative >= half - tol, axis=1)
    high = np.argmax(cumulative > half + tol, axis=1)
    rows = np.arange(len(x))
    return np.where(total[:, 0] > 0, (xs[rows, low] + xs[rows, high]) / 2, np.nan)


def run_rounds(x: np.ndarray, weight: np.ndarray, salience: np.ndarray, rounds: int,
               reading: str | Reading = DEFAULT_READING, on_round=None) -> np.ndarray:
    """Positions after each round for every draw: array [round, k, actor], round 0 = the start.

    Exactly `rounds` rounds; once no actor moves in any draw the rest are copies (a fixed point:
    the same positions give the same offers). Salience is 0-1 here; weight = capability x salience.
    The rounds run on positions rescaled to 0-1 (the starting spread), so the units of the scale
    cannot change any comparison: 4-10 years and 0-100 points give the same moves.
    """
    reading = reading_of(reading)
    x = np.array(x, float)
    low, span = x.min(axis=1, keepdims=True), _span(x)[:, None]
    unit = (x - low) / span
    ones = np.ones(len(x))
    history = [unit]
    for t in range(1, rounds + 1):
        new_unit, code, target, *rest = _round_of_offers(unit, weight, salience, ones, reading)
        if on_round is not None:
            on_round(t, (code, low[:, :, None] + target * span[:, :, None], *rest))
        if np.array_equal(new_unit, unit):
            history += [unit] * (rounds + 1 - t)
            break
        unit = new_unit
        history.append(unit)
    return low + np.stack(history) * span


@dataclass(frozen=True)
class Simulation:
    """The simulation of one issue: forecast (final weighted median), paths and offers by round."""

    forecast: float | None
    rounds: int
    paths: pd.DataFrame    # round, actor_id, position (round 0 = positions in force)
    offers: pd.DataFrame   # round, from_actor, to_actor, kind, position, eu_from, eu_to, taken
    medians: tuple[float, ...]
    history: np.ndarray | None = None   # [round, actor] positions, actors in actor_ids order
    actor_ids: list | None = None


def simulate(frame: pd.DataFrame, *, rounds: int = DEFAULT_ROUNDS,
             reading: str | Reading = DEFAULT_READING) -> Simulation:
    """Run `rounds` rounds of the expected-utility model on one issue (actor_id, position, salience, capability).

    Actors with zero weight (salience or capability 0) take no part: they neither vote, challenge
    nor move. All moves of a round are applied together, after every offer of the round is known.
    """
    if not frame["actor_id"].is_monotonic_increasing:
        frame = frame.sort_values("actor_id", kind="stable")
    ids = frame["actor_id"].tolist()
    x_all = frame["position"].to_numpy(float)
    salience_all = frame["salience"].to_numpy(float)
    weight_all = frame["capability"].to_numpy(float) * salience_all
    active = weight_all > 0
    names = [a for a, on in zip(ids, active) if on]
    offer_rows = []

    def record(t, offers):
        code, target, e, f, pick = (a[0] for a in offers)
        for m, p in zip(*np.nonzero(code >= 0)):
            offer_rows.append((t, names[p], names[m], KIND_CODES[int(code[m, p])], float(target[m, p]),
                               float(e[m, p]), float(f[m, p]), bool(pick[m] == p)))

    history = np.repeat(x_all[None, :], rounds + 1, axis=0)
    medians: tuple = ()
    if active.any():
        moving = run_rounds(x_all[None, active], weight_all[None, active], salience_all[None, active] / 100,
                            rounds, reading, record)[:, 0, :]
        history[:, active] = moving
        medians = tuple(weighted_medians(moving, np.broadcast_to(weight_all[active], moving.shape)).tolist())
    paths = pd.DataFrame({"round": np.repeat(np.arange(rounds + 1), len(ids)), "actor_id": ids * (rounds + 1),
                          "position": history.ravel()})
    return Simulation(
        forecast=medians[-1] if medians else None, rounds=rounds if medians else 0, paths=paths,
        offers=pd.DataFrame(offer_rows, columns=OFFER_COLUMNS), medians=medians, history=history, actor_ids=ids,
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

