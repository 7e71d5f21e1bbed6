"""What notebooks call to show things: deterministic outputs that JupyterLab, nbval and nbconvert all read.

A figure is displayed as one mime bundle with two views:

* ``application/vnd.plotly.v1+json``: the interactive chart JupyterLab draws with its plotly extension;
* ``text/html``: a ``<div class="parley-figure">`` with the figure JSON beside it in a
  ``<script type="application/json">`` (never executed). ``parley.pipeline.render`` embeds plotly.js once
  and a small script that draws every such div, so the exported briefing needs no network.

The div ids come from a per-kernel counter, not a random uuid, so the stored outputs that nbval
compares are byte-identical run after run (plotly's own renderers put a random id in the HTML).

The page stays small: figure JSON carries no redundant precision (floats to 6 significant digits, midnight
timestamps as dates), and the plotly template every figure shares (about 7 KB) is written once per kernel, in the
HTML of the first figure that uses it; later figures name it (``data-template``), and draw.js puts it back.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re

import plotly.graph_objects as go
import plotly.io as pio

from parley.report import markup
from parley.report.markup import Markup

PLOTLY_MIME = "application/vnd.plotly.v1+json"
_counter = itertools.count(1)
_MIDNIGHT = re.compile(r"(\d{4}-\d\d-\d\d)T00:00:00(?:\.0+)?")
_WHOLE_SECOND = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.0+")


def reset_ids() -> None:
    """Figure ids start at 1 again and the next figure writes its template again (a new page begins)."""
    global _counter
    _counter = itertools.count(1)


def compact(value):
    """Figure JSON without redundant precision: floats to 6 significant digits (far below a pixel or a shown
    figure), timestamps at midnight as dates and whole seconds without a fraction (plotly.js reads them the same)."""
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, str):
        match = _MIDNIGHT.fullmatch(value) or _WHOLE_SECOND.fullmatch(value)
        return match.group(1) if match else value
    if isinstance(value, list):
        return [compact(item) for item in value]
    if isinstance(value, dict):
        return {key: compact(item) for key, item in value.items()}
    return value


def script_safe_json(data) -> str:
    """JSON that cannot close its <script> element or open an HTML comment."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def figure_bundle(fig: go.Figure) -> dict:
    """The mime bundle of a figure; ids are deterministic within a kernel session.

    The plotly view keeps the whole figure (JupyterLab draws each output alone); the HTML view carries the template
    apart from the figure, keyed by its digest, so the page keeps one copy (parley.pipeline.render). Every output is
    the same whatever ran before it in the kernel, so a re-run cell still matches what nbval stored."""
    spec = compact(json.loads(pio.to_json(fig, validate=False, pretty=False, remove_uids=True)))
    fig_id = f"parley-fig-{next(_counter)}"
    height = int(spec.get("layout", {}).get("height") or 450)
    width = spec.get("layout", {}).get("width")
    style = f"height:{height}px;" + (f"width:{int(width)}px;max-width:100%;" if width else "width:100%;")
    layout = dict(spec.get("layout", {}))
    template = layout.pop("template", None)
    shared, key = "", ""
    if template:
        shared = script_safe_json(template)
        key = hashlib.sha256(shared.encode("utf-8")).hexdigest()[:16]
    html = markup.render("figure.j2", template_json=Markup(shared), key=key, fig_id=fig_id, style=style,
                         data_json=Markup(script_safe_json({**spec, "layout": layout})))
    return {PLOTLY_MIME: spec, "text/html": str(html), "text/plain": f"[figure {fig_id}: {_title(spec)}]"}


def _title(spec: dict) -> str:
    title = spec.get("layout", {}).get("title", {})
    return title.get("text", "") if isinstance(title, dict) else str(title)


def show(fig: go.Figure) -> None:
    from IPython.display import display
    display(figure_bundle(fig), raw=True)


def show_html(html: str) -> None:
    """Show generated HTML (callers escape every piece of data they put in it)."""
    from IPython.display import display
    display({"text/html": html, "text/plain": "[html]"}, raw=True)


def warm_up() -> None:
    """Load ahead of time what a briefing's first figures would otherwise load on first use.

    parley's modules, pandera's schemas and plotly's lazily imported trace classes and validators.
    ``parley.pipeline.render`` runs this silently in a fresh kernel while the parent imports papermill;
    it draws nothing that is shown, and resets the figure counter so ids still start at 1.
    """
    from plotly.subplots import make_subplots

    import parley.data.imported  # noqa: F401
    import parley.report.briefing  # noqa: F401
    import parley.report.prospects  # noqa: F401
    from parley.data import schema

    schema.EVENTS  # noqa: B018 - builds the pandera table schemas
    fig = make_subplots(rows=2, cols=1, subplot_titles=["a", "b"])
    fig.add_trace(go.Scatter(x=[1, 2], y=[1, 2], mode="lines+markers", line={"shape": "hv", "color": "#000"},
                             marker={"size": [1, 2], "symbol": "diamond"}, hovertext=["a", "b"]), row=1, col=1)
    fig.add_trace(go.Bar(x=[1], y=[1], marker_color="#000"), row=2, col=1)
    fig.add_trace(go.Heatmap(z=[[1]], colorbar={"title": {"text": "x"}}))
    fig.add_annotation(text="x", x=1, y=1, showarrow=True)
    fig.add_shape(type="rect", x0=0, x1=1, y0=0, y1=1)
    fig.update_layout(title={"text": "x"}, legend={"orientation": "v"})
    fig.update_xaxes(title={"text": "x"})
    figure_bundle(fig)
    reset_ids()


def show_section(context, key: str) -> None:
    """Show briefing section ``key`` (see ``parley.report.sections.SECTIONS``): its figures and its HTML, in order."""
    from parley.report import sections

    for item in sections.items(key, context):
        show(item) if isinstance(item, go.Figure) else show_html(item)


def record_result(context) -> None:
    """Hand the briefing's result to the pipeline (parley.report.contract): an output render reads, the page omits."""
    from IPython.display import display

    from parley.report import sections
    from parley.report.contract import RESULT_MIME

    found = sections.result(context)
    display({RESULT_MIME: found.to_json(),
             "text/plain": f"[briefing result: trend {found.trend}, coverage {found.coverage}, {len(found.inputs)} data files]"},
            raw=True)
