"""`python -m parley new`: a conflict folder that validates as written; bad arguments never overwrite."""

from __future__ import annotations

import pytest
from conftest import run_cli

from parley.data import schema
from parley.data.load import load_conflict
from parley.data.meta import latest_event_day


def test_new_folder_validates_and_lists_the_files(tmp_path):
    folder = tmp_path / "data" / "gaza-2023"
    done = run_cli("new", str(folder), "--name", "Gaza war \"talks\"", "--start", "2023-10-07")
    assert done.returncode == 0, done.stderr
    for name in ["conflict.toml"] + [spec.file for spec in schema.CONFLICT_TABLES if spec.required]:
        assert (folder / name).is_file() and name in done.stdout
    assert "gaza-2023" in done.stdout and ": valid" in done.stdout and "none yet" in done.stdout
    conflict = load_conflict(folder)
    assert conflict.meta.name == 'Gaza war "talks"' and str(conflict.meta.start) == "2023-10-07"
    assert conflict.events.empty and conflict.positions.empty and conflict.actors.empty
    done = run_cli("validate", str(folder))
    assert done.returncode == 0 and ": valid" in done.stdout


def test_each_table_has_the_schema_header_and_one_commented_example(tmp_path):
    folder = tmp_path / "new-war"
    assert run_cli("new", str(folder), "--name", "New war").returncode == 0
    for spec in [s for s in schema.CONFLICT_TABLES if s.required]:
        lines = (folder / spec.file).read_text(encoding="utf-8").splitlines()
        assert lines[0] == ",".join(spec.schema.columns)
        assert len(lines) == 2 and lines[1].startswith("# ")


def test_uncommented_examples_are_valid_rows(tmp_path):
    """The example rows are real rows once their `# ` is removed: every file, every column."""
    folder = tmp_path / "new-war"
    assert run_cli("new", str(folder), "--name", "New war", "--start", "2024-02-01").returncode == 0
    assert not (folder / "influence.csv").exists() and not (folder / "outcome.csv").exists()  # optional tables
    for spec in [s for s in schema.CONFLICT_TABLES if s.required]:
        path = folder / spec.file
        path.write_text(path.read_text(encoding="utf-8").replace("# ", "", 1), encoding="utf-8")
    conflict = load_conflict(folder)
    assert [len(conflict.actors), len(conflict.issues), len(conflict.events), len(conflict.positions)] == [1, 1, 1, 1]
    assert str(latest_event_day(folder)) == "2024-02-01"


@pytest.mark.parametrize("args,fragment", [
    (["new", "{tmp}/Bad Id", "--name", "x"], "must be lowercase letters"),
    (["new", "{tmp}/ok", "--name", " "], "--name must not be empty"),
    (["new", "{tmp}/ok", "--name", "x", "--start", "2024-13-01"], "is not a real date"),
    (["new", "{tmp}/taken", "--name", "x"], "already exists and is not empty"),
])
def test_new_refuses_bad_arguments_and_never_overwrites(tmp_path, args, fragment):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "events.csv").write_text("mine\n", encoding="utf-8")
    done = run_cli(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert done.returncode == 1 and fragment in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "taken" / "events.csv").read_text(encoding="utf-8") == "mine\n"
