"""`python -m parley backtest` and `validate` on the synthetic backtest fixture (tests/fixtures/backtest-tiny):
JSON and table output, bad arguments, folders without outcomes or failing validation."""

from __future__ import annotations

import json

import pytest
from conftest import KOREA, TINY, run_cli, set_cell

from parley.analysis import backtest
from parley.data.load import load_conflict


def test_cli_json_keys():
    run = run_cli("backtest", str(TINY), "--format", "json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    case = result["cases"][0]
    assert case["conflict"] == "backtest-tiny"
    horizon = case["issues"][0]["horizons"][0]
    assert {"months", "date", "forecast", "outcome", "error", "baselines"} <= set(horizon)
    assert set(horizon["baselines"]) == set(backtest.BASELINES)
    assert {"repeat", "agreement"} <= set(horizon)
    for summary in [case["summary"]] + [h["summary"] for h in result["summary_by_horizon"]]:
        assert set(summary) == set(backtest.METHODS)
        assert all(set(s) == {"mae", "within10", "n", "n_repeats"} for s in summary.values())
    assert set(result["summary"]) == set(backtest.METHODS) == set(result["difference"])
    assert all(set(s) == {"mae", "within10", "n", "n_repeats", "ci95"} for s in result["summary"].values())
    assert all(set(d) == {"mae", "ci95", "n"} for d in result["difference"].values())
    assert {"issues", "no_deal", "by_horizon"} <= set(result["deal"])
    assert [h["months"] for h in result["summary_by_horizon"]] == [12, 6, 1]


def test_cli_table_and_horizons():
    run = run_cli("backtest", str(TINY), "--horizons", "3,24")
    assert run.returncode == 0, run.stderr
    assert "All cases" in run.stdout and "3 months before" in run.stdout and "24 months before" in run.stdout
    assert all(backtest.METHOD_NAMES[m] in run.stdout for m in backtest.METHODS)


@pytest.mark.parametrize("args, fragment", [
    (("--horizons", "12,six"), "--horizons '12,six'"),
    (("--horizons", "0"), "at least 1"),
    (("--format", "csv"), "--format 'csv'"),
])
def test_cli_refuses_bad_arguments(args, fragment):
    run = run_cli("backtest", str(TINY), *args)
    assert run.returncode == 1 and fragment in run.stderr and "Traceback" not in run.stderr


def test_a_folder_without_outcomes_is_an_error_alone_and_skipped_among_several():
    alone = run_cli("backtest", str(KOREA))
    assert alone.returncode == 1
    assert alone.stderr.strip().count("\n") == 0 and "no outcome.csv" in alone.stderr
    several = run_cli("backtest", str(KOREA), str(TINY), "--format", "json")
    assert several.returncode == 0, several.stderr
    assert "warning:" in several.stderr and "korea-1950: skipped" in several.stderr
    assert [c["conflict"] for c in json.loads(several.stdout)["cases"]] == ["backtest-tiny"]


def test_a_folder_that_fails_validation_stops_the_run(tiny_copy):
    set_cell(tiny_copy / "outcome.csv", 0, "outcome", "120")
    run = run_cli("backtest", str(tiny_copy), str(TINY))
    assert run.returncode == 1 and "backtest-tiny/outcome.csv:2: outcome: must be a number from 0 to 100" in run.stderr


def test_a_folder_without_outcome_csv_still_validates():
    conflict = load_conflict(KOREA)
    assert conflict.outcome is None
    run = run_cli("validate", str(KOREA))
    assert run.returncode == 0 and "outcomes" not in run.stdout
    assert "outcomes       2  x, y" in run_cli("validate", str(TINY)).stdout
