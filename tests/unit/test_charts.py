"""What each chart draws: traces, positions at given dates, labels, colours; not only that it runs."""


import pandas as pd
import pytest
from conftest import KOREA, RUSSIA_UKRAINE, crowded_timeline

from parley.analysis import stances
from parley.data import schema
from parley.data.load import load_conflict
from parley.report import charts
from parley.report.briefing import Briefing


@pytest.fixture(scope="module")
def korea():
    return load_conflict(KOREA)


@pytest.fixture(scope="module")
def may_2025():
    return Briefing.open(RUSSIA_UKRAINE, "", "", period_label="2025-05")


def has_source_line(fig):
    return any(a.text.startswith("Source: ") for a in fig.layout.annotations)


def test_timeline_lanes_sizes_and_hover(korea):
    names = dict(zip(korea.actors["actor_id"], korea.actors["name"]))
    fig = charts.timeline(korea.events, names, "1950-06-01", "1954-06-30", title="Korea")
    markers = [t for t in fig.data if t.mode == "markers"]
    assert sum(len(t.x) for t in markers) == len(korea.events)
    assert {t.name for t in markers} == {c.replace("_", " ") for c in korea.events["category"]}
    armistice = korea.events[korea.events["category"] == "agreement"].iloc[0]
    agreement = next(t for t in markers if t.name == "agreement")
    assert agreement.marker.symbol == "square" and agreement.marker.color == charts.CATEGORY_COLORS["agreement"]
    i = list(agreement.customdata).index(armistice["event_id"])
    assert agreement.marker.size[i] == charts.MARKER_SIZE[int(armistice["importance"])] + 4
    assert armistice["source"].split(",")[0] in agreement.hovertext[i]
    assert list(fig.layout.yaxis.ticktext) == [g for g in schema.CATEGORY_GROUPS if
                                               any(c in set(korea.events["category"]) for c in schema.CATEGORY_GROUPS[g])]
    ranged = korea.events[korea.events["end_date"].notna() & (korea.events["end_date"] > korea.events["date"])]
    bars = next(t for t in fig.data if t.name == "duration")
    assert len([x for x in bars.x if x is None]) == len(ranged)
    assert fig.layout.title.text == "Korea" and fig.layout.xaxis.title.text == "date" and has_source_line(fig)


def test_timeline_labels_only_milestones():
    events, fig = crowded_timeline()
    labels = [a for a in fig.layout.annotations if not a.text.startswith("Source: ")]
    assert 0 < len(labels) <= 50
    milestone_titles = {charts.short(t) for t in events.loc[events["importance"] == 3, "title"]}
    assert all(a.text in milestone_titles for a in labels)
    # that they do not overlap is measured in the browser (test_timeline_labels_do_not_overlap_as_the_browser_draws_them)


def test_timeline_by_actor_puts_event_in_each_actor_lane(korea):
    names = dict(zip(korea.actors["actor_id"], korea.actors["name"]))
    fig = charts.timeline(korea.events, names, "1950-06-01", "1954-06-30", lanes="actor")
    markers = [t for t in fig.data if t.mode == "markers"]
    assert sum(len(t.x) for t in markers) == sum(len([a for a in ids if a in names]) for ids in korea.events["actors"])
    assert set(fig.layout.yaxis.ticktext) <= {charts.axis_label(n) for n in names.values()}


def test_stance_map_positions_sizes_colours_and_gap(may_2025):
    fig = may_2025.stance_map()
    current = stances.positions_at(may_2025.positions, "2025-05-31")
    russia = next(t for t in fig.data if t.name == "Russia")
    assert russia.marker.color == may_2025.conflict.colors["russia"]
    held = current[current["actor_id"] == "russia"].set_index("issue_id")
    assert sorted(russia.x) == sorted(held["position"])
    territory = list(russia.customdata).index("territory")
    assert russia.x[territory] == held.loc["territory", "position"]
    assert russia.marker.size[territory] == pytest.approx(charts._salience_size(held.loc["territory", "salience"]))
    gap_shapes = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(gap_shapes) == len(may_2025.issues)
    territory_gap = stances.gaps(current).set_index("issue_id").loc["territory"]
    assert any(s.x0 == territory_gap["low"] and s.x1 == territory_gap["high"] for s in gap_shapes)
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "1991 borders" in texts and "Russian sovereignty" in texts
    assert has_source_line(fig) and "31 May 2025" in fig.layout.title.text


def test_stance_map_forecast_marker(may_2025):
    fig = may_2025.stance_map(forecast={"territory": 42.0})
    mark = next(t for t in fig.data if t.name == "forecast")
    assert list(mark.x) == [42.0]


def test_trajectories_step_lines_and_event_marks(korea):
    fig = charts.trajectories(korea.positions, korea.events, korea.issues, korea.actors, "1950-06-25", "1954-06-30")
    unc_pow = next(t for t in fig.data if t.name == "United Nations Command" and t.xaxis in ("x", "x1"))
    rows = korea.positions[(korea.positions["actor_id"] == "unc") & (korea.positions["issue_id"] == korea.issues["issue_id"].iloc[0])]
    assert unc_pow.line.shape == "hv" and list(unc_pow.y[:-1]) == list(rows["position"])
    assert unc_pow.y[-1] == rows["position"].iloc[-1] and pd.Timestamp(unc_pow.x[-1]) == pd.Timestamp("1954-06-30")
    tagged = [t for t in fig.data if t.name == "event on this issue"]
    first_issue = korea.issues["issue_id"].iloc[0]
    assert len(tagged[0].x) == int(korea.events["issues"].map(lambda ids: first_issue in ids).sum())
    assert [a.text for a in fig.layout.annotations if not a.text.startswith("Source")] == [charts.esc(n) for n in korea.issues["name"]]


def test_stance_matrix_cells_and_hover(may_2025):
    fig = may_2025.stance_matrix()
    heat = fig.data[0]
    current = stances.positions_at(may_2025.positions, "2025-05-31").set_index(["actor_id", "issue_id"])
    actors = [a for a in may_2025.actors_table["actor_id"]]
    issues = list(may_2025.issues_table["issue_id"])
    r, c = actors.index("us"), issues.index("ceasefire")
    assert heat.z[r][c] == current.loc[("us", "ceasefire"), "position"]
    assert current.loc[("us", "ceasefire"), "source"].split(",")[0] in heat.hovertext[r][c]
    assert (heat.zmin, heat.zmax) == (0, 100) and may_2025.conflict.colors["russia"] in heat.y[0]


def test_activity_counts_per_month_and_category(korea):
    counts = charts.activity_counts(korea.events, "month", "1953-01-01", "1953-12-31")
    expected = korea.events[(korea.events["date"] >= "1953-01-01") & (korea.events["date"] <= "1953-12-31")]
    assert int(counts.to_numpy().sum()) == len(expected)
    assert len(counts) == 12
    fig = charts.activity(korea.events, "1953-01-01", "1953-12-31", freq="month")
    assert fig.layout.barmode == "stack" and sum(sum(t.y) for t in fig.data) == len(expected)
    weekly = charts.activity_counts(korea.events, "week", "1953-07-01", "1953-07-31")
    assert int(weekly.to_numpy().sum()) == len(korea.events[(korea.events["date"] >= "1953-07-01") & (korea.events["date"] <= "1953-07-31")])


def test_data_text_is_escaped_in_labels(korea):
    events = korea.events.copy()
    events.loc[events.index[0], "title"] = '<img src=x onerror="alert(1)">'
    fig = charts.timeline(events, {"north_korea": "<b>NK</b>"}, "1950-06-01", "1954-06-30", lanes="actor")
    text = fig.to_json()
    assert "<img" not in text and "&lt;img" in text and "<b>NK</b>" not in text


@pytest.fixture(scope="module")
def every_figure(may_2025) -> list:
    """One of each chart a briefing draws, Russia-Ukraine May 2025."""
    from conftest import TINY

    from parley.analysis import backtest
    from parley.data import outcomes
    from parley.data.load import load_conflict
    from parley.report import prospects, track_record
    result = prospects.forecast(may_2025)
    return [may_2025.timeline(), may_2025.stance_map(), may_2025.trajectories(), may_2025.stance_matrix(),
            may_2025.activity(), prospects.paths_chart(may_2025, result), prospects.sensitivity_chart(may_2025),
            prospects.outcomes_chart(outcomes.load_outcomes(outcomes.find(may_2025.conflict.folder))),
            prospects.track_record_chart(may_2025, backtest.backtest([load_conflict(TINY)])), track_record.chart(None)]


def test_every_figure_carries_its_template_as_an_object(every_figure):
    """A template *name* left as a string by an unvalidated figure means nothing to plotly.js."""
    import json

    import plotly.io as pio
    for fig in every_figure:
        template = json.loads(pio.to_json(fig))["layout"]["template"]
        assert isinstance(template, dict) and template["layout"]["plot_bgcolor"] == "white"


def test_every_trace_type_drawn_is_in_the_vendored_plotly_bundle(every_figure):
    from parley.pipeline.render import PLOTLY_TRACES
    drawn = {trace.type for fig in every_figure for trace in fig.data}
    assert drawn and drawn <= PLOTLY_TRACES, drawn - PLOTLY_TRACES
