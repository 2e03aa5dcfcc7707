"""The command line: parse, call the services, map errors to exit codes. No scoring logic here."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from retail_stage import __version__
from retail_stage.render.formats import OutputFormat

app = typer.Typer(
    name="retail-stage",
    help="Where a retailer stands in the digitalization of retail: multi-channel, omni-channel "
    "or smart retail, and 1.0 (traffic) or 2.0 (supply and production).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
rubric_app = typer.Typer(
    help="Check, show and describe rubrics.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(rubric_app, name="rubric")

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


RubricOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs the Optional spelling on Python 3.10
    typer.Option(
        "--rubric",
        help="Rubric YAML (default: the bundled retail-stages rubric).",
        show_default=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"retail-stage {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Where a retailer stands in the digitalization of retail."""


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")


def _compiled(rubric: Path | None):  # type: ignore[no-untyped-def]
    from retail_stage.engine import compile_rubric
    from retail_stage.loading import load_rubric
    from retail_stage.sources import SourceError

    try:
        return compile_rubric(load_rubric(rubric))
    except SourceError as exc:
        for problem in exc.problems:
            _err(str(problem))
        raise typer.Exit(EXIT_USAGE) from None


@app.command()
def score(
    paths: Annotated[
        list[str],
        typer.Argument(help="Profile files (YAML, JSON, JSONL), folders, globs, or - for stdin."),
    ],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.TABLE,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (atomically) instead of stdout.",
            show_default=False,
        ),
    ] = None,
    rubric: RubricOption = None,
) -> None:
    """Score profiles: one result per profile; invalid ones are reported on stderr and skipped."""
    from retail_stage.batch import score_paths
    from retail_stage.loading import Failure
    from retail_stage.output import open_output

    compiled = _compiled(rubric)
    failures = scored = 0
    with open_output(output) as stream:
        formatter = fmt.formatter(stream, compiled.rubric)
        for record in score_paths(compiled, paths):
            if isinstance(record, Failure):
                failures += 1
                _err(record.message)
            else:
                scored += 1
                for warning in record.warnings:
                    _err(warning)
            formatter.write(record)
        formatter.close()
    if sys.stderr.isatty() or failures:
        _err(f"{scored} profile{'s' * (scored != 1)} scored, {failures} invalid")
    raise typer.Exit(EXIT_INVALID if failures else EXIT_OK)


@rubric_app.command("validate")
def rubric_validate(
    path: Annotated[
        Path | None,
        typer.Argument(help="Rubric YAML (default: the bundled rubric).", show_default=False),
    ] = None,
) -> None:
    """Check a rubric: every problem as FILE:LINE:COL: error|warning: MESSAGE."""
    from retail_stage.loading import bundled_rubric_path, read_rubric
    from retail_stage.sources import SourceError

    shown = str(path if path is not None else bundled_rubric_path())
    try:
        rubric, problems = read_rubric(shown)
    except SourceError as exc:
        rubric, problems = None, list(exc.problems)
    for problem in problems:
        _err(str(problem))
    if rubric is None:
        raise typer.Exit(EXIT_INVALID)
    warnings = len(problems)
    typer.echo(
        f"{shown}: ok: {rubric.id} {rubric.version}, {len(rubric.stages)} stages, "
        f"{len(rubric.indicators)} indicators, {warnings} warning{'s' * (warnings != 1)}"
    )


class SchemaKind(str, Enum):
    """Which JSON Schema to print."""

    rubric = "rubric"
    profile = "profile"


@rubric_app.command("schema")
def rubric_schema(
    kind: Annotated[SchemaKind, typer.Argument(help="Which schema.")] = SchemaKind.rubric,
) -> None:
    """Print the JSON Schema of a rubric or a profile (for editors and CI)."""
    from retail_stage.schemas import schema_text

    sys.stdout.write(schema_text(kind.value))


# --- assess and template (questionnaire) ---------------------------------------------------


@app.command()
def assess(
    save: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--save",
            show_default=False,
            help="Profile file the answers are saved to after every answer (default: a new file "
            "named after the company in this folder). Never overwrites an existing file.",
        ),
    ] = None,
    resume: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--resume", show_default=False, help="Continue the assessment saved in this file."
        ),
    ] = None,
    report: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--report",
            show_default=False,
            help="At the end, also write the result to this file (JSON).",
        ),
    ] = None,
    rubric: RubricOption = None,
) -> None:
    """Assess a company in the terminal: the rubric's questions, then its stage and label."""
    import contextlib
    import io
    import os

    from rich.console import Console

    from retail_stage.questionnaire import ConsoleTerminal, Questionnaire, UsageError
    from retail_stage.sources import SourceError

    if save is not None and resume is not None:
        _err(
            "error: --save and --resume exclude each other: a resumed assessment stays in its file"
        )
        raise typer.Exit(EXIT_USAGE)
    compiled = _compiled(rubric)
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
    if outcome.result is not None and report is not None:
        from retail_stage.output import write_atomic
        from retail_stage.render.json import dumps

        try:
            write_atomic(report, dumps(outcome.result) + "\n")
        except OSError as exc:
            _err(f"{report}: error: cannot write the report: {exc.strerror or exc}")
            raise typer.Exit(EXIT_INVALID) from None
        console.print(f"Report written to {report}", markup=False)
    raise typer.Exit(outcome.exit_code)


@app.command()
def template(
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output", "-o", help="Write to this file instead of stdout.", show_default=False
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the --output file if it exists.")
    ] = False,
    rubric: RubricOption = None,
) -> None:
    """Write a blank profile: every question as a comment, every answer unknown."""
    from retail_stage.loading import load_rubric
    from retail_stage.output import write_atomic
    from retail_stage.questionnaire import schema_reference
    from retail_stage.sources import SourceError
    from retail_stage.template import template_text

    try:
        loaded = load_rubric(rubric)
    except SourceError as exc:
        for problem in exc.problems:
            _err(str(problem))
        raise typer.Exit(EXIT_USAGE) from None
    folder = Path.cwd() if output is None else output.parent
    text = template_text(loaded, schema_reference(folder))
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists() and not force:
        _err(f"{output}: error: file exists; choose another name or pass --force")
        raise typer.Exit(EXIT_USAGE)
    write_atomic(output, text)


# --- report and compare ---------------------------------------------------------------------


# --- rubric show and diff -------------------------------------------------------------------


# --- end of commands ------------------------------------------------------------------------


def main() -> None:
    """Entry point of the `retail-stage` command."""
    app()
