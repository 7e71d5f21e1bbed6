"""Issue 23 (2): warm kernels. A pool hands over a kernel started ahead, imports done, and starts the next one;
every briefing runs in a kernel no other briefing used; papermill stays the executor of record."""

from __future__ import annotations

import json

import nbformat
import psutil
import pytest

from parley.pipeline.kernels import KernelPool, running_kernel
from parley.pipeline.render import execute

pytestmark = [pytest.mark.slow]


def notebook(path):
    """A parameters cell, a cell that reports what the kernel already holds, and one that leaves a variable behind."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    parameters = nbformat.v4.new_code_cell("value = 0")
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters,
                nbformat.v4.new_code_cell("import os, sys\nprint(value, 'left_behind' in globals(), "
                                          "'parley.report.notebook' in sys.modules, os.path.basename(os.getcwd()))"),
                nbformat.v4.new_code_cell("left_behind = value")]
    nbformat.write(nb, path)
    return path


def test_each_briefing_gets_a_warm_kernel_no_other_briefing_used(tmp_path):
    source = notebook(tmp_path / "probe.ipynb")
    pool = KernelPool()
    pool.prepare()
    pids = []
    try:
        for n in (1, 2):
            folder = tmp_path / f"briefing-{n}"
            folder.mkdir()
            with running_kernel(folder, pool) as kernel:
                pids.append(kernel.provisioner.pid)
                execute(source, {"value": n}, tmp_path / f"out-{n}.ipynb", kernel)
            assert not psutil.pid_exists(pids[-1]) or psutil.Process(pids[-1]).status() == psutil.STATUS_ZOMBIE
            executed = json.loads((tmp_path / f"out-{n}.ipynb").read_text(encoding="utf-8"))
            # the second briefing does not see what the first left behind; the imports were done ahead; it ran in
            # its own report folder although its kernel was started before that folder was known
            assert "".join(executed["cells"][2]["outputs"][0]["text"]) == f"{n} False True briefing-{n}\n"
            assert executed["metadata"]["papermill"]["parameters"] == {"value": n}  # papermill's record
            assert [c["execution_count"] for c in executed["cells"] if c["cell_type"] == "code"] == [1, 2, 3, 4]
        assert pids[0] != pids[1]
    finally:
        pool.close()
    alive = [p for p in psutil.Process().children(recursive=True)
             if p.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(p.cmdline())]
    assert alive == [], "the kernel started ahead outlived the pool"
