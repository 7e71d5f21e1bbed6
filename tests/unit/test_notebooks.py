"""The notebooks: papermill runs on a second conflict, stored outputs that survive an analyst's re-run, and
`make notebooks` never overwriting an edited notebook without saying so."""

import json
import re
import sys

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def scripts():
    """scripts/make_notebooks.py and store_outputs.py, imported when a test here runs: they import nbformat and nbclient
    (about 1.5 s), which collection (in every xdist worker) should not pay."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_notebooks
    import store_outputs
    return make_notebooks, store_outputs


def test_notebooks_declare_the_papermill_parameters():
    for name in ("briefing.ipynb", "explore.ipynb"):
        cells = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
        tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1
        source = "".join(tagged[0]["source"])
        for parameter in ("data_dir", "period_start", "period_end", "actors", "issues"):
            assert f"\n{parameter} = " in "\n" + source, (name, parameter)


def test_stored_outputs_are_deterministic(scripts):
    """No random ids, timestamps, widget models or absolute paths in what nbval compares."""
    make_notebooks, store_outputs = scripts

    for name in ("briefing.ipynb", "explore.ipynb"):
        text = (ROOT / "notebooks" / name).read_text(encoding="utf-8")
        assert str(ROOT) not in text
        assert "parley-fig-1" in text
        for needle in ('"execution":', "iopub.execute_input", '"papermill": {', store_outputs.WIDGET_MIME,
                       '"widgets": {'):
            assert needle not in text, (name, needle)
        assert not re.search(r"itables_[0-9a-f]{8}_[0-9a-f]{4}", text), name  # itables' own random table ids


def test_stored_notebooks_are_what_make_notebooks_writes(scripts):
    """The cells on disk are the generator's (outputs aside): `make notebooks` would change no source."""
    make_notebooks, store_outputs = scripts
    import nbformat

    for name, generated in (("briefing.ipynb", make_notebooks.briefing_notebook()), ("explore.ipynb", make_notebooks.explore)):
        on_disk = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        assert [(c.cell_type, c.source) for c in on_disk.cells] == [(c.cell_type, c.source) for c in generated.cells]
        assert make_notebooks.edits(ROOT / "notebooks" / name) == []


def test_make_notebooks_refuses_an_edited_notebook_unless_forced(tmp_path, monkeypatch, scripts):
    make_notebooks, store_outputs = scripts
    import nbformat

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
    import nbformat

    from parley.report.sections import SECTIONS
    cells = [c.source for c in nbformat.read(ROOT / "notebooks" / "briefing.ipynb", as_version=4).cells
             if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    assert [re.search(r"show_section\(ctx, '(\w+)'\)", c).group(1) for c in cells] == [s.key for s in SECTIONS]
