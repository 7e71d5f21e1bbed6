"""`python -m parley validate`: exit codes, old-format folders and the count of graded rows."""

from __future__ import annotations

from conftest import KOREA, OLD_FORMAT, run_cli, set_cell

from parley.data.load import load_conflict


def test_cli_validate_ok_and_error_exit_codes(korea_copy):
    ok = run_cli("validate", str(KOREA))
    assert ok.returncode == 0 and "events" in ok.stdout and "27" in ok.stdout
    set_cell(korea_copy / "events.csv", 0, "importance", "9")
    bad = run_cli("validate", str(korea_copy))
    assert bad.returncode == 1
    assert "korea-1950/events.csv:2: importance: must be 1, 2 or 3, got '9'" in bad.stderr
    assert "Traceback" not in bad.stderr + bad.stdout


def test_old_format_folder_without_source_type_still_validates():
    header = (OLD_FORMAT / "events.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "source_type" not in header
    conflict = load_conflict(OLD_FORMAT)
    assert conflict.events["source_type"].isna().all() and conflict.positions["source_type"].isna().all()
    done = run_cli("validate", str(OLD_FORMAT))
    assert done.returncode == 0, done.stderr
    assert "  sources       67  rows ungraded (no source_type): see docs/sourcing.md" in done.stdout.splitlines()


def test_graded_rows_are_not_counted_as_ungraded(korea_copy):
    for name in ("actors.csv", "events.csv", "positions.csv"):
        lines = (korea_copy / name).read_text(encoding="utf-8").splitlines()
        (korea_copy / name).write_text("\n".join([lines[0] + ",source_type"] + [line + ",major" for line in lines[1:]])
                                       + "\n", encoding="utf-8")
    set_cell(korea_copy / "events.csv", 0, "source_type", "")
    done = run_cli("validate", str(korea_copy))
    assert done.returncode == 0, done.stderr
    assert "  sources        1  rows ungraded (no source_type): see docs/sourcing.md" in done.stdout
