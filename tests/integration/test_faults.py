"""Issue 7 (4) and issue 4: parley under faults: concurrent runs, a killed render, a full disk.

* Two ``schedule`` runs started at the same moment render each report exactly once (the lock makes
  the second wait, then find everything current) and every report is whole.
* A ``render`` killed with SIGKILL while papermill executes the notebook (its process group, and
  its kernel) leaves the previous report and the index byte-identical; the next ``schedule`` sees
  the stale report, renders it, and leaves no temporary file or folder behind.
* A full disk (a 4 MB tmpfs mounted over the output folder when this runs as root and may mount;
  otherwise a file-size limit, RLIMIT_FSIZE, on the render process) gives a one-line error, exit 1,
  no traceback, and the previous report stays as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import append_row

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
KOREA = ROOT / "tests" / "fixtures" / "korea-1950"
PERIODS = ("1953-06", "1953-07")
SUMMARY_RE = re.compile(r"^rendered (\d+), up to date (\d+), failed (\d+)$", re.MULTILINE)
LOCKS = {".lock", ".parley-schedule.lock"}
NEW_EVENT = dict(event_id="1953-07-20-parley-fault-test", date="1953-07-20", date_precision="day", category="statement",
                 title="Fault-test event added after the first render",
                 description="A row added by tests/integration/test_faults.py so that the report of July 1953 is stale.",
                 actors="unc", location="Panmunjom", importance="1", source="TIME, 1953-07-20 (test row)",
                 source_url="https://example.org/parley-fault-test")


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "parley", *args]


def run(*args: str, timeout: int = 600, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cli(*args), cwd=ROOT, capture_output=True, text=True, timeout=timeout, **kwargs)


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file's bytes under out, locks aside."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name not in LOCKS}


def assert_whole(folder: Path, period: str) -> None:
    page = (folder / "briefing.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n"), f"{folder} holds a cut briefing"
    assert page.count('class="parley-figure"') >= 6
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["period"] == period and manifest["conflict"] == "korea-1950"
    json.loads((folder / "briefing.ipynb").read_text(encoding="utf-8"))
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name not in LOCKS]
    assert leftovers == [], f"temporary files left in {folder}: {leftovers}"


def children(pid: int) -> list[int]:
    """Direct children of a process (read from /proc), to end the kernel a killed render started."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return Path(shutil.copytree(KOREA, tmp_path_factory.mktemp("faults-data") / "korea-1950"))


@pytest.fixture(scope="module")
def concurrent(data, tmp_path_factory):
    """Two schedule runs over June and July 1953 started at the same moment, into one --out."""
    out = tmp_path_factory.mktemp("faults-concurrent")
    args = ("schedule", str(data), "--cadence", "month", "--since", PERIODS[0], "--until", PERIODS[-1],
            "--out", str(out), "--quiet")
    started = [subprocess.Popen(cli(*args), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    results = []
    for process in started:
        stdout, stderr = process.communicate(timeout=600)
        results.append((process.returncode, stdout, stderr))
    return out, results


def test_two_schedules_at_once_render_each_report_once(concurrent):
    out, results = concurrent
    counts = []
    for code, stdout, stderr in results:
        assert code == 0 and "Traceback" not in stderr, stderr
        match = SUMMARY_RE.search(stdout)
        assert match, stdout
        counts.append(tuple(int(n) for n in match.groups()))
    assert sorted(counts) == [(0, 2, 0), (2, 0, 0)], f"(rendered, up to date, failed) per run: {counts}"
    for period in PERIODS:
        assert_whole(out / "korea-1950" / period, period)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'href="korea-1950/{p}/briefing.html"' in index for p in PERIODS)
    assert sorted(p.relative_to(out).as_posix() for p in out.glob("*/*")) == [f"korea-1950/{p}" for p in PERIODS]


@pytest.fixture(scope="module")
def killed(concurrent, data, tmp_path_factory):
    """A render of changed data killed with SIGKILL while papermill runs; the folder before and after."""
    out = tmp_path_factory.mktemp("faults-killed") / "reports"
    shutil.copytree(concurrent[0], out)
    changed = Path(shutil.copytree(data, tmp_path_factory.mktemp("faults-changed") / "korea-1950"))
    append_row(changed / "events.csv", **NEW_EVENT)
    folder = out / "korea-1950" / "1953-07"
    before = snapshot(out)
    process = subprocess.Popen(cli("render", str(changed), "--period", "1953-07", "--out", str(out)), cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while not any(folder.glob(".render-*/briefing.ipynb")):  # papermill has started writing its output
            assert process.poll() is None, "the render ended before it could be killed"
            assert time.monotonic() < deadline, "papermill never started"
            time.sleep(0.02)
        kernels = children(process.pid)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the render's own process group, started above
        process.wait(timeout=30)
    for pid in kernels:  # the kernel runs in a session of its own; end it too, by its id
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    midway = [p.name for p in folder.glob(".render-*")]
    return out, changed, before, snapshot(out), midway, process.returncode


def test_a_killed_render_leaves_the_previous_report_and_index(killed):
    out, _, before, after, midway, code = killed
    assert code == -signal.SIGKILL
    assert midway, "the kill did not land while the render was working"
    stale_work = {k for k in after if k.split("/")[2:3] and k.split("/")[2].startswith(".render-")}
    assert {k: v for k, v in after.items() if k not in stale_work} == before
    assert "index.html" in before


def test_the_next_schedule_repairs_it(killed):
    out, changed, before, _, _, _ = killed
    done = run("schedule", str(changed), "--cadence", "month", "--since", "1953-07", "--until", "1953-07",
               "--out", str(out), "--quiet")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert SUMMARY_RE.search(done.stdout).groups() == ("1", "0", "0"), done.stdout
    folder = out / "korea-1950" / "1953-07"
    assert_whole(folder, "1953-07")  # no .render-* folder of the killed run left either
    assert "Fault-test event added after the first render" in (folder / "briefing.html").read_text(encoding="utf-8")
    assert snapshot(out)["korea-1950/1953-06/briefing.html"] == before["korea-1950/1953-06/briefing.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'href="korea-1950/{p}/briefing.html"' in index for p in PERIODS)


@contextlib.contextmanager
def small_disk(folder: Path):
    """A 4 MB tmpfs over `folder` when root may mount one; else None (the caller limits file sizes instead)."""
    folder.mkdir(parents=True)
    mounted = False
    if os.geteuid() == 0 and shutil.which("mount"):
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(folder)],
                                 capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], capture_output=True, check=True)


def limit_file_size() -> None:
    """In the render process: no file may grow past 512 KiB (a write beyond fails with EFBIG, not a signal)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (512 * 1024, 512 * 1024))


def test_a_full_disk_gives_a_clear_error_and_keeps_the_report(concurrent, data, tmp_path):
    out = tmp_path / "disk"
    with small_disk(out) as mounted:
        shutil.copytree(concurrent[0] / "korea-1950" / "1953-07", out / "korea-1950" / "1953-07")
        shutil.copyfile(concurrent[0] / "index.html", out / "index.html")
        before = snapshot(out)
        if mounted:  # leave 64 KiB: the next render's notebook and page do not fit
            stat = os.statvfs(out)
            free = stat.f_bavail * stat.f_frsize
            with open(out / "filler", "wb") as handle:
                handle.write(b"\0" * max(0, free - 64 * 1024))
            before = snapshot(out)
        done = run("render", str(data), "--period", "1953-07", "--out", str(out),
                   preexec_fn=None if mounted else limit_file_size)
        after = snapshot(out)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert done.returncode == 1, done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, done.stderr
    expected = "No space left on device" if mounted else "File too large"
    assert expected in errors[0] and "previous report was kept" in errors[0], errors[0]
    failed_log = {k for k in after if k.endswith("briefing.failed.ipynb")}
    assert {k: v for k, v in after.items() if k not in failed_log} == before
