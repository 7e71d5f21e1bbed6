"""Issue 15: published briefings verified against their data (re-executed and compared as nbval does)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import KOREA, ROOT, read_rows, run_cli, set_cell
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from parley.pipeline import verify
from parley.pipeline.render import input_file_digests

PERIOD = "1953-07"
REPORT = Path("reports") / "korea-1950" / PERIOD
CHANGED_ROW = 13  # north_korea on pow_repatriation, 1953-07-10: a position in force at the end of the period


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project (data and reports) rendered in one place, then moved: every test here verifies the moved one."""
    base = tmp_path_factory.mktemp("verify")
    first = base / "first-place"
    shutil.copytree(KOREA, first / "data" / "korea-1950")
    done = run_cli("schedule", "data/korea-1950", "--cadence", "month", "--since", PERIOD, "--until", PERIOD,
                   "--out", "reports", "--quiet", cwd=first)
    assert done.returncode == 0, done.stderr
    moved = base / "elsewhere" / "project"
    moved.parent.mkdir()
    shutil.move(first, moved)
    assert not first.exists()
    return moved


def copy_of(project: Path, target: Path) -> Path:
    shutil.copytree(project, target)
    return target


def index_row(index: Path) -> str:
    return re.search(r"<tr><td><a href=\"korea-1950/1953-07/briefing.html\">.*?</tr>", index.read_text()).group(0)


@pytest.mark.slow
def test_a_rendered_report_verifies_after_its_project_moved(project):
    notebook = nbformat.read(project / REPORT / "briefing.ipynb", as_version=4)
    assert verify.injected_data_dir(notebook) == "../../../data/korea-1950"  # relative: it moved with the data
    done = run_cli("verify", "--quiet", cwd=project)  # default: reports/
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{REPORT.as_posix()}: verified\n"
    record = json.loads((project / REPORT / "verify.json").read_text())
    assert record["result"] == "verified" and record["cells"] == [] and record["inputs_changed"] == []
    row = index_row(project / "reports" / "index.html")
    assert re.search(r'<td class="parley-verified">verified \d{4}-\d\d-\d\d</td>', row), row


@pytest.mark.slow
def test_a_changed_position_drifts_naming_the_stance_sections_and_positions_csv(project, tmp_path):
    copy = copy_of(project, tmp_path / "project")
    positions = copy / "data" / "korea-1950" / "positions.csv"
    header, rows = read_rows(positions)
    row = dict(zip(header, rows[CHANGED_ROW]))
    assert (row["actor_id"], row["date"], row["position"]) == ("north_korea", "1953-07-10", "85")
    set_cell(positions, CHANGED_ROW, "position", "60")
    html_before = (copy / REPORT / "briefing.html").read_bytes()
    notebook_before = (copy / REPORT / "briefing.ipynb").read_bytes()

    done = run_cli("verify", "reports/korea-1950", "--quiet", cwd=copy)  # a conflict's reports folder
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{REPORT.as_posix()}: drifted: "), done.stdout
    assert "cells 6-7 (Where the actors stand)" in lines[0]
    assert lines[0].endswith("; inputs changed since the render: positions.csv")
    # the report is marked, never overwritten
    assert (copy / REPORT / "briefing.html").read_bytes() == html_before
    assert (copy / REPORT / "briefing.ipynb").read_bytes() == notebook_before
    row_html = index_row(copy / "reports" / "index.html")
    assert "<b>DRIFTED</b>" in row_html and "Where the actors stand" in row_html

    # nbval itself, with the suite's options, fails exactly the cells verify named
    named = {cell["cell"] for cell in json.loads((copy / REPORT / "verify.json").read_text())["cells"]}
    nbval = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
                            "--nbval-sanitize-with", str(verify.SANITIZE), "-q", "-rf", str(REPORT / "briefing.ipynb")],
                           cwd=copy, capture_output=True, text=True, timeout=600)
    failed = {int(n) for n in re.findall(r"^FAILED \S*::Cell (\d+)", nbval.stdout, flags=re.MULTILINE)}
    assert nbval.returncode == 1 and failed, nbval.stdout[-2000:]
    assert failed == named


@pytest.mark.slow
def test_schedule_verify_marks_a_report_that_no_longer_reproduces_and_does_not_render_over_it(project, tmp_path):
    """Inputs unchanged (so not stale) but the stored output differs, as after an upgrade of a dependency."""
    copy = copy_of(project, tmp_path / "project")
    stored = copy / REPORT / "briefing.ipynb"
    notebook = nbformat.read(stored, as_version=4)
    key_points = [cell for cell in notebook.cells if cell.cell_type == "code"][3]
    page = key_points.outputs[0]["data"]["text/html"]
    assert "<h2>Key points</h2>" in page
    key_points.outputs[0]["data"]["text/html"] = page.replace("</ul>", "<li>A point the data does not make.</li></ul>")
    nbformat.write(notebook, stored)
    tampered, html_before = stored.read_bytes(), (copy / REPORT / "briefing.html").read_bytes()

    done = run_cli("schedule", "data/korea-1950", "--cadence", "month", "--since", PERIOD, "--until", PERIOD,
                   "--out", "reports", "--quiet", "--verify", cwd=copy)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("rendered 0, up to date 1, failed 0\nverified 0, drifted 1 (of those up to date)\n"
                                  "  DRIFTED 1953-07: drifted: cell 3 (Key points); inputs: none changed"), done.stdout
    assert stored.read_bytes() == tampered and (copy / REPORT / "briefing.html").read_bytes() == html_before
    assert "<b>DRIFTED</b>" in index_row(copy / "reports" / "index.html")


def test_a_folder_without_reports_is_one_clear_error(tmp_path):
    (tmp_path / "korea-1950" / "1953-07").mkdir(parents=True)
    (tmp_path / "korea-1950" / "1953-07" / "briefing.html").write_text("<p>no notebook, no manifest</p>")
    done = run_cli("verify", str(tmp_path))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == f"error: {tmp_path}: holds no rendered report (a report folder has briefing.ipynb and " \
                          "manifest.json; give one, a conflict's reports folder, or reports/)\n"
    missing = run_cli("verify", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and missing.stderr == f"error: {tmp_path / 'nowhere'}: no such folder\n"


# --- the parts, without a kernel ------------------------------------------------------------------

def notebook_with(*outputs_per_cell, markdown="# Briefing") -> nbformat.NotebookNode:
    cells = [new_markdown_cell(markdown)]
    for number, outputs in enumerate(outputs_per_cell, start=1):
        cells.append(new_code_cell(f"cell_{number}()", execution_count=number, outputs=list(outputs)))
    return new_notebook(cells=cells)


def html_output(page: str, **metadata):
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
    report = korea_copy.parent / "reports" / "korea-1950" / PERIOD
    report.mkdir(parents=True)
    notebook = new_notebook(cells=[new_code_cell('data_dir = "../../../korea-1950"',
                                                 metadata={"tags": ["injected-parameters"]})])
    manifest = {"inputs": "abc", "input_files": input_file_digests(korea_copy)}
    assert verify.changed_inputs(report, manifest, notebook) == []
    set_cell(korea_copy / "positions.csv", CHANGED_ROW, "position", "60")
    (korea_copy / "conflict.toml").unlink()
    assert verify.changed_inputs(report, manifest, notebook) == ["conflict.toml (missing)", "positions.csv"]
    old = {"inputs": "abc"}
    assert verify.changed_inputs(report, old, notebook) is None
    verdict = verify.Verdict(report, [verify.Drift(3, "Key points")], None)
    assert verdict.text() == "drifted: cell 3 (Key points); inputs: unknown (manifest predates per-file digests)"
