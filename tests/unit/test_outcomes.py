"""parley.data.outcomes: the reference table of how wars ended validates, and its summaries count right."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from parley.data import outcomes
from parley.errors import DataError
from parley.report import prospects

TABLE = Path(__file__).resolve().parents[2] / "data" / "reference" / "war_outcomes.csv"
REQUIRED = {
    "soviet-japan-1945": "no",      # 1956 Joint Declaration, no peace treaty
    "korea-1950": "no",             # 1953 armistice
    "cyprus-1974": "no",
    "transnistria-1992": "no",
    "nagorno-karabakh-1988": "no",  # 1994 ceasefire
    "nagorno-karabakh-2020": "no",
    "nagorno-karabakh-2023": "no",
    "georgia-2008": "no",
    "donbas-2014": "no",            # Minsk agreements
}


def test_reference_table_validates_with_a_source_on_every_row():
    table = outcomes.load_outcomes(TABLE)
    assert len(table) >= 40
    assert table["source"].map(lambda s: isinstance(s, str) and s.strip() != "").all()
    assert table["war_id"].is_unique
    assert (table["end"].dropna() >= table.loc[table["end"].notna(), "start"]).all()


def test_required_wars_are_in_the_table():
    table = outcomes.load_outcomes(TABLE).set_index("war_id")
    missing = set(REQUIRED) - set(table.index)
    assert not missing
    assert {w: table.at[w, "peace_treaty"] for w in REQUIRED} == REQUIRED
    assert table.at["korea-1950", "end"] == pd.Timestamp("1953-07-27")
    assert table.at["nagorno-karabakh-1988", "end"].year == 1994


def test_default_path_and_lookup_beside_a_conflict_folder(tmp_path):
    assert outcomes.find() == outcomes.DEFAULT_PATH == TABLE
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "war_outcomes.csv").write_bytes(TABLE.read_bytes())
    assert outcomes.find(tmp_path / "some-war") == tmp_path / "reference" / "war_outcomes.csv"
    assert outcomes.find(tmp_path / "elsewhere" / "war") == TABLE


def broken_copy(tmp_path: Path, edits: dict[tuple[int, str], str]) -> Path:
    """The table with cells replaced: (file line, column) -> new text; one record per line."""
    with open(TABLE, encoding="utf-8", newline="") as src:
        rows = list(csv.reader(src))
    header = rows[0]
    for (line, column), value in edits.items():
        rows[line - 1][header.index(column)] = value
    path = tmp_path / "reference" / "war_outcomes.csv"
    path.parent.mkdir(exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)
    return path


def test_broken_copy_reports_file_line_column(tmp_path):
    path = broken_copy(tmp_path, {(3, "outcome"): "truce", (5, "start"): "1947-13-01",
                                  (7, "source"): "", (9, "peace_treaty"): "maybe", (10, "source_url"): "ftp://x"})
    with pytest.raises(DataError) as caught:
        outcomes.load_outcomes(path)
    lines = str(caught.value).splitlines()
    for where in ("reference/war_outcomes.csv:3: outcome: must be one of",
                  "reference/war_outcomes.csv:5: start: must be a real date",
                  "reference/war_outcomes.csv:7: source: required value is missing",
                  "reference/war_outcomes.csv:9: peace_treaty: must be one of: yes, no",
                  "reference/war_outcomes.csv:10: source_url: must be an http"):
        assert any(line.startswith(where) for line in lines), where
    assert lines[-1] == "5 problems found; nothing was rendered."


def test_rules_between_end_and_outcome(tmp_path):
    path = broken_copy(tmp_path, {(2, "end"): "", (3, "end"): "1940-01-01", (4, "outcome"): "ongoing"})
    with pytest.raises(DataError) as caught:
        outcomes.load_outcomes(path)
    text = str(caught.value)
    assert "reference/war_outcomes.csv:2: end: required value is missing (outcome is 'victory')" in text
    assert "reference/war_outcomes.csv:3: end: 1940-01-01 is before start 1945-08-10" in text
    assert "reference/war_outcomes.csv:4: end: must be empty for an ongoing war" in text


def test_missing_file_and_unknown_column(tmp_path):
    with pytest.raises(DataError, match="file is missing"):
        outcomes.load_outcomes(tmp_path / "reference" / "war_outcomes.csv")
    path = tmp_path / "reference" / "war_outcomes.csv"
    path.parent.mkdir()
    path.write_text(TABLE.read_text(encoding="utf-8").replace("war_id,", "war,", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"reference/war_outcomes.csv:1: war: unknown column"):
        outcomes.load_outcomes(path)


def small_table() -> pd.DataFrame:
    rows = [("a", "1951-01-01", "ceasefire", "no"), ("b", "1958-05-01", "peace_agreement", "yes"),
            ("c", "1975-01-01", "victory", "no"), ("d", "1979-01-01", "ceasefire", "yes"),
            ("e", None, "ongoing", "no")]
    frame = pd.DataFrame(rows, columns=["war_id", "end", "outcome", "peace_treaty"])
    frame["end"] = pd.to_datetime(frame["end"])
    return frame.assign(name=frame["war_id"].str.upper())


def test_base_rate_counts_only_ended_wars():
    assert outcomes.base_rate_without_treaty(small_table()) == {"wars": 4, "without_treaty": 2, "share": 0.5}
    assert outcomes.base_rate_without_treaty(small_table().iloc[[4]])["share"] is None


def test_counts_by_outcome_and_decade():
    assert outcomes.by_outcome(small_table()) == {"peace_agreement": 1, "ceasefire": 2, "victory": 1,
                                                  "low_activity": 0, "actor_ceased": 0}
    counts = outcomes.decade_counts(small_table())
    assert counts.index.tolist() == [1950, 1960, 1970]  # the empty 1960s included
    assert counts.loc[1950].to_dict() == {"peace_agreement": 1, "ceasefire": 1, "victory": 0, "low_activity": 0,
                                          "actor_ceased": 0}
    assert counts.loc[1960].sum() == 0 and counts.loc[1970, "ceasefire"] == 1
    assert int(counts.to_numpy().sum()) == 4


def test_summaries_of_the_reference_table_agree_with_a_plain_count_of_the_file():
    """The counts against the CSV read line by line with the csv module, not through parley's loader or pandas."""
    with open(TABLE, newline="", encoding="utf-8-sig") as handle:
        rows = [row for row in csv.DictReader(handle)]
    ended = [row for row in rows if row["outcome"] != "ongoing"]
    table = outcomes.load_outcomes(TABLE)
    rate = outcomes.base_rate_without_treaty(table)
    assert (rate["wars"], rate["without_treaty"]) == (len(ended), sum(row["peace_treaty"] == "no" for row in ended))
    assert rate["share"] == pytest.approx(rate["without_treaty"] / len(ended))
    by_outcome = outcomes.by_outcome(table)
    assert {k: v for k, v in by_outcome.items() if v} == {k: sum(r["outcome"] == k for r in ended)
                                                          for k in {r["outcome"] for r in ended}}
    assert int(outcomes.decade_counts(table).to_numpy().sum()) == len(ended)


def test_outcomes_chart_stacks_decades():
    fig = prospects.outcomes_chart(outcomes.load_outcomes(TABLE))
    assert fig.layout.barmode == "stack" and fig.layout.title.text
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert sum(sum(t.y) for t in fig.data) == outcomes.base_rate_without_treaty(outcomes.load_outcomes(TABLE))["wars"]
    assert any(a.text.startswith("Source:") for a in fig.layout.annotations)
