"""The rules of issue 19 that keep the track record honest, one test (or more) per rule; each fails if its rule changes.

- scales from positions: an issue with an outcome needs positions of 0 and 100 dated before the outcome;
- outcome on the agreed text: `outcome` given exactly when `deal` is not false;
- dated influence: valid_from / valid_until, the rows in force on a forecast day, sources dated before valid_from,
  no overlapping periods; old folders without the columns still validate and the backtest calls them undated.

Fixtures: tests/fixtures/backtest-tiny (SYNTHETIC, see test_backtest.py) and the sourced korea-1950 fixture.
"""

from __future__ import annotations

import csv

import pytest
from conftest import KOREA, ROOT, TINY, read_rows, set_cell

from parley.analysis import backtest, bargaining
from parley.data.load import influence_in_force, influence_undated, load_conflict
from parley.errors import DataError

OLD_FORMAT = ROOT / "tests" / "fixtures" / "old-format"
SRC = "Synthetic test fixture (invented; not a fact)"
HEADER = "actor_id,issue_id,influence,veto,valid_from,valid_until,rationale,source,source_url,source_type\n"


@pytest.fixture
def tiny(tiny_copy):
    return tiny_copy


def problems(folder) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_conflict(folder)
    return [str(p) for p in caught.value.problems]


def write_influence(folder, *rows: str, header: str = HEADER) -> None:
    (folder / "influence.csv").write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")


def drop_row(path, index: int) -> None:
    header, rows = read_rows(path)
    del rows[index]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


# --- scales from positions taken before the outcome ---------------------------------------------

def test_positions_before_the_outcome_must_reach_0_and_100(tiny):
    drop_row(tiny / "positions.csv", 7)  # d's 100 on x (line 9): x's positions now span 0 to 80
    assert problems(tiny) == [
        "backtest-tiny/outcome.csv:2: issue_id: positions on x before the outcome (2000-12-31) span 0 to 80, not 0 to "
        "100: the scale's ends must be the most extreme positions parties took before the outcome "
        "(docs/codebook.md, section 1)"]


def test_an_end_reached_only_after_the_outcome_does_not_count(tiny):
    set_cell(tiny / "positions.csv", 7, "date", "2001-01-15")  # d's 100 on x, after x's outcome of 2000-12-31
    assert any("positions on x before the outcome (2000-12-31) span 0 to 80" in p for p in problems(tiny))
    set_cell(tiny / "positions.csv", 7, "date", "2000-12-30")  # the day before: it counts
    load_conflict(tiny)


def test_the_scale_rule_holds_only_for_issues_with_an_outcome():
    assert load_conflict(KOREA).outcome is None  # no outcome.csv: its scales are not checked against positions


# --- outcome on the agreed text; failed negotiations ----------------------------------------------

def add_outcome_columns(folder, deal: str = "", implemented: str = ""):
    header, rows = read_rows(folder / "outcome.csv")
    with open(folder / "outcome.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header + ["implemented", "deal"])
        writer.writerows(row + [implemented, deal] for row in rows)


def test_deal_and_implemented_are_optional_and_typed(tiny, conflict_of):
    assert list(conflict_of(TINY).outcome["deal"]) == [True, True]  # no column: every row a deal
    add_outcome_columns(tiny)
    set_cell(tiny / "outcome.csv", 0, "implemented", "70")
    outcome = load_conflict(tiny).outcome
    assert list(outcome["deal"]) == [True, True] and list(outcome["implemented"].fillna(-1)) == [70.0, -1.0]
    assert list(outcome["outcome"]) == [64.0, 40.0]  # the agreed text, not the implementation


@pytest.mark.parametrize("deal, outcome, message", [
    ("false", "40", "backtest-tiny/outcome.csv:3: outcome: deal is false: a failed negotiation has no agreed text to "
                    "place, so leave outcome empty"),
    ("true", "", "backtest-tiny/outcome.csv:3: outcome: is empty: give the outcome on the agreed text, or set deal to "
                 "false for a negotiation that produced no agreement"),
    ("maybe", "40", "backtest-tiny/outcome.csv:3: deal: must be one of: true, false, got 'maybe'"),
])
def test_outcome_is_given_exactly_when_a_deal_was_made(tiny, deal, outcome, message):
    add_outcome_columns(tiny)
    set_cell(tiny / "outcome.csv", 1, "deal", deal)
    set_cell(tiny / "outcome.csv", 1, "outcome", outcome)
    assert problems(tiny) == [message]


def test_implemented_is_a_score(tiny):
    add_outcome_columns(tiny)
    set_cell(tiny / "outcome.csv", 0, "implemented", "120")
    assert problems(tiny) == ["backtest-tiny/outcome.csv:2: implemented: must be a number from 0 to 100, got '120'"]


# --- dated influence ------------------------------------------------------------------------------

def test_a_forecast_uses_only_the_influence_in_force_on_its_day(tiny):
    write_influence(tiny, f"a,x,10,false,2000-07-01,2000-11-01,Synthetic.,\"{SRC}, 2000-06-15\",,")
    conflict = load_conflict(tiny)
    weights = {day: bargaining.inputs_at(conflict, day).set_index(["actor_id", "issue_id"]).loc[("a", "x")]
               for day in ("2000-06-30", "2000-07-01", "2000-11-01", "2000-11-02")}
    assert [weights[d]["capability"] for d in weights] == [40, 10, 10, 40]  # capability outside the period
    assert [weights[d]["weight_source"] for d in weights] == ["capability", "influence", "influence", "capability"]
    result = backtest.backtest([conflict])
    x12 = next(p for i in result["cases"][0]["issues"] if i["issue_id"] == "x" for p in i["horizons"]
               if p["months"] == 12)
    assert x12["baselines"]["weighted_mean"]["forecast"] == 58  # 1999-12-31: a's later influence is not used
    assert result["cases"][0]["influence"] == "dated"


def test_influence_in_force_keeps_undated_rows_always(tiny):
    write_influence(tiny, f"a,x,10,false,,,Synthetic.,{SRC},,", f"b,x,10,false,2000-01-01,,Synthetic.,\"{SRC}, 1999-12-01\",,")
    influence = load_conflict(tiny).influence
    assert list(influence_in_force(influence, "1999-06-01")["actor_id"]) == ["a"]
    assert list(influence_in_force(influence, "2000-01-01")["actor_id"]) == ["a", "b"]
    assert influence_undated(influence)
    assert not influence_undated(influence.iloc[1:])


@pytest.mark.parametrize("row, message", [
    (f"a,x,10,false,2000-07-01,,Synthetic.,\"{SRC}, 2000-08-01\",,",
     "influence.csv:2: valid_from: 2000-07-01 is before the source's date 2000-08-01: an influence row holds only from "
     "when its source could be known"),
    (f"a,x,10,false,2000-07-01,,Synthetic.,{SRC},,",
     "influence.csv:2: source: a dated row's source must say when it was written (a YYYY-MM-DD in `source`), so that "
     "it can be checked against valid_from"),
    (f"a,x,10,false,2000-07-01,2000-06-30,Synthetic.,\"{SRC}, 2000-06-15\",,",
     "influence.csv:2: valid_until: 2000-06-30 is before valid_from 2000-07-01"),
    (f"a,x,10,false,2000-07-32,,Synthetic.,\"{SRC}, 2000-06-15\",,",
     "influence.csv:2: valid_from: must be a real date written YYYY-MM-DD, got '2000-07-32'"),
])
def test_bad_influence_dates_name_file_line_and_column(tiny, row, message):
    write_influence(tiny, row)
    assert problems(tiny) == [f"backtest-tiny/{message}"]


def test_periods_of_one_actor_and_issue_must_not_overlap(tiny):
    first = f"a,x,10,false,2000-01-01,2000-06-30,Synthetic.,\"{SRC}, 1999-12-01\",,"
    write_influence(tiny, first, f"a,x,90,true,2000-07-01,,Synthetic.,\"{SRC}, 2000-06-01\",,")
    assert len(load_conflict(tiny).influence) == 2  # one after the other: valid
    write_influence(tiny, first, f"a,x,90,true,2000-06-30,,Synthetic.,\"{SRC}, 2000-06-01\",,")
    assert problems(tiny) == ["backtest-tiny/influence.csv:3: issue_id: second influence row of a on x in force on the "
                              "same days (first on line 2); give both rows valid_from and periods that do not overlap"]


def test_an_old_folder_without_influence_dates_still_validates_and_is_called_undated(tiny):
    write_influence(tiny, f"a,x,10,false,Synthetic.,{SRC},,",
                    header="actor_id,issue_id,influence,veto,rationale,source,source_url,source_type\n")
    conflict = load_conflict(tiny)
    assert influence_undated(conflict.influence)
    result = backtest.backtest([conflict])
    assert result["cases"][0]["influence"] == "undated"
    assert backtest.UNDATED in backtest.format_table(result)
    warned = []
    backtest.load_cases([tiny, TINY], warn=warned.append)
    assert warned == [f"warning: {tiny}: {backtest.UNDATED}"]  # TINY has no influence.csv: nothing to warn about


def test_the_old_format_fixture_still_validates():
    conflict = load_conflict(OLD_FORMAT)
    assert conflict.outcome is None and not influence_undated(conflict.influence)


def test_the_shipped_cases_date_their_influence_and_reach_both_ends():
    """Every shipped case validates (so its scales reach 0 and 100); the cases recoded for issue 19 date every
    influence row from a source written before it."""
    for name in ("aceh-2005", "camp-david-2000", "colombia-2016", "dayton-1995", "good-friday-1998", "korea-1953",
                 "minsk-2015"):
        conflict = load_conflict(ROOT / "data" / "historical" / name)
        assert not influence_undated(conflict.influence), name
        assert (conflict.influence["valid_from"] < conflict.outcome["date"].min()).all(), name


def test_the_stored_deu_headline_carries_the_interval_of_its_mae():
    """The briefing's DEU III number comes with its interval (methods.calibration, proposals resampled)."""
    from parley.analysis import methods
    from parley.report import track_record
    stored = methods.record()["headline"]
    low, high = stored["ci95"]
    assert low < stored["mae"] < high
    record = backtest.backtest([load_conflict(TINY), load_conflict(TINY)])
    html = " ".join(track_record.summary_html(record).split())
    assert f"it missed by {stored['mae']:.1f} points (95% interval {low:.1f} to {high:.1f})" in html
