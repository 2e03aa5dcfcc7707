"""`--format jsonl`: one result object a line, for pipelines."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from retail_stage.render.formatter import Formatter

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.loading import Failure
    from retail_stage.render.summary import Portfolio

_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
"""Characters JSON leaves as they are inside strings but that many line readers (Python's
str.splitlines, older JavaScript) take for line ends: written escaped, so a line stays a line."""


def _one_line(text: str) -> str:
    return text if text.isascii() else text.translate(_LINE_BREAKS)


class JsonlFormatter(Formatter):
    """Each result (or `{source, error}`) as one line of JSON."""

    def render(self, record: Result | Failure) -> str:
        """One line, non-ASCII kept."""
        return _one_line(json.dumps(record.to_dict(), ensure_ascii=False)) + "\n"

    def write_summary(self, portfolio: Portfolio) -> None:
        """The portfolio as one line."""
        self.stream.write(_one_line(json.dumps(portfolio.to_dict(), ensure_ascii=False)) + "\n")
