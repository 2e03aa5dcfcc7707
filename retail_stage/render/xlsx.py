"""`score -o results.xlsx`: a workbook for analysts, written with openpyxl.

Sheets: Results (the CSV's columns with typed cells: numbers as numbers, shares as
percentages, the header frozen and filtered), Next steps (each profile's ranked steps),
Disagreement (when respondents were merged), Errors (the profiles that could not be scored)
and Summary (the portfolio); `--summary` writes Summary, Companies (every company ranked by
index) and, with --group-by, Groups. Every text is written as text, never as a formula, whatever it
starts with. The same results give the same bytes: the workbook's dates and its zip entries'
times are fixed.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime
from typing import TYPE_CHECKING, Any

from retail_stage.render.csv import columns
from retail_stage.render.csv import row as csv_row
from retail_stage.render.formatter import Formatter

if TYPE_CHECKING:
    from typing import TextIO

    from retail_stage.engine import Result
    from retail_stage.loading import Failure
    from retail_stage.render.summary import Portfolio
    from retail_stage.rubric import Rubric

FIXED_TIME = datetime(2000, 1, 1)
"""The creation time the workbook says it has (the real one would change every run)."""
PERCENT, INDEX = "0%", "0.00"


def _shares(rubric: Rubric) -> set[str]:
    """The Results columns that hold a share (0..1), shown as percentages."""
    return {
        "coverage",
        *(f"attainment_{stage.id}" for stage in rubric.stages),
        *(f"dimension_{dim.id}" for dim in rubric.dimensions),
    }


class XlsxFormatter(Formatter):
    """Collects each record's rows (rendered as JSON, so workers can render them) and writes
    the workbook when the batch ends, into the binary file under the output stream."""

    def __init__(self, stream: TextIO, rubric: Rubric) -> None:
        super().__init__(stream, rubric)
        from retail_stage.render.summary import Portfolio

        self.portfolio = Portfolio(rubric)
        self.sheets: dict[str, list[list[Any]]] = {
            "Results": [],
            "Next steps": [],
            "Disagreement": [],
            "Errors": [],
        }

    def render(self, record: Result | Failure) -> str:
        """The record's rows for every sheet, as one line of JSON."""
        from retail_stage.loading import Failure
        from retail_stage.render.summary import unanswered

        if isinstance(record, Failure):
            errors = [[p.path, p.line, p.column, p.message] for p in record.problems]
            return json.dumps({"errors": errors}) + "\n"
        company = record.company.get("name") or ""
        panel = record.panel
        results = csv_row(record)
        steps = [
            [
                record.source,
                company,
                rank,
                n.indicator,
                self._question(n.indicator),
                n.gain,
                n.in_smallest_set,
            ]
            for rank, n in enumerate(record.next_steps.indicators, start=1)
        ]
        disagreement = [
            [
                record.source,
                company,
                d.indicator,
                self._question(d.indicator),
                name,
                answer,
                score,
                d.swing,
            ]
            for d in (panel.disagreement if panel else ())
            for name, answer, score in d.answers
        ]
        tally = [
            record.stage,
            record.label,
            record.index,
            [s for _d, s in record.dimensions],
            unanswered(record),
        ]
        rows = {"results": [results], "steps": steps, "disagreement": disagreement}
        return json.dumps({**rows, "tally": tally}, default=str) + "\n"

    def _question(self, indicator: str) -> str:
        if not hasattr(self, "_questions"):
            self._questions = {ind.id: ind.question for ind in self.rubric.indicators}
        return self._questions.get(indicator, "")

    def write_rendered(self, text: str) -> None:
        """Keep one record's rows (and count it for the Summary)."""
        from retail_stage.render.summary import Tally

        data = json.loads(text)
        self.sheets["Results"] += data.get("results", [])
        self.sheets["Next steps"] += data.get("steps", [])
        self.sheets["Disagreement"] += data.get("disagreement", [])
        self.sheets["Errors"] += data.get("errors", [])
        if "tally" in data:
            stage, label, index, dims, empty = data["tally"]
            self.portfolio.add(Tally(stage, label, index, tuple(dims), empty))
        else:
            self.portfolio.add(None)
        self.count += 1

    def write_block(self, text: str, lengths: list[int]) -> None:
        """Several records rendered together: one at a time."""
        self.write_each(text, lengths)

    def close(self) -> None:
        """Write the workbook."""
        self._save(self.portfolio)

    def write_summary(self, portfolio: Portfolio) -> None:
        """`--summary -o portfolio.xlsx`: the Summary sheet, every company ranked by index
        (Companies) and, with --group-by, the groups (Groups)."""
        self.sheets = {}
        self._save(portfolio, portfolio_sheets(portfolio))

    def _save(self, portfolio: Portfolio, extra: list[Sheet] | None = None) -> None:
        data = workbook_bytes(self.rubric, self.sheets, portfolio, extra or [])
        self.stream.flush()
        buffer = getattr(self.stream, "buffer", None)
        if buffer is None:
            raise ValueError("an XLSX workbook is written to a file: give -o results.xlsx")
        buffer.write(data)
        buffer.flush()


_HEADERS = {
    "Next steps": ["source", "company", "rank", "indicator", "question", "gain", "in_smallest_set"],
    "Disagreement": [
        "source",
        "company",
        "indicator",
        "question",
        "respondent",
        "answer",
        "score",
        "index_swing",
    ],
    "Errors": ["source", "line", "column", "message"],
}


Sheet = tuple[str, list[str], list[list[Any]], dict[int, str]]
"""A sheet's title, header, rows and number formats by column."""


def portfolio_sheets(portfolio: Portfolio) -> list[Sheet]:
    """The portfolio's Companies sheet (every company kept, ranked by index) and, grouped, its
    Groups sheet (each group's profiles, median index, mean coverage, count on each stage and
    weakest dimension)."""
    grouped = portfolio.group_by is not None
    header = ["rank", "company", "stage", "label", "index", "coverage"]
    header += [portfolio.group_by or ""] if grouped else []
    rows = [
        [r.rank, r.name, r.stage, r.label, r.index, r.coverage, *([r.group] if grouped else [])]
        for r in portfolio.ranked()
    ]
    sheets: list[Sheet] = [("Companies", header, rows, {4: INDEX, 5: PERCENT})]
    if grouped:
        from retail_stage.render.summary import LABELS

        header = [portfolio.group_by or "", "profiles", "median_index", "coverage"]
        header += [f"{stage} {label}" for stage in portfolio.stages for label in LABELS]
        header.append("weakest_dimension")
        rows = [
            [
                value,
                group.profiles,
                group.index_spread()["median"],
                group.mean_coverage(),
                *(group.counts[(stage, label)] for stage in portfolio.stages for label in LABELS),
                group.weakest_dimension(),
            ]
            for value, group in portfolio.group_items()
        ]
        sheets.append(("Groups", header, rows, {2: INDEX, 3: PERCENT}))
    return sheets


def workbook_bytes(
    rubric: Rubric,
    sheets: dict[str, list[list[Any]]],
    portfolio: Portfolio,
    extra: list[Sheet] | None = None,
) -> bytes:
    """The workbook of these sheets' rows and the portfolio, byte for byte the same each time."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    book.properties.created = book.properties.modified = FIXED_TIME
    book.properties.creator = "retail-stage"
    bold = Font(bold=True)
    shares = _shares(rubric)

    def add_sheet(
        title: str, header: list[str], rows: list[list[Any]], formats: dict[int, str]
    ) -> None:
        sheet = book.create_sheet(title)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{_column_letter(len(header))}{len(rows) + 1}"
        head = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        for row in rows:
            cells = []
            for n, value in enumerate(row):
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text: "=1+1" is not a formula
                elif n in formats and isinstance(value, (int, float)):
                    cell.number_format = formats[n]
                cells.append(cell)
            sheet.append(cells)

    if "Results" in sheets:
        header = columns(rubric)
        formats = {n: PERCENT for n, name in enumerate(header) if name in shares}
        formats[header.index("index")] = INDEX
        add_sheet("Results", header, sheets["Results"], formats)
    for title in ("Next steps", "Disagreement", "Errors"):
        if title in sheets and (sheets[title] or title != "Disagreement"):
            gain = {5: PERCENT} if title == "Next steps" else {}
            add_sheet(title, _HEADERS[title], sheets[title], gain)
    summary = [
        [row["metric"], row["key"], row["label"], row["count"], row["value"]]
        for row in portfolio.rows(companies=False)
    ]
    add_sheet("Summary", ["metric", "key", "label", "count", "value"], summary, {})
    for title, header, rows, formats in extra or []:
        add_sheet(title, header, rows, formats)
    raw = io.BytesIO()
    book.save(raw)
    return _fixed_zip(raw.getvalue())


def _column_letter(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry dated 1980-01-01, in the same order, and the workbook's
    modification time fixed (openpyxl writes the time of saving there)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                content = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            target.writestr(fixed, content)
    return out.getvalue()
