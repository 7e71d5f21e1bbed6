"""The workbench behind notebooks/explore.ipynb: controls, views redrawn in place, tables as DataFrames.

The notebook stays thin: it makes a :class:`Workbench` from its parameters cell and displays its
controls and views. Each view is an ipywidgets ``Output`` whose mime bundle also carries the static
content (plotly JSON, HTML), so one display serves two readers:

* JupyterLab with a live kernel draws the widget; changing a control rebuilds the :class:`Briefing`
  and replaces every view's output in place;
* papermill, nbval and a stored notebook opened without its kernel see the static content
  (``scripts/store_outputs.py`` drops the widget key, whose model id is random, before saving).
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Callable

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from parley.errors import ParleyError, UsageError
from parley.report import markup, sections
from parley.report.briefing import Briefing
from parley.report.notebook import figure_bundle

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
LANES = ("category", "actor")


# --- data for the tables: plain DataFrames, reusable in the analyst's own cells -----------------

def ids_frame(conflict) -> pd.DataFrame:
    """Every actor and issue id of a conflict with its name and what its numbers mean."""
    actors = conflict.actors.assign(what="actor", id=conflict.actors["actor_id"],
                                    detail=conflict.actors["kind"] + ", capability "
                                    + conflict.actors["capability"].map(_number))
    issues = conflict.issues.assign(what="issue", id=conflict.issues["issue_id"],
                                    detail="0 = " + conflict.issues["scale_low"] + "; 100 = "
                                    + conflict.issues["scale_high"])
    columns = ["what", "id", "name", "detail"]
    return pd.concat([actors[columns], issues[columns]], ignore_index=True)


def _number(value) -> str:
    return "unknown" if pd.isna(value) else f"{value:g}"


def _names(ids, names: dict[str, str]) -> str:
    return "; ".join(names.get(i, i) for i in ids)


def events_frame(b: Briefing) -> pd.DataFrame:
    """The period's events of the selection, oldest first, with names instead of ids."""
    ev = b.changes.events.sort_values(["date", "event_id"], kind="stable")
    actor_names, issue_names = b.conflict.actor_names, b.conflict.issue_names
    return pd.DataFrame({
        "date": ev["date"].dt.date, "end_date": ev["end_date"].dt.date, "category": ev["category"],
        "importance": ev["importance"], "title": ev["title"], "description": ev["description"],
        "actors": ev["actors"].map(lambda ids: _names(ids, actor_names)),
        "issues": ev["issues"].map(lambda ids: _names(ids, issue_names)),
        "source": ev["source"], "source_url": ev["source_url"], "event_id": ev["event_id"],
    }).reset_index(drop=True)


def positions_frame(b: Briefing) -> pd.DataFrame:
    """Positions in force on the period's last day (0-100 on each issue's scale), with their statements."""
    cur = b.current
    return pd.DataFrame({
        "issue": cur["issue_id"].map(b.name_of_issue), "actor": cur["actor_id"].map(b.name_of_actor),
        "position": cur["position"], "salience": cur["salience"], "since": cur["since"].dt.date,
        "statement": cur["statement"], "source": cur["source"], "source_url": cur["source_url"],
        "actor_id": cur["actor_id"], "issue_id": cur["issue_id"],
    })


def moves_frame(b: Briefing) -> pd.DataFrame:
    """Positions that moved in the period (before empty for an actor's first position), largest first."""
    mv = b.changes.moves
    return pd.DataFrame({
        "issue": mv["issue_id"].map(b.name_of_issue), "actor": mv["actor_id"].map(b.name_of_actor),
        "before": mv["before"], "after": mv["after"], "change": mv["change"], "direction": mv["direction"],
        "since": mv["since"].dt.date, "statement": mv["statement"], "source": mv["source"],
        "source_url": mv["source_url"], "actor_id": mv["actor_id"], "issue_id": mv["issue_id"],
    })


def conflict_folders(data_dir: str | Path) -> list[str]:
    """`data_dir` and the conflict folders beside it (each with a conflict.toml), as the notebook wrote it."""
    data_dir = str(data_dir)
    parent = Path(data_dir).parent
    beside = sorted(str(parent / p.name) for p in parent.iterdir() if (p / "conflict.toml").is_file()) \
        if parent.is_dir() else []
    return list(dict.fromkeys([data_dir, *beside]))


# --- views ----------------------------------------------------------------------------------------

def html_bundle(html: str, label: str) -> dict:
    return {"text/html": html, "text/plain": f"[{label}]"}


def view_bundle(drawn, label: str) -> dict:
    """A section part's drawing as one view: a figure, HTML, or several of those one after the other."""
    items = drawn if isinstance(drawn, list) else ([] if drawn is None else [drawn])
    if len(items) == 1 and isinstance(items[0], go.Figure):
        return figure_bundle(items[0])
    return html_bundle("".join(figure_bundle(i)["text/html"] if isinstance(i, go.Figure) else i for i in items), label)


_tables = itertools.count(1)


def init_tables() -> None:
    """Load DataTables for itables from the installed package into the notebook: no network needed.

    Its output (about 1 MB of JavaScript) must stay in the live notebook; scripts/store_outputs.py drops it.
    Only the offline bundle is shown: itables' `init_notebook_mode(connected=False)` also shows a dark-theme
    script that awaits the bundle before the bundle's own output has defined it (a page error in JupyterLab).
    """
    from IPython.display import HTML, display
    from itables import options
    from itables.javascript import generate_init_offline_itables_html
    options.display_logo_when_loading = False  # its logo is an svg.main-svg, like a plotly chart
    display(HTML(generate_init_offline_itables_html(options.dt_bundle)))


def table_html(frame: pd.DataFrame, caption: str) -> str:
    """A sortable, filterable table (itables/DataTables), its id a counter so stored outputs repeat."""
    from itables import to_html_datatable
    return to_html_datatable(frame, table_id=f"parley-table-{next(_tables)}", caption=caption, maxBytes=0,
                             paging=len(frame) > 15, classes="display compact", showIndex=False, connected=False)


class View(widgets.Output):
    """One chart or table: an Output widget whose display also carries its content as static views."""

    def __init__(self, name: str, **kwargs):
        super().__init__(layout={"width": "100%"}, **kwargs)
        self.add_class("parley-view")
        self.add_class(f"parley-view-{name}")
        self.name, self.static = name, {}

    def show(self, bundle: dict) -> None:
        """Replace what the view shows (in place, in a live JupyterLab) and its static views."""
        self.static = bundle
        self.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        return {**self.static, **{k: v for k, v in bundle.items() if k == WIDGET_MIME}}


class Panel(widgets.VBox):
    """The controls; their static view is a one-line summary (no random widget id in stored outputs)."""

    summary = ""

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        return {**html_bundle(self.summary, "workbench controls"),
                **{k: v for k, v in bundle.items() if k == WIDGET_MIME}}


# --- the workbench --------------------------------------------------------------------------------

class Workbench:
    """A briefing that follows its controls: conflict folder, period, actors, issues and timeline lanes."""

    def __init__(self, data_dir: str, period_start: str, period_end: str, actors=(), issues=(),
                 lanes: str = "category", period_label: str = ""):
        self.data_dir, self.lanes = str(data_dir), lanes
        self.briefing = Briefing.open(data_dir, period_start, period_end, actors, issues, period_label=period_label)
        self.views: list[View] = []
        self.panel: Panel | None = None
        self._busy = False

    # DataFrames of the current selection, for the analyst's own cells
    @property
    def ids(self) -> pd.DataFrame:
        return ids_frame(self.briefing.conflict)

    @property
    def events(self) -> pd.DataFrame:
        return events_frame(self.briefing)

    @property
    def positions(self) -> pd.DataFrame:
        return positions_frame(self.briefing)

    @property
    def moves(self) -> pd.DataFrame:
        return moves_frame(self.briefing)

    def drawers(self) -> dict[str, Callable[[], dict]]:
        """What each view draws from the current briefing, by name: every part of the briefing's sections
        (``parley.report.sections``), then the workbench's own tables."""
        context = sections.Context(self.briefing, self.lanes)  # shared by the views of one redraw
        drawn = {key: (lambda part=part, key=key: view_bundle(part.draw(context), key))
                 for key, part in sections.parts().items()}
        title = self.briefing.period.title()
        return {
            **drawn,
            "ids": lambda: html_bundle(table_html(self.ids, "Actor and issue ids"), "ids"),
            "events": lambda: html_bundle(table_html(self.events, f"Events, {title}"), "events"),
            "positions": lambda: html_bundle(table_html(self.positions, f"Positions in force on "
                                                        f"{self.briefing.period.end:%d %B %Y}"), "positions"),
            "moves": lambda: html_bundle(table_html(self.moves, f"Moves in {title}"), "moves"),
        }

    def show(self, *names: str) -> None:
        """Display views by name (see `drawers`); each is redrawn in place when a control changes."""
        from IPython.display import display
        drawers = self.drawers()
        for name in names:
            view = View(name)
            view.show(drawers[name]())
            self.views.append(view)
            display(view)

    def show_section(self, key: str) -> None:
        """Display every part of briefing section ``key`` (``parley.report.sections``) as views."""
        self.show(*[p.key for p in sections.section(key).parts if p.key != "heading"])

    def redraw(self) -> None:
        drawers = self.drawers()
        for view in self.views:
            view.show(drawers[view.name]())

    def select(self, data_dir, start: dt.date | str, end: dt.date | str, actors=(), issues=(), lanes=None) -> None:
        """Rebuild the briefing for a new selection and redraw every view (what the controls call)."""
        if start is None or end is None:
            raise UsageError("choose both days of the period")
        if str(end) < str(start):
            raise UsageError(f"the period ends ({end}) before it starts ({start})")
        self.briefing = Briefing.open(data_dir, str(start), str(end), tuple(actors), tuple(issues))
        self.data_dir, self.lanes = str(data_dir), lanes or self.lanes
        self.redraw()

    # controls
    def controls(self) -> Panel:
        """The control panel; without a live frontend it shows a one-line summary instead."""
        if self.panel is not None:
            return self.panel
        b = self.briefing
        self._c = c = {
            "folder": widgets.Dropdown(options=conflict_folders(self.data_dir), value=self.data_dir,
                                       description="Conflict"),
            "start": widgets.DatePicker(value=b.period.start, description="From"),
            "end": widgets.DatePicker(value=b.period.end, description="To"),
            "actors": widgets.SelectMultiple(description="Actors", rows=6),
            "issues": widgets.SelectMultiple(description="Issues", rows=6),
            "lanes": widgets.ToggleButtons(options=LANES, value=self.lanes, description="Lanes"),
        }
        self._set_choices()
        self.status = widgets.HTML()
        for control in c.values():
            control.observe(self._changed, names="value")
        self.panel = Panel([widgets.HBox([c["folder"], c["start"], c["end"]]), widgets.HBox([c["actors"], c["issues"]]),
                            c["lanes"], self.status])
        self.panel.add_class("parley-controls")
        self.panel.summary = markup.render("workbench/summary.j2", name=b.conflict.meta.name,
                                           start=f"{b.period.start:%Y-%m-%d}", end=f"{b.period.end:%Y-%m-%d}",
                                           lanes=self.lanes)
        return self.panel

    def _set_choices(self) -> None:
        """Actor and issue choices of the current conflict, the briefing's selection ticked."""
        names, c = self.briefing.conflict, self._c
        self._busy = True
        try:
            c["actors"].options = [(f"{n} ({i})", i) for i, n in names.actor_names.items()]
            c["actors"].value = tuple(self.briefing.actors)
            c["issues"].options = [(f"{n} ({i})", i) for i, n in names.issue_names.items()]
            c["issues"].value = tuple(self.briefing.issues)
        finally:
            self._busy = False

    def _changed(self, change) -> None:
        if self._busy:
            return
        c = self._c
        new_folder = change["owner"] is c["folder"]
        keep = (lambda w: ()) if new_folder else (lambda w: w.value)
        try:
            self.select(c["folder"].value, c["start"].value, c["end"].value, keep(c["actors"]), keep(c["issues"]),
                        c["lanes"].value)
        except (ParleyError, ValueError) as err:  # a bad choice is shown beside the controls, not raised
            self.status.value = markup.render("workbench/status.j2", message=str(err))
            return
        self.status.value = ""
        if new_folder:
            self._set_choices()
