"""Briefing benchmark: ratios against a papermill baseline measured in the same run (not a timed test).

    python benchmarks/bench_briefing.py [--repeat 3] [--write]

Measures, each as the median of --repeat runs of a fresh process:
  baseline   `papermill empty.ipynb out.ipynb` (an empty notebook, same kernel)
  one        `python -m parley render data/russia-ukraine --period 2025-05`
  schedule   `python -m parley schedule ... --since 2025-01 --until 2025-12` into an empty folder (12 briefings)
and prints one/baseline (target <= 1.5), schedule/one (target <= 7) and the largest briefing HTML (target <= 5 MB).
--write puts the figures into benchmarks/README.md between the briefing markers.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "russia-ukraine"
README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- briefing:start -->", "<!-- briefing:end -->"


def timed(cmd: list[str]) -> float:
    began = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        sys.exit(f"benchmark command failed: {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return elapsed


def median_of(repeat: int, make_cmd) -> float:
    return statistics.median(timed(make_cmd(i)) for i in range(repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="record the figures in benchmarks/README.md")
    args = parser.parse_args()
    python = sys.executable
    papermill = str(Path(python).with_name("papermill"))
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        tmp = Path(tmp)
        empty = tmp / "empty.ipynb"
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("")]
        nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
        nbformat.write(nb, empty)

        timed([papermill, "--no-progress-bar", str(empty), str(tmp / "warm.ipynb")])  # warm the disk cache once
        baseline = median_of(args.repeat, lambda i: [papermill, "--no-progress-bar", str(empty), str(tmp / f"e{i}.ipynb")])
        one = median_of(args.repeat, lambda i: [python, "-m", "parley", "render", str(DATA), "--period", "2025-05",
                                               "--out", str(tmp / f"one{i}")])
        schedule = median_of(max(1, args.repeat // 2), lambda i: [
            python, "-m", "parley", "schedule", str(DATA), "--cadence", "month", "--since", "2025-01",
            "--until", "2025-12", "--out", str(tmp / f"sched{i}"), "--quiet"])
        sizes = [p.stat().st_size for p in tmp.glob("*/russia-ukraine/*/briefing.html")]
    rows = [
        ("papermill, empty notebook (baseline)", f"{baseline:.2f} s", ""),
        ("one monthly briefing, end to end", f"{one:.2f} s", f"{one / baseline:.2f}x baseline (target <= 1.5x)"),
        ("12 monthly briefings through schedule", f"{schedule:.2f} s", f"{schedule / one:.2f}x one briefing (target <= 7x)"),
        ("largest briefing HTML", f"{max(sizes) / 1e6:.2f} MB", f"of {len(sizes)} rendered (target <= 5 MB)"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, ratio in rows:
        print(f"{name:<{width}}  {value:>9}  {ratio}")
    if args.write:
        table = ["| measure | value | ratio |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
        where = (f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
                 f"Python {platform.python_version()}; medians of {args.repeat} fresh processes "
                 f"(schedule: {max(1, args.repeat // 2)}).")
        block = "\n".join([START, "", where, "", *table, "", END])
        text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
        if START in text and END in text:
            text = text[: text.index(START)] + block + text[text.index(END) + len(END):]
        else:
            text = text.rstrip() + "\n\n## Briefing\n\n`python benchmarks/bench_briefing.py --write`\n\n" + block + "\n"
        README.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
