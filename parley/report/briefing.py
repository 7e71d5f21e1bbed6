"""A briefing's content: a conflict seen through a selection (period, actors, issues).

The notebooks are thin: they build a :class:`Briefing` and show its figures and sections.
Every sentence here is generated from the tables as plain text; the HTML comes from the templates in
``parley/report/templates/briefing/`` (autoescaping: data is escaped there, links are http and https only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from parley.analysis import changes, stances
from parley.data import sources as grading
from parley.data.load import Conflict, load_conflict
from parley.data.periods import Period, date_range, parse_date, parse_period
from parley.report import charts, markup
from parley.report.markup import Markup

CONTEXT_YEARS = 3


def link(url, text) -> Markup:
    """A link for http and https addresses only; anything else is its text, escaped."""
    return markup.macros().link(url, text)


def trend_badge(trend: str) -> Markup:
    return markup.macros().trend_badge(trend)


def media_note(url, grade) -> str:
    """' (source: Russian state media only)' for a row that rests on one party's media alone; else ''."""
    label = grading.party_media_label(url if isinstance(url, str) else None, grade)
    return f" (source: {label} only)" if label else ""


def outlet_name(url) -> str:
    """The registry's name of the outlet at `url` ('' when the registry does not know the domain)."""
    entry = grading.outlet_of(url) if isinstance(url, str) else None
    return entry.outlet if entry is not None else ""


def period_from(period_start: str, period_end: str, label: str = "") -> Period:
    if label:
        return parse_period(label)
    return date_range(parse_date(period_start, "period_start"), parse_date(period_end, "period_end"))


@dataclass
class Briefing:
    conflict: Conflict
    period: Period
    actors: tuple[str, ...]
    issues: tuple[str, ...]

    @classmethod
    def open(cls, data_dir: str | Path, period_start: str, period_end: str, actors=(), issues=(),
             period_label: str = "") -> "Briefing":
        conflict = load_conflict(data_dir)
        chosen_actors = tuple(actors) or conflict.meta.default_actors or tuple(conflict.actors["actor_id"])
        chosen_issues = tuple(issues) or conflict.meta.default_issues or tuple(conflict.issues["issue_id"])
        unknown = [a for a in chosen_actors if a not in conflict.actor_names] + \
                  [i for i in chosen_issues if i not in conflict.issue_names]
        if unknown:
            raise ValueError(f"unknown actor or issue ids: {', '.join(unknown)}")
        return cls(conflict, period_from(period_start, period_end, period_label), chosen_actors, chosen_issues)

    # --- the selection ------------------------------------------------------------------------
    @cached_property
    def actors_table(self) -> pd.DataFrame:
        table_ = self.conflict.actors
        return table_[table_["actor_id"].isin(self.actors)]

    @cached_property
    def issues_table(self) -> pd.DataFrame:
        table_ = self.conflict.issues
        return table_[table_["issue_id"].isin(self.issues)]

    @cached_property
    def events(self) -> pd.DataFrame:
        """Events involving a chosen actor and touching a chosen issue (or no issue at all)."""
        ev = self.conflict.events
        mine = ev["actors"].map(lambda ids: bool(set(ids) & set(self.actors)))
        on_issue = ev["issues"].map(lambda ids: not ids or bool(set(ids) & set(self.issues)))
        return ev[mine & on_issue]

    @cached_property
    def positions(self) -> pd.DataFrame:
        return stances.select(self.conflict.positions, self.actors, self.issues)

    @cached_property
    def changes(self) -> changes.Changes:
        return changes.compare(self.events, self.positions, self.period, self.conflict.covered_until)

    @cached_property
    def current(self) -> pd.DataFrame:
        return stances.positions_at(self.positions, self.as_of)

    @property
    def as_of(self) -> dt.date:
        """The day stances are read at: the period's end, or the end of coverage when that comes first."""
        covered = self.conflict.covered_until
        return min(self.period.end, covered) if covered else self.period.end

    @cached_property
    def gaps(self) -> pd.DataFrame:
        return stances.gaps(self.current)

    @property
    def context_start(self) -> pd.Timestamp:
        start = stances.timestamp(self.period.end) - pd.DateOffset(years=CONTEXT_YEARS)
        return max(start, stances.timestamp(self.conflict.meta.start))

    @property
    def source_line(self) -> str:
        return (f"parley, {self.conflict.meta.name} data; every event and position row carries its own source "
                f"(hover, and the Sources section)")

    def name_of_actor(self, actor_id: str) -> str:
        return self.conflict.actor_names.get(actor_id, actor_id)

    def name_of_issue(self, issue_id: str) -> str:
        return self.conflict.issue_names.get(issue_id, issue_id)

    # --- figures ------------------------------------------------------------------------------
    def timeline(self, lanes: str = "category"):
        names = {a: self.name_of_actor(a) for a in self.actors}
        return charts.timeline(changes.events_in(self.events, self.period), names, self.period.start, self.period.end,
                               lanes=lanes, title=f"Events, {self.period.title()}", source=self.source_line)

    def context_timeline(self, lanes: str = "category"):
        names = {a: self.name_of_actor(a) for a in self.actors}
        window = date_range(self.context_start.date(), self.period.end)
        return charts.timeline(changes.events_in(self.events, window), names, window.start, window.end, lanes=lanes,
                               title=f"Events of the last {CONTEXT_YEARS} years (labels: milestones)", source=self.source_line)

    def stance_map(self, forecast: dict[str, float] | None = None,
                   intervals: dict[str, tuple[float, float]] | None = None):
        return charts.stance_map(self.current, self.issues_table, self.actors_table, self.as_of,
                                 forecast=forecast, intervals=intervals, source=self.source_line)

    def trajectories(self):
        return charts.trajectories(self.positions, self.events, self.issues_table, self.actors_table,
                                   self.context_start, self.period.end,
                                   title=f"How stances moved, {self.context_start:%Y} to {self.period.end:%B %Y}",
                                   source=self.source_line)

    def stance_matrix(self):
        return charts.stance_matrix(self.current, self.issues_table, self.actors_table, self.as_of,
                                    source=self.source_line)

    def activity(self):
        freq = "week" if self.period.days <= 31 else "month"
        start = stances.timestamp(self.period.end) - (pd.DateOffset(weeks=26) if freq == "week" else pd.DateOffset(years=2))
        return charts.activity(self.events, start, self.period.end, freq=freq, source=self.source_line,
                               title=f"Events per {freq}, by category, up to {self.period.end:%d %B %Y}")

    # --- sections (HTML) ----------------------------------------------------------------------
    def header_html(self) -> Markup:
        c = self.changes
        return markup.render("briefing/header.j2", name=self.conflict.meta.name, period_title=self.period.title(),
                             start=f"{self.period.start:%Y-%m-%d}", end=f"{self.period.end:%Y-%m-%d}",
                             previous=c.previous.title(), actors=[self.name_of_actor(a) for a in self.actors],
                             issues=[self.name_of_issue(i) for i in self.issues], summary=self.conflict.meta.summary,
                             coverage=self.coverage_sentence(), overall=c.overall, coverage_state=c.coverage.state,
                             covered_until=c.coverage.covered_until or "")

    def coverage_sentence(self) -> Markup:
        """Empty when the data covers the whole period; otherwise what is not covered and what that means."""
        cov = self.changes.coverage
        if cov.state == "full":
            return Markup("")
        return markup.render("briefing/coverage.j2", state=cov.state, until=f"{cov.covered_until:%d %B %Y}",
                             missing=cov.days - cov.covered_days, days=cov.days, judged=cov.judged,
                             min_share=f"{changes.MIN_COVERED_SHARE:.0%}")

    def key_points(self) -> list[str]:
        """Sentences computed from the data, most important first (plain text: the template escapes them)."""
        c, points = self.changes, []
        if self.coverage_sentence():
            points.append(self.coverage_sentence())
        ev = c.events.sort_values(["importance", "date"], ascending=[False, True], kind="stable")
        milestones = int((ev["importance"] == 3).sum())
        if ev.empty and c.coverage.state == "none":
            points.append(f"No events are recorded for {self.period.title()}: the period is not covered by the data.")
        elif ev.empty:
            points.append(f"No recorded events in {self.period.title()} (previous period: {len(c.previous_events)}).")
        else:
            top = "; ".join(f"{r['title']} ({r['date']:%d %b}){media_note(r['source_url'], r['source_type'])}"
                            for _, r in ev.head(3).iterrows())
            points.append(f"{len(ev)} recorded events ({milestones} milestones; previous period: {len(c.previous_events)}). "
                          f"Most important: {top}.")
        moved = c.moves[c.moves["direction"] != "new"]
        if moved.empty:
            points.append("No actor changed a stated position in this period.")
        else:
            big = moved.iloc[0]
            points.append(f"{len(moved)} stated position{'s' if len(moved) != 1 else ''} moved; the largest: "
                          f"{self.name_of_actor(big['actor_id'])} on {self.name_of_issue(big['issue_id'])}, "
                          f"{big['before']:g} to {big['after']:g} ({big['change']:+g} points)"
                          f"{media_note(big['source_url'], big['source_type'])}.")
        if not self.gaps.empty:
            widest = "; ".join(f"{self.name_of_issue(g['issue_id'])} {g['gap']:g} points "
                               f"({self.name_of_actor(g['low_actor'])} {g['low']:g} vs "
                               f"{self.name_of_actor(g['high_actor'])} {g['high']:g})"
                               for _, g in self.gaps.head(3).iterrows())
            points.append(f"Widest gaps at {self.as_of:%d %B %Y}: {widest}.")
        if not c.coverage.judged:
            points.append(f"Overall trend {changes.NOT_COVERED}: the data ends on {c.coverage.covered_until:%d %B %Y}, "
                          "so no verdict is given for days it does not cover "
                          "(a gap in collection is not a quiet period).")
            return points
        shifted = c.gaps[c.gaps["trend"] != "unchanged"]
        trend_text = ", ".join(f"{self.name_of_issue(r['issue_id'])} {r['trend']}" for _, r in shifted.iterrows())
        judged = (f" (judged up to {c.coverage.covered_until:%d %B %Y}, the end of coverage)"
                  if c.coverage.state == "partial" else "")
        points.append(f"Overall trend {c.overall}{judged}"
                      + (f": {trend_text}." if trend_text
                         else f"; no gap moved by {changes.THRESHOLD:g} points or more."))
        return points

    def key_points_html(self) -> Markup:
        return markup.render("briefing/key_points.j2", points=self.key_points())

    def changes_html(self) -> Markup:
        c = self.changes
        scale = self.conflict.issues.set_index("issue_id")
        moves = [[self.name_of_actor(r["actor_id"]), self.name_of_issue(r["issue_id"]),
                  f"new: {r['after']:g}" if r["direction"] == "new" else
                  f"{r['before']:g} → {r['after']:g} ({r['change']:+g}, toward "
                  f"“{scale.at[r['issue_id'], 'scale_high' if r['change'] > 0 else 'scale_low']}”)",
                  f"{r['since']:%Y-%m-%d}", r["statement"], link(r["source_url"], r["source"])]
                 for r in c.moves.to_dict("records")]
        fmt = lambda v: "–" if v is None or pd.isna(v) else f"{v:g}"  # noqa: E731
        gaps = [[self.name_of_issue(r["issue_id"]), fmt(r["gap_before"]), fmt(r["gap_after"]),
                 "–" if r["change"] is None or pd.isna(r["change"]) else f"{r['change']:+g}", trend_badge(r["trend"])]
                for r in c.gaps.to_dict("records")]
        judged_at = c.period.end if c.coverage.state == "full" else c.coverage.covered_until
        return markup.render("briefing/changes.j2", previous=c.previous.title(), moves=moves, gaps=gaps,
                             gap_before_header=f"Gap at {c.previous.end:%d %b %Y}",
                             gap_after_header=f"Gap at {judged_at:%d %b %Y}" if gaps else "",
                             threshold=changes.THRESHOLD, not_covered=changes.NOT_COVERED,
                             min_share=f"{changes.MIN_COVERED_SHARE:.0%}")

    def events_html(self) -> Markup:
        ev = self.changes.events.sort_values(["date", "event_id"], kind="stable")
        rows = [[f"{r['date']:%Y-%m-%d}" + (f" to {r['end_date']:%Y-%m-%d}" if not pd.isna(r["end_date"]) else ""),
                 markup.macros().event_cell(r["title"], r["description"]), r["category"].replace("_", " "),
                 ", ".join(self.name_of_actor(a) for a in r["actors"]), "●" * int(r["importance"]),
                 link(r["source_url"], r["source"])]
                for r in ev.to_dict("records")]
        return markup.render("briefing/events.j2", rows=rows, period_title=self.period.title())

    def sources(self) -> pd.DataFrame:
        """Every source the briefing uses (events, positions shown, actors' capability), with its outlet and grade.

        The grade is the outlet registry's (parley/data/sourcing/outlets.csv), so one outlet has one grade on every row;
        a row whose domain the registry does not know keeps its own source_type."""
        columns = ["source", "source_url", "source_type"]
        ev = self.changes.events[columns].assign(used_for="event")
        pos = self.current[columns].assign(used_for="position")
        moves = self.changes.moves[columns].assign(used_for="position")
        act = self.actors_table[columns].assign(used_for="actor")
        allrows = pd.concat([ev, pos, moves, act], ignore_index=True)
        allrows["grade"] = [grading.grade_for(u, t) for u, t in zip(allrows["source_url"], allrows["source_type"])]
        allrows["outlet"] = allrows["source_url"].map(outlet_name)
        keys = ["source", allrows["source_url"].fillna(""), "grade", "outlet"]
        grouped = allrows.groupby(keys, sort=True)["used_for"].agg(lambda s: ", ".join(sorted(set(s)))).reset_index()
        return grouped.rename(columns={"used_for": "used for"})

    def sources_html(self) -> Markup:
        """The sources, each with its outlet's registry name and grade, and the shares by grade (docs/sourcing.md)."""
        src = self.sources()
        counts = grading.grade_counts(src["grade"])
        shares = [(g, n, f"{n / len(src):.0%}") for g, n in counts.items() if n]
        rows = [{"grade": r["grade"], "outlet": r["outlet"], "url": r["source_url"] or None, "source": r["source"],
                 "used_for": r["used for"], "media_note": media_note(r["source_url"], r["grade"])}
                for r in src.to_dict("records")]
        return markup.render("briefing/sources.j2", rows=rows, shares=shares)

    def positions_table_html(self) -> Markup:
        rows = [[self.name_of_issue(r["issue_id"]), self.name_of_actor(r["actor_id"]), f"{r['position']:g}",
                 f"{r['salience']:g}", f"{r['since']:%Y-%m-%d}", r["statement"], link(r["source_url"], r["source"])]
                for r in self.current.to_dict("records")]
        return markup.render("briefing/positions.j2", rows=rows)
