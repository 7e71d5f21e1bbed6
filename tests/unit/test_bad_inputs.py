"""Issue 7: every broken input of tests/bad_inputs/ gives exactly its declared errors, exit 1, never a traceback.

Each case (see tests/bad_inputs/README.md) is a copy of ``_base`` with some files replaced. Every case runs
``parley.cli.main(["validate", folder])``, the function ``python -m parley`` exits with, in this process (output
captured; an exception other than the ParleyError that main() turns into its message would be the user's traceback and
fails the case). Expected: exit 1, nothing on stdout, stderr ``error: file:line: column: message`` lines that are
exactly the declared problems, then the count; accepted variants (``@valid``: BOM, CRLF) validate and load exactly like
the base. The generated giant, the real subprocesses, renders and bad arguments are in
tests/integration/test_bad_inputs_cli.py.
"""

from __future__ import annotations

import pytest
from bad_input_cases import CASES, CLI_RENDER_SAMPLE, CLI_VALIDATE_SAMPLE, CORPUS, ERROR_CASES, GENERATED, RENDER_SAMPLE, RENDERED, check_validate


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


@pytest.mark.parametrize("case", [c for c in CASES if c not in GENERATED], ids=[c.name for c in CASES if c not in GENERATED])
def test_validate(case, validated, folders):
    check_validate(case, validated[case.name], folders[case.name])


def test_the_render_sample_names_real_cases():
    assert len(RENDERED) == len(RENDER_SAMPLE), set(RENDER_SAMPLE) - {c.name for c in CASES}


