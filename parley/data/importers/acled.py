"""ACLED exports -> the conflict's imported events (``imported_events.parquet``).

``python -m parley import acled FILE --into DATA_DIR`` reads a standard ACLED CSV export
(columns event_id_cnty, event_date, year, time_precision, disorder_type, event_type,
sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction,
civilian_targeting, iso, region, country, admin1, admin2, admin3, location, latitude, longitude,
geo_precision, source, source_scale, notes, fatalities, tags, timestamp; extra columns are
ignored). Each row becomes one imported event ``acled:<event_id_cnty>``.

Category mapping (ACLED event type / sub-event type -> parley category), tested:

=============================  ====================================  ==============
ACLED event type               sub-event type                        parley category
=============================  ====================================  ==============
Battles                        (all: armed clash, territory taken)   military
Explosions/Remote violence     (all: shelling, air/drone strike ...) military
Violence against civilians     (all: attack, abduction, sexual v.)   humanitarian
Protests                       (all)                                 political
Riots                          (all)                                 political
Strategic developments         Agreement                             agreement
Strategic developments         Non-violent transfer of territory     territorial
Strategic developments         Arrests                               political
Strategic developments         Disrupted weapons use                 military
Strategic developments         Headquarters or base established      military
Strategic developments         Change to group/activity              other
Strategic developments         Looting/property destruction          other
Strategic developments         Other (and any new sub-event type)    other
=============================  ====================================  ==============

Why *Violence against civilians* is humanitarian, not military: the event is harm done to
civilians (ACLED's own definition excludes battles between armed actors), which is what a
negotiation analyst tracks as the humanitarian toll and what humanitarian-access and
civilian-protection clauses are about; UCDP GED's one-sided violence maps the same way, so
the two sources agree. A new sub-event type under a known event type takes the event type's
category; an unknown event type is an error (a changed export format should not pass silently).

Date precision: ``time_precision`` 1 -> day, 2 -> week, 3 -> month. ``event_date`` may be
``2024-03-15`` (current exports) or ``15 March 2024`` (older ones).
"""

from __future__ import annotations

import polars as pl

from parley.data.importers import common
from parley.data.importers.common import Aliases, Failures, ImportReport, stripped

ORIGIN = "acled"
REQUIRED = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1",
            "actor2", "assoc_actor_2", "country", "admin1", "admin2", "location", "latitude", "longitude", "source",
            "notes", "fatalities")
EVENT_TYPES = {  # event type -> category of its sub-event types unless listed in SUB_EVENT_TYPES
    "Battles": "military",
    "Explosions/Remote violence": "military",
    "Violence against civilians": "humanitarian",
    "Protests": "political",
    "Riots": "political",
    "Strategic developments": "other",
}
SUB_EVENT_TYPES = {  # (event type, sub-event type) -> category, where it differs from the event type's
    ("Strategic developments", "Agreement"): "agreement",
    ("Strategic developments", "Non-violent transfer of territory"): "territorial",
    ("Strategic developments", "Arrests"): "political",
    ("Strategic developments", "Disrupted weapons use"): "military",
    ("Strategic developments", "Headquarters or base established"): "military",
    ("Strategic developments", "Change to group/activity"): "other",
    ("Strategic developments", "Looting/property destruction"): "other",
    ("Strategic developments", "Other"): "other",
}
PRECISIONS = {"1": "day", "2": "week", "3": "month"}
KEY_SEPARATOR = "\x1f"
# imported column -> ACLED column, for locating problems
SOURCE_COLUMN = {"event_id": "event_id_cnty", "original_id": "event_id_cnty", "date": "event_date",
                 "date_precision": "time_precision", "category": "event_type", "sub_event_type": "sub_event_type",
                 "latitude": "latitude", "longitude": "longitude", "fatalities": "fatalities"}


def category_of(event_type: str | None, sub_event_type: str | None) -> str | None:
    """The parley category of an ACLED event (None for an unknown event type)."""
    return SUB_EVENT_TYPES.get((event_type, sub_event_type), EVENT_TYPES.get(event_type))


def _category(pairs: list[tuple[str | None, str | None]]) -> pl.Expr:
    """The category expression for the (event type, sub-event type) pairs present: a lookup on the
    sub-event type alone when that decides the category (as in ACLED's scheme), else on both."""
    by_sub: dict[str | None, set] = {}
    for event_type, sub_event_type in pairs:
        by_sub.setdefault(sub_event_type, set()).add(category_of(event_type, sub_event_type))
    if all(len(categories) == 1 for categories in by_sub.values()) and None not in by_sub:
        return pl.col("_sub_type").replace_strict({s: c.pop() for s, c in by_sub.items()}, default=None, return_dtype=pl.Utf8)
    key = pl.concat_str([pl.col("_type"), pl.col("_sub_type").fill_null("")], separator=KEY_SEPARATOR)
    return key.replace_strict({f"{t}{KEY_SEPARATOR}{s or ''}": category_of(t, s) for t, s in pairs},
                              default=None, return_dtype=pl.Utf8)


def build(raw: pl.DataFrame, failures: Failures, aliases: Aliases) -> tuple[pl.DataFrame, dict[str, int]]:
    date_text = stripped("event_date")
    parsed = raw.lazy().with_columns(
        stripped("event_id_cnty").alias("_id"),
        date_text.str.to_date("%Y-%m-%d", strict=False).alias("_date"),
        stripped("time_precision").replace_strict(PRECISIONS, default=None, return_dtype=pl.Utf8).alias("_precision"),
        stripped("event_type").alias("_type"),
        stripped("sub_event_type").alias("_sub_type"),
        common.number("latitude", pl.Float64).alias("_latitude"),
        common.number("longitude", pl.Float64).alias("_longitude"),
        common.number("fatalities", pl.Int64).alias("_fatalities"),
    ).collect()
    if parsed.select(pl.col("_date").is_null().any()).item():  # older exports write "15 March 2024"
        parsed = parsed.with_columns(pl.coalesce("_date", date_text.str.to_date("%d %B %Y", strict=False)).alias("_date"))
    failures.scan(parsed, [
        (pl.col("_id").is_null(), "event_id_cnty", "required value is missing"),
        (pl.col("_date").is_null(), "event_date", "must be a date like 2024-03-15 or 15 March 2024"),
        (pl.col("_precision").is_null(), "time_precision", "must be 1 (day), 2 (week) or 3 (month)"),
        (~pl.col("_type").is_in(list(EVENT_TYPES)), "event_type",
         "unknown ACLED event type; expected one of: " + ", ".join(EVENT_TYPES)),
        *common.number_checks("latitude", "_latitude", pl.Float64, required=False),
        *common.number_checks("longitude", "_longitude", pl.Float64, required=False),
        *common.number_checks("fatalities", "_fatalities", pl.Int64, required=True),
    ])

    category = _category(parsed.select("_type", "_sub_type").unique().rows())
    actors, unmapped = common.map_actors(raw, aliases, single=("actor1", "actor2"), multi=("assoc_actor_1", "assoc_actor_2"))
    table = parsed.lazy().select(
        *_columns(pl.col("_id"), pl.col("_date"), pl.col("_precision"), category, pl.col("_type"),
                  pl.col("_sub_type"), actors, pl.col("_latitude"), pl.col("_longitude"), pl.col("_fatalities")),
    ).collect()
    return table, unmapped


def _columns(original_id, date, precision, category, event_type, sub_event_type, actors, latitude, longitude,
             fatalities) -> list[pl.Expr]:
    """The imported-events columns, from the expressions each path computes its own way."""
    assoc_actors = pl.concat_str([pl.col("assoc_actor_1"), pl.col("assoc_actor_2")], separator="; ", ignore_nulls=True)
    return common.imported_columns(
        ORIGIN, original_id, date=date, date_precision=precision, category=category, event_type=event_type,
        sub_event_type=sub_event_type, actor1="actor1", actor2="actor2", assoc_actors=assoc_actors.replace("", None),
        actors=actors, country="country", admin1="admin1", admin2="admin2", location="location", latitude=latitude,
        longitude=longitude, fatalities=fatalities, source="source", notes="notes")


NUMBERS = {"latitude": pl.Float64, "longitude": pl.Float64, "fatalities": pl.Int64}
ACTOR_COLUMNS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")


def _strip(value: str) -> str | None:
    return value.strip() or None


def fast_build(path, label: str, aliases: Aliases) -> tuple[pl.DataFrame, dict[str, int]] | None:
    """The table :func:`build` makes, for an export with nothing wrong in it; None at the first doubt
    (the exact path then runs and locates the problems).

    The CSV reader parses the numbers itself; the short, repetitive columns (dates, precision,
    event and sub-event types) are stripped, parsed and mapped once per distinct value, then
    broadcast (:func:`common.lookup`), instead of once per row."""
    raw = common.read_typed(path, label, REQUIRED, NUMBERS)
    if raw is None:
        return None
    # one parallel pass: the distinct values of the repetitive columns, and the checks on the others
    repetitive = ("event_date", "time_precision", "event_type", "sub_event_type", *ACTOR_COLUMNS)
    ids = pl.col("event_id_cnty").str.strip_chars()
    found = raw.select(
        *(pl.col(c).unique().drop_nulls().implode() for c in repetitive),
        (ids.is_null() | (ids.str.len_bytes() == 0)).any().alias("_no_id"),
        pl.sum_horizontal(pl.col("event_date", "time_precision", "event_type", "fatalities").null_count()).alias("_missing"),
    ).row(0, named=True)
    if found["_no_id"] or found["_missing"]:
        return None
    distinct = {c: found[c] for c in repetitive}
    # dates: ISO, else the older "15 March 2024"; parsed per distinct text
    dates = distinct["event_date"]
    text = pl.Series(dates, dtype=pl.Utf8).str.strip_chars()
    parsed = text.str.to_date("%Y-%m-%d", strict=False)
    if parsed.null_count():
        parsed = pl.DataFrame({"a": parsed, "b": text.str.to_date("%d %B %Y", strict=False)}).select(pl.coalesce("a", "b")).to_series()
        if parsed.null_count():
            return None
    precisions = distinct["time_precision"]
    precision = [PRECISIONS.get(value.strip()) for value in precisions]
    types, subs = distinct["event_type"], distinct["sub_event_type"]
    if None in precision or any(_strip(t) not in EVENT_TYPES for t in types):
        return None
    # category per (event type, sub-event type): one code per pair, a lookup over every pair of distinct values
    width = len(subs) + 1  # the last sub-event code stands for empty
    categories = [category_of(_strip(t), _strip(s) if i < len(subs) else None) for t in types for i, s in enumerate(subs + [""])]
    pair = (pl.col("event_type").cast(pl.Enum(types)).to_physical().cast(pl.Int64) * width
            + pl.col("sub_event_type").cast(pl.Enum(subs)).to_physical().cast(pl.Int64).fill_null(len(subs)))

    def text_column(column: str, values: list[str]) -> pl.Expr:  # stripped, empty -> null; as stripped() does
        if all(v == v.strip() and v for v in values):
            return pl.col(column)
        return common.lookup(column, values, [_strip(v) for v in values], pl.Utf8)

    actors, unmapped = common.map_actors(raw, aliases, single=("actor1", "actor2"), multi=("assoc_actor_1", "assoc_actor_2"),
                                          values={c: distinct[c] for c in ACTOR_COLUMNS})
    table = raw.lazy().with_columns(ids.alias("event_id_cnty")).select(
        *_columns(pl.col("event_id_cnty"), common.lookup("event_date", dates, parsed, pl.Date),
                  common.lookup("time_precision", precisions, precision, pl.Utf8),
                  pl.lit(pl.Series(categories, dtype=pl.Utf8)).gather(pair), text_column("event_type", types),
                  text_column("sub_event_type", subs), actors, pl.col("latitude"), pl.col("longitude"),
                  pl.col("fatalities")),
    ).collect()
    return table, unmapped


def import_acled(file, data_dir) -> ImportReport:
    """Import an ACLED CSV export into ``data_dir/imported_events.parquet``; see the module doc.

    Fast path first (:func:`fast_build`); the exact path (:func:`build`) whenever anything is wrong."""
    return common.run(ORIGIN, file, data_dir, required=REQUIRED, optional=(), build=build, source_column=SOURCE_COLUMN,
                       fast=fast_build)
