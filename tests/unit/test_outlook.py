"""The outside view: the UCDP termination file validates and becomes episodes, the reference class widens by its one
rule, and the chances and shares are what a hand count and a plain count give."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from conftest import toml_folder as _folder

from parley.analysis import outlook
from parley.data import meta as meta_module
from parley.data import termination
from parley.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "reference" / termination.RELEASE.file
# EXTRACT (marked as such in its first line): the conflict-year rows of 8 episode ids copied unchanged from DATA.
EXTRACT = ROOT / "tests" / "fixtures" / "ucdp-term-extract.csv"
RU = ROOT / "data" / "russia-ukraine"


@pytest.fixture(scope="module")
def extract() -> pd.DataFrame:
    return termination.episodes(termination.load_termination(EXTRACT)).set_index("episode")


@pytest.fixture(scope="module")
def everything() -> tuple[pd.DataFrame, int]:
    return outlook.load_episodes()


def test_stored_file_is_the_copy_the_readme_names():
    assert hashlib.sha256(DATA.read_bytes()).hexdigest() == termination.RELEASE.sha256
    assert "sha256 `" + termination.RELEASE.sha256 in (DATA.parent / "README.md").read_text(encoding="utf-8")


def test_whole_file_validates_and_counts(everything):
    episodes, last = everything
    assert last == 2020
    table = termination.load_termination(DATA)
    assert len(table) == 2506
    # 571 episode ids, 10 of which carry a 2020 row after a gap: 581 episodes
    assert table["conflictep_id"].nunique() == 571
    assert len(episodes) == 581 and episodes["episode"].is_unique
    assert int(episodes["ended"].sum()) == int((table["confterm"] == "1").sum()) == 525


def test_episodes_of_the_extract_by_hand(extract):
    """Hand counts on the extract: dates from the rows, durations counted on a calendar."""
    assert list(extract.index) == ["1330601", "20001", "20201", "20401", "20901", "20902", "20904", "26502", "26502-2020"]
    china = extract.loc["20201"]  # 31/12/1946 -> 08/12/1949: 365 + 366 (1948) + 342 days
    assert (china["duration_days"], china["outcome"], china["type"], china["incompatibility"], china["intensity"]) == \
        (1073, "victory", "intrastate", "government", "war")
    indonesia = extract.loc["20401"]  # 31/12/1946 -> 15/08/1949: 731 + 227; extrasystemic, peace agreement
    assert (indonesia["duration_days"], indonesia["outcome"], indonesia["type"], indonesia["intensity"]) == \
        (958, "peace_agreement", "extrasystemic", "minor")
    bolivia = extract.loc["20001"]  # ended the day it started
    assert (bolivia["duration_days"], bolivia["outcome"]) == (0, "victory")
    cpp = extract.loc["20902"]  # minor in most years, war in 1982-1986 and 1990-1991: war
    assert (cpp["outcome"], cpp["intensity"], cpp["end"].date()) == ("ceasefire", "war", dt.date(1995, 11, 29))
    ongoing = extract.loc["20904"]  # active in 2020: censored on 31 December 2020
    assert not ongoing["ended"] and pd.isna(ongoing["outcome"]) and pd.isna(ongoing["end"])
    assert ongoing["duration_days"] == (dt.date(2020, 12, 31) - dt.date(1999, 6, 6)).days
    donbas = extract.loc["1330601"]
    assert (donbas["type"], donbas["incompatibility"], donbas["intensity"], donbas["ended"]) == \
        ("internationalized", "territory", "war", False)
    # the 2020 row filed under 26502 after five quiet years is an episode of its own
    assert extract.loc["26502"]["ended"] and extract.loc["26502"]["outcome"] == "low_activity"
    assert not extract.loc["26502-2020"]["ended"]
    assert extract.loc["26502-2020"]["start"].date() == dt.date(2020, 3, 28)


def test_kaplan_meier_by_hand_on_the_extract(extract):
    """Intrastate conflicts over government that lasted 1,000 days or more: China (1073, ended), Huk (ended),
    CPP 1969-1995 (ended), CPP since 1999 (censored at 7,879 days). At risk 4, then 3 after China, then 2 after
    the Huk; the censored CPP leaves before the 1969-1995 one ends, so the last step goes to 0."""
    found = outlook.reference_class(extract.reset_index(), {"type": "intrastate", "incompatibility": "government"},
                                    1000, minimum=1)
    assert sorted(found["episodes"]["episode"]) == ["20201", "20901", "20902", "20904"]
    huk = extract.loc["20901"]["duration_days"]  # 31/07/1946 -> 31/12/1954
    assert huk == (dt.date(1954, 12, 31) - dt.date(1946, 7, 31)).days
    months = {6: 1000 + 6 * outlook.DAYS_PER_MONTH, 120: 1000 + 120 * outlook.DAYS_PER_MONTH}
    assert months[6] > 1073 and months[120] > huk  # the windows take in China, then China and the Huk
    chances = outlook.ending_within(found["episodes"], 1000, horizons=(6, 120, 320))
    assert chances["6"]["p"] == pytest.approx(1 - 3 / 4)
    assert chances["120"]["p"] == pytest.approx(1 - 3 / 4 * 2 / 3)
    assert chances["320"]["p"] == pytest.approx(1.0)


def test_past_a_censored_longest_episode_the_chance_is_unknown(extract):
    only = extract.reset_index()
    only = only[only["episode"] == "20904"]
    chances = outlook.ending_within(only, 100, horizons=(6, 1000))
    assert chances["6"] == {"p": 0.0, "ci90": [0.0, 0.0]}
    assert chances["1000"] == {"p": None, "ci90": None}


def test_widening_drops_intensity_then_incompatibility_then_type(extract):
    episodes = extract.reset_index()
    fields = {"type": "internationalized", "incompatibility": "government", "intensity": "minor"}
    # internationalized in the extract: Donbas since 2014 and Kata Katanga's two episodes (2013-2014, 2020), all over
    # territory; none over government
    found = outlook.reference_class(episodes, fields, 100, minimum=4)
    assert found["steps"] == [(fields, 0), ({"type": "internationalized", "incompatibility": "government"}, 0),
                              ({"type": "internationalized"}, 3), ({}, 8)]
    assert found["dropped"] == ["intensity", "incompatibility", "type"]
    assert len(found["episodes"]) == (episodes["duration_days"] >= 100).sum()
    words = outlook.class_in_words(found, 100)
    assert "fewer than 4 matched (dropped intensity, then incompatibility, then type" in words
    assert "widest" not in words
    # no widening when enough match
    enough = outlook.reference_class(episodes, {"type": "intrastate", "incompatibility": "government", "intensity": "war"},
                                     0, minimum=2)
    assert enough["dropped"] == [] and len(enough["steps"]) == 1
    assert sorted(enough["episodes"]["episode"]) == ["20001", "20201", "20901", "20902"]


def test_the_widest_class_is_used_and_said_to_be_short(extract):
    found = outlook.reference_class(extract.reset_index(), {"type": "interstate", "incompatibility": "territory",
                                                            "intensity": "war"}, 9000)
    assert found["fields"] == {} and len(found["episodes"]) < outlook.MIN_CLASS
    assert "even the widest class has fewer than 20" in outlook.class_in_words(found, 9000)


@pytest.mark.parametrize("fields", [{"type": "intrastate", "incompatibility": "territory", "intensity": "war"},
                                    {"type": "interstate", "incompatibility": "government", "intensity": "minor"},
                                    {"type": "internationalized", "incompatibility": "both", "intensity": "war"}])
def test_chances_grow_with_the_horizon_and_intervals_hold_the_point(everything, fields):
    episodes, _ = everything
    for days in (0, 200, 700, 1500, 3000, 4111, 6000):
        found = outlook.reference_class(episodes, fields, days)
        chances = outlook.ending_within(found["episodes"], days)
        known = [chances[str(h)] for h in outlook.HORIZONS if chances[str(h)]["p"] is not None]
        ps = [c["p"] for c in known]
        assert ps == sorted(ps), (fields, days, ps)
        for chance in known:
            low, high = chance["ci90"]
            assert 0 <= low <= chance["p"] <= high <= 1, (fields, days, chance)


def test_outcome_shares_equal_a_plain_count_of_the_file(everything):
    """Shares from the episodes against the outcome codes counted straight from the CSV rows of the same ids."""
    episodes, _ = everything
    found = outlook.reference_class(episodes, {"type": "intrastate", "incompatibility": "territory", "intensity": "war"}, 3000)
    ids = {e.split("-")[0] for e in found["episodes"]["episode"] if "-" not in e}
    words = {"1.0": "peace_agreement", "2.0": "ceasefire", "3.0": "victory", "4.0": "victory", "5.0": "low_activity",
             "6.0": "other"}
    with DATA.open(encoding="utf-8", newline="") as handle:
        codes = [row["outcome"] for row in csv.DictReader(handle) if row["conflictep_id"] in ids and row["confterm"] == "1"]
    assert not any("-" in e for e in found["episodes"]["episode"])  # no split episode in this class, so ids suffice
    counts = pd.Series([words[c] for c in codes]).value_counts()
    shares = outlook.outcome_shares(found["episodes"])
    assert sum(shares.values()) == pytest.approx(1.0)
    assert len(codes) == int(found["episodes"]["ended"].sum())
    for key, share in shares.items():
        assert share == pytest.approx(counts.get(key, 0) / len(codes)), key


def test_russia_ukraine_declares_the_fields_and_gets_an_outlook(everything):
    meta = meta_module.read_conflict_meta(RU)
    assert outlook.missing_fields(meta) == []
    episodes, last = everything
    result = outlook.outlook(meta, dt.date(2025, 5, 31), episodes, last, termination.RELEASE)
    assert result["n"] == len(result["episodes"]) >= outlook.MIN_CLASS or result["reference_class"]["dropped"]
    assert set(result) >= {"reference_class", "n", "episodes", "ending_within", "outcomes", "ended", "data"}
    assert set(result["ending_within"]) == {"6", "12", "24"}
    assert set(result["outcomes"]) == {"peace_agreement", "ceasefire", "victory", "low_activity", "other"}
    assert result["data"]["version"] == "3-2021" and result["data"]["last_year"] == 2020


def test_a_date_before_the_start_is_refused(everything):
    meta = meta_module.read_conflict_meta(RU)
    with pytest.raises(Exception, match="before the war's start"):
        outlook.outlook(meta, dt.date(2000, 1, 1), everything[0], everything[1], termination.RELEASE)


@pytest.mark.parametrize("extra, where", [('type = "civil"\n', "conflict.toml:5: type: must be one of: interstate"),
                                          ('intensity = 2\n', "conflict.toml:5: intensity: must be one of: war, minor"),
                                          ('incompatibility = "land"\n', "conflict.toml:5: incompatibility: must be one of")])
def test_bad_fields_are_refused_with_file_line_and_key(tmp_path, extra, where):
    with pytest.raises(DataError) as err:
        meta_module.read_conflict_meta(_folder(tmp_path, extra))
    assert where in str(err.value)


def test_the_fields_are_optional(tmp_path):
    meta = meta_module.read_conflict_meta(_folder(tmp_path, ""))
    assert outlook.missing_fields(meta) == ["type", "incompatibility", "intensity"]
    full = meta_module.read_conflict_meta(_folder(tmp_path / "b", 'type = "interstate"\nincompatibility = "territory"\n'
                                                                  'intensity = "war"\n'))
    assert (full.type, full.incompatibility, full.intensity) == ("interstate", "territory", "war")
    assert outlook.missing_fields(replace(full, intensity=None)) == ["intensity"]


def test_a_damaged_termination_file_is_reported_by_line_and_column(tmp_path):
    lines = EXTRACT.read_text(encoding="utf-8").splitlines()
    # line 3 is Bolivia's only row (ends 1946, outcome 4.0): break its outcome, and drop the end date of China's last
    lines[2] = lines[2].replace(",1.0,4.0,", ",1.0,9.0,")
    lines[6] = lines[6].replace("08/12/1949", "")
    lines[7] = lines[7].replace("31/12/1946", "31/02/1946", 1)
    path = tmp_path / "reference" / "bad.csv"
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        termination.load_termination(path)
    text = str(err.value)
    assert "reference/bad.csv:3: outcome: must be one of" in text
    assert "reference/bad.csv:8: start_date" in text and "real date" in text
    with pytest.raises(DataError) as err:
        termination.load_termination(tmp_path / "reference" / "none.csv")
    assert "none.csv:1: -: file is missing" in str(err.value)


def test_a_missing_end_date_breaks_the_row_rule(tmp_path):
    lines = EXTRACT.read_text(encoding="utf-8").splitlines()
    lines[6] = lines[6].replace("08/12/1949", "")
    path = tmp_path / "reference" / "bad.csv"
    path.parent.mkdir()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        termination.load_termination(path)
    assert "reference/bad.csv:7: ependdate: required value is missing (confterm is 1" in str(err.value)


def test_recent_wars_without_a_peace_agreement_is_a_count(extract):
    recent = outlook.recent_without_peace(extract.reset_index(), since=1990)
    # ended from 1990 in the extract: CPP 1995 (ceasefire) and DR Congo 2014 (low activity)
    assert recent == {"since": 1990, "ended": 2, "without_peace_agreement": 2, "ceasefire": 1, "low_activity": 1,
                      "share": 1.0}


def test_a_folder_without_the_fields_still_gets_the_section_saying_what_is_missing():
    from parley.report import outside_view
    from parley.report.briefing import Briefing
    b = Briefing.open(ROOT / "tests" / "fixtures" / "korea-1950", "1951-07-01", "1951-07-31", [], [], period_label="1951-07")
    assert outside_view.outlook_of(b) is None and outside_view.chart(None) is None
    html = outside_view.section_html(b.conflict.meta, b.as_of, b.conflict.folder)
    assert "does not declare\n<code>type</code>, <code>incompatibility</code>, <code>intensity</code> (the UCDP" in html
    assert "Reference class" not in html and "without a peace agreement" in html


def test_the_section_and_chart_for_russia_ukraine():
    from parley.report import outside_view
    from parley.report.briefing import Briefing
    b = Briefing.open(RU, "2025-05-01", "2025-05-31", [], [], period_label="2025-05")
    view = outside_view.outlook_of(b)
    html = outside_view.section_html(b.conflict.meta, b.as_of, b.conflict.folder, result=view)
    assert f"{view['n']} episodes" in html and "90% interval" in html and "31 December 2020" in html
    p12 = view["ending_within"]["12"]
    assert f"<td>{p12['p'] * 100:.0f}%</td><td>{p12['ci90'][0] * 100:.0f}% to {p12['ci90'][1] * 100:.0f}%</td>" in html
    fig = outside_view.chart(view, "Russia-Ukraine war")
    assert [t.name for t in fig.data if t.showlegend is not False][-1] == f"the class ({view['n']} episodes)"
    assert fig.layout.shapes[0].x0 == pytest.approx(view["reference_class"]["lasted_days"] / 365.2425)


def test_the_termination_file_is_a_briefing_input():
    """The kernel records the UCDP file among the data the briefing read (parley.report.contract)."""
    from parley.report import sections
    context = sections.Context.open(RU, "", "", period_label="2025-05")
    sections.items("prospects", context)
    recorded = sections.result(context).inputs
    assert recorded[f"../reference/{DATA.name}"] == hashlib.sha256(DATA.read_bytes()).hexdigest()
