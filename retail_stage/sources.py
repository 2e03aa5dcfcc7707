"""Safe loading of YAML and JSON with line/column positions, and the located-error type.

The happy path parses with libyaml's C loader and never computes a position: positions are
found only when something is wrong, by composing the document again and walking the
location of the error through its node tree.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
"""Largest YAML/JSON file, or JSONL line, accepted by default (DESIGN §6)."""

KEY = "<key>"
"""Last element of a location that points at a mapping key rather than at its value."""

Loc = Sequence["str | int"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, positioned where it can be fixed."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.severity}: {self.message}"


class SourceError(Exception):
    """A user's input is wrong; carries one or more positioned problems."""

    def __init__(self, problems: Problem | Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = (
            (problems,) if isinstance(problems, Problem) else tuple(problems)
        )
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def first(self) -> Problem:
        """The first problem, the one a one-line report shows."""
        return self.problems[0]


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader that refuses duplicate keys instead of keeping the last one."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, "expected a mapping", node.start_mark
            )
        self.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def decode(data: bytes, path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Bytes of a user file as text, or a SourceError saying why they are not usable text."""
    if len(data) > max_bytes:
        raise SourceError(
            Problem(path, f"file is {len(data):,} bytes, over the limit of {max_bytes:,} bytes")
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SourceError(Problem(path, "file is UTF-16; save it as UTF-8", 1, 1))
    if b"\x00" in data:
        raise SourceError(Problem(path, "binary file: expected UTF-8 text (YAML or JSON)"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col(data[: exc.start].decode("utf-8", "replace"))
        raise SourceError(
            Problem(path, f"not UTF-8 text (byte 0x{data[exc.start]:02x})", line, column)
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def _line_col(prefix: str) -> tuple[int, int]:
    line = prefix.count("\n") + 1
    return line, len(prefix) - (prefix.rfind("\n") + 1) + 1


def _yaml_problem(path: str, exc: yaml.YAMLError, line_offset: int = 0) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        what = exc.problem or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError):
            # Raised by our own checks (duplicate keys) and for tags that would build objects.
            if what.startswith("could not determine a constructor for the tag"):
                tag = what.rpartition(" ")[2].strip("'").replace("tag:yaml.org,2002:", "!!")
                what = (
                    f"tag {tag!r} is not allowed: only plain data (mappings, lists, text, numbers)"
                )
        else:
            if exc.context and "while" not in exc.context:
                what = f"{exc.context}: {what}"
            what = f"invalid YAML: {what}"
        return Problem(path, what, mark.line + 1 + line_offset, mark.column + 1)
    return Problem(path, f"invalid YAML: {exc}")  # pragma: no cover - unmarked errors are rare


def load_yaml_documents(text: str, path: str) -> list[Any]:
    """Every document of a YAML stream, loaded safely; duplicate keys and bad syntax raise."""
    loader = _Loader(text)
    try:
        documents = []
        while loader.check_data():
            documents.append(loader.get_data())
        return documents
    except yaml.YAMLError as exc:
        raise SourceError(_yaml_problem(path, exc)) from None
    except RecursionError:
        raise SourceError(Problem(path, "document is nested too deeply")) from None
    finally:
        loader.dispose()


def load_yaml(text: str, path: str) -> Any:
    """A single-document YAML file (a rubric); several documents are an error."""
    documents = load_yaml_documents(text, path)
    if not documents:
        raise SourceError(Problem(path, "file is empty: expected a YAML mapping"))
    if len(documents) > 1:
        raise SourceError(Problem(path, "expected one YAML document, found several"))
    return documents[0]


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def load_json(text: str, path: str, line_offset: int = 0) -> Any:
    """A JSON value; duplicate keys, NaN and Infinity are errors with their position."""
    try:
        return json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        raise SourceError(
            Problem(path, f"invalid JSON: {exc.msg}", exc.lineno + line_offset, exc.colno)
        ) from None
    except _DuplicateKey as exc:
        line, column = _find_key(text, exc.key)
        raise SourceError(
            Problem(path, f"duplicate key {exc.key!r}", line + line_offset, column)
        ) from None
    except ValueError as exc:
        raise SourceError(Problem(path, f"invalid JSON: {exc}", 1 + line_offset, 1)) from None
    except RecursionError:
        raise SourceError(Problem(path, "document is nested too deeply")) from None


def _find_key(text: str, key: str) -> tuple[int, int]:
    """Position of the second occurrence of a JSON key (the duplicate)."""
    needle = json.dumps(key)
    first = text.find(needle)
    second = text.find(needle, first + 1)
    at = second if second >= 0 else max(first, 0)
    return _line_col(text[:at])


def iter_jsonl(
    text: str, path: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[tuple[int, str]]:
    """(line number, line) for each non-blank line of a JSONL text."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > max_bytes:
            raise SourceError(Problem(f"{path}:{number}", "line is over the size limit"))
        yield number, line


def locate(text: str, loc: Loc, document: int = 0, line_offset: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the value at `loc` in the given document of a YAML/JSON text.

    Walks as far down `loc` as the document goes, so a missing key points at the mapping
    that lacks it. A location ending in KEY points at the key rather than its value.
    """
    try:
        nodes = yaml.compose_all(text, Loader=_BaseLoader)
        root = None
        for index, composed in enumerate(nodes):
            if index == document:
                root = composed
                break
    except (yaml.YAMLError, RecursionError):  # pragma: no cover - text already loaded once
        return 1 + line_offset, 1
    if root is None:
        return 1 + line_offset, 1
    steps = list(loc)
    want_key = bool(steps) and steps[-1] == KEY
    if want_key:
        steps.pop()
    node: yaml.Node = root
    for position, step in enumerate(steps):
        child = _child(node, step, want_key=want_key and position == len(steps) - 1)
        if child is None:
            break
        node = child
    return node.start_mark.line + 1 + line_offset, node.start_mark.column + 1


def _child(node: yaml.Node, step: str | int, want_key: bool) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(step):
                return key_node if want_key else value_node
        return None
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(step, int)
        and 0 <= step < len(node.value)
    ):
        child: yaml.Node = node.value[step]
        return child
    return None
