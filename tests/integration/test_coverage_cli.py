"""Coverage through the command line: `validate` states it, `schedule` skips and names uncovered periods."""

from __future__ import annotations

from conftest import KOREA, run_cli


def test_validate_states_coverage():
    done = run_cli("validate", str(KOREA))
    assert done.returncode == 0
    assert "covered    until 1954-06-15 (latest dated row; set covered_until in conflict.toml)" in done.stdout


def test_schedule_cli_reports_uncovered_periods(tmp_path):
    done = run_cli("schedule", str(KOREA), "--cadence", "month", "--since", "1954-07", "--until", "1954-08",
                   "--out", str(tmp_path), "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("rendered 0, up to date 0, failed 0")
    assert ("not covered (after covered_until 1954-06-15), skipped: 1954-07, 1954-08 "
            "(--include-uncovered renders them)") in done.stdout
    assert not (tmp_path / "korea-1950").exists()
