"""`python -m parley outlook` end to end: JSON keys, the table, and a folder without the outlook's fields."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, RUSSIA_UKRAINE, toml_folder


@pytest.mark.slow
def test_outlook_command(tmp_path):
    run = subprocess.run([sys.executable, "-m", "parley", "outlook", str(RUSSIA_UKRAINE), "--date", "2025-05-31", "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert list(result) == ["reference_class", "n", "episodes", "ending_within", "outcomes", "ended",
                            "ceasefire_then_peace", "data"]
    table = subprocess.run([sys.executable, "-m", "parley", "outlook", str(RUSSIA_UKRAINE), "--date", "2025-05-31"],
                           capture_output=True, text=True, cwd=ROOT)
    assert table.returncode == 0 and "Reference class" in table.stdout and "peace agreement" in table.stdout
    bare = toml_folder(tmp_path, "")
    missing = subprocess.run([sys.executable, "-m", "parley", "outlook", str(bare), "--date", "2025-05-31"],
                             capture_output=True, text=True, cwd=ROOT)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert missing.stderr.strip().splitlines() == [f"error: {bare.name}/conflict.toml: type: required for the outlook is "
                                                   "missing (declare type, incompatibility, intensity in conflict.toml; "
                                                   "docs/outlook.md)"]
