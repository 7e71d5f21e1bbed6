import datetime as dt

import pytest

from parley.data import periods as P
from parley.errors import UsageError


def test_month_week_and_range():
    may = P.parse_period("2025-05")
    assert (may.start, may.end, may.label, may.kind) == (dt.date(2025, 5, 1), dt.date(2025, 5, 31), "2025-05", "month")
    week = P.parse_period("2025-W20")
    assert (week.start, week.end) == (dt.date(2025, 5, 12), dt.date(2025, 5, 18))
    span = P.parse_period("1953-07-01:1953-07-27")
    assert span.days == 27 and span.label == "1953-07-01_1953-07-27"


def test_previous_periods():
    assert P.parse_period("2025-01").previous().label == "2024-12"
    assert P.parse_period("2025-W01").previous().label == "2024-W52"
    assert P.parse_period("2020-W53").previous().label == "2020-W52"
    span = P.parse_period("2025-05-11:2025-05-20").previous()
    assert (span.start, span.end) == (dt.date(2025, 5, 1), dt.date(2025, 5, 10))
    assert P.parse_period("1950-03").previous().end == dt.date(1950, 2, 28)


@pytest.mark.parametrize("text", ["2025-13", "2025-00", "2025-W54", "2025-W00", "2025-02-30:2025-03-01",
                                  "2025-03-01:2025-02-01", "../2025-05", "2025/05", "", "latest-ish", "2025-5"])
def test_malformed_periods_are_refused(text):
    with pytest.raises(UsageError):
        P.parse_period(text)


def test_between_and_latest():
    months = P.between("month", P.parse_period("2024-11"), P.parse_period("2025-02"))
    assert [m.label for m in months] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert P.last_complete("month", dt.date(2026, 11, 25)).label == "2026-10"
    assert P.last_complete("week", dt.date(2026, 11, 25)).label == "2026-W47"
    assert P.latest_complete("month", dt.date(2026, 2, 24), dt.date(2026, 11, 25)).label == "2026-02"
    assert P.latest_complete("month", dt.date(2026, 11, 20), dt.date(2026, 11, 25)).label == "2026-10"


def test_latest_is_the_newest_complete_period_the_data_covers(tmp_path):
    import shutil

    from conftest import KOREA

    from parley.cli import resolve_period
    folder = tmp_path / "korea-1950"
    shutil.copytree(KOREA, folder)
    assert resolve_period("latest", str(folder)).label == "1954-06"  # newest event 15 June 1954, nothing declared
    with open(folder / "conflict.toml", "a", encoding="utf-8") as handle:
        handle.write("covered_until = 1954-06-20\n")
    assert resolve_period("latest", str(folder)).label == "1954-05"  # June is covered for 20 of its 30 days
