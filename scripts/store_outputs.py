"""Execute the notebooks with their default parameters and store the outputs that nbval compares.

Run after changing a notebook or anything it shows (`make notebooks`); the stored outputs are
deterministic (no timing metadata, counter-based figure ids), so a second run changes nothing.
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def store(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=600, record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    print(path.relative_to(NOTEBOOKS.parent))


if __name__ == "__main__":
    for name in sys.argv[1:] or ["briefing.ipynb", "explore.ipynb"]:
        store(NOTEBOOKS / name)
