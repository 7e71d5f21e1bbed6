"""ACLED and UCDP GED import (issue 5): mapping, aliases, re-import, awkward and bad rows, aggregates, charts.

Every export here is synthetic (benchmarks/make_synthetic.py): neither dataset may be committed.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import polars as pl
import pytest

from parley.cli import main
from parley.data import imported, schema
from parley.data.importers import IMPORTED_FILE, acled, common, import_acled, import_ucdp_ged, mapping_markdown, tables, ucdp
from parley.data.periods import month
from parley.errors import DataError, UsageError
from parley.report import imported_charts, imported_section

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("make_synthetic", ROOT / "benchmarks" / "make_synthetic.py")
synthetic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synthetic)

ALIASES = """alias,actor_id
Military Forces of Russia (2000-),russia
military forces of   UKRAINE (2019-),ukraine
Government of Ukraine (2019-),ukraine
Government of Russia (2000-),russia
Military Forces of Belarus (1994-),belarus
Government of Russia (Soviet Union),russia
Government of Ukraine,ukraine
"""
N = 700  # enough rows for every awkward kind of synthetic row to occur


@pytest.fixture
def folder(tmp_path) -> Path:
    target = tmp_path / "russia-ukraine"
    target.mkdir()
    shutil.copy(ROOT / "data" / "russia-ukraine" / "actors.csv", target / "actors.csv")
    (target / "actor_aliases.csv").write_text(ALIASES, encoding="utf-8")
    return target


@pytest.fixture
def acled_file(tmp_path) -> Path:
    return synthetic.write("acled", N, tmp_path / "acled.csv", seed=3)


@pytest.fixture
def ucdp_file(tmp_path) -> Path:
    return synthetic.write("ucdp-ged", N, tmp_path / "ged.csv", seed=4)


def rows_of(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    return path


def line_of(path: Path, record: int) -> int:
    """The line record ``record`` (0 = first after the header) starts on, counted independently."""
    text = path.read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    end = 0
    for index, _ in enumerate(reader, start=-1):
        if index == record:
            return end + 1
        end = reader.line_num
    raise AssertionError("no such record")


def stored(folder: Path) -> pl.DataFrame:
    return pl.read_parquet(folder / IMPORTED_FILE)


# --- mapping ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("event_type", "sub_event_type", "category"), [
    ("Strategic developments", "Agreement", "agreement"),
    ("Strategic developments", "Non-violent transfer of territory", "territorial"),
    ("Strategic developments", "Arrests", "political"),
    ("Strategic developments", "Disrupted weapons use", "military"),
    ("Strategic developments", "Headquarters or base established", "military"),
    ("Strategic developments", "Change to group/activity", "other"),
    ("Strategic developments", "Looting/property destruction", "other"),
    ("Strategic developments", "Other", "other"),
    ("Battles", "Armed clash", "military"),
    ("Battles", "Government regains territory", "military"),
    ("Battles", "Non-state actor overtakes territory", "military"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "military"),
    ("Explosions/Remote violence", "Air/drone strike", "military"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", "military"),
    ("Violence against civilians", "Attack", "humanitarian"),
    ("Violence against civilians", "Abduction/forced disappearance", "humanitarian"),
    ("Violence against civilians", "Sexual violence", "humanitarian"),
    ("Protests", "Peaceful protest", "political"),
    ("Protests", "Excessive force against protesters", "political"),
    ("Riots", "Violent demonstration", "political"),
    ("Riots", "Mob violence", "political"),
    ("Battles", "A sub-event type ACLED adds later", "military"),  # new sub-event: the event type's category
])
def test_acled_category_mapping(event_type, sub_event_type, category):
    assert acled.category_of(event_type, sub_event_type) == category


def test_acled_mapping_is_complete_and_documented():
    assert acled.category_of("Parades", "Peaceful protest") is None  # unknown event type: an error at import
    every = set(acled.EVENT_TYPES.values()) | set(acled.SUB_EVENT_TYPES.values()) | {c for _, c in ucdp.VIOLENCE.values()}
    assert every <= set(schema.CATEGORIES)
    docs = mapping_markdown()
    for (event_type, sub_event_type), category in acled.SUB_EVENT_TYPES.items():
        assert f"| {event_type} | {sub_event_type} | {category} |" in docs
        assert sub_event_type in acled.__doc__
    assert "Violence against civilians" in acled.__doc__ and "humanitarian" in acled.__doc__


def test_acled_category_when_sub_event_types_are_ambiguous(folder, acled_file, tmp_path):
    # the same sub-event type under two event types (not ACLED's scheme, but possible in an edited export)
    header, rows = rows_of(acled_file)
    rows[0][header.index("event_type")], rows[0][header.index("sub_event_type")] = "Violence against civilians", "Armed clash"
    rows[1][header.index("event_type")], rows[1][header.index("sub_event_type")] = "Battles", "Armed clash"
    rows[2][header.index("event_type")], rows[2][header.index("sub_event_type")] = "Riots", ""
    import_acled(write_rows(tmp_path / "odd.csv", header, rows), folder)
    table = stored(folder)
    assert [table.filter(pl.col("original_id") == rows[i][0])["category"].item() for i in range(3)] == \
        ["humanitarian", "military", "political"]


@pytest.mark.parametrize(("code", "category"), [("1", "military"), ("2", "military"), ("3", "humanitarian"), ("4", None)])
def test_ucdp_category_mapping(code, category):
    assert ucdp.category_of(code) == category


def test_acled_rows_are_mapped(folder, acled_file):
    header, rows = rows_of(acled_file)
    report = import_acled(acled_file, folder)
    assert report.counts == {"added": N, "updated": 0, "removed": 0, "unchanged": 0} and report.written
    table = stored(folder)
    assert table.columns == list(tables.COLUMNS) and table.height == N
    first = dict(zip(header, rows[0]))
    row = table.filter(pl.col("original_id") == first["event_id_cnty"]).row(0, named=True)
    assert row["event_id"] == "acled:" + first["event_id_cnty"] and row["origin"] == "acled"
    assert row["date"].isoformat() == first["event_date"]
    assert row["date_precision"] == {"1": "day", "2": "week", "3": "month"}[first["time_precision"]]
    assert (row["event_type"], row["sub_event_type"]) == (first["event_type"], first["sub_event_type"])
    assert row["category"] == acled.category_of(first["event_type"], first["sub_event_type"])
    assert (row["actor1"], row["admin1"], row["location"]) == (first["actor1"], first["admin1"], first["location"])
    assert row["latitude"] == float(first["latitude"]) and row["longitude"] == float(first["longitude"])
    assert row["fatalities"] == int(first["fatalities"]) and row["fatalities_low"] is None
    assert row["source"] == first["source"] and row["notes"] == first["notes"]
    # every row's category follows the documented table
    expected = [acled.category_of(dict(zip(header, r))["event_type"], dict(zip(header, r))["sub_event_type"]) for r in rows]
    assert table.sort("original_id")["category"].to_list() == [c for _, c in sorted(zip([r[0] for r in rows], expected))]


def test_acled_older_date_style(folder, tmp_path):
    path = synthetic.write("acled", 50, tmp_path / "old.csv", seed=5, date_style="text")
    header, rows = rows_of(path)
    assert not rows[0][header.index("event_date")][:4].isdigit()  # "15 March 2024"
    import_acled(path, folder)
    table = stored(folder)
    assert table["date"].null_count() == 0
    first = table.filter(pl.col("original_id") == rows[0][0]).row(0, named=True)
    assert f"{first['date'].day} {first['date']:%B %Y}" == rows[0][header.index("event_date")]


def test_ucdp_rows_are_mapped(folder, ucdp_file):
    header, rows = rows_of(ucdp_file)
    report = import_ucdp_ged(ucdp_file, folder)
    assert report.added == N
    table = stored(folder)
    assert set(table["origin"]) == {"ucdp-ged"} and table["event_id"].str.starts_with("ucdp:").all()
    for raw in rows[:50]:
        r = dict(zip(header, raw))
        row = table.filter(pl.col("original_id") == r["id"]).row(0, named=True)
        assert row["category"] == {"1": "military", "2": "military", "3": "humanitarian"}[r["type_of_violence"]]
        assert row["event_type"] == ucdp.VIOLENCE[r["type_of_violence"]][0]
        assert (row["fatalities"], row["fatalities_low"], row["fatalities_high"]) == (int(r["best"]), int(r["low"]), int(r["high"]))
        assert row["date"].isoformat() == r["date_start"][:10]
        assert (row["end_date"] is None) == (r["date_start"][:10] == r["date_end"][:10])
        assert row["date_precision"] == ucdp.PRECISIONS[r["date_prec"]]
        assert (row["actor1"], row["actor2"]) == (r["side_a"], r["side_b"] or None)
        assert (row["admin1"], row["source"], row["notes"]) == (r["adm_1"], r["source_article"], r["where_description"])
        assert row["location"] == r["where_coordinates"]


# --- actors -----------------------------------------------------------------------------------

def test_aliases_map_actors_and_unmapped_are_listed(folder, acled_file):
    report = import_acled(acled_file, folder)
    table = stored(folder)
    russia_first = table.filter(pl.col("actor1") == "Military Forces of Russia (2000-)")
    assert russia_first["actors"].str.split(";").list.first().eq("russia").all()
    # matched ignoring case and repeated spaces
    assert table.filter(pl.col("actor1") == "Military Forces of Ukraine (2019-)")["actors"].str.contains("ukraine").all()
    # associated actors map too, without duplicates
    belarus = table.filter(pl.col("assoc_actors").str.contains("Belarus", literal=True))
    assert belarus.height and belarus["actors"].str.contains("belarus").all()
    assert all(len(ids.split(";")) == len(set(ids.split(";"))) for ids in table["actors"].drop_nulls())
    # unmapped: listed with row counts, kept as written, never dropped
    naming = (pl.col("actor1") == "Civilians (Ukraine)") | (pl.col("actor2") == "Civilians (Ukraine)") | \
        pl.col("assoc_actors").str.contains("Civilians (Ukraine)", literal=True)
    assert report.unmapped["Civilians (Ukraine)"] == table.filter(naming.fill_null(False)).height  # rows, not mentions
    assert "Wagner Group" in report.unmapped and "Military Forces of Russia (2000-)" not in report.unmapped
    assert table.filter(pl.col("actor1") == "Protesters (Ukraine)")["actors"].is_null().all()
    text = report.text()
    assert "unmapped actors: " in text and "Civilians (Ukraine)" in text and "actor_aliases.csv" in text


def test_without_alias_file_every_actor_is_unmapped(folder, acled_file):
    (folder / "actor_aliases.csv").unlink()
    report = import_acled(acled_file, folder)
    assert "Military Forces of Russia (2000-)" in report.unmapped
    assert stored(folder)["actors"].is_null().all()


def test_alias_ids_are_checked_against_actors(folder, acled_file):
    (folder / "actor_aliases.csv").write_text(ALIASES + "Wagner Group,wagner\nWAGNER  group,russia\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        import_acled(acled_file, folder)
    text = str(caught.value)
    assert "russia-ukraine/actor_aliases.csv:9: actor_id: unknown actor id 'wagner'; not in actors.csv" in text
    assert "russia-ukraine/actor_aliases.csv:10: alias: 'WAGNER  group' is already mapped to 'wagner' on line 9" in text
    assert not (folder / IMPORTED_FILE).exists()


def test_alias_file_schema(folder, acled_file):
    (folder / "actor_aliases.csv").write_text("alias,actor_id\nSomeone,Not An Id\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"actor_aliases.csv:2: actor_id: must be an id"):
        import_acled(acled_file, folder)


# --- re-import --------------------------------------------------------------------------------

def test_reimport_adds_updates_removes(folder, acled_file, tmp_path):
    header, rows = rows_of(acled_file)
    import_acled(acled_file, folder)
    fat = header.index("fatalities")
    changed = [list(r) for r in rows]
    for r in changed[:5]:
        r[fat] = str(int(r[fat]) + 7)                       # 5 updated
    changed[5][header.index("notes")] += " (corrected)"     # 1 more updated
    del changed[100:110]                                    # 10 removed
    extra = [list(r) for r in rows[200:203]]
    for i, r in enumerate(extra):
        r[0] = f"UKRNEW{i}"                                 # 3 added
    second = write_rows(tmp_path / "second.csv", header, changed + extra)
    report = import_acled(second, folder)
    assert report.counts == {"added": 3, "updated": 6, "removed": 10, "unchanged": N - 16}
    table = stored(folder)
    assert table.height == N - 10 + 3
    assert table.filter(pl.col("original_id") == rows[0][0])["fatalities"].item() == int(rows[0][fat]) + 7
    assert table.filter(pl.col("original_id") == rows[100][0]).height == 0
    assert table.filter(pl.col("original_id") == "UKRNEW0").height == 1


def test_importing_the_same_file_twice_changes_nothing(folder, acled_file, ucdp_file):
    import_acled(acled_file, folder)
    import_ucdp_ged(ucdp_file, folder)
    before = (folder / IMPORTED_FILE).read_bytes()
    for importer, path in ((import_acled, acled_file), (import_ucdp_ged, ucdp_file)):
        report = importer(path, folder)
        assert report.counts == {"added": 0, "updated": 0, "removed": 0, "unchanged": N}
        assert not report.written and "nothing changed" in report.text()
    assert (folder / IMPORTED_FILE).read_bytes() == before
    assert not list(folder.glob(".*tmp"))


def test_origins_are_kept_apart(folder, acled_file, ucdp_file, tmp_path):
    import_ucdp_ged(ucdp_file, folder)
    import_acled(acled_file, folder)
    header, rows = rows_of(acled_file)
    report = import_acled(write_rows(tmp_path / "fewer.csv", header, rows[:10]), folder)
    assert report.removed == N - 10           # only ACLED rows go
    table = stored(folder)
    assert table.filter(pl.col("origin") == "ucdp-ged").height == N
    assert table.filter(pl.col("origin") == "acled").height == 10
    # the curated events are never touched
    assert not (folder / "events.csv").exists()


def test_write_is_atomic(folder, acled_file, tmp_path, monkeypatch):
    import_acled(acled_file, folder)
    before = (folder / IMPORTED_FILE).read_bytes()
    header, rows = rows_of(acled_file)
    smaller = write_rows(tmp_path / "smaller.csv", header, rows[:20])

    def broken(table, file, **kwargs):
        Path(file).write_bytes(b"half a file")
        raise OSError("disk full")
    monkeypatch.setattr(common.pq, "write_table", broken)
    with pytest.raises(OSError):
        import_acled(smaller, folder)
    assert (folder / IMPORTED_FILE).read_bytes() == before
    assert not list(folder.glob(".*tmp"))


# --- awkward rows -----------------------------------------------------------------------------

def test_awkward_rows_are_kept_as_inert_text(folder, acled_file):
    header, rows = rows_of(acled_file)
    import_acled(acled_file, folder)
    table = stored(folder)
    by_id = {r["original_id"]: r for r in table.iter_rows(named=True)}
    notes, actor2 = header.index("notes"), header.index("actor2")
    seen = set()
    for raw in rows:
        row = by_id[raw[0]]
        assert row["notes"] == raw[notes]                        # byte for byte, whatever it holds
        assert row["actor2"] == (raw[actor2] or None)
        if "\r\n" in raw[notes]:
            seen.add("crlf")
        elif "\n" in raw[notes]:
            seen.add("newline")
        if "<script>" in raw[notes]:
            seen.add("markup")
        if raw[notes].startswith(("=", "@", "+", "-")):
            seen.add("formula")
        if not raw[actor2]:
            seen.add("empty actor2")
        if "Харків" in raw[header.index("location")]:
            seen.add("cyrillic")
    assert seen == {"crlf", "newline", "markup", "formula", "empty actor2", "cyrillic"}


def test_data_text_is_escaped_in_charts_and_summary(folder, acled_file, tmp_path):
    header, rows = rows_of(acled_file)
    evil = '<img src=x onerror=alert(1)>'
    for r in rows:
        r[header.index("admin1")] = evil
        r[header.index("event_date")] = "2025-05-10"
    import_acled(write_rows(tmp_path / "evil.csv", header, rows), folder)
    result = imported_section.imported_figures(folder, "2025-05-01", "2025-05-31")
    html = imported_section.summary_html(result, "May 2025")
    assert evil not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    fig = result["figures"][0]
    assert evil not in fig.to_json() and "&lt;img" in fig.data[0].text[0]


def test_rows_with_blank_lines_between(folder, acled_file, tmp_path):
    text = acled_file.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "blank.csv"
    path.write_text(text[0] + "\n" + "".join(text[1:5]) + "\n\n" + "".join(text[5:]), encoding="utf-8")
    assert import_acled(path, folder).added == N


# --- bad rows ---------------------------------------------------------------------------------

def test_bad_rows_are_located_and_nothing_is_written(folder, acled_file, tmp_path):
    header, rows = rows_of(acled_file)
    col = header.index
    edits = {4: ("event_date", "2024-13-45"), 120: ("latitude", "north"), 130: ("fatalities", "-3"),
             140: ("event_type", "Parades"), 150: ("longitude", "200"), 160: ("event_id_cnty", rows[159][0]),
             170: ("time_precision", "9"), 180: ("fatalities", "")}
    for record, (column, value) in edits.items():
        rows[record][col(column)] = value
    bad = write_rows(tmp_path / "bad.csv", header, rows)
    with pytest.raises(DataError) as caught:
        import_acled(bad, folder)
    problems = {(p.line, p.column): p.message for p in caught.value.problems}
    expected = {
        4: "must be a date like 2024-03-15 or 15 March 2024, got '2024-13-45'",
        120: "must be a number, got 'north'",
        130: "must be a whole number, 0 or more, got '-3'",
        140: "unknown ACLED event type",
        150: "must be a longitude from -180 to 180, got '200'",
        160: "duplicate id",
        170: "must be 1 (day), 2 (week) or 3 (month), got '9'",
        180: "required value is missing",
    }
    for record, message in expected.items():
        key = (line_of(bad, record), edits[record][0])
        assert key in problems and problems[key].startswith(message), (key, problems)
    assert (line_of(bad, 159), "event_id_cnty") in problems      # both copies of the duplicate
    assert line_of(bad, 150) > 151                                 # quoted newlines before it were counted
    assert all(str(p).startswith(f"{bad}:") for p in caught.value.problems)
    assert not (folder / IMPORTED_FILE).exists()


def test_many_bad_rows_are_summarised(folder, acled_file, tmp_path):
    header, rows = rows_of(acled_file)
    for r in rows[:100]:
        r[header.index("latitude")] = "?"
    with pytest.raises(DataError) as caught:
        import_acled(write_rows(tmp_path / "bad.csv", header, rows), folder)
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 11 and "and 90 more rows: must be a number" in messages


def test_ucdp_bad_rows(folder, ucdp_file, tmp_path):
    header, rows = rows_of(ucdp_file)
    rows[3][header.index("type_of_violence")] = "7"
    rows[8][header.index("low")] = str(int(rows[8][header.index("best")]) + 5)
    rows[9][header.index("date_end")] = "2000-01-01 00:00:00.000"
    bad = write_rows(tmp_path / "bad.csv", header, rows)
    with pytest.raises(DataError) as caught:
        import_ucdp_ged(bad, folder)
    found = {(p.line, p.column) for p in caught.value.problems}
    assert {(line_of(bad, 3), "type_of_violence"), (line_of(bad, 8), "low"), (line_of(bad, 9), "date_end")} <= found


def test_structural_problems(folder, acled_file, tmp_path):
    header, rows = rows_of(acled_file)
    text = acled_file.read_text(encoding="utf-8")
    # an unquoted comma shifts the fields after it: the values that no longer fit are reported, and the row's width
    shifted = rows[6][:header.index("location")] + ["Kharkiv", "city"] + rows[6][header.index("location") + 1:]
    lines = text.split("\n")
    target = line_of(acled_file, 6)
    lines[target - 1] = ",".join(f'"{v}"' if ("," in v or '"' in v) else v for v in shifted[:-1]) + "," + shifted[-1]
    broken = tmp_path / "comma.csv"
    broken.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        import_acled(broken, folder)
    found = {(p.line, p.column): p.message for p in caught.value.problems}
    assert found[(target, "-")] == "has 32 fields where the header has 31 (an unquoted comma?)"
    assert found[(target, "latitude")] == "must be a number, got 'city'"
    # extra fields after the last column are ignored (the values read are intact)
    lines = acled_file.read_bytes().split(b"\n")
    lines[2] = lines[2] + b",extra,fields"
    trailing = tmp_path / "trailing.csv"
    trailing.write_bytes(b"\n".join(lines))
    assert import_acled(trailing, folder).rows == N
    # a quote left open and bytes that are not UTF-8 stop the fast reader: an exact pass locates them
    lines = acled_file.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b"Ukraine", b"Ukr\xffaine", 1)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"\n".join(lines))
    with pytest.raises(DataError, match=r"latin.csv:5: -: is not UTF-8 \(byte 0xff\)"):
        import_acled(latin, folder)
    lines = acled_file.read_bytes().split(b"\n")
    lines[-3] = lines[-3].replace(b",National,", b',"National,', 1)
    open_quote = tmp_path / "quote.csv"
    open_quote.write_bytes(b"\n".join(lines))
    with pytest.raises(DataError, match=r"quote.csv:\d+: -: is not valid CSV"):
        import_acled(open_quote, folder)


def test_header_problems(folder, acled_file, ucdp_file, tmp_path):
    with pytest.raises(DataError, match=r"ged.csv:1: event_id_cnty: required column is missing from the header \(is this a ACLED export\?\)"):
        import_acled(ucdp_file, folder)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="is empty"):
        import_acled(empty, folder)
    only_header = tmp_path / "header.csv"
    only_header.write_text(",".join(synthetic.ACLED_COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="has a header but no rows"):
        import_acled(only_header, folder)
    with pytest.raises(UsageError):
        import_acled(tmp_path / "missing.csv", folder)
    with pytest.raises(UsageError):
        import_acled(acled_file, tmp_path / "no-such-folder")


# --- command line -----------------------------------------------------------------------------

def test_cli_import(folder, acled_file, ucdp_file, capsys):
    assert main(["import", "acled", str(acled_file), "--into", str(folder)]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"added +{N}\n", out) and re.search(r"removed +0\n", out) and "Civilians (Ukraine)" in out
    assert main(["import", "ucdp-ged", str(ucdp_file), "--into", str(folder)]) == 0
    assert main(["import", "acled", str(acled_file), "--into", str(folder)]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"unchanged +{N}\n", out) and "nothing changed" in out


def test_cli_import_error_exit(folder, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(synthetic.ACLED_COLUMNS) + "\n" + ",".join(["x"] * len(synthetic.ACLED_COLUMNS)) + "\n", encoding="utf-8")
    assert main(["import", "acled", str(bad), "--into", str(folder)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2: event_date: must be a date" in err and "nothing was imported" in err


# --- generator --------------------------------------------------------------------------------

def test_generator_is_deterministic(tmp_path):
    a = synthetic.write("acled", 300, tmp_path / "a.csv", seed=9).read_bytes()
    b = synthetic.write("acled", 300, tmp_path / "b.csv", seed=9).read_bytes()
    c = synthetic.write("acled", 300, tmp_path / "c.csv", seed=10).read_bytes()
    assert a == b != c
    header, rows = rows_of(tmp_path / "a.csv")
    assert tuple(header) == synthetic.ACLED_COLUMNS and len(rows) == 300
    header, _ = rows_of(synthetic.write("ucdp-ged", 5, tmp_path / "g.csv"))
    assert {"id", "relid", "type_of_violence", "best", "low", "high", "date_prec"} <= set(header)


# --- aggregates and charts --------------------------------------------------------------------

def test_load_imported(folder, acled_file, ucdp_file):
    assert imported.load_imported(folder) is None
    import_acled(acled_file, folder)
    import_ucdp_ged(ucdp_file, folder)
    frame = imported.load_imported(folder)
    assert list(frame.columns) == list(imported.NEEDED) and len(frame) == 2 * N
    assert str(frame["date"].dtype) == "datetime64[s]"
    part = imported.load_imported(folder, ("date", "fatalities"), start="2024-01-01", end="2024-06-30", origins=("acled",))
    assert list(part.columns) == ["date", "fatalities"]
    assert part["date"].between(pd.Timestamp("2024-01-01"), pd.Timestamp("2024-06-30")).all()
    everything = stored(folder)
    expected = everything.filter((pl.col("origin") == "acled") & pl.col("date").is_between(pd.Timestamp("2024-01-01").date(),
                                                                                              pd.Timestamp("2024-06-30").date()))
    assert len(part) == expected.height


def _events() -> pd.DataFrame:
    return pd.DataFrame({
        "origin": ["acled", "acled", "acled", "acled", "ucdp-ged"],
        "date": pd.to_datetime(["2025-05-05", "2025-05-07", "2025-05-20", "2025-05-21", "2025-05-06"]).astype("datetime64[s]"),
        "category": ["military", "political", "military", "military", "military"],
        "admin1": ["Kharkiv", "Kharkiv", "Donetsk", None, "Kharkiv"],
        "latitude": [50.0, 49.0, 48.0, 47.0, 50.0],
        "longitude": [36.0, 37.0, 38.0, 39.0, 36.0],
        "fatalities": [2, 0, 5, 1, 9],
    })


def test_weekly_aggregates():
    ev = _events()
    counts = imported.weekly_by_category(ev[ev["origin"] == "acled"], "2025-05-01", "2025-05-31")
    assert list(counts.index[:2]) == [pd.Timestamp("2025-04-28"), pd.Timestamp("2025-05-05")]  # Mondays, zero-filled
    assert len(counts) == 5 and counts.loc["2025-04-28"].sum() == 0
    assert counts.loc["2025-05-05", "military"] == 1 and counts.loc["2025-05-05", "political"] == 1
    assert counts.loc["2025-05-19", "military"] == 2
    fat = imported.weekly_fatalities_by_origin(ev, "2025-05-01", "2025-05-31")
    assert fat.loc["2025-05-05", "acled"] == 2 and fat.loc["2025-05-05", "ucdp-ged"] == 9  # never added together
    by_region = imported.weekly_by_admin1(ev, "2025-05-01", "2025-05-31", value="fatalities")
    assert list(by_region.columns) == ["Kharkiv", "Donetsk"] and by_region.loc["2025-05-05", "Kharkiv"] == 11


def test_admin1_totals():
    ev = _events()
    totals = imported.admin1_totals(ev[ev["origin"] == "acled"], "2025-05-01", "2025-05-31")
    assert totals["admin1"].tolist() == ["Kharkiv", "Donetsk"]
    kharkiv = totals.iloc[0]
    assert (kharkiv["events"], kharkiv["fatalities"]) == (2, 2)
    assert (kharkiv["latitude"], kharkiv["longitude"]) == (49.5, 36.5)
    assert imported.primary_origin(ev) == "acled" and imported.primary_origin(ev[ev["origin"] == "ucdp-ged"]) == "ucdp-ged"


def test_charts_use_only_cartesian_traces_and_a_scaled_map():
    ev = _events()
    totals = imported.admin1_totals(ev, "2025-05-01", "2025-05-31")
    fig = imported_charts.region_map(totals, title="t", source="s")
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio > 1  # latitude degrees drawn longer
    assert list(fig.data[0].text) == ["Kharkiv", "Donetsk"]
    trend = imported_charts.fatalities_trend(imported.weekly_fatalities_by_origin(ev, "2025-05-01", "2025-05-31"),
                                             through=pd.Timestamp("2025-05-31"))
    assert [t.name for t in trend.data] == ["ACLED", "UCDP GED"] and "partial" in trend.layout.xaxis.title.text
    bars = imported_charts.weekly_categories(imported.weekly_by_category(ev, "2025-05-01", "2025-05-31"))
    heat = imported_charts.admin1_heatmap(imported.weekly_by_admin1(ev, "2025-05-01", "2025-05-31"))
    for figure in (fig, trend, bars, heat):
        assert {t.type for t in figure.data} <= {"scatter", "bar", "heatmap"}
        assert "Source:" in figure.layout.annotations[-1].text
    empty = imported_charts.region_map(totals.iloc[0:0], title="t", source="s")
    assert "No imported events" in empty.layout.annotations[-1].text


def test_imported_section(folder, acled_file, ucdp_file):
    briefing = SimpleNamespace(conflict=SimpleNamespace(folder=folder), period=month(pd.Timestamp("2024-05-01").date()))
    assert imported_section.imported_section(briefing) == []
    import_acled(acled_file, folder)
    import_ucdp_ged(ucdp_file, folder)
    section = imported_section.imported_section(briefing)
    assert [kind for kind, _ in section] == ["html", "figure", "figure", "figure"]
    html = section[0][1]
    assert html.startswith("<h2>") and "May 2024" in html and "ACLED:" in html and "UCDP GED:" in html
    titles = [fig.layout.title.text for _, fig in section[1:]]
    assert "per region" in titles[0] and titles[1].startswith("Fatalities per week") and "by parley category" in titles[2]
    assert {t.name for t in section[2][1].data} == {"ACLED (reported fatalities)", "UCDP GED (best estimate of deaths)"}


def test_imported_module_stays_light():
    # parley.data.imported is on the briefing path: it must name the same file without importing polars
    assert imported.IMPORTED_FILE == tables.IMPORTED_FILE and imported.ORIGIN_NAMES == tables.ORIGIN_NAMES
    import subprocess
    import sys
    code = "import sys, parley.data.imported, parley.report.imported_charts; print('polars' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


# --- the fast path and its fallbacks (issue 14) ------------------------------------------------

def spy(monkeypatch, module, name: str) -> list:
    """Replace ``module.name`` by a wrapper that records each result; the list of results."""
    results, function = [], getattr(module, name)

    def wrapper(*args, **kwargs):
        results.append(function(*args, **kwargs))
        return results[-1]
    monkeypatch.setattr(module, name, wrapper)
    return results


def exact_table(path: Path, folder: Path) -> tuple[pl.DataFrame, dict[str, int]]:
    raw = common.read_export(path, str(path), acled.REQUIRED, kind="ACLED export")
    failures = common.Failures(path, str(path))
    built = acled.build(raw, failures, common.read_aliases(folder))
    assert not failures, failures.problems()
    return built


def test_fast_path_gives_up_and_the_exact_path_imports(folder, acled_file, tmp_path, monkeypatch):
    # " 7 " is a number to the exact path (it strips), not to the CSV reader's typed parse
    header, rows = rows_of(acled_file)
    rows[5][header.index("fatalities")] = " 7 "
    padded = write_rows(tmp_path / "padded.csv", header, rows)
    fast, exact = spy(monkeypatch, acled, "fast_build"), spy(monkeypatch, acled, "build")
    report = import_acled(padded, folder)
    assert fast == [None] and len(exact) == 1                     # gave up; the exact path built the table
    assert report.added == N and report.written
    assert stored(folder).filter(pl.col("original_id") == rows[5][0])["fatalities"].item() == 7
    assert not list(folder.glob(".*tmp"))


def test_fast_table_failing_the_schema_is_thrown_away(folder, acled_file, tmp_path, monkeypatch):
    # a longitude out of range and a duplicate id parse fine on the fast path; only the schema refuses them
    import_acled(acled_file, folder)
    before = (folder / IMPORTED_FILE).read_bytes()
    header, rows = rows_of(acled_file)
    rows[20][header.index("longitude")] = "200"
    rows[30][0] = rows[29][0]
    bad = write_rows(tmp_path / "bad.csv", header, rows)
    fast, exact = spy(monkeypatch, acled, "fast_build"), spy(monkeypatch, acled, "build")
    with pytest.raises(DataError) as caught:
        import_acled(bad, folder)
    assert len(fast) == 1 and fast[0] is not None and len(exact) == 1  # the fast table was built, then the exact path ran
    found = {(p.line, p.column): p.message for p in caught.value.problems}
    assert found[(line_of(bad, 20), "longitude")] == "must be a longitude from -180 to 180, got '200'"
    assert found[(line_of(bad, 29), "event_id_cnty")].startswith("duplicate id")
    assert found[(line_of(bad, 30), "event_id_cnty")].startswith("duplicate id")
    assert (folder / IMPORTED_FILE).read_bytes() == before         # the fast path's written file was never put in place
    assert not list(folder.glob(".*tmp"))


def test_exact_table_is_stored_when_the_fast_one_fails_the_schema(folder, acled_file, monkeypatch):
    # the fallback itself: a fast table the schema refuses is never stored; the exact path's table is
    fast = acled.fast_build

    def wrong(*args):
        table, unmapped = fast(*args)
        return table.with_columns(pl.lit("no such category").alias("category")), unmapped
    monkeypatch.setattr(acled, "fast_build", wrong)
    exact = spy(monkeypatch, acled, "build")
    report = import_acled(acled_file, folder)
    assert len(exact) == 1 and report.added == N
    assert stored(folder).equals(exact[0][0])
    assert not list(folder.glob(".*tmp"))


def edited_export(acled_file: Path, path: Path) -> Path:
    """The synthetic export (quoted newlines, CRLF in notes, markup, empty actor2 ...) edited by hand, as an
    analyst might: older and padded dates, padded text and numbers, actors no alias maps, repeated and
    empty associated actors, an empty sub-event type."""
    header, rows = rows_of(acled_file)
    col = header.index
    for i, row in enumerate(rows):
        day = dt.date.fromisoformat(row[col("event_date")])
        if i % 7 == 0:
            row[col("event_date")] = f"{day.day} {day:%B %Y}"      # the older style, mixed with ISO
        elif i % 11 == 0:
            row[col("event_date")] = f" {day.isoformat()} "
        if i % 13 == 0:
            row[col("actor1")] = f"Unknown Militia {i % 3}"
        if i % 17 == 0:
            row[col("assoc_actor_1")] = "Civilians (Ukraine); ; Civilians (Ukraine);Unknown Group"
            row[col("assoc_actor_2")] = "  military forces of   UKRAINE (2019-)  "
        if i % 19 == 0:
            row[col("event_type")] = f" {row[col('event_type')]} "
            row[col("time_precision")] = f"{row[col('time_precision')]} "
        if i % 23 == 0:
            row[col("latitude")], row[col("fatalities")] = f" {row[col('latitude')]}", f"+{row[col('fatalities')]}"
    rows[1][col("event_type")], rows[1][col("sub_event_type")] = "Riots", ""
    rows[2][col("notes")] = 'He said "no",\nthen\r\nleft; =1+1'
    return write_rows(path, header, rows)


def test_fast_and_exact_tables_are_equal_on_edited_exports(folder, acled_file, tmp_path):
    edited = edited_export(acled_file, tmp_path / "edited.csv")
    aliases = common.read_aliases(folder)
    fast = acled.fast_build(edited, str(edited), aliases)
    assert fast is not None                                        # nothing here makes the fast path give up
    exact = exact_table(edited, folder)
    assert fast[0].schema == exact[0].schema and fast[0].height == N
    for column in tables.COLUMNS:                                   # value for value, nulls included
        assert fast[0][column].to_list() == exact[0][column].to_list(), column
    assert fast[1] == exact[1] and {"Unknown Militia 0", "Unknown Group"} <= set(fast[1])
    # and the stored table is that table
    import_acled(edited, folder)
    assert stored(folder).equals(exact[0])


def test_map_actors_matches_a_row_by_row_reference():
    aliases = common.Aliases({common.normalise(a): i for a, i in
                               [("A", "a"), ("B", "b"), ("Civilians", "civ"), ("C c", "a")]}, None)
    raw = pl.DataFrame({
        "actor1": ["A", " a ", "B", None, "X", "A", "c  C", "", "X"],
        "actor2": [None, "B", "B", "Y", "X", "A", None, None, "Y"],
        "assoc": ["Civilians; A", None, "; ;", "Y;Civilians;Y", "", "B;b", "Z", "Civilians", None],
    })
    expression, unmapped = common.map_actors(raw, aliases, single=("actor1", "actor2"), multi=("assoc",))
    got = raw.select(expression.alias("actors"))["actors"].to_list()
    # the reference, one row at a time, written out independently of map_actors
    expected, counts = [], {}
    for actor1, actor2, assoc in raw.iter_rows():
        names = [v.strip() for v in (actor1, actor2) if v is not None]
        names += [n.strip() for n in (assoc or "").split(";") if n.strip()]
        ids = [aliases.lookup(n) for n in names]
        expected.append(";".join(dict.fromkeys(i for i in ids if i)) or None)
        for name in {n for n, i in zip(names, ids) if i is None}:
            counts[name] = counts.get(name, 0) + 1
    assert got == expected and unmapped == counts
    assert got[0] == "a;civ" and got[3] == "civ" and unmapped["X"] == 2 and unmapped[""] == 1


def test_command_path_stays_pandas_free():
    # parley.data.meta, periods and the CLI refuse bad arguments before pandas starts; the imported tables' file
    # names (meta) and week bucketing (periods) must not pull it in
    import subprocess
    import sys
    code = "import sys, parley.data.meta, parley.data.periods, parley.cli, parley.data.files; print('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
