"""`--format csv`: one row a profile, for spreadsheets; nothing a user wrote runs as a formula."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from retail_stage.render.formatter import Formatter

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.loading import Failure
    from retail_stage.render.summary import Portfolio
    from retail_stage.rubric import Rubric

COMPANY_FIELDS = ("name", "id", "sector", "country", "assessed_on")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A value safe to put in a spreadsheet cell.

    Text starting like a formula (= + - @, tab, carriage return) gets a leading apostrophe so
    spreadsheets show it instead of running it; numbers are left alone.
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([cell(v) for v in values])
    return buffer.getvalue()


def columns(rubric: Rubric) -> list[str]:
    """The header: source, company, stage, label, index, coverage, attainments, dimensions,
    for merged survey answers the number of respondents and of questions they disagree on,
    the error of a profile that failed, and the warnings of one scored (one line each: a
    profile without answers says so there)."""
    return [
        "source",
        *(f"company_{name}" for name in COMPANY_FIELDS),
        "stage",
        "label",
        "index",
        "coverage",
        *(f"attainment_{stage.id}" for stage in rubric.stages),
        *(f"dimension_{dim.id}" for dim in rubric.dimensions),
        "respondents",
        "disagreements",
        "error",
        "warnings",
    ]


def row(record: Result) -> list[Any]:
    """A scored profile's values under `columns` (the XLSX Results sheet holds the same)."""
    panel = record.panel
    return [
        record.source,
        *(record.company.get(name) for name in COMPANY_FIELDS),
        record.stage,
        record.label,
        record.index,
        record.coverage,
        *(stage.attainment for stage in record.stages),
        *(score for _, score in record.dimensions),
        len(panel.respondents) if panel else None,
        len(panel.disagreement) if panel else None,
        None,
        "\n".join(record.warnings) or None,
    ]


class CsvFormatter(Formatter):
    """A header, then one row per profile; a failed profile has only source and error."""

    def render(self, record: Result | Failure) -> str:
        """One CSV row."""
        from retail_stage.loading import Failure

        width = len(self.rubric.stages) + len(self.rubric.dimensions) + 6 + len(COMPANY_FIELDS)
        if isinstance(record, Failure):
            return _line([record.source, *([None] * width), record.message, None])
        return _line(row(record))

    def header(self) -> str:
        """The column names."""
        return _line(columns(self.rubric))

    def write_summary(self, portfolio: Portfolio) -> None:
        """The portfolio as rows: metric, key, label, count, value."""
        rows = portfolio.rows()
        self.stream.write(_line(list(rows[0])))
        for row in rows:
            self.stream.write(_line(list(row.values())))
