"""A briefing's content: a conflict seen through a selection (period, actors, issues).

The notebooks are thin: they build a :class:`Briefing` and show its figures and sections.
Every sentence here is generated from the tables; every piece of data that reaches HTML goes
through :func:`esc` (text) or :func:`link` (addresses, http and https only).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from parley.analysis import changes, stances
from parley.data import sources as grading
from parley.data.load import Conflict, load_conflict
from parley.data.periods import Period, date_range, parse_date, parse_period
from parley.report import charts
from parley.report.style import TREND_COLORS

esc = charts.esc
CONTEXT_YEARS = 3


def link(url, text) -> str:
    if isinstance(url, str) and (url.startswith("https://") or url.startswith("http://")):
        return f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer">{esc(text)}</a>'
    return esc(text)


def table(frame: pd.DataFrame, columns: dict[str, str], cls: str = "parley-table") -> str:
    """An HTML table of already-escaped cell strings; columns maps field -> header."""
    head = "".join(f"<th>{esc(h)}</th>" for h in columns.values())
    body = "".join("<tr>" + "".join(f"<td>{row[c]}</td>" for c in columns) + "</tr>" for _, row in frame.iterrows())
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def trend_badge(trend: str) -> str:
    return f'<span class="parley-trend" style="color:{TREND_COLORS[trend]}"><b>{esc(trend)}</b></span>'


def grade_badge(grade: str) -> str:
    return f'<span class="parley-grade parley-grade-{esc(grade)}">{esc(grade.replace("_", " "))}</span>'


def media_note(url, grade) -> str:
    """' (source: Russian state media only)' for a row that rests on one party's media alone; else ''."""
    label = grading.party_media_label(url if isinstance(url, str) else None, grade)
    return f" (source: {esc(label)} only)" if label else ""


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
    def header_html(self) -> str:
        c = self.changes
        actors = ", ".join(esc(self.name_of_actor(a)) for a in self.actors)
        issues = ", ".join(esc(self.name_of_issue(i)) for i in self.issues)
        return (f"<h1>{esc(self.conflict.meta.name)}: briefing for {esc(self.period.title())}</h1>"
                f"<p class='parley-meta'>Period {self.period.start:%Y-%m-%d} to {self.period.end:%Y-%m-%d}, compared with "
                f"{esc(c.previous.title())}. Actors: {actors}. Issues: {issues}.</p>"
                f"<p>{esc(self.conflict.meta.summary)}</p>"
                + (f"<p class='parley-coverage'><b>{self.coverage_sentence()}</b></p>"
                   if self.coverage_sentence() else "")
                + f"<p data-overall-trend=\"{esc(c.overall)}\" data-coverage=\"{c.coverage.state}\" "
                  f"data-covered-until=\"{c.coverage.covered_until or ''}\">Overall trend: "
                f"{trend_badge(c.overall)} (rule: <a href='#trend-rule'>below</a>).</p>")

    def coverage_sentence(self) -> str:
        """Empty when the data covers the whole period; otherwise what is not covered and what that means."""
        cov = self.changes.coverage
        if cov.state == "full":
            return ""
        until = f"{cov.covered_until:%d %B %Y}"
        if cov.state == "none":
            return (f"Not covered: the data is kept current only up to {until}, before this period starts; "
                    "nothing after that date is recorded, so no trend verdict is given.")
        missing = cov.days - cov.covered_days
        verdict = (f"the trend is judged on the covered days, up to {until}" if cov.judged else
                   f"fewer than {changes.MIN_COVERED_SHARE:.0%} of the days are covered, so no trend verdict is given")
        return (f"Partly covered: the data is kept current only up to {until}; the last {missing} of the period's "
                f"{cov.days} days are not covered and may hold unrecorded events; {verdict}.")

    def key_points(self) -> list[str]:
        """Sentences computed from the data, most important first."""
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
            top = "; ".join(f"{esc(r['title'])} ({r['date']:%d %b}){media_note(r['source_url'], r['source_type'])}"
                            for _, r in ev.head(3).iterrows())
            points.append(f"{len(ev)} recorded events ({milestones} milestones; previous period: {len(c.previous_events)}). "
                          f"Most important: {top}.")
        moved = c.moves[c.moves["direction"] != "new"]
        if moved.empty:
            points.append("No actor changed a stated position in this period.")
        else:
            big = moved.iloc[0]
            points.append(f"{len(moved)} stated position{'s' if len(moved) != 1 else ''} moved; the largest: "
                          f"{esc(self.name_of_actor(big['actor_id']))} on {esc(self.name_of_issue(big['issue_id']))}, "
                          f"{big['before']:g} to {big['after']:g} ({big['change']:+g} points)"
                          f"{media_note(big['source_url'], big['source_type'])}.")
        if not self.gaps.empty:
            widest = "; ".join(f"{esc(self.name_of_issue(g['issue_id']))} {g['gap']:g} points "
                               f"({esc(self.name_of_actor(g['low_actor']))} {g['low']:g} vs "
                               f"{esc(self.name_of_actor(g['high_actor']))} {g['high']:g})"
                               for _, g in self.gaps.head(3).iterrows())
            points.append(f"Widest gaps at {self.as_of:%d %B %Y}: {widest}.")
        if not c.coverage.judged:
            points.append(f"Overall trend {changes.NOT_COVERED}: the data ends on {c.coverage.covered_until:%d %B %Y}, "
                          "so no verdict is given for days it does not cover "
                          "(a gap in collection is not a quiet period).")
            return points
        shifted = c.gaps[c.gaps["trend"] != "unchanged"]
        trend_text = ", ".join(f"{esc(self.name_of_issue(r['issue_id']))} {r['trend']}" for _, r in shifted.iterrows())
        judged = (f" (judged up to {c.coverage.covered_until:%d %B %Y}, the end of coverage)"
                  if c.coverage.state == "partial" else "")
        points.append(f"Overall trend {c.overall}{judged}"
                      + (f": {trend_text}." if trend_text
                         else f"; no gap moved by {changes.THRESHOLD:g} points or more."))
        return points

    def key_points_html(self) -> str:
        return "<h2>Key points</h2><ul>" + "".join(f"<li>{p}</li>" for p in self.key_points()) + "</ul>"

    def changes_html(self) -> str:
        c = self.changes
        out = [f"<h2>What changed since {esc(c.previous.title())}</h2>"]
        moves = c.moves.copy()
        if moves.empty:
            out.append("<p>No stated position changed in this period.</p>")
        else:
            scale = self.conflict.issues.set_index("issue_id")
            moves["actor"] = moves["actor_id"].map(lambda a: esc(self.name_of_actor(a)))
            moves["issue"] = moves["issue_id"].map(lambda i: esc(self.name_of_issue(i)))
            moves["move"] = [
                f"new: {r['after']:g}" if r["direction"] == "new" else
                f"{r['before']:g} → {r['after']:g} ({r['change']:+g}, toward "
                f"“{esc(scale.at[r['issue_id'], 'scale_high' if r['change'] > 0 else 'scale_low'])}”)"
                for _, r in moves.iterrows()
            ]
            moves["when"] = moves["since"].map(lambda d: f"{d:%Y-%m-%d}")
            moves["said"] = moves["statement"].map(esc)
            moves["src"] = [link(r["source_url"], r["source"]) for _, r in moves.iterrows()]
            out.append("<h3>Positions that moved</h3>")
            out.append(table(moves, {"actor": "Actor", "issue": "Issue", "move": "Move", "when": "Since",
                                     "said": "Statement", "src": "Source"}))
        gaps = c.gaps.copy()
        if not gaps.empty:
            gaps["issue"] = gaps["issue_id"].map(lambda i: esc(self.name_of_issue(i)))
            fmt = lambda v: "–" if v is None or pd.isna(v) else f"{v:g}"  # noqa: E731
            gaps["before"] = gaps["gap_before"].map(fmt)
            gaps["after"] = gaps["gap_after"].map(fmt)
            gaps["delta"] = gaps["change"].map(lambda v: "–" if v is None or pd.isna(v) else f"{v:+g}")
            gaps["verdict"] = gaps["trend"].map(trend_badge)
            out.append("<h3>Gaps between the farthest actors</h3>")
            judged_at = c.period.end if c.coverage.state == "full" else c.coverage.covered_until
            out.append(table(gaps, {"issue": "Issue", "before": f"Gap at {c.previous.end:%d %b %Y}",
                                    "after": f"Gap at {judged_at:%d %b %Y}", "delta": "Change", "verdict": "Trend"}))
        out.append(f"<p id='trend-rule' class='parley-note'>Trend rule: an issue has <i>deteriorated</i> when the gap between "
                   f"the two farthest actors widened by at least {changes.THRESHOLD:g} points on its 0-100 scale since the end "
                   f"of the previous period, <i>improved</i> when it narrowed by at least {changes.THRESHOLD:g}, otherwise "
                   f"<i>unchanged</i>; overall uses the mean change across issues with half that threshold. Days after "
                   f"the data's coverage (conflict.toml <code>covered_until</code>) are <i>{changes.NOT_COVERED}</i>, "
                   f"never <i>unchanged</i>: a period that starts after it gets no verdict; a partly covered one is "
                   f"judged at the end of coverage when at least {changes.MIN_COVERED_SHARE:.0%} of its days are "
                   f"covered, otherwise it is <i>{changes.NOT_COVERED}</i>.</p>")
        return "\n".join(out)

    def events_html(self) -> str:
        ev = self.changes.events.sort_values(["date", "event_id"], kind="stable").copy()
        if ev.empty:
            return f"<h2>Events</h2><p>No recorded events in {esc(self.period.title())}.</p>"
        ev["when"] = [f"{r['date']:%Y-%m-%d}" + (f" to {r['end_date']:%Y-%m-%d}" if not pd.isna(r["end_date"]) else "")
                      for _, r in ev.iterrows()]
        ev["what"] = [f"<b>{esc(r['title'])}</b><br>{esc(r['description'])}" for _, r in ev.iterrows()]
        ev["cat"] = ev["category"].map(lambda c: esc(c.replace("_", " ")))
        ev["who"] = ev["actors"].map(lambda ids: ", ".join(esc(self.name_of_actor(a)) for a in ids))
        ev["imp"] = ev["importance"].map(lambda i: "●" * int(i))
        ev["src"] = [link(r["source_url"], r["source"]) for _, r in ev.iterrows()]
        return "<h2>Events</h2>" + table(ev, {"when": "Date", "what": "Event", "cat": "Category", "who": "Actors",
                                                "imp": "Importance", "src": "Source"})

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

    def sources_html(self) -> str:
        """The sources, each with its grade, and the shares by grade (docs/sourcing.md defines the grades)."""
        src = self.sources()
        counts = grading.grade_counts(src["grade"])
        shares = ", ".join(f"{grade_badge(g)} {n} ({n / len(src):.0%})" for g, n in counts.items() if n)
        items = "".join(f"<li>{grade_badge(r['grade'])} {link(r['source_url'] or None, r['source'])} "
                        f"<span class='parley-note'>({esc(r['used for'])})"
                        f"{media_note(r['source_url'], r['grade'])}</span></li>"
                        for _, r in src.iterrows())
        return (f"<h2>Sources</h2><p>{len(src)} sources used in this briefing. By grade: {shares}.</p>"
                f"<p class='parley-note'>Grades: official text, wire agency, outlet of record (major), specialist "
                f"research or data, regional outlet, party media (state media of a party: used only for its own "
                f"party's statements), other; ungraded = the row has no <code>source_type</code>.</p>"
                f"<ol class='parley-sources'>{items}</ol>")

    def positions_table_html(self) -> str:
        cur = self.current.copy()
        if cur.empty:
            return "<p>No positions recorded yet.</p>"
        cur["actor"] = cur["actor_id"].map(lambda a: esc(self.name_of_actor(a)))
        cur["issue"] = cur["issue_id"].map(lambda i: esc(self.name_of_issue(i)))
        cur["pos"] = cur["position"].map(lambda v: f"{v:g}")
        cur["sal"] = cur["salience"].map(lambda v: f"{v:g}")
        cur["when"] = cur["since"].map(lambda d: f"{d:%Y-%m-%d}")
        cur["said"] = cur["statement"].map(esc)
        cur["src"] = [link(r["source_url"], r["source"]) for _, r in cur.iterrows()]
        return table(cur, {"issue": "Issue", "actor": "Actor", "pos": "Position", "sal": "Salience", "when": "Since",
                           "said": "Statement", "src": "Source"})
