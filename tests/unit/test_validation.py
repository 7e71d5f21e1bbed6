"""One test per validation rule: a broken copy of a real conflict must fail at the right file:line: column."""

from __future__ import annotations

import pytest
from conftest import KOREA, ROOT, RUSSIA_UKRAINE, set_cell

from parley.analysis.forecast import forecast
from parley.data import schema, sources
from parley.data.load import load_conflict
from parley.errors import DataError

# (file, data row, column, bad value, expected column in the error, message fragment)
CELL_CASES = [
    ("actors.csv", 1, "kind", "empire", "kind", "must be one of: state, bloc"),
    ("actors.csv", 0, "color", "#12345", "color", "hex colour"),
    ("actors.csv", 2, "capability", "lots", "capability", "must be a number, got 'lots'"),
    ("actors.csv", 2, "capability", "101", "capability", "from 0 to 100"),
    ("actors.csv", 1, "actor_id", "unc", "actor_id", "duplicate value 'unc'"),
    ("actors.csv", 0, "actor_id", "UN Command", "actor_id", "must be an id"),
    ("actors.csv", 0, "name", "", "name", "required value is missing"),
    ("issues.csv", 0, "scale_low", "", "scale_low", "required value is missing"),
    ("events.csv", 3, "date", "1951-02-30", "date", "real date"),
    ("events.csv", 3, "date", "25/05/1951", "date", "YYYY-MM-DD"),
    ("events.csv", 4, "end_date", "1900-01-01", "end_date", "is before date"),
    ("events.csv", 5, "category", "battle", "category", "must be one of: negotiation"),
    ("events.csv", 6, "importance", "4", "importance", "must be 1, 2 or 3"),
    ("events.csv", 6, "importance", "two", "importance", "whole number"),
    ("events.csv", 7, "actors", "unc;ussr", "actors", "unknown actor id 'ussr'"),
    ("events.csv", 7, "actors", "unc;", "actors", "no trailing ';'"),
    ("events.csv", 8, "issues", "armistice", "issues", "unknown issue id 'armistice'"),
    ("events.csv", 9, "source", "", "source", "required value is missing"),
    ("events.csv", 9, "source_url", "javascript:alert(1)", "source_url", "http:// or https://"),
    ("events.csv", 10, "title", "=cmd|' /C calc'!A0", "title", "spreadsheet formula"),
    ("events.csv", 11, "date_precision", "week", "date_precision", "day, month, year"),
    ("events.csv", 1, "event_id", "1950-06-25-north-korea-invades-south", "event_id", "duplicate value"),
    ("positions.csv", 2, "position", "NaN", "position", "must be a number, got 'NaN'"),
    ("positions.csv", 2, "position", "inf", "position", "from 0 to 100"),
    ("positions.csv", 3, "salience", "-5", "salience", "from 0 to 100"),
    ("positions.csv", 4, "actor_id", "ussr", "actor_id", "unknown actor id 'ussr'"),
    ("positions.csv", 4, "issue_id", "armistice", "issue_id", "unknown issue id 'armistice'"),
    ("positions.csv", 5, "statement", "", "statement", "required value is missing"),
]


@pytest.mark.parametrize("file,row,column,value,expected_column,fragment", CELL_CASES,
                         ids=[f"{c[0]}:{c[2]}={c[3]!r}" for c in CELL_CASES])
def test_each_rule_names_file_line_and_column(korea_copy, file, row, column, value, expected_column, fragment):
    set_cell(korea_copy / file, row, column, value)
    with pytest.raises(DataError) as caught:
        load_conflict(korea_copy)
    located = [p for p in caught.value.problems if p.file == f"korea-1950/{file}" and p.line == row + 2
               and p.column == expected_column]
    assert located, f"no problem at {file}:{row + 2}: {expected_column}; got {caught.value}"
    assert any(fragment in p.message for p in located), str(caught.value)


def test_every_problem_is_listed_not_only_the_first(korea_copy):
    set_cell(korea_copy / "events.csv", 0, "date", "1950-13-01")
    set_cell(korea_copy / "events.csv", 2, "category", "war")
    set_cell(korea_copy / "positions.csv", 0, "salience", "300")
    with pytest.raises(DataError) as caught:
        load_conflict(korea_copy)
    where = {(p.file, p.line, p.column) for p in caught.value.problems}
    assert {("korea-1950/events.csv", 2, "date"), ("korea-1950/events.csv", 4, "category"),
            ("korea-1950/positions.csv", 2, "salience")} <= where


def test_duplicate_position_key(korea_copy):
    lines = (korea_copy / "positions.csv").read_text(encoding="utf-8").splitlines()
    (korea_copy / "positions.csv").write_text("\n".join(lines + [lines[3]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_conflict(korea_copy)
    assert any(p.line == len(lines) + 1 and "first on line 4" in p.message for p in caught.value.problems)


@pytest.mark.parametrize("content,fragment", [
    (b"", "is empty (0 bytes)"),
    (b"event_id,date\n", "required column is missing"),
    ("caf\xe9".encode("latin-1") + b",x\n", "is not UTF-8"),
])
def test_unreadable_files(korea_copy, content, fragment):
    (korea_copy / "events.csv").write_bytes(content)
    with pytest.raises(DataError) as caught:
        load_conflict(korea_copy)
    assert any(p.file == "korea-1950/events.csv" and fragment in p.message for p in caught.value.problems), str(caught.value)


def test_header_only_wrong_delimiter_and_duplicate_header(korea_copy):
    header = ",".join(schema.EVENTS.columns)
    (korea_copy / "events.csv").write_text(header + "\n", encoding="utf-8")
    (korea_copy / "positions.csv").write_text(";".join(schema.POSITIONS.columns) + "\nx;y\n", encoding="utf-8")
    (korea_copy / "issues.csv").write_text("issue_id,name,name,scale_low,scale_high,description\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_conflict(korea_copy)
    text = str(caught.value)
    assert "korea-1950/events.csv:1: -: has a header but no rows" in text
    assert "korea-1950/positions.csv:1: -: is separated by semicolons" in text
    assert "korea-1950/issues.csv:1: name: appears twice in the header" in text


def test_line_numbers_follow_quoted_newlines(korea_copy):
    set_cell(korea_copy / "events.csv", 0, "description", "first line\nsecond line\nthird line")
    set_cell(korea_copy / "events.csv", 1, "category", "war")
    with pytest.raises(DataError) as caught:
        load_conflict(korea_copy)
    assert [(p.line, p.column) for p in caught.value.problems] == [(5, "category")]


def test_bom_and_crlf_are_accepted(korea_copy):
    before = load_conflict(korea_copy)
    path = korea_copy / "events.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    after = load_conflict(korea_copy)
    assert after.events.drop(columns=[]).equals(before.events)


def test_conflict_toml_rules(korea_copy):
    (korea_copy / "conflict.toml").write_text('id = "../evil"\nname = "x"\nstart = 1950-02-30\n', encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_conflict(korea_copy)
    text = str(caught.value)
    assert "korea-1950/conflict.toml:3: -: is not valid TOML" in text


def test_conflict_toml_bad_values(korea_copy):
    (korea_copy / "conflict.toml").write_text(
        'id = "../evil"\nname = "x"\nsummary = "s"\nstart = "1950-02-30"\ndefault_actors = ["ussr"]\n', encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_conflict(korea_copy)
    text = str(caught.value)
    assert "conflict.toml:1: id: must be an id" in text
    assert "conflict.toml:4: start: must be a real date" in text


def test_bundled_data_is_valid_and_meets_the_counts():
    conflict = load_conflict(RUSSIA_UKRAINE)
    assert {"russia", "ukraine", "eu", "us"} <= set(conflict.actors["actor_id"])
    assert {"territory", "elections", "ceasefire", "sanctions", "military_aid", "security_guarantees"} <= set(conflict.issues["issue_id"])
    assert len(conflict.events) >= 60
    assert conflict.events["date"].min().year == 2014
    assert conflict.events["source"].notna().all() and conflict.positions["source"].notna().all()
    per_pair = conflict.positions.groupby(["actor_id", "issue_id"]).size()
    for actor in ("russia", "ukraine", "eu", "us"):
        for issue in conflict.issues["issue_id"]:
            assert per_pair.get((actor, issue), 0) >= 2, (actor, issue)
    moved = conflict.positions.groupby(["actor_id", "issue_id"])["position"].nunique()
    assert (moved > 1).sum() >= 12  # stances visibly move


def test_fixture_with_1950s_dates_loads():
    conflict = load_conflict(KOREA)
    assert conflict.events["date"].min().year == 1950
    assert str(conflict.events["date"].dtype).startswith("datetime64")


def test_generated_docs_are_current():
    from conftest import ROOT
    assert (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8") == schema.markdown_docs(), \
        "run: make docs"


# --- influence.csv (optional) -------------------------------------------------------------------

INFLUENCE_FIXTURE = KOREA.parent / "influence" / "korea-1950.csv"


def test_a_folder_without_influence_csv_still_validates(korea_copy):
    assert not (korea_copy / "influence.csv").exists()
    conflict = load_conflict(korea_copy)
    assert conflict.influence.empty and list(conflict.influence.columns) == list(schema.INFLUENCE.columns)


def test_influence_csv_loads_and_replaces_capability_per_issue(korea_copy):
    from parley.analysis import bargaining
    (korea_copy / "influence.csv").write_bytes(INFLUENCE_FIXTURE.read_bytes())
    conflict = load_conflict(korea_copy)
    assert len(conflict.influence) == 3 and conflict.influence["influence"].dtype == float
    data = bargaining.inputs_at(conflict, "1953-07-27").set_index(["actor_id", "issue_id"])
    assert list(data.reset_index().columns) == bargaining.INPUT_COLUMNS
    assert data.loc[("south_korea", "pow_repatriation"), ["capability", "weight_source"]].tolist() == [95, "influence"]
    assert data.loc[("unc", "pow_repatriation"), ["capability", "weight_source"]].tolist() == [20, "influence"]
    assert data.loc[("unc", "demarcation_line"), ["capability", "weight_source"]].tolist() == [85, "capability"]
    assert data.loc[("china", "demarcation_line"), "capability"] == 0
    result = forecast(conflict, "1953-07-27", draws=0)
    assert result["issues"]["pow_repatriation"]["actors"]["south_korea"]["weight_source"] == "influence"
    assert result["issues"]["demarcation_line"]["actors"]["china"]["weight_share"] == 0


INFLUENCE_CASES = [
    (0, "actor_id", "ussr", "actor_id", "unknown actor id 'ussr'"),
    (0, "issue_id", "armistice", "issue_id", "unknown issue id 'armistice'"),
    (1, "influence", "120", "influence", "from 0 to 100"),
    (1, "influence", "much", "influence", "must be a number"),
    (2, "veto", "yes", "veto", "must be one of: true, false"),
    (2, "rationale", "", "rationale", "required value is missing"),
]


@pytest.mark.parametrize("row,column,value,expected_column,fragment", INFLUENCE_CASES,
                         ids=[f"{c[1]}={c[2]!r}" for c in INFLUENCE_CASES])
def test_influence_errors_name_file_line_and_column(korea_copy, row, column, value, expected_column, fragment):
    (korea_copy / "influence.csv").write_bytes(INFLUENCE_FIXTURE.read_bytes())
    set_cell(korea_copy / "influence.csv", row, column, value)
    with pytest.raises(DataError) as caught:
        load_conflict(korea_copy)
    located = [p for p in caught.value.problems if p.file == "korea-1950/influence.csv" and p.line == row + 2
               and p.column == expected_column]
    assert any(fragment in p.message for p in located), str(caught.value)


def test_one_influence_row_per_actor_and_issue(korea_copy):
    (korea_copy / "influence.csv").write_bytes(INFLUENCE_FIXTURE.read_bytes())
    set_cell(korea_copy / "influence.csv", 1, "actor_id", "south_korea")
    with pytest.raises(DataError) as caught:
        load_conflict(korea_copy)
    assert [str(p) for p in caught.value.problems] == ["korea-1950/influence.csv:3: issue_id: second influence row "
                                                       "of south_korea on pow_repatriation in force on the same days (first on line 2); "
                                                       "give both rows valid_from and periods that do not overlap"]




def test_grade_definitions_in_the_docs_come_from_the_schema():
    assert tuple(schema.SOURCE_TYPE_DEFINITIONS) == schema.SOURCE_TYPES == (
        "official", "wire", "major", "specialist", "regional", "party_media", "other")
    grades = schema.source_grades_markdown()
    for grade in schema.SOURCE_TYPES:
        assert f"| `{grade}` |" in grades
    assert grades in (ROOT / "docs" / "sourcing.md").read_text(encoding="utf-8"), \
        "paste `python -m parley schema-docs --grades` into docs/sourcing.md"
    assert grades in schema.markdown_docs()


def test_sourcing_doc_states_the_audit_constants():
    doc = (ROOT / "docs" / "sourcing.md").read_text(encoding="utf-8")
    assert f"more than {sources.SHARED_URL_DAYS} days apart** (`SHARED_URL_DAYS`)" in doc
    assert f"more than {sources.MAX_SOURCE_DAYS} days** (`MAX_SOURCE_DAYS`)" in doc
    assert f"by more than {sources.TIMEZONE_DAYS} day (`TIMEZONE_DAYS`)" in doc
