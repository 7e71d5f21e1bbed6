"""Shared fixtures: the bundled conflicts and a way to break a copy of one, cell by cell."""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUSSIA_UKRAINE = ROOT / "data" / "russia-ukraine"
KOREA = ROOT / "tests" / "fixtures" / "korea-1950"


def _track_record_chart() -> int:
    """1 when the Korea fixture's briefing shows the track-record chart: historical cases exist (data/historical)."""
    from parley.data.meta import find_historical, historical_cases
    return int(bool(historical_cases(find_historical(KOREA))))


TRACK_RECORD_CHART = _track_record_chart()


@pytest.fixture
def korea_copy(tmp_path) -> Path:
    """A writable copy of the Korean War fixture, in a folder named like its id."""
    target = tmp_path / "korea-1950"
    shutil.copytree(KOREA, target)
    return target


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one value of a CSV (row 0 = first data row, on file line 2 when no row spans lines)."""
    header, rows = read_rows(path)
    rows[row][header.index(column)] = value
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def append_row(path: Path, **values: str) -> None:
    """Append one row by column name (columns not given stay empty), whatever columns the file has."""
    header, _ = read_rows(path)
    unknown = set(values) - set(header)
    assert not unknown, f"{path.name} has no column {sorted(unknown)}"
    with open(path, "a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow([values.get(column, "") for column in header])


def run_cli(*args: str, cwd: Path = ROOT):
    import subprocess
    return subprocess.run([sys.executable, "-m", "parley", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def pytest_collection_modifyitems(items):
    """A test that starts `python -m parley` in a subprocess (run_cli) is an integration test: marked `slow`, so
    `make test-fast` keeps to the library (each subprocess pays about 1.5 s of imports); `make test` runs it."""
    import inspect
    for item in items:
        function = getattr(item, "function", None)
        try:
            source = inspect.getsource(function) if function is not None else ""
        except (OSError, TypeError):
            continue
        if "run_cli(" in source or "cli.main(" in source and "subprocess" in source:
            item.add_marker(pytest.mark.slow)
