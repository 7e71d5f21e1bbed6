"""Load benchmark (issue 22): `load_conflict` against the row-by-row cross-table checks it replaced, in the same run.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_load.py [--repeat 5] [--baseline REV] [--cpu]

The baseline is parley/data/load.py as it was at git revision REV (default: the last one whose cross-table checks
read every row with ``iterrows``), loaded from git beside the current module; everything it imports is today's.
Steps, each the median of --repeat runs after one warm-up, alternating baseline and current so that a busy machine
slows both alike:
  load     load_conflict on each folder (data/russia-ukraine, every data/historical case, the test fixtures)
  load RU  load_conflict on data/russia-ukraine alone (the largest folder: 126 events, 133 positions)
  cross    the cross-table checks alone (``_cross_check``) on the raw tables of data/russia-ukraine
Before timing, both implementations must give equal tables for every folder. Prints seconds (wall, or with --cpu this
process's CPU time) and baseline / current.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from parley.data import load, schema  # noqa: E402
from parley.data.meta import read_meta, relative_label  # noqa: E402

BASELINE = "a28e779"  # main before the cross-table checks were vectorised
FOLDERS = ([ROOT / "data" / "russia-ukraine"] + sorted(p for p in (ROOT / "data" / "historical").iterdir() if p.is_dir())
           + [ROOT / "tests" / "fixtures" / name for name in ("korea-1950", "old-format", "backtest-tiny")])


def baseline_module(rev: str):
    """parley/data/load.py at rev, as a module of its own (its imports resolve to today's parley)."""
    source = subprocess.run(["git", "show", f"{rev}:parley/data/load.py"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout
    spec = importlib.util.spec_from_loader("parley_load_baseline", loader=None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    exec(compile(source, f"{rev}:parley/data/load.py", "exec"), module.__dict__)
    return module


def raw_tables(folder: Path) -> tuple[dict, dict, object, str]:
    label_of, raws = {}, {}
    for spec in schema.CONFLICT_TABLES:
        label_of[spec.file] = relative_label(folder / spec.file, folder)
        if (folder / spec.file).is_file():
            raws[spec.file] = load.read_text_table(folder / spec.file, label_of[spec.file], spec.schema, [])
    meta_label = relative_label(folder / "conflict.toml", folder)
    return label_of, raws, read_meta(folder / "conflict.toml", meta_label, []), meta_label


def same_tables(a, b) -> None:
    assert a.meta == b.meta and a.files == b.files
    for name in ("actors", "issues", "events", "positions", "influence", "outcome"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is not None:
            pd.testing.assert_frame_equal(x, y, check_exact=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", default=BASELINE, help="git revision of the old parley/data/load.py")
    parser.add_argument("--cpu", action="store_true", help="this process's CPU time instead of wall time")
    args = parser.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter
    old = baseline_module(args.baseline)
    for folder in FOLDERS:
        same_tables(old.load_conflict(folder), load.load_conflict(folder))
    label_of, raws, meta, meta_label = raw_tables(ROOT / "data" / "russia-ukraine")

    russia_ukraine = FOLDERS[0]
    steps = {
        "load": {impl: (lambda m=module: [m.load_conflict(f) for f in FOLDERS]) for impl, module in (("baseline", old), ("current", load))},
        "load RU": {impl: (lambda m=module: m.load_conflict(russia_ukraine)) for impl, module in (("baseline", old), ("current", load))},
        "cross": {impl: (lambda m=module: m._cross_check(label_of, raws, meta, meta_label, []))
                  for impl, module in (("baseline", old), ("current", load))},
    }
    print(f"{len(FOLDERS)} folders; baseline parley/data/load.py at {args.baseline}; median of {args.repeat} "
          f"({'CPU' if args.cpu else 'wall'} seconds)")
    for name, impls in steps.items():
        times = {impl: [] for impl in impls}
        for impl in impls:
            impls[impl]()  # warm-up
        for _ in range(args.repeat):
            for impl, step in impls.items():
                began = clock()
                step()
                times[impl].append(clock() - began)
        base, current = statistics.median(times["baseline"]), statistics.median(times["current"])
        print(f"{name:8} baseline {base:8.3f} s   current {current:8.3f} s   baseline / current {base / current:6.2f}x")


if __name__ == "__main__":
    main()
