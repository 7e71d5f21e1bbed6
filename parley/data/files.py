"""Bytes in and out, the same way everywhere: UTF-8 text with its line numbers, CSV records with the
line each starts on, and atomic writes.

Used by :mod:`parley.data.load` (curated tables), :mod:`parley.data.meta`, :mod:`parley.data.importers` and the
writers of reports (:mod:`parley.pipeline.render`, :mod:`parley.pipeline.schedule`). Nothing here knows a schema.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

BOM = b"\xef\xbb\xbf"  # the UTF-8 byte-order mark spreadsheets write at the start of a file


class NotUtf8(ValueError):
    """Bytes that are not UTF-8, at ``line`` (1-based) of their file; ``byte`` is the first bad one."""

    def __init__(self, line: int, byte: int):
        super().__init__(f"line {line}: not UTF-8 (byte 0x{byte:02x})")
        self.line, self.byte = line, byte


class CsvSyntaxError(ValueError):
    """A record the csv module refuses (an open quote, ...); ``line`` is where that record starts."""

    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


def decode_utf8(raw: bytes, line: int = 1) -> str:
    """``raw`` (which starts on ``line`` of its file) as text; a byte-order mark opening the file is dropped.

    Raises :class:`NotUtf8` naming the line of the first bad byte, so every reader reports it alike."""
    if line == 1 and raw.startswith(BOM):
        raw = raw[len(BOM):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise NotUtf8(line + raw.count(b"\n", 0, err.start), raw[err.start]) from None


def utf8_lines(lines: Iterable[bytes]) -> Iterator[str]:
    """The lines of a file opened in binary mode, decoded one by one (:func:`decode_utf8`): a large
    export is checked without holding it in memory twice."""
    return (decode_utf8(raw, number) for number, raw in enumerate(lines, start=1))


def csv_records(lines: Iterable[str], *, strict: bool = False) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on, quoted newlines counted (``lines`` as csv.reader takes them).

    Raises :class:`CsvSyntaxError` with the line the refused record starts on."""
    reader = csv.reader(lines, strict=strict)
    end = 0  # the last line of the previous record
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise CsvSyntaxError(end + 1, str(err)) from None
        yield end + 1, fields
        end = reader.line_num


@contextlib.contextmanager
def temporary_beside(path: Path) -> Iterator[Path]:
    """A new empty file (mode 644) next to ``path`` for the block to fill; it is removed when the block
    ends unless :func:`replace_with` put it in place. Same folder, same file system: the rename is atomic."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    temporary = Path(name)
    try:
        os.chmod(temporary, 0o644)
        yield temporary
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def replace_with(temporary: Path, path: Path) -> None:
    """Put a fully written temporary file in place: its bytes reach the disk (fsync) before the rename
    over ``path``, so a crash leaves the old file or the new one, never half of one."""
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary name in the same folder, fsync, then rename over ``path``."""
    with temporary_beside(path) as temporary:
        temporary.write_bytes(data)
        replace_with(temporary, path)


# --- the data files this process read: what a briefing was made from ------------------------------

_PACKAGE = Path(__file__).resolve().parents[1]  # parley's own files count as code (parley.digest), not data
_inputs: dict[str, str | None] = {}


def read_input(path: str | Path) -> bytes:
    """The bytes of a data file, remembered with their sha256: a briefing reports exactly the files it read."""
    data = Path(path).read_bytes()
    _remember(path, hashlib.sha256(data).hexdigest())
    return data


def note_absent(path: str | Path) -> None:
    """Remember that an optional data file was looked for and is not there (a file added later changes the inputs)."""
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(_PACKAGE):
        _inputs.setdefault(str(resolved), None)


def _remember(path: str | Path, digest: str) -> None:
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(_PACKAGE):
        _inputs[str(resolved)] = digest


def inputs_read() -> dict[str, str | None]:
    """Every data file read (or looked for: None) since the process started or :func:`forget_inputs`."""
    return dict(_inputs)


def forget_inputs() -> None:
    _inputs.clear()


def note_read(path: str | Path) -> None:
    """Remember a data file that a library reads itself (pyarrow's Parquet reader), hashed once per process."""
    if str(Path(path).resolve()) not in _inputs or _inputs[str(Path(path).resolve())] is None:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _remember(path, digest.hexdigest())
