"""Notebook -> briefing: papermill executes in a kernel parley owns, parley exports the outputs and writes atomically.

A render never replaces a good report with a bad one: everything is written to temporary
names inside the report folder and renamed into place only after every step succeeded.
When papermill fails, its executed notebook is kept as ``briefing.failed.ipynb`` beside the
report, the log of the failed run. Nothing here analyses data; it moves files and processes.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import functools
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from parley import __version__
from parley.data.files import write_atomic
from parley.data.meta import ConflictMeta, input_path, read_conflict_meta
from parley.data.periods import Period
from parley.digest import code_digest, package_digest
from parley.errors import ParleyError, RenderError, UsageError
from parley.pipeline.kernels import KERNEL, KernelPool, running_kernel
from parley.report import markup
from parley.report.contract import RESULT_MIME, BriefingResult
from parley.report.markup import Markup

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "briefing.ipynb"
PLOTLY_JS = "plotly-parley-4.1.1.min.js"
# The trace types the vendored partial bundle holds (scripts/build_plotly_bundle.sh builds it with these).
PLOTLY_TRACES = frozenset({"scatter", "bar", "heatmap"})
PLOTLY_MIME = "application/vnd.plotly.v1+json"
FORMATS = ("html", "pdf")
MANIFEST = "manifest.json"
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

def read_input(path: Path) -> bytes:
    """The bytes of one input of a briefing; a file that cannot be read is named as such."""
    try:
        return path.read_bytes()
    except OSError as err:
        raise RenderError(f"could not read {path}: {err.strerror or err}") from None


def inputs_digest(input_files: dict[str, str | None], period: Period, notebook: Path = NOTEBOOK) -> str:
    """Hash of everything a briefing is made from: the data files it read (their digests, as recorded by the
    kernel or computed now), the notebook, parley's version and code, the period."""
    digest = hashlib.sha256()
    for key in sorted(input_files):
        digest.update(f"{key}\0{input_files[key] or '-'}\0".encode())
    digest.update(notebook_digest(notebook).encode())
    digest.update(__version__.encode())
    digest.update(package_digest().encode())
    digest.update(f"{period.label}|{period.start}|{period.end}".encode())
    return digest.hexdigest()


def notebook_digest(notebook: Path) -> str:
    """sha256 of the notebook file, read once while it is unchanged (schedule asks for every period)."""
    stat = Path(notebook).stat()
    return _notebook_digest(str(notebook), stat.st_mtime_ns, stat.st_size)


@functools.cache
def _notebook_digest(notebook: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(read_input(Path(notebook))).hexdigest()


def current_digests(data_dir: Path, keys, known: dict[Path, str | None] | None = None) -> dict[str, str | None]:
    """sha256 now of each recorded input (keys relative to the conflict folder; None: absent). ``known`` carries
    digests between calls, so files shared by many reports (schedule's periods) are read once."""
    known = {} if known is None else known
    found = {}
    for key in keys:
        path = input_path(key, data_dir).resolve()
        if path not in known:
            known[path] = hashlib.sha256(read_input(path)).hexdigest() if path.is_file() else None
        found[key] = known[path]
    return found


def result_of(executed: Path) -> BriefingResult:
    """The result the briefing notebook recorded (parley.report.contract), read from the executed notebook."""
    for cell in json.loads(executed.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RESULT_MIME in data:
                try:
                    return BriefingResult.from_json(data[RESULT_MIME])
                except ValueError as err:
                    raise RenderError(f"the briefing notebook's result is malformed: {err}") from None
    raise RenderError("the briefing notebook recorded no result: its last cell must call "
                      "parley.report.notebook.record_result(ctx)")


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


def _clean_stale_temporaries(folder: Path) -> None:
    """Leftovers of killed runs; called under the folder's lock, so no live render owns any of them."""
    for stale in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()
    for stale in folder.glob(".render-*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


# --- steps -------------------------------------------------------------------------------------

def import_papermill():
    """papermill, imported without ``rfc3987_syntax``, which jsonschema (through nbformat) imports when installed
    (jupyterlab's dependencies bring it) and which builds a grammar for the "iri" string format on import: about
    1 s of CPU in every process, for a format no notebook schema uses. jsonschema imports it under
    ``suppress(ImportError)``; a None in sys.modules makes that import fail fast. Nothing else changes."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)
    import papermill

    return papermill


def execute(notebook: Path, parameters: dict | None, output: Path, kernel) -> None:
    """papermill runs the notebook in `kernel` (owned by the caller's running_kernel block).

    A data error raised inside it comes back as DataError text; no parameters run the notebook as it is.
    """
    try:
        papermill = import_papermill()
        from papermill.exceptions import PapermillExecutionError

        kernel.parley_warm_up.join()

        # no cwd= here: papermill would chdir this whole process (threads share it); the kernel already runs there
        papermill.execute_notebook(str(notebook), str(output), parameters=parameters,
                                   kernel_name=KERNEL, km=kernel, progress_bar=False, log_output=False,
                                   execution_timeout=EXECUTION_TIMEOUT, report_mode=True,
                                   request_save_on_cell_execute=False)
    except PapermillExecutionError as err:
        if err.ename == "DataError":
            raise RenderError(err.evalue) from None
        raise RenderError(f"the briefing notebook failed in cell {err.exec_count}: {err.ename}: {err.evalue}") from None
    except Exception as err:  # noqa: BLE001 - a kernel that dies or never answers is a render failure, not a traceback
        raise RenderError(f"the notebook kernel failed: {type(err).__name__}: {err}") from None


def page_output(output: dict) -> dict | None:
    """One notebook output for the page: parley's HTML as is (trusted), a PNG, or text (escaped by the template);
    None for what the page leaves out (stderr, outputs with none of those views)."""
    kind = output.get("output_type")
    if kind == "stream":
        return None if output.get("name") == "stderr" else {"text": "".join(output.get("text", ""))}
    if kind == "error":
        raise RenderError(f"the executed notebook holds an error: {output.get('ename')}: {output.get('evalue')}")
    data = output.get("data", {})
    if RESULT_MIME in data:  # the notebook's result for the pipeline, not for readers
        return None
    if "text/html" in data:
        value = data["text/html"]
        return {"html": Markup("".join(value) if isinstance(value, list) else value)}
    if "image/png" in data:
        return {"png": "".join(data["image/png"]).strip()}
    if "text/plain" in data:
        return {"text": "".join(data["text/plain"])}
    return None


SHARED_TEMPLATE = re.compile(r'<script type="application/json" class="parley-plotly-template" data-template="([0-9a-f]+)">'
                             r'[^<]*</script>\n')


def once_per_page(cells: list[list[dict]]) -> None:
    """Keep the first copy of each shared plotly template (every figure's output carries its own, so outputs do not
    depend on what ran before them); the later figures find it by its key."""
    seen: set[str] = set()

    def first_only(match: re.Match) -> str:
        if match.group(1) in seen:
            return ""
        seen.add(match.group(1))
        return match.group(0)

    for cell in cells:
        for output in cell:
            if "html" in output:
                output["html"] = Markup(SHARED_TEMPLATE.sub(first_only, str(output["html"])))


@functools.lru_cache(maxsize=1)
def packed_plotly_js() -> str:
    """The vendored plotly.js gzip-compressed (no name, no time: the same bytes every run) and base64-encoded.

    A third of the bundle's 1.2 MB; draw.js inflates it in the browser. Computed once per process (a worker
    renders many briefings)."""
    raw = (resources.files("parley.report") / "vendor" / PLOTLY_JS).read_bytes()
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def check_trace_types(cells: list[dict]) -> None:
    """Every chart's trace types are in the vendored bundle; a missing one would leave a chart blank in the page."""
    for cell in cells:
        for output in cell.get("outputs", []):
            spec = output.get("data", {}).get(PLOTLY_MIME)
            missing = {trace.get("type", "scatter") for trace in (spec or {}).get("data", [])} - PLOTLY_TRACES
            if missing:
                raise RenderError(f"a chart draws trace type {', '.join(sorted(missing))}, which the vendored "
                                  f"plotly.js bundle ({PLOTLY_JS}) lacks; add it in scripts/build_plotly_bundle.sh")


def to_html(executed: Path, title: str) -> str:
    """The executed notebook as one offline HTML page: code cells' outputs only, plotly.js embedded once."""
    cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    check_trace_types(cells)
    shown = [[found for o in cell.get("outputs", []) if (found := page_output(o)) is not None]
             for cell in cells if cell.get("cell_type") == "code" and cell.get("outputs")]
    once_per_page(shown)
    assets = resources.files("parley.report")
    asset = lambda *parts: Markup(assets.joinpath(*parts).read_text(encoding="utf-8"))  # noqa: E731 - package files
    return str(markup.render("page.j2", title=title, cells=shown, css=asset("templates", "briefing.css"),
                             plotly_js_packed=Markup(packed_plotly_js()), draw_js=asset("templates", "draw.js"),
                             version=__version__))


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
           notebook: Path = NOTEBOOK, meta: ConflictMeta | None = None, kernels: KernelPool | None = None) -> Report:
    """Render one briefing; on any failure the previous report stays as it was.

    Arguments, paths and conflict.toml are checked here before papermill starts; the tables are
    validated inside the notebook (``Briefing.open``), whose DataError fails the render. The kernel
    starts before the lock is taken and the inputs are read, so it boots while this process works
    (a cluster worker passes its `kernels`: one already warm); running_kernel stops it whatever fails
    after that.
    """
    data_dir = Path(data_dir).resolve()
    meta = meta or read_conflict_meta(data_dir)
    folder = report_folder(Path(out), meta.id, period)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise RenderError(f"cannot create {folder}: {err.strerror}") from None
    # relative to the report folder, where the kernel runs: a project copied with its data and reports still verifies;
    # the path ends in the conflict folder's own name (never ".."), which error messages name files by
    relative = os.path.join(os.path.relpath(data_dir.parent, folder), data_dir.name)
    parameters = {"data_dir": relative, "period_start": f"{period.start:%Y-%m-%d}",
                  "period_end": f"{period.end:%Y-%m-%d}", "period": period.label if period.kind != "range" else "",
                  "actors": [], "issues": []}
    with running_kernel(folder, kernels) as kernel:
        try:
            with locked(folder / ".lock"):
                _clean_stale_temporaries(folder)
                with tempfile.TemporaryDirectory(prefix=".render-", dir=folder) as work:
                    manifest, pdf = _render_in(Path(work), folder, notebook, parameters, kernel, meta, period,
                                               formats)
                (folder / "briefing.failed.ipynb").unlink(missing_ok=True)
        except OSError as err:
            where = f" ({err.filename})" if err.filename else ""
            raise RenderError(f"could not write the report in {folder}: {err.strerror or err}{where}; "
                              "the previous report was kept") from None
    return Report(folder, folder / "briefing.html", folder / "briefing.ipynb",
                  folder / "briefing.pdf" if pdf is not None else None, manifest)


def _render_in(work: Path, folder: Path, notebook: Path, parameters: dict, kernel, meta: ConflictMeta,
               period: Period, formats) -> tuple[dict, Path | None]:
    """Execute and export inside the temporary folder `work`, then rename the results into `folder`."""
    executed = work / "briefing.ipynb"
    try:
        execute(notebook, parameters, executed, kernel)
    except RenderError:
        if executed.exists():
            shutil.copyfile(executed, folder / "briefing.failed.ipynb")
        raise
    result = result_of(executed)
    title = f"{meta.name}: briefing for {period.title()}"
    page = to_html(executed, title)
    staged_html = work / "briefing.html"
    staged_html.write_text(page, encoding="utf-8")
    pdf = None
    if "pdf" in formats:
        pdf = work / "briefing.pdf"
        to_pdf(staged_html, pdf)
    manifest = {"conflict": meta.id, "conflict_name": meta.name, "period": period.label,
                "kind": period.kind, "start": f"{period.start:%Y-%m-%d}", "end": f"{period.end:%Y-%m-%d}",
                "title": title, "parley": __version__, "formats": list(formats),
                "trend": result.trend, "coverage": result.coverage, "covered_until": result.covered_until,
                "input_files": result.inputs, "inputs": inputs_digest(result.inputs, period, notebook),
                "code": code_digest()}
    write_atomic(folder / "briefing.ipynb", executed.read_bytes())
    if pdf is not None:
        write_atomic(folder / "briefing.pdf", pdf.read_bytes())
    if "html" in formats:
        write_atomic(folder / "briefing.html", page.encode("utf-8"))
    write_atomic(folder / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8"))
    return manifest, pdf
