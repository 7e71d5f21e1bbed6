"""The backtest: scoring by hand on a synthetic case, no look-ahead, missing horizons, CLI, outcome.csv errors,
and the briefing's cached track record.

tests/fixtures/backtest-tiny is a SYNTHETIC fixture (invented numbers, not facts). Weights are capability x salience:
issue x: a 80 (40 x 50 = 2000), b 30 then 36 from 2000-09-01 (15 x 100 = 1500), c 56 (20 x 50 = 1000); total 4500,
no cumulative weight falls exactly on half (so every median rule agrees); status quo 20; outcome 64 on 2000-12-31.
Issue y: only a, 50 from 2000-09-01, 45 from 2001-03-01; no status quo; outcome 40 on 2001-06-30, so y has no
position 12 months before (2000-06-30). Actor d has no capability figure (the model leaves it out) and took the
positions 0 and 100 on both issues early in 1999, so each scale's ends are positions taken before the outcome
(docs/codebook.md). x's inputs at 6 months (2000-06-30) equal those at 12 months: the 6-month point is a repeat.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil

import pytest
from conftest import KOREA, TINY, read_rows, set_cell

from parley.analysis import backtest, bargaining
from parley.analysis.forecast import forecast
from parley.data import files, meta
from parley.data.load import load_conflict
from parley.errors import DataError, UsageError
from parley.report import prospects, sections, track_record
from parley.report.briefing import Briefing
from parley.report.charts import esc


def append(path, *lines):
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("".join(line + "\n" for line in lines))


def add_columns(path, **defaults):
    """Add columns to a CSV, every row taking the given default."""
    header, rows = read_rows(path)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header + list(defaults))
        writer.writerows(row + list(defaults.values()) for row in rows)


def point(result, issue_id, months):
    issue = next(i for i in result["cases"][0]["issues"] if i["issue_id"] == issue_id)
    return next(p for p in issue["horizons"] if p["months"] == months)


def guesses(p):
    return {m: b["forecast"] for m, b in p["baselines"].items()}


# --- scoring ------------------------------------------------------------------------------------

def test_baselines_and_errors_by_hand(conflict_of):
    result = backtest.backtest([conflict_of(TINY)])
    x12, x6, x1 = (point(result, "x", m) for m in (12, 6, 1))
    assert (x12["date"], x6["date"], x1["date"]) == ("1999-12-31", "2000-06-30", "2000-11-30")
    # mean (2000*80 + 1500*30 + 1000*56) / 4500 = 58; median: b 1500 < 2250 <= b + c 2500 -> 56; strongest a (2000) 80;
    # midpoint of the extremes in force (30, 80) 55; d holds 0 and 100 but has no weight, so it is not in force
    assert guesses(x12) == guesses(x6) == {"weighted_mean": 58, "starting_median": 56, "strongest_actor": 80,
                                           "status_quo": 20, "midpoint": 55, "constant_50": 50}
    # b moves to 36: mean (160000 + 54000 + 56000) / 4500 = 60, midpoint (36 + 80) / 2 = 58
    assert guesses(x1) == {"weighted_mean": 60, "starting_median": 56, "strongest_actor": 80, "status_quo": 20,
                           "midpoint": 58, "constant_50": 50}
    assert {m: b["error"] for m, b in x1["baselines"].items()} == {"weighted_mean": 4, "starting_median": 8,
                                                                    "strongest_actor": 16, "status_quo": 44,
                                                                    "midpoint": 6, "constant_50": 14}
    y6, y1 = point(result, "y", 6), point(result, "y", 1)
    assert (y6["date"], y1["date"]) == ("2000-12-30", "2001-05-30")
    assert (y6["forecast"], y6["error"], y1["forecast"], y1["error"]) == (50, 10, 45, 5)  # one actor: its position
    assert y6["baselines"]["status_quo"] == {"forecast": None, "error": None}


def test_a_horizon_whose_inputs_equal_the_previous_ones_is_a_repeat(conflict_of):
    result = backtest.backtest([conflict_of(TINY)])
    assert [point(result, "x", m)["repeat"] for m in (12, 6, 1)] == [False, True, False]
    assert [point(result, "y", m)["repeat"] for m in (12, 6, 1)] == [False, False, False]  # y12 is missing


def test_a_changed_input_is_not_a_repeat(tiny_copy):
    set_cell(tiny_copy / "positions.csv", 3, "date", "2000-03-01")  # b moves to 36 before the 6-month day
    result = backtest.backtest([load_conflict(tiny_copy)])
    assert [point(result, "x", m)["repeat"] for m in (12, 6, 1)] == [False, False, True]


def test_pooled_summary_by_hand(conflict_of):
    conflict = conflict_of(TINY)
    result = backtest.backtest([conflict])
    summary = result["summary"]
    # distinct points x12, x1, y6, y1 (x6 repeats x12): mean 6, 4, 10, 5; median 8, 8, 10, 5; strongest 16, 16, 10,
    # 5; midpoint 9, 6, 10, 5; constant 50: 14, 14, 10, 10; status quo 44 x 2 (y has none)
    assert summary["weighted_mean"] | {"ci95": None} == {"mae": 6.25, "within10": 1.0, "n": 4, "n_repeats": 1,
                                                         "ci95": None}
    assert summary["starting_median"]["mae"] == 7.75
    assert (summary["strongest_actor"]["mae"], summary["strongest_actor"]["within10"]) == (11.75, 0.5)
    assert (summary["status_quo"]["mae"], summary["status_quo"]["n"], summary["status_quo"]["n_repeats"]) == (44, 2, 1)
    assert (summary["midpoint"]["mae"], summary["midpoint"]["within10"]) == (7.5, 1.0)  # an error of 10 is within
    assert (summary["constant_50"]["mae"], summary["constant_50"]["within10"]) == (12.0, 0.5)
    assert summary["weighted_mean"]["ci95"] is None  # one case: no interval from resampling cases
    # the model's x forecasts come from the model itself; y has one actor, so its forecast is that actor's position
    x_errors = [abs(forecast(conflict, day)["issues"]["x"]["scenarios"]["bdm"]["forecast"] - 64)
                for day in ("1999-12-31", "2000-11-30")]
    errors = x_errors + [10, 5]
    assert summary["model"]["mae"] == round(sum(errors) / 4, 2) and summary["model"]["n"] == 4
    by = {h["months"]: h["summary"]["weighted_mean"] for h in result["summary_by_horizon"]}
    assert by == {12: {"mae": 6.0, "within10": 1.0, "n": 1, "n_repeats": 0},
                  6: {"mae": 8.0, "within10": 1.0, "n": 2, "n_repeats": 1},  # each horizon scores its repeat
                  1: {"mae": 4.5, "within10": 1.0, "n": 2, "n_repeats": 0}}
    own = result["cases"][0]["summary"]
    assert own == {m: {k: v for k, v in s.items() if k != "ci95"} for m, s in summary.items()}
    assert result["difference"]["constant_50"]["mae"] == round(12.0 - 6.25, 2)
    assert result["difference"]["weighted_mean"]["mae"] == 0


def test_the_interval_resamples_cases_not_forecasts(tiny_copy, conflict_of):
    two = backtest.backtest([conflict_of(TINY), conflict_of(TINY)])
    assert two["summary"]["weighted_mean"] == {"mae": 6.25, "within10": 1.0, "n": 8, "n_repeats": 2,
                                               "ci95": [6.25, 6.25]}  # identical cases: every resample is alike
    set_cell(tiny_copy / "outcome.csv", 0, "outcome", "90")  # a second, different case
    mixed = backtest.backtest([conflict_of(TINY), load_conflict(tiny_copy)])
    low, high = mixed["summary"]["weighted_mean"]["ci95"]
    assert low < mixed["summary"]["weighted_mean"]["mae"] < high
    d = mixed["difference"]["constant_50"]
    assert d["mae"] == round(mixed["summary"]["constant_50"]["mae"] - mixed["summary"]["weighted_mean"]["mae"], 2)
    assert d["ci95"][0] <= d["mae"] <= d["ci95"][1] and d["n"] == 8


def test_a_failed_negotiation_is_scored_as_deal_or_no_deal_not_as_a_point(tiny_copy):
    add_columns(tiny_copy / "outcome.csv", deal="true")
    set_cell(tiny_copy / "outcome.csv", 1, "deal", "false")
    set_cell(tiny_copy / "outcome.csv", 1, "outcome", "")
    result = backtest.backtest([load_conflict(tiny_copy)])
    y = next(i for i in result["cases"][0]["issues"] if i["issue_id"] == "y")
    assert y["deal"] is False and y["outcome"] is None
    assert all(p["error"] is None and all(b["error"] is None for b in p["baselines"].values()) for p in y["horizons"])
    assert result["summary"]["weighted_mean"]["n"] == 2  # x12 and x1; y is not a point
    conflict = load_conflict(tiny_copy)
    open_x = [bargaining.bargaining_range(bargaining.inputs_at(conflict, day).query("issue_id == 'x'")) is not None
              for day in ("1999-12-31", "2000-06-30", "2000-11-30")]
    open_y = [bargaining.bargaining_range(bargaining.inputs_at(conflict, day).query("issue_id == 'y'")) is not None
              for day in ("2000-12-30", "2001-05-30")]
    deal = result["deal"]
    assert (deal["issues"], deal["no_deal"]) == (2, 1)
    at6 = next(r for r in deal["by_horizon"] if r["months"] == 6)
    assert at6["n"] == 2 and at6["counts"]["no_deal"] == {"forecast_deal": int(open_y[0]),
                                                          "forecast_no_deal": int(not open_y[0])}
    assert at6["counts"]["deal"] == {"forecast_deal": int(open_x[1]), "forecast_no_deal": int(not open_x[1])}
    assert at6["always_deal"] == 0.5 and at6["accuracy"] == (int(open_x[1]) + int(not open_y[0])) / 2
    at12 = next(r for r in deal["by_horizon"] if r["months"] == 12)
    assert at12["n"] == 1 and at12["counts"]["no_deal"] == {"forecast_deal": 0, "forecast_no_deal": 0}
    table = backtest.format_table(result)
    assert "Deal / no deal" in table and "y: no agreement (deal / no-deal step only)" in table


# --- missing horizons -------------------------------------------------------------------------------

def test_a_horizon_without_positions_is_missing_not_zero_error(conflict_of):
    result = backtest.backtest([conflict_of(TINY)])
    y12 = point(result, "y", 12)
    assert y12["forecast"] is None and y12["error"] is None and y12["outcome"] == 40
    assert y12["reason"] == backtest.NO_POSITION
    assert all(b == {"forecast": None, "error": None} for b in y12["baselines"].values())
    at12 = next(h["summary"] for h in result["summary_by_horizon"] if h["months"] == 12)
    assert at12["model"]["n"] == 1 and at12["weighted_mean"] == {"mae": 6.0, "within10": 1.0, "n": 1, "n_repeats": 0}
    assert result["summary"]["model"]["n"] == 4  # x12, x1, y6, y1 (x6 repeats x12; y12 is missing)
    assert "missing: y at 12 months (2000-06-30)" in backtest.format_table(result)


def test_a_horizon_where_nobody_carries_weight_is_missing(tiny_copy):
    set_cell(tiny_copy / "positions.csv", 4, "salience", "0")  # a on y from 2000-09-01: no weight at 6 months
    y6 = point(backtest.backtest([load_conflict(tiny_copy)]), "y", 6)
    assert (y6["forecast"], y6["error"], y6["reason"]) == (None, None, backtest.NO_WEIGHT)
    assert y6["baselines"]["strongest_actor"] == {"forecast": None, "error": None}


def test_status_quo_is_scored_only_on_the_models_points(tiny_copy):
    set_cell(tiny_copy / "issues.csv", 1, "status_quo", "40")  # y gets a status quo: 40 = its outcome
    result = backtest.backtest([load_conflict(tiny_copy)])
    # x: 44 at 12 and 1 months (6 repeats 12); y: 0 at 6 and 1 months, nothing at 12 (missing for the model)
    status_quo = result["summary"]["status_quo"]
    assert (status_quo["mae"], status_quo["within10"], status_quo["n"], status_quo["n_repeats"]) == (22.0, 0.5, 4, 1)
    assert point(result, "y", 12)["baselines"]["status_quo"] == {"forecast": None, "error": None}
    assert point(result, "y", 6)["baselines"]["status_quo"] == {"forecast": 40, "error": 0}


# --- no look-ahead ----------------------------------------------------------------------------------

def test_rows_dated_after_the_forecast_day_change_nothing(tiny_copy, conflict_of):
    before = backtest.backtest([load_conflict(tiny_copy)])
    src = "Synthetic test fixture (invented; not a fact)"
    append(tiny_copy / "positions.csv",
           f"a,x,2000-12-01,0,100,Later statement.,{src},",       # after x's last forecast day, before its outcome
           f"c,x,2000-12-15,100,100,Later statement.,{src},",
           f"a,y,2001-05-31,100,100,Later statement.,{src},",     # after y's last forecast day, before its outcome
           f"b,y,2001-06-15,0,100,Later statement.,{src},",
           f"b,x,2002-01-01,100,100,After the outcome.,{src},")
    append(tiny_copy / "events.csv",
           f"2000-12-02-later,2000-12-02,,day,agreement,Later event,Synthetic.,a;b,x;y,,3,{src},",
           f"2001-06-01-later,2001-06-01,,day,ceasefire,Later event,Synthetic.,a;b;c,y,,3,{src},")
    later = load_conflict(tiny_copy)
    assert backtest.backtest([later]) == before
    # the later rows do matter to a forecast made after them: the comparison above is not vacuous
    assert forecast(later, "2001-06-30")["issues"]["y"] != \
        forecast(conflict_of(TINY), "2001-06-30")["issues"]["y"]


# --- the command ------------------------------------------------------------------------------------


# --- outcome.csv and status_quo -------------------------------------------------------------------


@pytest.mark.parametrize("file, row, column, value, line, fragment", [
    ("outcome.csv", 0, "issue_id", "zz", 2, "issue_id: unknown issue id 'zz'; not in issues.csv"),
    ("outcome.csv", 1, "issue_id", "x", 3, "issue_id: duplicate value 'x'"),
    ("outcome.csv", 0, "outcome", "120", 2, "outcome: must be a number from 0 to 100"),
    ("outcome.csv", 1, "outcome", "", 3, "outcome: is empty: give the outcome on the agreed text, or set deal to false"),
    ("outcome.csv", 1, "date", "2001-02-30", 3, "date: must be a real date"),
    ("outcome.csv", 0, "source", "", 2, "source: required value is missing"),
    ("outcome.csv", 0, "source_type", "blog", 2, "source_type: must be one of: official"),
    ("issues.csv", 0, "status_quo", "abc", 2, "status_quo: must be a number, got 'abc'"),
    ("issues.csv", 1, "status_quo", "101", 3, "status_quo: must be a number from 0 to 100"),
])
def test_bad_outcome_rows_name_file_line_and_column(tiny_copy, file, row, column, value, line, fragment):
    if column == "source_type":
        text = (tiny_copy / file).read_text(encoding="utf-8").splitlines()
        (tiny_copy / file).write_text("\n".join([text[0] + ",source_type"] + [t + "," for t in text[1:]]) + "\n",
                                      encoding="utf-8")
    set_cell(tiny_copy / file, row, column, value)
    with pytest.raises(DataError) as err:
        load_conflict(tiny_copy)
    assert f"backtest-tiny/{file}:{line}: {fragment}" in str(err.value)
    assert len(err.value.problems) == 1  # the first of a duplicated issue is not blamed


def test_outcome_table_is_typed(conflict_of):
    outcome = conflict_of(TINY).outcome
    assert list(outcome["issue_id"]) == ["x", "y"] and str(outcome["date"].dtype).startswith("datetime64")
    assert list(outcome["outcome"]) == [64.0, 40.0]


# --- where the cases live, and the briefing's cached track record ---------------------------------

def test_historical_cases_beside_a_conflict_folder_feed_the_briefing_inputs(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(KOREA, data / "korea-1950")
    shutil.copytree(TINY, data / "historical" / "backtest-tiny")
    (data / "historical" / "no-outcome").mkdir()
    assert meta.find_historical(data / "korea-1950") == data / "historical"
    assert meta.historical_cases(data / "historical") == [data / "historical" / "backtest-tiny"]
    files.forget_inputs()
    context = sections.Context.open(data / "korea-1950", "", "", period_label="1953-07")
    sections.items("prospects", context)
    recorded = sections.result(context).inputs
    assert recorded["../historical/backtest-tiny/outcome.csv"] == \
        hashlib.sha256((data / "historical" / "backtest-tiny" / "outcome.csv").read_bytes()).hexdigest()
    assert recorded["influence.csv"] is None  # looked for, absent: adding it later changes the inputs


def test_track_record_is_cached_by_the_inputs_digest(tmp_path, monkeypatch, conflict_of):
    root, cache = tmp_path / "historical", tmp_path / "cache"
    shutil.copytree(TINY, root / "backtest-tiny")
    first = backtest.track_record(root, cache)
    assert first == json.loads(json.dumps(backtest.backtest([conflict_of(TINY)])))
    assert len(list(cache.glob("*.json"))) == 1

    def fail(*args, **kwargs):
        raise AssertionError("recomputed although nothing changed")
    monkeypatch.setattr(backtest, "backtest", fail)
    assert backtest.track_record(root, cache) == first  # served from the cache
    monkeypatch.undo()
    set_cell(root / "backtest-tiny" / "outcome.csv", 0, "outcome", "70")  # a changed case: recomputed
    assert point(backtest.track_record(root, cache), "x", 12)["outcome"] == 70
    assert backtest.track_record(tmp_path / "nowhere", cache) is None
    for garbage in ("{not json", "[]", '{"digest": 1}'):  # a broken cache costs time, never the briefing
        next(cache.glob("*.json")).write_text(garbage, encoding="utf-8")
        assert point(backtest.track_record(root, cache), "x", 12)["outcome"] == 70


def record_of(**summaries):
    base = {m: {"mae": None, "within10": None, "n": 0, "n_repeats": 0, "ci95": None} for m in backtest.METHODS}
    return {"horizons": [12, 6, 1], "within": 10.0, "cases": [{"name": "Case <A>"}, {"name": "Case B"}],
            "summary": base | summaries, "deal": {"issues": 5, "no_deal": 2, "by_horizon": []}}


def words(html):
    return " ".join(html.split())


HEADLINE = {"headline": {"method": "weighted_mean", "mae": 25.2, "n": 155, "ci95": [22.0, 28.5]},
            "rule": "docs/forecasting.md"}


def test_track_record_sentence_gives_the_headline_error_with_its_interval_here_and_on_deu():
    record = record_of(model={"mae": 32.9, "within10": 0.3, "n": 52, "n_repeats": 10, "ci95": [26.3, 40.5]},
                       weighted_mean={"mae": 24.9, "within10": 0.3, "n": 52, "n_repeats": 10, "ci95": [18.9, 31.8]},
                       constant_50={"mae": 25.3, "within10": 0.3, "n": 52, "n_repeats": 10, "ci95": [17.7, 34.0]},
                       strongest_actor={"mae": 1.0, "within10": 1.0, "n": 52, "n_repeats": 0, "ci95": [0.0, 2.0]})
    html = words(track_record.summary_html(record, HEADLINE))
    assert "The headline method is the weighted mean, chosen on development data of DEU III" in html
    assert "missed by 24.9 points" in html and "(95% interval 18.9 to 31.8; 52 distinct forecasts" in html
    assert "on 155 EU legislative issues of DEU III it missed by 25.2" in html and "(95% interval 22.0 to 28.5)" in html
    assert "the expected-utility model 32.9 (26.3 to 40.5)" in html and "constant 50 25.3 (17.7 to 34.0)" in html
    assert "strongest" not in html  # no best baseline picked after the fact: a choice tuned on these cases
    assert "What the interval means:" in html and "2 issues ended" in html
    assert "Case &lt;A&gt;" in html and "<A>" not in html
    assert "missed by 1" not in html
    median = {"headline": {"method": "weighted_median", "mae": 30.0, "n": 155}, "rule": "docs/forecasting.md"}
    chosen = words(track_record.summary_html(record_of(starting_median={"mae": 7.0, "within10": 1.0, "n": 2,
                                                                  "n_repeats": 0, "ci95": None}), median))
    assert "weighted median, round 0" in chosen and "not computable from fewer than two cases" in chosen
    assert "it missed by 30.0 points." in chosen
    assert "no track record yet" in words(track_record.summary_html(None, HEADLINE))
    assert "no error can be given" in words(track_record.summary_html(record_of(), HEADLINE))


def test_track_record_chart_and_prospects_section(conflict_of):
    record = backtest.backtest([conflict_of(TINY)])
    fig = track_record.chart(record)
    by_rank = sorted(fig.data, key=lambda t: t.legendrank)  # legend order; the model is drawn last, on top
    assert [t.name for t in by_rank] == [esc(backtest.METHOD_NAMES[m]) for m in backtest.METHODS]
    assert fig.data[-1].name == esc(backtest.METHOD_NAMES["model"])
    model = fig.data[-1]
    assert list(model.x) == [12, 6, 1] and list(model.y) == [h["summary"]["model"]["mae"]
                                                             for h in record["summary_by_horizon"]]
    layout = fig.layout
    assert "Track record" in layout.title.text and layout.xaxis.title.text and layout.yaxis.title.text
    assert any("Source:" in a.text for a in layout.annotations)
    empty = track_record.chart(None)
    assert not empty.data and any("no historical cases" in a.text for a in empty.layout.annotations)

    b = Briefing.open(KOREA, "1953-05-01", "1953-05-31", period_label="1953-05")
    html = prospects.prospects_html(b, result=None, record=record)
    assert "Track record on past negotiations" in html and "Synthetic backtest fixture" in html
    assert prospects.track_record_chart(b, record).layout.title.text == fig.layout.title.text


def test_parse_horizons():
    assert backtest.parse_horizons("12, 6,1") == (12, 6, 1)
    for bad in ("", "6,6", "-1", "1.5"):
        with pytest.raises(UsageError):
            backtest.parse_horizons(bad)
