"""parley.analysis.uncertainty and what the Prospects section says with it: interval, dominance, single biggest change."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parley.analysis import bargaining as b
from parley.analysis import uncertainty
from parley.data.load import load_conflict
from parley.report import prospects
from parley.report.briefing import Briefing

ROOT = Path(__file__).resolve().parents[2]
RUSSIA_UKRAINE = ROOT / "data" / "russia-ukraine"
DAY = "2025-05-31"


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["actor_id", "position", "salience", "capability"]).astype(
        {"position": float, "salience": float, "capability": float})


def issue(issue_id: str) -> pd.DataFrame:
    data = b.inputs_at(load_conflict(RUSSIA_UKRAINE), DAY)
    return data[data["issue_id"] == issue_id]


def test_draws_stay_within_the_spread_and_are_seeded():
    data = uncertainty.Arrays.of(issue("territory"))
    one = uncertainty.draw_inputs(data, 500, seed=7)
    assert all(np.array_equal(a, c) for a, c in zip(one, uncertainty.draw_inputs(data, 500, seed=7)))
    position, salience, capability = one
    assert (np.abs(position - data.position) <= 10 + 1e-9).all() and position.min() >= 0 and position.max() <= 100
    assert (np.abs(salience / data.salience - 1) <= 0.2 + 1e-9).all() or (salience == 100).any()
    assert (np.abs(capability / data.capability - 1) <= 0.25 + 1e-9).all()
    assert np.abs(capability / data.capability - 1).max() > 0.2   # the spread is used, not just its centre


def test_interval_is_the_spread_of_the_draws():
    f = issue("sanctions")
    found = uncertainty.assess(f, "sanctions", draws=300)
    data = uncertainty.Arrays.of(f)
    inputs = uncertainty.draw_inputs(data, 300, seed=uncertainty._seed("sanctions", uncertainty.DEFAULT_SEED))
    medians = uncertainty.final_medians(*inputs)
    assert found["sensitivity"] == pytest.approx(tuple(np.percentile(medians, (10, 90))))
    assert found["near_share"] == pytest.approx(np.mean(np.abs(medians - np.median(medians)) <= 10))
    # each draw's forecast is the one simulate() gives for those inputs
    for k in (0, 17, 299):
        varied = pd.DataFrame({"actor_id": data.ids, "position": inputs[0][k], "salience": inputs[1][k],
                               "capability": inputs[2][k]})
        assert medians[k] == pytest.approx(b.simulate(varied).forecast)


def test_no_spread_no_interval_width():
    found = uncertainty.assess(issue("ceasefire"), "ceasefire", draws=50,
                               spread={"position": 0, "salience": 0, "influence": 0})
    assert found["sensitivity"][0] == found["sensitivity"][1] == b.simulate(issue("ceasefire")).forecast


def test_dominance_names_the_actor_and_where_the_forecast_changes():
    # the 2025-05-31 ceasefire inputs before influence.csv (SIPRI capability): the US holds 53% of the weight
    f = frame(("eu", 0, 90, 38), ("russia", 95, 85, 15), ("ukraine", 0, 90, 6), ("us", 40, 60, 100))
    found = uncertainty.assess(f, draws=0)["dominance"]
    shares = uncertainty.weight_shares(f)
    assert found["actor_id"] == "us" and found["share"] == pytest.approx(shares["us"]) and shares["us"] > 0.5
    assert found["forecast_without"] == b.simulate(f[f["actor_id"] != "us"]).forecast

    def with_us(factor):
        return b.simulate(f.assign(capability=np.where(f["actor_id"] == "us", f["capability"] * factor,
                                                       f["capability"]))).forecast

    base, at = with_us(1.0), found["changes_at"]
    assert 0 < at < 1
    assert abs(with_us(at) - base) >= 0.5 and with_us(at) == pytest.approx(found["forecast_then"])
    assert abs(with_us(round(at + 0.01, 2)) - base) < 0.5   # the largest such factor


def test_no_dominance_below_half_the_weight():
    f = frame(("a", 0, 50, 40), ("b", 100, 50, 40), ("c", 50, 50, 19))
    assert uncertainty.assess(f, draws=0)["dominance"] is None
    assert uncertainty.assess(f.assign(capability=[40, 40, 81]), draws=0)["dominance"]["actor_id"] == "c"


def test_biggest_single_change_is_the_largest_of_all_one_input_changes():
    f = issue("sanctions")
    found = uncertainty.assess(f, draws=0)["biggest_change"]
    base = b.simulate(f).forecast
    moves = {}
    for row in f.itertuples():
        for what, column, changes in (("position", "position", (-10, 10)), ("salience", "salience", (-0.2, 0.2)),
                                      ("influence", "capability", (-0.25, 0.25))):
            for change in changes:
                varied = f.copy()
                mine = varied["actor_id"] == row.actor_id
                if what == "position":
                    varied.loc[mine, column] = np.clip(varied.loc[mine, column] + change, 0, 100)
                else:
                    varied.loc[mine, column] = np.minimum(varied.loc[mine, column] * (1 + change),
                                                          100 if what == "salience" else np.inf)
                moves[(row.actor_id, what, change)] = b.simulate(varied).forecast - base
    largest = max(abs(m) for m in moves.values())
    assert abs(found["move"]) == pytest.approx(largest)
    assert moves[(found["actor_id"], found["input"], found["change"])] == pytest.approx(found["move"])


def test_prospects_text_states_inputs_dominance_interval_and_biggest_change(tmp_path):
    folder = tmp_path / "russia-ukraine"  # weighed by capability alone (no influence.csv): the US dominates issues
    shutil.copytree(RUSSIA_UKRAINE, folder)
    (folder / "influence.csv").unlink()
    briefing = Briefing.open(folder, "", "", period_label="2025-05")
    result = prospects.forecast(briefing)
    html = prospects.prospects_html(briefing, result=result)
    text = re.sub(r"<[^>]+>", "", html)
    assert "issues weighed by capability" in text and "100: SIPRI military expenditure 2024: 997 bn USD" in text
    dominated = [v for v in result["issues"].values() if v["dominance"] is not None]
    assert dominated and all(v["dominance"]["actor_id"] == "us" for v in dominated)
    issue = dominated[0]
    low, high = issue["interval"]
    assert "(weighted mean), " in text and f"80% interval {low:.0f}-{high:.0f}" in text
    low, high = issue["sensitivity"]
    assert f"Sensitivity of the scenario to the inputs: {low:.0f}-{high:.0f}" in text
    share = issue["dominance"]["share"] * 100
    assert f"United States holds {share:.0f}% of the weight on this issue" in text
    assert f"without United States the scenario would end at {issue['dominance']['forecast_without']:.0f}" in text
    assert "so the scenario ends at its own position" in text
    assert "the single input change within those ranges that moves the scenario most" in text
    # the lead: which method, why (its development score), what the interval means; never "confidence interval"
    lead = result["headline"]
    assert (f"It leads because, on {lead['n']} decided EU legislative issues with known outcomes (DEU III development "
            f"half), it missed the outcome by {lead['mae']:.1f} points on average") in text
    assert "in 8 of 10 past issues the outcome fell inside such a band" in text
    assert f"measured coverage {lead['coverage80'] * 100:.0f}%" in text
    assert "not a confidence interval" in text and "80% interval comes from" not in text


def test_stance_map_shows_the_interval_as_an_error_bar():
    briefing = Briefing.open(RUSSIA_UKRAINE, "", "", period_label="2025-05")
    result = prospects.forecast(briefing)
    fig = briefing.stance_map(prospects.forecast_by_issue(briefing, result),
                              prospects.intervals_by_issue(briefing, result))
    cross = [t for t in fig.data if t.name.startswith("forecast")][0]
    for x, plus, minus, text in zip(cross.x, cross.error_x.array, cross.error_x.arrayminus, cross.hovertext):
        low, high = re.search(r"80% interval (\d+)-(\d+)", text).groups()
        assert round(x - minus) == int(low) and round(x + plus) == int(high)
    plain = briefing.stance_map(prospects.forecast_by_issue(briefing, result))
    assert [t for t in plain.data if t.name == "forecast"][0].error_x.array is None


def test_prospects_inputs_say_where_each_weight_comes_from(tmp_path):
    import shutil
    folder = tmp_path / "korea-1950"
    shutil.copytree(ROOT / "tests" / "fixtures" / "korea-1950", folder)
    shutil.copy(ROOT / "tests" / "fixtures" / "influence" / "korea-1950.csv", folder / "influence.csv")
    briefing = Briefing.open(folder, "", "", period_label="1953-07")
    html = prospects.prospects_html(briefing)
    text = re.sub(r"<[^>]+>", "", html)
    assert "influence.csv where the data give one (3 actor-issue pairs)" in text
    assert re.search(r"95 \(holds a veto\): Test fixture, not a coding", text)
    result = prospects.forecast(briefing)
    assert result["issues"]["pow_repatriation"]["actors"]["south_korea"]["capability"] == 95
