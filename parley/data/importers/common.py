"""What the ACLED and UCDP GED importers share: read the export, locate problems, map actors,
validate, compare with the stored table, write it atomically.

An importer may give :func:`run` a fast path (``fast``, e.g. :func:`.acled.fast_build`): polars
reads the needed columns with numbers parsed by the CSV reader (:func:`read_typed`), repetitive
columns are mapped once per distinct value (:func:`distinct`, :func:`lookup`), and it gives up
(None) at the first doubt. Then, or without a fast path, the exact path reads every column as
text, checks and maps with vectorised expressions and validates with the pandera schema of
:mod:`.tables`; when something is wrong, a slow, exact pass with Python's csv module gives each
problem the line it starts on in the file (quoted newlines included), as
``file:line: column: message``. A fast-path table that fails validation is thrown away and the
exact path runs, so problems are always reported by the exact path.
"""

from __future__ import annotations

import csv
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandera.polars as pp
import polars as pl
import pyarrow.parquet as pq

from parley.data import load, schema
from parley.data.files import CsvSyntaxError, NotUtf8, csv_records, replace_with, temporary_beside, utf8_lines
from parley.data.importers import tables
from parley.errors import DataError, Problem, UsageError

MAX_LISTED = 10          # problems listed per (column, message); the rest are counted
MAX_STRUCTURE = 20       # structural CSV problems listed
# Written by pyarrow: dictionary-encoding only the repetitive columns, lz4, statistics only on origin
# (rows are grouped by origin) measured 25% less CPU than polars' writer; no stored Arrow schema, so
# readers get plain strings (pyarrow cannot filter polars' string views). Values are handed to the
# column encoders 32,768 at a time instead of 1,024: 15-20% less writer CPU, the same values
# (snappy, zstd level 1, larger row groups and v2 data pages measured no faster). See benchmarks/README.md.
PARQUET_OPTIONS = {"compression": "lz4", "use_dictionary": list(tables.DICTIONARY_COLUMNS), "write_statistics": ["origin"],
                   "row_group_size": 131_072, "write_batch_size": 32_768, "store_schema": False}


@dataclass
class ImportReport:
    """What an import did, in numbers, and the actor names no alias maps."""

    origin: str
    source: str
    target: Path
    rows: int
    added: int
    updated: int
    removed: int
    unchanged: int
    written: bool
    unmapped: dict[str, int] = field(default_factory=dict)
    aliases_file: Path | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {"added": self.added, "updated": self.updated, "removed": self.removed, "unchanged": self.unchanged}

    def text(self) -> str:
        name = tables.ORIGIN_NAMES[self.origin]
        lines = [f"{name} export {self.source} -> {self.target}",
                 f"  rows in export  {self.rows:>9}"]
        lines += [f"  {key:<15} {value:>9}" for key, value in self.counts.items()]
        if not self.written:
            lines.append("  nothing changed; the stored table was left as it was")
        if self.unmapped:
            where = self.aliases_file or tables.ALIASES_FILE
            lines.append(f"unmapped actors: {len(self.unmapped)} names (kept as written in the imported rows); "
                         f"map them in {where} (columns alias,actor_id):")
            width = len(str(max(self.unmapped.values())))
            lines += [f"  {count:>{width}} rows  {actor}" for actor, count in
                      sorted(self.unmapped.items(), key=lambda item: (-item[1], item[0]))]
        else:
            lines.append("unmapped actors: none")
        return "\n".join(lines)


# --- locating problems ------------------------------------------------------------------------

class ImportDataError(DataError):
    """An export (or actor_aliases.csv) failed validation; nothing was imported."""

    def _summary(self) -> str:
        lines = [str(p) for p in self.problems]
        noun = "problem" if len(lines) == 1 else "problems"
        return "\n".join(lines + [f"{len(lines)} {noun} found; nothing was imported (the stored table is unchanged)."])


class Failures:
    """Problems found by vectorised checks, by record number; lines are resolved once, at the end."""

    def __init__(self, path: Path, label: str):
        self.path, self.label = path, label
        self.found: list[tuple[int, str, str]] = []      # (record, column, message)
        self.more: list[tuple[int, str, int, str]] = []  # (record, column, how many more, message)
        self.rejected: pl.Series | None = None           # rows a scan rejected (the schema checks skip them)

    def __bool__(self) -> bool:
        return bool(self.found)

    def add(self, records: list[int], column: str, message: str, values: list | None = None, total: int | None = None) -> None:
        total = len(records) if total is None else total
        for i, record in enumerate(records[:MAX_LISTED]):
            text = message if values is None else f"{message}, got {values[i]!r}" if values[i] is not None else \
                f"{message}, got an empty value"
            self.found.append((record, column, text))
        if total > MAX_LISTED:
            self.more.append((records[MAX_LISTED], column, total - MAX_LISTED, message))

    def scan(self, frame: pl.DataFrame, checks: list[tuple[pl.Expr, str, str]]) -> None:
        """Run boolean ``bad`` expressions (bad, column, message) in one pass; list the rows of those that hit.

        The value shown is ``column`` of ``frame`` (the export's raw text)."""
        counts = frame.select([bad.fill_null(True).sum().alias(str(i)) for i, (bad, _, _) in enumerate(checks)]).row(0)
        if any(counts):
            rejected = frame.select(pl.any_horizontal([bad.fill_null(True) for bad, _, _ in checks])).to_series()
            self.rejected = rejected if self.rejected is None else self.rejected | rejected
        for (bad, column, message), count in zip(checks, counts):
            if count:
                head = frame.lazy().filter(bad.fill_null(True)).select("_row", pl.col(column).alias("value")).head(MAX_LISTED + 1).collect()
                values = None if message == "required value is missing" else head["value"].to_list()
                self.add(head["_row"].to_list(), column, message, values, total=count)

    def problems(self) -> list[Problem]:
        lines, ragged = record_lines(self.path, {r for r, _, _ in self.found} | {r for r, _, _, _ in self.more})
        out = [Problem(self.label, lines.get(r, 1), c, m) for r, c, m in self.found]
        out += [Problem(self.label, lines.get(r, 1), c, f"and {n} more rows: {m}") for r, c, n, m in self.more]
        out += [Problem(self.label, line, "-", f"has {width} fields where the header has {header} (an unquoted comma?)")
                for line, width, header in ragged]
        return out

    def raise_if_any(self) -> None:
        if self.found:
            raise ImportDataError(self.problems())


def record_lines(path: Path, records: set[int]) -> tuple[dict[int, int], list[tuple[int, int, int]]]:
    """The line each data record (0 = first after the header) starts on, counting quoted newlines;
    and, up to the last of them, the records whose number of fields differs from the header's
    (line, fields, header fields): the fast reader takes such rows as they come, so when values
    fail, this tells whether a misplaced comma shifted them."""
    out: dict[int, int] = {}
    ragged: list[tuple[int, int, int]] = []
    if not records:
        return out, ragged
    last = max(records)
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        width = None
        for record, (line, fields) in enumerate(csv_records(handle), start=-1):
            if width is None:
                width = len(fields)
            elif fields and len(fields) != width and len(ragged) < MAX_STRUCTURE:
                ragged.append((line, len(fields), width))
            if record in records:
                out[record] = line
            if record >= last:
                break
    return out, ragged


def structure_problems(path: Path, label: str, reason: str) -> list[Problem]:
    """The exact, slow pass run when the fast reader refused the file: which lines break the CSV."""
    problems: list[Problem] = []
    with path.open("rb") as handle:
        header_width = None
        try:
            for line, fields in csv_records(utf8_lines(handle), strict=True):
                if header_width is None:
                    header_width = len(fields)
                elif fields and len(fields) > header_width:
                    problems.append(Problem(label, line, "-", f"has {len(fields)} fields where the header has "
                                                              f"{header_width} (an unquoted comma?)"))
                if len(problems) >= MAX_STRUCTURE:
                    break
        except NotUtf8 as err:
            problems.append(Problem(label, err.line, "-", f"is not UTF-8 (byte 0x{err.byte:02x}); export or save the file as UTF-8"))
        except CsvSyntaxError as err:
            problems.append(Problem(label, err.line, "-", f"is not valid CSV ({err.reason}); a quote left open?"))
    if not problems:
        problems.append(Problem(label, 1, "-", f"could not be read as CSV ({reason.splitlines()[0]})"))
    return problems


# --- reading ----------------------------------------------------------------------------------

def read_header(path: Path, label: str) -> list[str]:
    if path.stat().st_size == 0:
        raise ImportDataError([Problem(label, 1, "-", "is empty (0 bytes); expected an export with a header row")])
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        header = next(csv.reader(handle), [])
    return [name.strip() for name in header]


def read_export(path: Path, label: str, required: tuple[str, ...], optional: tuple[str, ...] = (),
                kind: str = "export") -> pl.DataFrame:
    """The export's needed columns as text, one row per record, ``_row`` = record number; blank lines dropped."""
    header = read_header(path, label)
    problems = [Problem(label, 1, name, f"required column is missing from the header (is this a {kind}?)")
                for name in required if name not in header]
    seen: set[str] = set()
    for name in header:
        if name in seen and name in required + optional:
            problems.append(Problem(label, 1, name, "appears twice in the header"))
        seen.add(name)
    if problems:
        raise ImportDataError(problems)
    columns = [c for c in required + optional if c in header]
    try:
        raw = pl.read_csv(path, columns=columns, infer_schema=False, has_header=True, quote_char='"',
                          encoding="utf8", raise_if_empty=False)
    except (pl.exceptions.PolarsError, OSError) as err:
        raise ImportDataError(structure_problems(path, label, str(err))) from None
    raw = raw.with_row_index("_row")
    blank = raw.select(pl.all_horizontal(pl.col(columns).is_null()).sum()).item()
    if blank:  # blank lines come out as rows of nulls
        raw = raw.filter(pl.any_horizontal(pl.col(columns).is_not_null()))
    if raw.height == 0:
        raise ImportDataError([Problem(label, 1, "-", "has a header but no rows; nothing imported "
                                                      "(an empty export would remove every stored event)")])
    missing = [c for c in optional if c not in header]
    if missing:
        raw = raw.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in missing)
    return raw


def read_typed(path: Path, label: str, columns: tuple[str, ...], dtypes: dict[str, pl.DataType]) -> pl.DataFrame | None:
    """The fast path's read: ``columns`` with the numeric ones parsed by the CSV reader itself
    (``dtypes``), the rest as text; blank lines dropped. None when anything is off (a header
    problem, a value the reader refuses, no rows): the exact path then reads the file again as text
    and locates every problem. Values it accepts parse as :func:`number` would parse them."""
    header = read_header(path, label)
    if any(name not in header for name in columns) or any(header.count(name) > 1 for name in columns):
        return None
    try:
        raw = pl.read_csv(path, columns=list(columns), schema_overrides=dtypes, infer_schema=False, has_header=True,
                          quote_char='"', encoding="utf8", raise_if_empty=False)
    except (pl.exceptions.PolarsError, OSError):
        return None
    if raw.get_column(columns[0]).null_count():  # blank lines come out as rows of nulls
        raw = raw.filter(pl.any_horizontal(pl.col(list(columns)).is_not_null()))
    return raw if raw.height else None


def distinct(frame: pl.DataFrame, column: str) -> list[str]:
    """The distinct non-null values of a text column."""
    return frame.get_column(column).unique().drop_nulls().to_list()


def lookup(column: str, values: list[str], results: list, dtype: pl.DataType) -> pl.Expr:
    """``column`` mapped value by value: ``values[i]`` -> ``results[i]`` (``values`` = every distinct
    value of the column, see :func:`distinct`); null stays null. An Enum cast and a gather:
    the per-row work is one hash of each string, the mapping itself runs once per distinct value."""
    codes = pl.col(column).cast(pl.Enum(values)).to_physical()
    return pl.lit(pl.Series(results, dtype=dtype)).gather(codes)


def stripped(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().replace("", None)


def number(column: str, dtype) -> pl.Expr:
    """``column`` (text) as ``dtype``; null where empty or not a number (see :func:`number_checks`)."""
    return stripped(column).cast(dtype, strict=False)


def number_checks(column: str, parsed: str, dtype, *, required: bool) -> list[tuple[pl.Expr, str, str]]:
    """Checks for :meth:`Failures.scan`: text that is not a number; missing, if required."""
    kind = "a whole number" if dtype == pl.Int64 else "a number"
    checks = [(stripped(column).is_not_null() & pl.col(parsed).is_null(), column, f"must be {kind}")]
    if required:
        checks.append((stripped(column).is_null(), column, "required value is missing"))
    return checks


# --- actors -----------------------------------------------------------------------------------

def normalise(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass
class Aliases:
    ids: dict[str, str]          # normalised alias -> actor id
    path: Path | None            # the file, or None when the folder has none

    def lookup(self, name: str | None) -> str | None:
        return None if name is None else self.ids.get(normalise(name))


def read_aliases(folder: Path) -> Aliases:
    """actor_aliases.csv of the conflict folder, validated, ids checked against actors.csv."""
    path = folder / tables.ALIASES_FILE
    if not path.exists():
        return Aliases({}, None)
    problems: list[Problem] = []
    label = f"{folder.name}/{tables.ALIASES_FILE}"
    raw = load.read_text_table(path, label, tables.ALIASES, problems)
    checked = load.check_table(raw, tables.ALIASES, label, problems) if raw is not None else None
    actors_path = folder / "actors.csv"
    known: set[str] | None = None
    if not actors_path.exists():
        problems.append(Problem(label, 1, "actor_id", "actors.csv is missing from the folder; alias ids cannot be checked"))
    else:
        actors_raw = load.read_text_table(actors_path, f"{folder.name}/actors.csv", schema.ACTORS, problems)
        if actors_raw is not None:
            known = set(actors_raw["actor_id"].dropna())
    ids: dict[str, str] = {}
    if raw is not None:
        first: dict[str, tuple[int, str]] = {}
        for line, row in raw.iterrows():
            alias, actor_id = row["alias"], row["actor_id"]
            if alias is None or actor_id is None:
                continue
            if known is not None and actor_id not in known:
                problems.append(Problem(label, line, "actor_id", f"unknown actor id {actor_id!r}; not in actors.csv"))
            key = normalise(alias)
            if key in first and first[key][1] != actor_id:
                problems.append(Problem(label, line, "alias", f"{alias!r} is already mapped to {first[key][1]!r} on line "
                                                              f"{first[key][0]} (aliases match ignoring case and spaces)"))
            first.setdefault(key, (line, actor_id))
            ids.setdefault(key, actor_id)
    if problems or checked is None:
        raise ImportDataError(problems or [Problem(label, 1, "-", "could not be read")])
    return Aliases(ids, path)


def names_in(value: str, multi: bool) -> list[str]:
    """The actor names of one cell: ``;``-separated in a ``multi`` column (ACLED's associated actors)."""
    return [n for n in (part.strip() for part in value.split(";")) if n] if multi else [value.strip()]


def map_actors(raw: pl.DataFrame, aliases: Aliases, single: tuple[str, ...], multi: tuple[str, ...] = (),
               values: dict[str, list[str]] | None = None) -> tuple[pl.Expr, dict[str, int]]:
    """An expression for the ``actors`` id list, and the unmapped names with the number of rows naming them.

    ``single`` columns hold one actor name; ``multi`` columns ``;``-separated names;
    ``values``, if known, the distinct values of each column (:func:`distinct`).
    Exports repeat a few actor combinations over many rows, so the work is done once per distinct
    combination: each column's names become codes (an Enum cast), the rows are grouped by their codes,
    each group's ids are looked up in Python, and a join hands them back to every row.
    """
    columns = single + multi
    values = values or {column: distinct(raw, column) for column in columns}
    codes = raw.select(pl.col(c).cast(pl.Enum(values[c])).to_physical() for c in columns)
    combinations = codes.group_by(columns).len("rows")
    names = {c: [names_in(value, c in multi) for value in values[c]] for c in columns}
    unmapped: Counter[str] = Counter()
    results: list[str | None] = []
    for *combination, rows in combinations.iter_rows():
        found = [name for column, code in zip(columns, combination) if code is not None for name in names[column][code]]
        ids = [aliases.lookup(name) for name in found]
        unmapped.update(dict.fromkeys((name for name, i in zip(found, ids) if i is None), rows))
        results.append(";".join(dict.fromkeys(i for i in ids if i is not None)) or None)
    lists = combinations.select(columns).with_columns(actors=pl.Series(results, dtype=pl.Utf8))
    actors = codes.join(lists, on=columns, how="left", nulls_equal=True, maintain_order="left").get_column("actors")
    return pl.lit(actors), dict(unmapped)


def imported_columns(origin: str, original_id: pl.Expr, **columns: pl.Expr | str) -> list[pl.Expr]:
    """The imported-events columns in table order (:data:`.tables.COLUMNS`): ``event_id`` and ``origin``
    from ``origin`` and ``original_id``, the others from ``columns`` (an export column's name or an
    expression), null where not given."""
    given = {"event_id": pl.lit(tables.ID_PREFIX[origin]) + original_id, "origin": pl.lit(origin),
             "original_id": original_id, **{name: pl.col(c) if isinstance(c, str) else c for name, c in columns.items()}}
    return [given[name].alias(name) if name in given else pl.lit(None, dtype=column.dtype.type).alias(name)
            for name, column in tables.IMPORTED_EVENTS.columns.items()]


# --- validating, comparing, writing -----------------------------------------------------------

def schema_errors(table: pl.DataFrame) -> pp.errors.SchemaErrors | None:
    """Validate the mapped table against the pandera schema; the errors, or None."""
    try:
        tables.IMPORTED_EVENTS.validate(table, lazy=True)
    except pp.errors.SchemaErrors as err:
        return err
    return None


def report_schema_errors(err: pp.errors.SchemaErrors, raw: pl.DataFrame, failures: Failures,
                         source_column: dict[str, str]) -> None:
    """Pandera's failure cases as problems on the export's own columns and lines."""
    rows = raw.get_column("_row")
    grouped: dict[tuple[str, str], list[tuple[int | None, object]]] = {}
    for case in err.failure_cases.iter_rows(named=True):
        column = tables.FRAME_CHECK_COLUMNS.get(case["check"], "-") if case["schema_context"] == "DataFrameSchema" \
            else case["column"]
        check = {"field_uniqueness": "duplicate id", "not_nullable": "required value is missing"}.get(
            str(case["check"]), str(case["check"]))
        index = None if case["index"] is None else int(case["index"])
        grouped.setdefault((column, check), []).append((index, case["failure_case"]))
    for (column, check), hits in grouped.items():
        export_column = source_column.get(column, column)
        records = [rows[i] if i is not None else -1 for i, _ in hits]
        values = [raw.get_column(export_column)[i] if i is not None and export_column in raw.columns else v
                  for i, v in hits[:MAX_LISTED + 1]]
        failures.add(records, export_column, check, None if check == "required value is missing" else values)


def _stored(path: Path, label: str) -> pl.LazyFrame | None:
    """The stored table, lazily (nothing is read yet), or None; refused if it is not ours."""
    if not path.exists():
        return None
    expected = {name: column.dtype.type for name, column in tables.IMPORTED_EVENTS.columns.items()}
    try:
        stored = pl.scan_parquet(path)
        found = dict(stored.collect_schema())
    except (pl.exceptions.PolarsError, OSError) as err:
        raise ImportDataError([Problem(label, 1, "-", f"is not a readable Parquet file ({str(err).splitlines()[0]}); "
                                                "delete it and import the exports again")]) from None
    if found != expected:
        raise ImportDataError([Problem(label, 1, "-", "was written by another version of parley (its columns differ); "
                                                "delete it and import the exports again")])
    return stored


def _fingerprint() -> pl.Expr:
    """A hash of the whole row: per-column hashes, each column with its own seed, added (wrapping).

    Old and new rows are hashed in the same run by the same expression, so the hash function's
    version never matters. Measured 3x faster than hashing a struct of the row."""
    return pl.sum_horizontal([pl.col(c).hash(seed=i) for i, c in enumerate(tables.COLUMNS)]).alias("fingerprint")


def prepare(origin: str, table: pl.DataFrame, folder: Path, temporary: Path) -> tuple[dict[str, int], bool]:
    """Compare with the stored table and, if anything changed, write the new one to ``temporary``.

    The stored rows of other origins are kept; ``origin``'s rows become ``table``. Returns the
    counts and whether ``temporary`` was written (not when nothing changed: the stored file stays untouched).
    """
    path = folder / tables.IMPORTED_FILE
    stored = _stored(path, f"{folder.name}/{tables.IMPORTED_FILE}")
    if stored is not None:
        old = stored.filter(pl.col("origin") == origin).select("event_id", _fingerprint()).collect(engine="streaming")
        new = table.select("event_id", _fingerprint())
        if old.height == new.height and old["event_id"].equals(new["event_id"]):
            # the usual re-import: the same events in the stored order; compare row by row, no join
            common, updated = new.height, int((new["fingerprint"] != old["fingerprint"]).sum())
        else:
            both = new.join(old, on="event_id", how="inner", suffix="_old")
            common, updated = both.height, int((both["fingerprint"] != both["fingerprint_old"]).sum())
        counts = {"added": table.height - common, "updated": updated, "removed": old.height - common,
                  "unchanged": common - updated}
    else:
        counts = {"added": table.height, "updated": 0, "removed": 0, "unchanged": 0}
    if counts["added"] == counts["updated"] == counts["removed"] == 0:
        return counts, False
    result = table if stored is None else pl.concat(
        [table if o == origin else stored.filter(pl.col("origin") == o).collect() for o in tables.ORIGINS], how="vertical")
    pq.write_table(result.to_arrow(compat_level=pl.CompatLevel.newest()), temporary, **PARQUET_OPTIONS)
    return counts, True


@dataclass
class Staged:
    """What staging a table found: its rows and unmapped names, the counts against the stored table, and whether
    it was written to the temporary file (put in place only when its path returns it, i.e. it validated)."""

    rows: int
    unmapped: dict[str, int]
    counts: dict[str, int]
    written: bool


def stage(origin: str, table: pl.DataFrame, unmapped: dict[str, int], folder: Path,
          temporary: Path) -> tuple[Staged, pp.errors.SchemaErrors | None]:
    """Validate ``table`` (pandera, in a second thread) while it is compared and written (:func:`prepare`)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        validation = pool.submit(schema_errors, table)
        counts, written = prepare(origin, table, folder, temporary)
        errors = validation.result()
    return Staged(table.height, unmapped, counts, written), errors


def fast_path(origin: str, fast: Callable[[Path, str, Aliases], tuple[pl.DataFrame, dict[str, int]] | None],
              path: Path, aliases: Aliases, folder: Path, temporary: Path) -> Staged | None:
    """The fast path's table, staged; None when ``fast`` gave up or its table failed validation."""
    built = fast(path, str(path), aliases)
    if built is None:
        return None
    staged, errors = stage(origin, *built, folder, temporary)
    return staged if errors is None else None


def exact_path(origin: str, build: Callable[[pl.DataFrame, Failures, Aliases], tuple[pl.DataFrame, dict[str, int]]],
               raw: pl.DataFrame, failures: Failures, aliases: Aliases, folder: Path, temporary: Path,
               source_column: dict[str, str]) -> Staged:
    """``build``'s table of the export read as text, staged; or ImportDataError listing every problem
    found, each at its line and on the export's own column (``source_column``: table column -> export column)."""
    table, unmapped = build(raw, failures, aliases)
    if failures:  # list every problem at once: the schema checks run on the rows that parsed
        kept = ~failures.rejected
        errors = schema_errors(table.filter(kept))
        if errors is not None:
            report_schema_errors(errors, raw.filter(kept), failures, source_column)
        raise ImportDataError(failures.problems())
    staged, errors = stage(origin, table, unmapped, folder, temporary)
    if errors is not None:
        report_schema_errors(errors, raw, failures, source_column)
        raise ImportDataError(failures.problems())
    return staged


def run(origin: str, file, data_dir, *, required: tuple[str, ...], optional: tuple[str, ...],
        build: Callable[[pl.DataFrame, Failures, Aliases], tuple[pl.DataFrame, dict[str, int]]],
        source_column: dict[str, str],
        fast: Callable[[Path, str, Aliases], tuple[pl.DataFrame, dict[str, int]] | None] | None = None) -> ImportReport:
    """Read, map, validate and store one export; raise ImportDataError listing every problem.

    One path: ``fast``, if given, reads typed columns and maps without locating anything, and gives
    up (None) at the first sign of a problem. When it gives up, or when its table fails validation,
    the exact path (read as text, ``build``, locate every problem) runs from the start, so problems
    are always reported the exact path's way. Either table is validated while it is compared and
    written to a temporary file, which replaces the stored table (fsync, rename) only at the end.
    """
    path, folder = Path(file), Path(data_dir)
    if not folder.is_dir():
        raise UsageError(f"--into {folder}: no such conflict folder")
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    aliases = read_aliases(folder)
    target = folder / tables.IMPORTED_FILE
    with temporary_beside(target) as temporary:
        staged = fast_path(origin, fast, path, aliases, folder, temporary) if fast is not None else None
        if staged is None:
            raw = read_export(path, str(path), required, optional, kind=f"{tables.ORIGIN_NAMES[origin]} export")
            staged = exact_path(origin, build, raw, Failures(path, str(path)), aliases, folder, temporary, source_column)
        if staged.written:
            replace_with(temporary, target)
    return ImportReport(origin=origin, source=str(path), target=target, rows=staged.rows, written=staged.written,
                        unmapped=staged.unmapped, aliases_file=aliases.path or folder / tables.ALIASES_FILE, **staged.counts)
