"""`python -m parley`: a thin layer over the package; every user error is one clear message and exit 1."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from parley import __version__
from parley.errors import ParleyError, UsageError


def _summary(conflict) -> str:
    events, positions = conflict.events, conflict.positions
    sources = set(events["source"]) | set(positions["source"]) | set(conflict.actors["source"])
    def span(frame):
        if frame.empty:
            return "none yet"
        return f"{frame['date'].min():%Y-%m-%d} to {frame['date'].max():%Y-%m-%d}"
    lines = [
        f"{conflict.meta.name} ({conflict.meta.id}) - {conflict.folder}: valid",
        f"  actors     {len(conflict.actors):>5}  {', '.join(conflict.actors['actor_id'])}",
        f"  issues     {len(conflict.issues):>5}  {', '.join(conflict.issues['issue_id'])}",
        f"  events     {len(events):>5}  {span(events)}",
        f"  positions  {len(positions):>5}  {span(positions)}",
        f"  sources    {len(sources):>5}  distinct; {int(events['source_url'].notna().sum())} events and "
        f"{int(positions['source_url'].notna().sum())} positions link to them",
    ]
    sourced = [conflict.actors[conflict.actors["capability"].notna()], events, positions, conflict.influence,
               conflict.outcome]  # an actor without a capability figure states no sourced fact (as in `sources`)
    ungraded = sum(int(frame["source_type"].isna().sum()) for frame in sourced
                   if frame is not None and "source_type" in frame)
    if ungraded:
        lines.append(f"  sources    {ungraded:>5}  rows ungraded (no source_type): see docs/sourcing.md")
    covered = conflict.covered_until
    declared = ("conflict.toml" if conflict.meta.covered_until
                else "latest dated row; set covered_until in conflict.toml")
    lines.append(f"  covered    until {covered:%Y-%m-%d} ({declared})" if covered else "  covered    nothing dated")
    if conflict.outcome is not None:
        known = ", ".join(conflict.outcome["issue_id"])
        lines.append(f"  outcomes   {len(conflict.outcome):>5}  {known} (outcome.csv, for backtest)")
    return "\n".join(lines)


def cmd_validate(args) -> int:
    from parley.data.load import load_conflict
    print(_summary(load_conflict(args.data_dir)))
    return 0


def cmd_sources(args) -> int:
    from parley.data import sources
    if args.format not in ("table", "json"):
        raise UsageError(f"--format {args.format!r} is not one of: table, json")
    result = sources.run(args.data_dir)
    sys.stdout.write(sources.as_json(result) if args.format == "json" else sources.format_table(result))
    return 1 if result.problems else 0


def cmd_schema_docs(args) -> int:
    from parley.data.schema import markdown_docs, source_grades_markdown
    if args.grades:
        print(source_grades_markdown())
    elif args.out:
        Path(args.out).write_text(markdown_docs(), encoding="utf-8")
        print(args.out)
    else:
        sys.stdout.write(markdown_docs())
    return 0


def resolve_period(text: str, data_dir: str, cadence: str = "month"):
    """`latest` = the newest complete period that holds events and that the data covers (conflict.toml's
    covered_until): a briefing of a month the data mostly does not cover would say nothing. Anything else is
    parsed strictly."""
    import datetime as dt

    from parley.data.meta import latest_event_day, read_conflict_meta
    from parley.data.periods import latest_complete, parse_period
    if text != "latest":
        return parse_period(text)
    newest = latest_event_day(data_dir)
    if newest is None:
        raise UsageError(f"{data_dir}: no dated events, so there is no latest period; give --period")
    ended_by = dt.date.today()
    covered_until = read_conflict_meta(data_dir).covered_until
    if covered_until is not None:
        ended_by = min(ended_by, covered_until + dt.timedelta(days=1))
    return latest_complete(cadence, newest, ended_by)


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def cmd_render(args) -> int:
    from parley.data.meta import read_conflict_meta
    from parley.pipeline.render import parse_formats, render, report_folder
    formats = parse_formats(args.format)
    period = resolve_period(args.period, args.data_dir)  # refused before anything starts
    meta = read_conflict_meta(args.data_dir)
    report_folder(Path(args.out), meta.id, period)  # a report that would land outside --out: refused before the kernel
    report = render(args.data_dir, period, out=args.out, formats=formats, meta=meta)
    from parley.pipeline.index import LOCK, write_index
    from parley.pipeline.render import locked
    with locked(Path(args.out) / LOCK):
        write_index(Path(args.out))
    for fmt in formats:
        print(shown(report.html if fmt == "html" else report.pdf))
    return 0


def cmd_schedule(args) -> int:
    from parley.data.periods import CADENCES
    from parley.pipeline import schedule
    if args.cadence not in CADENCES:
        raise UsageError(f"cadence {args.cadence!r} is not one of: {', '.join(CADENCES)}")
    outcome = schedule.run(args.data_dir, args.cadence, since=args.since, until=args.until, out=args.out,
                           jobs=args.jobs, progress=not args.quiet, include_uncovered=args.include_uncovered,
                           scheduler=args.scheduler,
                           verify=args.verify)
    print(schedule.summary(outcome))
    print(shown(Path(args.out) / "index.html"))
    return 1 if outcome.failed or outcome.drifted else 0


def cmd_verify(args) -> int:
    from parley.pipeline import verify
    from parley.pipeline.index import refresh_indexes
    reports = verify.find_reports(args.paths or ["reports"])  # a folder without reports: refused before any kernel
    verdicts, failures = verify.verify_all(reports, jobs=args.jobs or os.cpu_count() or 1, progress=not args.quiet,
                                           scheduler=args.scheduler)
    for verdict in verdicts:
        print(f"{shown(verdict.folder)}: {verdict.text()}")
    for folder, message in sorted(failures.items()):
        print(f"{shown(folder)}: failed: {message}")
    refresh_indexes(reports)
    return 0 if not failures and all(v.result == "verified" for v in verdicts) else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m parley", description=__doc__)
    parser.add_argument("--version", action="version", version=f"parley {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a conflict folder; list every problem as file:line: column: message")
    p.add_argument("data_dir")
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("render", help="render one briefing: reports/<conflict>/<period>/briefing.html")
    p.add_argument("data_dir")
    p.add_argument("--period", required=True, help="YYYY-MM, YYYY-Www, YYYY-MM-DD:YYYY-MM-DD, or latest")
    p.add_argument("--out", default="reports")
    p.add_argument("--format", default="html", help="html, pdf or html,pdf")
    p.set_defaults(run=cmd_render)

    p = sub.add_parser("schedule", help="render every missing or stale briefing of a cadence; rebuild reports/index.html")
    p.add_argument("data_dir")
    p.add_argument("--cadence", required=True, help="month or week")
    p.add_argument("--since", help="first period (default: 12 periods before --until)")
    p.add_argument("--until", help="last period (default: the last complete one)")
    p.add_argument("--out", default="reports")
    p.add_argument("--jobs", type=int, default=None,
                   help="worker processes of the embedded cluster, one render each (default: number of cores)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", default=None,
                   help="run on the dask cluster of this scheduler (default: $PARLEY_SCHEDULER, else an embedded "
                        "cluster of --jobs worker processes)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--include-uncovered", action="store_true",
                   help="also render periods that start after covered_until (default: skipped)")
    p.add_argument("--verify", action="store_true", help="also verify the briefings that were up to date (see verify)")
    p.set_defaults(run=cmd_schedule)

    p = sub.add_parser("sources", help="source grades (counts and shares) and sourcing problems as "
                                       "file:line: column: message; exit 1 when any problem is found")
    p.add_argument("data_dir", help="a conflict folder, or data/reference")
    p.add_argument("--format", default="table", help="table (default) or json")
    p.set_defaults(run=cmd_sources)

    p = sub.add_parser("verify", help="re-execute rendered briefings against the current data and code; "
                                      "print verified, or drifted with the cells and the changed input files")
    p.add_argument("paths", nargs="*", metavar="PATH", help="a report folder, a conflict's reports folder or "
                                                           "reports/ (default: reports)")
    p.add_argument("--jobs", type=int, default=None,
                   help="worker processes of the embedded cluster, one verification each (default: number of cores)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", default=None,
                   help="run on the dask cluster of this scheduler (default: $PARLEY_SCHEDULER, else an embedded "
                        "cluster of --jobs worker processes)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=cmd_verify)

    p = sub.add_parser("schema-docs", help="print (or write) the data-format reference generated from the schemas")
    p.add_argument("--out")
    p.add_argument("--grades", action="store_true", help="print only the source-grade table (docs/sourcing.md)")
    p.set_defaults(run=cmd_schema_docs)

    def cmd_import(args) -> int:  # imports polars and pandera only when this command runs
        from parley.data.importers import IMPORTERS
        print(IMPORTERS[args.source](args.file, args.into).text())
        return 0

    p = sub.add_parser("import", help="import an ACLED or UCDP GED export (CSV) into DATA_DIR/imported_events.parquet; "
                                      "prints added/updated/removed/unchanged and unmapped actors")
    p.add_argument("source", choices=("acled", "ucdp-ged"), help="format of the export")
    p.add_argument("file", help="the exported CSV file")
    p.add_argument("--into", required=True, metavar="DATA_DIR", help="conflict folder (actor_aliases.csv maps actor names)")
    p.set_defaults(run=cmd_import)

    p = sub.add_parser("new", help="create a conflict folder: conflict.toml and the four tables, each with its "
                                   "header and a commented example row; it validates as it is")
    p.add_argument("data_dir", help="the folder to create, e.g. data/korea-1950 (its name is the conflict id)")
    p.add_argument("--name", required=True, help="display name, e.g. \"Korean War armistice talks\"")
    p.add_argument("--start", help="start of the conflict, YYYY-MM-DD (default: today; edit conflict.toml later)")
    p.set_defaults(run=cmd_new)

    p = sub.add_parser("forecast", help="forecast per issue from the positions in force at a date: the headline "
                                       "method with its calibrated 80%% interval, the expected-utility scenario")
    p.add_argument("data_dir")
    p.add_argument("--date", required=True, help="YYYY-MM-DD: use the positions in force on this day")
    p.add_argument("--format", default="table", help="table (default) or json")
    p.add_argument("--rounds", default="5", help="rounds of the bargaining model to run (default 5)")
    p.add_argument("--draws", default="200", help="draws of the inputs for the scenario's sensitivity band (default 200; 0 = none)")
    p.add_argument("--reading", default="replicating", help="replicating (default), printed or scholz-code: "
                                                             "which reading of the model's rules (docs/bargaining.md)")
    p.set_defaults(run=cmd_forecast)

    p = sub.add_parser("benchmark", help="score every forecasting method on a table of decisions with known outcomes "
                                         "(deu3: a DEU-format table, tab-separated); the headline parley leads with")
    p.add_argument("suite", choices=("deu3",), help="the table's format: deu3 (DEU III, Arregui & Perarnaud 2021)")
    p.add_argument("file", help="the table, e.g. data/reference/deu3/deu3-dev.tsv")
    p.add_argument("--format", default="table", help="table (default) or json")
    p.set_defaults(run=cmd_benchmark)

    p = sub.add_parser("outlook", help="the outside view: chances the war ends within 6, 12 and 24 months, and how "
                                       "comparable wars ended, from the UCDP Conflict Termination data (docs/outlook.md)")
    p.add_argument("data_dir")
    p.add_argument("--date", required=True, help="YYYY-MM-DD: the war's duration is counted to this day")
    p.add_argument("--format", default="table", help="table (default) or json")
    p.set_defaults(run=cmd_outlook)

    p = sub.add_parser("backtest", help="score the forecast against known outcomes (outcome.csv), beside simple "
                                        "baselines, per case and pooled")
    p.add_argument("data_dirs", nargs="*", metavar="DIR",
                   help="conflict folders with outcome.csv (default: every case in data/historical); among several, "
                        "a folder without outcome.csv is skipped with a warning, alone it is an error")
    p.add_argument("--horizons", default="12,6,1", help="months before each outcome, comma-separated (default 12,6,1)")
    p.add_argument("--format", default="table", help="table (default) or json")
    p.set_defaults(run=cmd_backtest)
    return parser


def _count(text: str, option: str, low: int, high: int) -> int:
    """A whole number from `low` to `high` given on the command line, or a UsageError naming the option."""
    if not text.isdigit() or not low <= int(text) <= high:
        raise UsageError(f"{option} must be a whole number from {low} to {high}, got {text!r}")
    return int(text)


def cmd_backtest(args) -> int:
    import json

    from parley.analysis import backtest
    from parley.data.meta import find_historical
    horizons = backtest.parse_horizons(args.horizons)  # refused before any data is read
    if args.format not in ("table", "json"):
        raise UsageError(f"--format {args.format!r} is not one of: table, json")
    folders = args.data_dirs or backtest.default_folders(find_historical())
    conflicts = backtest.load_cases(folders, warn=lambda text: print(text, file=sys.stderr))
    result = backtest.backtest(conflicts, horizons)
    sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n" if args.format == "json"
                     else backtest.format_table(result))
    return 0


def cmd_benchmark(args) -> int:
    import json

    from parley.analysis import deu, methods
    if args.format not in ("table", "json"):
        raise UsageError(f"--format {args.format!r} is not one of: table, json")
    result = methods.score(deu.read(args.file))
    sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n" if args.format == "json"
                     else methods.format_table(result))
    return 0


def cmd_forecast(args) -> int:
    import json

    from parley.analysis.bargaining import READINGS
    from parley.analysis.forecast import forecast, format_table
    from parley.data.load import load_conflict
    from parley.data.periods import parse_date
    day = parse_date(args.date, "--date")  # refused before any data is read
    if args.format not in ("table", "json"):
        raise UsageError(f"--format {args.format!r} is not one of: table, json")
    rounds, draws = _count(args.rounds, "--rounds", 0, 100), _count(args.draws, "--draws", 0, 100_000)
    if args.reading not in READINGS:
        raise UsageError(f"--reading {args.reading!r} is not one of: {', '.join(READINGS)}")
    result = forecast(load_conflict(args.data_dir), day, rounds=rounds, draws=draws, reading=args.reading)
    sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n" if args.format == "json" else format_table(result))
    return 0


def cmd_outlook(args) -> int:
    import json

    from parley.analysis import outlook
    from parley.data.meta import read_conflict_meta, relative_label
    from parley.data.periods import parse_date
    day = parse_date(args.date, "--date")  # refused before any data is read
    if args.format not in ("table", "json"):
        raise UsageError(f"--format {args.format!r} is not one of: table, json")
    folder = Path(args.data_dir)
    meta = read_conflict_meta(folder)
    outlook.require_fields(meta, relative_label(folder / "conflict.toml", folder))
    result = outlook.for_conflict(meta, day, folder)
    result.pop("_curves")
    sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n" if args.format == "json"
                     else outlook.format_table(result))
    return 0


def cmd_new(args) -> int:
    from parley.data.load import load_conflict
    from parley.data.periods import parse_date
    from parley.data.scaffold import scaffold
    start = parse_date(args.start, "--start") if args.start else None
    for path in scaffold(args.data_dir, args.name, start):
        print(shown(path))
    print(_summary(load_conflict(args.data_dir)))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ParleyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stdout = open(os.devnull, "w")
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
