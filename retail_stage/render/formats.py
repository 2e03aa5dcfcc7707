"""The batch output formats: one small interface, one module per format, an exhaustive choice."""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.loading import Failure
    from retail_stage.rubric import Rubric


class Formatter(ABC):
    """Writes results to a stream as they come; `close` finishes the output."""

    def __init__(self, stream: TextIO, rubric: Rubric) -> None:
        self.stream = stream
        self.rubric = rubric

    @abstractmethod
    def write(self, record: Result | Failure) -> None:
        """Write one result, or the record of a profile that failed."""

    def close(self) -> None:  # noqa: B027 - most formats have nothing to finish
        """Finish the output (closing brackets, a table built from all rows)."""


class OutputFormat(str, enum.Enum):
    """Formats of `score` output."""

    TABLE = "table"
    JSON = "json"

    def formatter(self, stream: TextIO, rubric: Rubric) -> Formatter:
        """The formatter of this format, writing to `stream`."""
        if self is OutputFormat.TABLE:
            from retail_stage.render.table import TableFormatter

            return TableFormatter(stream, rubric)
        if self is OutputFormat.JSON:
            from retail_stage.render.json import JsonFormatter

            return JsonFormatter(stream, rubric)
        raise AssertionError(f"unhandled format {self}")  # pragma: no cover
