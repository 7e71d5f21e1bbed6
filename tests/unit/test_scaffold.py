"""`python -m parley new`: a conflict folder that validates as written, and comment lines in the tables."""

from __future__ import annotations

import pytest

from parley.data import schema
from parley.data.load import load_conflict
from parley.errors import DataError


def test_comment_lines_are_skipped_and_keep_line_numbers(korea_copy):
    """A `#` line between rows is ignored; an error below it still names the file's own line."""
    path = korea_copy / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    before = load_conflict(korea_copy)
    lines[2:2] = ["# a note, with, commas and a \"quote\"\n", "   # indented note\n"]
    path.write_text("".join(lines), encoding="utf-8")
    assert len(load_conflict(korea_copy).events) == len(before.events)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    category = before.events.loc[5, "category"]  # the event on file line 5 before the insert, 7 after it
    assert f",{category}," in lines[6]
    lines[6] = lines[6].replace(f",{category},", ",war,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_conflict(korea_copy)
    assert [(p.line, p.column) for p in caught.value.problems] == [(7, "category")]


def test_header_alone_is_still_refused_but_a_commented_template_is_empty(korea_copy):
    header = ",".join(schema.EVENTS.columns)
    (korea_copy / "events.csv").write_text(header + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="has a header but no rows"):
        load_conflict(korea_copy)
    (korea_copy / "events.csv").write_text(header + "\n# an example row\n", encoding="utf-8")
    assert load_conflict(korea_copy).events.empty
