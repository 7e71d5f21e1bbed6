"""UCDP GED exports -> the conflict's imported events (``imported_events.parquet``).

``python -m parley import ucdp-ged FILE --into DATA_DIR`` reads a UCDP Georeferenced Event
Dataset CSV (id, relid, year, active_year, type_of_violence, conflict_name, dyad_name, side_a,
side_b, source_article, where_description, adm_1, adm_2, latitude, longitude, country,
date_prec, date_start, date_end, deaths_a, deaths_b, deaths_civilians, deaths_unknown, best,
high, low, and the rest, which are ignored). Each row becomes one imported event ``ucdp:<id>``.

Category mapping (``type_of_violence`` -> parley category), tested:

=  ====================  ==============
1  state-based conflict  military
2  non-state conflict    military
3  one-sided violence    humanitarian
=  ====================  ==============

One-sided violence is the deliberate killing of civilians by a government or an organised
group; like ACLED's *Violence against civilians* it is the humanitarian toll, not fighting
between armed parties, hence humanitarian.

Fatalities: ``best`` -> fatalities, ``low`` -> fatalities_low, ``high`` -> fatalities_high.
Dates: ``date_start`` -> date, ``date_end`` -> end_date (left empty when the same day; never before date_start).
Date precision: ``date_prec`` 1 -> day, 2 (2-6 days) and 3 (a week) -> week, 4 -> month, 5 -> year.
Actors: ``side_a`` -> actor1, ``side_b`` -> actor2. Place: ``where_coordinates`` (if the export
has it, else ``adm_2``) -> location; ``where_description`` -> notes; ``source_article`` -> source.
"""

from __future__ import annotations

import polars as pl

from parley.data.importers import common
from parley.data.importers.common import Aliases, Failures, ImportReport, stripped

ORIGIN = "ucdp-ged"
REQUIRED = ("id", "type_of_violence", "side_a", "side_b", "source_article", "where_description", "adm_1", "adm_2",
            "latitude", "longitude", "country", "date_prec", "date_start", "date_end", "best", "high", "low")
OPTIONAL = ("where_coordinates",)
VIOLENCE = {  # type_of_violence -> (event type in words, parley category)
    "1": ("State-based conflict", "military"),
    "2": ("Non-state conflict", "military"),
    "3": ("One-sided violence", "humanitarian"),
}
PRECISIONS = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
SOURCE_COLUMN = {"event_id": "id", "original_id": "id", "date": "date_start", "end_date": "date_end",
                 "date_precision": "date_prec", "category": "type_of_violence", "event_type": "type_of_violence",
                 "latitude": "latitude", "longitude": "longitude", "fatalities": "best", "fatalities_low": "low",
                 "fatalities_high": "high"}


def category_of(type_of_violence) -> str | None:
    entry = VIOLENCE.get(str(type_of_violence).strip())
    return entry[1] if entry else None


def _date(column: str) -> pl.Expr:
    # "2022-03-01" or "2022-03-01 00:00:00.000"
    return stripped(column).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)


def build(raw: pl.DataFrame, failures: Failures, aliases: Aliases) -> tuple[pl.DataFrame, dict[str, int]]:
    parsed = raw.lazy().with_columns(
        stripped("id").alias("_id"),
        _date("date_start").alias("_start"),
        _date("date_end").alias("_end"),
        stripped("type_of_violence").alias("_violence"),
        stripped("date_prec").replace_strict(PRECISIONS, default=None, return_dtype=pl.Utf8).alias("_precision"),
        common.number("latitude", pl.Float64).alias("_latitude"),
        common.number("longitude", pl.Float64).alias("_longitude"),
        common.number("best", pl.Int64).alias("_best"),
        common.number("low", pl.Int64).alias("_low"),
        common.number("high", pl.Int64).alias("_high"),
    ).collect()
    failures.scan(parsed, [
        (pl.col("_id").is_null(), "id", "required value is missing"),
        (pl.col("_start").is_null(), "date_start", "must be a date like 2022-03-01"),
        (stripped("date_end").is_not_null() & pl.col("_end").is_null(), "date_end", "must be a date like 2022-03-01"),
        (~pl.col("_violence").is_in(list(VIOLENCE)), "type_of_violence", "must be 1 (state-based), 2 (non-state) or 3 (one-sided)"),
        (pl.col("_precision").is_null(), "date_prec", "must be a UCDP date precision from 1 to 5"),
        *common.number_checks("latitude", "_latitude", pl.Float64, required=False),
        *common.number_checks("longitude", "_longitude", pl.Float64, required=False),
        *common.number_checks("best", "_best", pl.Int64, required=True),
        *common.number_checks("low", "_low", pl.Int64, required=False),
        *common.number_checks("high", "_high", pl.Int64, required=False),
    ])

    actors, unmapped = common.map_actors(raw, aliases, single=("side_a", "side_b"))
    violence = pl.col("_violence")
    table = parsed.lazy().select(*common.imported_columns(
        ORIGIN, pl.col("_id"), date=pl.col("_start"),
        end_date=pl.when(pl.col("_end") != pl.col("_start")).then(pl.col("_end")).otherwise(None),
        date_precision=pl.col("_precision"),
        category=violence.replace_strict({k: v[1] for k, v in VIOLENCE.items()}, default=None, return_dtype=pl.Utf8),
        event_type=violence.replace_strict({k: v[0] for k, v in VIOLENCE.items()}, default=None, return_dtype=pl.Utf8),
        actor1="side_a", actor2="side_b", actors=actors, country="country", admin1="adm_1", admin2="adm_2",
        location=pl.coalesce("where_coordinates", "adm_2"), latitude=pl.col("_latitude"), longitude=pl.col("_longitude"),
        fatalities=pl.col("_best"), fatalities_low=pl.col("_low"), fatalities_high=pl.col("_high"), source="source_article",
        notes="where_description",
    )).collect()
    return table, unmapped


def import_ucdp_ged(file, data_dir) -> ImportReport:
    """Import a UCDP GED CSV export into ``data_dir/imported_events.parquet``; see the module doc."""
    return common.run(ORIGIN, file, data_dir, required=REQUIRED, optional=OPTIONAL, build=build, source_column=SOURCE_COLUMN)
