"""`python -m parley sources`: exit status, table and JSON output, refusals of invalid data and bad formats."""

from __future__ import annotations

import json

import pytest
from conftest import OLD_FORMAT, SOURCED_TABLES, read_rows, run_cli, set_cell, write_rows

from parley.data import sources
from parley.errors import DataError


def clean_copy(folder):
    """Drop every row the audit reports, until none is left: a folder with no problem."""
    for _ in range(5):
        problems = sources.run(folder).problems
        if not problems:
            return folder
        for name in SOURCED_TABLES:
            bad = {p.line for p in problems if p.file.endswith("/" + name)}
            header, rows = read_rows(folder / name)
            write_rows(folder / name, header, [r for i, r in enumerate(rows) if i + 2 not in bad])
    raise AssertionError("could not clean the copy")


def test_cli_exit_status_table_and_json(graded):
    clean_copy(graded)
    ok = run_cli("sources", str(graded))
    assert ok.returncode == 0, ok.stderr
    assert "problems: 0" in ok.stdout and ok.stdout.splitlines()[1].split()[:2] == ["grade", "actors"]
    set_cell(graded / "events.csv", 0, "source_url", "https://www.koreanwaronline.com/arms/x.htm")  # graded other
    set_cell(graded / "events.csv", 0, "source_type", "")
    bad = run_cli("sources", str(graded), "--format", "json")
    assert bad.returncode == 1
    data = json.loads(bad.stdout)
    assert data["counts"]["all"]["other"] == 1 and set(data["shares"]) == {"actors", "events", "positions", "all"}
    assert data["problems"] == [{"file": "korea-1950/events.csv", "line": 2, "column": "source_type",
                                 "message": data["problems"][0]["message"]}]
    table = run_cli("sources", str(graded))
    assert table.returncode == 1 and "korea-1950/events.csv:2: source_type: graded 'other'" in table.stdout


def test_cli_refuses_invalid_data_and_bad_format(graded):
    set_cell(graded / "events.csv", 0, "source_type", "tabloid")
    bad = run_cli("sources", str(graded))
    assert bad.returncode == 1 and "korea-1950/events.csv:2: source_type: must be one of: official" in bad.stderr
    with pytest.raises(DataError):
        sources.run(graded)
    usage = run_cli("sources", str(OLD_FORMAT), "--format", "xml")
    assert usage.returncode == 1 and "--format 'xml'" in usage.stderr and "Traceback" not in usage.stderr
