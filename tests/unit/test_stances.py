"""Stances in force, moves, gaps and the trend rule, on small hand-made tables and on the fixture."""

import pandas as pd
import pytest
from conftest import KOREA

from parley.analysis import changes, stances
from parley.data.periods import parse_period


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


def test_events_in_counts_ranged_events_in_every_period_they_touch(conflict_of):
    conflict = conflict_of(KOREA)
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


# --- moves when some, all or none of the positions are an actor's first (issue 13) -------------

NUMERIC_MOVES = ["before", "after", "change"]


def assert_numeric(moved):
    for column in NUMERIC_MOVES:
        assert moved[column].dtype == "float64", (column, moved[column].dtype)


def test_moves_when_every_position_is_a_first():
    """All four rows of January-February are first positions: `change` is NaN, not None, and sorting works."""
    moved = stances.moves(POS, "2025-01-01", "2025-02-28")
    assert_numeric(moved)
    assert list(zip(moved["actor_id"], moved["issue_id"], moved["direction"])) == [
        ("a", "land", "new"), ("b", "land", "new"), ("a", "vote", "new")]
    assert moved["before"].isna().all() and moved["change"].isna().all()
    assert list(moved["after"]) == [0, 100, 10]


def test_moves_when_some_positions_are_firsts():
    moved = stances.moves(POS, "2025-03-01", "2025-03-31")
    assert_numeric(moved)
    assert list(moved["direction"]) == ["up", "down", "new"]
    assert moved["change"].tolist()[:2] == [20, -10] and pd.isna(moved["change"].iloc[2])


def test_moves_when_no_position_is_a_first():
    moved = stances.moves(POS, "2025-03-10", "2025-03-20")
    assert_numeric(moved)
    assert list(zip(moved["actor_id"], moved["change"], moved["direction"])) == [("a", 20, "up"), ("b", -10, "down")]


def test_moves_before_any_position_is_empty_with_numeric_columns():
    moved = stances.moves(POS, "2024-01-01", "2024-12-31")
    assert moved.empty and list(moved.columns) == stances.MOVE_COLUMNS
    assert_numeric(moved)
    assert moved["since"].dt.date.empty  # still a date column: callers format it without checking


def test_moves_of_korea_when_every_position_began_inside_the_period(conflict_of):
    """The reported crash: 1951-06-01 to 1953-08-31 holds every position in force at its end."""
    positions = conflict_of(KOREA).positions
    assert positions["date"].min() > pd.Timestamp("1951-06-01")
    moved = stances.moves(positions, "1951-06-01", "1953-08-31")
    assert_numeric(moved)
    assert len(moved) == len(stances.positions_at(positions, "1953-08-31")) > 0
    assert set(moved["direction"]) == {"new"}


@pytest.mark.parametrize("label,period", [
    ("all first positions", "1951-06-01:1953-08-31"),
    ("no events, no moves", "1953-12"),
    ("before any position", "1950-07"),
])
def test_briefing_sections_on_korea_periods(label, period):
    """Every section a notebook shows is built for the edge periods (what the notebooks run under papermill)."""
    from parley.report.briefing import Briefing
    start, _, end = period.partition(":")
    b = Briefing.open(KOREA, start, end, period_label="" if end else period)
    points = b.key_points()
    html = b.changes_html() + b.events_html() + b.positions_table_html() + b.sources_html()
    for fig in (b.timeline(), b.stance_map(), b.stance_matrix(), b.trajectories(), b.activity()):
        assert fig.layout.title.text
    if label == "all first positions":
        assert "No actor changed a stated position" in " ".join(points) and "new: " in html
    elif label == "no events, no moves":
        assert b.changes.events.empty and b.changes.moves.empty and not b.current.empty
        assert "No recorded events" in points[0] and "No stated position changed" in html
    else:
        assert b.current.empty and "No positions recorded yet" in html
