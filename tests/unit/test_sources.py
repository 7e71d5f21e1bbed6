"""`parley sources`: one test per audit rule on a graded copy of the old-format fixture, plus counts, JSON and exits.

Each rule test changes one cell of the copy and asserts exactly which problems appear that were not there
before (the fixture's real sources have problems of their own, which the baseline keeps out of the way).
"""

from __future__ import annotations

import shutil

import pytest
from conftest import OLD_FORMAT, ROOT, add_grades, read_rows, set_cell

from parley.data import schema, sources

REGISTRY_RULE = ("is not in the outlet registry", "but the registry grades")  # tested in test_outlets.py


def found(folder) -> set[str]:
    """The problems of the rules tested here: the fixture's own addresses are graded by the outlet registry, and its
    unknown domains and its blanket 'major' grade (registry problems, tested in test_outlets.py) are left out."""
    return {str(p) for p in sources.run(folder).problems if not any(rule in p.message for rule in REGISTRY_RULE)}


def added(folder, change) -> set[str]:
    """The problems one change adds to the folder."""
    before = found(folder)
    change()
    return found(folder) - before


def cell(folder, file, line, column):
    header, rows = read_rows(folder / file)
    return rows[line - 2][header.index(column)]


def edit(folder, file, line, column, value):
    return lambda: set_cell(folder / file, line - 2, column, value)


# --- graded other -----------------------------------------------------------------------------------

def test_a_row_graded_other_is_reported(graded):
    new = added(graded, edit(graded, "events.csv", 4, "source_type", "other"))
    assert new == {"korea-1950/events.csv:4: source_type: graded 'other': cite an official text, a wire, an outlet of "
                   "record or a specialist source instead, or leave the row out (docs/sourcing.md)"}


def test_every_row_graded_other_is_reported(tmp_path):
    folder = tmp_path / "korea-1950"
    shutil.copytree(OLD_FORMAT, folder)
    add_grades(folder, "other")
    result = sources.run(folder)
    other = {(p.file, p.line) for p in result.problems if p.message.startswith("graded 'other': cite")}
    unknown = {(r.file, r.line) for r in result.rows if r.outlet is None}
    registry_other = {(r.file, r.line) for r in result.rows if r.outlet is not None and r.outlet.grade == "other"}
    assert other == unknown | registry_other and len(unknown) > 10  # the registry's grade wins where it knows
    assert all(r.grade == r.outlet.grade for r in result.rows if r.outlet is not None and r.outlet.grade != "denied")


# --- same address for unrelated rows -----------------------------------------------------------------

def test_same_url_for_two_events_is_reported_on_both(graded):
    url = cell(graded, "events.csv", 4, "source_url")
    new = added(graded, edit(graded, "events.csv", 5, "source_url", url))
    assert {n.split(": ")[0] for n in new} == {"korea-1950/events.csv:4", "korea-1950/events.csv:5"}
    assert all("source_url: same address as" in n and "(a different event)" in n for n in new), new


def test_same_url_for_an_event_and_a_position_drawn_from_it_is_fine(graded):
    url = cell(graded, "events.csv", 27, "source_url")  # Geneva conference opens, 1954-04-26
    assert cell(graded, "positions.csv", 36, "date") == "1954-04-27"
    assert cell(graded, "positions.csv", 36, "source_url") != url
    assert added(graded, edit(graded, "positions.csv", 36, "source_url", url)) == set()


NYT = "https://www.nytimes.com/archives/ridgway-armistice-proposal.html"  # an outlet the registry grades major


def test_same_url_for_rows_months_apart_is_reported(graded):
    set_cell(graded / "events.csv", 12, "source_url", NYT)  # line 14, 1952-05-07, shared with the position of that day
    set_cell(graded / "positions.csv", 1, "source_url", NYT)  # line 3 (specialist work would be exempt)
    url = cell(graded, "events.csv", 14, "source_url")
    new = added(graded, edit(graded, "positions.csv", 5, "source_url", url))  # unc, 1951-08-13
    assert {n.split(": ")[0] for n in new} == {"korea-1950/positions.csv:5", "korea-1950/events.csv:14",
                                               "korea-1950/positions.csv:3"}
    assert any("(268 days apart)" in n for n in new), new


def row(**fields) -> sources.Row:
    defaults = dict(file="f.csv", line=2, table="positions", source="s", url="https://a.org/x", grade="major")
    return sources.Row(**{**defaults, **fields})


def test_unrelated_is_more_than_seven_days_or_another_event():
    import datetime as dt
    day = dt.date(2025, 5, 16)
    a = row(start=day, end=day)
    week = row(start=day + dt.timedelta(days=7), end=day + dt.timedelta(days=7))
    eight = row(start=day + dt.timedelta(days=8), end=day + dt.timedelta(days=8))
    assert sources.unrelated(a, week) is None
    assert sources.unrelated(a, eight) == "8 days apart"
    ranged = row(table="events", event_id="talks", start=day - dt.timedelta(days=20), end=day)
    assert sources.unrelated(ranged, week) is None  # 7 days after the event's last day
    assert sources.unrelated(ranged, row(table="events", event_id="other", start=day, end=day)) == "a different event"
    assert sources.unrelated(row(grade="specialist", event_id="x", start=day, end=day),
                             row(grade="specialist", event_id="y", start=eight.start, end=eight.start)) is None


# --- source dated far from its row --------------------------------------------------------------------

def test_source_text_dated_more_than_the_limit_after_the_event(graded):
    assert cell(graded, "events.csv", 4, "date") == "1950-06-27"
    limit = sources.MAX_SOURCE_DAYS
    assert added(graded, edit(graded, "events.csv", 4, "source", "A paper, 1950-07-27")) == set()  # 30 days
    new = added(graded, edit(graded, "events.csv", 4, "source", "A paper, 1950-07-28"))
    assert new == {f"korea-1950/events.csv:4: source: source dated 1950-07-28, 31 days after the row's date 1950-06-27 "
                   f"(more than {limit}): cite a report of the time"}


def test_with_several_dates_in_the_text_the_nearest_counts(graded):
    assert added(graded, edit(graded, "events.csv", 4, "source", "A paper, 1950-06-28 (reprinted 1990-01-01)")) == set()


def test_date_in_the_address_counts_when_the_text_has_none(graded):
    set_cell(graded / "events.csv", 2, "source", "A paper, no date")
    new = added(graded, edit(graded, "events.csv", 4, "source_url", "https://paper.example/1950/sep/01/story"))
    assert new == {"korea-1950/events.csv:4: source_url: source dated 1950-09-01, 66 days after the row's date "
                   "1950-06-27 (more than 30): cite a report of the time"}


def test_position_source_dated_before_the_statement(graded):
    assert cell(graded, "positions.csv", 3, "date") == "1952-05-07"
    set_cell(graded / "positions.csv", 1, "source_url", NYT)  # a news report, not specialist work
    assert added(graded, edit(graded, "positions.csv", 3, "source", "A paper, 1952-05-06")) == set()  # time zones
    new = added(graded, edit(graded, "positions.csv", 3, "source", "A paper, 1952-05-05"))
    assert new == {"korea-1950/positions.csv:3: source: source dated 1952-05-05, before the statement of 1952-05-07: "
                   "it cannot report it"}


def test_specialist_work_may_be_written_later(graded):
    set_cell(graded / "events.csv", 2, "source_type", "specialist")
    assert added(graded, edit(graded, "events.csv", 4, "source", "A journal, 1999-01-01")) == set()


@pytest.mark.parametrize("url,day", [
    ("https://www.pravda.com.ua/eng/news/2024/07/11/7465200/", "2024-07-11"),
    ("https://www.theguardian.com/world/2025/may/16/talks", "2025-05-16"),
    ("https://sputnikglobe.com/20250428/global-military-spending-1121945888.html", "2025-04-28"),
    ("https://charter97.org./en/news/2025/3/7/632263", "2025-03-07"),
    ("https://example.org/report-2025-05-16", None),  # a date not at the start of a path segment
    ("https://example.org/news/1121945888", None),
])
def test_dates_in_addresses(url, day):
    assert str(sources.url_date(url)) == str(day)


# --- denied outlets ------------------------------------------------------------------------------------

@pytest.mark.parametrize("url,listed", [
    ("https://agentictribune.com/article/20260107-x", "agentictribune.com"),
    ("https://en.m.wikipedia.org/wiki/Korean_War", "wikipedia.org"),
    ("https://www.tellerreport.com/news/x", "tellerreport.com"),
    ("https://www.miragenews.com/x-1", "miragenews.com"),
    ("https://notwikipedia.org/wiki/x", None),
    ("https://www.reuters.com/world/x", None),
])
def test_a_denied_outlet_matches_domain_and_subdomains(graded, url, listed):
    new = added(graded, edit(graded, "events.csv", 4, "source_url", url))
    if listed is None:
        assert new == set()
    else:
        entry = next(o for o in sources.registry().outlets if o.domain == listed)
        assert entry.grade == "denied"
        assert new == {f"korea-1950/events.csv:4: source_url: {listed} ({entry.outlet}) is denied in the outlet "
                       f"registry (parley/data/sourcing/outlets.csv): {entry.notes}"}


def test_the_issues_denied_domains_are_in_the_registry_with_a_reason():
    named = ("agentictribune.com", "lordspress.co.uk", "buzb.uz", "kenyan-post.com", "geld.news", "regtrends.com",
             "tellerreport.com", "ussanews.com", "freebook.news", "eir.news", "devdiscourse.com", "menafn.com",
             "upday.com", "newser.com", "wikipedia.org", "miragenews.com", "yahoo.com", "ikoku-news.com")
    registry = {o.domain: o for o in sources.registry().outlets}
    assert all(registry[d].grade == "denied" and registry[d].notes.strip() for d in named)


# --- party media -------------------------------------------------------------------------------------

KCNA = "https://kcna.kp/en/article/q/one.kcmsp"


def test_party_media_for_another_actors_position(graded):
    assert cell(graded, "positions.csv", 3, "actor_id") == "unc"
    set_cell(graded / "positions.csv", 1, "source_type", "party_media")
    new = added(graded, edit(graded, "positions.csv", 3, "source_url", KCNA))
    assert new == {"korea-1950/positions.csv:3: source_url: KCNA (North Korean state media) speaks for north_korea, "
                   "not for unc: a party's media only for its own party's statements"}


def test_party_media_for_its_own_partys_position_is_fine(graded):
    assert cell(graded, "positions.csv", 13, "actor_id") == "north_korea"
    set_cell(graded / "positions.csv", 11, "source_type", "party_media")
    assert added(graded, edit(graded, "positions.csv", 13, "source_url", KCNA)) == set()


def test_event_sourced_only_to_one_partys_media(graded):
    set_cell(graded / "events.csv", 2, "source_type", "party_media")
    new = added(graded, edit(graded, "events.csv", 4, "source_url", KCNA))  # actors unc;north_korea;south_korea
    assert new == {"korea-1950/events.csv:4: source_url: event sourced only to KCNA (North Korean state media), which "
                   "speaks for north_korea, but it involves unc, south_korea: cite an independent report"}
    set_cell(graded / "events.csv", 2, "actors", "north_korea")  # the party's own act: its media may report it
    assert not any(p.startswith("korea-1950/events.csv:4:") for p in found(graded))


def test_party_media_for_its_partys_own_statement_is_fine(graded):
    assert (cell(graded, "events.csv", 18, "category"), cell(graded, "events.csv", 18, "actors")) == \
        ("statement", "china;north_korea;unc")  # Zhou Enlai's proposal
    set_cell(graded / "events.csv", 16, "source_type", "party_media")
    xinhua = "https://www.xinhuanet.com/english/zhou.htm"
    assert added(graded, edit(graded, "events.csv", 18, "source_url", xinhua)) == set()
    set_cell(graded / "events.csv", 16, "category", "negotiation")  # no longer the party's own words
    reported = found(graded)
    assert any(p.startswith("korea-1950/events.csv:18: source_url: event sourced only to Xinhua") for p in reported)


def test_party_media_graded_as_something_else(graded):
    assert cell(graded, "positions.csv", 13, "actor_id") == "north_korea"
    set_cell(graded / "positions.csv", 11, "source_url", KCNA)  # graded major by the fixture
    reported = {str(p) for p in sources.run(graded).problems if (p.file, p.line) == ("korea-1950/positions.csv", 13)}
    assert reported == {"korea-1950/positions.csv:13: source_type: graded 'major', but the registry grades KCNA "
                        "(kcna.kp) 'party_media': a row takes its outlet's grade; write party_media or leave the "
                        "cell empty"}


def test_the_registrys_party_media_name_the_issue_outlets_party():
    registry = {o.domain: o for o in sources.registry().outlets}
    expected = {"tass.com": "russia", "ria.ru": "russia", "rt.com": "russia", "sputnikglobe.com": "russia",
                "ukrinform.net": "ukraine", "tabnak.ir": "iran"}
    assert {d: (registry[d].grade, registry[d].party) for d in expected} == {d: ("party_media", a)
                                                                            for d, a in expected.items()}


# --- counts, shares, output, exits ---------------------------------------------------------------------

def test_old_format_folder_is_graded_by_the_registry_where_it_knows_the_domain():
    result = sources.run(OLD_FORMAT)  # no source_type column at all
    known = [r for r in result.rows if r.outlet is not None]
    assert known and result.counts["all"]["ungraded"] == len(result.rows) - len(known)
    assert result.counts["all"]["official"] == sum(r.outlet.grade == "official" for r in known) > 0
    assert abs(sum(result.shares["all"].values()) - 1) < 1e-3


def test_counts_and_shares_by_grade(graded):
    assert sources.outlet_of(cell(graded, "events.csv", 4, "source_url")) is None  # yellowlegs-and-others.com
    assert sources.outlet_of(cell(graded, "events.csv", 5, "source_url")).grade == "official"  # vietnamwar50th.com
    set_cell(graded / "events.csv", 2, "source_type", "wire")  # line 4: the row's own grade, the registry not knowing it
    set_cell(graded / "events.csv", 3, "source_type", "wire")  # line 5: the registry's grade wins
    result = sources.run(graded)
    rows = {(r.file, r.line): r for r in result.rows}
    assert rows["korea-1950/events.csv", 4].grade == "wire" and rows["korea-1950/events.csv", 5].grade == "official"
    events = [r for r in result.rows if r.table == "events"]
    assert result.counts["events"]["wire"] == sum(r.grade == "wire" for r in events) >= 1
    assert result.shares["events"]["wire"] == round(result.counts["events"]["wire"] / len(events), 4)
    assert list(result.counts["all"]) == list(schema.SOURCE_TYPES) + ["ungraded"]


def test_reference_folder_is_audited(tmp_path):
    folder = tmp_path / "reference"
    folder.mkdir()
    shutil.copy(ROOT / "data" / "reference" / "war_outcomes.csv", folder / "war_outcomes.csv")
    result = sources.run(folder)
    assert set(result.counts) == {"war_outcomes", "all"}
    assert sum(result.counts["all"].values()) == len(read_rows(folder / "war_outcomes.csv")[1])


# --- in the briefing ---------------------------------------------------------------------------------

def test_briefing_sources_show_grades_and_shares(graded):
    from parley.report.briefing import Briefing
    b = Briefing.open(graded, "", "", period_label="1953-07")
    table = b.sources()
    html = b.sources_html()
    counts = table["grade"].value_counts()
    total = len(table)
    shares = ", ".join(f'<span class="parley-grade parley-grade-{g}">{g}</span> {counts[g]} ({counts[g] / total:.0%})'
                       for g in sources.GRADES if g in counts)
    assert f"By grade: {shares}." in html
    assert html.count('<li><span class="parley-grade parley-grade-') == total


def test_briefing_grades_come_from_the_registry_and_name_the_outlet(graded):
    """Every row of the fixture says 'major'; the registry's grade wins where it knows the domain."""
    from parley.report.briefing import Briefing
    table = Briefing.open(graded, "", "", period_label="1953-07").sources()
    frus = table[table["source_url"].str.contains("history.state.gov")]
    assert not frus.empty and set(frus["grade"]) == {"official"}
    assert set(frus["outlet"]) == {sources.outlet_of("https://history.state.gov/x").outlet}
    copy = table[table["source_url"].str.contains("docslib.org")]
    assert set(copy["grade"]) == {"other"} and set(copy["outlet"]) == {"DocsLib"}  # denied: counts as other
    unknown = table[(table["source_url"] != "") & (table["outlet"] == "")]
    assert not unknown.empty and set(unknown["grade"]) == {"major"}  # the row's own source_type
    set_cell(graded / "positions.csv", 2, "source_type", "official")  # a TIME row (line 4)
    again = Briefing.open(graded, "", "", period_label="1953-07").sources()
    time_rows = again[again["outlet"] == "TIME"]
    assert not time_rows.empty and set(time_rows["grade"]) == {"major"}


def test_briefing_sources_name_each_outlet_with_its_registry_grade(graded):
    from parley.report.briefing import Briefing
    b = Briefing.open(graded, "", "", period_label="1953-07")
    html = b.sources_html()
    assert ('<li><span class="parley-grade parley-grade-major">major</span> <b class=\'parley-outlet\'>TIME</b>: '
            '<a href="http://content.time.com/') in html
    named = b.sources()
    assert html.count("<b class='parley-outlet'>") == int((named["outlet"] != "").sum()) > 0
    frus = sources.outlet_of("https://history.state.gov/x").outlet
    assert f'<span class="parley-grade parley-grade-official">official</span> <b class=\'parley-outlet\'>{frus}' in html


def test_key_point_resting_on_one_partys_media_says_so(graded):
    from parley.report.briefing import Briefing
    assert cell(graded, "events.csv", 23, "event_id") == "1953-07-27-armistice-signed"
    plain = Briefing.open(graded, "", "", period_label="1953-07").key_points()[0]
    assert "state media only" not in plain
    set_cell(graded / "events.csv", 21, "source_url", KCNA)
    b = Briefing.open(graded, "", "", period_label="1953-07")
    assert "Korean Armistice Agreement signed at Panmunjom (27 Jul) (source: North Korean state media only)" \
        in b.key_points()[0]
    assert "(event) (source: North Korean state media only)" in b.sources_html()


def test_an_actor_without_a_capability_figure_is_not_a_sourced_row(graded):
    before = [r for r in sources.load_rows(graded) if r.table == "actors"]
    edit(graded, "actors.csv", 2, "capability", "")()
    after = [r for r in sources.load_rows(graded) if r.table == "actors"]
    assert len(after) == len(before) - 1 and 2 not in [r.line for r in after]
