"""Shared fixtures of tests/unit and tests/integration: the bundled conflicts and a way to break a copy of one, cell by
cell. Test modules import the helpers (`from conftest import KOREA, set_cell`): pytest puts tests/ on sys.path."""

from __future__ import annotations

import copy
import csv
import shutil
import sys
from pathlib import Path

import pytest

# the corpus of tests/bad_inputs: its fixtures serve both the unit and the integration tests
pytest_plugins = ["bad_input_cases"]

ROOT = Path(__file__).resolve().parent.parent
RUSSIA_UKRAINE = ROOT / "data" / "russia-ukraine"
KOREA = ROOT / "tests" / "fixtures" / "korea-1950"
OLD_FORMAT = ROOT / "tests" / "fixtures" / "old-format"  # written before source_type existed; must keep validating
SOURCED_TABLES = ("actors.csv", "events.csv", "positions.csv")
TINY = ROOT / "tests" / "fixtures" / "backtest-tiny"  # synthetic: see tests/unit/test_backtest.py


def _track_record_chart() -> int:
    """1 when the Korea fixture's briefing shows the track-record chart: historical cases exist (data/historical)."""
    from parley.data.meta import find_historical, historical_cases
    return int(bool(historical_cases(find_historical(KOREA))))


TRACK_RECORD_CHART = _track_record_chart()


@pytest.fixture(scope="session")
def loaded_once() -> dict:
    """folder -> Conflict, filled by conflict_of: each bundled folder is read and validated once per session (per worker)."""
    return {}


@pytest.fixture
def conflict_of(loaded_once):
    """load_conflict for a folder the test does not edit (the bundled conflicts, the Korea and backtest fixtures): loaded
    once per session, and each call gives a deep copy, so a test that changes a table cannot change another's.
    A test that edits files uses korea_copy or tiny_copy and load_conflict."""
    from parley.data.load import load_conflict

    def get(folder: Path):
        if folder not in loaded_once:
            loaded_once[folder] = load_conflict(folder)
        return copy.deepcopy(loaded_once[folder])
    return get


@pytest.fixture
def korea_copy(tmp_path) -> Path:
    """A writable copy of the Korean War fixture, in a folder named like its id."""
    target = tmp_path / "korea-1950"
    shutil.copytree(KOREA, target)
    return target


@pytest.fixture
def tiny_copy(tmp_path) -> Path:
    """A writable copy of the synthetic backtest fixture."""
    target = tmp_path / "backtest-tiny"
    shutil.copytree(TINY, target)
    return target


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one value of a CSV (row 0 = first data row, on file line 2 when no row spans lines)."""
    header, rows = read_rows(path)
    rows[row][header.index(column)] = value
    write_rows(path, header, rows)


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def add_grades(folder: Path, grade: str) -> None:
    """Give every sourced row of the folder the column source_type with one grade."""
    for name in SOURCED_TABLES:
        header, rows = read_rows(folder / name)
        write_rows(folder / name, header + ["source_type"], [row + [grade] for row in rows])


@pytest.fixture
def graded(tmp_path) -> Path:
    """A writable copy of the old-format fixture with every sourced row graded 'major' (the sources tests change cells)."""
    folder = tmp_path / "korea-1950"
    shutil.copytree(OLD_FORMAT, folder)
    add_grades(folder, "major")
    return folder


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


INTEGRATION = Path(__file__).resolve().parent / "integration"


def pytest_collection_modifyitems(items):
    """Everything under tests/integration is `slow` (kernels, renders, browsers, `python -m parley` subprocesses,
    fresh environments): the marker comes from the directory, so `-m "not slow"` and `make test-fast` (which runs
    tests/unit) select the same tests. Browser tests are marked `browser` in their own files."""
    for item in items:
        if INTEGRATION in Path(item.path).parents:
            item.add_marker(pytest.mark.slow)


def crowded_timeline():
    """150 events over 300 days, every third a milestone with a long title: labels must be placed, not piled."""
    import pandas as pd

    from parley.data import schema
    from parley.report import charts

    day0 = pd.Timestamp("2020-01-01")
    events = pd.DataFrame({
        "event_id": [f"e{i}" for i in range(150)],
        "date": [day0 + pd.Timedelta(days=i * 2) for i in range(150)],
        "end_date": pd.NaT, "category": [schema.CATEGORIES[i % 14] for i in range(150)],
        "title": [f"Milestone number {i} with a long descriptive headline" for i in range(150)],
        "actors": [("a",)] * 150, "importance": [3 if i % 3 == 0 else 1 for i in range(150)], "source": "s",
    })
    return events, charts.timeline(events, {"a": "A"}, day0, day0 + pd.Timedelta(days=300))


def toml_folder(tmp_path: Path, extra: str) -> Path:
    """A folder holding only a minimal conflict.toml (plus the extra lines): for checks that read nothing else."""
    folder = tmp_path / "war"
    folder.mkdir(parents=True)
    (folder / "conflict.toml").write_text('id = "war"\nname = "A war"\nsummary = "A war."\nstart = 2020-01-01\n' + extra,
                                          encoding="utf-8")
    return folder
