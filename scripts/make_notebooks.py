"""Write the two notebooks from this one description (thin cells: parameters, prose, calls). Then `make notebooks`.

Each notebook records a hash of every cell it was written with (metadata "parley"). A notebook whose
cells differ from those (an analyst edited it in JupyterLab) is not overwritten: the script names the
changed cells and exits 1, unless --force. Outputs do not count: re-running and saving is not an edit.
"""
import argparse
import hashlib
import sys
from pathlib import Path

import nbformat as nbf

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def cell_hash(cell) -> str:
    return hashlib.sha256(f"{cell['cell_type']}\0{cell['source']}".encode()).hexdigest()[:16]


def nb(cells):
    n = nbf.v4.new_notebook()
    n.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                  "language_info": {"name": "python"}}
    n.cells = cells
    for i, c in enumerate(n.cells):
        c["id"] = f"cell-{i:02d}"
    n.metadata["parley"] = {"generated_by": "scripts/make_notebooks.py", "cells": [cell_hash(c) for c in cells]}
    return n


def edits(path: Path) -> list[str]:
    """How the notebook on disk differs from what this script last wrote there (empty: not edited)."""
    if not path.exists():
        return []
    on_disk = nbf.read(path, as_version=4)
    generated = on_disk.metadata.get("parley", {}).get("cells")
    if generated is None:
        return ["it carries no record of what make_notebooks.py wrote (metadata 'parley')"]
    found = [f"cell {i} ({c.get('id', '?')}) is new or changed" for i, c in enumerate(on_disk.cells)
             if cell_hash(c) not in generated]
    kept = {cell_hash(c) for c in on_disk.cells}
    deleted = sum(h not in kept for h in generated) - len(found)  # a changed cell is one generated cell less
    return found + ([f"{deleted} generated cell(s) were deleted"] if deleted > 0 else [])


def write(notebook, path: Path, force: bool) -> bool:
    """Write unless the analyst edited the notebook on disk; say what happens either way."""
    changed = edits(path)
    if changed and not force:
        print(f"{path.relative_to(NOTEBOOKS.parent)}: edited since make_notebooks.py wrote it, left as it is:\n  "
              + "\n  ".join(changed) + "\n  move your cells into scripts/make_notebooks.py, or pass --force "
              "(make notebooks FORCE=1) to overwrite them", file=sys.stderr)
        return False
    if changed:
        print(f"{path.relative_to(NOTEBOOKS.parent)}: overwriting your edits (--force): " + "; ".join(changed),
              file=sys.stderr)
    nbf.write(notebook, path)
    return True


md = nbf.v4.new_markdown_cell
def code(src, tags=()):
    c = nbf.v4.new_code_cell(src)
    if tags:
        c.metadata["tags"] = list(tags)
    return c

PARAMS = '''# Parameters (papermill injects new values below this cell).
data_dir = "../data/russia-ukraine"   # a conflict folder
period_start = "2025-05-01"            # first day, YYYY-MM-DD
period_end = "2025-05-31"              # last day, YYYY-MM-DD
period = "2025-05"                     # optional label: YYYY-MM or YYYY-Www sets the previous period compared with
# actors / issues: lists of ids; empty = conflict.toml's default_actors / default_issues, else all
actors = []
issues = []'''

def briefing_notebook():
    """The briefing: parameters, then one cell per section of parley.report.sections.SECTIONS, in that order."""
    from parley.report.sections import SECTIONS

    first, *rest = SECTIONS
    return nb([
        md("# Briefing\n\nRendered by `python -m parley render DATA_DIR --period P`: the parameters cell below is replaced, "
           "every cell calls into the `parley` package, and the code is hidden in the HTML. Edit the package, not this "
           "notebook: the sections and their order are `parley.report.sections.SECTIONS`."),
        code(PARAMS, ["parameters"]),
        code("from parley.report.notebook import record_result, show_section\nfrom parley.report.sections import Context\n\n"
             "ctx = Context.open(data_dir, period_start, period_end, actors, issues, period_label=period)\n"
             "b = ctx.briefing  # the Briefing: its tables and figures, for your own cells\n"
             f"show_section(ctx, {first.key!r})"),
        *[code(f"show_section(ctx, {s.key!r})") for s in rest[:-1]],
        code(f"show_section(ctx, {rest[-1].key!r})\n"
             "record_result(ctx)  # trend, coverage and the data files read, for the pipeline (not shown in the page)"),
    ])


EXPLORE_PARAMS = (PARAMS.replace('"2025-05-01"', '"2024-06-01"')
                  .replace('period = "2025-05"                    ', 'period = ""                           ')
                  + '\nlanes = "category"                     # timeline lanes: "category" or "actor"')

NUMBERS = """## How to read the numbers

- **Position, 0-100 on each issue's own scale.** Every issue in `issues.csv` says what 0 means (`scale_low`) and
  what 100 means (`scale_high`); the ids table above shows both. A position is the analyst's coding of an actor's
  stated stance, anchored on the statement and source in the same row of `positions.csv`; it holds from its date
  until the actor's next row on that issue. Moves and gaps are in points on that scale: the gap on an issue is the
  distance between the two farthest actors, the distance a deal must bridge.
- **Salience, 0-100:** how much the issue matters to the actor, coded with the position. It sizes the actors'
  markers on the stance map.
- **Capability, 0-100:** the actor's relative clout, with its source in `actors.csv` (in `data/russia-ukraine`,
  SIPRI 2024 military expenditure scaled so that the US = 100). An empty capability means no confirmed figure: the
  actor is left out of the bargaining model.
- **In the model** each actor weighs capability × salience (influence × salience where `influence.csv` gives one):
  the weighted mean and median of positions and the expected-utility scenario follow from those weights
  ([model](../docs/bargaining.md)).
- **The forecast** (the cross on the stance map) is the weighted mean: of the methods scored on decided EU issues
  with known outcomes it missed by the least, and its 80% interval (the bar) is as wide as its past errors say
  ([how it was chosen](../docs/forecasting.md)). The expected-utility simulation is a scenario, and its band over
  draws of the inputs shows sensitivity to the coding, not a confidence interval.
- **Trend:** an issue *deteriorated* when its gap widened by at least 5 points since the end of the previous
  period, *improved* when it narrowed by at least 5, otherwise *unchanged*."""

explore = nb([
    md("# Explore a conflict\n\nThe workbench. Run all cells (Run > Run All Cells), then use the controls: "
       "the conflict "
       "folder, the period, the actors and issues (ctrl/shift-click for several) and the timeline lanes. Every chart "
       "and table below is redrawn in place; hover any point for its source. Everything comes from the `parley` "
       "package (`parley.report.workbench`, `parley.report.briefing`, `parley.report.charts`): change the selection here, the logic "
       "there. Your own cells go in the scratch section at the end.\n\nThe parameters cell sets where the workbench "
       "starts (and is what papermill replaces)."),
    code(EXPLORE_PARAMS, ["parameters"]),
    code("from parley.report.workbench import Workbench, init_tables\n\n"
         "init_tables()  # sortable tables, offline: this cell's output carries DataTables (keep it)",
         ["nbval-ignore-output"]),
    code("wb = Workbench(data_dir, period_start, period_end, actors, issues, lanes=lanes, period_label=period)\n"
         "wb.controls()"),
    code("wb.show('header')"),
    md("## Ids\nThe actors and issues of the conflict, with the ids that the parameters, `conflict.toml` and the "
       "tables "
       "use; for an issue, what 0 and 100 mean on its scale."),
    code("wb.show('ids')"),
    md(NUMBERS),
    md("## Timeline\nEvents of the period in lanes; marker size is importance; talks, ceasefires and agreements "
       "stand out."),
    code("wb.show('timeline')"),
    md("## Stances\nThe map and the matrix show the positions in force on the last day of the period (the cross on the "
       "map: the forecast, with its 80% interval); trajectories show how they moved."),
    code("wb.show('stance_map', 'stance_matrix')"),
    code("wb.show('trajectories')"),
    md("## Activity"),
    code("wb.show('activity')"),
    md("## Prospects\nThe forecast from the positions in force (the method chosen on real outcomes, with its "
       "calibrated interval), the expected-utility scenario with its rounds and its sensitivity to the inputs, and how "
       "comparable wars ended."),
    code("wb.show_section('prospects')"),
    md("## Imported event data\nACLED / UCDP GED imports (`python -m parley import`), aggregated; nothing shows "
       "when the "
       "folder has none. This section follows the parameters, not the controls: re-run the cell after changing them."),
    code("from parley.report.imported_section import imported_section\nfrom parley.report.notebook import show, show_html\n\n"
         "for kind, item in imported_section(wb.briefing):\n    show(item) if kind == 'figure' else show_html(item)"),
    md("## Tables\nSort by clicking a header, filter with the search box. The same tables as DataFrames, for your own "
       "cells: `wb.events`, `wb.positions`, `wb.moves`, `wb.ids` (they follow the controls)."),
    code("wb.show('events')"),
    code("wb.show('positions')"),
    code("wb.show('moves')"),
    md("## Scratch\nYour cells go below. `wb.briefing` is the `parley.report.briefing.Briefing` behind every view; the "
       "DataFrames above are plain pandas. `make notebooks` leaves this notebook alone once you have edited it "
       "(it says "
       "so), and `make test` still passes after you re-run and save it."),
    code("# e.g. wb.positions.sort_values('salience', ascending=False).head(10)"),
])

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="overwrite notebooks edited since they were written")
    parser.add_argument("names", nargs="*", default=["briefing.ipynb", "explore.ipynb"])
    args = parser.parse_args()
    notebooks = {"briefing.ipynb": briefing_notebook(), "explore.ipynb": explore}
    written = [write(notebooks[name], NOTEBOOKS / name, args.force) for name in args.names]
    sys.exit(0 if all(written) else 1)
