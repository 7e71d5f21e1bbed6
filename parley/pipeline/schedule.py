"""Keep a conflict's briefings current: render what is missing or stale, skip the rest, rebuild the index.

Safe under cron: one run at a time per output folder (an flock that the kernel releases even when
the process is killed), every file written under a temporary name and renamed, failures reported
with a non-zero exit while the previous good reports stay where they were.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

from parley.data import periods as P
from parley.data.meta import ConflictMeta, coverage_end, read_conflict_meta
from parley.errors import ParleyError
from parley.pipeline.cluster import run_all
from parley.pipeline.index import LOCK, write_index
from parley.pipeline.render import current_digests, inputs_digest, locked, read_manifest, render, report_folder
from parley.pipeline.verify import verify_all

DEFAULT_SPAN = 12  # periods rendered when --since is not given


@dataclass
class Outcome:
    rendered: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    uncovered: list[str] = field(default_factory=list)  # periods starting after covered_until, not rendered
    covered_until: dt.date | None = None
    verified: list[str] | None = None  # None: --verify not asked
    drifted: dict[str, str] = field(default_factory=dict)


def periods_to_consider(cadence: str, since: str | None, until: str | None, today: dt.date) -> list[P.Period]:
    last = P.parse_period(until) if until else P.last_complete(cadence, today)
    if since:
        first = P.parse_period(since)
    else:
        first = last
        for _ in range(DEFAULT_SPAN - 1):
            first = P.of_cadence(cadence, first.start - dt.timedelta(days=1))
    if first.start > last.end:
        raise ParleyError(f"--since {since} is after --until {until or last.label}")
    return P.between(cadence, first, last)


def split_by_coverage(periods: list[P.Period], covered_until: dt.date | None) -> tuple[list[P.Period], list[P.Period]]:
    """(periods with covered days, periods that start after covered_until): the latter would only say 'not covered'."""
    if covered_until is None:
        return periods, []
    return ([p for p in periods if p.start <= covered_until], [p for p in periods if p.start > covered_until])


def is_current(folder: Path, data_dir: Path, period: P.Period, known: dict | None = None) -> bool:
    """The report exists and every data file it read (as its kernel recorded them), the notebook, parley's code and
    the period are what they were; a report from before the recorded inputs counts as stale."""
    manifest = read_manifest(folder)
    if not manifest or not (folder / "briefing.html").is_file() or not isinstance(manifest.get("input_files"), dict):
        return False
    now = current_digests(data_dir, manifest["input_files"], known)
    return manifest.get("inputs") == inputs_digest(now, period)


def plan(data_dir: Path, meta: ConflictMeta, periods: list[P.Period], out: Path) -> tuple[list[P.Period], list[P.Period]]:
    """(to render, up to date): a period is rendered when its report is missing or its inputs changed."""
    todo, fresh, known = [], [], {}
    for period in periods:
        (fresh if is_current(report_folder(out, meta.id, period), data_dir, period, known) else todo).append(period)
    return todo, fresh


def run(data_dir: str | Path, cadence: str, since: str | None = None, until: str | None = None,
        out: str | Path = "reports", jobs: int | None = None, today: dt.date | None = None,
        progress: bool = True, include_uncovered: bool = False, verify: bool = False,
        scheduler: str | None = None) -> Outcome:
    """Render what is missing or stale; periods wholly after covered_until are skipped unless include_uncovered.

    The renders run on a dask cluster (parley.pipeline.cluster): `jobs` worker processes embedded in this run, or
    the cluster whose scheduler is at `scheduler` (or $PARLEY_SCHEDULER)."""
    data_dir, out = Path(data_dir).resolve(), Path(out).resolve()
    meta = read_conflict_meta(data_dir)
    periods = periods_to_consider(cadence, since, until, today or dt.date.today())
    outcome = Outcome(covered_until=coverage_end(data_dir, meta))
    if not include_uncovered:
        periods, uncovered = split_by_coverage(periods, outcome.covered_until)
        outcome.uncovered = [p.label for p in uncovered]
    out.mkdir(parents=True, exist_ok=True)
    with locked(out / LOCK):
        todo, fresh = plan(data_dir, meta, periods, out)
        outcome.skipped = [p.label for p in fresh]
        if todo:
            _render_all(data_dir, meta, todo, out, jobs or os.cpu_count() or 1, outcome, progress, scheduler)
        if verify:
            _verify_fresh([report_folder(out, meta.id, p) for p in fresh], jobs or os.cpu_count() or 1, outcome,
                          progress, scheduler)
        write_index(out)
    return outcome


def render_period(data_dir: Path, out: Path, meta: ConflictMeta, period: P.Period, kernels=None) -> str:
    """One task of a schedule run, on whichever worker dask gives it: render, with that worker's warm kernels."""
    render(data_dir, period, out=out, meta=meta, kernels=kernels)
    return period.label


def _render_all(data_dir: Path, meta: ConflictMeta, todo: list[P.Period], out: Path, jobs: int,
                outcome: Outcome, progress: bool, scheduler: str | None) -> None:
    """Render on the cluster, one task per period; a failed period is named, the others complete."""
    work = functools.partial(render_period, data_dir, out, meta)
    for period, _, error in run_all(work, todo, jobs, f"{meta.id} {len(todo)} briefings", progress, scheduler):
        if error is None:
            outcome.rendered.append(period.label)
        else:
            outcome.failed[period.label] = str(error)
    outcome.rendered.sort()


def _verify_fresh(folders: list[Path], jobs: int, outcome: Outcome, progress: bool, scheduler: str | None) -> None:
    """Verify what was up to date (not re-rendered); a drift is reported and marked, never rendered over."""
    verdicts, failures = verify_all(folders, jobs, progress, scheduler)
    outcome.verified = [v.folder.name for v in verdicts if v.result == "verified"]
    outcome.drifted = {v.folder.name: v.text() for v in verdicts if v.result == "drifted"}
    outcome.drifted.update((folder.name, f"could not verify: {message}") for folder, message in failures.items())


def summary(outcome: Outcome) -> str:
    lines = [f"rendered {len(outcome.rendered)}, up to date {len(outcome.skipped)}, failed {len(outcome.failed)}"]
    lines += [f"  rendered {label}" for label in outcome.rendered]
    lines += [f"  FAILED {label}: {message}" for label, message in sorted(outcome.failed.items())]
    if outcome.uncovered:
        lines.append(f"  not covered (after covered_until {outcome.covered_until}), skipped: "
                     f"{', '.join(outcome.uncovered)}"
                     " (--include-uncovered renders them)")
    if outcome.verified is not None:
        lines.append(f"verified {len(outcome.verified)}, drifted {len(outcome.drifted)} (of those up to date)")
        lines += [f"  DRIFTED {label}: {text}" for label, text in sorted(outcome.drifted.items())]
    return "\n".join(lines)
