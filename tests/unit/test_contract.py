"""The render contract: what the briefing notebook hands back, read by render from the executed notebook."""
from __future__ import annotations

import json

import pytest

from parley.data.periods import parse_period
from parley.errors import RenderError
from parley.pipeline import render
from parley.report.contract import RESULT_MIME, BriefingResult


def executed(tmp_path, outputs):
    path = tmp_path / "briefing.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": outputs}]}), encoding="utf-8")
    return path


def result_output(data):
    return {"output_type": "display_data", "data": {RESULT_MIME: data, "text/plain": "[briefing result]"}}


def test_render_reads_the_result_from_the_notebook_and_the_page_leaves_it_out(tmp_path):
    data = {"trend": "improved", "coverage": "partial", "covered_until": "2025-05-08",
            "inputs": {"positions.csv": "ab" * 32, "influence.csv": None}}
    page_part = {"output_type": "display_data", "data": {"text/html": "<p>shown</p>", "text/plain": "[html]"}}
    path = executed(tmp_path, [page_part, result_output(data)])
    assert render.result_of(path) == BriefingResult("improved", "partial", "2025-05-08",
                                                    {"positions.csv": "ab" * 32, "influence.csv": None})
    page = render.to_html(path, "T")
    assert "<p>shown</p>" in page and "briefing result" not in page and "improved" not in page


@pytest.mark.parametrize("data, message", [
    ({"coverage": "full"}, "missing trend"),
    ({"trend": 3, "coverage": "full"}, "trend must be a string"),
    ({"trend": "unchanged", "coverage": "full", "inputs": {"a.csv": 5}}, "inputs must map"),
    (["trend"], "a JSON object"),
])
def test_a_malformed_result_is_a_render_error_naming_the_field(tmp_path, data, message):
    with pytest.raises(RenderError, match=message):
        render.result_of(executed(tmp_path, [result_output(data)]))


def test_a_notebook_without_a_result_is_a_render_error(tmp_path):
    with pytest.raises(RenderError, match="recorded no result"):
        render.result_of(executed(tmp_path, []))


def test_the_inputs_digest_moves_with_any_file_and_with_an_absent_file_appearing(tmp_path):
    month = parse_period("2025-05")
    base = {"positions.csv": "a" * 64, "influence.csv": None}
    digest = render.inputs_digest(base, month)
    assert render.inputs_digest(dict(base), month) == digest
    assert render.inputs_digest({**base, "positions.csv": "b" * 64}, month) != digest
    assert render.inputs_digest({**base, "influence.csv": "c" * 64}, month) != digest
    assert render.inputs_digest(base, parse_period("2025-04")) != digest
