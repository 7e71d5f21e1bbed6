"""The notebooks run by papermill on a second conflict, and stored outputs that survive an analyst's re-run
(kernels: integration)."""

import json
import shutil
import subprocess
import sys

import nbformat
import papermill
import pytest
from conftest import KOREA, ROOT, TRACK_RECORD_CHART
from nbclient import NotebookClient

sys.path.insert(0, str(ROOT / "scripts"))
import store_outputs  # noqa: E402

FIGURES = {"briefing.ipynb": 8, "explore.ipynb": 8}  # briefing: no outside-view chart without the class fields (fixture)
RERUN = ("wb.show('timeline')", "wb.show('events')", "wb.show('stance_map'")  # cells an analyst runs again


def nbval(path, *extra):
    return subprocess.run([sys.executable, "-m", "pytest", str(path), "-p", "no:cacheprovider", "-o", "addopts=",
                           "--nbval", "--nbval-current-env", "-q", *extra], cwd=path.parent, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["briefing.ipynb", "explore.ipynb"])
def test_notebook_runs_when_every_position_begins_inside_the_period(name, tmp_path):
    """Issue 13's crash: in 1951-06-01 to 1953-08-31 every Korean War position in force is an actor's first."""
    out = tmp_path / name
    papermill.execute_notebook(str(ROOT / "notebooks" / name), str(out), cwd=str(ROOT / "notebooks"),
                               parameters={"data_dir": str(KOREA), "period_start": "1951-06-01",
                                           "period_end": "1953-08-31", "period": ""},
                               kernel_name="python3", progress_bar=False)
    cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
    outputs = [o for c in cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert html.count('class="parley-figure"') == FIGURES[name] + (TRACK_RECORD_CHART if name == "briefing.ipynb" else 0)
    assert "Korean War armistice talks: briefing for" in html
    assert "Armistice" in html and "United Nations Command" in html
    assert "Prospects" in html
    if name == "briefing.ipynb":  # every move is an actor's first position
        assert "new: " in html and "No actor changed a stated position" in html
    else:  # the ids table names every actor; the moves table holds only first positions ("new")
        assert "north_korea" in html and "pow_repatriation" in html
        caption = html.index("Moves in 01 Jun 1951 to 31 Aug 1953")
        moves = html[html.rfind("<table", 0, caption):caption]
        assert ">new</td>" in moves and ">up</td>" not in moves and ">down</td>" not in moves


@pytest.mark.slow
def test_an_analysts_rerun_and_save_still_passes_nbval(tmp_path):
    """As in JupyterLab: run all, re-run cells (ids count on), keep the widget keys and state, save; nbval passes."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copytree(ROOT / "data", tmp_path / "data")
    path = folder / "explore.ipynb"
    nb = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=600, store_widget_state=True,
                            resources={"metadata": {"path": str(folder)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        again = [i for i, c in enumerate(nb.cells)
                 if any(call in c.source for call in RERUN)]
        for index in again + again:  # twice: every id of these cells has moved on
            client.execute_cell(nb.cells[index], index)
    nbformat.write(nb, path)
    saved = path.read_text(encoding="utf-8")
    assert store_outputs.WIDGET_MIME in saved and "parley-fig-1\"" not in saved.split("wb.show('timeline')")[1][:2000]
    sanitize = ROOT / "parley" / "nbval_sanitize.cfg"
    done = nbval(path, "--nbval-sanitize-with", str(sanitize))
    assert done.returncode == 0, done.stdout[-3000:]
    # the sanitizing is what makes it pass: without it the shifted ids fail
    assert nbval(path).returncode != 0
