"""Writing output safely: to stdout, or to a file atomically (temporary file, then rename)."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO, cast

from retail_stage.messages import _


class _LazyFile(io.TextIOBase):
    """A text stream that creates its temporary file at the first write, beside `path`."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.temporary: str | None = None
        self._stream: TextIO | None = None

    def _open(self) -> TextIO:
        if self._stream is None:
            folder = self.path.resolve().parent
            handle, self.temporary = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=folder
            )
            # mkstemp makes the file private (0600); a report is an ordinary file, so give it
            # the permissions open() would: those of the file it replaces, else 0666 less umask.
            mode = _mode_for(self.path)
            if hasattr(os, "fchmod"):  # not on Windows before Python 3.13
                os.fchmod(handle, mode)
            else:
                os.chmod(self.temporary, mode)
            self._stream = os.fdopen(handle, "w", encoding="utf-8", newline="")
        return self._stream

    def write(self, text: str) -> int:
        """Write `text`, opening the temporary file first if need be."""
        return self._open().write(text)

    @property
    def buffer(self) -> io.BufferedIOBase:
        """The binary file under the text (a workbook writes its bytes there)."""
        return cast(io.BufferedIOBase, self._open().buffer)

    def flush(self) -> None:
        """Flush what was written so far (nothing to do before the first write or after the
        end: io calls this again when the object is collected)."""
        if self._stream is not None and not self._stream.closed:
            self._stream.flush()

    def finish(self) -> None:
        """Close the temporary file and rename it onto `path` (an empty file if never written)."""
        stream = self._open()
        stream.close()
        assert self.temporary is not None
        os.replace(self.temporary, self.path)

    def abandon(self) -> None:
        """Close and remove the temporary file, leaving `path` as it was."""
        if self._stream is not None:
            with contextlib.suppress(OSError):
                self._stream.close()
        if self.temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.temporary)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def open_output(path: Path | None) -> Iterator[TextIO]:
    """Stdout, or a temporary file beside `path` renamed onto it only when the block succeeds.

    The temporary file is created at the first write, so a run that fails before it has
    anything to say leaves no file behind, and an interrupted one leaves `path` untouched.
    """
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    lazy = _LazyFile(path)
    try:
        yield cast(TextIO, lazy)
        lazy.finish()
    except BaseException:
        lazy.abandon()
        raise


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that readers see the old file or the new one, never half."""
    with open_output(path) as stream:
        stream.write(text)


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """`write_atomic` for bytes (a spreadsheet)."""
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.resolve().parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


DOCUMENT_SUFFIXES = frozenset(
    {".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".yaml", ".yml", ".md", ".markdown"}
    | {".html", ".htm", ".svg", ".txt", ".xlsx", ".pdf"}
)
"""Names that promise a format: a file so named holds that format or is not written."""


class FormatRefused(ValueError):
    """An output's name and its format disagree; the message is the one line to print."""


def chosen_format(
    given: Any,
    output: Path | None,
    named: Any,
    choices: str,
    default: Any,
    drawn: Any = None,
    drawn_to_file: bool = False,
) -> Any:
    """The format to write: `given` (--format), else the one the output's name asks for
    (`named`), else `default` when there is no file. Raises FormatRefused when the name asks
    for another format than the one given or for one this command cannot write, or when
    `drawn` (a drawing for the screen) would land in a file: never unless `drawn_to_file`,
    then only in a file whose name promises no other document."""
    if output is None:
        return default if given is None else given
    suffix = output.suffix.lower()
    if named is None and suffix in DOCUMENT_SUFFIXES:
        raise FormatRefused(
            _(
                "{path}: error: this command does not write {suffix} files; it writes {choices}"
            ).format(path=output, suffix=suffix, choices=choices)
        )
    if given is None:
        if named is None:
            raise FormatRefused(
                _(
                    "{path}: error: cannot tell the format from the name; use --format {choices}"
                ).format(path=output, choices=choices)
            )
        return named
    if named is not None and named is not given:
        raise FormatRefused(
            _(
                "{path}: error: the name asks for {named} but --format is {given}; "
                "drop --format, or rename the file"
            ).format(path=output, named=named.value, given=given.value)
        )
    if given is drawn and not drawn_to_file:
        raise FormatRefused(
            _(
                "{path}: error: the {format} format is for the screen; for a file use {choices}"
            ).format(path=output, format=given.value, choices=choices)
        )
    return given
