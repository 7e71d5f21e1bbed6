"""Issue 7: every broken input of tests/bad_inputs/ gives exactly its declared errors, exit 1, never a traceback.

Each case (see tests/bad_inputs/README.md) is a copy of ``_base`` with some files replaced.

* validate: every case runs ``parley.cli.main(["validate", folder])``, the function ``python -m
  parley`` exits with, in this process (output captured; an exception other than the ParleyError
  that main() turns into its message would be the user's traceback and fails the case). A sample
  also runs as real ``python -m parley validate`` subprocesses: same exit code, same output.
  Expected: exit 1, nothing on stdout, stderr ``error: file:line: column: message`` lines that are
  exactly the declared problems, then the count.
* render: every case, into an output folder that already holds a good report of the base, which
  must keep every byte (report, executed notebook, manifest, index). Most run the CLI's own render
  command in this process (``args.run(args)`` as main() does, four at a time, one kernel each: the
  papermill import is shared, which halves the cost); a sample runs as ``python -m parley render``
  subprocesses to check exit code and output end to end.
* accepted variants (``@valid``: BOM, CRLF) must validate, load exactly like the base, and render
  the base's HTML byte for byte.
* bad arguments to render, schedule and forecast are refused in one line before papermill (or
  a kernel) is imported, and nothing can make a file land outside ``--out``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
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


@pytest.fixture(scope="module")
def validated_by_cli(folders) -> dict[str, subprocess.CompletedProcess]:
    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(CLI_VALIDATE_SAMPLE, pool.map(lambda name: run_cli("validate", str(folders[name])), CLI_VALIDATE_SAMPLE)))


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
        return dict(pool.map(one, RENDERED))


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
    names = {c.name for c in CASES}
    assert set(CLI_RENDER_SAMPLE + CLI_VALIDATE_SAMPLE) <= names
    assert not set(CLI_RENDER_SAMPLE) & {c.name for c in RENDERED}
    # no generated giant is committed
    assert all(p.stat().st_size < 1 << 20 for p in CORPUS.rglob("*") if p.is_file())


def test_the_base_is_valid_and_real():
    done = run_cli("validate", str(BASE))
    assert done.returncode == 0, done.stderr
    assert "korea-1950" in done.stdout and ": valid" in done.stdout


@pytest.mark.slow
def test_the_200_mb_file_is_generated_at_test_time(folders):
    assert (folders["events-200mb"] / "events.csv").stat().st_size >= 200 << 20


# The generated giant takes seconds to write: checked by make test, not the fast loop.
@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c.name == "events-200mb" else c for c in CASES],
                         ids=[c.name for c in CASES])
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


@pytest.mark.slow
@pytest.mark.parametrize("name", CLI_VALIDATE_SAMPLE)
def test_validate_cli(name, validated_by_cli, validated):
    """The real entry point: same exit code and output as main() in process (folder paths aside)."""
    done, same = validated_by_cli[name], validated[name]
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert (done.returncode, done.stderr) == (same.returncode, same.stderr)
    assert done.stdout.splitlines()[1:] == same.stdout.splitlines()[1:]


def test_the_render_sample_names_real_cases():
    assert len(RENDERED) == len(RENDER_SAMPLE), set(RENDER_SAMPLE) - {c.name for c in CASES}


@pytest.mark.slow
@pytest.mark.parametrize("case", RENDERED, ids=[c.name for c in RENDERED])
def test_render(case, rendered, good_report):
    message, before, after = rendered[case.name]
    assert message is None or "Traceback" not in message, message
    if case.valid:
        assert message is None, message
        html = f"korea-1950/{PERIOD}/briefing.html"
        assert after[html] == snapshot(good_report)[html], "an accepted variant rendered different HTML"
        return
    assert message is not None, "rendered a briefing from broken data"
    assert_exactly_the_declared_problems(case, message)
    assert after == before, f"the previous report changed: {sorted(k for k in after.keys() | before.keys() if after.get(k) != before.get(k))}"


@pytest.mark.slow
@pytest.mark.parametrize("name", CLI_RENDER_SAMPLE)
def test_render_cli(name, rendered_by_cli):
    case = next(c for c in CASES if c.name == name)
    done, before, after = rendered_by_cli[name]
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert done.returncode == 1, f"exit {done.returncode}\n{done.stdout}{done.stderr}"
    assert done.stdout == ""
    assert_exactly_the_declared_problems(case, done.stderr)
    assert after == before


# --- bad arguments: refused before papermill starts, with one line -------------------------------------

# (command line with {data} {out}, fragment of the one-line error); {data} is the valid base unless the case names a folder
BAD_ARGUMENTS = [
    ("render {data} --period 2025-13 --out {out}", "period '2025-13': month must be 01-12"),
    ("render {data} --period 2025-00 --out {out}", "month must be 01-12"),
    ("render {data} --period 2025-W54 --out {out}", "2025 has no ISO week 54"),
    ("render {data} --period 2025-W00 --out {out}", "2025 has no ISO week 0"),
    ("render {data} --period 2025-02-30:2025-03-01 --out {out}", "period start '2025-02-30' is not a real date"),
    ("render {data} --period 2025-03-31:2025-03-01 --out {out}", "ends before it starts"),
    ("render {data} --period 25/05/2025 --out {out}", "is not YYYY-MM, YYYY-Www or YYYY-MM-DD:YYYY-MM-DD"),
    ("render {data} --period ../x --out {out}", "period '../x' is not YYYY-MM"),
    ("render {data} --period 2025-05/../../x --out {out}", "is not YYYY-MM"),
    ("render {data} --period  --out {out}", "is not YYYY-MM"),
    ("render {data} --period 2025-05 --format exe --out {out}", "format 'exe': choose html, pdf or html,pdf"),
    ("render {data}/events.csv --period 1953-07 --out {out}", "is not a conflict folder"),
    ("render {data}-does-not-exist --period 1953-07 --out {out}", "is not a conflict folder"),
    ("render {corpus}/toml-id-dotdot --period 1953-07 --out {out}", "id: must be an id"),
    ("schedule {data} --cadence year --out {out}", "cadence 'year' is not one of: month, week"),
    ("schedule {data} --cadence month --since 2025-13 --out {out}", "month must be 01-12"),
    ("schedule {data} --cadence week --until 2025-W54 --out {out}", "2025 has no ISO week 54"),
    ("schedule {data} --cadence month --since 1953-08 --until 1953-01 --out {out}", "--since 1953-08 is after --until 1953-01"),
    ("schedule {data} --cadence month --since ../x --out {out}", "period '../x' is not YYYY-MM"),
    ("schedule {corpus}/toml-id-dotdot --cadence month --until 1953-07 --out {out}", "id: must be an id"),
    ("forecast {data} --date 2025-02-30", "--date '2025-02-30' is not a real date"),
    ("forecast {data} --date 25/05/2025", "--date '25/05/2025' is not a date written YYYY-MM-DD"),
    ("forecast {data} --date ../x", "--date '../x' is not a date"),
    ("forecast {data} --date 1953-07-01 --format xml", "--format 'xml' is not one of: table, json"),
]
# A papermill (and a jupyter_client) that leave a mark when imported: a refusal must come before either.
POISON = '''import os, pathlib
pathlib.Path(os.environ["PARLEY_TEST_MARK"]).write_text(__name__)
raise ImportError("this test forbids importing " + __name__)
'''


@pytest.fixture(scope="module")
def poison(root) -> Path:
    folder = root / "poison"
    for module in ("papermill", "jupyter_client"):
        (folder / module).mkdir(parents=True)
        (folder / module / "__init__.py").write_text(POISON, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def refused(poison, root) -> dict[str, tuple[subprocess.CompletedProcess, Path, Path]]:
    """Every bad command line, run at once (they are quick): command -> (result, its --out, its import mark)."""
    def one(number_command):
        number, command = number_command
        out, mark = root / "arguments" / str(number) / "out", root / "arguments" / str(number) / "imported"
        mark.parent.mkdir(parents=True)
        argv = [part.format(data=BASE, corpus=CORPUS, out=out) for part in command.split(" ")]
        env = {**ENV, "PYTHONPATH": str(poison), "PARLEY_TEST_MARK": str(mark)}
        done = subprocess.run([sys.executable, "-m", "parley", *argv], cwd=ROOT, capture_output=True, text=True,
                              encoding="utf-8", env=env, timeout=120)
        return command, (done, out, mark)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(one, enumerate(c for c, _ in BAD_ARGUMENTS)))


@pytest.mark.slow
@pytest.mark.parametrize("command,fragment", BAD_ARGUMENTS, ids=[c for c, _ in BAD_ARGUMENTS])
def test_bad_arguments_are_refused_in_one_line_before_papermill(command, fragment, refused):
    done, out, mark = refused[command]
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0].startswith("error: ") and fragment in lines[0], done.stderr
    if "folder" not in fragment and "id:" not in fragment:  # data problems end with their count line
        assert len(lines) == 1, f"not one line:\n{done.stderr}"
    assert not mark.exists(), f"{mark.read_text()} was imported before the refusal"
    assert not out.exists(), "the output folder was created"


def test_no_symlink_in_out_can_send_a_report_elsewhere(poison, root):
    """--out/<conflict-id> linked to a folder outside --out: render and schedule refuse before papermill or a kernel."""
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    out = root / "linked-out"
    out.mkdir()
    (out / "korea-1950").symlink_to(elsewhere, target_is_directory=True)
    mark = root / "linked-out-imported"
    env = {**ENV, "PYTHONPATH": str(poison), "PARLEY_TEST_MARK": str(mark)}
    for command in (["render", str(BASE), "--period", PERIOD],
                    ["schedule", str(BASE), "--cadence", "month", "--since", PERIOD, "--until", PERIOD, "--quiet"]):
        done = subprocess.run([sys.executable, "-m", "parley", *command, "--out", str(out)], cwd=ROOT, capture_output=True,
                              text=True, encoding="utf-8", env=env, timeout=120)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 1, done.stdout + done.stderr
        assert done.stderr.startswith("error: ") and "outside" in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
        assert not mark.exists(), f"{mark.read_text()} was imported before the refusal"
        assert list(elsewhere.iterdir()) == [], "a file landed outside --out"


def test_an_out_that_is_a_file_is_a_clear_error(root):
    done = run_cli("render", str(BASE), "--period", PERIOD, "--out", str(BASE / "events.csv"))
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if not line.startswith("[IPKernelApp]")]
    assert len(errors) == 1 and errors[0].startswith("error: cannot create") and "Not a directory" in errors[0], done.stderr


def test_a_conflict_id_with_dots_writes_nothing_anywhere(folders, root):
    out = root / "deep" / "a" / "b" / "out"
    for command in (["render", str(folders["toml-id-dotdot"]), "--period", PERIOD],
                    ["schedule", str(folders["toml-id-dotdot"]), "--cadence", "month", "--until", PERIOD]):
        done = run_cli(*command, "--out", str(out))
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert not out.exists() and not (root / "deep" / "tmp").exists()
    assert not Path("/tmp/parley-pwned").exists()
