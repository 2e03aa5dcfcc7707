"""`score` as a service: a batch of profiles scored and written, and what it counted.

The command line parses its options into a `ScoringRequest`, calls `run_scoring` and maps what
it raises to exit codes. Everything in between happens here: the checks of the output and the
report folder, the formatter, the workers (through `batch.run_batch`), the progress bar, the
portfolio, the reports. Every exception it raises is a `ScoringError` whose text is the line
to show; a profile that fails is not one of them, but a line given to `say`.
"""

from __future__ import annotations

import glob
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from retail_stage.sources import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from retail_stage.batch import Block, Counts, Job, Outcome
    from retail_stage.engine import CompiledRubric
    from retail_stage.render.formats import OutputFormat
    from retail_stage.render.formatter import Formatter
    from retail_stage.render.report import ReportWriter
    from retail_stage.render.report_formats import ReportFormat
    from retail_stage.render.summary import Portfolio


class ScoringError(Exception):
    """`score` could not do what was asked, or not to the end; the text is the line to show."""


class BadRequest(ScoringError):
    """What was asked cannot be done: nothing was read nor written."""


class CannotWrite(ScoringError):
    """The output (or a report) could not be written."""


class Stopped(ScoringError):
    """The batch stopped before its end: a worker process was lost."""


class Interrupted(ScoringError):
    """The batch was interrupted (Ctrl-C); a file output is left as it was."""


class OutputClosed(ScoringError):
    """Whoever read the output went away (`| head`): nothing more can be said there."""


@dataclass(frozen=True)
class ScoringRequest:
    """What `score` was asked: the profiles, the rubric (compiled here, named for the workers),
    the output and how to write it."""

    paths: list[str]
    compiled: CompiledRubric
    output_format: OutputFormat
    rubric_path: Path | None = None
    """The rubric as named on the command line; None for the bundled one."""
    lang: str | None = None
    """The language the rubric's texts were chosen in (the workers load it again)."""
    output: Path | None = None
    """None: stdout."""
    summary: bool = False
    fail_fast: bool = False
    workers: int | None = None
    input_format: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    report_dir: Path | None = None
    report_format: ReportFormat | None = None
    merge: str | None = "median"
    """How a survey's respondents are merged; None: every row on its own."""
    merge_given: bool = False
    mapping: str | None = None
    group_by: str | None = None
    """The company field the summary groups by (`--group-by`), in every summary format."""
    top: int = 50
    """Companies the summary's ranked list shows (the XLSX and CSV ones list them all)."""
    document: str | None = None
    """"html" or "pdf": the summary is the portfolio document (`--summary -o portfolio.html`)."""


@dataclass(frozen=True)
class ScoringDone:
    """What a batch that ran to its end did: its counts and the summary line for stderr."""

    profiles: int
    failures: int
    """Invalid profiles and survey rows with unreadable answers: either exits 1."""
    line: str
    workers: int = 1
    """How many processes scored."""


def _named_files(arguments: list[str]) -> set[Path]:
    """The files named on the command line (not those found in folders), resolved."""
    return {Path(a).resolve() for a in arguments if a != "-" and Path(a).is_file()}


def _reports(request: ScoringRequest) -> ReportWriter | None:
    """The writer of the folder of reports, when one is asked for."""
    if request.report_dir is None:
        return None
    from retail_stage.batch import KIND_BY_SUFFIX
    from retail_stage.render.report import ReportWriter
    from retail_stage.render.report_formats import ReportFormat

    fmt = request.report_format or ReportFormat.HTML
    if fmt is ReportFormat.TERMINAL:
        raise BadRequest(
            "error: --report-format: the terminal format is for the screen; use html, pdf, "
            "svg, txt, md or json"
        )
    if fmt is ReportFormat.PDF:
        from retail_stage.render.report_pdf import PdfUnavailable, check_engine

        try:
            check_engine()
        except PdfUnavailable as missing:
            raise BadRequest(f"error: {missing}") from None
    if f".{fmt.value}" in KIND_BY_SUFFIX:
        folder = _input_folder(request.report_dir.resolve(), request.paths)
        if folder is not None:
            raise BadRequest(
                f"{request.report_dir}: error: --report-dir: {fmt.value} reports there would "
                f"sit among the profiles of {folder} and be read as profiles; choose another "
                "folder"
            )
    try:
        return ReportWriter(request.report_dir, fmt, request.compiled.rubric)
    except OSError as exc:
        raise BadRequest(
            f"{request.report_dir}: error: cannot create the report folder: {exc.strerror or exc}"
        ) from None


_RESULTS = re.compile(rb'\s*(?:\[\s*\]?\s*$|(?:-\s+|\[\s*)?\{?\s*"?source"?\s*:)')
"""The start of what `score` writes as YAML, JSON or JSONL (every record starts with its
source, a key no profile has), or of an empty list of results."""


def _check_output(request: ScoringRequest) -> Path | None:
    """Refuse an output that would replace an input; the output when it is a file `score`
    wrote before and a folder or a pattern finds it again, so that it is skipped."""
    output = request.output
    if output is None:
        return None
    if not output.resolve().parent.is_dir():
        why = "is not a folder" if output.parent.exists() else "does not exist"
        raise BadRequest(f"{output}: error: cannot write: {output.parent} {why}")
    target = output.resolve()
    if target in _named_files([*request.paths, str(request.rubric_path or "")]):
        raise BadRequest(f"{output}: error: the output is also an input; choose another file")
    found_in = _found_in(target, request.paths)
    if found_in is None or not target.is_file():
        return None
    if not _written_by_score(target):
        raise BadRequest(
            f"{output}: error: the output is also an input (found in {found_in}); "
            "choose another file"
        )
    return target


def _found_in(target: Path, arguments: list[str]) -> str | None:
    """The argument (a folder or a pattern) whose walk would find `target`, if any."""
    from retail_stage.batch import KIND_BY_SUFFIX

    if target.suffix.lower() not in KIND_BY_SUFFIX:
        return None
    for argument in arguments:
        folder = Path(argument)
        if argument != "-" and folder.is_dir():
            root = folder.resolve()
            if target.is_relative_to(root) and not any(
                part.startswith(".") for part in target.relative_to(root).parts
            ):
                return argument
        elif glob.has_magic(argument) and any(
            Path(match).resolve() == target for match in glob.iglob(argument, recursive=True)
        ):
            return argument
    return None


def _input_folder(folder: Path, arguments: list[str]) -> str | None:
    """The argument that names `folder`, a folder above it or a file in it, if any."""
    for argument in arguments:
        path = Path(argument)
        if argument == "-" or not path.exists():
            continue
        resolved = path.resolve()
        if (path.is_dir() and folder.is_relative_to(resolved)) or resolved.parent == folder:
            return argument
    return None


def _written_by_score(path: Path) -> bool:
    """Whether the file at `path` is empty or starts as a results file of `score` does."""
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        return False
    return not head.strip() or _RESULTS.match(head) is not None


def _say_on_stderr(line: str) -> None:
    sys.stderr.write(line + "\n")


def run_scoring(
    request: ScoringRequest, say: Callable[[str], None] = _say_on_stderr
) -> ScoringDone:
    """Score every profile the request names and write the results (or the portfolio) as they
    come, in input order; each failure and warning is a line given to `say`.

    Raises a ScoringError when the batch cannot start or cannot finish; a profile that fails
    is counted, never raised.
    """
    from retail_stage.batch import Counts, Job, WorkerLost, input_bytes, progress_bar
    from retail_stage.output import open_output

    skipped = _check_output(request)
    if skipped is not None:
        from retail_stage.messages import _

        why = _("not read as a profile: it is this run's output")
        say(f"{request.output}: warning: {why}")
    reports = _reports(request)
    if request.document == "pdf":
        from retail_stage.render.report_pdf import PdfUnavailable, check_engine

        try:
            check_engine()
        except PdfUnavailable as missing:
            raise BadRequest(f"error: {missing}") from None
    job = Job(
        str(request.rubric_path) if request.rubric_path is not None else None,
        request.output_format,
        not request.summary,
        request.max_bytes,
        request.lang,
        None if reports is None else reports.fmt.value,
        request.merge,
        request.mapping,
        request.merge_given,
        request.group_by,
    )
    counts = Counts()
    workers: list[int] = []  # told by the batch once it has chosen
    portfolio = None
    if request.summary:
        from retail_stage.render.formats import OutputFormat
        from retail_stage.render.summary import Portfolio

        complete = request.document is None and request.output_format in (
            OutputFormat.CSV,
            OutputFormat.XLSX,
        )
        portfolio = Portfolio(
            request.compiled.rubric, group_by=request.group_by, top=request.top, complete=complete
        )
    advance, stop = (
        progress_bar(input_bytes(request.paths)) if sys.stderr.isatty() else (None, None)
    )
    output = request.output
    try:
        with open_output(output) as stream:
            formatter = request.output_format.formatter(stream, request.compiled.rubric)
            _write(
                request, job, formatter, counts, portfolio, reports, advance, say, skipped, workers
            )
            if stop is not None:
                stop()
            if portfolio is not None and request.document is not None:
                _write_document(stream, portfolio, request.document)
            elif portfolio is not None:
                formatter.write_summary(portfolio)
            else:
                formatter.close()
    except KeyboardInterrupt:
        if stop is not None:
            stop()
        raise Interrupted("interrupted: nothing was written" if output else "interrupted") from None
    except WorkerLost as exc:
        if stop is not None:
            stop()
        raise Stopped(f"error: {exc}; nothing was written" if output else f"error: {exc}") from None
    except BrokenPipeError:
        raise OutputClosed() from None
    except OSError as exc:
        raise CannotWrite(
            f"{output or '<stdout>'}: error: cannot write: {exc.strerror or exc}"
        ) from None
    rubric = request.compiled.rubric
    stages = [(rubric.baseline.id, rubric.baseline.name), *((s.id, s.name) for s in rubric.stages)]
    line = counts.line(stages)
    failures = counts.failures + counts.unreadable
    return ScoringDone(counts.profiles, failures, line, workers[0] if workers else 1)


def _write_document(stream: TextIO, portfolio: Portfolio, document: str) -> None:
    """The portfolio document: HTML text, or the PDF's bytes into the file under `stream`."""
    if document == "html":
        from retail_stage.render.portfolio_html import portfolio_html

        stream.write(portfolio_html(portfolio))
        return
    from retail_stage.render.portfolio_html import portfolio_pdf

    data = portfolio_pdf(portfolio)
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # pragma: no cover - a document is chosen by the name of its -o file
        raise ValueError("a PDF is written to a file: give -o portfolio.pdf")
    buffer.write(data)
    buffer.flush()


def _write(
    request: ScoringRequest,
    job: Job,
    formatter: Formatter,
    counts: Counts,
    portfolio: Portfolio | None,
    reports: ReportWriter | None,
    advance: Callable[[int, int], None] | None,
    say: Callable[[str], None],
    skipped: Path | None,
    workers: list[int],
) -> None:
    """Score the batch and write each Block as it comes; stop at the first failure when asked."""
    from retail_stage.batch import run_batch

    def take(outcome: Outcome) -> bool:
        """Count, report and write one outcome; False when the batch stops there."""
        counts.add(outcome)
        if outcome.failure is not None:
            say(outcome.failure)
        for warning in outcome.warnings:
            say(warning)
        if outcome.skipped:  # not a profile: its note is all there is to say
            pass
        elif portfolio is not None:
            portfolio.add(outcome.tally)
        else:
            formatter.write_rendered(outcome.text)
        if reports is not None and outcome.report is not None:
            reports.write_rendered(*outcome.report)
        if advance is not None:
            advance(1, outcome.size)
        return not (request.fail_fast and outcome.failure is not None)

    block: Block
    for block in run_batch(
        job,
        request.paths,
        workers=request.workers,
        input_format=request.input_format,
        skip=skipped,
        planned=lambda n: workers.append(n),
    ):
        if block.details is None:  # every profile scored: count and write at once
            counts.add_block(block)
            formatter.write_block(block.text, block.lengths)
            if advance is not None:
                advance(len(block.lengths), block.size)
        elif not all(take(outcome) for outcome in block.outcomes()):
            break
