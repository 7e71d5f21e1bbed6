"""The notebook kernels parley owns: one kernel per briefing, started ahead when it can be, stopped whatever happens.

A kernel is started with the imports a briefing needs already done (``warm_up``, run silently: no execution
count, no output, nothing in the notebook changes), so the briefing's first cell does not wait for pandas, plotly
and pandera. ``running_kernel`` is the one owner of a render's kernel: it starts one (or takes one from a
``KernelPool``) and stops it when the block ends. A pool keeps one kernel started ahead: ``take`` hands it to the
next render and starts the next one while that render runs. Every kernel runs one briefing and is then stopped, so
no briefing can see what another one left behind. papermill stays the executor: these are the kernels it runs in.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import shutil
import tempfile
import threading
from pathlib import Path

from parley.errors import RenderError

KERNEL = "python3"
READY_TIMEOUT = 120
# Imports the briefing notebook needs; the kernel loads them while its owner does other work.
WARM_UP = "import parley.report.notebook\nparley.report.notebook.warm_up()"


def _silently(manager, code: str) -> None:
    """Run `code` in the kernel without a trace: no execution count, no output, no history."""
    client = manager.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=READY_TIMEOUT)
        client.execute_interactive(code, silent=True, store_history=False, timeout=READY_TIMEOUT,
                                   output_hook=lambda msg: None)
    finally:
        client.stop_channels()


def _warm_up(manager) -> None:
    try:
        _silently(manager, WARM_UP)
    except Exception:  # noqa: BLE001 - warm-up is an optimisation; the real run reports real errors
        pass


def start(cwd: Path | None = None):
    """A started kernel warming up in a thread (join ``manager.parley_warm_up`` before using it).

    Its sockets live in a private ``parley-kernel-*`` folder (only this user can talk to the kernel; TCP would be any
    local user), removed by ``stop`` and here when the start itself fails half-way.
    """
    from jupyter_client.manager import KernelManager

    sockets = tempfile.mkdtemp(prefix="parley-kernel-")
    manager = None
    try:
        manager = KernelManager(kernel_name=KERNEL, transport="ipc", ip=os.path.join(sockets, "kernel"))
        manager.parley_sockets = sockets
        manager.start_kernel(cwd=str(cwd or sockets), env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    except Exception as err:  # noqa: BLE001 - a missing kernel spec, a dead interpreter: one message
        if manager is not None:
            with contextlib.suppress(Exception):
                manager.shutdown_kernel(now=True)
        shutil.rmtree(sockets, ignore_errors=True)
        raise RenderError(f"could not start the notebook kernel: {type(err).__name__}: {err}") from None
    manager.parley_warm_up = threading.Thread(target=_warm_up, args=(manager,), daemon=True)
    manager.parley_warm_up.start()
    return manager


def stop(manager) -> None:
    """The kernel process and its socket folder gone."""
    with contextlib.suppress(Exception):
        manager.shutdown_kernel(now=True)
    shutil.rmtree(getattr(manager, "parley_sockets", ""), ignore_errors=True)


def move_to(manager, cwd: Path) -> None:
    """A kernel started ahead, elsewhere, works in `cwd` from now on (the briefing's paths are relative to it)."""
    manager.parley_warm_up.join()
    try:
        _silently(manager, f"import os as _parley_os\n_parley_os.chdir({str(cwd)!r})\ndel _parley_os")
    except Exception as err:  # noqa: BLE001 - a kernel that died while waiting: one message
        raise RenderError(f"the notebook kernel failed: {type(err).__name__}: {err}") from None


class KernelPool:
    """One kernel started ahead, imports done; ``take`` hands it over and starts the next one meanwhile.

    Each worker of a cluster keeps one (parley.pipeline.cluster.WarmKernels). Thread-safe; a kernel that failed
    to start fails the render that takes it, and the next take starts afresh.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: concurrent.futures.Future | None = None
        self._closed = False

    def _start_ahead(self) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()

        def boot() -> None:
            try:
                manager = start()
                manager.parley_warm_up.join()
                future.set_result(manager)
            except BaseException as err:  # noqa: BLE001 - handed to the render that takes it
                future.set_exception(err)

        threading.Thread(target=boot, name="parley-kernel-ahead", daemon=True).start()
        return future

    def prepare(self) -> None:
        """Start the first kernel now (a worker does this when it joins the cluster)."""
        with self._lock:
            if self._next is None and not self._closed:
                self._next = self._start_ahead()

    def take(self):
        """A warm kernel no briefing has used; the caller owns it (running_kernel stops it)."""
        with self._lock:
            if self._closed:
                raise RenderError("the worker is shutting down")
            ready = self._next or self._start_ahead()
            self._next = self._start_ahead()
        return ready.result()

    def close(self) -> None:
        """Stop the kernel started ahead, if any."""
        with self._lock:
            self._closed = True
            ahead, self._next = self._next, None
        if ahead is not None:
            with contextlib.suppress(Exception):
                stop(ahead.result(timeout=READY_TIMEOUT))


@contextlib.contextmanager
def running_kernel(cwd: Path, pool: KernelPool | None = None):
    """The one owner of a render's kernel: started here (or taken warm from `pool`) and stopped here whatever
    happens in the block, even when starting it failed half-way."""
    manager = None
    try:
        if pool is None:
            manager = start(cwd)
        else:
            manager = pool.take()
            move_to(manager, cwd)
        yield manager
    finally:
        if manager is not None:
            stop(manager)
