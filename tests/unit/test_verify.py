"""Issue 15: published briefings verified against their data (re-executed and compared as nbval does)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT, set_cell

from parley.pipeline import verify
from parley.pipeline.render import current_digests

PERIOD = "1953-07"
REPORT = Path("reports") / "korea-1950" / PERIOD
CHANGED_ROW = 13  # north_korea on pow_repatriation, 1953-07-10: a position in force at the end of the period


# --- the parts, without a kernel ------------------------------------------------------------------

def notebook_with(*outputs_per_cell, markdown="# Briefing"):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook  # nbformat: imported by the tests that use it

    cells = [new_markdown_cell(markdown)]
    for number, outputs in enumerate(outputs_per_cell, start=1):
        cells.append(new_code_cell(f"cell_{number}()", execution_count=number, outputs=list(outputs)))
    return new_notebook(cells=cells)


def html_output(page: str, **metadata):
    from nbformat.v4 import new_output

    return new_output("display_data", data={"text/html": page, "text/plain": "[html]"}, metadata=metadata)


def test_sections_are_the_cells_own_heading_else_the_nearest_above():
    notebook = notebook_with([], [html_output("<h2>Where the <i>actors</i> stand</h2><p>map</p>")],
                             [html_output("<div>trajectories</div>")], [html_output("<h3>Prospects &amp; paths</h3>")])
    assert verify.sections(notebook) == ["Briefing", "Where the actors stand", "Where the actors stand",
                                         "Prospects & paths"]


def test_compare_uses_nbvals_rules_and_the_sanitizing_patterns():
    stored = notebook_with([html_output("<h2>Key points</h2><p>figure parley-fig-1</p>", width=1)],
                           [html_output("<h2>Prospects</h2><p>50</p>")])
    same_but_metadata = notebook_with([html_output("<h2>Key points</h2><p>figure parley-fig-1</p>", width=2)],
                                      [html_output("<h2>Prospects</h2><p>50</p>")])
    same_but_metadata.cells[1].execution_count = 7
    assert verify.compare(stored, same_but_metadata) == []  # metadata and execution counts are not outputs

    other_id = notebook_with([html_output("<h2>Key points</h2><p>figure parley-fig-9</p>")],
                             [html_output("<h2>Prospects</h2><p>55</p>")])
    assert verify.compare(stored, other_id) == [verify.Drift(0, "Key points"), verify.Drift(1, "Prospects")]
    patterns = [(r"parley-fig-\d+", "parley-fig-N")]
    assert verify.compare(stored, other_id, patterns=patterns) == [verify.Drift(1, "Prospects")]


def test_a_cell_that_raises_ends_the_comparison_and_is_named_with_its_error():
    from nbformat.v4 import new_output

    stored = notebook_with([html_output("<h2>Key points</h2>")], [html_output("<h2>Prospects</h2>")])
    raised = notebook_with([new_output("error", ename="DataError", evalue="korea-1950/positions.csv:15: bad\nmore",
                                       traceback=[])], [])
    raised.cells[2].execution_count = None  # papermill stops at the error
    error = "DataError: korea-1950/positions.csv:15: bad"  # the first line of the message
    assert verify.compare(stored, raised) == [verify.Drift(0, "Key points", error)]


def test_the_suite_and_verify_read_the_same_sanitizing_rules(tmp_path):
    makefile = (ROOT / "Makefile").read_text()
    used = re.search(r"--nbval-sanitize-with (\S+)", makefile).group(1)
    assert (ROOT / used).resolve() == verify.SANITIZE and verify.SANITIZE.is_file()
    rules = tmp_path / "rules.cfg"
    rules.write_text("# a comment\nregex: \\d{4}-\\d\\d-\\d\\d\nreplace: DATE\n")
    assert verify.sanitize_patterns(rules) == [("\\d{4}-\\d\\d-\\d\\d", "DATE")]


def test_changed_inputs_name_the_files_and_an_old_manifest_says_unknown(korea_copy):
    from nbformat.v4 import new_code_cell, new_notebook

    report = korea_copy.parent / "reports" / "korea-1950" / PERIOD
    report.mkdir(parents=True)
    notebook = new_notebook(cells=[new_code_cell('data_dir = "../../../korea-1950"',
                                                 metadata={"tags": ["injected-parameters"]})])
    recorded = {"conflict.toml": None, "positions.csv": None, "influence.csv": None}  # the keys a kernel records
    manifest = {"inputs": "abc", "input_files": current_digests(korea_copy, recorded)}
    assert verify.changed_inputs(report, manifest, notebook) == []
    set_cell(korea_copy / "positions.csv", CHANGED_ROW, "position", "60")
    (korea_copy / "conflict.toml").unlink()
    assert verify.changed_inputs(report, manifest, notebook) == ["conflict.toml (missing)", "positions.csv"]
    old = {"inputs": "abc"}
    assert verify.changed_inputs(report, old, notebook) is None
    verdict = verify.Verdict(report, [verify.Drift(3, "Key points")], None)
    assert verdict.text() == "drifted: cell 3 (Key points); inputs: unknown (manifest predates per-file digests)"
