"""`--format jsonl`: one result object a line, for pipelines."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import orjson

from retail_stage.render.formatter import Formatter

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.loading import Failure
    from retail_stage.render.summary import Portfolio

_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
"""Characters JSON leaves as they are inside strings but that many line readers (Python's
str.splitlines, older JavaScript) take for line ends: written escaped, so a line stays a line."""


def line(data: Any) -> str:
    """`data` as one line of compact JSON, non-ASCII kept, ending in a line break.

    orjson writes a result in about 2 us where the json module takes about 20, which is a
    quarter of a JSONL line's time end to end (benchmarks/bench_score.py measures both).
    What orjson refuses (an integer beyond 64 bits, a key that is not text, half a surrogate
    pair) the json module writes, every character beyond ASCII escaped, so any stream takes it.
    """
    try:
        text = orjson.dumps(data).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        text = json.dumps(data, separators=(",", ":"))
    return (text if text.isascii() else text.translate(_LINE_BREAKS)) + "\n"


class JsonlFormatter(Formatter):
    """Each result (or `{source, error}`) as one line of JSON."""

    def render(self, record: Result | Failure) -> str:
        """One line, non-ASCII kept."""
        return line(record.to_dict())

    def write_summary(self, portfolio: Portfolio) -> None:
        """The portfolio as one line."""
        self.stream.write(line(portfolio.to_dict()))
