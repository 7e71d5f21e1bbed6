"""The timeline's labels as headless Chromium draws them (the width model is checked in tests/unit/test_charts.py)."""

from pathlib import Path

import pytest
from conftest import crowded_timeline

from parley.report import charts


@pytest.mark.slow
@pytest.mark.browser
def test_timeline_labels_do_not_overlap_as_the_browser_draws_them(tmp_path):
    """The label rows come from parley's own width model; this measures the labels plotly.js really drew."""
    import chromium

    from parley.pipeline.render import PLOTLY_JS

    events, fig = crowded_timeline()
    (tmp_path / "plotly.js").write_bytes((Path(charts.__file__).parent / "vendor" / PLOTLY_JS).read_bytes())
    page = tmp_path / "timeline.html"
    page.write_text(fig.to_html(include_plotlyjs="plotly.js", full_html=True), encoding="utf-8")
    boxes = ("[...document.querySelectorAll('g.annotation')].filter(g => !g.textContent.startsWith('Source:'))"
             ".map(g => g.querySelector('.annotation-text-g').getBoundingClientRect())"
             ".map(r => [r.left, r.top, r.right, r.bottom])")
    with chromium.Browser(width=1200, height=900) as browser:
        drawn = browser.open(page, probes={"boxes": boxes}, ready="document.querySelectorAll('g.annotation').length > 0")
    labels = drawn.values["boxes"]
    assert len(labels) == len([a for a in fig.layout.annotations if not a.text.startswith("Source: ")]) >= 10
    overlapping = [(a, b) for i, a in enumerate(labels) for b in labels[i + 1:]
                   if a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1]
    assert overlapping == [], f"{len(overlapping)} pairs of labels overlap"
