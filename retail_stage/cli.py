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


class InputFormat(str, Enum):
    """How to read stdin when its content cannot tell."""

    yaml = "yaml"
    json = "json"
    jsonl = "jsonl"


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
    summary: Annotated[
        bool,
        typer.Option(
            "--summary",
            help="The portfolio view (stages × labels, index spread, dimensions) instead of one "
            "row per profile.",
        ),
    ] = False,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", help="Stop at the first invalid profile.")
    ] = False,
    workers: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--workers",
            "-w",
            min=1,
            help="Processes scoring in parallel (default: 1 for a small batch, every core for "
            "a large one). The output is the same whatever the number.",
            show_default=False,
        ),
    ] = None,
    input_format: Annotated[
        Optional[InputFormat],  # noqa: UP045
        typer.Option(
            "--input-format",
            help="Format of stdin when its content cannot tell.",
            show_default=False,
        ),
    ] = None,
    max_bytes: Annotated[
        int,
        typer.Option("--max-bytes", min=1, help="Largest file, or JSONL line, accepted (bytes)."),
    ] = 5 * 1024 * 1024,
) -> None:
    """Score profiles: one result per profile; invalid ones are reported on stderr."""
    from retail_stage.batch import Counts, Job, input_bytes, progress_bar, run_batch
    from retail_stage.output import open_output
    from retail_stage.render.summary import Portfolio

    compiled = _compiled(rubric)
    if output is not None and not output.resolve().parent.is_dir():
        _err(f"{output}: error: cannot write: folder {output.parent} does not exist")
        raise typer.Exit(EXIT_USAGE)
    job = Job(str(rubric) if rubric is not None else None, fmt, not summary, max_bytes)
    counts = Counts()
    portfolio = Portfolio(compiled.rubric)
    advance, stop = progress_bar(input_bytes(paths)) if sys.stderr.isatty() else (None, None)
    try:
        with open_output(output) as stream:
            formatter = fmt.formatter(stream, compiled.rubric)
            for outcome in run_batch(
                job,
                paths,
                workers=workers,
                input_format=input_format.value if input_format else None,
            ):
                counts.add(outcome)
                if outcome.failure is not None:
                    _err(outcome.failure)
                for warning in outcome.warnings:
                    _err(warning)
                if summary:
                    portfolio.add(outcome.tally)
                else:
                    formatter.write_rendered(outcome.text)
                if advance is not None:
                    advance(outcome)
                if fail_fast and outcome.failure is not None:
                    break
            if stop is not None:
                stop()
            if summary:
                formatter.write_summary(portfolio)
            else:
                formatter.close()
    except KeyboardInterrupt:
        if stop is not None:
            stop()
        _err("interrupted: nothing was written" if output else "interrupted")
        raise typer.Exit(130) from None
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining
        # about the unflushed rest at exit.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_INVALID) from None
    except OSError as exc:
        _err(f"{output or '<stdout>'}: error: cannot write: {exc.strerror or exc}")
        raise typer.Exit(EXIT_USAGE) from None
    _err(counts.line([compiled.rubric.baseline.id] + [s.id for s in compiled.rubric.stages]))
    raise typer.Exit(EXIT_INVALID if counts.failures else EXIT_OK)


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


# --- report and compare ---------------------------------------------------------------------


# --- rubric show and diff -------------------------------------------------------------------


# --- end of commands ------------------------------------------------------------------------


def main() -> None:
    """Entry point of the `retail-stage` command."""
    app()
