"""Safe loading of YAML and JSON with line/column positions, and the located-error type.

The happy path parses with libyaml's C loader and never computes a position: positions are
found only when something is wrong, by composing the document again and walking the
location of the error through its node tree.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

import yaml

from retail_stage.messages import N_, _

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
"""Largest YAML/JSON file, or JSONL line, accepted by default (DESIGN §6)."""

KEY = "<key>"
"""Last element of a location that points at a mapping key rather than at its value."""

Loc = Sequence["str | int"]


_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def shown_name(name: str) -> str:
    """A file name as every output shows it: a byte that was not UTF-8 (kept by Python as a
    lone surrogate) as `\\xff`, a control character as `\\x1b` or `\\n`, so that a name is
    valid UTF-8, sends no escape to a terminal and never breaks a line."""
    if name.isprintable():  # nearly every name: nothing to look for
        return name
    return _UNSHOWABLE.sub(_escape_char, name)


def _escape_char(found: re.Match[str]) -> str:
    code = ord(found[0])
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return found[0].encode("unicode_escape").decode("ascii")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, positioned where it can be fixed."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    severity: str = "error"
    sheet: str | None = None
    """The worksheet of a spreadsheet: the place then reads `answers.xlsx:Responses!G14`."""

    def __str__(self) -> str:
        where = shown_name(self.path)
        if self.sheet is not None and self.line is not None:
            where += f":{shown_name(self.sheet)}!{column_letter(self.column or 1)}{self.line}"
        elif self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.severity}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """The problem as fields, as `rubric validate --format json` and error records give it."""
        found = {
            "path": shown_name(self.path),
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
        }
        if self.sheet is not None:
            found["sheet"] = shown_name(self.sheet)
        return found


def column_letter(number: int) -> str:
    """A spreadsheet's name of a 1-based column number: 1 A, 27 AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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


MAX_DEPTH = 100
"""Deepest nesting of lists and mappings accepted in a YAML document (a profile needs 4)."""

MAX_JSON_DEPTH = 300
"""Deepest nesting accepted in a JSON document, the same on every Python (3.13's decoder goes
far deeper than earlier ones, which stopped at their recursion limit, below 1,000)."""

MAX_NUMBER_CHARS = 100
"""Longest number accepted, in characters: Python refuses to convert decimal strings of over
4,300 digits, and no answer is a number of more than 100 characters anyway."""

ALIAS_SLACK = 10_000
"""Values that aliases may add beyond what the text itself spells out (see `_Builder`)."""

_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_CORE + t for t in ("str", "int", "float", "bool", "null"))
_TIMESTAMP, _SEQ, _MAP, _MERGE = (_CORE + t for t in ("timestamp", "seq", "map", "merge"))
_VALUE = _CORE + "value"
_KINDS = {_INT: N_("a number"), _FLOAT: N_("a number"), _BOOL: N_("a yes/no"), _NULL: N_("empty")}
_KINDS[_TIMESTAMP] = N_("a date")


_TAG_CACHE_SIZE = 20_000
_tag_of_plain: dict[str, str] = {}


class _FastLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The C composer calls back into Python to tag every scalar: remember the answers.

    A plain scalar's tag depends on its text alone, and profiles repeat the same few hundred
    texts (keys, option ids, yes/no), so a bounded cache skips PyYAML's regular expressions.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR
            tag = _tag_of_plain.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if tag == _VALUE:
                    tag = _STR  # a plain '=' is text, not YAML 1.1's unused "value" key
                if len(_tag_of_plain) < _TAG_CACHE_SIZE:
                    _tag_of_plain[value] = tag
            return tag
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass  # no path resolvers: skip the base class's check on every node

    def ascend_resolver(self) -> None:
        pass


class _Refused(yaml.constructor.ConstructorError):
    """A document that composes but that we will not turn into data."""

    def __init__(self, message: str, node: yaml.Node) -> None:
        super().__init__(None, None, message, node.start_mark)


class _Builder:
    """Turns the nodes libyaml composed into plain Python data, refusing what is unsafe.

    PyYAML's own constructor is Python code built for generality and is most of the cost of
    `yaml.load`; this walks the node tree once, resolving scalars by the tag the composer
    already set, and on the way refuses duplicate keys, keys that are not text, tags that
    would build objects, nesting deeper than MAX_DEPTH, and alias bombs. A text without
    aliases spells out at most one value per character, so the walk stops once it has built
    more values than that plus ALIAS_SLACK: a "billion laughs" is refused after a few
    thousand steps, before anything else sees it.
    """

    def __init__(self, loader: yaml.SafeLoader, text_length: int) -> None:
        self.loader = loader
        self.budget = text_length + ALIAS_SLACK

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        """The value of `node` (see the class for what is refused)."""
        self.budget -= 1
        if self.budget < 0:
            raise _Refused(
                _("aliases expand this document beyond its size; refusing it (an alias bomb?)"),
                node,
            )
        cls = node.__class__
        tag = node.tag
        if cls is yaml.ScalarNode:
            if tag == _STR:
                return node.value
            return self._scalar(node, tag)
        if depth >= MAX_DEPTH:
            raise _Refused(
                _("document is nested more than {levels} levels deep").format(levels=MAX_DEPTH),
                node,
            )
        if cls is yaml.MappingNode and tag == _MAP:
            return self._mapping(node, depth + 1)
        if cls is yaml.SequenceNode and tag == _SEQ:
            build = self.build
            return [build(item, depth + 1) for item in node.value]
        raise _Refused(_tag_message(tag), node)

    def _scalar(self, node: Any, tag: str) -> Any:
        value = node.value
        if tag == _INT:
            # Plain decimals are the common case; YAML 1.1's octal, hex, '_' and base-60 forms
            # go to PyYAML's own rules.
            if len(value) > MAX_NUMBER_CHARS:
                # Python refuses to convert longer digit strings (and a hex or base-60 integer
                # of this size is no answer anybody means).
                raise _Refused(_too_long(len(value)), node)
            if value.isdigit() and (value[0] != "0" or value == "0"):
                return int(value)
            return self.loader.construct_yaml_int(node)
        if tag == _BOOL:
            return self.loader.bool_values[value.lower()]
        if tag == _NULL:
            return None
        if tag == _FLOAT:
            return self.loader.construct_yaml_float(node)
        if tag == _TIMESTAMP:
            try:
                return self.loader.construct_yaml_timestamp(node)
            except ValueError:
                raise _Refused(
                    _(
                        "{value} looks like a date but is not one; put it in quotes if it is text"
                    ).format(value=repr(value)),
                    node,
                ) from None
        raise _Refused(_tag_message(tag), node)

    def _mapping(self, node: Any, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: list[yaml.Node] = []
        build = self.build
        scalar = yaml.ScalarNode
        for key_node, value_node in node.value:
            key_tag = key_node.tag
            if key_node.__class__ is not yaml.ScalarNode:
                raise _Refused(_("a mapping key must be a plain value"), key_node)
            if key_tag != _STR:
                if key_tag == _MERGE:
                    merged.append(value_node)
                    continue
                kind = _KINDS.get(key_tag)
                if kind is None:
                    raise _Refused(_tag_message(key_tag), key_node)
                raise _Refused(
                    _("key {key} is read as {kind}, not text; put it in quotes").format(
                        key=repr(key_node.value), kind=_(kind)
                    ),
                    key_node,
                )
            key = key_node.value
            if key in result:
                raise _Refused(_("duplicate key {key}").format(key=repr(key)), key_node)
            if value_node.__class__ is scalar and value_node.tag == _STR:
                # Most values are text: skip a call (build would do exactly this).
                self.budget -= 1
                result[key] = value_node.value
            else:
                result[key] = build(value_node, depth)
        for source in merged:
            # `<<: *defaults`: keys written here win over merged ones, earlier merges over later.
            sources = source.value if source.__class__ is yaml.SequenceNode else [source]
            for item in sources:
                value = build(item, depth)
                if not isinstance(value, dict):
                    raise _Refused(_("'<<' merges mappings only"), item)
                for key, merged_value in value.items():
                    result.setdefault(key, merged_value)
        return result


def _tag_message(tag: str) -> str:
    shown = tag.replace(_CORE, "!!")
    return _("tag {tag} is not allowed: only plain data (mappings, lists, text, numbers)").format(
        tag=repr(shown)
    )


def read_limited(stream: BinaryIO, shown: str, max_bytes: int) -> bytes:
    """At most `max_bytes` bytes of `stream`, whatever it is (a file, a pipe, `/dev/zero`): a
    SourceError as soon as there is one byte more, so memory never holds more than the limit."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        size = regular_size(stream)
        raise SourceError(Problem(shown, _over_limit(size, max_bytes)))
    return data


def regular_size(stream: BinaryIO) -> int | None:
    """The size of the regular file behind `stream`; None for a pipe, a device or a socket."""
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def read_file_limited(path: str, shown: str, max_bytes: int) -> bytes:
    """`read_limited` of the file at `path`; OSError as `open` raises it."""
    with open(path, "rb") as stream:
        return read_limited(stream, shown, max_bytes)


def _over_limit(size: int | None, max_bytes: int) -> str:
    if size is None:
        return _("file is over the limit of {limit} bytes").format(limit=f"{max_bytes:,}")
    return _("file is {size} bytes, over the limit of {limit} bytes").format(
        size=f"{size:,}", limit=f"{max_bytes:,}"
    )


def os_reason(exc: OSError) -> str:
    """Why a file could not be opened or read: the system's words in English, the common
    reasons by their errno in another language (any other as the system says it)."""
    import errno

    reasons = {
        errno.ENOENT: N_("no such file or folder"),
        errno.EACCES: N_("permission denied"),
        errno.EPERM: N_("permission denied"),
        errno.EISDIR: N_("is a folder, expected a file"),
        errno.ENOTDIR: N_("a part of the path is not a folder"),
        errno.ENAMETOOLONG: N_("the name is too long"),
        errno.ELOOP: N_("too many symbolic links"),
        errno.EIO: N_("input/output error"),
    }
    from retail_stage import messages

    reason = reasons.get(exc.errno or 0)
    if reason is None or messages.language() == "en":
        return str(exc.strerror or exc)  # English keeps the system's words
    return _(reason)


def decode(data: bytes, path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Bytes of a user file as text, or a SourceError saying why they are not usable text."""
    if len(data) > max_bytes:
        raise SourceError(Problem(path, _over_limit(len(data), max_bytes)))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SourceError(Problem(path, _("file is UTF-16; save it as UTF-8"), 1, 1))
    if data.startswith(b"PK\x03\x04"):
        if path == "<stdin>":
            zipped = _(
                "a zip file, not YAML or JSON: if it is an XLSX export, give --input-format xlsx"
            )
        else:
            zipped = _("a zip file, not YAML or JSON: if it is an XLSX export, name it .xlsx")
        raise SourceError(Problem(path, zipped))
    if b"\x00" in data:
        raise SourceError(Problem(path, _("binary file: expected UTF-8 text (YAML or JSON)")))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col(data[: exc.start].decode("utf-8", "replace"))
        raise SourceError(Problem(path, not_utf8(data[exc.start]), line, column)) from None
    return text[1:] if text.startswith("\ufeff") else text


def not_utf8(byte: int) -> str:
    """The message for a byte that is not UTF-8 (`byte 0xff`)."""
    return _("not UTF-8 text (byte {byte})").format(byte=f"0x{byte:02x}")


def _line_col(prefix: str) -> tuple[int, int]:
    line = prefix.count("\n") + 1
    return line, len(prefix) - (prefix.rfind("\n") + 1) + 1


def _yaml_problem(path: str, exc: yaml.YAMLError, text: str = "") -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        what = exc.problem or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError):
            pass  # raised by our own checks, already worded for the user
        elif "maximum nesting depth" in what:
            what = _("document is nested too deeply")
        elif text[mark.index : mark.index + 1] == "\t":
            what = _("invalid YAML: a tab; YAML indents with spaces only")
        else:
            if exc.context and "while" not in exc.context:
                what = f"{_yaml_words(exc.context)}: {_yaml_words(what)}"
            else:
                what = _yaml_words(what)
            what = _("invalid YAML: {problem}").format(problem=what)
        return Problem(path, what, mark.line + 1, mark.column + 1)
    return Problem(
        path, _("invalid YAML: {problem}").format(problem=exc)
    )  # pragma: no cover - unmarked errors are rare


_YAML_PHRASES = frozenset(
    {
        N_("invalid YAML"),
        N_("mapping values are not allowed in this context"),
        N_("mapping values are not allowed here"),
        N_("could not find expected ':'"),
        N_("did not find expected key"),
        N_("did not find expected node content"),
        N_("did not find expected ',' or ']'"),
        N_("did not find expected ',' or '}'"),
        N_("did not find expected '-' indicator"),
        N_("did not find expected <document start>"),
        N_("did not find the expected '>'"),
        N_("found unexpected end of stream"),
        N_("found undefined alias"),
        N_("found character that cannot start any token"),
        N_("found unknown escape character"),
        N_("found duplicate anchor; first occurrence"),
        N_("second occurrence"),
        N_("found duplicate %YAML directive"),
        N_("found a tab character that violates indentation"),
        N_("found a tab character where an indentation space is expected"),
        N_("block sequence entries are not allowed in this context"),
    }
)
"""libyaml's phrases for the syntax errors people make, each translated in the catalogue."""


def _yaml_words(said: str) -> str:
    """One of libyaml's phrases in the interface language; one it does not know stays as
    libyaml says it (English keeps libyaml's words)."""
    return _(said) if said in _YAML_PHRASES else said


def load_yaml_documents(text: str, path: str) -> list[Any]:
    """Every document of a YAML stream, loaded safely; duplicate keys and bad syntax raise."""
    return list(iter_yaml_documents(text, path))


def iter_yaml_documents(text: str, path: str) -> Iterator[Any]:
    """Each document of a YAML stream in turn, loaded safely; SourceError at the first one
    that is broken (bad syntax, a duplicate key...), after the good ones before it."""
    for data, _span in iter_yaml_spans(text, path):
        yield data


Span = tuple[int, int, int]
"""Where a document lies in its text: (start, end, line), from the start of the line its
content starts on to the end of the line it ends on, and that first line (0-based)."""


def iter_yaml_spans(text: str, path: str) -> Iterator[tuple[Any, Span | None]]:
    """`iter_yaml_documents`, each document with its span (None for an empty one), so that a
    problem is located in the document alone, not by reading the text again up to it."""
    loader = _FastLoader(text)
    builder = _Builder(loader, len(text))
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                yield None, None
                continue
            start, end = node.start_mark, node.end_mark
            after = end.index if end.column == 0 else text.find("\n", end.index) + 1
            span = (start.index - start.column, after or len(text), start.line)
            yield builder.build(node), span
    except yaml.YAMLError as exc:
        raise SourceError(_yaml_problem(path, exc, text)) from None
    except RecursionError:
        raise SourceError(Problem(path, _("document is nested too deeply"))) from None
    finally:
        loader.dispose()


def load_yaml(text: str, path: str) -> Any:
    """A single-document YAML file (a rubric); several documents are an error."""
    documents = load_yaml_documents(text, path)
    if not documents:
        raise SourceError(Problem(path, _("file is empty: expected a YAML mapping")))
    if len(documents) > 1:
        raise SourceError(Problem(path, _("expected one YAML document, found several")))
    return documents[0]


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_constant(name: str) -> Any:
    raise ValueError(_("{name} is not a number JSON allows").format(name=name))


def _too_long(length: int) -> str:
    return _(
        "a number of {length} characters is too long (the limit is {limit}); "
        "is this the right value?"
    ).format(length=f"{length:,}", limit=MAX_NUMBER_CHARS)


class _LongNumber(ValueError):
    """A JSON number longer than `MAX_NUMBER_CHARS`."""


def _parse_int(digits: str) -> int:
    if len(digits) > MAX_NUMBER_CHARS:
        raise _LongNumber(digits)
    return int(digits)


_LONG_NUMBER = re.compile(rf"-?[0-9]{{{MAX_NUMBER_CHARS + 1},}}")

_JSON = json.JSONDecoder(
    object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant, parse_int=_parse_int
)
"""One decoder for every document: json.loads with options would build one per call."""


def load_json(text: str, path: str, line_offset: int = 0) -> Any:
    """A JSON value; duplicate keys, NaN and Infinity are errors with their position, and so
    is an escaped half of a surrogate pair (`\\ud800` alone), which is no character: no
    output could write it."""
    value = _decoded(text, path, line_offset)
    # Counting brackets is cheap, walking the value is not: only a text with enough of them
    # can be too deep.
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and _deeper_than(value, MAX_JSON_DEPTH):
        raise SourceError(Problem(path, _("document is nested too deeply"), 1 + line_offset, 1))
    if "\\u" in text:
        at = _lone_surrogate(text)
        if at is not None:
            line, column = _line_col(text[:at])
            raise SourceError(
                Problem(
                    path,
                    _("invalid JSON: {escape} is half of a surrogate pair, not a character").format(
                        escape=text[at : at + 6]
                    ),
                    line + line_offset,
                    column,
                )
            )
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and mappings nest more than `limit` levels deep in `value`."""
    level = [value]  # the values at one depth, the document itself at depth 1
    for _depth in range(limit):
        level = [
            child
            for item in level
            if isinstance(item, (list, dict))
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return any(isinstance(item, (list, dict)) for item in level)


def _decoded(text: str, path: str, line_offset: int) -> Any:
    try:
        return _JSON.decode(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            Problem(path, _json_problem(exc.msg), exc.lineno + line_offset, exc.colno)
        ) from None
    except _DuplicateKey as exc:
        line, column = _find_key(text, exc.key)
        raise SourceError(
            Problem(
                path, _("duplicate key {key}").format(key=repr(exc.key)), line + line_offset, column
            )
        ) from None
    except _LongNumber as exc:
        found = _LONG_NUMBER.search(text)
        line, column = _line_col(text[: found.start()]) if found else (1, 1)
        raise SourceError(
            Problem(path, _too_long(len(str(exc))), line + line_offset, column)
        ) from None
    except ValueError as exc:
        raise SourceError(
            Problem(path, _("invalid JSON: {problem}").format(problem=exc), 1 + line_offset, 1)
        ) from None
    except RecursionError:  # json says no more: the line (in JSONL) is what it can name
        raise SourceError(
            Problem(path, _("document is nested too deeply"), 1 + line_offset, 1)
        ) from None


_JSON_PHRASES = frozenset(
    {
        N_("Expecting value"),
        N_("Expecting property name enclosed in double quotes"),
        N_("Expecting ':' delimiter"),
        N_("Expecting ',' delimiter"),
        N_("Extra data"),
        N_("Unterminated string starting at"),
        N_("Invalid control character at"),
        N_("Invalid \\escape"),
        N_("Invalid \\uXXXX escape"),
        N_("Illegal trailing comma before end of object"),
        N_("Illegal trailing comma before end of array"),
    }
)
"""json's messages for syntax errors, each translated in the catalogue."""


def _json_problem(said: str) -> str:
    """json's message for a syntax error, in the interface language (English keeps json's
    words, as does a message this does not know)."""
    return _("invalid JSON: {problem}").format(problem=_(said) if said in _JSON_PHRASES else said)


_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)
"""One escape of a JSON string: every backslash of a valid JSON text starts one."""


def _lone_surrogate(text: str) -> int | None:
    """Where the first escaped surrogate without its other half starts in a valid JSON text.

    json pairs a high surrogate escape with a low one right after it into one character, as
    JSON means; any other surrogate escape is left in the string as half a character.
    """
    waiting: int | None = None  # start of a high surrogate escape, until its low half
    after = -1
    for escape in _ESCAPE.finditer(text):
        code = escape.group(1)
        value = -1 if code is None else int(code, 16)
        if waiting is not None:
            if escape.start() == after and 0xDC00 <= value <= 0xDFFF:
                waiting = None
                continue
            return waiting
        if 0xD800 <= value <= 0xDBFF:
            waiting, after = escape.start(), escape.end()
        elif 0xDC00 <= value <= 0xDFFF:
            return escape.start()
    return waiting


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
    """(line number, line) for each non-blank line of a JSONL text.

    Lines end at "\n" (or "\r\n") only, as the batch reader cuts them: JSON keeps U+2028
    and U+0085 as they are inside strings, where splitlines() would cut."""
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        if len(line) > max_bytes:
            raise SourceError(Problem(f"{path}:{number}", _("line is over the size limit")))
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


_RESULT_KEYS = ("stage", "error", "profiles")
"""Keys beside `source` in what `score` and `report` write (a result, a failure, a summary)."""
_PROFILE_KEYS = ("company", "answers", "respondents")
_RUBRIC_KEYS = ("baseline", "stages", "dimensions", "label", "indicators")
_SCHEMA_KEYS = ("$schema", "$defs", "properties")


def not_a_profile(data: Any) -> str | None:
    """Why a loaded document is plainly something else than a profile, or None.

    A folder of profiles often holds other files of this tool: the rubric they were answered
    for, the JSON Schemas editors read, an earlier run's results. Each is told by its top-level
    keys, which no profile has (a profile's own keys are company, answers, respondents; a
    document with one of them is a profile, broken or not, and is checked as one).
    """
    if isinstance(data, list):
        if data and all(isinstance(item, dict) and "source" in item for item in data):
            return _("it holds results of retail-stage score")
        return None
    if not isinstance(data, dict):
        return None
    if "source" in data and any(key in data for key in _RESULT_KEYS):
        return _("it holds results of retail-stage score or report")
    if "profiles" in data and "invalid" in data and "stages" in data:
        return _("it holds results of retail-stage score")
    if any(key in data for key in _PROFILE_KEYS):
        return None
    rubric = [key for key in _RUBRIC_KEYS if key in data]
    if len(rubric) >= 2:
        return _(
            "it is a rubric (its top-level keys include {keys}); to score with it, give it "
            "as --rubric"
        ).format(keys=", ".join(rubric))
    if sum(key in data for key in _SCHEMA_KEYS) >= 2:
        return _("it is a JSON Schema")
    return None
