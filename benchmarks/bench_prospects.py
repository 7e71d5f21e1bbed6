"""Prospects benchmark: what the Prospects section adds to a briefing, against a baseline measured in the same run.

    python benchmarks/bench_prospects.py [--repeat 5] [--data data/russia-ukraine] [--period 2025-05]

Measured in one process, each step the median of --repeat runs (first run discarded as warm-up):
  baseline   Briefing.open(...) and its stance map without a forecast: the work every briefing does anyway
  forecast   prospects.forecast: the model on every issue, with the Monte Carlo interval, dominance and the
             single-change search (one batch per issue)
  section    forecast + prospects_html + paths_chart + sensitivity_chart + outcomes_chart, plus the stance
             map's forecast crosses and interval bars (stance map with them minus without)
Prints seconds (wall, or with --cpu this process's CPU time) and section/baseline.
Target: the section adds at most 1 s to a briefing. Not a timed test:
the machine is shared, so read the ratio as well as the seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parley.data import outcomes  # noqa: E402
from parley.report import prospects  # noqa: E402
from parley.report.briefing import Briefing  # noqa: E402

CLOCK = time.perf_counter


def median_time(step, repeat: int) -> float:
    times = []
    for _ in range(repeat + 1):
        began = CLOCK()
        step()
        times.append(CLOCK() - began)
    return statistics.median(times[1:])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data", default=str(ROOT / "data" / "russia-ukraine"))
    parser.add_argument("--period", default="2025-05")
    parser.add_argument("--cpu", action="store_true", help="CPU time of this process instead of wall time "
                                                           "(steadier on a shared machine)")
    args = parser.parse_args(argv)
    global CLOCK
    CLOCK = time.process_time if args.cpu else time.perf_counter
    unit = "s CPU" if args.cpu else "s"

    def opened():
        return Briefing.open(args.data, "", "", period_label=args.period)

    briefing = opened()
    wars = outcomes.load_outcomes(outcomes.find(briefing.conflict.folder))

    def baseline():
        b = opened()
        b.stance_map()

    def forecast():
        prospects.forecast(briefing)

    def section():
        result = prospects.forecast(briefing)
        prospects.prospects_html(briefing, wars, result)
        prospects.paths_chart(briefing, result)
        prospects.sensitivity_chart(briefing)
        prospects.outcomes_chart(wars)
        briefing.stance_map(prospects.forecast_by_issue(briefing, result),
                            prospects.intervals_by_issue(briefing, result))

    def plain_map():
        briefing.stance_map()

    base = median_time(baseline, args.repeat)
    model = median_time(forecast, args.repeat)
    whole = median_time(section, args.repeat) - median_time(plain_map, args.repeat)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"baseline (open briefing + stance map): {base:.3f} {unit}")
    print(f"forecast (model, interval, dominance, single change): {model:.3f} {unit} = {model / base:.2f}x baseline")
    print(f"Prospects section added to a briefing: {whole:.3f} {unit} = {whole / base:.2f}x baseline "
          f"(target <= 1 s: {'met' if whole <= 1 else 'not met'}); load average {load:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
