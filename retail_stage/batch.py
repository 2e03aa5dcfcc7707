"""Finding profile inputs, streaming their documents, scoring them, collecting the failures.

Batch work never stops at a bad file: every input yields either results or failures, in
input order, so one broken profile among thousands costs one error line.
"""

from __future__ import annotations

import glob
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from retail_stage.loading import Failure, documents_from_text, score_document
from retail_stage.sources import DEFAULT_MAX_BYTES, Problem, SourceError, decode

if TYPE_CHECKING:
    from retail_stage.engine import CompiledRubric, Result

KIND_BY_SUFFIX = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl"}
STDIN = "-"


@dataclass(frozen=True, slots=True)
class Input:
    """One file (or stdin) to read profiles from; `kind` None means: tell from the content."""

    path: str
    kind: str | None


def find_inputs(arguments: Iterable[str]) -> Iterator[Input | Failure]:
    """Inputs named by files, folders (recursively, sorted, hidden skipped), globs and '-'."""
    for argument in arguments:
        if argument == STDIN:
            yield Input(STDIN, None)
            continue
        path = Path(argument)
        if path.is_dir():
            yield from _folder_inputs(path, argument)
        elif path.exists():
            yield Input(argument, KIND_BY_SUFFIX.get(path.suffix.lower()))
        elif glob.has_magic(argument):
            matches = sorted(glob.glob(argument, recursive=True))
            if not matches:
                yield _failure(argument, "no file matches this pattern")
            for match in matches:
                if Path(match).is_dir():
                    yield from _folder_inputs(Path(match), match)
                else:
                    yield Input(match, KIND_BY_SUFFIX.get(Path(match).suffix.lower()))
        else:
            yield _failure(argument, "no such file or folder")


def _folder_inputs(folder: Path, shown: str) -> Iterator[Input | Failure]:
    found = False
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if any(part.startswith(".") for part in relative):
            continue
        kind = KIND_BY_SUFFIX.get(path.suffix.lower())
        if kind is None or not path.is_file():
            continue
        found = True
        yield Input(str(path), kind)
    if not found:
        yield _failure(shown, "folder holds no profiles (*.yaml, *.yml, *.json, *.jsonl)")


def _failure(source: str, message: str) -> Failure:
    return Failure(source, (Problem(source, message),))


def sniff_kind(text: str) -> str:
    """yaml, json or jsonl, told from the content of an input without a telling name."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        lines = [line for line in stripped.splitlines() if line.strip()]
        if len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines):
            return "jsonl"
        return "json"
    if stripped.startswith("["):
        return "json"
    return "yaml"


def read_input(item: Input, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """(text, kind) of an input; raises SourceError when it cannot be read as text."""
    shown = "<stdin>" if item.path == STDIN else item.path
    try:
        data = sys.stdin.buffer.read() if item.path == STDIN else Path(item.path).read_bytes()
    except IsADirectoryError:
        raise SourceError(Problem(shown, "is a folder, expected a file")) from None
    except OSError as exc:
        raise SourceError(Problem(shown, f"cannot read: {exc.strerror or exc}")) from None
    text = decode(
        data, shown, max_bytes=max_bytes if item.kind != "jsonl" else max(max_bytes, len(data))
    )
    if not text.strip():
        raise SourceError(Problem(shown, "file is empty: expected a profile"))
    return text, item.kind or sniff_kind(text)


def score_input(compiled: CompiledRubric, item: Input) -> Iterator[Result | Failure]:
    """Results and failures of every profile in one input, in order."""
    shown = "<stdin>" if item.path == STDIN else item.path
    try:
        text, kind = read_input(item)
        documents = documents_from_text(text, shown, kind)
        for document in documents:
            if isinstance(document, Failure):
                yield document
                continue
            try:
                yield score_document(compiled, document)
            except SourceError as exc:
                yield Failure(document.source, exc.problems)
    except SourceError as exc:
        yield Failure(shown, exc.problems)


def score_paths(compiled: CompiledRubric, arguments: Iterable[str]) -> Iterator[Result | Failure]:
    """Results and failures of every profile named by `arguments`, in input order."""
    for item in find_inputs(arguments):
        if isinstance(item, Failure):
            yield item
        else:
            yield from score_input(compiled, item)
