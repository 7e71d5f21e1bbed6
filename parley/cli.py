"""`python -m parley`: a thin layer over the package; every user error is one clear message and exit 1."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .errors import ParleyError, UsageError


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
    return "\n".join(lines)


def cmd_validate(args) -> int:
    from .load import load_conflict
    print(_summary(load_conflict(args.data_dir)))
    return 0


def cmd_schema_docs(args) -> int:
    from .schema import markdown_docs
    if args.out:
        Path(args.out).write_text(markdown_docs(), encoding="utf-8")
        print(args.out)
    else:
        sys.stdout.write(markdown_docs())
    return 0


def resolve_period(text: str, data_dir: str, cadence: str = "month"):
    """`latest` = the newest complete period that holds events; anything else is parsed strictly."""
    import datetime as dt

    from .meta import latest_event_day
    from .periods import latest_complete, parse_period
    if text != "latest":
        return parse_period(text)
    newest = latest_event_day(data_dir)
    if newest is None:
        raise UsageError(f"{data_dir}: no dated events, so there is no latest period; give --period")
    return latest_complete(cadence, newest, dt.date.today())


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def cmd_render(args) -> int:
    from .meta import read_conflict_meta
    from .render import parse_formats, render, report_folder, start_kernel, NOTEBOOK
    formats = parse_formats(args.format)
    period = resolve_period(args.period, args.data_dir)  # refused before anything starts
    meta = read_conflict_meta(args.data_dir)
    report_folder(Path(args.out), meta.id, period)  # a report that would land outside --out: refused before the kernel
    kernel = start_kernel(NOTEBOOK.parent)
    report = render(args.data_dir, period, out=args.out, formats=formats, meta=meta, kernel=kernel)
    from .render import locked
    from .schedule import LOCK, write_index
    with locked(Path(args.out) / LOCK):
        write_index(Path(args.out))
    for fmt in formats:
        print(shown(report.html if fmt == "html" else report.pdf))
    return 0


def cmd_schedule(args) -> int:
    from . import schedule
    from .periods import CADENCES
    if args.cadence not in CADENCES:
        raise UsageError(f"cadence {args.cadence!r} is not one of: {', '.join(CADENCES)}")
    outcome = schedule.run(args.data_dir, args.cadence, since=args.since, until=args.until, out=args.out,
                           jobs=args.jobs, progress=not args.quiet)
    print(schedule.summary(outcome))
    print(shown(Path(args.out) / "index.html"))
    return 1 if outcome.failed else 0


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
    p.add_argument("--jobs", type=int, default=None, help="parallel renders (default: number of cores)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=cmd_schedule)

    p = sub.add_parser("schema-docs", help="print (or write) the data-format reference generated from the schemas")
    p.add_argument("--out")
    p.set_defaults(run=cmd_schema_docs)

    def cmd_import(args) -> int:  # imports polars and pandera only when this command runs
        from .importers import IMPORTERS
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

    p = sub.add_parser("forecast", help="bargaining-model forecast per issue from the positions in force at a date")
    p.add_argument("data_dir")
    p.add_argument("--date", required=True, help="YYYY-MM-DD: use the positions in force on this day")
    p.add_argument("--format", default="table", help="table (default) or json")
    p.set_defaults(run=cmd_forecast)
    return parser


def cmd_forecast(args) -> int:
    import json

    from .bargaining import forecast, format_table
    from .load import load_conflict
    from .periods import parse_date
    day = parse_date(args.date, "--date")  # refused before any data is read
    if args.format not in ("table", "json"):
        raise UsageError(f"--format {args.format!r} is not one of: table, json")
    result = forecast(load_conflict(args.data_dir), day)
    sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n" if args.format == "json" else format_table(result))
    return 0


def cmd_new(args) -> int:
    from .load import load_conflict
    from .periods import parse_date
    from .scaffold import scaffold
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
