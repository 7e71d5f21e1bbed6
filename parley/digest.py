"""What "the code" is when a report or a cached track record asks whether it is still current.

One definition, used by the pipeline (report manifests, `schedule`'s staleness) and by the backtest cache: the
parley version and every source, template, script and list file of the package, by path and content.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from parley import __version__

PACKAGE = Path(__file__).resolve().parent
HASHED_SUFFIXES = {".py", ".js", ".j2", ".css", ".csv", ".json"}  # .json: the headline record (analysis/headline.json)


@functools.cache
def package_digest() -> str:
    """sha256 over every file of the package that can change what it outputs (computed once per process)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in HASHED_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def code_digest() -> str:
    """sha256 of parley's version and code, the other thing besides the data that can make a report drift."""
    return hashlib.sha256(f"{__version__}|{package_digest()}".encode()).hexdigest()
