"""Both notebooks run unchanged under papermill on a second conflict: other ids, 1950s dates."""

import json

import papermill
import pytest

from conftest import KOREA, ROOT, TRACK_RECORD_CHART


@pytest.mark.slow
@pytest.mark.parametrize("name", ["briefing.ipynb", "explore.ipynb"])
def test_notebook_runs_on_the_korea_fixture(name, tmp_path):
    out = tmp_path / name
    papermill.execute_notebook(str(ROOT / "notebooks" / name), str(out), cwd=str(ROOT / "notebooks"),
                               parameters={"data_dir": str(KOREA), "period_start": "1953-07-01",
                                           "period_end": "1953-07-31", "period": "1953-07"},
                               kernel_name="python3", progress_bar=False)
    cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
    outputs = [o for c in cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    figures = html.count('class="parley-figure"')
    assert figures == (9 if name == "briefing.ipynb" else 10) + TRACK_RECORD_CHART
    assert "Korean War armistice talks: briefing for" in html
    assert "Armistice" in html and "United Nations Command" in html
    assert "Prospects" in html


def test_notebooks_declare_the_papermill_parameters():
    for name in ("briefing.ipynb", "explore.ipynb"):
        cells = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
        tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1
        source = "".join(tagged[0]["source"])
        for parameter in ("data_dir", "period_start", "period_end", "actors", "issues"):
            assert f"\n{parameter} = " in "\n" + source, (name, parameter)


def test_stored_outputs_are_deterministic():
    """No random ids, timestamps or absolute paths in what nbval compares."""
    for name in ("briefing.ipynb", "explore.ipynb"):
        text = (ROOT / "notebooks" / name).read_text(encoding="utf-8")
        assert str(ROOT) not in text
        assert "parley-fig-1" in text
        for needle in ('"execution":', "iopub.execute_input", '"papermill": {'):
            assert needle not in text, (name, needle)
