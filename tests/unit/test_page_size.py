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
from markupsafe import Markup

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


def test_every_figure_carries_the_shared_template_and_the_page_keeps_one_copy():
    """A figure's output does not depend on what ran before it (a re-run cell matches what nbval stored); the page
    keeps the first copy of each template and the other figures name it by its key."""
    notebook.reset_ids()
    first, second = notebook.figure_bundle(figure("one")), notebook.figure_bundle(figure("two"))
    key = re.search(r'class="parley-plotly-template" data-template="([0-9a-f]{16})"', first["text/html"]).group(1)
    for bundle in (first, second):
        assert bundle["text/html"].count(f'class="parley-plotly-template" data-template="{key}"') == 1
        assert f'class="parley-figure-data" data-for="{bundle["text/plain"].split()[1][:-1]}" data-template="{key}"' \
            in bundle["text/html"]
        data = json.loads(re.search(r'class="parley-figure-data"[^>]*>(.*)</script>', bundle["text/html"]).group(1))
        assert "template" not in data["layout"] and data["data"][0]["y"] == [0.333333, 0.666667]
        assert bundle[notebook.PLOTLY_MIME]["layout"]["template"]["layout"]  # JupyterLab draws each output alone
    notebook.reset_ids()
    assert notebook.figure_bundle(figure("one"))["text/html"] == first["text/html"]  # the same output when re-run
    cells = [[{"html": Markup(first["text/html"])}], [{"html": Markup(second["text/html"])}]]
    render.once_per_page(cells)
    page = "".join(str(output["html"]) for cell in cells for output in cell)
    assert page.count("parley-plotly-template") == 1 and page.count(f'data-template="{key}"') == 3
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
