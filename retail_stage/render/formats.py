"""The batch output formats: one small interface, one module per format, an exhaustive choice."""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, NoReturn, TextIO

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.loading import Failure
    from retail_stage.render.summary import Portfolio
    from retail_stage.rubric import Rubric


def assert_never(value: NoReturn) -> NoReturn:
    """Mypy proves a call unreachable (typing.assert_never is 3.11+, typing_extensions slow)."""
    raise AssertionError(f"unhandled value {value!r}")


class Formatter(ABC):
    """Writes results to a stream as they come; `close` finishes the output.

    `render` turns one record into text and touches nothing else, so worker processes can
    render while the parent only writes: `write_rendered` adds what depends on the position
    in the output (a header, separators).
    """

    def __init__(self, stream: TextIO, rubric: Rubric) -> None:
        self.stream = stream
        self.rubric = rubric
        self.count = 0

    @abstractmethod
    def render(self, record: Result | Failure) -> str:
        """The text of one result, or of the record of a profile that failed."""

    def header(self) -> str:
        """Text written once before the first record, or alone when there is none."""
        return ""

    def write_rendered(self, text: str) -> None:
        """Write one rendered record in its place (after the header, for the first)."""
        if self.count == 0:
            self.stream.write(self.header())
        self.stream.write(text)
        self.count += 1

    def write_block(self, text: str, lengths: list[int]) -> None:
        """Write several rendered records, their texts joined (`lengths` says where each
        ends): at once, as nothing stands between records here. A format that writes
        something between records writes them one by one (`write_each`)."""
        if lengths:
            if self.count == 0:
                self.stream.write(self.header())
            self.stream.write(text)
            self.count += len(lengths)

    def write_each(self, text: str, lengths: list[int]) -> None:
        """`write_block` record by record, through `write_rendered`."""
        at = 0
        for length in lengths:
            self.write_rendered(text[at : at + length])
            at += length

    def write(self, record: Result | Failure) -> None:
        """Render and write one record."""
        self.write_rendered(self.render(record))

    def close(self) -> None:
        """Finish the output; with no record at all, the header alone (still a valid file)."""
        if self.count == 0:
            self.stream.write(self.header())

    @abstractmethod
    def write_summary(self, portfolio: Portfolio) -> None:
        """Write the portfolio view instead of one record per profile."""


class OutputFormat(str, enum.Enum):
    """Formats of `score` output."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    YAML = "yaml"
    MARKDOWN = "markdown"

    def formatter(self, stream: TextIO, rubric: Rubric) -> Formatter:
        """The formatter of this format, writing to `stream`."""
        return self.formatter_class()(stream, rubric)

    def formatter_class(self) -> type[Formatter]:
        """The Formatter subclass of this format (imported only when chosen)."""
        # Every member is handled: mypy proves it through assert_never.
        match self:
            case OutputFormat.TABLE:
                from retail_stage.render.table import TableFormatter

                return TableFormatter
            case OutputFormat.JSON:
                from retail_stage.render.json import JsonFormatter

                return JsonFormatter
            case OutputFormat.JSONL:
                from retail_stage.render.jsonl import JsonlFormatter

                return JsonlFormatter
            case OutputFormat.CSV:
                from retail_stage.render.csv import CsvFormatter

                return CsvFormatter
            case OutputFormat.YAML:
                from retail_stage.render.yaml import YamlFormatter

                return YamlFormatter
            case OutputFormat.MARKDOWN:
                from retail_stage.render.markdown import MarkdownFormatter

                return MarkdownFormatter
            case _:
                assert_never(self)
