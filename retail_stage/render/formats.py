"""The batch output formats: an exhaustive choice, each mapped to its module's Formatter.

The interface itself is `render/formatter.py`; each format's module implements it.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, NoReturn, TextIO

if TYPE_CHECKING:
    from pathlib import PurePath

    from retail_stage.render.formatter import Formatter
    from retail_stage.rubric import Rubric


def assert_never(value: NoReturn) -> NoReturn:
    """Mypy proves a call unreachable (typing.assert_never is 3.11+, typing_extensions slow)."""
    raise AssertionError(f"unhandled value {value!r}")


class OutputFormat(str, enum.Enum):
    """Formats of `score` output."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    YAML = "yaml"
    MARKDOWN = "markdown"
    XLSX = "xlsx"

    @classmethod
    def from_suffix(cls, path: PurePath) -> OutputFormat | None:
        """The format a file name asks for (`results.jsonl`: jsonl); None when it asks none."""
        return _BY_SUFFIX.get(path.suffix.lower())

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
            case OutputFormat.XLSX:
                from retail_stage.render.xlsx import XlsxFormatter

                return XlsxFormatter
            case _:
                assert_never(self)


_BY_SUFFIX = {
    ".txt": OutputFormat.TABLE,
    ".json": OutputFormat.JSON,
    ".jsonl": OutputFormat.JSONL,
    ".ndjson": OutputFormat.JSONL,
    ".csv": OutputFormat.CSV,
    ".yaml": OutputFormat.YAML,
    ".yml": OutputFormat.YAML,
    ".md": OutputFormat.MARKDOWN,
    ".xlsx": OutputFormat.XLSX,
}
