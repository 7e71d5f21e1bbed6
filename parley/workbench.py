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
from pathlib import Path
from typing import Callable

import pandas as pd

from .briefing import Briefing
from .errors import ParleyError
from .notebook import figure_bundle

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


def table_html(frame: pd.DataFrame, table_id: str, caption: str) -> str:
    """A sortable, filterable table (itables/DataTables, offline) with a deterministic id."""
    from itables import to_html_datatable
    return to_html_datatable(frame, table_id=table_id, caption=caption, paging=len(frame) > 15, maxBytes=0,
                             classes="display compact", showIndex=False)


def _output(bundle: dict) -> dict:
    return {"output_type": "display_data", "data": bundle, "metadata": {}}


class View:
    """One chart or table of the workbench: an Output widget that also shows its content statically."""

    def __new__(cls, name: str, draw: Callable[[], dict]):
        import ipywidgets as widgets

        class _View(widgets.Output):
            def _repr_mimebundle_(self, **kwargs):
                bundle = super()._repr_mimebundle_(**kwargs) or {}
                return {**self.static, WIDGET_MIME: bundle.get(WIDGET_MIME)} if WIDGET_MIME in bundle else self.static

        view = _View(layout={"width": "100%"})
        view.add_class(f"parley-view-{name}")
        view.name, view.draw, view.static = name, draw, {}
        return view


# --- the workbench --------------------------------------------------------------------------------

class Workbench:
    """A briefing that follows its controls: conflict folder, period, actors, issues and timeline lanes."""

    def __init__(self, data_dir: str, period_start: str, period_end: str, actors=(), issues=(),
                 lanes: str = "category", period_label: str = ""):
        self.data_dir, self.lanes = str(data_dir), lanes
        self.briefing = Briefing.open(data_dir, period_start, period_end, actors, issues, period_label=period_label)
        self.views: list = []
        self.error = ""
        self._controls = None
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

    # what each view draws from the current briefing
    def drawers(self) -> dict[str, Callable[[], dict]]:
        from . import outcomes, prospects
        b = self.briefing

        def forecast():
            return prospects.forecast(b)

        def wars():
            return outcomes.load_outcomes(outcomes.find(b.conflict.folder))

        return {
            "header": lambda: html_bundle(b.header_html(), "header"),
            "ids": lambda: html_bundle(table_html(self.ids, "parley-ids", "Actor and issue ids"), "ids"),
            "timeline": lambda: figure_bundle(b.timeline(lanes=self.lanes)),
            "stance_map": lambda: figure_bundle(b.stance_map(prospects.forecast_by_issue(b, forecast()))),
            "stance_matrix": lambda: figure_bundle(b.stance_matrix()),
            "trajectories": lambda: figure_bundle(b.trajectories()),
            "activity": lambda: figure_bundle(b.activity()),
            "prospects": lambda: html_bundle(prospects.prospects_html(b, wars(), forecast()), "prospects"),
            "paths": lambda: figure_bundle(prospects.paths_chart(b, forecast())),
            "sensitivity": lambda: figure_bundle(prospects.sensitivity_chart(b)),
            "outcomes": lambda: figure_bundle(prospects.outcomes_chart(wars())),
            "events": lambda: html_bundle(table_html(self.events, "parley-events",
                                                     f"Events, {b.period.title()}"), "events"),
            "positions": lambda: html_bundle(table_html(self.positions, "parley-positions",
                                                        f"Positions in force on {b.period.end:%d %B %Y}"), "positions"),
            "moves": lambda: html_bundle(table_html(self.moves, "parley-moves",
                                                    f"Moves in {b.period.title()}"), "moves"),
        }

    def show(self, *names: str) -> None:
        """Display views by name (see `drawers`); each redraws when a control changes."""
        from IPython.display import display
        for name in names:
            view = View(name, name)
            self.views.append(view)
            self._draw(view)
            display(view)

    def _draw(self, view) -> None:
        bundle = self.drawers()[view.name]()
        view.static = bundle
        view.outputs = (_output(bundle),)

    # controls
    def controls(self):
        """The control panel (ipywidgets); without a live frontend it shows a one-line summary instead."""
        import ipywidgets as widgets
        if self._controls is not None:
            return self._controls
        b = self.briefing
        c = self._c = {
            "folder": widgets.Dropdown(options=conflict_folders(self.data_dir), value=self.data_dir,
                                       description="Conflict"),
            "start": widgets.DatePicker(value=b.period.start, description="From"),
            "end": widgets.DatePicker(value=b.period.end, description="To"),
            "actors": widgets.SelectMultiple(description="Actors", rows=6),
            "issues": widgets.SelectMultiple(description="Issues", rows=6),
            "lanes": widgets.ToggleButtons(options=LANES, value=self.lanes, description="Lanes"),
        }
        self._set_choices()
        self._status = widgets.HTML()
        for control in c.values():
            control.observe(self._changed, names="value")
        panel = _Panel([widgets.HBox([c["folder"], c["start"], c["end"]]), widgets.HBox([c["actors"], c["issues"]]),
                        c["lanes"], self._status])
        panel.summary = self.summary_html()
        self._controls = panel
        return panel

    def _set_choices(self) -> None:
        conflict, b, c = self.briefing.conflict, self.briefing, self._c
        self._busy = True
        try:
            c["actors"].options = [(f"{n} ({i})", i) for i, n in conflict.actor_names.items()]
            c["actors"].value = tuple(b.actors)
            c["issues"].options = [(f"{n} ({i})", i) for i, n in conflict.issue_names.items()]
            c["issues"].value = tuple(b.issues)
        finally:
            self._busy = False

    def summary_html(self) -> str:
        from .briefing import esc
        b = self.briefing
        return (f"<p class='parley-note'>Workbench: {esc(b.conflict.meta.name)}, {b.period.start:%Y-%m-%d} to "
                f"{b.period.end:%Y-%m-%d}, lanes by {esc(self.lanes)}. The controls appear when the notebook runs "
                f"in JupyterLab.</p>")

    def _changed(self, change) -> None:
        if self._busy:
            return
        c = self._c
        folder_changed = change["owner"] is c["folder"]
        try:
            self.select(c["folder"].value, c["start"].value, c["end"].value,
                        () if folder_changed else c["actors"].value, () if folder_changed else c["issues"].value,
                        c["lanes"].value)
        except (ParleyError, ValueError) as err:
            self._status.value = f"<p style='color:#b00'>{_escape(str(err))}</p>"
            return
        self._status.value = ""
        if folder_changed:
            self._set_choices()

    def select(self, data_dir, start: dt.date | str, end: dt.date | str, actors=(), issues=(), lanes=None) -> None:
        """Rebuild the briefing for a new selection and redraw every view (what the controls call)."""
        if start is None or end is None:
            raise ValueError("choose both dates of the period")
        self.briefing = Briefing.open(data_dir, str(start), str(end), tuple(actors), tuple(issues))
        self.data_dir, self.lanes = str(data_dir), lanes or self.lanes
        for view in self.views:
            self._draw(view)


def _escape(text: str) -> str:
    from .briefing import esc
    return esc(text)


def _Panel(children):
    """A VBox whose static view is the workbench's one-line summary (no random widget id in stored outputs)."""
    import ipywidgets as widgets

    class Panel(widgets.VBox):
        summary = ""

        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs) or {}
            static = html_bundle(self.summary, "workbench controls")
            return {**static, WIDGET_MIME: bundle[WIDGET_MIME]} if WIDGET_MIME in bundle else static

    return Panel(children=children)
