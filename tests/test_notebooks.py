"""The notebooks: papermill runs on a second conflict, stored outputs that survive an analyst's re-run, and
`make notebooks` never overwriting an edited notebook without saying so."""

import json
import re
import shutil
import subprocess
import sys

import nbformat
import papermill
import pytest
from conftest import KOREA, ROOT, TRACK_RECORD_CHART
from nbclient import NotebookClient

sys.path.insert(0, str(ROOT / "scripts"))
import make_notebooks  # noqa: E402
import store_outputs  # noqa: E402

FIGURES = {"briefing.ipynb": 9, "explore.ipynb": 8}
RERUN = ("wb.show('timeline')", "wb.show('events')", "wb.show('stance_map'")  # cells an analyst runs again


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


def test_notebooks_declare_the_papermill_parameters():
    for name in ("briefing.ipynb", "explore.ipynb"):
        cells = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
        tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1
        source = "".join(tagged[0]["source"])
        for parameter in ("data_dir", "period_start", "period_end", "actors", "issues"):
            assert f"\n{parameter} = " in "\n" + source, (name, parameter)


def test_stored_outputs_are_deterministic():
    """No random ids, timestamps, widget models or absolute paths in what nbval compares."""
    for name in ("briefing.ipynb", "explore.ipynb"):
        text = (ROOT / "notebooks" / name).read_text(encoding="utf-8")
        assert str(ROOT) not in text
        assert "parley-fig-1" in text
        for needle in ('"execution":', "iopub.execute_input", '"papermill": {', store_outputs.WIDGET_MIME,
                       '"widgets": {'):
            assert needle not in text, (name, needle)
        assert not re.search(r"itables_[0-9a-f]{8}_[0-9a-f]{4}", text), name  # itables' own random table ids


def test_stored_notebooks_are_what_make_notebooks_writes():
    """The cells on disk are the generator's (outputs aside): `make notebooks` would change no source."""
    for name, generated in (("briefing.ipynb", make_notebooks.briefing_notebook()), ("explore.ipynb", make_notebooks.explore)):
        on_disk = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        assert [(c.cell_type, c.source) for c in on_disk.cells] == [(c.cell_type, c.source) for c in generated.cells]
        assert make_notebooks.edits(ROOT / "notebooks" / name) == []


def nbval(path, *extra):
    return subprocess.run([sys.executable, "-m", "pytest", str(path), "-p", "no:cacheprovider", "-o", "addopts=",
                           "--nbval", "--nbval-current-env", "-q", *extra], cwd=path.parent, capture_output=True,
                          text=True, timeout=600)


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


def test_make_notebooks_refuses_an_edited_notebook_unless_forced(tmp_path, monkeypatch):
    monkeypatch.setattr(make_notebooks, "NOTEBOOKS", tmp_path)
    path = tmp_path / "explore.ipynb"
    assert make_notebooks.write(make_notebooks.explore, path, force=False)
    assert make_notebooks.write(make_notebooks.explore, path, force=False)  # unchanged: rewritten quietly
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source = "wb.moves.query('change < 0')"  # the analyst's scratch cell
    nb.cells.append(nbformat.v4.new_code_cell("wb.ids"))
    nb.cells[-2].outputs = [nbformat.v4.new_output("stream", text="x")]  # outputs never count as edits
    nbformat.write(nb, path)
    edited = path.read_bytes()
    assert make_notebooks.edits(path) == [f"cell {len(nb.cells) - 2} ({nb.cells[-2].id}) is new or changed",
                                          f"cell {len(nb.cells) - 1} ({nb.cells[-1].id}) is new or changed"]
    assert not make_notebooks.write(make_notebooks.explore, path, force=False)
    assert path.read_bytes() == edited
    assert make_notebooks.write(make_notebooks.explore, path, force=True)
    assert make_notebooks.edits(path) == []
    # a cell deleted in JupyterLab counts too
    nb = nbformat.read(path, as_version=4)
    del nb.cells[3]
    nbformat.write(nb, path)
    assert make_notebooks.edits(path) == ["1 generated cell(s) were deleted"]


def test_the_briefing_notebook_follows_the_sections_list():
    """One briefing cell per section of parley.report.sections.SECTIONS, in that order: the list is the one place."""
    from parley.report.sections import SECTIONS
    cells = [c.source for c in nbformat.read(ROOT / "notebooks" / "briefing.ipynb", as_version=4).cells
             if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    assert [re.search(r"show_section\(ctx, '(\w+)'\)", c).group(1) for c in cells] == [s.key for s in SECTIONS]
