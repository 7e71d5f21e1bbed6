"""Issue 15 end to end: a rendered project, moved, verified by `python -m parley verify` and `schedule --verify`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import KOREA, read_rows, run_cli, set_cell

from parley.pipeline import verify

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
