"""Issue 7 end to end: the broken inputs of tests/bad_inputs/ through real processes and renders.

* validate: the generated giant (written at test time), and a sample as real ``python -m parley validate``
  subprocesses: same exit code, same output as ``parley.cli.main`` in process (tests/unit/test_bad_inputs.py).
* render: every case of a sample, into an output folder that already holds a good report of the base, which
  must keep every byte (report, executed notebook, manifest, index). Most run the CLI's own render
  command in this process (``args.run(args)`` as main() does, four at a time, one kernel each: the
  papermill import is shared, which halves the cost); a sample runs as ``python -m parley render``
  subprocesses to check exit code and output end to end.
* accepted variants (``@valid``: BOM, CRLF) render the base's HTML byte for byte.
* bad arguments to render, schedule and forecast are refused in one line before papermill (or
  a kernel) is imported, and nothing can make a file land outside ``--out``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bad_input_cases import (
    BASE,
    CASES,
    CLI_RENDER_SAMPLE,
    CLI_VALIDATE_SAMPLE,
    CORPUS,
    ENV,
    GENERATED,
    PERIOD,
    RENDERED,
    ROOT,
    Case,
    assert_exactly_the_declared_problems,
    check_validate,
    snapshot,
)


def run_cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "parley", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", env=ENV, timeout=timeout)


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


# --- tests ---------------------------------------------------------------------------------------

def test_the_base_is_valid_and_real():
    done = run_cli("validate", str(BASE))
    assert done.returncode == 0, done.stderr
    assert "korea-1950" in done.stdout and ": valid" in done.stdout


@pytest.mark.slow
def test_the_200_mb_file_is_generated_at_test_time(folders):
    assert (folders["events-200mb"] / "events.csv").stat().st_size >= 200 << 20


# The generated giant takes seconds to write: checked by make test, not the fast loop.
@pytest.mark.parametrize("case", GENERATED, ids=[c.name for c in GENERATED])
def test_validate(case, validated, folders):
    check_validate(case, validated[case.name], folders[case.name])


@pytest.mark.slow
@pytest.mark.parametrize("name", CLI_VALIDATE_SAMPLE)
def test_validate_cli(name, validated_by_cli, validated):
    """The real entry point: same exit code and output as main() in process (folder paths aside)."""
    done, same = validated_by_cli[name], validated[name]
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert (done.returncode, done.stderr) == (same.returncode, same.stderr)
    assert done.stdout.splitlines()[1:] == same.stdout.splitlines()[1:]


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
