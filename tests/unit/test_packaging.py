"""The house: pyproject and requirements agree, every Makefile target names files that exist, the README lists every
command, and the package installs into a fresh environment and runs."""

from __future__ import annotations

import re
import tomllib

import pytest
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from parley import cli

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def declared() -> dict[str, Requirement]:
    """Every requirement of pyproject.toml, runtime and extras, by canonical name."""
    project = PYPROJECT["project"]
    lines = list(project["dependencies"]) + [r for group in project["optional-dependencies"].values() for r in group]
    return {canonicalize_name(Requirement(line).name): Requirement(line) for line in lines}


def pinned(text: str) -> dict[str, str]:
    """requirements.txt: canonical name -> pinned version; anything but `name==version` is an error."""
    pins = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)", line)
        assert match, f"requirements.txt:{number}: not a pin: {line!r}"
        name = canonicalize_name(match.group(1))
        assert name not in pins, f"requirements.txt:{number}: {name} pinned twice"
        pins[name] = match.group(2)
    return pins


def mismatches(requirements: dict[str, Requirement], pins: dict[str, str]) -> list[str]:
    problems = [f"{name}: in pyproject.toml, not pinned in requirements.txt" for name in requirements if name not in pins]
    problems += [f"{name}: pinned in requirements.txt, not declared in pyproject.toml" for name in pins if name not in requirements]
    problems += [f"{name}=={pins[name]} does not satisfy pyproject's {req}" for name, req in requirements.items()
                 if name in pins and pins[name] not in req.specifier]
    return problems


def test_requirements_pin_exactly_what_pyproject_declares():
    assert mismatches(declared(), pinned((ROOT / "requirements.txt").read_text(encoding="utf-8"))) == []


def test_the_check_sees_a_missing_pin_a_stray_pin_and_a_pin_outside_the_range():
    requirements = {"pandas": Requirement("pandas>=3.0"), "tqdm": Requirement("tqdm>=4.66")}
    assert mismatches(requirements, {"pandas": "2.2.0", "duckdb": "2.0.1"}) == [
        "tqdm: in pyproject.toml, not pinned in requirements.txt",
        "duckdb: pinned in requirements.txt, not declared in pyproject.toml",
        "pandas==2.2.0 does not satisfy pyproject's pandas>=3.0",
    ]
    with pytest.raises(AssertionError, match="not a pin"):
        pinned("pandas>=3\n")


def test_the_console_script_is_the_cli():
    assert PYPROJECT["project"]["scripts"]["parley"] == "parley.cli:main"


# --- the Makefile --------------------------------------------------------------------------------

def named_files(makefile: str) -> list[str]:
    """Repository paths that Makefile recipes run or read (scripts, benchmarks, data, docs)."""
    recipes = [line for line in makefile.splitlines() if line.startswith("\t")]
    return sorted({m for line in recipes
                   for m in re.findall(r"(?<![\w./-])((?:benchmarks|scripts|tests|data|docs|notebooks)/[\w./-]+)", line)})


def test_every_file_a_makefile_target_names_exists():
    files = named_files((ROOT / "Makefile").read_text(encoding="utf-8"))
    assert "benchmarks/bench_briefing.py" in files and "benchmarks/bench_import.py" in files
    assert [f for f in files if not (ROOT / f).exists()] == []


def test_the_makefile_check_sees_a_missing_file():
    assert named_files("bench:\n\t$(BIN)/python benchmarks/run.py\n") == ["benchmarks/run.py"]
    assert not (ROOT / "benchmarks" / "run.py").exists()


def test_the_readme_gives_the_two_set_up_commands_and_the_fast_loop():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = "\n".join(readme.splitlines()[:15])
    assert "make briefing" in first_screen and "make test" in first_screen
    assert "make test-fast" in readme


# --- the README ----------------------------------------------------------------------------------

def commands() -> list[str]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(sub.choices)


def test_every_cli_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(commands()) >= 6
    assert [c for c in commands() if not re.search(rf"parley {re.escape(c)}\b", readme)] == []


# --- a fresh environment ---------------------------------------------------------------------------


def test_the_readme_counts_the_bundled_data_as_it_is():
    from parley.data.load import load_conflict
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    conflict = load_conflict(ROOT / "data" / "russia-ukraine")
    assert f"{len(conflict.events)} events, {len(conflict.positions)} positions" in readme
    assert f"`covered_until` {conflict.meta.covered_until:%Y-%m-%d}" in readme
    cases = [p for p in (ROOT / "data" / "historical").iterdir() if (p / "outcome.csv").is_file()]
    words = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
             'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty']
    count = words[len(cases)] if len(cases) < len(words) else str(len(cases))
    assert f"{count} negotiations" in readme


def test_every_module_is_in_the_readme_table():
    """Each folder of the package has its row in the README's table, and the row names every module in it."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    package = ROOT / "parley"
    missing = []
    for folder in [package] + sorted(p for p in package.iterdir() if (p / "__init__.py").is_file()):
        label = f"| `{folder.relative_to(ROOT).as_posix()}/` |"
        row = next((line for line in lines if line.startswith(label)), "")
        modules = [p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")]
        modules += [p.name for p in folder.iterdir() if (p / "__init__.py").is_file() and folder != package]
        missing += [f"{label} {m}" for m in sorted(modules) if f"`{m}`" not in row]
    assert missing == []
