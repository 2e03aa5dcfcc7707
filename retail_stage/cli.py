"""The command line: parse, call the services, map errors to exit codes. No scoring logic here."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from retail_stage import messages
from retail_stage.messages import N_, _
from retail_stage.render.formats import OutputFormat
from retail_stage.render.report_formats import CompareFormat, ReportFormat
from retail_stage.version import version_line

if TYPE_CHECKING:
    from retail_stage.engine import CompiledRubric, Result
    from retail_stage.settings import Settings

# --- help in the interface language, and a reader that goes away -------------------------------
#
# typer builds every help text from the decorators when this module is imported, before the
# language is known. So help texts are written in English and marked with N_ (the extractor
# sees them; nothing is translated yet), and each command translates its own texts just
# before its help is drawn, in the language of --lang when the command line has one, else of
# the settings (RETAIL_STAGE_LANG, the configuration, the locale).

_ARGS = "retail_stage.args"
"""Key of the command line's arguments in click's context (shared by every nested context)."""


def _typer_texts() -> dict[str, str]:
    """The words typer and click draw around our help texts, in the interface language."""
    return {
        "ARGUMENTS_PANEL_TITLE": _("Arguments"),
        "OPTIONS_PANEL_TITLE": _("Options"),
        "COMMANDS_PANEL_TITLE": _("Commands"),
        "REQUIRED_LONG_STRING": _("[required]"),
        "DEFAULT_STRING": _("[default: {value}]").replace("{value}", "{}"),
    }


_TYPER_HELP_TEXTS = (
    N_("Show this message and exit."),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)
"""Help texts typer and click give their own options (translated like ours when drawn)."""


def _lang_in_args(ctx: Any) -> str | None:
    """The value of --lang on the command line (before the command or after it), if any."""
    args = ctx.meta.get(_ARGS, [])
    for n, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and n + 1 < len(args):
            return str(args[n + 1])
        if arg.startswith("--lang="):
            return str(arg.partition("=")[2])
    return None


def _help_language(ctx: Any) -> str | None:
    """The language of a help screen: --lang's on the command line, else the settings'."""
    given = _lang_in_args(ctx)
    if given:
        return given
    from retail_stage.settings import resolve
    from retail_stage.sources import SourceError

    try:
        return resolve({}).lang.value  # type: ignore[no-any-return]
    except SourceError:  # the command itself says what is wrong with the configuration
        return None


@contextlib.contextmanager
def _help_translated(command: Any, ctx: Any) -> Iterator[None]:
    """The help texts of `command`, its parameters and its subcommands, and typer's own words,
    in the interface language while the block runs (English again after it)."""
    from typer import rich_utils

    messages.use(_help_language(ctx))
    saved: list[tuple[Any, str, Any]] = []

    def put(owner: Any, name: str, value: Any) -> None:
        saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def translate(owner: Any, *names: str) -> None:
        for name in names:
            value = getattr(owner, name, None)
            if isinstance(value, str) and value:
                put(owner, name, _(value))

    translate(command, "help", "short_help")
    for param in command.get_params(ctx):
        translate(param, "help", "rich_help_panel")
    if isinstance(command, TyperGroup):
        for name in command.list_commands(ctx):
            translate(command.get_command(ctx, name), "help", "short_help")
    for name, value in _typer_texts().items():
        put(rich_utils, name, value)
    if messages.language() != "en":
        put(rich_utils, "_make_rich_text", _foldable(rich_utils._make_rich_text))
    try:
        yield
    finally:
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)


def _foldable(make: Any) -> Any:
    """typer's maker of help texts, its texts broken where Chinese breaks (render.cjk) instead
    of cut off with an ellipsis: rich breaks lines at spaces only."""
    from rich.text import Text

    from retail_stage.render.cjk import CjkText

    def make_text(**given: Any) -> Any:
        text = make(**given)
        if type(text) is not Text:
            return text
        return CjkText(
            text.plain,
            style=text.style,
            justify=text.justify,
            overflow=text.overflow,
            no_wrap=text.no_wrap,
            end=text.end,
            spans=list(text.spans),
        )

    return make_text


@contextlib.contextmanager
def _usage_errors_translated() -> Iterator[None]:
    """click's own errors (No such option, Missing argument...) and typer's words around them
    (the Error panel, the hint to -h, Aborted.) in the interface language while the block runs:
    --lang's on the command line, else the settings' (retail_stage.usage_errors)."""
    from typer import rich_utils

    from retail_stage.usage_errors import rich_texts, usage_message

    show_error, show_abort = rich_utils.rich_format_error, rich_utils.rich_abort_error

    def shown(show: Any, *given: Any) -> None:
        saved = {name: getattr(rich_utils, name) for name in rich_texts()}
        for name, value in rich_texts().items():
            setattr(rich_utils, name, value)
        try:
            show(*given)
        finally:
            for name, value in saved.items():
                setattr(rich_utils, name, value)

    def format_error(error: Any) -> None:
        ctx = getattr(error, "ctx", None)
        if ctx is not None:
            messages.use(_help_language(ctx))
        message = usage_message(error)
        error.format_message = lambda: message
        shown(show_error, error)

    rich_utils.rich_format_error = format_error  # type: ignore[assignment]
    rich_utils.rich_abort_error = lambda: shown(show_abort)
    try:
        yield
    finally:
        rich_utils.rich_format_error, rich_utils.rich_abort_error = show_error, show_abort


class _ReaderGone(Exception):
    """Stdout's reader went away (`| head`): end as quietly as `git log | head` does."""


class _Help:
    """What our commands and groups share: help in the interface language, the arguments
    kept for it, and a closed stdout turned into _ReaderGone."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with _usage_errors_translated():
            return super().main(*args, **kwargs)  # type: ignore[misc]

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta.setdefault(_ARGS, list(args))
        return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with _help_translated(self, ctx):
            super().format_help(ctx, formatter)  # type: ignore[misc]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except BrokenPipeError:
            # Only stdout's reader can go away at this level: a worker's pipe that breaks is
            # the batch's to report (WorkerLost), a file is no pipe.
            if ctx.parent is None:
                raise _ReaderGone() from None
            raise


class _Command(_Help, TyperCommand):
    """A command of ours (see _Help)."""


class _Group(_Help, TyperGroup):
    """A group of ours (see _Help)."""


app = typer.Typer(
    name="retail-stage",
    cls=_Group,
    help=N_(
        "Where a retailer stands in the digitalization of retail: multi-channel, omni-channel "
        "or smart retail, and 1.0 (traffic) or 2.0 (supply and production)."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
rubric_app = typer.Typer(
    cls=_Group,
    help=N_("Check, show and describe rubrics."),
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(rubric_app, name="rubric")

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


RubricOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs the Optional spelling on Python 3.10
    typer.Option(
        "--rubric",
        metavar="FILE",
        help=N_(
            "Rubric YAML (default: RETAIL_STAGE_RUBRIC, the configuration, else the bundled "
            "retail-stages rubric)."
        ),
        show_default=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(version_line())
        raise typer.Exit()


_root_lang: str | None = None
"""`retail-stage --lang CODE COMMAND`: the language of a command given no --lang of its own."""


@app.callback()
def main_callback(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", metavar="", callback=_version, is_eager=True, help=N_("Show the version.")
        ),
    ] = False,
    lang: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--lang",
            metavar="CODE",
            help=N_(
                "Language of the interface and of the rubric's texts for the command that "
                "follows, e.g. en or zh (as its own --lang)."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Where a retailer stands in the digitalization of retail."""
    global _root_lang
    _root_lang = lang
    # Speak the language of this run from the start, whatever an earlier run in this process
    # spoke; the command itself refines it once it knows its own --lang and rubric.
    messages.use(_interface_language(lang or _lang_in_args(ctx)))


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")


def _settings(
    rubric: Path | None = None,
    lang: str | None = None,
    workers: int | None = None,
    max_bytes: int | None = None,
) -> Settings:
    """The settings of this run: the command line's, else the environment's, else the
    configuration file's (retail_stage.settings); exit 2 when that file is not valid."""
    from retail_stage.settings import resolve
    from retail_stage.sources import SourceError

    lang = _root_lang if lang is None else lang
    given = {"rubric": rubric, "lang": lang, "workers": workers, "max-bytes": max_bytes}
    try:
        settings = resolve(given)
    except SourceError as exc:
        messages.use(_interface_language(lang))
        for problem in exc.problems:
            _err(str(problem))
        raise typer.Exit(EXIT_USAGE) from None
    messages.use(settings.lang.value)
    return settings


def _interface_language(lang: str | None) -> str | None:
    """The interface language when the settings may not be readable: `lang` (--lang), else
    RETAIL_STAGE_LANG, the configuration (when it is valid) or the locale."""
    from retail_stage.settings import ENVIRONMENT, LOCALE_VARIABLES, language_of_locale, resolve
    from retail_stage.sources import SourceError

    lang = _root_lang if lang is None else lang
    if lang:
        return lang
    try:
        return resolve({}).lang.value  # type: ignore[no-any-return]
    except SourceError:
        if os.environ.get(ENVIRONMENT["lang"]):
            return os.environ[ENVIRONMENT["lang"]]
        for variable in LOCALE_VARIABLES:
            if os.environ.get(variable):
                return language_of_locale(os.environ[variable])
        return None


def _language(lang: str | None) -> str | None:
    """The language asked for: --lang, RETAIL_STAGE_LANG, the configuration, the locale."""
    return _settings(lang=lang).lang.value  # type: ignore[no-any-return]


def _rubric_in(path: Path | None, lang: str | None):  # type: ignore[no-untyped-def]
    """The rubric at `path` (else the one the settings name, else the bundled one) in `lang`
    (else the settings' language); exit 2 when it is invalid."""
    from retail_stage.loading import load_rubric
    from retail_stage.settings import LOCALE_VARIABLES
    from retail_stage.sources import SourceError

    settings = _settings(rubric=path, lang=lang)
    chosen = settings.lang.value
    try:
        rubric = load_rubric(settings.rubric.value, chosen)
    except SourceError as exc:
        for problem in exc.problems:
            _err(str(problem))
        raise typer.Exit(EXIT_USAGE) from None
    asked = settings.lang.origin not in (*LOCALE_VARIABLES, "default")
    if chosen and asked and chosen not in rubric.languages:
        _err(
            _(
                "error: {origin} {lang}: rubric {rubric} has no {quoted} texts; "
                "it declares {declared}"
            ).format(
                origin=settings.lang.origin,
                lang=chosen,
                rubric=repr(rubric.id),
                quoted=repr(chosen),
                declared=", ".join(rubric.languages),
            )
        )
        raise typer.Exit(EXIT_USAGE)
    from retail_stage import messages

    messages.use(rubric.lang)
    return rubric


ShowIdsOption = Annotated[
    bool,
    typer.Option(
        "--show-ids",
        help=N_("Show indicator ids beside the questions (JSON, CSV and JSONL always hold them)."),
    ),
]

LangOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--lang",
        metavar="CODE",
        help=N_(
            "Language of the rubric's texts, e.g. en or zh (default: RETAIL_STAGE_LANG, the "
            "configuration, the locale, then the rubric's first language)."
        ),
        show_default=False,
    ),
]


def _compiled(rubric: Path | None, lang: str | None = None):  # type: ignore[no-untyped-def]
    """The rubric compiled for scoring, its texts in `lang`; exit 2 when it is invalid."""
    from retail_stage.engine import compile_rubric

    return compile_rubric(_rubric_in(rubric, lang))


class InputFormat(str, Enum):
    """How to read stdin when its content cannot tell."""

    yaml = "yaml"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    xlsx = "xlsx"


class Merge(str, Enum):
    """How several respondents' scores of one indicator become one."""

    median = "median"
    min = "min"
    mean = "mean"
    latest = "latest"


MergeOption = Annotated[
    Optional[Merge],  # noqa: UP045
    typer.Option(
        "--merge",
        rich_help_panel=N_("Survey exports"),
        help=N_(
            "How the respondents of one company are merged, indicator by indicator: the "
            "median (default), min, mean or latest of their scores."
        ),
        show_default=False,
    ),
]
MapOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--map",
        metavar="FILE",
        rich_help_panel=N_("Survey exports"),
        help=N_(
            "YAML naming what columns hold (header or letter -> indicator id or company "
            "field), answer texts (-> option ids) and the multiple-choice separator."
        ),
        show_default=False,
    ),
]


@app.command(
    cls=_Command,
    help=N_("Score profiles: one result per profile; invalid ones are reported on stderr."),
)
def score(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...",
            help=N_(
                "Profile files (YAML, JSON, JSONL), survey exports (CSV, TSV, XLSX), folders "
                "(of profiles), globs, or - for stdin."
            ),
        ),
    ],
    fmt: Annotated[
        Optional[OutputFormat],  # noqa: UP045
        typer.Option(
            "--format",
            "-f",
            rich_help_panel=N_("Output"),
            help=N_("Output format (default: from the -o file's extension, else table)."),
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            rich_help_panel=N_("Output"),
            help=N_("Write to this file (atomically) instead of stdout."),
            show_default=False,
        ),
    ] = None,
    rubric: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--rubric",
            metavar="FILE",
            rich_help_panel=N_("Input"),
            help=N_(
                "Rubric YAML (default: RETAIL_STAGE_RUBRIC, the configuration, else the "
                "bundled retail-stages rubric)."
            ),
            show_default=False,
        ),
    ] = None,
    summary: Annotated[
        bool,
        typer.Option(
            "--summary",
            metavar="",
            rich_help_panel=N_("Output"),
            help=N_(
                "The portfolio view (stages × labels, index spread, dimensions) instead of one "
                "row per profile."
            ),
        ),
    ] = False,
    fail_fast: Annotated[
        bool,
        typer.Option(
            "--fail-fast",
            metavar="",
            rich_help_panel=N_("Running"),
            help=N_("Stop at the first invalid profile."),
        ),
    ] = False,
    workers: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--workers",
            "-w",
            metavar="N",
            min=1,
            rich_help_panel=N_("Running"),
            help=N_(
                "Processes scoring in parallel (default: 1 for a small batch, every core for "
                "a large one). The output is the same whatever the number."
            ),
            show_default=False,
        ),
    ] = None,
    input_format: Annotated[
        Optional[InputFormat],  # noqa: UP045
        typer.Option(
            "--input-format",
            rich_help_panel=N_("Input"),
            help=N_("Format of stdin when its content cannot tell."),
            show_default=False,
        ),
    ] = None,
    max_bytes: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--max-bytes",
            metavar="BYTES",
            min=1,
            rich_help_panel=N_("Input"),
            help=N_("Largest file, or JSONL line, accepted, in bytes (default: 5 MiB)."),
            show_default=False,
        ),
    ] = None,
    report_dir: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--report-dir",
            metavar="FOLDER",
            rich_help_panel=N_("Output"),
            help=N_(
                "Also write one report per profile into this folder (named from the company "
                "id or name; never outside the folder)."
            ),
            show_default=False,
        ),
    ] = None,
    report_format: Annotated[
        ReportFormat,
        typer.Option(
            "--report-format",
            rich_help_panel=N_("Output"),
            help=N_("Format of the --report-dir reports."),
        ),
    ] = ReportFormat.HTML,
    lang: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--lang",
            metavar="CODE",
            rich_help_panel=N_("Input"),
            help=N_(
                "Language of the rubric's texts, e.g. en or zh (default: RETAIL_STAGE_LANG, "
                "the configuration, the locale, then the rubric's first language)."
            ),
            show_default=False,
        ),
    ] = None,
    merge: MergeOption = None,
    no_merge: Annotated[
        bool,
        typer.Option(
            "--no-merge",
            metavar="",
            rich_help_panel=N_("Survey exports"),
            help=N_("Score every row of a survey export on its own."),
        ),
    ] = False,
    mapping: MapOption = None,
    group_by: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--group-by",
            metavar="FIELD",
            rich_help_panel=N_("Output"),
            help=N_(
                "With --summary: the portfolio by this company field too (sector, country or "
                "any other), in every format."
            ),
            show_default=False,
        ),
    ] = None,
    top: Annotated[
        int,
        typer.Option(
            "--top",
            metavar="N",
            min=0,
            rich_help_panel=N_("Output"),
            help=N_(
                "With --summary: companies in the ranked list (the XLSX and CSV summaries "
                "list them all)."
            ),
        ),
    ] = 50,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            metavar="",
            rich_help_panel=N_("Running"),
            help=N_("No summary line at the end."),
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            metavar="",
            rich_help_panel=N_("Running"),
            help=N_(
                "Also say which rubric and settings were used (and where each came from), how "
                "many workers scored, and where the time went."
            ),
        ),
    ] = False,
) -> None:
    import time

    from retail_stage.scoring_run import (
        BadRequest,
        CannotWrite,
        Interrupted,
        OutputClosed,
        ScoringRequest,
        Stopped,
        run_scoring,
    )
    from retail_stage.sources import DEFAULT_MAX_BYTES

    started = time.perf_counter()
    settings = _settings(rubric, lang, workers, max_bytes)
    rubric_path = settings.rubric.value
    compiled = _compiled(rubric, lang)
    loaded = time.perf_counter()
    if verbose:
        where = (
            "bundled" if rubric_path is None else f"{rubric_path}, from {settings.rubric.origin}"
        )
        _err(f"rubric: {compiled.rubric_id} {compiled.rubric_version} ({where})")
        for line in settings.lines():
            _err(line)
    if not summary and (group_by is not None or top != 50):
        _err(_("error: --group-by and --top go with --summary"))
        raise typer.Exit(EXIT_USAGE)
    document = None
    if summary and output is not None and output.suffix.lower() in (".html", ".htm", ".pdf"):
        if fmt is not None:
            _err(
                _(
                    "{path}: error: the portfolio document's format comes from its name; drop "
                    "--format"
                ).format(path=output)
            )
            raise typer.Exit(EXIT_USAGE)
        document = "pdf" if output.suffix.lower() == ".pdf" else "html"
    fmt = (
        OutputFormat.JSON  # not written: the document is
        if document is not None
        else _file_format(
            fmt,
            output,
            OutputFormat,
            "table, json, jsonl, csv, yaml, markdown, xlsx, html or pdf"
            if summary
            else "table, json, jsonl, csv, yaml or markdown",
            OutputFormat.TABLE,
            OutputFormat.TABLE,
            drawn_to_file=True,
        )
    )
    request = ScoringRequest(
        paths,
        compiled,
        fmt,
        rubric_path=Path(rubric_path) if rubric_path is not None else None,
        lang=settings.lang.value,
        output=output,
        summary=summary,
        fail_fast=fail_fast,
        workers=settings.workers.value,
        input_format=input_format.value if input_format else None,
        max_bytes=settings.max_bytes.value or DEFAULT_MAX_BYTES,
        report_dir=report_dir,
        report_format=report_format,
        merge=None if no_merge else (merge.value if merge else "median"),
        merge_given=merge is not None,
        mapping=str(mapping) if mapping is not None else None,
        group_by=group_by,
        top=top,
        document=document,
    )
    try:
        done = run_scoring(request, _err)
    except (BadRequest, CannotWrite) as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    except Stopped as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_INVALID) from None
    except Interrupted as exc:
        _err(str(exc))
        raise typer.Exit(130) from None
    except OutputClosed:
        raise _ReaderGone() from None  # the reader went away (`| head`): main ends quietly
    if verbose:
        finished = time.perf_counter()
        _err(
            f"workers: {done.workers}; time: {loaded - started:.2f}s reading the rubric and "
            f"settings, {finished - loaded:.2f}s reading, scoring and writing the profiles"
        )
    if not quiet:
        _err(done.line)
    raise typer.Exit(EXIT_INVALID if done.failures else EXIT_OK)


class ProblemFormat(str, Enum):
    """Formats of `rubric validate` output."""

    text = "text"
    json = "json"


@rubric_app.command(
    "validate",
    cls=_Command,
    help=N_("Check a rubric: every problem as FILE:LINE:COL: error|warning: MESSAGE."),
)
def rubric_validate(
    path: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Argument(
            metavar="RUBRIC",
            help=N_("Rubric YAML (default: the bundled rubric)."),
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ProblemFormat,
        typer.Option(
            "--format",
            "-f",
            help=N_(
                "text: FILE:LINE:COL: error|warning: MESSAGE lines on stderr; json: one list "
                "of {path, line, column, severity, message} on stdout."
            ),
        ),
    ] = ProblemFormat.text,
) -> None:
    import json

    from retail_stage.loading import read_rubric
    from retail_stage.sources import SourceError
    from retail_stage.version import bundled_rubric_path

    shown = str(path if path is not None else bundled_rubric_path())
    try:
        rubric, problems = read_rubric(shown)
    except SourceError as exc:
        rubric, problems = None, list(exc.problems)
    if fmt is ProblemFormat.json:
        records = [p.to_dict() for p in problems]
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            _err(str(problem))
    if rubric is None:
        raise typer.Exit(EXIT_INVALID)
    if fmt is ProblemFormat.text:
        from retail_stage.messages import n_

        ok = _("{rubric} {version}, {stages}, {indicators}, {warnings}").format(
            rubric=rubric.id,
            version=rubric.version,
            stages=n_("{n} stage", "{n} stages", len(rubric.stages)).format(n=len(rubric.stages)),
            indicators=n_("{n} indicator", "{n} indicators", len(rubric.indicators)).format(
                n=len(rubric.indicators)
            ),
            warnings=n_("{n} warning", "{n} warnings", len(problems)).format(n=len(problems)),
        )
        typer.echo(f"{shown}: ok: {ok}")


class SchemaKind(str, Enum):
    """Which JSON Schema to print."""

    rubric = "rubric"
    profile = "profile"
    result = "result"


@rubric_app.command(
    "schema",
    cls=_Command,
    help=N_(
        "Print the JSON Schema of a rubric, a profile or a result record (for editors and CI)."
    ),
)
def rubric_schema(
    kind: Annotated[
        SchemaKind,
        typer.Argument(
            metavar="KIND",
            help=N_(
                "Which schema: rubric, profile, or result (a record of score's json or jsonl)."
            ),
        ),
    ] = SchemaKind.rubric,
) -> None:
    from retail_stage.schemas import schema_text

    sys.stdout.write(schema_text(kind.value))


# --- assess and template (questionnaire) ---------------------------------------------------


@app.command(
    cls=_Command,
    help=N_("Assess a company in the terminal: the rubric's questions, then its stage and label."),
)
def assess(
    save: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--save",
            metavar="FILE",
            show_default=False,
            help=N_(
                "Profile file the answers are saved to after every answer (default: a new file "
                "named after the company in this folder). Never overwrites an existing file."
            ),
        ),
    ] = None,
    resume: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--resume",
            metavar="FILE",
            show_default=False,
            help=N_("Continue the assessment saved in this file."),
        ),
    ] = None,
    report: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--report",
            metavar="FILE",
            show_default=False,
            help=N_(
                "At the end, also write the report to this file; its extension chooses the "
                "format: .html, .svg, .txt, .md or .json."
            ),
        ),
    ] = None,
    rubric: RubricOption = None,
    lang: LangOption = None,
) -> None:
    import io

    from rich.console import Console

    from retail_stage.questionnaire import ConsoleTerminal, Questionnaire, UsageError
    from retail_stage.sources import SourceError

    if save is not None and resume is not None:
        _err(
            _(
                "error: --save and --resume exclude each other: a resumed assessment stays in "
                "its file"
            )
        )
        raise typer.Exit(EXIT_USAGE)
    report_format = None
    if report is not None:
        report_format = ReportFormat.from_suffix(report)
        if report_format is None or report_format is ReportFormat.TERMINAL:
            _err(
                _(
                    "{path}: error: cannot tell the report format from the name; use .html, "
                    ".pdf, .svg, .txt, .md or .json"
                ).format(path=report)
            )
            raise typer.Exit(EXIT_USAGE)
        if report_format is ReportFormat.PDF:
            _require_pdf_engine()
    compiled = _compiled(rubric, lang)
    stdin = None
    if not sys.stdin.isatty():
        # Undecodable bytes become U+FFFD instead of an error that could repeat forever.
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    # Piped answers make a transcript (a log, a test): plain text even when shown in a terminal.
    console = Console(highlight=False, no_color=stdin is not None)
    flow = Questionnaire(
        ConsoleTerminal(console, stdin, max_width=100),
        compiled,
        save=save,
        resume=resume,
        rubric_arg=None if rubric is None else str(rubric),
    )
    try:
        outcome = flow.run()
    except SourceError as exc:
        _err(str(exc.first))
        raise typer.Exit(EXIT_INVALID) from None
    except UsageError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    if outcome.stopped_by == "the terminal closed":
        # Nobody reads stdout any more: flushing it at exit would only print a traceback.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if outcome.result is not None and report is not None and report_format is not None:
        from retail_stage.render.report import render_document

        try:
            _write_document(report, render_document(outcome.result, compiled.rubric, report_format))
        except OSError as exc:
            _err(
                _("{path}: error: cannot write the report: {reason}").format(
                    path=report, reason=exc.strerror or exc
                )
            )
            raise typer.Exit(EXIT_INVALID) from None
        console.print(_("Report written to {path}").format(path=report), markup=False)
    raise typer.Exit(outcome.exit_code)


class TemplateFormat(str, Enum):
    """What `template` writes."""

    yaml = "yaml"
    csv = "csv"
    xlsx = "xlsx"

    @classmethod
    def from_suffix(cls, path: Path) -> TemplateFormat | None:
        """The format a file name asks for (.yaml, .yml, .csv, .xlsx), or None."""
        suffix = path.suffix.lower().lstrip(".")
        return (
            cls("yaml" if suffix == "yml" else suffix)
            if suffix in ("yaml", "yml", "csv", "xlsx")
            else None
        )


@app.command(
    cls=_Command,
    help=N_(
        "Write a blank profile (every question as a comment, every answer unknown), or a "
        "survey sheet to send out (CSV or XLSX, one column a question, drop-downs in XLSX)."
    ),
)
def template(
    fmt: Annotated[
        Optional[TemplateFormat],  # noqa: UP045
        typer.Option(
            "--format",
            "-f",
            help=N_(
                "yaml: a profile to fill in an editor; csv or xlsx: a sheet with a column per "
                "question to send out (default: from the -o file's extension, else yaml)."
            ),
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help=N_("Write to this file instead of stdout."),
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", metavar="", help=N_("Overwrite the --output file if it exists.")),
    ] = False,
    with_schema: Annotated[
        bool,
        typer.Option(
            "--with-schema",
            metavar="",
            help=N_(
                "Also write the profile schema (profile.schema.json) beside the --output file, "
                "so that editors complete and check the answers on any machine."
            ),
        ),
    ] = False,
    rubric: RubricOption = None,
    lang: LangOption = None,
) -> None:
    from retail_stage.output import write_atomic
    from retail_stage.questionnaire import SCHEMA_NAME, profile_schema_text, schema_reference
    from retail_stage.template import template_text

    loaded = _rubric_in(rubric, lang)
    fmt = _file_format(fmt, output, TemplateFormat, "yaml, csv or xlsx", TemplateFormat.yaml)
    if fmt is not TemplateFormat.yaml:
        _survey_template(loaded, fmt, output, force)
        return
    if with_schema and output is None:
        _err(_("error: --with-schema writes the schema beside the --output file; name one"))
        raise typer.Exit(EXIT_USAGE)
    folder = Path.cwd() if output is None else output.parent
    if output is not None and output.exists() and not force:
        _err(
            _("{path}: error: file exists; choose another name or pass --force").format(path=output)
        )
        raise typer.Exit(EXIT_USAGE)
    if with_schema:
        write_atomic(folder / SCHEMA_NAME, profile_schema_text())
    text = template_text(loaded, schema_reference(folder))
    if output is None:
        sys.stdout.write(text)
        return
    write_atomic(output, text)


def _survey_template(loaded, fmt: TemplateFormat, output: Path | None, force: bool) -> None:  # type: ignore[no-untyped-def]
    from retail_stage.output import write_atomic, write_atomic_bytes
    from retail_stage.survey_template import csv_template, xlsx_template

    if output is not None and output.exists() and not force:
        _err(
            _("{path}: error: file exists; choose another name or pass --force").format(path=output)
        )
        raise typer.Exit(EXIT_USAGE)
    if fmt is TemplateFormat.csv:
        if output is None:
            sys.stdout.write(csv_template(loaded))
        else:
            write_atomic(output, csv_template(loaded))
        return
    if output is None:
        _err(_("error: an XLSX template is a file; name it with -o, e.g. -o questions.xlsx"))
        raise typer.Exit(EXIT_USAGE)
    write_atomic_bytes(output, xlsx_template(loaded))


# --- report and compare ---------------------------------------------------------------------


class _SurveyReading(NamedTuple):
    """How `report` and `compare` read a survey export: `--merge` and `--map`."""

    merge: str = "median"
    mapping: Path | None = None


def _one_result(
    spec: str,
    compiled: CompiledRubric,
    rubric_path: Path | None = None,
    reading: _SurveyReading | None = None,
) -> Result:
    """The result of one profile named `PATH` (its first document) or `PATH#N` (of a survey
    export: its Nth company); exits on error."""
    from retail_stage.batch import KIND_BY_SUFFIX, STDIN, SURVEY_KINDS, Input, read_input
    from retail_stage.loading import Failure, documents_from_text, score_document
    from retail_stage.sources import SourceError

    path, wanted = spec, None
    head, sep, tail = spec.rpartition("#")
    if sep and tail.isdigit() and not Path(spec).exists():
        path, wanted = head, int(tail)
    survey_kind = SURVEY_KINDS.get(Path(path).suffix.lower())
    if survey_kind is not None:
        reading = reading or _SurveyReading()
        return _survey_result(path, survey_kind, wanted, compiled, rubric_path, reading)
    kind = None if path == STDIN else KIND_BY_SUFFIX.get(Path(path).suffix.lower())
    try:
        text, kind = read_input(Input(path, kind))
        documents = list(documents_from_text(text, "<stdin>" if path == STDIN else path, kind))
        if wanted is not None and not 1 <= wanted <= len(documents):
            _err(
                _("{path}: error: no profile #{n}: the file holds {count}").format(
                    path=path, n=wanted, count=len(documents)
                )
            )
            raise typer.Exit(EXIT_USAGE)
        chosen = documents[(wanted or 1) - 1]
        if isinstance(chosen, Failure):
            raise SourceError(chosen.problems)
        if wanted is None and len(documents) > 1:
            _err(
                _(
                    "{path}: note: the file holds {count} profiles; this is #1 "
                    "(name another as {path}#N)"
                ).format(path=path, count=len(documents))
            )
        return score_document(compiled, chosen)
    except SourceError as exc:
        for problem in exc.problems:
            _err(str(problem))
        raise typer.Exit(EXIT_INVALID) from None


def _survey_result(
    path: str,
    kind: str,
    wanted: int | None,
    compiled: CompiledRubric,
    rubric_path: Path | None,
    reading: _SurveyReading,
) -> Result:
    """The Nth company of a survey export; its bad rows are reported, the others still count."""
    from retail_stage.batch import Input, _survey_records
    from retail_stage.loading import Failure
    from retail_stage.sources import DEFAULT_MAX_BYTES

    found = []
    for record in _survey_records(
        compiled,
        Input(path, kind),
        str(rubric_path) if rubric_path else None,
        reading.merge,
        str(reading.mapping) if reading.mapping else None,
        DEFAULT_MAX_BYTES,
    ):
        if isinstance(record, Failure):
            for line in record.lines():
                _err(line)
        else:
            found.append(record)
    if not found:
        _err(_("{path}: error: no company could be scored").format(path=path))
        raise typer.Exit(EXIT_INVALID)
    if wanted is not None and not 1 <= wanted <= len(found):
        _err(
            _("{path}: error: no company #{n}: the file holds {count}").format(
                path=path, n=wanted, count=len(found)
            )
        )
        raise typer.Exit(EXIT_USAGE)
    if wanted is None and len(found) > 1:
        names = ", ".join(f"#{n} {r.company.get('name')}" for n, r in enumerate(found, 1))
        _err(
            _("{path}: note: the file holds {count} companies ({names}); this is #1").format(
                path=path, count=len(found), names=names
            )
        )
    return found[(wanted or 1) - 1]


def _require_pdf_engine() -> None:
    """One line and exit 2 where no PDF can be written (before any work)."""
    from retail_stage.render.report_pdf import PdfUnavailable, check_engine

    try:
        check_engine()
    except PdfUnavailable as missing:
        _err(_("error: {reason}").format(reason=missing))
        raise typer.Exit(EXIT_USAGE) from None


def _write_document(path: Path, document: str | bytes) -> None:
    """A report written atomically, text or bytes (a PDF)."""
    from retail_stage.output import write_atomic, write_atomic_bytes

    if isinstance(document, bytes):
        write_atomic_bytes(path, document)
    else:
        write_atomic(path, document)


def _write_text(output: Path | None, text: str) -> None:
    from retail_stage.output import write_atomic

    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomic(output, text)
    except OSError as exc:
        _err(
            _("{path}: error: cannot write: {reason}").format(
                path=output, reason=exc.strerror or exc
            )
        )
        raise typer.Exit(EXIT_USAGE) from None


def _file_format(fmt, output, kind, choices: str, default, drawn=None, drawn_to_file=False):  # type: ignore[no-untyped-def]
    """`chosen_format` for a command: exits with one line when the name and the format
    disagree or the format cannot be told."""
    from retail_stage.output import FormatRefused, chosen_format

    named = kind.from_suffix(output) if output is not None else None
    try:
        return chosen_format(fmt, output, named, choices, default, drawn, drawn_to_file)
    except FormatRefused as refused:
        _err(str(refused))
        raise typer.Exit(EXIT_USAGE) from None


OutputOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help=N_("Write to this file (atomically); its extension chooses the format."),
        show_default=False,
    ),
]


@app.command(
    cls=_Command,
    help=N_(
        "The full report of one profile: verdict, ladder, 1.0/2.0, dimensions, steps, evidence."
    ),
)
def report(
    profile: Annotated[
        str,
        typer.Argument(
            metavar="PROFILE",
            help=N_(
                "Profile file (YAML, JSON, JSONL) or survey export (CSV, TSV, XLSX; its "
                "respondents merged by median), - for stdin; PATH#N for the Nth."
            ),
        ),
    ],
    output: OutputOption = None,
    fmt: Annotated[
        Optional[ReportFormat],  # noqa: UP045
        typer.Option(
            "--format",
            "-f",
            help=N_("Output format (default: from -o, else terminal)."),
            show_default=False,
        ),
    ] = None,
    rubric: RubricOption = None,
    lang: LangOption = None,
    merge: MergeOption = None,
    mapping: MapOption = None,
    show_ids: ShowIdsOption = False,
    peers: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--peers",
            metavar="PATH",
            help=N_(
                "Show where the company stands among these peers: profiles, folders, survey "
                "exports or a summary made by score --summary --format json (repeatable)."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    from retail_stage.render.report import print_report, render_document
    from retail_stage.render.report_data import build_report

    chosen = _file_format(
        fmt,
        output,
        ReportFormat,
        "html|pdf|svg|txt|md|json",
        ReportFormat.TERMINAL,
        ReportFormat.TERMINAL,
    )
    if chosen is ReportFormat.PDF:
        if output is None:
            _err(_("error: a PDF is written to a file: add -o report.pdf"))
            raise typer.Exit(EXIT_USAGE)
        _require_pdf_engine()
    compiled = _compiled(rubric, lang)
    survey = _SurveyReading(merge.value if merge else "median", mapping)
    result = _one_result(profile, compiled, rubric, survey)
    for warning in result.warnings:
        _err(warning)
    peer_set, peers_failed = _peer_set(peers, compiled, result) if peers else (None, False)
    if chosen is ReportFormat.TERMINAL:
        print_report(build_report(result, compiled.rubric, show_ids, peer_set))
        if peers_failed:
            raise typer.Exit(EXIT_INVALID)
        return
    document = render_document(result, compiled.rubric, chosen, show_ids, peer_set)
    _write_report(output, document)
    if peers_failed:
        raise typer.Exit(EXIT_INVALID)


def _peer_set(paths: list[str], compiled: CompiledRubric, result: Result):  # type: ignore[no-untyped-def]
    """The peers of `report --peers` (the company's own profile left out) and whether some
    peer profile failed (each failure said on stderr); exits on a bad summary or no peers."""
    from retail_stage.peer_paths import gather
    from retail_stage.sources import SourceError

    try:
        peer_set, failures = gather(paths, compiled, result.source)
    except SourceError as exc:
        _err(str(exc.first))
        raise typer.Exit(EXIT_INVALID) from None
    for failure in failures:
        for line in failure.lines():
            _err(line)
    if not peer_set.count:
        _err(_("error: no peers to compare with in {paths}").format(paths=", ".join(paths)))
        raise typer.Exit(EXIT_INVALID)
    return peer_set, bool(failures)


def _write_report(output: Path | None, document: str | bytes) -> None:
    """`report`'s document written to `output` (stdout when None; a PDF always has a file)."""
    if isinstance(document, bytes):
        assert output is not None  # a PDF was refused without -o
        try:
            _write_document(output, document)
        except OSError as exc:
            _err(
                _("{path}: error: cannot write: {reason}").format(
                    path=output, reason=exc.strerror or exc
                )
            )
            raise typer.Exit(EXIT_USAGE) from None
        return
    _write_text(output, document)


@app.command(
    cls=_Command,
    help=N_(
        "Progress over two or more assessments of one company, in date order: stage, label, "
        "index and dimensions over time, what improved or regressed, next steps."
    ),
)
def compare(
    profiles: Annotated[
        list[str],
        typer.Argument(
            metavar="A B [C ...]",
            help=N_(
                "Assessments of one company (PATH or PATH#N), put in order of assessed_on "
                "(equal dates, or any undated, in the order given)."
            ),
            show_default=False,
        ),
    ],
    output: OutputOption = None,
    fmt: Annotated[
        Optional[CompareFormat],  # noqa: UP045
        typer.Option(
            "--format",
            "-f",
            help=N_("Output format (default: from -o, else terminal)."),
            show_default=False,
        ),
    ] = None,
    allow_different: Annotated[
        bool,
        typer.Option(
            "--allow-different",
            help=N_("Compare profiles of different companies (by id, else name) anyway."),
        ),
    ] = False,
    rubric: RubricOption = None,
    lang: LangOption = None,
    merge: MergeOption = None,
    mapping: MapOption = None,
) -> None:
    from retail_stage.compare import history, other_company

    chosen = _file_format(
        fmt,
        output,
        CompareFormat,
        "html|pdf|svg|json|md",
        CompareFormat.TERMINAL,
        CompareFormat.TERMINAL,
    )
    if len(profiles) < 2:
        _err(_("error: compare needs two assessments or more (A B [C ...])"))
        raise typer.Exit(EXIT_USAGE)
    if chosen is CompareFormat.PDF:
        if output is None:
            _err(_("error: a PDF is written to a file: add -o history.pdf"))
            raise typer.Exit(EXIT_USAGE)
        _require_pdf_engine()
    compiled = _compiled(rubric, lang)
    survey = _SurveyReading(merge.value if merge else "median", mapping)
    results = [_one_result(spec, compiled, rubric, survey) for spec in profiles]
    other = other_company(results)
    if other is not None and not allow_different:
        first, theirs = results[0].company, results[other].company
        key = "id" if first.get("id") and theirs.get("id") else "name"
        _err(
            _(
                "{path}: error: another company ({other}, not {company} of {first}); "
                "--allow-different compares them anyway"
            ).format(
                path=profiles[other],
                other=repr(theirs.get(key)),
                company=repr(first.get(key)),
                first=profiles[0],
            )
        )
        raise typer.Exit(EXIT_USAGE)
    told = history(results, compiled.rubric)
    if told.given != tuple(range(len(results))):
        _err(
            _("note: in the order of assessed_on: {profiles}").format(
                profiles=", ".join(profiles[n] for n in told.given)
            )
        )
    for warning in told.warnings:
        _err(_("warning: {warning}").format(warning=warning))
    _write_comparison(told, compiled.rubric, chosen, output)


def _write_comparison(told: Any, rubric: Any, chosen: CompareFormat, output: Path | None) -> None:
    """`compare`'s output: two assessments as a comparison, more as a history; the charts of
    HTML, SVG and PDF for any number."""
    from retail_stage.render import report_compare as view

    pair = told.steps[0] if len(told.steps) == 1 else None
    if chosen is CompareFormat.TERMINAL:
        if pair is not None:
            view.print_comparison(pair, rubric)
        else:
            view.print_history(told, rubric)
        return
    if chosen is CompareFormat.JSON:
        text = view.comparison_json(pair, rubric) if pair else view.history_json(told, rubric)
        _write_text(output, text)
        return
    if chosen is CompareFormat.MD:
        md = view.comparison_markdown(pair, rubric) if pair else view.history_markdown(told, rubric)
        _write_text(output, md)
        return
    from retail_stage.render.history_html import history_document

    document = history_document(told, rubric, chosen)
    if isinstance(document, str):
        _write_text(output, document)
        return
    assert output is not None  # a PDF was refused without -o
    try:
        _write_document(output, document)
    except OSError as exc:
        _err(
            _("{path}: error: cannot write: {reason}").format(
                path=output, reason=exc.strerror or exc
            )
        )
        raise typer.Exit(EXIT_USAGE) from None


# --- rubric show and diff -------------------------------------------------------------------


class ShowFormat(str, Enum):
    """Formats of `rubric show` output."""

    table = "table"
    yaml = "yaml"
    json = "json"
    markdown = "markdown"


@rubric_app.command(
    "show",
    cls=_Command,
    help=N_("Show a rubric: stages, dimensions, the label rule and every indicator."),
)
def rubric_show(
    path: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Argument(
            metavar="RUBRIC",
            help=N_("Rubric YAML (default: the bundled rubric)."),
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ShowFormat,
        typer.Option(
            "--format",
            "-f",
            help=N_("table for the terminal, markdown for a handbook, yaml or json."),
        ),
    ] = ShowFormat.table,
    lang: LangOption = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help=N_("Write to this file (atomically)."),
            show_default=False,
        ),
    ] = None,
) -> None:
    from retail_stage.output import open_output

    rubric = _rubric_in(path, lang)
    with open_output(output) as stream:
        if fmt is ShowFormat.table:
            from rich.console import Console

            from retail_stage.render.rubric_view import rubric_tables

            Console(file=stream, highlight=False).print(rubric_tables(rubric))
        elif fmt is ShowFormat.markdown:
            from retail_stage.render.rubric_view import rubric_markdown

            stream.write(rubric_markdown(rubric))
        else:
            from retail_stage.render.rubric_view import rubric_data

            data = rubric_data(rubric)
            if fmt is ShowFormat.json:
                import json

                stream.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            else:
                import yaml

                stream.write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))


@rubric_app.command(
    "diff",
    cls=_Command,
    help=N_("What changed between two rubrics, and which profiles would change stage or label."),
)
def rubric_diff(
    old: Annotated[Path, typer.Argument(metavar="OLD", help=N_("The rubric before."))],
    new: Annotated[Path, typer.Argument(metavar="NEW", help=N_("The rubric after."))],
    profiles: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Argument(
            metavar="PROFILES...",
            help=N_("Profiles to score under both rubrics (files, folders, globs, -)."),
        ),
    ] = None,
    fmt: Annotated[
        ProblemFormat, typer.Option("--format", "-f", help=N_("text or json."))
    ] = ProblemFormat.text,
) -> None:
    import json

    from retail_stage.batch import find_inputs, read_input
    from retail_stage.engine import compile_rubric
    from retail_stage.loading import Failure, documents_from_text
    from retail_stage.rubric_diff import Impact, diff_rubrics, impact
    from retail_stage.sources import SourceError

    before, after = _rubric_in(old, None), _rubric_in(new, None)
    changes = diff_rubrics(before, after)
    impacts: list[Impact] = []
    failures = 0
    if profiles:
        compiled_old, compiled_new = compile_rubric(before), compile_rubric(after)
        for item in find_inputs(profiles):
            try:
                if isinstance(item, Failure):
                    raise SourceError(item.problems)
                text, kind = read_input(item)
                for document in documents_from_text(text, item.path, kind):
                    if isinstance(document, Failure):
                        failures += 1
                        _err(document.message)
                        continue
                    impacts.append(impact(compiled_old, compiled_new, document))
            except SourceError as exc:
                failures += 1
                _err(str(exc.first))
    if fmt is ProblemFormat.json:
        record = {
            "old": {"id": before.id, "version": before.version, "path": str(old)},
            "new": {"id": after.id, "version": after.version, "path": str(new)},
            "changes": [c.to_dict() for c in changes],
            "profiles": [i.to_dict() for i in impacts],
        }
        typer.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        typer.echo(f"{before.id} {before.version} -> {after.id} {after.version}")
        for change in changes:
            typer.echo(f"  {change.message}")
        count = len(changes)
        typer.echo(f"{count} change{'s' * (count != 1)}")
        if profiles:
            moved = [i for i in impacts if i.changed]
            typer.echo(f"profiles: {len(moved)} of {len(impacts)} change stage or label")
            for item_impact in moved:
                typer.echo(f"  {item_impact.headline}")
                for line in (*item_impact.reasons, *item_impact.errors):
                    typer.echo(f"    {line}")
                if item_impact.dropped:
                    typer.echo(f"    answers left out: {', '.join(item_impact.dropped)}")
    raise typer.Exit(EXIT_INVALID if failures else EXIT_OK)


# --- end of commands ------------------------------------------------------------------------


def main() -> None:
    """Entry point of the `retail-stage` command."""
    if sys.argv[1:] == ["--version"]:
        # Answered before typer builds every command's parser: start-up time is a feature.
        sys.stdout.write(version_line() + "\n")
        return
    pipe = _stdout_pipe()
    try:
        app()
    except _ReaderGone:
        _end_quietly()
    except SystemExit:
        if pipe is not None and _stdout_pipe() != pipe:
            # rich met the closed pipe first: it put /dev/null in its place and exits 1.
            _end_quietly()
        # What is still buffered goes out now, while a closed pipe can still end quietly.
        try:
            sys.stdout.flush()
        except OSError:
            _end_quietly()
        raise


def _stdout_pipe() -> tuple[int, int] | None:
    """Which pipe stdout is (device and inode), None when it is none."""
    import stat

    try:
        found = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return (found.st_dev, found.st_ino) if stat.S_ISFIFO(found.st_mode) else None


def _end_quietly() -> None:
    """End as `git log | head` does when the reader of stdout went away: killed by SIGPIPE
    (the shell says 141), nothing on stderr; exit 1 where there is no SIGPIPE (Windows)."""
    import signal

    with contextlib.suppress(OSError, ValueError):
        # Nobody reads stdout any more: what Python would flush at exit goes nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if "multiprocessing" in sys.modules:
        import multiprocessing

        for child in multiprocessing.active_children():
            child.terminate()
    pipe = getattr(signal, "SIGPIPE", None)
    if pipe is not None:
        with contextlib.suppress(OSError):
            sys.stderr.flush()
        signal.signal(pipe, signal.SIG_DFL)
        os.kill(os.getpid(), pipe)
    sys.exit(EXIT_INVALID)
