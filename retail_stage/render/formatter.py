"""The interface every batch output format implements: one abstract class, no format in it.

Each format is a module of its own (`render/json.py`, `render/table.py`, ...) subclassing
`Formatter`; the registry of them (`render/formats.py`) imports those modules, and they import
only this one, so the registry never imports what imports it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.loading import Failure
    from retail_stage.render.summary import Portfolio
    from retail_stage.rubric import Rubric


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
