"""Issue 7: every broken input of tests/bad_inputs/ gives exactly its declared errors, exit 1, never a traceback.

Each case (see tests/bad_inputs/README.md) is a copy of ``_base`` with some files replaced. It goes through

* ``python -m parley validate`` (a real subprocess per case): exit 1, stdout empty, stderr
  ``error: file:line: column: message`` lines that are exactly the declared problems;
* ``render`` into an output folder that already holds a good report of the base: the same
  problems, and every byte of the previous report and index left as it was. Every case runs
  the CLI's own render command in this process (``args.run(args)`` as ``parley.cli.main``
  does; renders share the papermill import, which keeps the corpus under a minute), and a
  sample runs as ``python -m parley render`` subprocesses to check exit code and output
  end to end.

Accepted variants (``@valid``: BOM, CRLF) must validate, load exactly like the base and render
the base's HTML byte for byte.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "bad_inputs"
BASE = CORPUS / "_base"
PERIOD = "1953-07"
PROBLEM_RE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+): (?P<column>[^:]+): (?P<message>.+)$")
SUMMARY_RE = re.compile(r"^\d+ problems? found; nothing was rendered\.$")
# Files a failed render may add or touch without being a report: locks, and papermill's failed notebook (issue 4).
NOT_REPORT = {".lock", ".parley-schedule.lock", "briefing.failed.ipynb"}
# Rendered end to end as `python -m parley render` subprocesses (every case also renders in process).
CLI_RENDER_SAMPLE = ("toml-id-dotdot", "toml-latin1", "actors-latin1", "events-200mb", "events-quoted-newlines",
                     "positions-symlink-out", "issues-directory")
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


def run_cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "parley", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", env=ENV, timeout=timeout)


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


def snapshot(out: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder under out, except locks and a failed notebook."""
    found: dict[str, bytes | None] = {}
    for path in sorted(out.rglob("*")):
        if path.name in NOT_REPORT:
            continue
        found[path.relative_to(out).as_posix()] = None if path.is_dir() else path.read_bytes()
    return found


def assert_loads_like_base(folder: Path) -> None:
    import pandas as pd

    from parley.load import load_conflict

    got, base = load_conflict(folder), load_conflict(BASE)
    assert got.meta == base.meta
    for table in ("actors", "issues", "events", "positions"):
        pd.testing.assert_frame_equal(getattr(got, table), getattr(base, table), check_exact=True)


# --- fixtures: everything heavy runs once, in parallel ------------------------------------------

@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bad-inputs")


@pytest.fixture(scope="module")
def folders(root) -> dict[str, Path]:
    return {case.name: build(case, root) for case in CASES}


@pytest.fixture(scope="module")
def validated(folders) -> dict[str, subprocess.CompletedProcess]:
    names = [case.name for case in CASES]
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(names, pool.map(lambda name: run_cli("validate", str(folders[name])), names)))


@pytest.fixture(scope="module")
def good_report(root) -> Path:
    """A report of the base, rendered once; each case renders into a copy of it."""
    out = root / "good-report"
    done = run_cli("render", str(BASE), "--period", PERIOD, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "index.html").is_file() and (out / "korea-1950" / PERIOD / "briefing.html").is_file()
    return out


def render_in_process(folder: Path, out: Path) -> str | None:
    """The CLI's render command as `parley.cli.main` runs it: None on success, else the text main() prints.

    Any exception other than a ParleyError is what main() would show as a traceback: returned with 'Traceback'.
    """
    from parley import cli
    from parley.errors import ParleyError

    args = cli.build_parser().parse_args(["render", str(folder), "--period", PERIOD, "--out", str(out)])
    try:
        args.run(args)
    except ParleyError as err:
        return f"error: {err}"
    except BaseException:  # noqa: BLE001 - reported by the test as the traceback a user would see
        return traceback.format_exc()
    return None


@pytest.fixture(scope="module")
def rendered(folders, good_report, root) -> dict[str, tuple[str | None, dict, dict]]:
    """case -> (error text or None, report folder before, report folder after)."""
    import papermill  # noqa: F401 - imported once here, not once per thread

    def one(case: Case):
        out = root / "reports" / case.name
        shutil.copytree(good_report, out)
        before = snapshot(out)
        message = render_in_process(folders[case.name], out)
        return case.name, (message, before, snapshot(out))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(one, CASES))


@pytest.fixture(scope="module")
def rendered_by_cli(folders, good_report, root) -> dict[str, tuple[subprocess.CompletedProcess, dict, dict]]:
    def one(name: str):
        out = root / "cli-reports" / name
        shutil.copytree(good_report, out)
        before = snapshot(out)
        done = run_cli("render", str(folders[name]), "--period", PERIOD, "--out", str(out))
        return name, (done, before, snapshot(out))

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(pool.map(one, CLI_RENDER_SAMPLE))


# --- tests --------------------------------------------------------------------------------------

def test_the_corpus_is_large_and_every_case_declares_its_outcome():
    assert len(ERROR_CASES) >= 30
    for case in CASES:
        assert case.about, f"{case.name}: expected.txt has no '# what is broken' line"
        assert case.valid != bool(case.expected), f"{case.name}: declare problems, or @valid, not both or neither"
        for file, *_ in case.expected:
            assert file in {"conflict.toml", "actors.csv", "issues.csv", "events.csv", "positions.csv"}, case.name
    assert set(CLI_RENDER_SAMPLE) <= {c.name for c in ERROR_CASES}
    # no generated giant is committed
    assert all(p.stat().st_size < 1 << 20 for p in CORPUS.rglob("*") if p.is_file())


def test_the_base_is_valid_and_real():
    done = run_cli("validate", str(BASE))
    assert done.returncode == 0, done.stderr
    assert "korea-1950" in done.stdout and ": valid" in done.stdout


def test_the_200_mb_file_is_generated_at_test_time(folders):
    assert (folders["events-200mb"] / "events.csv").stat().st_size >= 200 << 20


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate(case, validated, folders):
    done = validated[case.name]
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    if case.valid:
        assert done.returncode == 0, done.stderr
        assert ": valid" in done.stdout
        assert_loads_like_base(folders[case.name])
        return
    assert done.returncode == 1, f"exit {done.returncode}\n{done.stdout}{done.stderr}"
    assert done.stdout == ""
    assert_exactly_the_declared_problems(case, done.stderr)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_render(case, rendered, good_report):
    message, before, after = rendered[case.name]
    assert message is None or "Traceback" not in message, message
    if case.valid:
        assert message is None, message
        html = f"korea-1950/{PERIOD}/briefing.html"
        assert after[html] == (good_report / html).read_bytes(), "an accepted variant rendered different HTML"
        return
    assert message is not None, "rendered a briefing from broken data"
    assert_exactly_the_declared_problems(case, message)
    assert after == before, f"the previous report changed: {sorted(k for k in after.keys() | before.keys() if after.get(k) != before.get(k))}"


@pytest.mark.parametrize("name", CLI_RENDER_SAMPLE)
def test_render_cli(name, rendered_by_cli):
    case = next(c for c in CASES if c.name == name)
    done, before, after = rendered_by_cli[name]
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert done.returncode == 1, f"exit {done.returncode}\n{done.stdout}{done.stderr}"
    assert done.stdout == ""
    assert_exactly_the_declared_problems(case, done.stderr)
    assert after == before
