"""Briefing benchmark: ratios against baselines measured in the same run (not a timed test).

    python benchmarks/bench_briefing.py [--repeat 5] [--cluster] [--write] [--root OTHER_CHECKOUT ...]

Measures, in fresh processes, wall and CPU time (CPU: this process's children, kernels and workers included once
they are reaped; the hand-started cluster's CPU is read from its processes):
  P1  `python -m parley render data/russia-ukraine --period 2025-05` against `papermill empty.ipynb` (an empty
      notebook in the same kernel), as --repeat alternating pairs; median of each.         goal <= 1.3x
  P2  `python -m parley schedule ... --since 2025-01 --until 2025-12` into an empty folder (12 briefings,
      the embedded cluster) against P1's one briefing.                                     goal <= 3x
  P4  the largest briefing HTML rendered in this run.                                      goal <= 1 MB
  P2c (--cluster) the same 12 briefings with --scheduler on a `dask scheduler` and two `dask worker` processes
      started by hand on 127.0.0.1, against the same one briefing.
--root runs every measure also on another checkout of parley (PYTHONPATH set to it), alternating with this one, so
before/after ratios come from one run under the same load. The load average (os.getloadavg) is printed with every
row: other work on the machine changes wall times, ratios less.
--write puts the table into benchmarks/README.md between the briefing markers.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent.parent
README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- briefing:start -->", "<!-- briefing:end -->"
GOALS = {"P1": 1.3, "P2": 3.0, "P4": 1.0}


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], root: Path) -> tuple[float, float]:
    """(wall, CPU) of one command run from `root` with that checkout's parley first on the path."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    cpu, began = children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        sys.exit(f"benchmark command failed in {root}: {' '.join(cmd)}\n{done.stdout[-1000:]}\n{done.stderr[-2000:]}")
    return elapsed, children_cpu() - cpu


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def hand_started_cluster(root: Path, workers: int = 2):
    """`dask scheduler` and `dask worker` processes on 127.0.0.1, as the README tells an operator to start them."""
    import psutil

    bin_dir = Path(sys.executable).parent
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(root)}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": root, "env": env}
    started = [subprocess.Popen([str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                 "--no-dashboard"], **quiet)]
    try:
        time.sleep(2)
        started += [subprocess.Popen([str(bin_dir / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1",
                                      "--no-dashboard", "--name", f"bench-{i}"], **quiet) for i in range(workers)]
        from distributed import Client
        with Client(address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)

        def cpu() -> float:
            total = 0.0
            for process in started:
                with contextlib.suppress(psutil.Error):
                    for p in [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]:
                        times = p.cpu_times()
                        total += times.user + times.system + times.children_user + times.children_system
            return total

        yield address, cpu
    finally:
        for process in reversed(started):  # the processes this function started, by their ids
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def has_scheduler_option(root: Path) -> bool:
    done = subprocess.run([sys.executable, "-m", "parley", "schedule", "--help"], cwd=root, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(root)})
    return "--scheduler" in done.stdout


def measure(roots: list[Path], repeat: int, cluster: bool, tmp: Path) -> dict[Path, dict]:
    python = sys.executable
    papermill = str(Path(python).with_name("papermill"))
    empty = tmp / "empty.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("")]
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nbformat.write(nb, empty)
    results = {root: {"baseline": [], "one": [], "schedule": [], "cluster": [], "loads": []} for root in roots}
    out = {root: tmp / f"out{n}" for n, root in enumerate(roots)}
    timed([papermill, "--no-progress-bar", str(empty), str(tmp / "warm.ipynb")], roots[0])  # disk cache
    for i in range(repeat):  # P1: alternating pairs, every root in turn
        for root in roots:
            r = results[root]
            r["baseline"].append(timed([papermill, "--no-progress-bar", str(empty), str(tmp / f"e{i}.ipynb")], root))
            r["one"].append(timed([python, "-m", "parley", "render", str(root / "data" / "russia-ukraine"),
                                   "--period", "2025-05", "--out", str(out[root] / f"one{i}")], root))
            r["loads"].append(load())
    schedule_args = ["schedule", "data/russia-ukraine", "--cadence", "month", "--since", "2025-01",
                     "--until", "2025-12", "--quiet"]
    for i in range(max(1, repeat // 2)):  # P2
        for root in roots:
            results[root]["schedule"].append(timed([python, "-m", "parley", *schedule_args,
                                                    "--out", str(out[root] / f"sched{i}")], root))
            results[root]["loads"].append(load())
    if cluster:
        for root in roots:
            if not has_scheduler_option(root):
                continue
            with hand_started_cluster(root) as (address, cluster_cpu):
                for i in range(max(1, repeat // 2)):
                    before = cluster_cpu()
                    wall, cpu = timed([python, "-m", "parley", *schedule_args, "--scheduler", address,
                                       "--out", str(out[root] / f"cluster{i}")], root)
                    results[root]["cluster"].append((wall, cpu + cluster_cpu() - before))
                    results[root]["loads"].append(load())
    for root in roots:
        sizes = [p.stat().st_size for p in out[root].glob("*/russia-ukraine/*/briefing.html")]
        results[root]["largest"] = (max(sizes), len(sizes))
    return results


def median(pairs: list[tuple[float, float]], which: int) -> float:
    return statistics.median(p[which] for p in pairs)


def rows_for(r: dict) -> list[tuple[str, str, str]]:
    base_w, base_c = median(r["baseline"], 0), median(r["baseline"], 1)
    one_w, one_c = median(r["one"], 0), median(r["one"], 1)
    sched_w, sched_c = median(r["schedule"], 0), median(r["schedule"], 1)
    largest, count = r["largest"]
    rows = [
        ("papermill, empty notebook (baseline)", f"{base_w:.2f} s (CPU {base_c:.2f} s)", ""),
        ("P1: one monthly briefing, end to end", f"{one_w:.2f} s (CPU {one_c:.2f} s)",
         f"{one_w / base_w:.2f}x baseline, CPU {one_c / base_c:.2f}x (goal <= {GOALS['P1']}x)"),
        ("P2: 12 monthly briefings, schedule (embedded cluster)", f"{sched_w:.2f} s (CPU {sched_c:.2f} s)",
         f"{sched_w / one_w:.2f}x one briefing, CPU {sched_c / one_c:.2f}x (goal <= {GOALS['P2']}x)"),
    ]
    if r["cluster"]:
        cl_w, cl_c = median(r["cluster"], 0), median(r["cluster"], 1)
        rows.append(("P2c: the same 12, --scheduler (scheduler + 2 workers, 127.0.0.1)",
                     f"{cl_w:.2f} s (CPU {cl_c:.2f} s)", f"{cl_w / one_w:.2f}x one briefing, CPU {cl_c / one_c:.2f}x"))
    rows.append(("P4: largest briefing HTML", f"{largest / 1e6:.2f} MB",
                 f"of {count} rendered (goal <= {GOALS['P4']} MB)"))
    return rows


def backfill(r: dict, renders: int = 40_000, workers=(2, 16, 64)) -> str:
    """What `renders` briefings would take on N one-core workers, from the CPU one briefing cost in the cluster run
    (the hand-started one when measured, else the embedded one): CPU-bound work, so wall ~ CPU / N."""
    runs = r["cluster"] or r["schedule"]
    per = median(runs, 1) / 12
    hours = ", ".join(f"{n} workers ~{renders * per / n / 3600:.1f} h" for n in workers)
    return (f"Backfill estimate: {per:.2f} CPU-s per briefing ({'hand-started' if r['cluster'] else 'embedded'} "
            f"cluster, 12 briefings) -> {renders:,} briefings = {renders * per / 3600:.0f} core-hours: {hours} "
            "(one core per worker; the file system and the scheduler must keep up, see README).")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cluster", action="store_true", help="also time the 12 briefings on a hand-started cluster")
    parser.add_argument("--root", action="append", default=[], type=Path,
                        help="another checkout to measure alternately (e.g. the code before a change)")
    parser.add_argument("--write", action="store_true", help="record the table in benchmarks/README.md")
    args = parser.parse_args()
    roots = [HERE, *(r.resolve() for r in args.root)]
    began = load()
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        results = measure(roots, args.repeat, args.cluster, Path(tmp))
    lines = []
    for root in roots:
        commit = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%h %s"], capture_output=True,
                                text=True).stdout.strip()[:70]
        loads = results[root]["loads"]
        lines += [f"**{'this checkout' if root == HERE else root}** ({commit}); load average (1/5/15 min) after "
                  f"each step: {', '.join(loads)}", "", "| measure | value | ratio |", "|---|---|---|"]
        lines += [f"| {a} | {b} | {c} |" for a, b, c in rows_for(results[root])] + ["", backfill(results[root]), ""]
    where = (f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}; P1 median of {args.repeat} alternating "
             f"pairs, P2 median of {max(1, args.repeat // 2)}; load average {began} at the start, {load()} at the end.")
    print(where, "", *lines, sep="\n")
    if args.write:
        block = "\n".join([START, "", where, "", *lines, END])
        text = README.read_text(encoding="utf-8")
        text = text[: text.index(START)] + block + text[text.index(END) + len(END):]
        README.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
