"""The outlet registry: one grade per outlet, validated like every table, applied to every row.

Each test changes one thing (a cell of a copied fixture, a row of a copied registry) and asserts what the
validator or the audit reports about it, at file:line.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import KOREA, ROOT, read_rows, set_cell

from parley.data import load, outlets, schema, sources
from parley.data.load import load_conflict, load_registry
from parley.errors import DataError

OLD_FORMAT = KOREA.parent / "old-format"  # written before source_type existed


@pytest.fixture
def korea(tmp_path):
    folder = tmp_path / "korea-1950"
    shutil.copytree(KOREA, folder)
    return folder


def problems(folder) -> set[str]:
    return {str(p) for p in sources.run(folder).problems}


def line_of(folder, name: str, column: str, value: str) -> int:
    """The file line of the first row whose column holds value (header = line 1)."""
    header, rows = read_rows(folder / name)
    return next(i for i, row in enumerate(rows, start=2) if row[header.index(column)] == value)


# --- the registry as a table --------------------------------------------------------------------------

def test_registry_validates_with_one_row_per_domain():
    registry = load_registry()
    domains = [o.domain for o in registry.outlets]
    assert len(registry) == len(set(domains)) > 300
    assert set(o.grade for o in registry.outlets) <= set(schema.REGISTRY_GRADES)
    assert all(o.party for o in registry.outlets if o.grade == "party_media")
    assert all(o.notes for o in registry.outlets if o.grade in ("denied", "mirror", "party_media"))


def test_registry_problems_are_reported_at_file_line(tmp_path):
    copy = tmp_path / "outlets.csv"
    lines = outlets.REGISTRY.read_text(encoding="utf-8").splitlines()
    lines += ["https://example.org,Example,major,,with a scheme",
              "example.net,Example,excellent,,no such grade",
              "example.com,Example,party_media,,no party",
              "example.info,Example,major,russia,a party on a non-party outlet",
              "reuters.com,Reuters again,wire,,second row for one domain"]
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = len(lines) - 4
    with pytest.raises(DataError) as caught:
        load_registry(copy)
    found = {(p.line, p.column) for p in caught.value.problems}
    assert {(first, "domain"), (first + 1, "grade"), (first + 2, "party"), (first + 3, "party"),
            (first + 4, "domain")} <= found
    assert all(p.file == str(copy.resolve()) for p in caught.value.problems)


def test_the_old_deny_and_party_media_lists_are_folded_in():
    """Every domain of the former deny.csv and party_media.csv is in the registry, once, with its grade and reason."""
    assert not (outlets.REGISTRY.parent / "deny.csv").exists() and not (outlets.REGISTRY.parent / "party_media.csv").exists()
    registry = {o.domain: o for o in load_registry().outlets}
    for domain in FORMER_DENY_LIST:
        assert registry[domain].grade in ("denied", "mirror") and registry[domain].notes, domain
    for domain, (party, label) in FORMER_PARTY_MEDIA.items():
        entry = registry[domain]
        assert (entry.grade, entry.party, entry.label) == ("party_media", party, label), domain


def test_the_policys_examples_carry_the_policys_grade():
    """docs/sourcing.md's grade table (generated from the schema) names outlets; each has that grade here."""
    registry = load_registry().outlets
    for grade, (_, examples) in {**schema.SOURCE_TYPE_DEFINITIONS, **schema.REGISTRY_ONLY_DEFINITIONS}.items():
        if grade == "other":
            continue  # kinds of site, not outlets
        for example in (e.strip() for part in examples.split(";") for e in part.split(",")):
            name = example.split(" (")[0].lower()
            matches = [o for o in registry if name_matches(o, name)]
            assert matches, f"{example!r} ({grade}) is not in the registry"
            assert any(o.grade == grade for o in matches), f"{example!r}: registry says {matches[0].grade}, not {grade}"


def name_matches(outlet: outlets.Outlet, name: str) -> bool:
    """'BBC' names the outlet BBC; 'UCDP' names 'Uppsala Conflict Data Program (UCDP)'; 'kremlin.ru transcripts'
    names the outlet at kremlin.ru."""
    full = outlet.outlet.lower()
    keys = {full.split(" (")[0]} | ({full.split(" (")[1].rstrip(")")} if " (" in full else set())
    return any(key == name or name.startswith(key + " ") for key in keys) or name.startswith(outlet.domain + " ")


# --- finding an address's outlet ------------------------------------------------------------------------

def test_a_subdomain_takes_its_domains_outlet():
    registry = load_registry()
    assert registry.find("https://news.bbc.co.uk/2/hi/europe/1.stm").outlet == "BBC"
    assert registry.find("https://en.interfax.com.ua/news/general/1.html").grade == "wire"
    assert registry.find("https://notreuters.com/x") is None  # a suffix of the name is not a parent domain


def test_a_path_prefixed_outlet():
    registry = outlets.Registry([outlets.Outlet("example.org", "Example Daily", "major"),
                                 outlets.Outlet("example.org/blog", "Example blogs", "other")])
    assert registry.find("https://www.example.org/blog/post-1").outlet == "Example blogs"
    assert registry.find("https://example.org/blogger/post-1").outlet == "Example Daily"  # a prefix is a path segment
    assert registry.find("https://example.org/news/1").outlet == "Example Daily"
    bundled = load_registry()
    ucdp = "https://github.com/ds-modules/POLSCI-5/blob/d5cb91c/civil-conflicts/ucdp-term-dyadic-2015.csv"
    assert bundled.find(ucdp).grade == "specialist"
    assert bundled.find("https://github.com/someone/else") is None


# --- validation refuses non-production hosts ---------------------------------------------------------------

@pytest.mark.parametrize("url,why", [
    ("https://staging.rferl.org/a/talks/33657498.html", "non-production host ('staging')"),
    ("https://preprod-mobile.zeenews.india.com/photos/x", "non-production host ('preprod-mobile')"),
    ("https://dev.kremlin.ru/events/1", "non-production host ('dev')"),
    ("http://20.210.105.67/txt/time/1953/818543.html", "bare IP address"),
    ("https://www.wikiwand.com/en/Korean_War", "is a mirror"),
])
def test_a_staging_or_mirror_host_is_refused_at_validation(korea, url, why):
    line = line_of(korea, "events.csv", "event_id", "1950-06-25-north-korea-invades-south")
    set_cell(korea / "events.csv", line - 2, "source_url", url)
    with pytest.raises(DataError) as caught:
        load_conflict(korea)
    (problem,) = [p for p in caught.value.problems if p.column == "source_url"]
    assert (problem.file, problem.line) == ("korea-1950/events.csv", line)
    assert why in problem.message and "cite the original address" in problem.message


def test_production_hosts_are_not_refused():
    for url in ("https://www.rferl.org/a/x.html", "https://devdiscourse.com/x", "https://testbook.com/x",
                "https://news.bbc.co.uk/x", "https://developer.example.org/x"):
        assert outlets.refusal(url) is None, url


# --- a row's grade is its outlet's ------------------------------------------------------------------------

def test_a_row_is_graded_by_the_registry(korea):
    line = line_of(korea, "events.csv", "event_id", "1950-06-25-north-korea-invades-south")
    set_cell(korea / "events.csv", line - 2, "source_url", "https://www.reuters.com/world/x")
    row = next(r for r in sources.run(korea).rows if r.file == "korea-1950/events.csv" and r.line == line)
    assert (row.grade, row.outlet.outlet) == ("wire", "Reuters")  # the fixture has no source_type column


def test_a_source_type_differing_from_the_registry_is_a_problem(korea):
    header, _ = read_rows(korea / "events.csv")
    if "source_type" not in header:
        lines = (korea / "events.csv").read_text(encoding="utf-8").splitlines()
        (korea / "events.csv").write_text("\n".join([lines[0] + ",source_type"] + [f"{x}," for x in lines[1:]]) + "\n",
                                          encoding="utf-8")
    line = line_of(korea, "events.csv", "event_id", "1950-06-25-north-korea-invades-south")
    set_cell(korea / "events.csv", line - 2, "source_url", "https://www.reuters.com/world/x")
    set_cell(korea / "events.csv", line - 2, "source_type", "wire")
    assert not any(f"events.csv:{line}: source_type" in p for p in problems(korea))
    set_cell(korea / "events.csv", line - 2, "source_type", "major")
    assert (f"korea-1950/events.csv:{line}: source_type: graded 'major', but the registry grades Reuters "
            "(reuters.com) 'wire': a row takes its outlet's grade; write wire or leave the cell empty") in problems(korea)


def test_an_unknown_domain_is_a_problem(korea):
    line = line_of(korea, "events.csv", "event_id", "1950-06-25-north-korea-invades-south")
    set_cell(korea / "events.csv", line - 2, "source_url", "https://www.unheard-of-gazette.example/x")
    reported = [p for p in problems(korea) if p.startswith(f"korea-1950/events.csv:{line}: source_url:")]
    assert reported == [f"korea-1950/events.csv:{line}: source_url: www.unheard-of-gazette.example is not in the "
                        "outlet registry (parley/data/sourcing/outlets.csv): add the outlet with its grade "
                        "(docs/sourcing.md), or cite an outlet the registry knows"]


def test_a_denied_outlet_is_a_problem_counted_as_other(korea):
    line = line_of(korea, "events.csv", "event_id", "1950-06-25-north-korea-invades-south")
    set_cell(korea / "events.csv", line - 2, "source_url", "https://www.miragenews.com/x-1")
    result = sources.run(korea)
    row = next(r for r in result.rows if r.file == "korea-1950/events.csv" and r.line == line)
    assert row.grade == "other"
    reported = [str(p) for p in result.problems
                if (p.file, p.line, p.column) == ("korea-1950/events.csv", line, "source_url")]
    assert reported == [f"korea-1950/events.csv:{line}: source_url: miragenews.com (Mirage News) is denied in the "
                        "outlet registry (parley/data/sourcing/outlets.csv): press-release aggregator: cite the "
                        "issuing body's own page (issue 21)"]


def test_an_old_folder_without_source_type_still_validates_and_is_graded():
    header = (OLD_FORMAT / "events.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "source_type" not in header
    load_conflict(OLD_FORMAT)  # no DataError
    result = sources.run(OLD_FORMAT)
    graded = [r for r in result.rows if r.outlet is not None and r.outlet.grade in schema.SOURCE_TYPES]
    assert graded and all(r.grade == r.outlet.grade for r in graded)
    assert all(r.grade == schema.UNGRADED for r in result.rows if r.outlet is None)


# --- output ----------------------------------------------------------------------------------------------

def test_json_lists_the_outlets_cited_with_their_grade():
    result = sources.run(ROOT / "data" / "russia-ukraine")
    data = json.loads(sources.as_json(result))
    cited = data["outlets"]
    assert sum(o["rows"] for o in cited) == sum(1 for r in result.rows if r.url)
    assert [o["rows"] for o in cited] == sorted((o["rows"] for o in cited), reverse=True)
    by_domain = {o["domain"]: o for o in cited}
    assert (by_domain["pravda.com.ua"]["outlet"], by_domain["pravda.com.ua"]["grade"]) == ("Ukrainska Pravda",
                                                                                           "regional")
    assert by_domain["tass.com"]["party"] == "russia"


def test_the_bundled_conflict_has_no_sourcing_problem_and_a_grade_per_outlet():
    result = sources.run(ROOT / "data" / "russia-ukraine")
    assert result.problems == []
    grades: dict[str, set[str]] = {}
    for r in result.rows:
        if r.outlet is not None:
            grades.setdefault(r.outlet.domain, set()).add(r.grade)
    assert all(len(g) == 1 for g in grades.values())


def test_the_briefing_label_of_a_partys_media_comes_from_the_registry():
    assert sources.party_media_label("https://www.rt.com/russia/1/", None) == "Russian state media"
    assert sources.party_media_label("https://example.org/", "party_media") == "one party's media"
    assert sources.party_media_label("https://www.reuters.com/", "major") is None


def test_load_registry_is_cached_per_path():
    assert load_registry() is load_registry(outlets.REGISTRY) is load.load_registry()


# The two lists the registry replaced (parley/sourcing/deny.csv and party_media.csv before issue 21).
FORMER_DENY_LIST = (
    "agentictribune.com", "lordspress.co.uk", "buzb.uz", "kenyan-post.com", "geld.news", "regtrends.com",
    "tellerreport.com", "ussanews.com", "freebook.news", "eir.news", "devdiscourse.com", "menafn.com", "upday.com",
    "newser.com", "wikipedia.org", "wikipedia.com", "wikimili.com", "wikiwand.com", "findatwiki.com", "wiki2.org",
    "infogalactic.com", "alchetron.com", "piglix.com", "dbpedia.org", "library.kiwix.org", "encyclopedia.datana.cloud",
    "talk.dob.jp", "ipfs.io", "wikia.com", "fandom.com",
)
FORMER_PARTY_MEDIA = {
    "tass.com": ("russia", "Russian state media"), "tass.ru": ("russia", "Russian state media"),
    "ria.ru": ("russia", "Russian state media"), "rt.com": ("russia", "Russian state media"),
    "sputnikglobe.com": ("russia", "Russian state media"), "sputniknews.com": ("russia", "Russian state media"),
    "rg.ru": ("russia", "Russian state media"), "ukrinform.net": ("ukraine", "Ukrainian state media"),
    "ukrinform.ua": ("ukraine", "Ukrainian state media"), "belta.by": ("belarus", "Belarusian state media"),
    "tabnak.ir": ("iran", "Iranian state-aligned media"), "irna.ir": ("iran", "Iranian state media"),
    "presstv.ir": ("iran", "Iranian state media"), "xinhuanet.com": ("china", "Chinese state media"),
    "news.cn": ("china", "Chinese state media"), "globaltimes.cn": ("china", "Chinese state media"),
    "cgtn.com": ("china", "Chinese state media"), "people.cn": ("china", "Chinese state media"),
    "kcna.kp": ("north_korea", "North Korean state media"),
    "united24media.com": ("ukraine", "Ukrainian state media (the government's United24 platform)"),
}
