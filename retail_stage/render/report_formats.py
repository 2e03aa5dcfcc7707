"""The formats of `report` and `compare`, kept free of rich so the CLI can import them cheaply."""

from __future__ import annotations

import enum
from pathlib import Path

_ALIASES = {"htm": "html", "markdown": "md", "text": "txt"}


class ReportFormat(str, enum.Enum):
    """Formats of `report`; every one but terminal can be written to a file."""

    TERMINAL = "terminal"
    HTML = "html"
    SVG = "svg"
    TXT = "txt"
    MD = "md"
    JSON = "json"
    PDF = "pdf"

    @property
    def binary(self) -> bool:
        """Whether the document is bytes (a PDF), not text."""
        return self is ReportFormat.PDF

    @classmethod
    def from_suffix(cls, path: Path) -> ReportFormat | None:
        """The format a file name asks for (.html, .htm, .svg, .txt, .md, .json, .pdf), or None."""
        suffix = path.suffix.lower().lstrip(".")
        found = _ALIASES.get(suffix, suffix)
        return next((f for f in cls if f.value == found and f is not cls.TERMINAL), None)


class CompareFormat(str, enum.Enum):
    """Formats of `compare`: tables in the terminal, JSON and Markdown; the history with its
    line charts as HTML, PDF or SVG."""

    TERMINAL = "terminal"
    HTML = "html"
    SVG = "svg"
    JSON = "json"
    MD = "md"
    PDF = "pdf"

    @property
    def binary(self) -> bool:
        """Whether the document is bytes (a PDF), not text."""
        return self is CompareFormat.PDF

    @property
    def drawn(self) -> bool:
        """Whether the history is drawn as charts (HTML, PDF, SVG), not set out as tables."""
        return self in (CompareFormat.HTML, CompareFormat.SVG, CompareFormat.PDF)

    @classmethod
    def from_suffix(cls, path: Path) -> CompareFormat | None:
        """The format a file name asks for (.html, .htm, .svg, .json, .md, .pdf), or None."""
        suffix = path.suffix.lower().lstrip(".")
        found = _ALIASES.get(suffix, suffix)
        return next((f for f in cls if f.value == found and f is not cls.TERMINAL), None)
