"""The package installs into a fresh environment with only its runtime dependencies and runs."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_the_package_installs_into_a_fresh_venv_and_validates(tmp_path):
    """`pip install .` with nothing but pyproject's runtime dependencies gives a working `parley` command."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    runtime = [r for r in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()]
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("\n".join(runtime), encoding="utf-8")  # the tested versions, from pip's cache
    done = subprocess.run(pip + ["-c", str(constraints), str(ROOT)], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    run = subprocess.run([str(venv / "bin" / "parley"), "validate", str(ROOT / "data" / "russia-ukraine")],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    assert ": valid" in run.stdout and "positions" in run.stdout
