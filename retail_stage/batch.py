"""Finding profile inputs, streaming their documents, scoring them, collecting the failures.

Batch work never stops at a bad file: every input yields either results or failures, in
input order, so one broken profile among thousands costs one error line.
"""

from __future__ import annotations

import contextlib
import glob
import io
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from retail_stage.loading import Document, Failure, documents_from_text, score_document
from retail_stage.sources import DEFAULT_MAX_BYTES, Problem, SourceError, decode, load_json

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

    from retail_stage.engine import CompiledRubric, Result
    from retail_stage.render.formats import OutputFormat

KIND_BY_SUFFIX = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl"}
STDIN = "-"


class Input(NamedTuple):
    """One file (or stdin) to read profiles from; `kind` None means: tell from the content.

    A named tuple, like the other units of work: tuples cross to worker processes cheaply.
    """

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
    for path, kind in _walk(str(folder)):
        found = True
        yield Input(path, kind)
    if not found:
        yield _failure(shown, "folder holds no profiles (*.yaml, *.yml, *.json, *.jsonl)")


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
        if item.path == STDIN:
            data = sys.stdin.buffer.read()
        else:
            with open(item.path, "rb") as stream:
                data = stream.read()
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
            yield _score(compiled, document)
    except SourceError as exc:
        yield Failure(shown, exc.problems)


def _score(compiled: CompiledRubric, document: Document | Failure) -> Result | Failure:
    if isinstance(document, Failure):
        return document
    try:
        return score_document(compiled, document)
    except SourceError as exc:
        return Failure(document.source, exc.problems)


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
"""JSONL lines per task; the parent reads lines, workers parse and score them.

Tasks and their results stay under 128 KiB, glibc's first mmap threshold: freeing larger
blocks raises that threshold and the parent's heap would then creep up with the batch."""

PARALLEL_FROM_TASKS = 8
"""With --workers automatic, a batch of at least this many tasks runs on every core."""


class Tally(NamedTuple):
    """What the summary counts of one scored profile (a tuple: it crosses processes cheaply)."""

    stage: str
    label: str
    ladder_index: float
    """The result's index (named so as not to hide tuple.index)."""
    dimensions: tuple[float | None, ...]
    """Each dimension's score, for the summary; empty when the job renders each result."""


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
    report: tuple[dict[str, Any], str] | None = None
    """(company block, rendered report) when the job writes a folder of reports."""


class _Lines(NamedTuple):
    """A run of JSONL lines (number, text) read by the parent, to be parsed by a worker."""

    path: str
    lines: tuple[tuple[int, str], ...]
    size: int


class _Text(NamedTuple):
    """Text already read by the parent (stdin), with its kind."""

    path: str
    text: str
    kind: str


_Unit = Input | _Lines | _Text | Failure


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


class Scorer:
    """Scores and renders units of work for one Job: built once per process."""

    def __init__(self, job: Job) -> None:
        from retail_stage.engine import compile_rubric
        from retail_stage.loading import load_rubric

        self.job = job
        self.compiled = compile_rubric(load_rubric(job.rubric_path, job.lang))
        # This formatter only renders, in whichever process scores; the parent writes.
        self.formatter = job.output_format.formatter(io.StringIO(), self.compiled.rubric)

    def outcome(self, record: Result | Failure, size: int = 0) -> Outcome:
        """Render one record and note what the summary needs."""
        text = self.formatter.render(record) if self.job.render else ""
        if isinstance(record, Failure):
            return Outcome(text, record.message, (), None, size)
        # Dimension scores serve the portfolio summary only, which is all a job that does not
        # render writes.
        dimensions = () if self.job.render else tuple(v for _, v in record.dimensions)
        tally = Tally(record.stage, record.label, record.index, dimensions)
        report = None
        if self.job.report_format is not None:
            from retail_stage.render.report import render_report
            from retail_stage.render.report_formats import ReportFormat

            fmt = ReportFormat(self.job.report_format)
            report = (dict(record.company), render_report(record, self.compiled.rubric, fmt))
        return Outcome(text, None, record.warnings, tally, size, report)

    def run(self, unit: _Unit) -> list[Outcome]:
        """The outcomes of one unit of work, in order; the last one carries its size."""
        compiled = self.compiled
        if isinstance(unit, Failure):
            return [self.outcome(unit)]
        if isinstance(unit, _Lines):
            outcomes = [
                self.outcome(_score(compiled, _line_document(unit.path, number, line)))
                for number, line in unit.lines
            ]
            return _sized(outcomes, unit.size)
        if isinstance(unit, _Text):
            text, kind, shown = unit.text, unit.kind, unit.path
        else:
            shown = unit.path
            try:
                text, kind = read_input(unit, self.job.max_bytes)
            except SourceError as exc:
                return [self.outcome(Failure(shown, exc.problems))]
        outcomes = []
        try:
            for document in documents_from_text(text, shown, kind):
                outcomes.append(self.outcome(_score(compiled, document)))
        except SourceError as exc:
            outcomes.append(self.outcome(Failure(shown, exc.problems)))
        return _sized(outcomes, len(text))

    def run_task(self, task: list[_Unit]) -> list[Outcome]:
        """The outcomes of a task (several units), in order."""
        return [outcome for unit in task for outcome in self.run(unit)]


def _sized(outcomes: list[Outcome], size: int) -> list[Outcome]:
    if outcomes:
        outcomes[-1] = outcomes[-1]._replace(size=size)
    return outcomes


def _line_document(path: str, number: int, line: str) -> Document | Failure:
    try:
        data = load_json(line, path, line_offset=number - 1)
    except SourceError as exc:
        return Failure(f"{path}:{number}", exc.problems)
    return Document(f"{path}:{number}", path, data, line, 0, number - 1)


def _jsonl_units(item: Input, max_bytes: int) -> Iterator[_Unit]:
    """A JSONL file read line by line (memory stays flat), in runs of LINES_PER_TASK."""
    try:
        stream: BinaryIO = (
            sys.stdin.buffer if item.path == STDIN else open(item.path, "rb")  # noqa: SIM115
        )
    except OSError as exc:
        yield _failure(item.path, f"cannot read: {exc.strerror or exc}")
        return
    shown = "<stdin>" if item.path == STDIN else item.path
    with stream:
        yield from _jsonl_runs(stream, shown, max_bytes)


def _jsonl_runs(stream: BinaryIO, shown: str, max_bytes: int) -> Iterator[_Unit]:
    run: list[tuple[int, str]] = []
    size = number = 0
    found = False

    def flush() -> Iterator[_Unit]:
        # Lines read so far go before a failure, so outcomes stay in line order.
        nonlocal run, size
        if run:
            yield _Lines(shown, tuple(run), size)
            run, size = [], 0

    while True:
        try:
            raw = stream.readline(max_bytes + 2)
        except OSError as exc:
            yield from flush()
            yield _failure(shown, f"cannot read: {exc.strerror or exc}")
            return
        if not raw:
            break
        number += 1
        size += len(raw)
        found = found or bool(raw.strip())
        if len(raw.rstrip(b"\r\n")) > max_bytes:
            while raw and not raw.endswith(b"\n"):  # skip the rest of the long line
                raw = stream.readline(1 << 20)
                size += len(raw)
            yield from flush()
            yield Failure(
                f"{shown}:{number}",
                (Problem(shown, f"line is over the limit of {max_bytes:,} bytes", number, 1),),
            )
            continue
        if b"\x00" in raw:
            yield from flush()
            yield _failure(shown, "binary file: expected UTF-8 text (JSONL)")
            return
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            column = len(raw[: exc.start].decode("utf-8", "replace")) + 1
            yield from flush()
            yield Failure(
                f"{shown}:{number}",
                (Problem(shown, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", number, column),),
            )
            continue
        if number == 1:
            line = line.removeprefix("\ufeff")
        if line.strip():
            run.append((number, line))
            if len(run) >= LINES_PER_TASK:
                yield from flush()
    yield from flush()
    if not found:
        yield _failure(shown, "file is empty: expected a profile")


def _units(arguments: Iterable[str], input_format: str | None, max_bytes: int) -> Iterator[_Unit]:
    for item in find_inputs(arguments):
        if isinstance(item, Failure):
            yield item
        elif item.path == STDIN:
            yield from _stdin_units(input_format, max_bytes)
        elif item.kind == "jsonl":
            yield from _jsonl_units(item, max_bytes)
        else:
            yield item


def _stdin_units(kind: str | None, max_bytes: int) -> Iterator[_Unit]:
    """Stdin: JSONL streamed line by line (each line under the limit), anything else read whole.

    Without --input-format the kind is told from the first bytes, then from the whole text.
    """
    stream = sys.stdin.buffer
    if kind is None:
        peek = getattr(stream, "peek", None)
        head = peek(1 << 16) if peek is not None else b""
        if sniff_kind(head.decode("utf-8", "replace")) == "jsonl":
            kind = "jsonl"
    if kind == "jsonl":
        yield from _jsonl_runs(stream, "<stdin>", max_bytes)
        return
    try:
        data = stream.read()
    except OSError as exc:
        yield _failure("<stdin>", f"cannot read: {exc.strerror or exc}")
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
        yield _failure("<stdin>", "file is empty: expected a profile")
        return
    yield _Text("<stdin>", text, kind or sniff_kind(text))


def _tasks(units: Iterable[_Unit]) -> Iterator[list[_Unit]]:
    """Units grouped so each task is worth shipping to a worker; JSONL runs go alone."""
    task: list[_Unit] = []
    for unit in units:
        if isinstance(unit, _Lines):
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


_WORKER: list[Scorer] = []


def _worker_start(job: Job) -> None:
    import signal

    # Ctrl-C is the parent's to handle: it stops the pool and removes the partial output.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER[:] = [Scorer(job)]


_Packed = tuple[str, list[tuple[Any, ...]]]


def _worker_task(task: list[_Unit]) -> _Packed:
    # One string for the task's texts: the parent receives one large block per task, which
    # keeps its memory from fragmenting across the threads that unpickle and write.
    outcomes = _WORKER[0].run_task(task)
    return "".join(o.text for o in outcomes), [(len(o.text), *o[1:]) for o in outcomes]


def _unpack(packed: _Packed) -> Iterator[Outcome]:
    text, rest = packed
    at = 0
    for length, *fields in rest:
        yield Outcome(text[at : at + length], *fields)
        at += length


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
) -> Iterator[Outcome]:
    """Every profile named by `arguments` scored and rendered, in input order.

    `workers` None chooses: one for a small batch, every core for a large one. Whatever the
    number, the outcomes (and so the output) are the same, byte for byte.
    """
    workers, tasks = plan_workers(_tasks(_units(arguments, input_format, job.max_bytes)), workers)
    if workers <= 1:
        scorer = Scorer(job)
        for task in tasks:
            yield from scorer.run_task(task)
        return
    import multiprocessing

    with multiprocessing.Pool(workers, initializer=_worker_start, initargs=(job,)) as pool:
        # A bounded window of tasks in flight keeps memory flat (Pool.imap would read ahead
        # through the whole input) and results come back in input order.
        pending: deque[AsyncResult[_Packed]] = deque()
        for task in tasks:
            pending.append(pool.apply_async(_worker_task, (task,)))
            if len(pending) >= 2 * workers:
                yield from _unpack(pending.popleft().get())
        while pending:
            yield from _unpack(pending.popleft().get())


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
    by_stage: dict[tuple[str, str], int] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def add(self, outcome: Outcome) -> None:
        """Count one outcome."""
        if outcome.tally is None:
            self.failures += 1
            return
        self.profiles += 1
        key = (outcome.tally.stage, outcome.tally.label)
        self.by_stage[key] = self.by_stage.get(key, 0) + 1

    def line(self, stage_order: list[str]) -> str:
        """`N profiles scored, M invalid in S s: stage label: n, ...` in ladder order."""
        seconds = time.perf_counter() - self.started
        parts = [
            f"{stage} {label}: {self.by_stage[(stage, label)]}"
            for stage in stage_order
            for label in ("1.0", "2.0")
            if (stage, label) in self.by_stage
        ]
        head = (
            f"{self.profiles} profile{'s' * (self.profiles != 1)} scored, "
            f"{self.failures} invalid in {seconds:.2f}s"
        )
        return head + (f" ({', '.join(parts)})" if parts else "")


def progress_bar(total_bytes: int) -> tuple[Callable[[Outcome], None], Callable[[], None]]:
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

    def advance(outcome: Outcome) -> None:
        nonlocal done
        done += 1
        if outcome.size or done % 64 == 0:
            elapsed = max(time.perf_counter() - started, 1e-9)
            progress.update(task, advance=outcome.size, done=done, rate=done / elapsed)

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
