"""Coverage said plainly: covered_until in conflict.toml, validation, trend rule, briefing, schedule and index."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import KOREA, set_cell

from parley.analysis import changes
from parley.data.load import load_conflict
from parley.data.meta import coverage_end, read_conflict_meta
from parley.data.periods import parse_period
from parley.errors import DataError
from parley.pipeline import schedule
from parley.pipeline.index import index_html
from parley.report.briefing import Briefing

LAST_KOREA_DAY = dt.date(1954, 6, 15)  # the fixture's newest event or position date


def declare(folder, value: str) -> None:
    path = folder / "conflict.toml"
    path.write_text(path.read_text(encoding="utf-8") + f"covered_until = {value}\n", encoding="utf-8")


# --- conflict.toml and validation ----------------------------------------------------------------------

def test_default_is_the_latest_dated_row():
    conflict = load_conflict(KOREA)
    assert conflict.meta.covered_until is None
    assert conflict.covered_until == LAST_KOREA_DAY == coverage_end(KOREA, conflict.meta)


def test_declared_coverage_is_read(korea_copy):
    declare(korea_copy, "1954-12-31")
    assert load_conflict(korea_copy).covered_until == dt.date(1954, 12, 31)
    assert read_conflict_meta(korea_copy).covered_until == dt.date(1954, 12, 31)


def test_rows_after_coverage_are_errors_with_file_line_column(korea_copy):
    declare(korea_copy, "1954-06-14")
    set_cell(korea_copy / "events.csv", 5, "end_date", "1954-06-20")
    with pytest.raises(DataError) as caught:
        load_conflict(korea_copy)
    text = str(caught.value)
    assert "korea-1950/events.csv:28: date: 1954-06-15 is after covered_until 1954-06-14 (conflict.toml)" in text
    assert "korea-1950/events.csv:7: end_date: 1954-06-20 is after covered_until 1954-06-14" in text
    assert any(p.file == "korea-1950/positions.csv" and p.column == "date" and "is after covered_until" in p.message
               for p in caught.value.problems)


def test_rows_on_the_last_covered_day_are_fine(korea_copy):
    declare(korea_copy, "1954-06-15")
    load_conflict(korea_copy)


@pytest.mark.parametrize("value,message", [
    ('"1954-02-30"', "covered_until: must be a real date written YYYY-MM-DD"),
    ("1949-01-01", "covered_until: 1949-01-01 is before start 1950-06-25"),
])
def test_bad_coverage_values(korea_copy, value, message):
    declare(korea_copy, value)
    with pytest.raises(DataError) as caught:
        load_conflict(korea_copy)
    assert f"korea-1950/conflict.toml:7: {message}" in str(caught.value)


# --- the trend rule ------------------------------------------------------------------------------------

@pytest.mark.parametrize("period,until,state,judged", [
    ("2025-05", dt.date(2025, 5, 31), "full", True),
    ("2025-05", None, "full", True),
    ("2025-05", dt.date(2025, 4, 30), "none", False),
    ("2025-05", dt.date(2025, 5, 1), "partial", False),  # one covered day
    ("2025-05", dt.date(2025, 5, 16), "partial", True),  # 16 of 31 days
    ("2025-05", dt.date(2025, 5, 15), "partial", False),  # 15 of 31 days: less than half
    ("2025-W20", dt.date(2025, 5, 15), "partial", True),  # Monday 12 May to Thursday: 4 of 7 days
])
def test_coverage_of_a_period(period, until, state, judged):
    coverage = changes.coverage_of(parse_period(period), until)
    assert (coverage.state, coverage.judged) == (state, judged)


def korea_briefing(period: str) -> Briefing:
    return Briefing.open(KOREA, "", "", period_label=period)


def test_period_past_coverage_is_not_covered_never_unchanged():
    b = korea_briefing("1954-09")
    assert b.changes.coverage.state == "none"
    assert b.changes.overall == changes.NOT_COVERED
    assert set(b.changes.gaps["trend"]) == {changes.NOT_COVERED}
    points = " ".join(b.key_points())
    assert "unchanged" not in points and "Overall trend not covered" in points
    assert b.key_points()[0].startswith("Not covered: the data is kept current only up to 15 June 1954")
    assert "the period is not covered by the data" in points
    header = b.header_html()
    assert 'data-overall-trend="not covered"' in header and 'data-coverage="none"' in header
    assert "Not covered: the data is kept current only up to 15 June 1954" in header
    assert "Widest gaps at 15 June 1954" in points  # stances read at the end of coverage, not extrapolated


def test_mostly_covered_period_is_judged_at_the_end_of_coverage():
    b = korea_briefing("1954-06")  # covered up to the 15th: 15 of 30 days, exactly half
    assert b.changes.coverage.state == "partial" and b.changes.coverage.judged
    assert b.changes.overall in ("deteriorated", "improved", "unchanged")
    assert "Partly covered: the data is kept current only up to 15 June 1954; the last 15 of the period's 30 days" \
        in b.header_html()
    assert any("(judged up to 15 June 1954, the end of coverage)" in p for p in b.key_points())
    assert b.key_points()[0].startswith("Partly covered:")


def test_barely_covered_period_gets_no_verdict(korea_copy):
    declare(korea_copy, "1954-06-15")
    b = Briefing.open(korea_copy, "", "", period_label="1954-W24")  # 14 to 20 June: 2 of 7 days
    assert (b.changes.coverage.state, b.changes.overall) == ("partial", changes.NOT_COVERED)
    assert "fewer than 50% of the days are covered, so no trend verdict is given" in b.header_html()


def test_covered_period_keeps_its_verdict():
    b = korea_briefing("1953-07")
    assert b.changes.coverage.state == "full" and "data-coverage=\"full\"" in b.header_html()
    assert "Partly covered" not in b.header_html() and "Not covered" not in b.header_html()


# --- schedule and index ----------------------------------------------------------------------------------

def test_schedule_skips_periods_wholly_past_coverage():
    periods = [parse_period(p) for p in ("1954-05", "1954-06", "1954-07", "1954-08")]
    covered, uncovered = schedule.split_by_coverage(periods, LAST_KOREA_DAY)
    assert [p.label for p in covered] == ["1954-05", "1954-06"]  # June is partly covered: rendered
    assert [p.label for p in uncovered] == ["1954-07", "1954-08"]


def test_index_marks_partly_covered_and_uncovered_briefings(tmp_path):
    for period, coverage, trend in (("1954-05", "full", "unchanged"), ("1954-06", "partial", "improved"),
                                    ("1954-07", "none", "not covered")):
        folder = tmp_path / "korea-1950" / period
        folder.mkdir(parents=True)
        (folder / "briefing.html").write_text("<html></html>")
        (folder / "manifest.json").write_text(json.dumps({
            "conflict_name": "Korea", "title": f"Korea {period}", "start": f"{period}-01", "end": f"{period}-28",
            "trend": trend, "coverage": coverage, "covered_until": "1954-06-15"}))
    index = index_html(tmp_path)
    assert index.count("partly covered (data to 1954-06-15)") == 1
    assert index.count("not covered (data to 1954-06-15)") == 1
    row_of_may = index[index.index("Korea 1954-05"):index.index("</tr>", index.index("Korea 1954-05"))]
    assert "covered (" not in row_of_may
