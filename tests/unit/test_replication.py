"""The bargaining model against the published replication, and one test per rule of the model.

Each rule test was checked by changing that rule in parley/analysis/bargaining.py and watching it fail
(docs/bargaining.md lists the departures from the printed equations; the closing note of issue 10
lists the mutations tried).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parley.analysis import bargaining as b
from parley.data.load import load_conflict

ROOT = Path(__file__).resolve().parents[2]
EC = ROOT / "data" / "reference" / "ec-emissions-1994"
RUSSIA_UKRAINE = ROOT / "data" / "russia-ukraine"
SCHOLZ_TABLE_2 = (8.4, 9.9, 9.9, 9.9, 9.9)   # median voter position (years), rounds 1-5
TOLERANCE_YEARS = 0.35


def frame(*rows) -> pd.DataFrame:
    """Actors of one issue: (actor_id, position, salience, capability)."""
    return pd.DataFrame(rows, columns=["actor_id", "position", "salience", "capability"]).astype(
        {"position": float, "salience": float, "capability": float})


def ec_inputs(scale: str = "points") -> pd.DataFrame:
    """The EC emissions case as parley reads it (0-100), or mapped back to years (4 + 6 x / 100)."""
    data = b.inputs_at(load_conflict(EC), "1994-12-31")
    return data if scale == "points" else data.assign(position=4 + data["position"] * 6 / 100)


def in_years(value: float, scale: str) -> float:
    return 4 + value * 6 / 100 if scale == "points" else value


# --- the replication ----------------------------------------------------------------------------

@pytest.mark.parametrize("scale", ["points", "years"])
def test_replicating_reading_reproduces_scholz_table_2(scale):
    sim = b.simulate(ec_inputs(scale), rounds=5)
    years = [in_years(m, scale) for m in sim.medians]
    assert years[0] == pytest.approx(7.0)
    assert years[1:] == pytest.approx(SCHOLZ_TABLE_2, abs=TOLERANCE_YEARS)
    assert sim.forecast == sim.medians[-1]


def test_the_scale_units_do_not_matter():
    points, years = b.simulate(ec_inputs("points"), rounds=8), b.simulate(ec_inputs("years"), rounds=8)
    assert [4 + m * 6 / 100 for m in points.medians] == pytest.approx(years.medians, abs=1e-9)
    moved = points.paths.assign(position=4 + points.paths["position"] * 6 / 100)
    assert moved["position"].tolist() == pytest.approx(years.paths["position"].tolist(), abs=1e-9)


def test_mirroring_the_scale_mirrors_the_replicating_forecast():
    data = ec_inputs()
    mirrored = b.simulate(data.assign(position=100 - data["position"]), rounds=5)
    assert [100 - m for m in mirrored.medians] == pytest.approx(b.simulate(data, rounds=5).medians, abs=1e-6)


def test_the_printed_reading_does_not_replicate():
    printed = [in_years(m, "points") for m in b.simulate(ec_inputs(), rounds=5, reading="printed").medians]
    assert any(abs(p - s) > TOLERANCE_YEARS for p, s in zip(printed[1:], SCHOLZ_TABLE_2))


def test_scholz_code_reading_matches_an_independent_reimplementation():
    # jmckib/bdm-scholz-expected-utility-model (Python port of Scholz's choices) prints, for rounds
    # 1-8 of this table: 8.4159, 9.6109, 9.9620, 9.9620, 9.9620, 7.4720, 8.8246, 9.6711 years.
    # Scholz et al.'s Table 2 reads 8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6.
    years = [in_years(m, "points") for m in b.simulate(ec_inputs(), rounds=8, reading="scholz-code").medians]
    assert years[1:] == pytest.approx([8.4159, 9.6109, 9.9620, 9.9620, 9.9620, 7.4720, 8.8246, 9.6711], abs=1e-3)


# --- rule 1: probability of success -------------------------------------------------------------

def test_probability_pair_and_all_pairs_by_hand():
    x, w = np.array([0.0, 100.0]), np.array([2.0, 1.0])
    # voter 0 gives 2 x 1 to position 0 over 1, voter 1 gives 1 x 1 to position 1 over 0
    pair = b.win_probabilities(x, w, "pair")[0]
    assert pair[0, 1] == pytest.approx(2 / 3) and pair[1, 0] == pytest.approx(1 / 3)
    # all pairs: the 3 units of votes on (0, 1) and the 3 on (1, 0) make the denominator
    every = b.win_probabilities(x, w, "all_pairs")[0]
    assert every[0, 1] == pytest.approx(2 / 6) and every[1, 0] == pytest.approx(1 / 6)
    x3, w3 = np.array([0.0, 100.0, 30.0]), np.ones(3)
    assert b.win_probabilities(x3, w3, "pair")[0, 0, 1] == pytest.approx(140 / 240)


def test_replication_needs_the_all_pairs_probability():
    import dataclasses
    pair = dataclasses.replace(b.READINGS["replicating"], probability="pair")
    assert b.simulate(ec_inputs(), rounds=5, reading=pair).medians[1] == pytest.approx(50)  # stays at 7 years


# --- rule 2: risk exponents ---------------------------------------------------------------------

def _security_by_hand(x, w, s, probability):
    """Sum over challengers j of EU_j(j challenges i), risk neutral, written out term by term."""
    n, span = len(x), x.max() - x.min()
    p = b.win_probabilities(x, w, probability)[0]
    out = np.zeros(n)
    for i in range(n):
        for j in range(n):
            if i != j:
                d = abs(x[j] - x[i]) / span
                out[i] += s[i] * (p[j, i] * 2 * d + (1 - p[j, i]) * -2 * d) + (1 - s[i]) * 2 * d
    return out


@pytest.mark.parametrize("reading", ["replicating", "printed"])
def test_risk_exponents_follow_the_actors_security(reading):
    data = ec_inputs().sort_values("actor_id")
    x, s = data["position"].to_numpy(), data["salience"].to_numpy() / 100
    w = (data["capability"] * data["salience"]).to_numpy()
    security = _security_by_hand(x, w, s, b.READINGS[reading].probability)
    big_r = (2 * security - security.max() - security.min()) / (security.max() - security.min())
    expected = (1 - big_r / 3) / (1 + big_r / 3)
    got = b.risk_exponents(x, w, s, reading)[0]
    assert got == pytest.approx(expected)
    assert got[np.argmax(security)] == pytest.approx(0.5) and got[np.argmin(security)] == pytest.approx(2.0)
    assert len(set(np.round(got, 6))) > 2  # not everyone at a bound: the formula is exercised in between


def test_equally_exposed_actors_are_risk_neutral():
    r = b.risk_exponents(np.array([20.0, 80.0]), np.array([1.0, 1.0]), np.array([0.5, 0.5]))
    assert r.tolist() == [[1.0, 1.0]]


def test_whose_risk_exponent_enters_both_utilities_matters():
    import dataclasses
    own = dataclasses.replace(b.READINGS["replicating"], perceiver="own")
    assert b.simulate(ec_inputs(), rounds=1, reading=own).medians[1] != pytest.approx(
        b.simulate(ec_inputs(), rounds=1).medians[1], abs=1)


# --- rule 3: offer classes ----------------------------------------------------------------------

@pytest.mark.parametrize("eu_proposer, eu_receiver, capitulation, kind", [
    (0.5, 0.2, True, "confrontation"),    # both gain, the proposer more
    (0.2, 0.5, True, None),               # the receiver expects more: no offer
    (0.5, 0.5, True, None),               # a tie is no win
    (0.5, -0.1, True, "compromise"),      # the proposer gains more than the receiver loses
    (0.1, -0.5, True, "capitulation"),    # the receiver would lose more than the proposer gains
    (0.3, -0.3, True, "capitulation"),    # the boundary belongs to capitulation
    (0.1, -0.5, False, None),             # the replicating reading makes no capitulation offers
    (0.5, -0.1, False, "compromise"),
    (0.5, 0.0, True, None),               # the receiver is indifferent
    (-0.1, -0.5, True, None),
    (0.0, -0.5, True, None),
])
def test_classify_every_branch(eu_proposer, eu_receiver, capitulation, kind):
    assert b.classify(eu_proposer, eu_receiver, capitulation) == kind


def _offers(reading):
    sim = b.simulate(ec_inputs(), rounds=5, reading=reading)
    return sim, sim.offers


@pytest.mark.parametrize("reading", ["replicating", "printed"])
def test_offers_in_the_simulation_match_their_class(reading):
    sim, offers = _offers(reading)
    assert len(offers) > 10
    for row in offers.itertuples():
        assert b.classify(row.eu_from, row.eu_to, b.READINGS[reading].capitulation) == row.kind


# --- rule 4: which offer an actor takes ---------------------------------------------------------

def _position_before(sim, actor, round_):
    paths = sim.paths.set_index(["round", "actor_id"])["position"]
    return paths[(round_ - 1, actor)]


@pytest.mark.parametrize("reading", ["replicating", "printed"])
def test_each_actor_takes_the_offer_the_rule_picks(reading):
    sim = b.simulate(ec_inputs(), rounds=5, reading=reading)
    rank = {"confrontation": 0, "compromise": 1, "capitulation": 2}
    checked = 0
    for (round_, to), group in sim.offers.groupby(["round", "to_actor"]):
        here = _position_before(sim, to, round_)
        group = group.assign(move=(group["position"] - here).abs())
        if reading == "replicating":
            group = group.assign(primary=group["kind"].map(rank))
        else:
            group = group.assign(primary=-group["eu_from"])
        best = group[group["primary"] <= group["primary"].min() + 1e-12]
        expected = best.sort_values(["move", "from_actor"], kind="stable").iloc[0]
        taken = group[group["taken"]]
        assert len(taken) == 1 and taken["from_actor"].item() == expected["from_actor"], (round_, to)
        checked += len(group) > 1
    assert checked > 0  # some actor had offers to choose between


def test_best_enforced_offer_differs_from_the_least_move():
    import dataclasses
    least = dataclasses.replace(b.READINGS["printed"], choice="classes")
    assert b.simulate(ec_inputs(), rounds=1, reading="printed").medians[1] == pytest.approx(100)
    assert b.simulate(ec_inputs(), rounds=1, reading=least).medians[1] == pytest.approx(50)


# --- rule 5: position update --------------------------------------------------------------------

@pytest.mark.parametrize("reading", ["replicating", "printed"])
def test_moves_follow_the_taken_offers_all_at_once(reading):
    sim = b.simulate(ec_inputs(), rounds=5, reading=reading)
    paths = sim.paths.set_index(["round", "actor_id"])["position"]
    for row in sim.offers.itertuples():
        before = paths[(row.round - 1, row.to_actor)]
        proposer = paths[(row.round - 1, row.from_actor)]
        if row.kind == "compromise":
            assert row.position == pytest.approx(before + (proposer - before) * abs(row.eu_to / row.eu_from))
        else:
            assert row.position == pytest.approx(proposer)
        if row.taken:
            assert paths[(row.round, row.to_actor)] == pytest.approx(row.position)
    offered = set(zip(sim.offers["round"], sim.offers["to_actor"]))
    for (round_, actor), position in paths.items():
        if round_ > 0 and (round_, actor) not in offered:
            assert position == paths[(round_ - 1, actor)]


def test_compromise_moves_part_way():
    assert b.offer_position("compromise", 10, 90, 0.5, -0.1) == pytest.approx(90 - 80 * 0.2)
    assert b.offer_position("confrontation", 10, 90, 0.5, 0.2) == 10


# --- rule 6: stopping -----------------------------------------------------------------------------

QUIET_FIRST_ROUND = frame(("a", 20, 80, 10), ("b", 80, 50, 20), ("c", 50, 50, 20))


def test_a_quiet_round_does_not_stop_the_simulation():
    sim = b.simulate(QUIET_FIRST_ROUND, rounds=4)
    assert sim.rounds == 4 and len(sim.medians) == 5
    assert sim.medians[1] == sim.medians[0] == 50        # the median does not move in round 1 ...
    assert sim.medians[2] < 30 and sim.forecast < 30       # ... but positions did, and it moves in round 2


@pytest.mark.parametrize("rounds", [0, 1, 3, 7])
def test_exactly_the_rounds_asked_for(rounds):
    sim = b.simulate(QUIET_FIRST_ROUND, rounds=rounds)
    assert sim.rounds == rounds and len(sim.medians) == rounds + 1
    assert sorted(set(sim.paths["round"])) == list(range(rounds + 1))


def test_a_fixed_point_is_kept_to_the_last_round():
    sim = b.simulate(frame(("a", 20, 50, 50), ("b", 80, 50, 50)), rounds=6)
    assert sim.offers.empty and sim.medians == (50.0,) * 7
