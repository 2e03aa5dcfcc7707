"""Finding profile inputs, streaming their documents, scoring them, collecting the failures.

Batch work never stops at a bad file: every input yields either results or failures, in
input order, so one broken profile among thousands costs one error line.
"""

from __future__ import annotations

import contextlib
import glob
import io
import json
import os
import stat
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple, Protocol

from retail_stage.loading import Document, Failure, documents_from_text, score_document
from retail_stage.messages import _, n_
from retail_stage.render.summary import Tally, group_value, unanswered
from retail_stage.sources import (
    DEFAULT_MAX_BYTES,
    KEY,
    Problem,
    SourceError,
    decode,
    load_json,
    not_a_profile,
    not_utf8,
    os_reason,
    read_limited,
    regular_size,
)

if TYPE_CHECKING:
    import multiprocessing.process
    from multiprocessing.connection import Connection

    from retail_stage.engine import CompiledRubric, Result
    from retail_stage.render.formats import OutputFormat

KIND_BY_SUFFIX = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl"}
SURVEY_KINDS = {".csv": "csv", ".tsv": "tsv", ".xlsx": "xlsx"}
"""Survey exports: read when named (or matched by a glob), never found by walking a folder,
where a CSV is as likely an earlier run's results."""
STDIN = "-"


class Input(NamedTuple):
    """One file (or stdin) to read profiles from; `kind` None means: tell from the content.

    A named tuple, like the other units of work: tuples cross to worker processes cheaply.
    """

    path: str
    kind: str | None
    found: bool = False
    """Found by walking a folder or matching a pattern, not named: a file there that is
    plainly not a profile (a rubric, a JSON Schema, results) is skipped with a note."""


class Skipped(NamedTuple):
    """A file found among profiles that is not one, and the note that says so."""

    source: str
    note: str
    size: int = 0
    """Input bytes it finishes, for the progress bar, when it is a unit of work itself."""


def find_inputs(arguments: Iterable[str], skip: Path | None = None) -> Iterator[Input | Failure]:
    """Inputs named by files, folders (recursively, sorted, hidden skipped), globs and '-';
    `skip`, a resolved path, is left out wherever a folder or a glob finds it."""
    for argument in arguments:
        if argument == STDIN:
            yield Input(STDIN, None)
            continue
        path = Path(argument)
        if path.is_dir():
            yield from _folder_inputs(path, argument, skip)
        elif path.exists():
            yield Input(argument, _named_kind(argument))
        elif glob.has_magic(argument):
            matches = sorted(glob.glob(argument, recursive=True))
            if not matches:
                yield _failure(argument, _("no file matches this pattern"))
            for match in matches:
                if Path(match).is_dir():
                    yield from _folder_inputs(Path(match), match, skip)
                elif not _is(match, skip):
                    yield Input(match, _named_kind(match), found=True)
        else:
            yield _failure(argument, _("no such file or folder"))


def _named_kind(path: str) -> str | None:
    suffix = os.path.splitext(path)[1].lower()
    return KIND_BY_SUFFIX.get(suffix) or SURVEY_KINDS.get(suffix)


def _is(path: str, skip: Path | None) -> bool:
    """Whether `path` is the file `skip` (compared by name first: resolving costs a call)."""
    return skip is not None and os.path.basename(path) == skip.name and Path(path).resolve() == skip


def _folder_inputs(folder: Path, shown: str, skip: Path | None = None) -> Iterator[Input | Failure]:
    found = False
    for path, kind in _walk(str(folder)):
        found = True
        if not _is(path, skip):
            yield Input(path, kind, found=True)
    if not found:
        yield _failure(shown, _("folder holds no profiles (*.yaml, *.yml, *.json, *.jsonl)"))


def _walk(folder: str) -> Iterator[tuple[str, str]]:
    """(path, kind) of the profile files under `folder`, depth first, names sorted, hidden
    files and folders skipped.

    The order is that of sorting the paths by their parts, as `sorted(Path.rglob())` would
    give, without making a Path of every file.
    """
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path)
            continue
        kind = KIND_BY_SUFFIX.get(os.path.splitext(entry.name)[1].lower())
        if kind is not None and entry.is_file():
            yield entry.path, kind


def _failure(source: str, message: str) -> Failure:
    return Failure(source, (Problem(source, message),))


def sniff_kind(text: str) -> str:
    """yaml, json or jsonl, told from the content of an input without a telling name."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        # JSONL lines end at "\n" only: splitlines() would also cut at U+2028 or U+0085,
        # which JSON keeps as they are inside its strings.
        lines = [line for line in stripped.split("\n") if line.strip()]
        if len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines):
            return "jsonl"
        return "json"
    if stripped.startswith("["):
        return "json"
    return "yaml"


def _read_whole(stream: BinaryIO, shown: str, kind: str | None, max_bytes: int) -> bytes:
    """The bytes of an input read whole, never more than the limit plus one byte: a JSONL
    file's limit is per line, so a regular JSONL file is read whatever its size."""
    size = regular_size(stream) if kind == "jsonl" else None
    return read_limited(stream, shown, max(max_bytes, size or 0))


def read_input(item: Input, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """(text, kind) of an input; raises SourceError when it cannot be read as text."""
    shown = "<stdin>" if item.path == STDIN else item.path
    try:
        if item.path == STDIN:
            data = _read_whole(sys.stdin.buffer, shown, item.kind, max_bytes)
        else:
            with open(item.path, "rb") as stream:
                data = _read_whole(stream, shown, item.kind, max_bytes)
    except IsADirectoryError:
        raise SourceError(Problem(shown, _("is a folder, expected a file"))) from None
    except OSError as exc:
        raise SourceError(
            Problem(shown, _("cannot read: {reason}").format(reason=os_reason(exc)))
        ) from None
    text = decode(data, shown, max_bytes=len(data) if item.kind == "jsonl" else max_bytes)
    if not text.strip():
        raise SourceError(Problem(shown, _("file is empty: expected a profile")))
    return text, item.kind or sniff_kind(text)


def score_input(compiled: CompiledRubric, item: Input) -> Iterator[Result | Failure]:
    """Results and failures of every profile in one input, in order."""
    shown = "<stdin>" if item.path == STDIN else item.path
    if item.kind in SURVEY_KINDS.values():
        yield from _survey_records(compiled, item, None, "median", None, DEFAULT_MAX_BYTES)
        return
    if item.kind == "jsonl" and item.path != STDIN:  # line by line, as `score` reads it
        for unit in _jsonl_units(item, DEFAULT_MAX_BYTES):
            if isinstance(unit, _Chunk):
                for document in chunk_documents(unit, DEFAULT_MAX_BYTES):
                    yield _score(compiled, document)
            elif isinstance(unit, Failure):
                yield unit
        return
    try:
        text, kind = read_input(item)
    except SourceError as exc:
        yield Failure(shown, exc.problems)
        return
    for record in _profiles(compiled, text, shown, kind, item.found):
        if not isinstance(record, Skipped):  # the library has no one to tell: left out
            yield record


def _profiles(
    compiled: CompiledRubric,
    text: str,
    shown: str,
    kind: str,
    found: bool,
    merge: str | None = None,
) -> Iterator[Result | Failure | Skipped]:
    """The records of the profiles of a text; a text that is plainly not profiles (see
    `sources.not_a_profile`) is Skipped when a folder or a pattern found it, a Failure when
    it was named."""
    try:
        for number, document in enumerate(documents_from_text(text, shown, kind)):
            if number == 0 and isinstance(document, Document):
                why = not_a_profile(document.data)
                if why is not None:
                    yield _not_profile(document.path, why, found)
                    return
            yield _score(compiled, document, merge)
    except SourceError as exc:
        yield Failure(shown, exc.problems)


def _not_profile(path: str, why: str, found: bool) -> Skipped | Failure:
    if found:
        note = Problem(path, _("not read as a profile: {why}").format(why=why), severity="note")
        return Skipped(path, str(note))
    return _failure(path, _("not a profile: {why}").format(why=why))


def _score(
    compiled: CompiledRubric, document: Document | Failure, merge: str | None = None
) -> Result | Failure:
    if isinstance(document, Failure):
        return document
    try:
        result = score_document(compiled, document, merge)
    except SourceError as exc:
        return Failure(document.source, exc.problems)
    if unanswered(result):
        return result.replace(warnings=(*result.warnings, _no_answers(document)))
    return result


def _no_answers(document: Document) -> str:
    """The warning of a profile with no answer at all: an untouched template, most often."""
    message = _(
        "no answers: every question is unanswered (a template not filled in?); scored as it "
        "stands, at coverage 0%"
    )
    if not document.text:  # a survey's row: no text to point into
        return str(Problem(document.source, message, severity="warning"))
    has_key = isinstance(document.data, dict) and "answers" in document.data
    where = ("answers", KEY) if has_key else ()  # the key: its value may start lines below
    return str(document.problem(where, message, severity="warning"))


def _survey_records(
    compiled: CompiledRubric,
    item: Input,
    rubric_path: str | None,
    merge: str | None,
    mapping_path: str | None,
    max_bytes: int,
    data: bytes | None = None,
) -> Iterator[Result | Failure]:
    """The results of a survey export's companies (`merge` None: of each row)."""
    from retail_stage.intake import load_mapping, survey_documents
    from retail_stage.loading import load_rubric
    from retail_stage.survey import NO_MAPPING

    shown = "<stdin>" if item.path == STDIN else item.path
    rubric = compiled.rubric
    rubrics = [rubric] + [
        load_rubric(rubric_path, lang) for lang in rubric.languages if lang != rubric.lang
    ]
    try:
        mapping = load_mapping(mapping_path, rubric) if mapping_path else NO_MAPPING
        kind = item.kind or "csv"
        for document in survey_documents(
            item.path, kind, rubrics, merge=merge, mapping=mapping, max_bytes=max_bytes, data=data
        ):
            yield _score(compiled, document, merge)
    except SourceError as exc:
        yield Failure(shown, exc.problems)


def score_paths(compiled: CompiledRubric, arguments: Iterable[str]) -> Iterator[Result | Failure]:
    """Results and failures of every profile named by `arguments`, in input order."""
    for item in find_inputs(arguments):
        if isinstance(item, Failure):
            yield item
        else:
            yield from score_input(compiled, item)


# --- batches at scale: units of work, workers, outcomes ------------------------------------

FILES_PER_TASK = 48
"""Profile files a worker reads and scores per task: enough to make shipping paths cheap."""

LINES_PER_TASK = 48
"""JSONL lines per task at most; the parent reads blocks of bytes, workers split, decode,
parse and score their lines.

Tasks and their results stay under 128 KiB, glibc's first mmap threshold: freeing larger
blocks raises that threshold and the parent's heap would then creep up with the batch."""

BLOCK_PROFILES = 256
"""Profiles a Block holds at most: a task whose files hold more (a multi-document YAML file
of thousands of small profiles) is answered in several, so memory stays flat."""

READ_BYTES = 64 * 1024
"""Bytes of JSONL the parent reads at a time; the whole lines among them make its tasks."""

PARALLEL_FROM_TASKS = 8
"""With --workers automatic, a batch of at least this many tasks runs on every core."""


class Outcome(NamedTuple):
    """One profile as the writer needs it, already rendered (in a worker, when there are any).

    `failure` is the error line of a profile that failed; `tally` is None then. `size` is the
    number of input bytes this outcome finishes, for the progress bar.
    """

    text: str
    failure: str | None
    warnings: tuple[str, ...]
    tally: Tally | None
    size: int = 0
    report: tuple[dict[str, Any], str | bytes] | None = None
    """(company block, rendered report: bytes for a PDF) when the job writes a folder of
    reports."""
    partial: bool = False
    """The failure is a survey row's unreadable answers (the row itself is scored)."""
    skipped: bool = False
    """A file found among profiles that is not one: its note is the one warning."""


class _Chunk(NamedTuple):
    """Whole JSONL lines as read, the first one numbered `first`, for a worker to split.

    The parent only reads and finds line breaks; the lines cross to a worker as bytes, or,
    from a regular file, as their place in it (the worker reads them from the page cache,
    after checking that the file is still the one the parent read).
    """

    path: str
    data: bytes
    """The lines; empty when a worker reads them itself, at `place` in the file `path`."""
    first: int
    size: int
    """Input bytes this chunk finishes (over-long lines skipped before it included)."""
    place: tuple[int, int, _Identity] | None = None
    """(offset, length, the file as opened) of `data`, when the file can be read there again."""


class _Identity(NamedTuple):
    """A regular file as the parent opened it: the same path with another of these is
    another file, or this one changed."""

    device: int
    inode: int
    size: int
    modified: int
    """In nanoseconds."""


def _identity(status: os.stat_result) -> _Identity | None:
    """The identity of a regular file; None for a pipe or a device, read once only."""
    if not stat.S_ISREG(status.st_mode):
        return None
    return _Identity(status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


class _Changed(Exception):
    """The file a chunk was cut from is no longer as the parent read it."""


class _Text(NamedTuple):
    """Text already read by the parent (stdin), with its kind."""

    path: str
    text: str
    kind: str
    data: bytes | None = None
    """A survey export's bytes (its text is then empty)."""


_Unit = Input | _Chunk | _Text | Failure | Skipped


@dataclass(frozen=True)
class Job:
    """What to do with every profile: plain settings, so they travel to worker processes."""

    rubric_path: str | None
    output_format: OutputFormat
    render: bool = True
    max_bytes: int = DEFAULT_MAX_BYTES
    lang: str | None = None
    report_format: str | None = None
    """A ReportFormat value: render each result's report too (`score --report-dir`)."""
    merge: str | None = "median"
    """How a survey's respondents are merged (None: every row on its own); given, it also
    overrides a profile's own `merge`."""
    mapping: str | None = None
    """A --map file for survey exports."""
    merge_given: bool = False
    group_by: str | None = None
    """The company field the summary groups by (`score --summary --group-by`)."""


class Scorer:
    """Scores and renders units of work for one Job: built once per process."""

    def __init__(self, job: Job) -> None:
        from retail_stage.engine import compile_rubric
        from retail_stage.loading import load_rubric

        self.job = job
        self.compiled = compile_rubric(load_rubric(job.rubric_path, job.lang))
        # Warnings and notes speak the rubric's language, in a worker as in the parent.
        from retail_stage import messages

        messages.use(self.compiled.rubric.lang)
        # This formatter only renders, in whichever process scores; the parent writes.
        self.formatter = job.output_format.formatter(io.StringIO(), self.compiled.rubric)

    def outcome(self, record: Result | Failure | Skipped, size: int = 0) -> Outcome:
        """Render one record and note what the summary needs."""
        if isinstance(record, Skipped):
            return Outcome("", None, (record.note,), None, size, skipped=True)
        text = self.formatter.render(record) if self.job.render else ""
        if isinstance(record, Failure):
            lines = "\n".join(record.lines())
            return Outcome(text, lines, (), None, size, partial=record.partial)
        # Dimension scores serve the portfolio summary only, which is all a job that does not
        # render writes.
        if self.job.render:
            tally = Tally(record.stage, record.label, record.index, (), unanswered(record))
        else:
            company = record.company
            tally = Tally(
                record.stage,
                record.label,
                record.index,
                tuple(v for _, v in record.dimensions),
                unanswered(record),
                str(company.get("name") or record.source),
                record.coverage,
                record.focus_traffic,
                record.focus_supply,
                None if self.job.group_by is None else group_value(company.get(self.job.group_by)),
            )
        report = None
        if self.job.report_format is not None:
            from retail_stage.render.report import render_document
            from retail_stage.render.report_formats import ReportFormat

            fmt = ReportFormat(self.job.report_format)
            report = (dict(record.company), render_document(record, self.compiled.rubric, fmt))
        return Outcome(text, None, record.warnings, tally, size, report)

    def run(self, unit: _Unit) -> list[Outcome]:
        """The outcomes of one unit of work, in order; the last one carries its size."""
        records, size = self.records(unit)
        return _sized([self.outcome(record) for record in records], size)

    def records(self, unit: _Unit) -> tuple[list[Result | Failure | Skipped], int]:
        """The scored profiles and failures of one unit of work, in order, and the input
        bytes it finishes (0 when it could not be read)."""
        records, size = self.stream(unit)
        return list(records), size

    def stream(self, unit: _Unit) -> tuple[Iterator[Result | Failure | Skipped], int]:
        """`records`, the profiles scored one by one as they are taken."""
        compiled = self.compiled
        if isinstance(unit, Failure):
            return iter([unit]), 0
        if isinstance(unit, Skipped):
            return iter([unit]), unit.size
        if isinstance(unit, _Chunk):
            documents = chunk_documents(unit, self.job.max_bytes)
            return (_score(compiled, document) for document in documents), unit.size
        found = False
        if isinstance(unit, _Text):
            text, kind, shown = unit.text, unit.kind, unit.path
            if kind in SURVEY_KINDS.values():
                return self._survey(Input(STDIN, kind), unit.data), len(unit.data or b"")
        elif unit.kind in SURVEY_KINDS.values():
            size = os.path.getsize(unit.path) if os.path.isfile(unit.path) else 0
            return self._survey(unit), size
        else:
            shown, found = unit.path, unit.found
            try:
                text, kind = read_input(unit, self.job.max_bytes)
            except SourceError as exc:
                return iter([Failure(shown, exc.problems)]), 0
        merge = self.job.merge if self.job.merge_given else None
        return _profiles(self.compiled, text, shown, kind, found, merge), len(text)

    def _survey(self, unit: Input, data: bytes | None = None) -> Iterator[Result | Failure]:
        job = self.job
        return _survey_records(
            self.compiled, unit, job.rubric_path, job.merge, job.mapping, job.max_bytes, data
        )

    def lines(self, chunk: _Chunk) -> list[Outcome]:
        """The outcomes of a chunk's lines, each checked on its own."""
        return self.run(chunk)

    def run_task(self, task: list[_Unit]) -> list[Outcome]:
        """The outcomes of a task (several units), in order."""
        return [outcome for unit in task for outcome in self.run(unit)]

    def run_block(self, task: list[_Unit]) -> Block:
        """The outcomes of a task packed as one Block: `pack(self.run_task(task))`, made
        without an Outcome a profile when every profile scores cleanly, as in most tasks of a
        large batch: then only their texts and counts cross.

        Every profile of the task is scored before any is rendered: doing one thing at a
        time, over a few dozen profiles, costs less than switching between the two at each
        profile (measured on JSONL lines in one process: 4 us a profile less, of about 60)."""
        return self._block([self.records(unit) for unit in task])

    def run_blocks(self, task: list[_Unit]) -> Iterator[Block]:
        """The Blocks of a task: `run_block`'s one, or, when its files hold more than
        BLOCK_PROFILES profiles (a multi-document YAML file can hold thousands), one every
        BLOCK_PROFILES profiles, each but the last marked `more`, so that memory stays flat."""
        done: list[tuple[list[Result | Failure | Skipped], int]] = []
        count = 0
        for unit in task:
            stream, size = self.stream(unit)
            records: list[Result | Failure | Skipped] = []
            for record in stream:
                if count == BLOCK_PROFILES:  # only once another profile comes: the last
                    done.append((records, 0))  # Block then always holds the unit's size
                    yield self._block(done, more=True)
                    done, records, count = [], [], 0
                records.append(record)
                count += 1
            done.append((records, size))
        yield self._block(done)

    def _outcomes(self, done: list[tuple[list[Result | Failure | Skipped], int]]) -> list[Outcome]:
        """The outcomes of units' records, each unit's last carrying its size."""
        return [
            outcome
            for records, size in done
            for outcome in _sized([self.outcome(record) for record in records], size)
        ]

    def _block(
        self, done: list[tuple[list[Result | Failure | Skipped], int]], *, more: bool = False
    ) -> Block:
        """The Block of units' records and sizes (see `run_block`)."""
        job = self.job
        if not job.render or job.report_format is not None:
            return pack(self._outcomes(done), summary=not job.render)._replace(more=more)
        stages: dict[tuple[str, str], int] = {}
        results: list[Result] = []
        for records, _size in done:
            for record in records:
                if isinstance(record, (Failure, Skipped)) or record.warnings:
                    return pack(self._outcomes(done))._replace(more=more)
                key = (record.stage, record.label)
                stages[key] = stages.get(key, 0) + 1
                results.append(record)
        render = self.formatter.render
        texts = [render(record) for record in results]
        # A unit without a profile (blank lines only) finishes no bytes, as in `pack`.
        size = sum(unit_size for unit_records, unit_size in done if unit_records)
        return Block("".join(texts), [len(text) for text in texts], size, stages, None, more)


class Block(NamedTuple):
    """The outcomes of one task as the writer needs them; one object crosses from a worker.

    The texts are joined into one string: the parent receives one large block per task,
    which keeps its memory from fragmenting, and writes it at once when the format allows.
    A block whose profiles all scored, without warnings or reports, carries only their count
    per stage and label (`details` None); any other carries each outcome's details.
    """

    text: str
    lengths: list[int]
    """The length of each outcome's text within `text`."""
    size: int
    """Input bytes the task finished, for the progress bar."""
    stages: dict[tuple[str, str], int]
    """Profiles per (stage, label) when `details` is None; empty otherwise."""
    details: list[tuple[Any, ...]] | None
    """Each outcome's fields after its text (failure, warnings, tally, size, report,
    partial, skipped)."""
    more: bool = False
    """More Blocks of the same task follow (a file of many profiles goes in several)."""

    def outcomes(self) -> Iterator[Outcome]:
        """The outcomes of a block with details, one by one."""
        assert self.details is not None
        at = 0
        for length, fields in zip(self.lengths, self.details, strict=True):
            yield Outcome(self.text[at : at + length], *fields)
            at += length


def pack(outcomes: list[Outcome], *, summary: bool = False) -> Block:
    """The Block of a task's outcomes; `summary` keeps every tally (the portfolio needs them)."""
    text = "".join([outcome.text for outcome in outcomes])
    lengths = [len(outcome.text) for outcome in outcomes]
    size = sum(outcome.size for outcome in outcomes)
    stages: dict[tuple[str, str], int] = {}
    for outcome in outcomes:
        tally = outcome.tally
        if summary or tally is None or outcome.warnings or outcome.report is not None:
            return Block(text, lengths, size, {}, [outcome[1:] for outcome in outcomes])
        key = (tally.stage, tally.label)
        stages[key] = stages.get(key, 0) + 1
    return Block(text, lengths, size, stages, None)


def _sized(outcomes: list[Outcome], size: int) -> list[Outcome]:
    if outcomes:
        outcomes[-1] = outcomes[-1]._replace(size=size)
    return outcomes


def chunk_documents(chunk: _Chunk, max_bytes: int) -> list[Document | Failure]:
    """The documents of a chunk's lines, each checked on its own: its size, its encoding,
    a byte order mark on line 1; blank lines are skipped."""
    path, number, data = chunk.path, chunk.first, chunk.data
    if not data and chunk.place is not None:
        try:
            data = _read_at(path, *chunk.place)
        except (OSError, _Changed) as exc:
            # Its lines are lost, and said to be: scoring what the file now holds under the
            # line numbers of what it held would name the wrong profiles.
            message = (
                _("the file changed while it was being scored; score it again")
                if isinstance(exc, _Changed)
                else _("cannot read: {reason}").format(reason=os_reason(exc))
            )
            return [Failure(f"{path}:{number}", (Problem(path, message, number, 1),))]
    # No line of a chunk within the limit can be over it: most chunks skip the check.
    check = len(data) > max_bytes
    raws = data.split(b"\n")
    if not raws[-1]:  # the chunk ends with a newline, not with a last unfinished line
        raws.pop()
    documents: list[Document | Failure] = []
    for raw in raws:
        if check and len(raw) - raw.endswith(b"\r") > max_bytes:
            documents.append(_over_limit(path, number, max_bytes))
        else:
            try:
                line = raw.decode("utf-8").rstrip("\r")
            except UnicodeDecodeError as exc:
                documents.append(_not_utf8(path, number, raw, exc.start))
            else:
                if number == 1:
                    line = line.removeprefix("\ufeff")
                if line.strip():
                    documents.append(_line_document(path, number, line))
        number += 1
    return documents


def _line_document(path: str, number: int, line: str) -> Document | Failure:
    try:
        data = load_json(line, path, line_offset=number - 1)
    except SourceError as exc:
        return Failure(f"{path}:{number}", exc.problems)
    return Document(f"{path}:{number}", path, data, line, 0, number - 1)


def _jsonl_units(item: Input, max_bytes: int) -> Iterator[_Unit]:
    """A JSONL file read in blocks (memory stays flat), in runs of LINES_PER_TASK lines.

    Stdin never comes here: `_stdin_units` reads it."""
    try:
        stream: BinaryIO = open(item.path, "rb")  # noqa: SIM115
    except OSError as exc:
        yield _failure(item.path, _("cannot read: {reason}").format(reason=os_reason(exc)))
        return
    with stream:
        skipped = _not_profile_lines(stream, item.path, max_bytes) if item.found else None
        if skipped is not None:
            yield skipped
            return
        # A worker can read a run of a regular file itself: then only its place is shipped,
        # with what the file was when opened, so that a worker finding it changed says so.
        identity = _identity(os.fstat(stream.fileno()))
        yield from _jsonl_runs(stream, item.path, max_bytes, identity)


def _not_profile_lines(stream: BinaryIO, path: str, max_bytes: int) -> Skipped | None:
    """A JSONL file found in a folder whose first line is plainly not a profile (an earlier
    run's results, see `sources.not_a_profile`), skipped whole; None for any other, the
    stream left at its start. Its lines are cut and scored in several tasks, so this is told
    here, once, from the first line."""
    first = stream.readline(max_bytes + 1)
    stream.seek(0)
    try:
        data = json.loads(first.removeprefix(b"\xef\xbb\xbf"))
    except (ValueError, RecursionError):  # not JSON (or not UTF-8): its lines say why
        return None
    why = not_a_profile(data)
    if why is None:
        return None
    skipped = _not_profile(path, why, found=True)
    assert isinstance(skipped, Skipped)
    return skipped._replace(size=os.fstat(stream.fileno()).st_size)


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _jsonl_runs(
    stream: _Readable, shown: str, max_bytes: int, identity: _Identity | None = None
) -> Iterator[_Unit]:
    """Chunks of whole lines, read in blocks of READ_BYTES; a line over the limit is
    refused (and skipped) as soon as it is longer, and a NUL byte ends the file.

    A line is over the limit when it holds more than `max_bytes` bytes before its line
    break (`\\n` or `\\r\\n`). Memory holds one block and at most one line under the limit.
    """
    read = getattr(stream, "read1", stream.read)
    number = 1  # of the line the next byte belongs to
    offset = 0  # in the file, of the first byte not given to a chunk yet
    parts: list[bytes] = []  # the start of a line not ended yet
    held = skipped = 0
    skipping = found = False
    while True:
        try:
            data = read(READ_BYTES)
        except OSError as exc:
            yield _failure(shown, _("cannot read: {reason}").format(reason=os_reason(exc)))
            return
        if not data:
            break
        if skipping:  # the rest of a line over the limit
            end = data.find(b"\n") + 1
            skipped += end or len(data)
            offset += end or len(data)
            if not end:
                continue
            skipping, number, data = False, number + 1, data[end:]
        last = data.rfind(b"\n") + 1
        if not last:
            parts.append(data)
            held += len(data)
            if held > max_bytes + 1:  # whatever follows, this line is over the limit
                found = found or any(part.strip() for part in parts)
                yield _over_limit(shown, number, max_bytes)
                skipping, skipped, offset, parts, held = True, skipped + held, offset + held, [], 0
            continue
        chunk = b"".join([*parts, data[:last]]) if parts else data[:last]
        parts, held = ([data[last:]], len(data) - last) if last < len(data) else ([], 0)
        found = found or bool(chunk.strip())
        lines = yield from _chunks(shown, chunk, number, skipped, max_bytes, offset, identity)
        if lines < 0:
            return
        number, offset, skipped = number + lines, offset + len(chunk), 0
    if parts and not skipping:  # a last line without a line break
        chunk = b"".join(parts)
        found = found or bool(chunk.strip())
        if (yield from _chunks(shown, chunk, number, skipped, max_bytes, offset, identity)) < 0:
            return
    if not found:
        yield _failure(shown, _("file is empty: expected a profile"))


def _chunks(
    shown: str,
    chunk: bytes,
    first: int,
    skipped: int,
    max_bytes: int,
    offset: int,
    identity: _Identity | None,
) -> Generator[_Unit, None, int]:
    """`chunk` cut into runs of LINES_PER_TASK lines; its number of line breaks, or -1 when
    a NUL byte ends the file. A NUL in a line over the limit does not count: that line is
    refused for its size."""
    nul = chunk.find(b"\0")
    while nul >= 0:
        start = chunk.rfind(b"\n", 0, nul) + 1
        end = chunk.find(b"\n", nul)
        end = len(chunk) if end < 0 else end
        if end - start - chunk.endswith(b"\r", start, end) <= max_bytes:
            yield from _runs(shown, chunk[:start], first, skipped, offset, identity)
            yield _failure(shown, _("binary file: expected UTF-8 text (JSONL)"))
            return -1
        nul = chunk.find(b"\0", end)
    return (yield from _runs(shown, chunk, first, skipped, offset, identity))


def _runs(
    shown: str, chunk: bytes, first: int, skipped: int, offset: int, identity: _Identity | None
) -> Generator[_Chunk, None, int]:
    """Runs of LINES_PER_TASK lines at most; the number of line breaks in `chunk`.

    Line breaks are found one by one: with lines of a profile each (a few hundred bytes and
    more) that costs less than `bytes.count`, and the cuts come with it.
    """
    at = breaks = 0
    while at < len(chunk):
        end, taken = at, 0
        while taken < LINES_PER_TASK:
            end = chunk.find(b"\n", end) + 1
            if not end:  # a last line without a line break
                end = len(chunk)
                break
            taken += 1
        place = None if identity is None else (offset + at, end - at, identity)
        yield _Chunk(shown, chunk[at:end], first, end - at + skipped, place)
        at, first, skipped, breaks = end, first + taken, 0, breaks + taken
    return breaks


def _read_at(path: str, offset: int, length: int, identity: _Identity) -> bytes:
    """The bytes at `offset` in `path`; raises _Changed when the file is no longer the one
    the parent opened (replaced, rewritten, cut), OSError when it cannot be read."""
    with open(path, "rb", buffering=0) as stream:
        if _identity(os.fstat(stream.fileno())) != identity:
            raise _Changed
        if hasattr(os, "pread"):  # one call instead of two; not on Windows
            data = os.pread(stream.fileno(), length, offset)
        else:
            stream.seek(offset)
            data = stream.read(length)
    if len(data) != length:
        raise _Changed
    return data


def _shipped(task: list[_Unit]) -> list[_Unit]:
    """`task` as it crosses to a worker: a chunk of a regular file goes by its place alone."""
    return [
        unit._replace(data=b"") if isinstance(unit, _Chunk) and unit.place is not None else unit
        for unit in task
    ]


def _not_utf8(shown: str, number: int, raw: bytes, start: int) -> Failure:
    column = len(raw[:start].decode("utf-8", "replace")) + 1
    message = not_utf8(raw[start])
    return Failure(f"{shown}:{number}", (Problem(shown, message, number, column),))


def _over_limit(shown: str, number: int, max_bytes: int) -> Failure:
    message = _("line is over the limit of {limit} bytes").format(limit=f"{max_bytes:,}")
    return Failure(f"{shown}:{number}", (Problem(shown, message, number, 1),))


def _units(
    arguments: Iterable[str], input_format: str | None, max_bytes: int, skip: Path | None = None
) -> Iterator[_Unit]:
    for item in find_inputs(arguments, skip):
        if isinstance(item, Failure):
            yield item
        elif item.path == STDIN:
            yield from _stdin_units(input_format, max_bytes)
        elif item.kind == "jsonl":
            yield from _jsonl_units(item, max_bytes)
        else:
            yield item


class _Joined:
    """The bytes `head` already read from `rest`, then the rest of it, as one stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self.head, self.rest = head, rest

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes: what is left of the head first."""
        if not self.head:
            return self.rest.read(size)
        if size < 0:
            data, self.head = self.head + self.rest.read(), b""
        else:
            data, self.head = self.head[:size], self.head[size:]
        return data


def _stdin_units(kind: str | None, max_bytes: int) -> Iterator[_Unit]:
    """Stdin: JSONL streamed line by line (each line under the limit), anything else read whole.

    Without --input-format the kind is told from the first bytes, then from the whole text.
    """
    if sys.stdin is None:  # started with standard input closed (`0<&-`)
        yield _failure("<stdin>", _("cannot read: standard input is closed"))
        return
    stream = sys.stdin.buffer
    if kind is not None and kind in SURVEY_KINDS.values():
        from retail_stage.sheets import XLSX_FILE_FACTOR

        limit = max_bytes * XLSX_FILE_FACTOR
        try:
            data = stream.read(limit + 1)
        except OSError as exc:
            yield _failure("<stdin>", _("cannot read: {reason}").format(reason=os_reason(exc)))
            return
        if len(data) > limit:
            yield _failure(
                "<stdin>",
                _("survey export is over the limit of {limit} bytes").format(limit=f"{limit:,}"),
            )
            return
        yield _Text("<stdin>", "", kind, data)
        return
    if kind is None:
        peek = getattr(stream, "peek", None)
        head = peek(1 << 16) if peek is not None else b""
        if sniff_kind(head.decode("utf-8", "replace")) == "jsonl":
            kind = "jsonl"
    if kind == "jsonl":
        yield from _jsonl_runs(stream, "<stdin>", max_bytes)
        return
    try:
        data = stream.read(max_bytes + 1)  # never more: stdin may be endless
    except OSError as exc:
        yield _failure("<stdin>", _("cannot read: {reason}").format(reason=os_reason(exc)))
        return
    if len(data) > max_bytes:
        if kind is None and sniff_kind(data.decode("utf-8", "replace")) == "jsonl":
            yield from _jsonl_runs(_Joined(data, stream), "<stdin>", max_bytes)
        else:
            yield _failure(
                "<stdin>",
                _("file is over the limit of {limit} bytes").format(limit=f"{max_bytes:,}"),
            )
        return
    try:
        if kind is None and b"\x00" not in data:
            text = decode(data, "<stdin>", max_bytes=len(data))
            kind = sniff_kind(text)
            if kind == "jsonl":
                yield from _jsonl_runs(io.BytesIO(data), "<stdin>", max_bytes)
                return
        text = decode(data, "<stdin>", max_bytes)
    except SourceError as exc:
        yield Failure("<stdin>", exc.problems)
        return
    if not text.strip():
        yield _failure("<stdin>", _("file is empty: expected a profile"))
        return
    yield _Text("<stdin>", text, kind or sniff_kind(text))


def _tasks(units: Iterable[_Unit]) -> Iterator[list[_Unit]]:
    """Units grouped so each task is worth shipping to a worker; JSONL runs go alone."""
    task: list[_Unit] = []
    for unit in units:
        if isinstance(unit, _Chunk):
            if task:
                yield task
                task = []
            yield [unit]
            continue
        task.append(unit)
        if len(task) >= FILES_PER_TASK:
            yield task
            task = []
    if task:
        yield task


TASKS_PER_WORKER = 3
"""Tasks in flight per worker: one scored while the next ones wait, so no worker idles while
the parent, sharing the cores, is late; memory stays flat (the parent reads no further)."""


class WorkerLost(RuntimeError):
    """A worker process ended before answering (killed, or out of memory)."""


def _worker_main(
    job: Job, inbox: Connection, outbox: Connection, parents: list[Connection]
) -> None:
    import signal

    # Ctrl-C is the parent's to handle: it stops the workers and removes the partial output.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's ends of the pipes came with a fork: closed here, so that when the parent
    # dies this worker reads the end of its tasks instead of waiting for them forever.
    for connection in parents:
        connection.close()
    serve(job, inbox, outbox)


def serve(job: Job, inbox: Connection, outbox: Connection) -> None:
    """A worker's loop: tasks from `inbox`, each answered on `outbox` by its Block (or by the
    exception it raised), until None comes (or `inbox` is closed)."""
    import queue

    scorer = Scorer(job)
    tasks: queue.SimpleQueue[list[_Unit] | None] = queue.SimpleQueue()

    def receive() -> None:
        # Tasks are taken as they come, whatever the worker is doing: the parent, blocked
        # sending a large task, never waits on a worker blocked sending a large result.
        try:
            while (task := inbox.recv()) is not None:
                tasks.put(task)
        except (EOFError, OSError):
            pass
        tasks.put(None)

    threading.Thread(target=receive, daemon=True).start()
    while (task := tasks.get()) is not None:
        try:
            for block in scorer.run_blocks(task):
                outbox.send(block)
        except OSError:  # the parent is gone: nobody is left to answer
            return
        except Exception as exc:  # a bug: the parent raises it
            try:
                outbox.send(exc)
            except OSError:
                return


def _parallel(job: Job, tasks: Iterator[list[_Unit]], workers: int) -> Iterator[Block]:
    """The Blocks of `tasks` scored by `workers` processes, in order.

    Each worker has a pipe for its tasks and one for its answers, which come back in the
    order it got the tasks: the parent reads the oldest task's answer, then gives the freed
    place to the next task. The parent has no thread and no shared queue: it only reads,
    ships and writes (Pool's own threads cost it more than the work it has left); each worker
    has one thread that takes its tasks as they come (see `serve`).
    """
    import multiprocessing

    context = multiprocessing.get_context()
    # A forked worker holds every pipe the parent has, and must close the parent's ends; a
    # spawned one (the default on Windows and macOS) holds only those it is given.
    inherited = context.get_start_method() == "fork"
    processes: list[multiprocessing.process.BaseProcess] = []
    inboxes: list[Connection] = []
    outboxes: list[Connection] = []
    try:
        for _ in range(workers):
            task_reader, task_writer = context.Pipe(duplex=False)
            answer_reader, answer_writer = context.Pipe(duplex=False)
            _widen(answer_writer)
            parents = [*inboxes, *outboxes, task_writer, answer_reader] if inherited else []
            process = context.Process(
                target=_worker_main,
                args=(job, task_reader, answer_writer, parents),
                daemon=True,
            )
            process.start()
            # The worker's ends are the worker's: a worker that dies closes the last writer
            # of its answers, so the parent reads the end of the pipe instead of waiting.
            task_reader.close()
            answer_writer.close()
            processes.append(process)
            inboxes.append(task_writer)
            outboxes.append(answer_reader)
        places = deque(list(range(workers)) * TASKS_PER_WORKER)
        pending: deque[int] = deque()
        for task in tasks:
            if not places:
                oldest = pending.popleft()
                yield from _answers(outboxes[oldest], processes[oldest])
                places.append(oldest)
            worker = places.popleft()
            try:
                inboxes[worker].send(_shipped(task))
            except OSError:  # BrokenPipeError: the worker is gone; say so, not "stdout closed"
                processes[worker].join()
                raise _lost(processes[worker]) from None
            pending.append(worker)
        while pending:
            oldest = pending.popleft()
            yield from _answers(outboxes[oldest], processes[oldest])
        for inbox in inboxes:
            # Not closing: each worker forked later holds the pipes of those before it.
            inbox.send(None)
        for stopping in processes:
            stopping.join()
    finally:
        for connection in (*inboxes, *outboxes):
            connection.close()
        for busy in processes:
            if busy.exitcode is None:  # stopped early: --fail-fast, Ctrl-C, an error
                busy.terminate()
                busy.join()


ANSWER_PIPE_BYTES = 1 << 20
"""Room in a worker's answer pipe (Linux; the default is 64 KiB, about one answer)."""


def _widen(connection: Connection) -> None:
    """Make a pipe hold several answers: the parent reads them in task order, so a worker
    ahead of the others would otherwise wait, with its answer half written, for its turn."""
    try:
        import fcntl
    except ImportError:  # Windows: its pipes are sized otherwise
        return
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or above the system's limit
        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, ANSWER_PIPE_BYTES)


def _answers(outbox: Connection, process: multiprocessing.process.BaseProcess) -> Iterator[Block]:
    """The Blocks answering a worker's oldest task: one, or several when it is long."""
    more = True
    while more:
        try:
            answer: Block | Exception = outbox.recv()
        except EOFError:
            process.join()
            raise _lost(process) from None
        if isinstance(answer, Exception):
            raise answer
        more = answer.more
        yield answer


def _lost(process: multiprocessing.process.BaseProcess) -> WorkerLost:
    return WorkerLost(
        _("a worker process ended (exit code {code}) before finishing its work").format(
            code=process.exitcode
        )
    )


def default_workers() -> int:
    """The cores this process may use."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def run_batch(
    job: Job,
    arguments: Iterable[str],
    *,
    workers: int | None = None,
    input_format: str | None = None,
    skip: Path | None = None,
    planned: Callable[[int], None] | None = None,
) -> Iterator[Block]:
    """Every profile named by `arguments` scored and rendered, in input order, a Block a task.

    `workers` None chooses: one for a small batch, every core for a large one. Whatever the
    number, the outcomes (and so the output) are the same, byte for byte. `skip`, a resolved
    path, is not read when a folder or a pattern finds it (the file this run writes);
    `planned` is told how many workers score, once that is known.
    """
    units = _units(arguments, input_format, job.max_bytes, skip)
    workers, tasks = plan_workers(_tasks(units), workers)
    if planned is not None:
        planned(workers)
    if workers <= 1:
        scorer = Scorer(job)
        for task in tasks:
            yield from scorer.run_blocks(task)
        return
    yield from _parallel(job, tasks, workers)


def plan_workers(
    tasks: Iterator[list[_Unit]], workers: int | None
) -> tuple[int, Iterator[list[_Unit]]]:
    """The number of workers (None: every core once the batch proves large) and the tasks."""
    if workers is not None:
        return workers, tasks
    first: list[list[_Unit]] = []
    for task in tasks:
        first.append(task)
        if len(first) >= PARALLEL_FROM_TASKS:
            break
    workers = default_workers() if len(first) >= PARALLEL_FROM_TASKS else 1
    return workers, _chain(first, tasks)


def _chain(first: list[list[_Unit]], rest: Iterator[list[_Unit]]) -> Iterator[list[_Unit]]:
    yield from first
    yield from rest


@dataclass
class Counts:
    """What a batch did, for the summary line on stderr."""

    profiles: int = 0
    failures: int = 0
    unreadable: int = 0
    """Survey rows scored without their unreadable answers (each told as an error)."""
    unanswered: int = 0
    """Profiles scored without a single answer (each told as a warning)."""
    skipped: int = 0
    """Files found among profiles that are not profiles (each told as a note)."""
    by_stage: dict[tuple[str, str], int] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def add_block(self, block: Block) -> None:
        """Count the profiles of a block without details (all scored)."""
        self.profiles += len(block.lengths)
        for key, count in block.stages.items():
            self.by_stage[key] = self.by_stage.get(key, 0) + count

    def add(self, outcome: Outcome) -> None:
        """Count one outcome."""
        if outcome.tally is None:
            if outcome.skipped:
                self.skipped += 1
            elif outcome.partial:
                self.unreadable += 1
            else:
                self.failures += 1
            return
        self.profiles += 1
        self.unanswered += outcome.tally.unanswered
        key = (outcome.tally.stage, outcome.tally.label)
        self.by_stage[key] = self.by_stage.get(key, 0) + 1

    def line(self, stages: Sequence[tuple[str, str]]) -> str:
        """`N profiles scored, M invalid in S s (stage label: n, ...)`: `stages` are (id, name)
        in ladder order, and the line names them; profiles without answers, survey rows with
        unreadable answers and files skipped are counted only when there are any."""
        seconds = time.perf_counter() - self.started
        parts = [
            f"{name} {label}: {self.by_stage[(stage, label)]}"
            for stage, name in stages
            for label in ("1.0", "2.0")
            if (stage, label) in self.by_stage
        ]
        scored = n_("{n} profile scored", "{n} profiles scored", self.profiles)
        head = [scored.format(n=self.profiles)]
        if self.unanswered:
            head.append(
                n_(
                    "{n} of them without answers", "{n} of them without answers", self.unanswered
                ).format(n=self.unanswered)
            )
        head.append(_("{n} invalid").format(n=self.failures))
        if self.unreadable:
            head.append(
                n_(
                    "{n} respondent with unreadable answers",
                    "{n} respondents with unreadable answers",
                    self.unreadable,
                ).format(n=self.unreadable)
            )
        if self.skipped:
            head.append(
                n_(
                    "{n} file skipped (not a profile)",
                    "{n} files skipped (not profiles)",
                    self.skipped,
                ).format(n=self.skipped)
            )
        line = _("{counts} in {seconds}s").format(
            counts=_(", ").join(head), seconds=f"{seconds:.2f}"
        )
        return line + (f" ({', '.join(parts)})" if parts else "")


def progress_bar(total_bytes: int) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """(advance, stop) of a rich progress bar on stderr, for a terminal only.

    It shows profiles done, the share of input bytes read, profiles/s and the time left (the
    number of profiles is not known before a multi-document file or a JSONL file is read).
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("{task.fields[done]:,} profiles"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]:,.0f}/s"),
        TimeRemainingColumn(),
        TextColumn("left"),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("score", total=max(total_bytes, 1), done=0, rate=0.0)
    started = time.perf_counter()
    done = 0

    def advance(profiles: int, size: int) -> None:
        """Count `profiles` more done, finishing `size` more input bytes."""
        nonlocal done
        before, done = done, done + profiles
        if size or done // 64 != before // 64:
            elapsed = max(time.perf_counter() - started, 1e-9)
            progress.update(task, advance=size, done=done, rate=done / elapsed)

    progress.start()
    return advance, progress.stop


def input_bytes(arguments: Iterable[str]) -> int:
    """Total size of the files named by `arguments` (stdin counts as nothing)."""
    total = 0
    for item in find_inputs(arguments):
        if isinstance(item, Input) and item.path != STDIN:
            with contextlib.suppress(OSError):
                total += os.stat(item.path).st_size
    return total
