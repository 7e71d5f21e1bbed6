"""DEU-format tables and the forecasting methods scored on them (issue 18).

The 3-issue table below is SYNTHETIC (made up for these tests, not DEU data); its scores are computed
by hand in the comments. The development-file tests read data/reference/deu3/deu3-dev.tsv.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parley.analysis import deu, methods
from parley.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "data" / "reference" / "deu3" / "deu3-dev.tsv"
HEADER = ["prnr", "isnr", "proc", "counvte", "intro", "finact",
          *(f"p{a}" for a in deu.ACTORS), *(f"s{a}" for a in deu.ACTORS), "rp", "out"]

# SYNTHETIC issues (not DEU data).
SYNTHETIC = [
    # Nice period, QMV: de 29 and lu 4 votes share the Council's 1 (29/33, 4/33); Commission 0.5; CNS: no EP.
    # weights: com 0.5 x 100, de 29/33 x 100, lu 4/33 x 100 -> mean = (0.5 + 4/33) / 1.5 x 100 = 41.414; out 50.
    {"prnr": "A", "isnr": "A1", "proc": "CNS", "counvte": "QMV", "intro": "01-01-09", "finact": "01-01-10",
     "pcom": "100", "scom": "100", "pde": "0", "sde": "100", "plu": "100", "slu": "100", "rp": "0", "out": "50"},
    # Unanimity: de and lu share the Council equally (0.5 each). weights com 50, de 50, lu 25 -> (50 x 100 +
    # 25 x 100) / 125 = 60; out 20.
    {"prnr": "A", "isnr": "A2", "proc": "CNS", "counvte": "Unan", "intro": "01-01-09", "finact": "999",
     "pcom": "0", "scom": "100", "pde": "100", "sde": "100", "plu": "100", "slu": "50", "out": "20"},
    # Double majority (2018), COD: de alone is the Council (1), EP 1, Commission 0.5.
    # weights ep 100, de 100, com 25 -> (100 x 100 + 25 x 40) / 225 = 48.889; out 50.
    {"prnr": "B", "isnr": "B1", "proc": "COD", "counvte": "QMV", "intro": "2017-04-18", "finact": "12-07-18",
     "pep": "100", "sep": "100", "pde": "0", "sde": "100", "pcom": "40", "scom": "50", "out": "50"},
    # No outcome: forecast, not scored.
    {"prnr": "B", "isnr": "B2", "proc": "COD", "counvte": "QMV", "intro": "01-01-17", "finact": "",
     "pep": "10", "sep": "100", "pde": "20", "sde": "100"},
]


def write_table(path: Path, rows, header=HEADER, gdp=True) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(header)
        if gdp:
            writer.writerow(["" if not c.startswith("p") or c == "prnr" else "1.5" for c in header])
        for row in rows:
            handle.write("\t".join(row.get(c, "") for c in header) + "\n")
    return path


@pytest.fixture
def synthetic(tmp_path) -> deu.Table:
    return deu.read(write_table(tmp_path / "synthetic.tsv", SYNTHETIC))


def test_synthetic_table_is_read_as_given(synthetic):
    assert [i.issue_id for i in synthetic.issues] == ["A1", "A2", "B1", "B2"]
    assert [i.issue_id for i in synthetic.scored] == ["A1", "A2", "B1"]
    assert synthetic.proposals == ["A", "B"]
    assert synthetic.gdp["com"] == 1.5
    a1, a2, b1, _ = synthetic.issues
    assert a1.date.year == 2010 and a2.date.year == 2009          # finact, else intro ("999" is missing)
    assert b1.date.isoformat() == "2018-07-12"
    assert a1.rp == 0 and a2.rp is None and a2.unanimity
    assert deu.capabilities(a1) == pytest.approx({"com": 0.5, "de": 29 / 33, "lu": 4 / 33})
    assert deu.capabilities(a2) == pytest.approx({"com": 0.5, "de": 0.5, "lu": 0.5})
    assert deu.capabilities(b1) == pytest.approx({"com": 0.5, "ep": 1.0, "de": 1.0})


def test_synthetic_scores_match_hand_computation(synthetic):
    result = methods.score(synthetic, draws=200)
    errors = [abs((0.5 + 4 / 33) / 1.5 * 100 - 50), abs(60 - 20), abs(11000 / 225 - 50)]
    wm = result["methods"]["weighted_mean"]
    assert wm["mae"] == pytest.approx(sum(errors) / 3, abs=1e-3)
    assert wm["within10"] == pytest.approx(2 / 3, abs=1e-3) and wm["n"] == 3
    # constant 50: errors 0, 30, 0; midpoint of the extremes (0 and 100 in all three): the same.
    for name in ("constant_50", "midpoint"):
        assert result["methods"][name]["mae"] == pytest.approx(10.0)
    # status quo: only A1 has a reference point (0), outcome 50.
    assert result["methods"]["status_quo"] == {**result["methods"]["status_quo"], "mae": 50.0, "n": 1}
    assert result["difference"]["constant_50"]["mae"] == pytest.approx(10.0 - sum(errors) / 3, abs=1e-3)
    # Too few other proposals' errors for an 80% quantile (1 and 2 errors): no interval, coverage null.
    assert wm["coverage80"] is None and wm["width80"] is None
    assert result["n"] == 3 and result["skipped"] == [] and result["proposals"] == 2
    assert result["headline"] in methods.METHODS


def test_conformal_quantile_is_the_ceil_level_n_plus_1_smallest():
    assert methods.conformal_quantile(list(range(1, 11))) == 9      # ceil(0.8 x 11) = 9th
    assert methods.conformal_quantile([5.0, 1.0, 3.0]) is None       # ceil(0.8 x 4) = 4 > 3
    assert methods.interval(95.0, 10.0) == (85.0, 100.0)


def test_bootstrap_resamples_whole_proposals():
    # P1 has three issues with difference 1, P2 one with 0: resampling proposals gives means 0, 3/4 or 1 only;
    # resampling issues would also give 1/4 and 1/2.
    difference = pd.Series([1.0, 1.0, 1.0, 0.0], index=list("abcd"))
    proposal = pd.Series(["P1", "P1", "P1", "P2"], index=list("abcd"))
    means = methods.bootstrap_means(difference, proposal, draws=500, seed=3)
    assert set(np.round(means, 9)) == {0.0, 0.75, 1.0}
    low, high = methods.proposal_bootstrap(difference, proposal, draws=500, seed=3)
    assert low == 0.0 and high == 1.0


def test_constant_50_equals_a_plain_computation_on_the_development_file():
    with open(DEV, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))[1:]          # the second row holds GDP figures
    outcomes = [float(r["out"]) for r in rows if r["out"].strip()]
    plain = sum(abs(o - 50) for o in outcomes) / len(outcomes)
    table = deu.read(DEV)
    errors = (methods.forecasts(table, ["constant_50"])["constant_50"]
              - pd.Series({i.issue_id: i.out for i in table.scored})).abs().dropna()
    assert len(errors) == len(outcomes) == 155
    assert errors.mean() == pytest.approx(plain)


def test_no_method_reads_the_outcome(synthetic):
    table = deu.read(DEV)
    table = deu.Table(table.path, table.issues[:24])
    scrambled = deu.Table(table.path, [dataclasses.replace(i, out=(100 - i.out if i.out is not None else 7.0))
                                       for i in table.issues])
    names = list(methods.METHODS)
    before, after = methods.forecasts(table, names), methods.forecasts(scrambled, names)
    pd.testing.assert_frame_equal(before, after)
    # The tuned variant learns from the other proposals only: scrambling one proposal's outcomes leaves its
    # own forecasts unchanged.
    first = table.issues[0].proposal
    mine = deu.Table(table.path, [dataclasses.replace(i, out=(0.0 if i.proposal == first else i.out))
                                  for i in table.issues])
    ids = [i.issue_id for i in table.issues if i.proposal == first]
    pd.testing.assert_series_equal(methods.cross_validated(table)[ids], methods.cross_validated(mine)[ids])


def test_stored_headline_record_matches_the_development_file():
    record = methods.record()
    assert record["headline"] == methods.calibration(deu.read(DEV), record["headline"]["method"])
    assert record["headline"]["method"] in methods.METHODS and methods.METHODS[record["headline"]["method"]].candidate


@pytest.mark.parametrize("change, expected", [
    ({"pde": "120"}, "3: pde: 120 is outside 0-100"),
    ({"sfr": "abc"}, "3: sfr: 'abc' is not a number"),
    ({"out": "-5"}, "3: out: -5 is outside 0-100"),
    ({"prnr": ""}, "3: prnr: missing"),
])
def test_bad_cells_are_located(tmp_path, change, expected):
    rows = [{**SYNTHETIC[0], **change}, *SYNTHETIC[1:]]
    path = write_table(tmp_path / "bad.tsv", rows)
    with pytest.raises(DataError) as error:
        deu.read(path)
    assert f"{path}:{expected}" in str(error.value)


def test_missing_columns_and_every_problem_at_once(tmp_path):
    path = write_table(tmp_path / "cols.tsv", SYNTHETIC, header=[c for c in HEADER if c not in ("out", "pde")])
    with pytest.raises(DataError) as error:
        deu.read(path)
    assert f"{path}:1: out: missing column" in str(error.value)
    assert f"{path}:1: pde: missing column" in str(error.value)
    rows = [{**SYNTHETIC[0], "pde": "200"}, {**SYNTHETIC[1], "slu": "x"}]
    path = write_table(tmp_path / "two.tsv", rows)
    with pytest.raises(DataError) as error:
        deu.read(path)
    assert len(error.value.problems) == 2 and {p.line for p in error.value.problems} == {3, 4}


def test_codes_and_dates_are_taken_as_given_and_a_row_without_positions_is_still_scored(tmp_path):
    rows = [{**SYNTHETIC[0], "counvte": "unanimity", "proc": "SYN", "finact": "31-31-31", "intro": "soon"},
            {"prnr": "C", "isnr": "C1", "proc": "COD", "counvte": "QMV", "out": "70"}, *SYNTHETIC[1:]]
    table = deu.read(write_table(tmp_path / "given.tsv", rows))
    odd, empty = table.issues[:2]
    assert odd.unanimity and odd.date is None and deu.capabilities(odd)["de"] == 0.5
    assert empty.positions == {} and empty.out == 70
    result = methods.score(table, draws=100)
    assert result["n"] == 4 and result["skipped"] == []                  # constant_50 scores the empty row
    assert result["methods"]["constant_50"]["n"] == 4 and result["methods"]["weighted_mean"]["n"] == 3


def test_dates_shifted_by_a_spreadsheet_are_read_back():
    assert deu.parse_date("2014-07-04").isoformat() == "2004-07-14"
    assert deu.parse_date("1930-05-05").isoformat() == "2005-05-30"
    assert deu.parse_date("14-12-1999").isoformat() == "1999-12-14"
    assert deu.parse_date("999") is None
    with pytest.raises(ValueError):
        deu.parse_date("next week")


def test_council_weights_follow_the_rules_in_force():
    import datetime as dt
    assert deu.council_votes(dt.date(2000, 1, 1))["de"] == 10 and sum(deu.VOTES_EU15.values()) == 87
    assert deu.council_votes(dt.date(2010, 1, 1))["de"] == 29 and sum(deu.VOTES_NICE.values()) == 352
    assert deu.council_votes(dt.date(2018, 1, 1))["de"] == pytest.approx(15.93)
    assert sum(deu.POPULATION_2016.values()) == pytest.approx(100, abs=0.1)
    assert not math.isnan(methods.nash(methods.Case(pd.DataFrame(
        {"actor_id": ["a", "b"], "position": [0.0, 100.0], "salience": [50.0, 50.0], "capability": [1.0, 1.0]}))))


def test_headline_of_a_conflict_issue_is_the_recorded_method_with_its_calibrated_interval():
    frame = pd.DataFrame({"actor_id": ["a", "b"], "position": [0.0, 100.0], "salience": [50.0, 100.0],
                          "capability": [1.0, 1.0]})
    stored = {"headline": {"method": "weighted_mean", "half_width80": 40.0}}
    found = methods.headline(frame, stored)
    assert found["method"] == "weighted_mean"
    assert found["forecast"] == pytest.approx(200 / 3)
    assert found["interval"] == pytest.approx((200 / 3 - 40, 100.0))      # clipped at the top of the scale
    assert methods.headline(frame.iloc[:0], stored) == {"method": "weighted_mean", "forecast": None, "interval": None}


def test_cli_benchmark_json_keys_and_table(tmp_path, capsys):
    import json

    from parley import cli
    path = write_table(tmp_path / "synthetic.tsv", SYNTHETIC)
    assert cli.main(["benchmark", "deu3", str(path), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"n", "skipped", "proposals", "headline", "methods", "difference"} <= set(result)
    assert result["n"] == 3 and result["skipped"] == [] and result["proposals"] == 2
    assert set(result["methods"]) == {*methods.METHODS, methods.CV_METHOD} == set(result["difference"])
    for scores in result["methods"].values():
        assert set(scores) == {"mae", "within10", "n", "coverage80", "width80"}
    assert set(result["difference"]["bdm"]) == {"mae", "low95", "high95", "n"}
    assert cli.main(["benchmark", "deu3", str(path)]) == 0
    text = capsys.readouterr().out
    assert "headline: " in text and all(f"\n{name} " in text for name in methods.METHODS)


def test_cli_benchmark_bad_file_is_one_line_per_problem_and_exit_1(tmp_path, capsys):
    from parley import cli
    path = write_table(tmp_path / "bad.tsv", [{**SYNTHETIC[0], "pde": "120"}, {**SYNTHETIC[1], "sfr": "abc"}])
    assert cli.main(["benchmark", "deu3", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{path}:3: pde: 120 is outside 0-100" in captured.err and f"{path}:4: sfr: 'abc' is not a number" in captured.err
    assert "Traceback" not in captured.err
    assert cli.main(["benchmark", "deu3", str(tmp_path / "none.tsv")]) == 1
    assert "no such file" in capsys.readouterr().err
