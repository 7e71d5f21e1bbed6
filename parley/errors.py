"""Exceptions parley raises on purpose: each says what a user must fix, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located like a compiler error: file:line: column: message."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class ParleyError(Exception):
    """Base of every error meant for the user; the CLI prints it and exits 1."""


class DataError(ParleyError):
    """The conflict folder failed validation; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.message))
        super().__init__(self._summary())

    def _summary(self) -> str:
        lines = [str(p) for p in self.problems]
        noun = "problem" if len(lines) == 1 else "problems"
        return "\n".join(lines + [f"{len(lines)} {noun} found; nothing was rendered."])


class UsageError(ParleyError):
    """A malformed argument (period, date, path, conflict id), refused before any work starts."""


class RenderError(ParleyError):
    """A briefing failed to render; the previous good report was left in place."""
