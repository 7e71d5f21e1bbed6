"""`parley sources`: one test per audit rule on a graded copy of the old-format fixture, plus counts, JSON and exits.

Each rule test changes one cell of the copy and asserts exactly which problems appear that were not there
before (the fixture's real sources have problems of their own, which the baseline keeps out of the way).
"""

from __future__ import annotations

import shutil

import pytest
from conftest import OLD_FORMAT, ROOT, add_grades, read_rows, set_cell

from parley.data import schema, sources


def found(folder) -> set[str]:
    return {str(p) for p in sources.run(folder).problems}


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
    other = {(p.file, p.line) for p in result.problems if p.column == "source_type" and "graded 'other'" in p.message}
    assert other == {(r.file, r.line) for r in result.rows} and len(other) == 67


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


def test_same_url_for_rows_months_apart_is_reported(graded):
    url = cell(graded, "events.csv", 14, "source_url")  # 1952-05-07, shared with the position of that day (line 3)
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


# --- deny list ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("url,listed", [
    ("https://agentictribune.com/article/20260107-x", "agentictribune.com"),
    ("https://en.m.wikipedia.org/wiki/Korean_War", "wikipedia.org"),
    ("https://www.tellerreport.com/news/x", "tellerreport.com"),
    ("https://notwikipedia.org/wiki/x", None),
    ("https://www.reuters.com/world/x", None),
])
def test_deny_list_matches_domain_and_subdomains(graded, url, listed):
    new = added(graded, edit(graded, "events.csv", 4, "source_url", url))
    if listed is None:
        assert new == set()
    else:
        reason = sources.deny_list()[listed]["reason"]
        assert new == {f"korea-1950/events.csv:4: source_url: {listed} is on the deny list (parley/data/sourcing/deny.csv): "
                       f"{reason}"}


def test_deny_list_names_the_issue_domains_with_a_reason():
    named = ("agentictribune.com", "lordspress.co.uk", "buzb.uz", "kenyan-post.com", "geld.news", "regtrends.com",
             "tellerreport.com", "ussanews.com", "freebook.news", "eir.news", "devdiscourse.com", "menafn.com",
             "upday.com", "newser.com", "wikipedia.org", "wikimili.com")
    deny = sources.deny_list()
    assert set(named) <= set(deny)
    assert all(entry["reason"].strip() for entry in deny.values())


# --- party media -------------------------------------------------------------------------------------

KCNA = "https://kcna.kp/en/article/q/one.kcmsp"


def test_party_media_for_another_actors_position(graded):
    assert cell(graded, "positions.csv", 3, "actor_id") == "unc"
    set_cell(graded / "positions.csv", 1, "source_type", "party_media")
    new = added(graded, edit(graded, "positions.csv", 3, "source_url", KCNA))
    assert new == {"korea-1950/positions.csv:3: source_url: KCNA (North Korean state media) speaks for north_korea, "
                   "not for unc: state media only for their own party's statements"}


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
    new = added(graded, edit(graded, "positions.csv", 13, "source_url", KCNA))  # graded major
    assert new == {"korea-1950/positions.csv:13: source_type: KCNA (North Korean state media) is graded 'major': "
                   "grade it party_media"}


def test_party_media_grade_on_an_unlisted_domain(graded):
    new = added(graded, edit(graded, "positions.csv", 3, "source_type", "party_media"))
    assert len(new) == 1 and "positions.csv:3: source_type: graded party_media, but www.presidency.ucsb.edu is not in" \
        in next(iter(new))


def test_party_media_table_maps_the_issue_outlets():
    media = sources.party_media()
    expected = {"tass.com": "russia", "ria.ru": "russia", "rt.com": "russia", "sputnikglobe.com": "russia",
                "ukrinform.net": "ukraine", "tabnak.ir": "iran"}
    assert {domain: media[domain]["actor"] for domain in expected} == expected
    assert sources.party_media_label("https://www.rt.com/russia/1/", None) == "Russian state media"
    assert sources.party_media_label("https://example.org/", "party_media") == "one party's state media"
    assert sources.party_media_label("https://example.org/", "major") is None


# --- counts, shares, output, exits ---------------------------------------------------------------------

def test_old_format_folder_counts_as_ungraded():
    result = sources.run(OLD_FORMAT)
    assert result.counts["all"] == {**{g: 0 for g in schema.SOURCE_TYPES}, "ungraded": 67}
    assert result.counts["events"]["ungraded"] == 27 and result.shares["all"]["ungraded"] == 1.0


def test_counts_and_shares_by_grade(graded):
    set_cell(graded / "events.csv", 0, "source_type", "wire")
    set_cell(graded / "events.csv", 1, "source_type", "")
    result = sources.run(graded)
    assert result.counts["events"]["wire"] == 1 and result.counts["events"]["ungraded"] == 1
    assert result.counts["events"]["major"] == 25 and result.counts["all"]["major"] == 65
    assert result.shares["events"]["wire"] == round(1 / 27, 4)
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
    set_cell(graded / "events.csv", 21, "source_type", "official")  # armistice signed, 1953-07-27 (line 23)
    b = Briefing.open(graded, "", "", period_label="1953-07")
    table = b.sources()
    assert set(table["grade"]) == {"official", "major"}
    html = b.sources_html()
    official, total = int((table["grade"] == "official").sum()), len(table)
    assert (f'By grade: <span class="parley-grade parley-grade-official">official</span> {official} '
            f'({official / total:.0%}), <span class="parley-grade parley-grade-major">major</span> {total - official} '
            f'({(total - official) / total:.0%}).') in html
    assert html.count('<li><span class="parley-grade parley-grade-') == total


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
