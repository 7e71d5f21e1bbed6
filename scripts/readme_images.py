"""Render one PNG of each chart of the May 2025 briefing into docs/img/ (pictures for the README).

    python scripts/readme_images.py     (make docs; kaleido drives Debian's chromium; no download)

Each picture is a part of the briefing's sections (parley.report.sections), drawn as the briefing draws it.
"""

from pathlib import Path

from parley.report import prospects, sections

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
PICTURES = {"timeline": "context_timeline", "stance-map": "stance_map", "trajectories": "trajectories",
            "stance-matrix": "stance_matrix", "activity": "activity", "bargaining-paths": "paths",
            "outside-view": "outside_chart"}


def main() -> None:
    context = sections.Context.open(ROOT / "data" / "russia-ukraine", "", "", period_label="2025-05")
    parts = sections.parts()
    OUT.mkdir(parents=True, exist_ok=True)
    figures = {name: parts[key].draw(context) for name, key in PICTURES.items()}
    figures["war-outcomes"] = prospects.outcomes_chart(context.wars)  # the hand-coded supplement (docs/war-outcomes.md)
    for name, fig in figures.items():
        fig.write_image(OUT / f"{name}.png", scale=1)
        print(OUT.relative_to(ROOT) / f"{name}.png")


if __name__ == "__main__":
    main()
