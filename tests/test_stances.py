"""Stances in force, moves, gaps and the trend rule, on small hand-made tables and on the fixture."""

import pandas as pd
import pytest

from parley import changes, stances
from parley.load import load_conflict
from parley.periods import parse_period

from conftest import KOREA


def table(rows):
    frame = pd.DataFrame(rows, columns=["actor_id", "issue_id", "date", "position", "salience"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["statement"] = "said " + frame["actor_id"] + " " + frame["date"].dt.strftime("%Y-%m-%d")
    frame["source"] = "src"
    frame["source_url"] = None
    return frame


POS = table([
    ("a", "land", "2025-01-10", 0, 90), ("b", "land", "2025-01-05", 100, 80),
    ("a", "land", "2025-03-15", 20, 90), ("b", "land", "2025-03-20", 90, 80),
    ("c", "land", "2025-03-25", 50, 40), ("a", "vote", "2025-02-01", 10, 30),
])


def test_position_holds_until_next_row():
    at = stances.positions_at(POS, "2025-03-16").set_index(["actor_id", "issue_id"])["position"]
    assert at[("a", "land")] == 20 and at[("b", "land")] == 100 and ("c", "land") not in at.index
    assert stances.positions_at(POS, "2025-01-04").empty


def test_moves_and_gaps():
    moved = stances.moves(POS, "2025-03-01", "2025-03-31")
    assert list(zip(moved["actor_id"], moved["before"].fillna(-1), moved["after"], moved["direction"])) == [
        ("a", 0, 20, "up"), ("b", 100, 90, "down"), ("c", -1, 50, "new")]
    gaps = stances.gaps(stances.positions_at(POS, "2025-03-31"))
    land = gaps.set_index("issue_id").loc["land"]
    assert (land["gap"], land["low_actor"], land["high_actor"]) == (70, "a", "b")
    assert gaps.set_index("issue_id").loc["vote", "gap"] == 0


def test_steps_hold_flat_until_the_end():
    path = stances.steps(POS, "a", "land", "2025-04-30")
    assert list(path["position"]) == [0, 20, 20]
    assert path["date"].iloc[-1] == pd.Timestamp("2025-04-30")


@pytest.mark.parametrize("change,verdict", [(5, "deteriorated"), (4.9, "unchanged"), (-5, "improved"), (None, "unchanged")])
def test_verdict_rule(change, verdict):
    assert changes.verdict(change) == verdict


def test_compare_periods_gives_trends():
    result = changes.compare(pd.DataFrame({"date": pd.to_datetime([]), "end_date": pd.to_datetime([])}), POS,
                             parse_period("2025-03"))
    # land: gap at end of Feb = 100 - 0 = 100; end of March = 90 - 20 = 70 -> narrowed by 30
    assert result.trends["land"] == "improved"
    assert result.gaps.set_index("issue_id").loc["land", "change"] == -30
    assert result.overall == "improved"


def test_events_in_counts_ranged_events_in_every_period_they_touch():
    conflict = load_conflict(KOREA)
    talks = conflict.events[conflict.events["end_date"].notna()].iloc[0]
    inside = changes.events_in(conflict.events, parse_period(f"{talks['end_date']:%Y-%m}"))
    assert talks["event_id"] in set(inside["event_id"])


def test_partly_covered_period_is_judged_at_the_end_of_coverage():
    empty = pd.DataFrame({"date": pd.to_datetime([]), "end_date": pd.to_datetime([])})
    result = changes.compare(empty, POS, parse_period("2025-03"), covered_until=pd.Timestamp("2025-03-17").date())
    land = result.gaps.set_index("issue_id").loc["land"]
    assert (land["gap_after"], land["change"], land["trend"]) == (80, -20, "improved")  # b's row of 20 March unseen
    assert result.coverage.state == "partial"
    late = changes.compare(empty, POS, parse_period("2025-03"), covered_until=pd.Timestamp("2025-03-14").date())
    assert late.overall == changes.NOT_COVERED and set(late.trends.values()) == {changes.NOT_COVERED}


def test_moves_when_every_move_is_new():
    moved = stances.moves(POS, "2025-01-01", "2025-01-31")
    assert list(moved["direction"]) == ["new", "new"] and moved["change"].isna().all()
