"""Render one PNG of each chart of the May 2025 briefing into docs/img/ (pictures for the README).

    python scripts/readme_images.py     (kaleido drives Debian's chromium; no download)
"""

from pathlib import Path

from parley.data import outcomes
from parley.report import outside_view, prospects
from parley.report.briefing import Briefing

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"


def main() -> None:
    b = Briefing.open(ROOT / "data" / "russia-ukraine", "", "", period_label="2025-05")
    result = prospects.forecast(b)
    figures = {
        "timeline": b.context_timeline(),
        "stance-map": b.stance_map(prospects.forecast_by_issue(b, result)),
        "trajectories": b.trajectories(),
        "stance-matrix": b.stance_matrix(),
        "activity": b.activity(),
        "bargaining-paths": prospects.paths_chart(b, result),
        "war-outcomes": prospects.outcomes_chart(outcomes.load_outcomes(outcomes.find(b.conflict.folder))),
        "outside-view": outside_view.chart(outside_view.outlook_of(b), b.conflict.meta.name),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    for name, fig in figures.items():
        fig.write_image(OUT / f"{name}.png", scale=1)
        print(OUT.relative_to(ROOT) / f"{name}.png")


if __name__ == "__main__":
    main()
