"""Notebook -> briefing: papermill executes, nbconvert exports, parley writes atomically.

A render never replaces a good report with a bad one: everything is written to temporary
names inside the report folder and renamed into place only after every step succeeded.
When papermill fails, its executed notebook is kept as ``briefing.failed.ipynb`` beside the
report, the log of the failed run. Nothing here analyses data; it moves files and processes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from . import __version__
from .errors import ParleyError, RenderError, UsageError
from .load import Conflict, load_conflict
from .periods import Period

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "briefing.ipynb"
PLOTLY_JS = "plotly-cartesian-4.1.1.min.js"
FORMATS = ("html", "pdf")
MANIFEST = "manifest.json"
KERNEL = "python3"
EXECUTION_TIMEOUT = 600


@dataclass(frozen=True)
class Report:
    folder: Path
    html: Path
    notebook: Path
    pdf: Path | None
    manifest: dict


def parse_formats(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip() for f in str(text).split(",") if f.strip()))
    bad = [f for f in chosen if f not in FORMATS]
    if not chosen or bad:
        raise UsageError(f"format {text!r}: choose html, pdf or html,pdf")
    return chosen


def report_folder(out: Path, conflict_id: str, period: Period) -> Path:
    """<out>/<conflict-id>/<period>; refuses anything that would land outside out."""
    out = Path(out).resolve()
    folder = (out / conflict_id / period.label).resolve()
    if not folder.is_relative_to(out) or folder == out:
        raise UsageError(f"conflict id {conflict_id!r} would write outside {out}")
    return folder


# --- what a report depends on ------------------------------------------------------------------

def _package_digest() -> str:
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".js", ".j2", ".css"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_digest(conflict: Conflict, period: Period, notebook: Path = NOTEBOOK) -> str:
    """Hash of everything a briefing is made from: data files, notebook, parley version and code."""
    digest = hashlib.sha256()
    for path in sorted(conflict.files, key=lambda p: p.name):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(notebook.read_bytes())
    digest.update(__version__.encode())
    digest.update(_package_digest().encode())
    digest.update(f"{period.label}|{period.start}|{period.end}".encode())
    return digest.hexdigest()


def read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# --- files -------------------------------------------------------------------------------------

@contextlib.contextmanager
def locked(path: Path, blocking: bool = True):
    """An exclusive flock on `path`; released when the block ends, or when the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            raise ParleyError(f"another parley run holds {path}; try again when it has finished") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same folder, fsync, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _clean_stale_temporaries(folder: Path) -> None:
    for stale in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


# --- steps -------------------------------------------------------------------------------------

def execute(notebook: Path, parameters: dict, output: Path) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(str(notebook), str(output), parameters=parameters, cwd=str(notebook.parent),
                                   kernel_name=KERNEL, progress_bar=False, log_output=False,
                                   execution_timeout=EXECUTION_TIMEOUT, report_mode=True)
    except PapermillExecutionError as err:
        raise RenderError(f"the briefing notebook failed in cell {err.exec_count}: {err.ename}: {err.evalue}") from None


def to_html(executed: Path, title: str) -> str:
    """The executed notebook as one offline HTML page: inputs hidden, plotly.js inlined once."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(executed, as_version=4)
    nb.cells = [c for c in nb.cells if c.cell_type == "code"]  # the notebook's own prose is for editors
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nb.metadata = {"language_info": {"name": "python"}}
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, exclude_markdown=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"parameters", "injected-parameters"}), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    body = re.sub(r'\s(?:id|data-jp-[a-z-]+)="cell-id=[^"]*"', "", body)
    assets = resources.files("parley")
    plotly_js = (assets / "vendor" / PLOTLY_JS).read_text(encoding="utf-8")
    css = (assets / "templates" / "briefing.css").read_text(encoding="utf-8")
    draw = (assets / "templates" / "draw.js").read_text(encoding="utf-8")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:\">\n"
        f"<title>{html.escape(title)}</title>\n<style>\n{css}\n</style>\n"
        f"<script>\n{plotly_js}\n</script>\n<script>\n{draw}\n</script>\n</head>\n"
        f"<body>\n<main class=\"parley-briefing\">\n{body}\n</main>\n"
        f"<footer class=\"parley-note\">Rendered by parley {html.escape(__version__)} from the conflict's data files; "
        "every event and position carries its own source.</footer>\n</body>\n</html>\n"
    )


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    raise RenderError("PDF needs Debian's chromium (apt-get install chromium); none found on PATH")


def chromium_flags(profile: str) -> list[str]:
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", f"--user-data-dir={profile}"]


def to_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print the HTML to A4 with headless Chromium, after the charts were drawn."""
    with tempfile.TemporaryDirectory(prefix="parley-chromium-") as profile:
        cmd = [chromium(), *chromium_flags(profile), "--no-pdf-header-footer", "--virtual-time-budget=15000",
               f"--print-to-pdf={pdf_path}", html_path.resolve().as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if done.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise RenderError(f"chromium could not print the PDF (exit {done.returncode}): {done.stderr.strip()[-300:]}")


# --- the whole render --------------------------------------------------------------------------

def render(data_dir: str | Path, period: Period, out: str | Path = "reports", formats=("html",),
           notebook: Path = NOTEBOOK, conflict: Conflict | None = None, extra: dict | None = None) -> Report:
    """Render one briefing; on any failure the previous report stays as it was."""
    conflict = conflict or load_conflict(data_dir)  # validation happens before papermill starts
    out = Path(out)
    folder = report_folder(out, conflict.meta.id, period)
    folder.mkdir(parents=True, exist_ok=True)
    parameters = {"data_dir": str(Path(data_dir).resolve()), "period_start": f"{period.start:%Y-%m-%d}",
                  "period_end": f"{period.end:%Y-%m-%d}", "period": period.label if period.kind != "range" else "",
                  "actors": [], "issues": []}
    with locked(folder / ".lock"):
        _clean_stale_temporaries(folder)
        digest = inputs_digest(conflict, period, notebook)
        with tempfile.TemporaryDirectory(prefix=".render-", dir=folder) as work:
            work = Path(work)
            executed = work / "briefing.ipynb"
            try:
                execute(notebook, parameters, executed)
            except RenderError:
                if executed.exists():
                    shutil.copyfile(executed, folder / "briefing.failed.ipynb")
                raise
            title = f"{conflict.meta.name}: briefing for {period.title()}"
            page = to_html(executed, title)
            staged_html = work / "briefing.html"
            staged_html.write_text(page, encoding="utf-8")
            pdf = None
            if "pdf" in formats:
                pdf = work / "briefing.pdf"
                to_pdf(staged_html, pdf)
            trend = _trend_from(executed)
            manifest = {"conflict": conflict.meta.id, "conflict_name": conflict.meta.name, "period": period.label,
                        "kind": period.kind, "start": f"{period.start:%Y-%m-%d}", "end": f"{period.end:%Y-%m-%d}",
                        "title": title, "trend": trend, "inputs": digest, "parley": __version__,
                        "formats": list(formats), **(extra or {})}
            write_atomic(folder / "briefing.ipynb", executed.read_bytes())
            if pdf is not None:
                write_atomic(folder / "briefing.pdf", pdf.read_bytes())
            if "html" in formats:
                write_atomic(folder / "briefing.html", page.encode("utf-8"))
            write_atomic(folder / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8"))
        (folder / "briefing.failed.ipynb").unlink(missing_ok=True)
    return Report(folder, folder / "briefing.html", folder / "briefing.ipynb",
                  folder / "briefing.pdf" if pdf is not None else None, manifest)


def _trend_from(executed: Path) -> str:
    """The overall trend the notebook computed, read from its output (no second computation)."""
    text = executed.read_text(encoding="utf-8")
    match = re.search(r'data-overall-trend=\\"(\w+)\\"', text)
    return match.group(1) if match else "unknown"
