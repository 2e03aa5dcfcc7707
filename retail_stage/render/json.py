"""`--format json`: one JSON array of result objects, written as they come."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from retail_stage.render.formatter import Formatter

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.loading import Failure
    from retail_stage.render.summary import Portfolio


def dumps(record: Result | Failure) -> str:
    """A result or failure as indented JSON (non-ASCII kept, keys in contract order)."""
    return json.dumps(record.to_dict(), ensure_ascii=False, indent=2)


class JsonFormatter(Formatter):
    """A JSON array; each element written as soon as its profile is scored."""

    def render(self, record: Result | Failure) -> str:
        """One element, indented to sit inside the array."""
        return dumps(record).replace("\n", "\n  ")

    def write_rendered(self, text: str) -> None:
        """Append one element to the array."""
        self.stream.write(("[\n  " if self.count == 0 else ",\n  ") + text)
        self.count += 1

    def write_block(self, text: str, lengths: list[int]) -> None:
        """Element by element: each one after its separator in the array."""
        self.write_each(text, lengths)

    def close(self) -> None:
        """Close the array (an empty one when nothing was written)."""
        self.stream.write("\n]\n" if self.count else "[]\n")

    def write_summary(self, portfolio: Portfolio) -> None:
        """The portfolio as one JSON object."""
        self.stream.write(json.dumps(portfolio.to_dict(), ensure_ascii=False, indent=2) + "\n")
