"""parley.analysis.bargaining (and the Prospects section built on it): hand-computable cases first."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import append_row

from parley import cli
from parley.analysis import bargaining as b
from parley.analysis import forecast as fc
from parley.analysis import methods
from parley.data.load import load_conflict
from parley.report import prospects
from parley.report.briefing import Briefing

ROOT = Path(__file__).resolve().parents[2]
RUSSIA_UKRAINE = ROOT / "data" / "russia-ukraine"
KOREA = ROOT / "tests" / "fixtures" / "korea-1950"
EC = ROOT / "data" / "reference" / "ec-emissions-1994"
DAY = "2025-05-31"


def frame(*rows) -> pd.DataFrame:
    """Actors of one issue: (actor_id, position, salience, capability)."""
    return pd.DataFrame(rows, columns=["actor_id", "position", "salience", "capability"]).astype(
        {"position": float, "salience": float, "capability": float})


def positions_by_round(sim: b.Simulation) -> pd.DataFrame:
    return sim.paths.pivot(index="actor_id", columns="round", values="position")


# --- weighted centre ----------------------------------------------------------------------------

def test_weighted_mean_and_median_by_hand():
    f = frame(("a", 0, 100, 30), ("b", 60, 100, 10), ("c", 100, 100, 20))  # weights 3000, 1000, 2000
    assert b.weighted_mean(f) == pytest.approx((60 * 1000 + 100 * 2000) / 6000)
    assert b.weighted_median(f) == 30  # weight 3000 at 0 is exactly half: every point of 0-60 ties, midpoint 30


@pytest.mark.parametrize("rows, median", [
    ((("a", 0, 100, 30), ("b", 60, 100, 10), ("c", 100, 100, 20)), 30),
    ((("a", 20, 50, 50), ("b", 80, 50, 50)), 50),
    ((("a", 0, 100, 10), ("b", 60, 100, 10), ("c", 100, 100, 20)), 80),
    ((("a", 0, 100, 10), ("b", 60, 100, 10), ("c", 100, 100, 19)), 60),   # no tie: the plain median
])
def test_a_tied_median_takes_no_side(rows, median):
    f = frame(*rows)
    mirrored = f.assign(position=100 - f["position"])
    assert b.weighted_median(f) == median
    assert b.weighted_median(mirrored) == 100 - median  # the same answer read from the other end of the scale


def test_median_is_not_the_mean():
    f = frame(("a", 0, 100, 10), ("b", 10, 100, 10), ("c", 100, 100, 10))
    assert b.weighted_median(f) == 10
    assert b.weighted_mean(f) == pytest.approx(110 / 3)


def test_moving_a_far_actor_further_out_does_not_move_the_median():
    near = frame(("a", 10, 80, 40), ("b", 40, 80, 40), ("c", 60, 80, 40), ("d", 70, 50, 10))
    far = near.assign(position=near["position"].where(near["actor_id"] != "d", 100.0))
    assert b.weighted_median(far) == b.weighted_median(near) == 40
    assert b.weighted_mean(far) > b.weighted_mean(near)  # the mean does move: that is the difference


def test_empty_and_weightless_issues_have_no_centre():
    assert b.weighted_mean(frame()) is None and b.weighted_median(frame()) is None
    nobody = frame(("a", 10, 0, 50), ("b", 90, 80, 0))
    assert b.weighted_mean(nobody) is None and b.weighted_median(nobody) is None
    assert b.simulate(nobody).forecast is None


def test_inputs_leave_out_actors_without_capability(tmp_path):
    folder = tmp_path / "russia-ukraine"
    shutil.copytree(RUSSIA_UKRAINE, folder)
    append_row(folder / "positions.csv", actor_id="nato", issue_id="territory", date="2025-01-01", position="0",
               salience="90", statement="Test row for a NATO position", source="Test source 2025-01-01")
    conflict = load_conflict(folder)
    data = b.inputs_at(conflict, DAY)
    assert "nato" in set(conflict.positions["actor_id"])
    assert "nato" not in set(data["actor_id"]) and "nato" in b.left_out(conflict)
    assert list(data.columns) == b.INPUT_COLUMNS and data["capability"].notna().all()
    # the in-force rule: Ukraine's territory position of 2025-08-09 is not yet in force on 31 May
    ukraine = data[(data["actor_id"] == "ukraine") & (data["issue_id"] == "territory")]
    assert ukraine["position"].tolist() == [15.0]


# --- the expected-utility model, piece by piece -------------------------------------------------

def test_expected_utility_risk_neutral_closed_form():
    # with r = 1: U_s = 2d, U_f = -2d, U_sq = 0, so EU = 2d [s_j (2P - 1) + 1 - s_j]
    x, w, s = np.array([[0.0, 50.0, 100.0]]), np.array([[3.0, 1.0, 2.0]]), np.array([[0.4, 0.7, 0.9]])
    p = b.win_probabilities(x, w, "pair")
    eu = b.challenge_utilities(x, s, p, np.array([100.0]), 1.0)[0]
    assert eu[0, 2] == pytest.approx(2 * 1.0 * (0.9 * (2 * p[0, 0, 2] - 1) + 1 - 0.9))
    assert eu[1, 1] == 0.0  # same position: no contest
    # risk exponent 2, d = 1: U_s = 2, U_f = -2, U_sq = 1
    eu2 = b.challenge_utilities(x, s, p, np.array([100.0]), 2.0)[0]
    assert eu2[0, 2] == pytest.approx(0.9 * (p[0, 0, 2] * 2 - (1 - p[0, 0, 2]) * 2) + 0.1 * 2 - 1)


# --- the simulation on small cases --------------------------------------------------------------

def test_one_actor_keeps_its_position():
    sim = b.simulate(frame(("solo", 37, 60, 20)), rounds=3)
    assert sim.forecast == 37 and sim.offers.empty
    assert sim.paths["position"].tolist() == [37] * 4


def test_two_actors_weak_side_capitulates_by_hand():
    # printed reading. a: weight 100*100 = 10000 at 0; b: 10*50 = 500 at 100. P_a = 10000/10500 = 20/21.
    # Security across the actors: b is the more exposed (R = 1, r = 0.5), a the safer (R = -1, r = 2).
    # a's EU with its own r = 2 (d = 1): U_s = 2, U_f = -2, U_sq = 1:
    #   EU_ab = 0.5 (20/21*2 - 1/21*2) + 0.5*2 - 1 = 19/21
    # b's EU with its own r = 0.5: U_s = 2 - 4*0 = 2, U_f = 2 - 4*1 = -2, U_sq = 2 - 4*sqrt(0.5):
    #   EU_ba = 1 (1/21*2 - 20/21*2) - (2 - 4 sqrt(0.5)) = -38/21 - 2 + 2 sqrt(2)
    # so a gains less than b would lose: capitulation, b moves to 0.
    f = frame(("a", 0, 100, 100), ("b", 100, 50, 10))
    x, w, s = np.array([0.0, 100.0]), np.array([10000.0, 500.0]), np.array([1.0, 0.5])
    assert b.risk_exponents(x, w, s, "printed")[0].tolist() == pytest.approx([2.0, 0.5])
    sim = b.simulate(f, rounds=1, reading="printed")
    assert sim.offers[["from_actor", "to_actor", "kind"]].values.tolist() == [["a", "b", "capitulation"]]
    assert sim.offers["eu_from"].iloc[0] == pytest.approx(19 / 21)
    assert sim.offers["eu_to"].iloc[0] == pytest.approx(-38 / 21 - 2 + 2 * np.sqrt(2))
    assert positions_by_round(sim).loc["b"].tolist() == [100, 0]
    assert sim.forecast == 0
    # the replicating reading makes no capitulation offers: b is offered a compromise instead
    assert set(b.simulate(f, rounds=1).offers["kind"]) == {"compromise"}


def test_two_symmetric_actors_stay_put():
    sim = b.simulate(frame(("a", 20, 50, 50), ("b", 80, 50, 50)))
    assert sim.offers.empty
    assert positions_by_round(sim).loc[["a", "b"], sim.rounds].tolist() == [20, 80]
    f = frame(("a", 20, 50, 50), ("b", 80, 50, 50))
    assert b.weighted_mean(f) == 50 and b.weighted_median(f) == 50 == sim.forecast  # tie at half: the midpoint


def test_three_symmetric_actors_confrontation_to_the_centre():
    sim = b.simulate(frame(("a", 0, 50, 50), ("b", 50, 50, 50), ("c", 100, 50, 50)))
    assert set(sim.offers["kind"]) == {"confrontation"}
    assert sorted(sim.offers["to_actor"]) == ["a", "c"] and set(sim.offers["from_actor"]) == {"b"}
    assert positions_by_round(sim)[1].tolist() == [50, 50, 50]
    assert sim.forecast == 50


def test_symmetric_compromise_moves_both_sides_part_way():
    sim = b.simulate(frame(("a", 0, 50, 50), ("b", 100, 50, 50), ("c", 50, 80, 50)), rounds=1, reading="printed")
    offers = sim.offers.set_index("to_actor")
    assert set(offers["kind"]) == {"compromise"}
    fraction = abs(offers.at["a", "eu_to"] / offers.at["a", "eu_from"])
    assert 0 < fraction < 1
    after = positions_by_round(sim)[1]
    assert after["a"] == pytest.approx(50 * fraction)
    assert after["a"] + after["b"] == pytest.approx(100)  # symmetric
    assert sim.forecast == 50


def test_zero_salience_actor_has_no_influence():
    base = frame(("a", 0, 50, 50), ("b", 100, 50, 50), ("c", 50, 80, 50))
    with_ghost = pd.concat([base, frame(("ghost", 100, 0, 100))], ignore_index=True)
    sim, ghost = b.simulate(base), b.simulate(with_ghost)
    assert ghost.forecast == sim.forecast
    assert b.weighted_mean(with_ghost) == b.weighted_mean(base)
    assert b.weighted_median(with_ghost) == b.weighted_median(base)
    pd.testing.assert_frame_equal(positions_by_round(ghost).drop(index="ghost"), positions_by_round(sim))
    assert set(positions_by_round(ghost).loc["ghost"]) == {100}
    assert "ghost" not in set(ghost.offers["from_actor"]) | set(ghost.offers["to_actor"])


def test_scaling_every_capability_changes_nothing(conflict_of):
    data = b.inputs_at(conflict_of(RUSSIA_UKRAINE), DAY)
    for issue_id, f in data.groupby("issue_id"):
        scaled = f.assign(capability=f["capability"] * 7.5)
        one, other = b.simulate(f), b.simulate(scaled)
        assert other.forecast == pytest.approx(one.forecast), issue_id
        assert other.paths["position"].tolist() == pytest.approx(one.paths["position"].tolist()), issue_id
        assert b.weighted_mean(scaled) == pytest.approx(b.weighted_mean(f))
        assert b.weighted_median(scaled) == b.weighted_median(f)


def test_positions_stay_on_the_scale_and_between_the_stated_ones(conflict_of):
    data = b.inputs_at(conflict_of(RUSSIA_UKRAINE), DAY)
    for _, f in data.groupby("issue_id"):
        for reading in b.READINGS:
            sim = b.simulate(f, rounds=6, reading=reading)
            assert sim.rounds == 6 and len(sim.medians) == 7
            assert sim.paths["position"].between(f["position"].min(), f["position"].max()).all()


# --- the bargaining range -----------------------------------------------------------------------

TWO_SIDES = frame(("a", 0, 100, 50), ("b", 100, 100, 50))  # expected outcome of fighting: 50


def test_range_by_hand():
    # a accepts [0, 50 - g + c], b accepts [50 + g - c, 100]
    assert b.bargaining_range(TWO_SIDES, gains=5, cost=10) == (45, 55)
    assert b.bargaining_range(TWO_SIDES, gains=10, cost=10) == (50, 50)
    assert b.bargaining_range(TWO_SIDES, gains=20, cost=10) is None
    assert b.bargaining_range(TWO_SIDES, gains={"a": 0, "b": 0}, cost=10) == (40, 60)


def test_lower_salience_makes_fighting_costlier_and_zero_salience_accepts_anything():
    half = TWO_SIDES.assign(salience=[50.0, 100.0])
    # a's cost counts double (10 * 100/50): a accepts [0, 70], b [40, 100]
    assert b.bargaining_range(half, gains=0, cost=10, expected_outcome=50) == (40, 70)
    assert b.bargaining_range(half, gains=0, cost=10) == (round(200 / 3 - 10, 2), round(200 / 3 + 20, 2))  # weighted mean 66.67
    assert b.acceptable_interval(30, 0, 50, 10, 10) == (0, 100)


def test_expected_gains_stop_at_the_actors_own_position():
    # expected outcome 50, actor at 60: gains beyond 10 points cannot make fighting look better than 60
    assert b.acceptable_interval(60, 100, 50, 10, 5) == b.acceptable_interval(60, 100, 50, 80, 5) == (55, 65)


def test_range_closes_as_one_sides_expected_gains_rise():
    sweep = b.range_sweep(TWO_SIDES, "a", range(0, 41, 5), gains=0, cost=10)
    assert sweep["width"].is_monotonic_decreasing
    assert sweep["open"].iloc[0] and not sweep["open"].iloc[-1]
    assert sweep.loc[sweep["gains"] == 0, ["low", "high"]].values.tolist() == [[40, 60]]
    assert b.closing_gains(TWO_SIDES, "a", gains=0, cost=10) == 21  # open while 60 - g >= 40


def test_range_on_an_issue_with_one_or_no_actor():
    assert b.bargaining_range(frame()) is None
    assert b.bargaining_range(frame(("solo", 30, 50, 10))) is not None


# --- forecast(), the table and the command ------------------------------------------------------

ISSUE_KEYS = {"method", "weighted_mean", "weighted_median", "forecast", "medians", "interval", "sensitivity",
              "scenarios", "near_share", "dominant_actor", "dominance", "biggest_change", "actors"}


def check_shape(result: dict, day: str, rounds: int = b.DEFAULT_ROUNDS) -> None:
    assert set(result) == {"date", "method", "headline", "reading", "rounds", "draws", "issues"}
    assert result["date"] == day and result["method"] == methods.record()["headline"]["method"]
    for issue in result["issues"].values():
        assert set(issue) == ISSUE_KEYS and issue["method"] == result["method"]
        bdm = issue["scenarios"]["bdm"]
        assert bdm["medians"] == issue["medians"] and bdm["sensitivity"] == issue["sensitivity"]
        if bdm["forecast"] is not None:
            assert len(issue["medians"]) == rounds + 1 and issue["medians"][-1] == bdm["forecast"]
            assert issue["medians"][0] == issue["weighted_median"]
        if issue["forecast"] is not None:  # the headline with its calibrated interval, clipped to the scale
            half = result["headline"]["half_width80"]
            low, high = issue["interval"]
            assert abs(low - max(0.0, issue["forecast"] - half)) < 0.01
            assert abs(high - min(100.0, issue["forecast"] + half)) < 0.01
        for actor in issue["actors"].values():
            assert set(actor) == {"position", "salience", "capability", "weight_source", "weight_share",
                                  "forecast_path"}
            assert actor["forecast_path"][0] == actor["position"] and len(actor["forecast_path"]) == rounds + 1
            assert all(isinstance(p, float) and round(p, 2) == p for p in actor["forecast_path"])


def test_forecast_shape_and_consistency(conflict_of):
    conflict = conflict_of(RUSSIA_UKRAINE)
    result = fc.forecast(conflict, DAY)
    check_shape(result, DAY)
    assert list(result["issues"]) == list(conflict.issues["issue_id"])
    territory = result["issues"]["territory"]
    assert set(territory["actors"]) == {"eu", "russia", "ukraine", "us"}
    data = b.inputs_at(conflict, DAY)
    t = data[data["issue_id"] == "territory"]
    assert territory["weighted_mean"] == round(b.weighted_mean(t), 2)
    # the headline is the recorded method (the weighted mean): the same number
    assert territory["method"] == "weighted_mean" and territory["forecast"] == territory["weighted_mean"]
    # the expected-utility scenario is the median of the final positions, recomputed here from the reported paths
    final = pd.DataFrame([(a, v["forecast_path"][-1], v["salience"], v["capability"])
                          for a, v in territory["actors"].items()], columns=["actor_id", "position", "salience",
                                                                             "capability"])
    assert territory["scenarios"]["bdm"]["forecast"] == round(b.weighted_median(final), 2)


def test_forecast_of_an_issue_nobody_holds_yet(conflict_of):
    result = fc.forecast(conflict_of(RUSSIA_UKRAINE), "2014-01-01")
    assert all(v == {"method": "weighted_mean", "weighted_mean": None, "weighted_median": None, "forecast": None,
                     "medians": [], "interval": None, "sensitivity": None, "near_share": None,
                     "scenarios": {"bdm": {"forecast": None, "reading": "replicating", "rounds": 5, "medians": [],
                                           "sensitivity": None}},
                     "dominant_actor": None, "dominance": None, "biggest_change": None, "actors": {}}
               for v in result["issues"].values())
    assert "no actor with a capability figure" in fc.format_table(result)


@pytest.fixture
def capability_only(tmp_path):
    """Russia-Ukraine weighed by capability alone (no influence.csv): the US holds over half the weight."""
    folder = tmp_path / "russia-ukraine"
    shutil.copytree(RUSSIA_UKRAINE, folder)
    (folder / "influence.csv").unlink()
    return folder


def test_format_table_is_fixed_width_text(capability_only):
    text = fc.format_table(fc.forecast(load_conflict(capability_only), DAY))
    assert text.startswith(f"Forecast from the positions in force on {DAY}")
    assert re.search(r"^territory: forecast [\d.]+ \(weighted_mean\), 80% interval [\d.]+-[\d.]+; "
                     r"weighted median [\d.]+$", text, re.M)
    assert re.search(r"^  expected-utility scenario: [\d.]+ \(sensitivity to the inputs [\d.]+-[\d.]+\)$", text, re.M)
    assert re.search(r"^  dominant: us holds \d+% of the weight$", text, re.M)
    rows = [line for line in text.splitlines() if line.startswith("  russia ")]
    assert len(rows) == 6  # one per issue
    for line in rows:  # fixed columns: id, position, salience, weight, its source, then the path
        assert re.fullmatch(r"  russia {10}[ \d.]{9}[ \d.]{9}[ \d.]{8} capability  [\d.]+( -> [\d.]+)*", line), line


def test_cli_forecast_json(capsys, capability_only):
    assert cli.main(["forecast", str(capability_only), "--date", DAY, "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    check_shape(result, DAY)
    ceasefire = result["issues"]["ceasefire"]
    low, high = ceasefire["interval"]
    assert low <= ceasefire["forecast"] <= high and high - low > 1      # the calibrated interval
    low, high = ceasefire["sensitivity"]
    assert low <= ceasefire["scenarios"]["bdm"]["forecast"] <= high and high - low > 1  # input perturbation
    for issue in result["issues"].values():  # dominant: the actor with more than half the weight, else none
        over = [a for a, v in issue["actors"].items() if v["weight_share"] > 0.5]
        assert issue["dominant_actor"] == (over[0] if over else None)
    assert "us" in {issue["dominant_actor"] for issue in result["issues"].values()}
    assert result["draws"] == 200 and result["reading"] == "replicating"


def test_bundled_russia_ukraine_is_weighed_by_the_influence_in_force(capsys):
    """Each influence row holds from its valid_from (the date of its source): before it, capability weighs."""
    with open(RUSSIA_UKRAINE / "influence.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for day in (DAY, "2026-05-08"):
        assert cli.main(["forecast", str(RUSSIA_UKRAINE), "--date", day, "--format", "json", "--draws", "0"]) == 0
        result = json.loads(capsys.readouterr().out)
        in_force = {(r["actor_id"], r["issue_id"]) for r in rows if not r["valid_from"] or r["valid_from"] <= day}
        used = {(a, i) for i, issue in result["issues"].items() for a, v in issue["actors"].items()
                if v["weight_source"] == "influence"}
        weighed = {(a, i) for i, issue in result["issues"].items() for a in issue["actors"]}
        assert used == in_force & weighed
    assert used == weighed  # by the end of the data every row is in force


def test_cli_forecast_rounds_and_draws(capsys):
    assert cli.main(["forecast", str(EC), "--date", "1994-12-31", "--format", "json", "--rounds", "3",
                     "--draws", "50"]) == 0
    result = json.loads(capsys.readouterr().out)
    check_shape(result, "1994-12-31", rounds=3)
    delay = result["issues"]["delay"]
    assert [round(4 + m * 6 / 100, 1) for m in delay["medians"]] == [7.0, 8.4, 9.6, 10.0]
    assert delay["dominant_actor"] is None            # the largest Council member holds 21% of the weight
    assert cli.main(["forecast", str(EC), "--date", "1994-12-31", "--format", "json", "--draws", "0"]) == 0
    assert json.loads(capsys.readouterr().out)["issues"]["delay"]["sensitivity"] is None


@pytest.mark.parametrize("option, bad", [("--rounds", "-1"), ("--rounds", "two"), ("--draws", "1e3"),
                                         ("--reading", "loose")])
def test_cli_forecast_refuses_bad_counts(capsys, option, bad):
    assert cli.main(["forecast", str(RUSSIA_UKRAINE), "--date", DAY, option, bad]) == 1
    assert capsys.readouterr().err.startswith(f"error: {option}")


def test_the_interval_is_seeded_and_settable(conflict_of):
    conflict = conflict_of(RUSSIA_UKRAINE)
    one, two = fc.forecast(conflict, DAY, draws=100), fc.forecast(conflict, DAY, draws=100)
    assert one == two
    still = fc.forecast(conflict, DAY, draws=100, spread={"position": 0, "salience": 0, "influence": 0})
    assert all(v["sensitivity"] == [v["scenarios"]["bdm"]["forecast"]] * 2 for v in still["issues"].values())


@pytest.mark.parametrize("bad", ["2025-5-31", "2025-02-30", "tomorrow"])
def test_cli_forecast_refuses_a_malformed_date(capsys, bad):
    assert cli.main(["forecast", str(RUSSIA_UKRAINE), "--date", bad]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: --date") and captured.err.count("\n") == 1


def test_cli_forecast_refuses_an_unknown_format(capsys):
    assert cli.main(["forecast", str(RUSSIA_UKRAINE), "--date", DAY, "--format", "xml"]) == 1
    assert capsys.readouterr().err.startswith("error: --format")


# --- the Prospects section ----------------------------------------------------------------------

def renamed_copy(tmp_path: Path) -> Path:
    """russia-ukraine with other ids, a hostile display name, one issue held by one actor, one by none."""
    folder = tmp_path / "other-war"
    shutil.copytree(RUSSIA_UKRAINE, folder)
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\bukraine\b", "kyiv", re.sub(r"\brussia\b", "moscow", text))
        path.write_text(text, encoding="utf-8")
    actors = (folder / "actors.csv").read_text(encoding="utf-8").replace(",United States,", ",<script>x</script> & Co,")
    (folder / "actors.csv").write_text(actors, encoding="utf-8")
    positions = pd.read_csv(folder / "positions.csv", dtype=str, keep_default_na=False)
    keep = (positions["issue_id"] != "elections") | (positions["actor_id"] == "eu")
    positions[keep].to_csv(folder / "positions.csv", index=False)
    with open(folder / "issues.csv", "a", encoding="utf-8") as out:
        out.write("unheld,Nobody's issue,Low end,High end,\n")
    return folder


def test_prospects_for_another_conflict_folder(tmp_path):
    folder = renamed_copy(tmp_path)
    briefing = Briefing.open(folder, "", "", issues=["territory", "elections", "unheld"], period_label="2025-05")
    result = prospects.forecast(briefing)
    assert result["issues"]["elections"]["forecast"] == result["issues"]["elections"]["actors"]["eu"]["position"]
    assert result["issues"]["unheld"]["forecast"] is None
    assert set(prospects.forecast_by_issue(briefing, result)) == {"territory", "elections"}
    html = prospects.prospects_html(briefing, result=result)
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt; &amp; Co" in html
    assert "only European Union has a stated position (0) among the actors with a capability figure" in html
    assert "no chosen actor with a capability figure has a stated position" in html
    assert "<h3>Outside view" in html and re.search(r"\d+ \(\d+%\) ended\s+without a peace agreement", html)
    for fig in (prospects.paths_chart(briefing, result), prospects.sensitivity_chart(briefing),
                prospects.sensitivity_chart(briefing, "moscow", "salience"),
                prospects.sensitivity_chart(briefing, "eu"),  # elections: eu alone, so no forecast at x0
                briefing.stance_map(prospects.forecast_by_issue(briefing, result))):
        layout = fig.to_plotly_json()["layout"]
        assert layout["title"]["text"] and any(a["text"].startswith("Source:") for a in layout["annotations"])
        assert "<script>" not in fig.to_json()


def test_paths_chart_uses_the_actors_colours():
    briefing = Briefing.open(RUSSIA_UKRAINE, "", "", period_label="2025-05")
    fig = prospects.paths_chart(briefing)
    colours = {t.legendgroup: t.line.color for t in fig.data if t.legendgroup != "forecast"}
    assert colours == {a: briefing.conflict.colors[a] for a in ("eu", "russia", "ukraine", "us")}
    assert fig.layout.xaxis6.title.text == "round of the bargaining model"


def test_sensitivity_table_zero_capability_removes_the_actor(conflict_of):
    data = b.inputs_at(conflict_of(RUSSIA_UKRAINE), DAY)
    table = prospects.sensitivity_table(data, "us", "capability", factors=(0.0, 1.0))
    without_us = data[data["actor_id"] != "us"]
    for issue_id, f in without_us.groupby("issue_id"):
        got = table[(table["factor"] == 0.0) & (table["issue_id"] == issue_id)]["forecast"].item()
        assert got == b.simulate(f).forecast


@pytest.mark.skipif(not KOREA.is_dir(), reason="korea-1950 fixture not present")
def test_prospects_for_korea():
    briefing = Briefing.open(KOREA, "", "", period_label="1953-07")
    html = prospects.prospects_html(briefing)
    assert "<h2>Prospects</h2>" in html and "United Nations Command" in html
    prospects.paths_chart(briefing)
    prospects.sensitivity_chart(briefing)


def test_range_sweep_matches_bargaining_range_at_every_value():
    import pandas as pd

    from parley.analysis import bargaining
    frame = pd.DataFrame({"actor_id": ["a", "b", "c"], "position": [0.0, 100.0, 60.0],
                          "salience": [90.0, 70.0, 40.0], "capability": [30.0, 60.0, 10.0]})
    sweep = bargaining.range_sweep(frame, "b", range(0, 101, 7))
    for row in sweep.itertuples():
        gains = {"a": bargaining.DEFAULT_GAINS, "b": row.gains, "c": bargaining.DEFAULT_GAINS}
        expected = bargaining.bargaining_range(frame, gains)
        assert (expected is not None) == row.open
        if expected:
            assert (row.low, row.high) == expected
