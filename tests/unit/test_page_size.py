"""Issue 23 (3): a briefing page under 1 MB: a partial plotly.js bundle stored compressed, figure JSON without
redundant precision, the shared plotly template once per page. (The charts drawn from it: tests/test_browser.py.)"""

from __future__ import annotations

import base64
import gzip
import json
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from conftest import ROOT

from parley.errors import RenderError
from parley.pipeline import render
from parley.report import notebook


def test_compact_rounds_floats_and_trims_timestamps_only():
    spec = {"x": ["2025-06-30T00:00:00.000000", "2025-06-30T14:05:00.000000", "2025-06-30T00:00:00",
                  "2025-06-30T14:05:00.5", "Source: 2025-06-30T00:00:00.000000"],
            "y": [0.1111111111111111, 2.0, 1234567.891, -0.000123456789, 7, True, None], "name": "a.b 0.333333333"}
    assert notebook.compact(spec) == {
        "x": ["2025-06-30", "2025-06-30T14:05:00", "2025-06-30", "2025-06-30T14:05:00.5",
              "Source: 2025-06-30T00:00:00.000000"],
        "y": [0.111111, 2.0, 1234570.0, -0.000123457, 7, True, None], "name": "a.b 0.333333333"}


def figure(title: str) -> go.Figure:
    return go.Figure(go.Scatter(x=["2025-01-01", "2025-01-02"], y=[1 / 3, 2 / 3]), layout={"title": {"text": title}})


def test_the_shared_template_is_written_once_per_kernel_and_named_by_the_others():
    notebook.reset_ids()
    first, second = notebook.figure_bundle(figure("one")), notebook.figure_bundle(figure("two"))
    key = re.search(r'class="parley-plotly-template" data-template="([0-9a-f]{16})"', first["text/html"]).group(1)
    assert first["text/html"].count("parley-plotly-template") == 1
    assert "parley-plotly-template" not in second["text/html"]
    for bundle in (first, second):
        assert f'class="parley-figure-data" data-for="{bundle["text/plain"].split()[1][:-1]}" data-template="{key}"' \
            in bundle["text/html"]
        data = json.loads(re.search(r'class="parley-figure-data"[^>]*>(.*)</script>', bundle["text/html"]).group(1))
        assert "template" not in data["layout"] and data["data"][0]["y"] == [0.333333, 0.666667]
        assert bundle[notebook.PLOTLY_MIME]["layout"]["template"]["layout"]  # JupyterLab draws each output alone
    notebook.reset_ids()  # a new page: the template is written again, ids start at 1
    again = notebook.figure_bundle(figure("three"))
    assert 'id="parley-fig-1"' in again["text/html"] and "parley-plotly-template" in again["text/html"]
    notebook.reset_ids()


def test_the_packed_bundle_is_the_vendored_one_and_the_same_every_time():
    vendored = (ROOT / "parley" / "report" / "vendor" / render.PLOTLY_JS).read_bytes()
    packed = render.packed_plotly_js()
    assert gzip.decompress(base64.b64decode(packed)) == vendored
    render.packed_plotly_js.cache_clear()
    assert render.packed_plotly_js() == packed
    assert len(packed) < len(vendored) / 2


def test_the_bundle_the_build_script_and_the_renderer_agree_on_the_trace_types():
    banner = (ROOT / "parley" / "report" / "vendor" / render.PLOTLY_JS).read_text(encoding="utf-8").splitlines()[0]
    assert set(re.search(r"traces: ([a-z ]+)\)", banner).group(1).split()) == render.PLOTLY_TRACES
    script = (ROOT / "scripts" / "build_plotly_bundle.sh").read_text(encoding="utf-8")
    assert {"scatter", *re.search(r'^TRACES="([a-z ]+)"', script, re.M).group(1).split()} == render.PLOTLY_TRACES


def test_a_chart_of_a_trace_type_the_bundle_lacks_fails_the_render(tmp_path: Path):
    cells = [{"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {
        render.PLOTLY_MIME: {"data": [{"type": "scatter"}, {"type": "pie"}], "layout": {}}}}]}]
    with pytest.raises(RenderError, match="trace type pie, which the vendored plotly.js bundle"):
        render.check_trace_types(cells)
    render.check_trace_types([{"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {
        render.PLOTLY_MIME: {"data": [{}, {"type": "bar"}, {"type": "heatmap"}]}}}]}])
