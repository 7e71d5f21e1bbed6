"""The briefing's sections, in order: one list that the briefing notebook, the workbench and the page follow.

A section is a key, a title and its parts; a part draws one thing from a :class:`Context` (a figure, a piece of
safe HTML, a list of those, or nothing). ``scripts/make_notebooks.py`` writes one briefing cell per section from
this list, ``parley.report.workbench`` draws its views from the parts, and the page is the executed notebook.
Changing what a section shows, or their order, is a change here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from parley.data import files, meta, outcomes
from parley.report import markup, outside_view, prospects
from parley.report.briefing import Briefing
from parley.report.contract import BriefingResult
from parley.report.imported_section import imported_section


@dataclass
class Context:
    """One briefing and what several sections share (the forecast, the war-endings table, the track record),
    each computed once, when a section first asks for it."""

    briefing: Briefing
    lanes: str = "category"

    @classmethod
    def open(cls, data_dir, period_start: str, period_end: str, actors=(), issues=(), period_label: str = "",
             lanes: str = "category") -> "Context":
        """Load the conflict folder and select a period, actors and issues (see :meth:`Briefing.open`)."""
        return cls(Briefing.open(data_dir, period_start, period_end, actors, issues, period_label=period_label), lanes)

    @cached_property
    def forecast(self) -> dict:
        return prospects.forecast(self.briefing)

    @cached_property
    def wars(self):
        return outcomes.load_outcomes(outcomes.find(self.briefing.conflict.folder))

    @cached_property
    def record(self) -> dict | None:
        return prospects.past_record(self.briefing)

    @cached_property
    def view(self) -> dict | None:
        """The outside view (UCDP base rates); None when conflict.toml lacks the reference-class fields."""
        return outside_view.outlook_of(self.briefing)


@dataclass(frozen=True)
class Part:
    key: str
    draw: Callable[[Context], object]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    parts: tuple[Part, ...] = field(default_factory=tuple)


def heading(text: str) -> Part:
    return Part("heading", lambda c: markup.render("heading.j2", text=text))


def _stance_map(c: Context):
    b = c.briefing
    return b.stance_map(prospects.forecast_by_issue(b, c.forecast), prospects.intervals_by_issue(b, c.forecast))


SECTIONS: tuple[Section, ...] = (
    Section("header", "Header", (Part("header", lambda c: c.briefing.header_html()),)),
    Section("key_points", "Key points", (Part("key_points", lambda c: c.briefing.key_points_html()),)),
    Section("timeline", "Timeline", (
        heading("Timeline"),
        Part("timeline", lambda c: c.briefing.timeline(lanes=c.lanes)),
        Part("context_timeline", lambda c: c.briefing.context_timeline(lanes=c.lanes)),
    )),
    Section("changes", "What changed", (Part("changes", lambda c: c.briefing.changes_html()),)),
    Section("stances", "Where the actors stand", (
        heading("Where the actors stand"),
        Part("stance_map", _stance_map),
        Part("stance_matrix", lambda c: c.briefing.stance_matrix()),
    )),
    Section("movement", "How stances moved", (
        Part("trajectories", lambda c: c.briefing.trajectories()),
        Part("activity", lambda c: c.briefing.activity()),
    )),
    Section("prospects", "Prospects", (
        Part("prospects", lambda c: prospects.prospects_html(c.briefing, c.wars, c.forecast, c.record, outside=False)),
        Part("paths", lambda c: prospects.paths_chart(c.briefing, c.forecast)),
        Part("sensitivity", lambda c: prospects.sensitivity_chart(c.briefing)),
        Part("track_record", lambda c: prospects.track_record_chart(c.briefing, c.record) if c.record else None),
        Part("outside_view", lambda c: outside_view.section_html(c.briefing.conflict.meta, c.briefing.as_of,
                                                                 c.briefing.conflict.folder, c.wars, c.view)),
        Part("outside_chart", lambda c: outside_view.chart(c.view, c.briefing.conflict.meta.name) if c.view else None),
    )),
    Section("imported", "Recorded events and fatalities (imported data)", (
        Part("imported", lambda c: [item for _, item in imported_section(c.briefing)]),
    )),
    Section("events", "Events", (Part("events", lambda c: c.briefing.events_html()),)),
    Section("sources", "Sources", (Part("sources", lambda c: c.briefing.sources_html()),)),
)


def section(key: str) -> Section:
    """The section called ``key`` (see :data:`SECTIONS`)."""
    for found in SECTIONS:
        if found.key == key:
            return found
    raise KeyError(f"no briefing section {key!r}; sections: {', '.join(s.key for s in SECTIONS)}")


def parts() -> dict[str, Part]:
    """Every part of every section by key, in section order (the workbench's views)."""
    return {part.key: part for s in SECTIONS for part in s.parts if part.key != "heading"}


def items(key: str, context: Context) -> list:
    """What section ``key`` shows for ``context``, in order: figures and safe HTML; parts with nothing are left out."""
    shown = []
    for part in section(key).parts:
        drawn = part.draw(context)
        shown += drawn if isinstance(drawn, list) else ([] if drawn is None else [drawn])
    return shown


def result(context: Context) -> BriefingResult:
    """What a rendered briefing hands back to the pipeline (parley.report.contract): the trend and coverage computed
    here, and every data file this kernel read, keyed by its path relative to the conflict folder."""
    changes = context.briefing.changes
    folder = context.briefing.conflict.folder
    inputs = {meta.input_key(path, folder): digest for path, digest in sorted(files.inputs_read().items())}
    return BriefingResult(changes.overall, changes.coverage.state, f"{changes.coverage.covered_until or ''}", inputs)
