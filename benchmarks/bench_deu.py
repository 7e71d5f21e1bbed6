"""The development table of docs/forecasting.md: every method scored on the DEU III development half.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_deu.py [FILE] [--write]

Prints the whole table (MAE, share within 10 points, out-of-sample coverage and width of the 80% interval,
MAE minus the weighted mean's with its proposal-bootstrap 95% interval), the headline the rule picks, and the
coverage of the expected-utility model's input-perturbation band (the sensitivity Monte Carlo the briefings
used to call an 80% interval). `--write` stores the headline's development record in
parley/analysis/headline.json, which `forecast` and the briefing read.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parley.analysis import deu, methods, uncertainty  # noqa: E402

DEV = ROOT / "data" / "reference" / "deu3" / "deu3-dev.tsv"


def sensitivity_coverage(table: deu.Table) -> dict:
    """How often the expected-utility model's input-perturbation band (200 draws) holds the outcome."""
    inside, widths = [], []
    for issue in table.scored:
        case = methods.case_of(methods.blind(issue))
        found = uncertainty.assess(case.frame, issue.issue_id, draws=uncertainty.DEFAULT_DRAWS)
        if found["sensitivity"] is None:
            continue
        low, high = found["sensitivity"]
        inside.append(low - 1e-9 <= issue.out <= high + 1e-9)
        widths.append(high - low)
    return {"n": len(inside), "coverage": sum(inside) / len(inside), "width": sum(widths) / len(widths)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEV))
    parser.add_argument("--write", action="store_true", help="store the headline's record in parley/analysis")
    args = parser.parse_args()
    table = deu.read(args.file)
    start = time.perf_counter()
    result = methods.score(table)
    seconds = time.perf_counter() - start
    sys.stdout.write(methods.format_table(result))
    print(f"\n(all methods scored in {seconds:.1f} s)")
    start = time.perf_counter()
    band = sensitivity_coverage(table)
    print(f"bdm input-perturbation band ({uncertainty.DEFAULT_DRAWS} draws, 10th-90th percentile): holds the "
          f"outcome in {band['coverage'] * 100:.0f}% of {band['n']} issues, mean width {band['width']:.1f} "
          f"({time.perf_counter() - start:.1f} s)")
    print(f"weighted_mean_cv's shares on the whole table (Commission, EP under COD, EP under CNS; Council = 1): "
          f"{methods.tuned_shares(table)}")
    if args.write:
        path = methods.write_record(table, result)
        print(f"wrote {path}")
    print(json.dumps({"headline": result["headline"]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
