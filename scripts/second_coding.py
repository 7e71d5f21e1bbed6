"""Agreement between the first coding of the historical cases and the blind second coding (issue 19).

    python scripts/second_coding.py [DATA_DIR] [--disagreements N]

For every case folder under DATA_DIR (default data/historical) that has a second_coding/ folder, the first coding
(positions.csv, outcome.csv) is paired row by row with the second (second_coding/positions_b.csv, outcome_b.csv):
positions on (actor_id, issue_id, date), outcomes on (issue_id, date). Krippendorff's alpha, interval metric, is
computed per case and pooled over all cases, for positions and for outcomes; a unit that either coder left empty
(a source that could not be opened, a failed negotiation without an outcome) is not pairable and drops out. The
table is Markdown so it can be pasted into docs/codebook.md. --disagreements N also lists every pair more than N
points apart, the rows to resolve by the codebook.

The blind coder sees each issue's scale, and a scale names its anchor rows (an actor and a date in brackets after
each anchor, codebook section 1), so for an anchor row the first coder's value is in sight. The table therefore also
gives alpha over the position rows that are not named as an anchor in issues.csv: the stricter measure.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import krippendorff
import numpy as np

POSITION_KEY = ("actor_id", "issue_id", "date")
OUTCOME_KEY = ("issue_id", "date")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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


def anchor_rows(issues: list[dict[str, str]], actors: list[str]) -> set[tuple[str, str, str]]:
    """(actor_id, issue_id, date) of every row a scale names as an anchor: each bracket in an issue's scale_low,
    scale_high or description that holds an actor id and a date ("(gam 2005-05-27)", "(drv and us 1972-10-26)")."""
    out = set()
    for issue in issues:
        text = " ".join(issue.get(k) or "" for k in ("scale_low", "scale_high", "description"))
        for bracket in re.findall(r"\(([^()]*)\)", text):
            named = [a for a in actors if re.search(rf"\b{re.escape(a)}\b", bracket)]
            for actor in named:
                for date in DATE.findall(bracket):
                    out.add((actor, issue["issue_id"], date))
    return out


def collect(root: Path) -> dict[str, dict[str, list[Pair]]]:
    """case -> {"positions": [...], "outcomes": [...]} for every case with a second coding."""
    cases = {}
    for folder in sorted(p for p in root.iterdir() if (p / "second_coding").is_dir()):
        second = folder / "second_coding"
        anchors = set()
        if (folder / "issues.csv").is_file() and (folder / "actors.csv").is_file():
            anchors = anchor_rows(_rows(folder / "issues.csv"), [a["actor_id"] for a in _rows(folder / "actors.csv")])
        cases[folder.name] = {
            "positions": pairs(folder.name, folder / "positions.csv", second / "positions_b.csv", POSITION_KEY,
                               "position", "position") if (second / "positions_b.csv").is_file() else [],
            "outcomes": pairs(folder.name, folder / "outcome.csv", second / "outcome_b.csv", OUTCOME_KEY,
                              "outcome", "outcome") if (second / "outcome_b.csv").is_file() else [],
        }
        cases[folder.name]["positions, not anchors"] = [p for p in cases[folder.name]["positions"]
                                                        if p.key not in anchors]
    return cases


def _fmt(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.2f}"


def table(cases: dict[str, dict[str, list[Pair]]]) -> str:
    """Markdown table: per case and pooled, units paired and alpha, positions then outcomes."""
    lines = ["| case | positions paired / coded | alpha (positions) | not anchors: paired | alpha (not anchors) "
             "| outcomes paired / coded | alpha (outcomes) |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    kinds_shown = ("positions", "positions, not anchors", "outcomes")
    pooled: dict[str, list[Pair]] = {kind: [] for kind in kinds_shown}
    for name, kinds in cases.items():
        cells = [name]
        for kind in kinds_shown:
            units = kinds[kind]
            pooled[kind] += units
            count = f"{len(pairable(units))}" if kind == "positions, not anchors" else f"{len(pairable(units))} / {len(units)}"
            cells += [count, _fmt(alpha(units))]
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["**pooled**"]
    for kind in kinds_shown:
        units = pooled[kind]
        count = f"{len(pairable(units))}" if kind == "positions, not anchors" else f"{len(pairable(units))} / {len(units)}"
        cells += [count, f"**{_fmt(alpha(units))}**"]
    lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def disagreements(cases: dict[str, dict[str, list[Pair]]], threshold: float) -> list[str]:
    """Pairs more than `threshold` points apart: `case kind key: first -> second`."""
    out = []
    for name, kinds in cases.items():
        for kind in ("positions", "outcomes"):
            for p in pairable(kinds[kind]):
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
