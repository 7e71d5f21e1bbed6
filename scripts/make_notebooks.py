"""Write the two notebooks from this one description (thin cells: parameters, prose, calls). Then `make notebooks`."""
from pathlib import Path

import nbformat as nbf

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

def nb(cells):
    n = nbf.v4.new_notebook()
    n.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                  "language_info": {"name": "python"}}
    n.cells = cells
    for i, c in enumerate(n.cells):
        c["id"] = f"cell-{i:02d}"
    return n

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

briefing = nb([
    md("# Briefing\n\nRendered by `python -m parley render DATA_DIR --period P`: the parameters cell below is replaced, "
       "every cell calls into the `parley` package, and the code is hidden in the HTML. Edit the package, not this notebook."),
    code(PARAMS, ["parameters"]),
    code("from parley.briefing import Briefing\nfrom parley.notebook import show, show_html\n\n"
         "b = Briefing.open(data_dir, period_start, period_end, actors, issues, period_label=period)\n"
         "show_html(b.header_html())"),
    code("show_html(b.key_points_html())"),
    code("show_html('<h2>Timeline</h2>')\nshow(b.timeline())\nshow(b.context_timeline())"),
    code("show_html(b.changes_html())"),
    code("from parley import outcomes, prospects\n\n"
         "forecast = prospects.forecast(b)\n"
         "show_html('<h2>Where the actors stand</h2>')\nshow(b.stance_map(prospects.forecast_by_issue(b, forecast)))\n"
         "show(b.stance_matrix())"),
    code("show(b.trajectories())\nshow(b.activity())"),
    code("wars = outcomes.load_outcomes(outcomes.find(b.conflict.folder))\n"
         "record = prospects.past_record(b)  # the backtest on data/historical, cached\n"
         "show_html(prospects.prospects_html(b, wars, forecast, record))\n"
         "show(prospects.paths_chart(b, forecast))\nshow(prospects.sensitivity_chart(b))\n"
         "if record:  # past negotiations with a known outcome exist\n    show(prospects.track_record_chart(b, record))\n"
         "show(prospects.outcomes_chart(wars))"),
    code("from parley.imported import imported_section\n\n"
         "for kind, item in imported_section(b):  # ACLED / UCDP GED imports, when the folder has them\n"
         "    show(item) if kind == 'figure' else show_html(item)"),
    code("show_html(b.events_html())"),
    code("show_html(b.sources_html())"),
])

explore = nb([
    md("# Explore a conflict\n\nThe workbench: set the parameters, run all, hover any point for its source. "
       "Every chart and table comes from the `parley` package (`parley.charts`, `parley.briefing`); "
       "change the lanes, the period or the selection here, not the logic."),
    code(PARAMS.replace('"2025-05-01"', '"2024-06-01"').replace('period = "2025-05"                    ', 'period = ""                           ')
         + '\nlanes = "category"                     # timeline lanes: "category" or "actor"', ["parameters"]),
    code("from parley.briefing import Briefing\nfrom parley.notebook import show, show_html\n\n"
         "b = Briefing.open(data_dir, period_start, period_end, actors, issues, period_label=period)\n"
         "show_html(b.header_html())"),
    md("## Timeline\nEvents of the period in lanes; marker size is importance; talks, ceasefires and agreements stand out."),
    code("show(b.timeline(lanes=lanes))"),
    code("show(b.timeline(lanes='actor' if lanes == 'category' else 'category'))"),
    md("## Stances\nThe map and the matrix show positions in force on the last day of the period; trajectories show how they moved."),
    code("show(b.stance_map())"),
    code("show(b.stance_matrix())"),
    code("show(b.trajectories())"),
    md("## Activity"),
    code("show(b.activity())"),
    md("## Prospects\nThe bargaining model's forecast from the positions in force, its sensitivity, and how comparable wars ended."),
    code("from parley import outcomes, prospects\n\nforecast = prospects.forecast(b)\nwars = outcomes.load_outcomes(outcomes.find(b.conflict.folder))\n"
         "record = prospects.past_record(b)\n"
         "show_html(prospects.prospects_html(b, wars, forecast, record))\nshow(b.stance_map(prospects.forecast_by_issue(b, forecast)))\n"
         "show(prospects.paths_chart(b, forecast))\nshow(prospects.sensitivity_chart(b))\n"
         "if record:  # past negotiations with a known outcome exist\n    show(prospects.track_record_chart(b, record))\n"
         "show(prospects.outcomes_chart(wars))"),
    md("## Imported event data\nACLED / UCDP GED imports (`python -m parley import`), aggregated; nothing shows when the folder has none."),
    code("from parley.imported import imported_section\n\n"
         "for kind, item in imported_section(b):\n    show(item) if kind == 'figure' else show_html(item)"),
    md("## Tables with sources"),
    code("show_html(b.events_html())"),
    code("show_html('<h2>Positions in force</h2>' + b.positions_table_html())"),
    code("show_html(b.changes_html())"),
])
nbf.write(briefing, NOTEBOOKS / "briefing.ipynb")
nbf.write(explore, NOTEBOOKS / "explore.ipynb")
