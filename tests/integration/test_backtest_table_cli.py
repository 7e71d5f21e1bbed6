"""The backtest's table on the command line: every method with its interval, the differences and the deal table
(issue 19; the rules themselves are tested in tests/unit/test_codebook_rules.py)."""

from __future__ import annotations

import json

from conftest import TINY, append_row, run_cli

from parley.analysis import backtest

SRC = "Synthetic test fixture (invented; not a fact)"
HEADER = "actor_id,issue_id,influence,veto,rationale,source,source_url,source_type\n"


def test_table_prints_every_method_with_its_interval_and_the_deal_table(tiny_copy):
    append_row(tiny_copy / "positions.csv", actor_id="a", issue_id="x", date="1999-03-01", position="80", salience="50",
               statement="Synthetic.", source=SRC)
    run = run_cli("backtest", str(TINY), str(tiny_copy))
    assert run.returncode == 0, run.stderr
    pooled = run.stdout.split("\n\n")[1].splitlines()
    for method in backtest.METHODS:
        line = next(line for line in pooled if line.startswith(backtest.METHOD_NAMES[method]))
        assert " to " in line, line  # its 95% interval
    assert "MAE minus the weighted mean's" in run.stdout and "Deal / no deal" in run.stdout


def test_undated_influence_is_named_on_stderr(tiny_copy):
    (tiny_copy / "influence.csv").write_text(HEADER + f"a,x,10,false,Synthetic.,{SRC},,\n", encoding="utf-8")
    run = run_cli("backtest", str(tiny_copy), "--format", "json")
    assert run.returncode == 0, run.stderr
    assert "look-ahead possible" in run.stderr and json.loads(run.stdout)["cases"][0]["influence"] == "undated"
    assert "look-ahead" not in run_cli("backtest", str(TINY)).stderr
