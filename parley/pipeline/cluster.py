"""Where schedule and verify run their work: a dask.distributed cluster, one task per briefing.

By default an embedded ``LocalCluster`` of worker processes (nothing to start; ``--jobs`` sets how many); with
``--scheduler tcp://HOST:PORT`` (or the PARLEY_SCHEDULER environment variable) an existing cluster, whose workers
may be on other hosts: they need the same parley (checked per task) and the data and report folders at the same
paths (a shared file system). Each worker keeps a warm kernel ready (``WarmKernels``); a task that dies with its
worker is run again on another (dask reschedules it), and the folder lock and atomic writes of a render make that
safe: nothing half-written is ever published. A ParleyError fails its own item only.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import socket
import sys

from parley.digest import code_digest
from parley.errors import ParleyError, UsageError
from parley.pipeline.kernels import KernelPool
from parley.pipeline.render import import_papermill

SCHEDULER_ENV = "PARLEY_SCHEDULER"
CONNECT_TIMEOUT = 10  # seconds a scheduler address may take to answer
PLUGIN = "parley-warm-kernels"

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - distributed is a runtime dependency; this keeps the import error readable
    WorkerPlugin = object


class WarmKernels(WorkerPlugin):
    """On every worker, also one that joins or restarts later: a KernelPool with a kernel started ahead."""

    name = PLUGIN

    def setup(self, worker) -> None:
        self.pool = KernelPool()
        self.pool.prepare()
        import_papermill()  # the worker's first render does not wait for it (the kernel boots meanwhile)

    def teardown(self, worker) -> None:
        self.pool.close()


def scheduler_address(scheduler: str | None) -> str | None:
    return scheduler or os.environ.get(SCHEDULER_ENV) or None


def _unreachable(address: str, reason: str) -> UsageError:
    return UsageError(f"no dask scheduler answers at {address} ({reason}); start one (README: Rendering on a "
                      f"cluster) or leave out --scheduler and {SCHEDULER_ENV}")


def probe(address: str) -> None:
    """A scheduler at `address` answers within CONNECT_TIMEOUT, else one UsageError.

    A dask scheduler greets every TCP connection at once; distributed's own Client can wait forever on a port that
    accepts and stays silent, and leaves a client behind that stalls the interpreter's exit when it fails."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        protocol, location = parse_address(address)
        host, port = parse_host_port(location)
    except (ValueError, TypeError):
        raise UsageError(f"scheduler address {address!r}: expected tcp://HOST:PORT") from None
    if protocol != "tcp":
        return  # tls:// and others greet only after their own handshake; distributed's timeout applies
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT) as connection:
            connection.settimeout(CONNECT_TIMEOUT)
            if not connection.recv(1):
                raise _unreachable(address, "it closed the connection")
    except TimeoutError:
        raise _unreachable(address, f"no answer within {CONNECT_TIMEOUT} s") from None
    except OSError as err:
        raise _unreachable(address, err.strerror or str(err)) from None


@contextlib.contextmanager
def connect(scheduler: str | None, jobs: int):
    """A dask Client: of the cluster at `scheduler` (or $PARLEY_SCHEDULER), else of an embedded LocalCluster of
    `jobs` worker processes, one thread each, closed when the block ends. Every worker gets WarmKernels."""
    from distributed import Client, LocalCluster

    for name in ("distributed", "tornado"):  # a lost worker is handled here; its log lines would only alarm
        logging.getLogger(name).setLevel(logging.CRITICAL)
    address = scheduler_address(scheduler)
    cluster = None
    if address:
        probe(address)
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as err:
            raise _unreachable(address, str(err).splitlines()[0] if str(err) else type(err).__name__) from None
    else:
        cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.CRITICAL)
        client = Client(cluster, set_as_default=False)
    try:
        client.register_plugin(WarmKernels(), name=PLUGIN)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@functools.lru_cache(maxsize=1)
def _worker_code() -> str:
    return code_digest()


def on_worker(work, item, code: str):
    """What a task runs on a worker: `work(item, kernels=...)` with the worker's warm kernels."""
    if code != _worker_code():
        import socket
        raise ParleyError(f"the worker on {socket.gethostname()} runs other parley code than the command that sent "
                          "the work; install the same parley on every worker")
    from distributed import get_worker

    plugin = get_worker().plugins.get(PLUGIN)
    return work(item, kernels=getattr(plugin, "pool", None))


def run_all(work, items: list, jobs: int, description: str, progress: bool,
            scheduler: str | None = None) -> list[tuple]:
    """work(item, kernels=...) for every item, under one progress bar: [(item, result, error)] in finishing order.

    One item and no scheduler asked for: run here, in this process (starting a cluster would cost more than it
    saves). A ParleyError, or a task whose workers kept dying, is that item's failure (error set, result None);
    anything else is a bug and propagates.
    """
    from tqdm import tqdm

    if not items:
        return []

    def progress_bar():
        return tqdm(total=len(items), desc=description, unit="briefing", disable=not progress, file=sys.stderr)

    done = []
    if scheduler_address(scheduler) is None and len(items) == 1:
        with contextlib.closing(progress_bar()) as bar:
            try:
                done.append((items[0], work(items[0], kernels=None), None))
            except ParleyError as err:
                done.append((items[0], None, err))
            bar.update(1)
        return done
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    code = code_digest()
    with connect(scheduler, min(jobs, len(items))) as client, contextlib.closing(progress_bar()) as bar:
        futures = {client.submit(on_worker, work, item, code, pure=False): item for item in items}
        for future in as_completed(futures, loop=client.loop):
            try:
                done.append((futures[future], future.result(), None))
            except ParleyError as err:
                done.append((futures[future], None, err))
            except KilledWorker as err:
                done.append((futures[future], None, ParleyError(f"its worker died every time it ran ({err})")))
            bar.update(1)
    return done
