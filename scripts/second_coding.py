"""Agreement between the first coding of the historical cases and the blind second coding (issue 19).

    python scripts/second_coding.py [DATA_DIR] [--disagreements N]

For every case folder under DATA_DIR (default data/historical) that has a second_coding/ folder, the first coding
(positions.csv, outcome.csv) is paired row by row with the second (second_coding/positions_b.csv, outcome_b.csv):
positions on (actor_id, issue_id, date), outcomes on (issue_id, date). Krippendorff's alpha, interval metric, is
computed per case and pooled over all cases, for positions and for outcomes; a unit that either coder left empty
(a source that could not be opened, a failed negotiation without an outcome) is not pairable and drops out. The
table is Markdown so it can be pasted into docs/codebook.md. --disagreements N also lists every pair more than N
points apart, the rows to resolve by the codebook.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import krippendorff
import numpy as np

POSITION_KEY = ("actor_id", "issue_id", "date")
OUTCOME_KEY = ("issue_id", "date")


@dataclass(frozen=True)
class Pair:
    """One unit coded by both coders (a value is None where that coder left it empty)."""
    case: str
    key: tuple[str, ...]
    first: float | None
    second: float | None


def _number(text: str | None) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def pairs(case: str, first: Path, second: Path, key: tuple[str, ...], first_column: str, second_column: str) -> list[Pair]:
    """Units of the second coding matched to the first coding's row with the same key (first occurrence)."""
    by_key: dict[tuple[str, ...], float | None] = {}
    for row in _rows(first):
        by_key.setdefault(tuple(row[k] for k in key), _number(row.get(first_column)))
    out = []
    for row in _rows(second):
        unit = tuple(row[k] for k in key)
        out.append(Pair(case, unit, by_key.get(unit), _number(row.get(second_column))))
    return out


def pairable(units: list[Pair]) -> list[Pair]:
    """Units both coders gave a value."""
    return [p for p in units if p.first is not None and p.second is not None]


def alpha(units: list[Pair]) -> float | None:
    """Krippendorff's alpha (interval) of the pairable units; None when it is undefined (fewer than two units or no
    variation at all among the values)."""
    both = pairable(units)
    values = [v for p in both for v in (p.first, p.second)]
    if len(both) < 2 or len(set(values)) < 2:
        return None
    data = np.array([[p.first for p in both], [p.second for p in both]], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="interval"))


def collect(root: Path) -> dict[str, dict[str, list[Pair]]]:
    """case -> {"positions": [...], "outcomes": [...]} for every case with a second coding."""
    cases = {}
    for folder in sorted(p for p in root.iterdir() if (p / "second_coding").is_dir()):
        second = folder / "second_coding"
        cases[folder.name] = {
            "positions": pairs(folder.name, folder / "positions.csv", second / "positions_b.csv", POSITION_KEY,
                               "position", "position") if (second / "positions_b.csv").is_file() else [],
            "outcomes": pairs(folder.name, folder / "outcome.csv", second / "outcome_b.csv", OUTCOME_KEY,
                              "outcome", "outcome") if (second / "outcome_b.csv").is_file() else [],
        }
    return cases


def _fmt(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.2f}"


def table(cases: dict[str, dict[str, list[Pair]]]) -> str:
    """Markdown table: per case and pooled, units paired and alpha, positions then outcomes."""
    lines = ["| case | positions paired / coded | alpha (positions) | outcomes paired / coded | alpha (outcomes) |",
             "| --- | --- | --- | --- | --- |"]
    pooled: dict[str, list[Pair]] = {"positions": [], "outcomes": []}
    for name, kinds in cases.items():
        cells = [name]
        for kind in ("positions", "outcomes"):
            units = kinds[kind]
            pooled[kind] += units
            cells += [f"{len(pairable(units))} / {len(units)}", _fmt(alpha(units))]
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["**pooled**"]
    for kind in ("positions", "outcomes"):
        cells += [f"{len(pairable(pooled[kind]))} / {len(pooled[kind])}", f"**{_fmt(alpha(pooled[kind]))}**"]
    lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def disagreements(cases: dict[str, dict[str, list[Pair]]], threshold: float) -> list[str]:
    """Pairs more than `threshold` points apart: `case kind key: first -> second`."""
    out = []
    for name, kinds in cases.items():
        for kind, units in kinds.items():
            for p in pairable(units):
                if abs(p.first - p.second) > threshold:
                    out.append(f"{name} {kind} {','.join(p.key)}: first {p.first:g}, second {p.second:g}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", default=str(Path(__file__).resolve().parent.parent / "data" / "historical"))
    parser.add_argument("--disagreements", type=float, metavar="N", help="also list pairs more than N points apart")
    args = parser.parse_args(argv)
    root = Path(args.data)
    if not root.is_dir():
        print(f"second_coding: {root}: not a folder", file=sys.stderr)
        return 2
    cases = collect(root)
    if not cases:
        print(f"second_coding: {root}: no case has a second_coding/ folder", file=sys.stderr)
        return 1
    print(table(cases))
    if args.disagreements is not None:
        print()
        print("\n".join(disagreements(cases, args.disagreements)) or "no disagreements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
