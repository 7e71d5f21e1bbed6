"""parley.report.workbench without a browser: views redrawn by the controls, DataFrames of the selection, static views."""

import datetime as dt

import pytest
from conftest import KOREA

from parley.report import workbench
from parley.report.workbench import WIDGET_MIME, Workbench


@pytest.fixture
def wb(monkeypatch):
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
    bench = Workbench(str(KOREA), "1953-07-01", "1953-07-31")
    bench.controls()
    bench.show("timeline", "moves", "ids")
    return bench


def test_a_control_redraws_every_view_in_place(wb):
    timeline, moves, ids = wb.views
    first = timeline.outputs[0]["data"]["application/vnd.plotly.v1+json"]
    wb._c["lanes"].value = "actor"  # what a click on the toggle does
    lanes = timeline.outputs[0]["data"]["application/vnd.plotly.v1+json"]
    assert first["layout"]["yaxis"]["title"]["text"] != lanes["layout"]["yaxis"]["title"]["text"]
    assert "actor" in lanes["layout"]["yaxis"]["title"]["text"]
    assert timeline.static is timeline.outputs[0]["data"]  # the static view follows the redraw
    wb._c["start"].value = dt.date(1951, 6, 1)
    assert wb.briefing.period.start == dt.date(1951, 6, 1) and set(wb.moves["direction"]) == {"new"}
    assert "Moves in 01 Jun 1951 to 31 Jul 1953" in moves.outputs[0]["data"]["text/html"]
    assert wb.status.value == ""


def test_a_bad_choice_is_shown_not_raised(wb):
    before = wb.briefing
    wb._c["end"].value = dt.date(1950, 1, 1)  # before the start
    assert "the period ends (1950-01-01) before it starts (1953-07-01)" in wb.status.value
    assert wb.briefing is before
    wb._c["end"].value = dt.date(1953, 7, 31)
    assert wb.status.value == "" and wb.briefing is not before
    wb._c["actors"].value = ()  # none ticked: conflict.toml's default actors
    assert wb.status.value == "" and wb.briefing.actors == tuple(wb.briefing.conflict.meta.default_actors)


def test_static_views_carry_no_widget_key_without_a_kernel(wb):
    """Outside a live kernel the display is the static content only; with one, the widget key is added."""
    timeline = wb.views[0]
    bundle = timeline._repr_mimebundle_()
    assert "application/vnd.plotly.v1+json" in bundle and "text/html" in bundle
    assert set(bundle) - {WIDGET_MIME} == set(timeline.static)
    assert "Korean War armistice talks" in wb.controls()._repr_mimebundle_()["text/html"]


def test_dataframes_name_actors_and_issues(wb):
    ids = wb.ids
    assert set(ids["what"]) == {"actor", "issue"} and "north_korea" in set(ids["id"])
    assert ids.set_index("id").loc["pow_repatriation", "detail"].startswith("0 = ")
    events = wb.events
    assert list(events["date"]) == sorted(events["date"]) and "Armistice" in " ".join(events["title"])
    positions = wb.positions
    assert {"actor", "issue", "position", "salience", "statement", "source"} <= set(positions.columns)
    assert workbench.conflict_folders(str(KOREA))[0] == str(KOREA)


def test_the_workbench_draws_every_part_of_the_briefing_sections(wb):
    """The workbench's views come from parley.report.sections, the list the briefing notebook follows."""
    from parley.report import sections
    drawers = wb.drawers()
    assert list(sections.parts()) == [name for name in drawers if name in sections.parts()]
    assert {"ids", "events", "positions", "moves"} <= set(drawers)
