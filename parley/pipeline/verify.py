"""Published briefings checked against their data: re-execute each report's notebook and compare, as nbval does.

A report folder keeps the executed ``briefing.ipynb`` beside the HTML. verify runs that notebook again, in a
kernel whose working folder is the report folder (the render injected ``data_dir`` relative to it, so a project
copied with its data and reports verifies in its new place), against the current data and parley, and compares
every code cell's outputs with the stored ones using nbval's own comparison and the sanitizing rules ``make
test`` uses (``nbval_sanitize.cfg``, one file for both). The verdict goes to ``verify.json`` beside the report,
which the index shows; nothing else in the folder changes, and a drifted report is never re-rendered here.
"""

from __future__ import annotations

import ast
import datetime as dt
import html
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from parley import __version__
from parley.digest import code_digest
from parley.errors import ParleyError, RenderError, UsageError
from parley.pipeline import render
from parley.pipeline.cluster import run_all
from parley.pipeline.index import NOTEBOOK_NAME, RESULT, sha256_file
from parley.pipeline.kernels import KernelPool, running_kernel
from parley.pipeline.render import MANIFEST, execute, import_papermill, locked, read_manifest, write_atomic

SANITIZE = Path(__file__).resolve().parents[1] / "nbval_sanitize.cfg"
SHOWN_GROUPS = 6  # a drift names its first cells, grouped by section; the rest are counted
# nbval's IPyNbFile.skip_compare without --nbdime (built in its __init__, so it cannot be imported);
# tests/integration/test_verify_cli.py runs nbval itself on a drifted report and checks that both name the same cells.
SKIP_COMPARE = ("metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
                "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg")
HEADING = re.compile(r"<h([1-3])\b[^>]*>(.*?)</h\1>", re.IGNORECASE | re.DOTALL)
NO_INPUTS = "inputs: unknown (manifest predates per-file digests)"


@dataclass(frozen=True)
class Drift:
    """A code cell (numbered as nbval does: code cells from 0) whose outputs differ, or that raised."""
    cell: int
    section: str
    error: str = ""

    def text(self) -> str:
        where = f"cell {self.cell} ({self.section})" if self.section else f"cell {self.cell}"
        return f"{where} raised {self.error}" if self.error else where


@dataclass
class Verdict:
    folder: Path
    drifts: list[Drift] = field(default_factory=list)
    changed: list[str] | None = None  # None: the manifest predates per-file digests
    checked: str = ""

    @property
    def result(self) -> str:
        return "drifted" if self.drifts else "verified"

    def text(self) -> str:
        """`verified`, or `drifted: <first cells>; <inputs changed since the render>`."""
        if self.changed is None:
            inputs = NO_INPUTS
        elif self.changed:
            inputs = f"inputs changed since the render: {', '.join(self.changed)}"
        else:
            inputs = "inputs: none changed since the render (a dependency or the environment differs)"
        if not self.drifts:
            return f"verified (outputs the same; {inputs})" if self.changed else "verified"
        groups = group_by_section(self.drifts)
        cells = ", ".join(groups[:SHOWN_GROUPS])
        more = f" and {len(groups) - SHOWN_GROUPS} more" if len(groups) > SHOWN_GROUPS else ""
        return f"drifted: {cells}{more}; {inputs}"


def group_by_section(drifts: list[Drift]) -> list[str]:
    """`cell 3 (Key points)`, `cells 6-7 (Where the actors stand)`: neighbouring cells of one section together."""
    runs: list[list[Drift]] = []
    for drift in drifts:
        last = runs[-1][-1] if runs else None
        if last and not last.error and not drift.error and (last.cell + 1, last.section) == (drift.cell, drift.section):
            runs[-1].append(drift)
        else:
            runs.append([drift])
    texts = []
    for run in runs:
        if len(run) == 1:
            texts.append(run[0].text())
        else:
            cells = f"cells {run[0].cell}-{run[-1].cell}"
            texts.append(f"{cells} ({run[0].section})" if run[0].section else cells)
    return texts


# --- which reports -----------------------------------------------------------------------------

def is_report(folder: Path) -> bool:
    return (folder / NOTEBOOK_NAME).is_file() and (folder / MANIFEST).is_file()


def find_reports(paths) -> list[Path]:
    """Report folders under each path: a report folder itself, a conflict's reports folder, or reports/."""
    found: dict[Path, None] = {}
    for given in paths:
        folder = Path(given)
        if not folder.is_dir():
            raise UsageError(f"{given}: no such folder")
        if is_report(folder):
            found[folder.resolve()] = None
            continue
        inside = sorted(m.parent for depth in ("*", "*/*") for m in folder.glob(f"{depth}/{MANIFEST}"))
        reports = [report for report in inside if is_report(report)]
        if not reports:
            raise UsageError(f"{given}: holds no rendered report (a report folder has {NOTEBOOK_NAME} and "
                             f"{MANIFEST}; give one, a conflict's reports folder, or reports/)")
        found.update((report.resolve(), None) for report in reports)
    return list(found)


# --- comparing as nbval does -------------------------------------------------------------------

def sanitize_patterns(path: Path = SANITIZE) -> list[tuple[str, str]]:
    from nbval.plugin import get_sanitize_patterns
    return get_sanitize_patterns(path.read_text(encoding="utf-8"))


def _nbval_comparer(patterns):
    """An object with what nbval's IPyNbCell.compare_outputs reads, so the comparison is nbval's own code."""
    from nbval import plugin

    class Comparer:
        colors = plugin.nocolors
        compare_outputs = plugin.IPyNbCell.compare_outputs
        sanitize = plugin.IPyNbCell.sanitize

        def __init__(self):
            self.parent = SimpleNamespace(skip_compare=SKIP_COMPARE, sanitize_patterns=dict(patterns))

        def format_output_compare(self, key, left, right):
            self.comparison_traceback.append(f"mismatch {key!r}")

    return Comparer()


def _nbval_options(cell) -> dict:
    from nbval.plugin import find_comment_markers, find_metadata_tags
    return {**dict(find_metadata_tags(cell.metadata)), **dict(find_comment_markers(cell.source))}


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def sections(notebook) -> list[str]:
    """Each code cell's section: the first heading in its own HTML output, else the nearest heading above
    (a markdown cell's, or one in an earlier cell's output)."""
    current, found = "", []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            titles = [line.lstrip("#").strip() for line in cell.source.splitlines() if line.startswith("#")]
            current = titles[-1] if titles else current
        elif cell.cell_type == "code":
            pages = ["".join(output.get("data", {}).get("text/html", "")) for output in cell.get("outputs", [])]
            headings = [_plain(match.group(2)) for page in pages for match in HEADING.finditer(page)]
            found.append(headings[0] if headings else current)
            current = headings[-1] if headings else current
    return found


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def compare(stored, executed, failure: str = "", patterns=()) -> list[Drift]:
    """The code cells whose new outputs differ from the stored ones, with nbval's rules.

    The run stops at a cell that raises (papermill), so that cell is the last one named.
    """
    from nbval.plugin import coalesce_streams

    comparer = _nbval_comparer(patterns)
    names = sections(stored)
    old_cells = [cell for cell in stored.cells if cell.cell_type == "code"]
    new_cells = [cell for cell in executed.cells if cell.cell_type == "code"] if executed is not None else []
    drifts = []
    for number, old in enumerate(old_cells):
        new = new_cells[number] if number < len(new_cells) else None
        if new is None or (new.execution_count is None and old.execution_count is not None):
            return drifts or [Drift(number, names[number], _first_line(failure) or "nothing: it did not run")]
        error = next((o for o in new.outputs if o.output_type == "error"), None)
        if error is not None:
            return drifts + [Drift(number, names[number], _first_line(f"{error.ename}: {error.evalue}"))]
        options = _nbval_options(old)
        if options.get("skip") or not options.get("check", True) or old.execution_count is None:
            continue
        if not comparer.compare_outputs(coalesce_streams(new.outputs), coalesce_streams(old.outputs)):
            drifts.append(Drift(number, names[number]))
    return drifts


# --- what changed since the render --------------------------------------------------------------

def injected_data_dir(notebook) -> str | None:
    """The data_dir papermill injected at render time (relative to the report folder since per-file digests)."""
    for cell in notebook.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "data_dir" for t in node.targets):
                    return ast.literal_eval(node.value)
    return None


def changed_inputs(folder: Path, manifest: dict, notebook) -> list[str] | None:
    """Data files whose digest differs from the one recorded at render time (and parley's code, if it changed);
    None when the manifest has no per-file digests."""
    recorded, data_dir = manifest.get("input_files"), injected_data_dir(notebook)
    if recorded is None or data_dir is None:
        return None
    try:
        current = render.current_digests(folder / data_dir, recorded)
    except RenderError:
        current = {}
    changed = []
    for name in sorted(set(recorded) | set(current)):
        before, now = recorded.get(name), current.get(name)
        if before != now:
            changed.append(f"{name} (new)" if before is None else f"{name} (missing)" if now is None else name)
    if manifest.get("code") not in (None, code_digest()):
        changed.append("parley code")
    return changed


# --- running -----------------------------------------------------------------------------------

def verify(folder: Path, kernels: KernelPool | None = None) -> Verdict:
    """Re-execute one report's notebook against the current data and parley; store and return the verdict.

    On a cluster worker `kernels` hands over a warm kernel; otherwise one is started here."""
    try:
        return _verify(Path(folder), kernels)
    except OSError as err:  # a read-only or vanished report folder: one line, not a traceback
        where = f" ({err.filename})" if err.filename else ""
        raise ParleyError(f"could not verify {folder}: {err.strerror or err}{where}") from None


def _verify(folder: Path, kernels: KernelPool | None) -> Verdict:
    with locked(folder / ".lock"):  # a render of this folder waits: the stored notebook cannot change meanwhile
        stored_path = folder / NOTEBOOK_NAME
        with tempfile.TemporaryDirectory(prefix="parley-verify-") as work:
            executed_path = Path(work) / NOTEBOOK_NAME
            failure = ""
            # the kernel boots while execute imports papermill and nbformat (seconds); nbval is imported after
            with running_kernel(folder, kernels) as kernel:
                try:
                    execute(stored_path, None, executed_path, kernel)
                except RenderError as err:
                    failure = str(err)
            import_papermill()
            import nbformat

            stored = nbformat.read(stored_path, as_version=4)
            executed = nbformat.read(executed_path, as_version=4) if executed_path.is_file() else None
        verdict = Verdict(folder, compare(stored, executed, failure, sanitize_patterns()),
                          changed_inputs(folder, read_manifest(folder) or {}, stored),
                          dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        record = {"checked": verdict.checked, "result": verdict.result, "summary": verdict.text(),
                  "cells": [{"cell": d.cell, "section": d.section, "error": d.error} for d in verdict.drifts],
                  "inputs_changed": verdict.changed, "notebook_sha256": sha256_file(stored_path), "parley": __version__}
        write_atomic(folder / RESULT, json.dumps(record, indent=2, ensure_ascii=False).encode("utf-8"))
    return verdict


def verify_all(folders: list[Path], jobs: int, progress: bool,
               scheduler: str | None = None) -> tuple[list[Verdict], dict[Path, str]]:
    """Verify reports in parallel (one kernel each) on schedule's cluster, under one progress bar."""
    if not folders:
        return [], {}
    done = run_all(verify, folders, jobs, f"verifying {len(folders)} briefings", progress, scheduler)
    verdicts = sorted((v for _, v, error in done if error is None), key=lambda v: str(v.folder))
    failures = {folder: str(error) for folder, _, error in done if error is not None}
    return verdicts, failures


