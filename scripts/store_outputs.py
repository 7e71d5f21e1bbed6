"""Execute the notebooks with their default parameters and store the outputs that nbval compares.

Run after changing a notebook or anything it shows (`make notebooks`); the stored outputs are
deterministic (no timing metadata, counter-based figure and table ids, no widget model ids), so a
second run changes nothing. Stored, a workbench view is its static content (plotly JSON, HTML): the
widget key of its display (a random model id, meaningless without the kernel that made it) is
dropped, like the saved widget state, and the outputs of cells tagged `nbval-ignore-output` (the
itables loader, about 1 MB of JavaScript that only a live notebook needs) are not kept.
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
VOLATILE = "nbval-ignore-output"


def strip_live(nb) -> None:
    """Keep what a reader without the kernel can see; drop what changes run after run."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        if VOLATILE in cell.metadata.get("tags", []):
            cell.outputs = []
        for output in cell.outputs:
            output.get("data", {}).pop(WIDGET_MIME, None)
        cell.outputs = [o for o in cell.outputs if o.get("output_type") not in ("display_data", "execute_result")
                        or o.get("data")]


def store(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=600, record_timing=False, store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    strip_live(nb)
    nbformat.write(nb, path)
    print(path.relative_to(NOTEBOOKS.parent))


if __name__ == "__main__":
    for name in sys.argv[1:] or ["briefing.ipynb", "explore.ipynb"]:
        store(NOTEBOOKS / name)
