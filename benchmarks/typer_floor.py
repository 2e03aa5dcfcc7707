"""The start-up floor of `retail-stage score` (DESIGN §5): a typer app that does nothing.

    python benchmarks/typer_floor.py score FILE --format json

The same shape as the real command line (a callback with an eager --version, a `score`
command with the same arguments, options, types and defaults), so timing it times what typer
itself costs to build the app and parse a command; it imports nothing of retail_stage and
returns once the parameters are parsed. bench_startup.py compares `score one.yaml` with it.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    name="retail-stage",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, enum.Enum):
    """As `retail_stage.render.formats.OutputFormat`."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    YAML = "yaml"
    MARKDOWN = "markdown"


class ReportFormat(str, enum.Enum):
    """As `retail_stage.render.report_formats.ReportFormat`."""

    TERMINAL = "terminal"
    HTML = "html"
    SVG = "svg"
    TXT = "txt"
    MD = "md"
    JSON = "json"


class InputFormat(str, enum.Enum):
    """As `retail_stage.cli.InputFormat`."""

    yaml = "yaml"
    json = "json"
    jsonl = "jsonl"


def _version(value: bool) -> None:
    if value:
        typer.echo("retail-stage floor")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """The floor app."""


@app.command()
def score(
    paths: Annotated[list[str], typer.Argument(help="Profile files.")],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.TABLE,
    output: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs the Optional spelling on Python 3.10
        typer.Option("--output", "-o", help="Output file.", show_default=False),
    ] = None,
    rubric: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--rubric", help="Rubric YAML.", show_default=False),
    ] = None,
    summary: Annotated[bool, typer.Option("--summary", help="Portfolio view.")] = False,
    fail_fast: Annotated[bool, typer.Option("--fail-fast", help="Stop at the first.")] = False,
    workers: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--workers", "-w", min=1, help="Processes.", show_default=False),
    ] = None,
    input_format: Annotated[
        Optional[InputFormat],  # noqa: UP045
        typer.Option("--input-format", help="Format of stdin.", show_default=False),
    ] = None,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", min=1, help="Largest file accepted (bytes).")
    ] = 5 * 1024 * 1024,
    report_dir: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--report-dir", help="Report folder.", show_default=False),
    ] = None,
    report_format: Annotated[
        ReportFormat, typer.Option("--report-format", help="Report format.")
    ] = ReportFormat.HTML,
    lang: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--lang", help="Language.", show_default=False),
    ] = None,
) -> None:
    """Parse the parameters of `score`, and return."""


@app.command()
def other() -> None:
    """A second command, so that typer keeps `score` a subcommand as the real app does."""


if __name__ == "__main__":
    app()
