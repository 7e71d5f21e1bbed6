"""The corpus of tests/bad_inputs/ (see its README.md): cases, how a case is built, how an error report is read, and
the fixtures both tests/unit/test_bad_inputs.py and tests/integration/test_bad_inputs_cli.py use (registered as a
plugin by tests/conftest.py): folders built on demand, and every case validated in process once per module.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import subprocess
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "bad_inputs"
BASE = CORPUS / "_base"
PERIOD = "1953-07"
PROBLEM_RE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+): (?P<column>[^:]+): (?P<message>.+)$")
SUMMARY_RE = re.compile(r"^\d+ problems? found; nothing was rendered\.$")
# Files a failed render may add or touch without being a report: locks, and papermill's failed notebook (issue 4).
NOT_REPORT = {".lock", ".parley-schedule.lock", "briefing.failed.ipynb"}
# Run as real `python -m parley validate` subprocesses too (every case runs main() in process).
CLI_VALIDATE_SAMPLE = ("accept-bom", "accept-crlf", "toml-id-dotdot", "actors-latin1", "events-200mb", "events-nul-byte",
                       "positions-symlink-out", "toml-default-actors-unknown")
# Rendered as `python -m parley render` subprocesses; every other case renders in process.
CLI_RENDER_SAMPLE = ("toml-id-dotdot", "events-200mb", "events-quoted-newlines", "positions-symlink-out")
# Rendered in process: the accepted variants (their HTML must equal the good report's) and one broken case per
# table and kind of fault. Validation checks every case (test_validate); rendering goes through the same
# load_conflict, so this sample proves the same errors arrive and the last good report stays.
RENDER_SAMPLE = ("accept-bom", "accept-crlf", "actors-capability-nan", "issues-scale-number", "events-unknown-actor",
                 "events-stray-quote", "positions-duplicate-key", "toml-syntax", "issues-directory")
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}



@dataclass(frozen=True)
class Case:
    name: str
    about: str
    directives: tuple[tuple[str, ...], ...]
    expected: tuple[tuple[str, int, str, str], ...]

    @property
    def valid(self) -> bool:
        return any(d[0] == "@valid" for d in self.directives)


def parse_case(folder: Path) -> Case:
    about, directives, expected = "", [], []
    for number, line in enumerate((folder / "expected.txt").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            about = about or line.lstrip("# ").strip()
        elif line.startswith("@"):
            directives.append(tuple(line.split()))
        elif match := PROBLEM_RE.match(line):
            expected.append((match["file"], int(match["line"]), match["column"], match["message"]))
        else:
            raise ValueError(f"{folder.name}/expected.txt:{number}: not 'file:line: column: message', '@directive' or '# about'")
    return Case(folder.name, about, tuple(directives), tuple(expected))


CASES = [parse_case(p) for p in sorted(CORPUS.iterdir()) if p.is_dir() and not p.name.startswith("_")]
ERROR_CASES = [c for c in CASES if not c.valid]
RENDERED = [c for c in CASES if c.name in RENDER_SAMPLE]


GENERATED = [c for c in CASES if any(d[0] == "@generate" for d in c.directives)]  # giants: integration


# --- building a case ---------------------------------------------------------------------------

def generate(path: Path, source: Path, mebibytes: int) -> None:
    """A big CSV: the source's header, then its rows over and over, written in 1 MiB chunks."""
    lines = source.read_bytes().splitlines(keepends=True)
    body = b"".join(lines[1:])
    chunk = body * max(1, (1 << 20) // len(body))
    with open(path, "wb") as handle:
        handle.write(lines[0])
        while handle.tell() < mebibytes << 20:
            handle.write(chunk)


def build(case: Case, root: Path) -> Path:
    """root/data/<case>: the base with the case's files laid over it and its directives applied."""
    folder = root / "data" / case.name
    shutil.copytree(BASE, folder)
    for path in sorted((CORPUS / case.name).iterdir()):
        if path.name != "expected.txt":
            (folder / path.name).unlink(missing_ok=True)
            shutil.copyfile(path, folder / path.name)
    for directive, *args in case.directives:
        target = folder / args[0] if args else None
        if directive == "@remove":
            target.unlink()
        elif directive == "@mkdir":
            target.unlink()
            target.mkdir()
        elif directive == "@symlink":
            outside = root / "outside" / case.name / args[0]
            outside.parent.mkdir(parents=True)
            shutil.copyfile(BASE / args[0], outside)
            target.unlink()
            target.symlink_to(os.path.relpath(outside, folder))
        elif directive == "@generate":
            generate(target, BASE / args[0], int(args[1]))
        elif directive != "@valid":
            raise ValueError(f"{case.name}: unknown directive {directive}")
    return folder


# --- reading the output ------------------------------------------------------------------------

def reported_problems(text: str) -> list[tuple[str, int, str, str]]:
    """The problems of an error report: 'error: ' then file:line: column: message lines, then the count line.

    Lines a kernel logs to stderr ([IPKernelApp] ...) are allowed around it; anything else fails.
    """
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("[IPKernelApp]")]
    assert lines and lines[0].startswith("error: "), f"no 'error: ' line in:\n{text}"
    assert SUMMARY_RE.match(lines[-1]), f"the report does not end with 'N problems found; nothing was rendered.':\n{text}"
    problems = []
    for line in [lines[0][len("error: "):]] + lines[1:-1]:
        match = PROBLEM_RE.match(line)
        assert match, f"not a 'file:line: column: message' line: {line!r}\nin:\n{text}"
        problems.append((match["file"], int(match["line"]), match["column"], match["message"]))
    count = int(lines[-1].split()[0])
    assert count == len(problems), f"says {count} problems, lists {len(problems)}:\n{text}"
    return problems


def assert_exactly_the_declared_problems(case: Case, text: str) -> None:
    problems = reported_problems(text)
    unmatched = list(problems)
    missing = []
    for file, line, column, fragment in case.expected:
        found = next((p for p in unmatched if p[:3] == (f"{case.name}/{file}", line, column) and fragment in p[3]), None)
        if found is None:
            missing.append(f"{file}:{line}: {column}: {fragment}")
        else:
            unmatched.remove(found)
    assert not missing and not unmatched, (
        f"{case.name} ({case.about})\nmissing: {missing}\nnot declared: {[':'.join(map(str, p)) for p in unmatched]}\n"
        f"output:\n{text}")


def snapshot(out: Path) -> dict[str, str | None]:
    """The SHA-256 of every file's bytes, and every folder, under out, except locks and a failed notebook."""
    found: dict[str, str | None] = {}
    for path in sorted(out.rglob("*")):
        if path.name in NOT_REPORT:
            continue
        found[path.relative_to(out).as_posix()] = None if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def assert_loads_like_base(folder: Path) -> None:
    import pandas as pd

    from parley.data.load import load_conflict

    got, base = load_conflict(folder), load_conflict(BASE)
    assert got.meta == base.meta
    for table in ("actors", "issues", "events", "positions"):
        pd.testing.assert_frame_equal(getattr(got, table), getattr(base, table), check_exact=True)


# --- fixtures: everything heavy runs once, in parallel ------------------------------------------

@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bad-inputs")


class OnDemand(dict):
    """case name -> value, computed on first use, so a test run that selects a few cases builds only those."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, name):
        self[name] = value = self.make(name)
        return value


BY_NAME = {case.name: case for case in CASES}


@pytest.fixture(scope="module")
def folders(root):
    built = OnDemand(lambda name: build(BY_NAME[name], root))
    yield built
    for name, folder in built.items():  # the generated giants are not kept among pytest's temporary folders
        for directive, *args in BY_NAME[name].directives:
            if directive == "@generate":
                (folder / args[0]).unlink(missing_ok=True)


def main_in_process(*argv: str) -> tuple[int, str, str]:
    """parley.cli.main as `python -m parley` runs it: (exit code, stdout, stderr); an escaping exception is a traceback."""
    from parley import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(argv))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        except BaseException:  # noqa: BLE001 - what the interpreter would print
            traceback.print_exc()
            code = 1
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def validated(folders) -> dict[str, subprocess.CompletedProcess]:
    return OnDemand(lambda name: subprocess.CompletedProcess(["validate", name], *main_in_process("validate", str(folders[name]))))


def check_validate(case: Case, done: subprocess.CompletedProcess, folder: Path) -> None:
    """What `parley validate` must say about a case: valid and loading like the base, or exactly its declared problems."""
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    if case.valid:
        assert done.returncode == 0, done.stderr
        assert ": valid" in done.stdout
        assert_loads_like_base(folder)
        return
    assert done.returncode == 1, f"exit {done.returncode}\n{done.stdout}{done.stderr}"
    assert done.stdout == ""
    assert_exactly_the_declared_problems(case, done.stderr)


