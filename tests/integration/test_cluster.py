"""Issue 23 (1, 4): schedule on dask.distributed, under faults.

* A worker of the embedded cluster (two worker processes) killed with SIGKILL while its kernel runs a briefing:
  dask runs that briefing again on a worker, no partial report is left, every report is whole, exit 0.
* A briefing that fails names its period; the others complete.
* A scheduler address that does not answer: one line, exit 1, nothing rendered.
* The same command with --scheduler on a `dask scheduler` and a `dask worker` started by hand on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import KOREA, ROOT, run_cli
from test_faults import SUMMARY_RE, assert_whole, cli

pytestmark = [pytest.mark.slow]

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def schedule_args(out: Path, since: str, until: str, *extra: str) -> list[str]:
    return ["schedule", str(KOREA), "--cadence", "month", "--since", since, "--until", until, "--out", str(out),
            "--quiet", *extra]


def kernel_in(root: psutil.Process, folder: Path) -> psutil.Process | None:
    """The kernel, among root's descendants, that works in `folder` (a render's kernel runs in its report folder)."""
    for process in root.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "ipykernel" in " ".join(process.cmdline()) and Path(process.cwd()) == folder:
                return process
    return None


def test_a_worker_killed_mid_render_is_rendered_again_and_nothing_partial_is_published(tmp_path):
    out = tmp_path / "reports"
    run = subprocess.Popen(cli(*schedule_args(out, "1953-05", "1953-07", "--jobs", "2")), cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    victim = None
    try:
        while victim is None:  # a render under way: papermill has written into its .render-* folder
            assert run.poll() is None, f"schedule ended before a worker could be killed: {run.communicate()}"
            assert time.monotonic() < deadline, "no render started"
            for started in out.glob("korea-1950/*/.render-*/briefing.ipynb"):
                kernel = kernel_in(psutil.Process(run.pid), started.parent.parent)
                if kernel is not None:
                    victim, folder = kernel.parent(), started.parent.parent
                    break
            time.sleep(0.05)
        os.kill(victim.pid, signal.SIGKILL)  # the worker process (its nanny starts another), by its id
        stdout, stderr = run.communicate(timeout=600)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    assert run.returncode == 0, stdout + stderr
    assert "Traceback" not in stderr, stderr
    assert SUMMARY_RE.search(stdout).groups() == ("3", "0", "0"), stdout
    for period in ("1953-05", "1953-06", "1953-07"):
        assert_whole(out / "korea-1950" / period, period)  # whole, and no temporary file of the killed render left
    assert folder.name in stdout


def test_a_failing_briefing_names_its_period_and_the_others_complete(tmp_path):
    out = tmp_path / "reports"
    (out / "korea-1950").mkdir(parents=True)
    (out / "korea-1950" / "1953-06").write_text("a file where the report folder should be\n")
    done = run_cli(*schedule_args(out, "1953-06", "1953-07", "--jobs", "2"))
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert SUMMARY_RE.search(done.stdout).groups() == ("1", "0", "1"), done.stdout
    assert f"FAILED 1953-06: cannot create {out / 'korea-1950' / '1953-06'}" in done.stdout
    assert_whole(out / "korea-1950" / "1953-07", "1953-07")


def test_a_scheduler_that_does_not_answer_is_one_line_and_exit_1(tmp_path):
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    done = subprocess.run(cli(*schedule_args(tmp_path, "1953-07", "1953-07")), cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PARLEY_SCHEDULER": address})
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: no dask scheduler answers at {address} (") and done.stderr.count("\n") == 1, \
        done.stderr
    assert not list(tmp_path.rglob("briefing.html"))


@pytest.fixture
def hand_started(tmp_path):
    """A `dask scheduler` and one `dask worker` process on 127.0.0.1, as README tells an operator to start them."""
    address = f"tcp://127.0.0.1:{free_port()}"
    quiet = {"cwd": ROOT, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    started = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                                 address.rsplit(":", 1)[1], "--no-dashboard"], **quiet)]
    try:
        started.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1",
                                         "--no-dashboard"], **quiet))
        from distributed import Client
        with Client(address, timeout=60) as client:
            client.wait_for_workers(1, timeout=120)
        yield address, psutil.Process(started[1].pid)
    finally:
        for process in reversed(started):  # the two processes started above, by their ids
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_the_same_command_renders_on_a_hand_started_scheduler_and_worker(tmp_path, hand_started):
    address, worker = hand_started
    run = subprocess.Popen(cli(*schedule_args(tmp_path, "1953-06", "1953-07", "--scheduler", address)), cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    worked_in = set()  # report folders the worker's kernels ran in, seen while the command runs
    while run.poll() is None:
        for process in worker.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if "ipykernel" in " ".join(process.cmdline()) and Path(process.cwd()).parent.name == "korea-1950":
                    worked_in.add(Path(process.cwd()).name)
        time.sleep(0.05)
    stdout, stderr = run.communicate()
    assert run.returncode == 0 and "Traceback" not in stderr, stderr
    assert SUMMARY_RE.search(stdout).groups() == ("2", "0", "0"), stdout
    for period in ("1953-06", "1953-07"):
        assert_whole(tmp_path / "korea-1950" / period, period)
    assert worked_in == {"1953-06", "1953-07"}, "the briefings did not run in the hand-started worker's kernels"
