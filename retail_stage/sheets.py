"""Reading survey exports: CSV, TSV and XLSX files as rows of cells, safely.

CSV and TSV are streamed with the standard `csv` module (UTF-8, a BOM, CRLF, `;` or `,`
told from the first lines). XLSX is read with python-calamine, imported only here: it reads the
values Excel cached, never evaluates a formula and ignores macros. Before it opens a file the
zip is checked (sizes unpacked, compression ratios, and every cell that holds a formula, which
is refused where it stands).
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Any, NamedTuple

from retail_stage.sources import DEFAULT_MAX_BYTES, Problem, SourceError, shown_name

SURVEY_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".xlsx": "xlsx"}

XLSX_FILE_FACTOR = 20
"""An XLSX file may be this many times --max-bytes (it is compressed: a 10,000-row export
takes about 1.8 MB)."""

XLSX_UNPACKED_FACTOR = 100
"""...and unpack to at most this many times --max-bytes (that export unpacks to 22 MB)."""

XLSX_MAX_RATIO = 200
"""A part of the zip compressed more than this is a zip bomb (sheets compress about 12:1)."""

XLSX_MAX_PARTS = 10_000

CSV_FIELD_LIMIT = 1_000_000
"""Characters a CSV cell may hold."""


class Row(NamedTuple):
    number: int
    """The row's 1-based line (CSV) or row number (XLSX)."""
    cells: Sequence[Any]


class Table(NamedTuple):
    path: str
    sheet: str | None
    header: Sequence[Any]
    header_row: int
    sub_header: Sequence[Any] | None
    rows: Iterator[Row | Problem]
    """The rows after the header; a Problem where a row cannot be read (the rest go on
    when they can)."""
    names: Sequence[Any] | None = None
    """Qualtrics' first header row, the questions' short names (`header` is then its second
    row, the question texts)."""


def read_table(
    path: str, kind: str, max_bytes: int = DEFAULT_MAX_BYTES, data: bytes | None = None
) -> Table:
    """The table of a survey export (`data`: its bytes when it comes from stdin); raises
    SourceError when it cannot be read at all."""
    shown = "<stdin>" if path == "-" else path
    if kind == "xlsx":
        return _xlsx_table(path, shown, max_bytes, data)
    return _csv_table(path, shown, kind, max_bytes, data)


# --- CSV and TSV ----------------------------------------------------------------------------


def _csv_table(path: str, shown: str, kind: str, max_bytes: int, data: bytes | None) -> Table:
    if data is not None:
        stream: io.TextIOBase = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    else:
        try:
            stream = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed by rows)
        except OSError as exc:
            raise SourceError(Problem(shown, f"cannot read: {exc.strerror or exc}")) from None
    try:
        head = stream.read(64 * 1024)
    except UnicodeDecodeError:
        stream.close()
        raise SourceError(_not_utf8(shown, 1)) from None
    stream.seek(0)
    delimiter = "\t" if kind == "tsv" else _delimiter(head)
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    reader = csv.reader(stream, delimiter=delimiter)
    lines = _csv_rows(reader, stream, shown, max_bytes)
    header: Row | None = None
    sub: Row | None = None
    for found in lines:
        if isinstance(found, Problem):
            stream.close()
            raise SourceError(found)
        if any(cell.strip() for cell in found.cells):
            header = found
            break
    if header is None:
        stream.close()
        raise SourceError(Problem(shown, "file is empty: expected a header row of questions"))
    rest: Iterator[Row | Problem] = lines
    names: Row | None = None
    following = next(lines, None)
    if isinstance(following, Row) and is_sub_header(header.cells, following.cells):
        sub = following
    elif isinstance(following, Row):
        third = next(lines, None)
        if isinstance(third, Row) and is_import_ids(third.cells):
            names, header = header, following
        else:
            rest = chain([r for r in (following, third) if r is not None], lines)
    elif following is not None:
        rest = chain([following], lines)
    return Table(
        shown,
        None,
        header.cells,
        header.number,
        sub.cells if sub else None,
        _closing(rest, stream),
        names.cells if names else None,
    )


def _delimiter(head: str) -> str:
    first = head.split("\n", 1)[0]
    outside = re.sub(r'"[^"]*"', "", first)
    return ";" if outside.count(";") > outside.count(",") else ","


def _csv_rows(
    reader: Any, stream: io.TextIOBase, shown: str, max_bytes: int
) -> Iterator[Row | Problem]:
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            yield _not_utf8(shown, start)
            return
        except csv.Error as exc:
            yield Problem(shown, f"not readable as CSV: {exc}", reader.line_num, 1)
            return
        number, start = start, reader.line_num + 1
        if sum(len(cell) for cell in cells) > max_bytes:
            yield Problem(shown, f"row is longer than the limit of {max_bytes} bytes", number, 1)
            continue
        yield Row(number, cells)


def _not_utf8(shown: str, line: int) -> Problem:
    return Problem(
        shown, "not UTF-8 text: export the survey as 'CSV UTF-8' (Excel: Save As)", line, 1
    )


def _closing(rows: Iterator[Row | Problem], stream: io.TextIOBase) -> Iterator[Row | Problem]:
    try:
        yield from rows
    finally:
        stream.close()


def is_import_ids(row: Sequence[Any]) -> bool:
    """Whether `row` is the third header row of a Qualtrics export: `{"ImportId":"QID7"}`
    under the columns (its first row holds short names, its second the question texts)."""
    texts = [str(cell).strip() for cell in row if _filled(cell)]
    marks = sum(text.startswith('{"ImportId"') for text in texts)
    return marks > 0 and marks >= len(texts) // 2


def is_sub_header(header: Sequence[Any], row: Sequence[Any]) -> bool:
    """Whether `row` is SurveyMonkey's second header row: 'Response' or 'Open-Ended
    Response' under questions, option names under the columns of a multiple choice."""
    texts = [str(cell).strip().casefold() for cell in row if cell is not None]
    marks = sum(text in ("response", "open-ended response") for text in texts)
    return marks > 0 and marks >= len([t for t in texts if t]) // 4


# --- XLSX -------------------------------------------------------------------------------------


def _xlsx_table(path: str, shown: str, max_bytes: int, data: bytes | None) -> Table:
    source: Any = io.BytesIO(data) if data is not None else path
    size = len(data) if data is not None else _size(path, shown)
    if size > max_bytes * XLSX_FILE_FACTOR:
        raise SourceError(
            Problem(
                shown,
                f"file is {size} bytes, more than the limit for a spreadsheet "
                f"({max_bytes * XLSX_FILE_FACTOR}: {XLSX_FILE_FACTOR} x --max-bytes)",
            )
        )
    try:
        with zipfile.ZipFile(source) as archive:
            sheet, part = _first_sheet(archive, shown)
            _check_parts(archive, shown, max_bytes)
            formulas = _formula_cells(archive, part, shown, max_bytes)
    except zipfile.BadZipFile as exc:
        raise SourceError(Problem(shown, f"not an XLSX file (not a readable zip: {exc})")) from None
    except (OSError, KeyError, RuntimeError, ValueError) as exc:
        raise SourceError(Problem(shown, f"not a readable XLSX file: {exc}")) from None
    from python_calamine import CalamineWorkbook

    try:
        book = (
            CalamineWorkbook.from_filelike(io.BytesIO(data))
            if data is not None
            else CalamineWorkbook.from_path(path)
        )
        values = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own kinds for every broken file
        raise SourceError(Problem(shown, f"not a readable XLSX file: {exc}")) from None
    rows = iter(enumerate(values, start=1))
    for number, cells in rows:
        if any(_filled(cell) for cell in cells):
            header = Row(number, cells)
            break
    else:
        raise SourceError(Problem(shown, "sheet is empty: expected a header row of questions"))
    sub: Row | None = None
    names: Row | None = None
    following = next(rows, None)
    body: Iterator[tuple[int, Any]] = rows
    if following is not None:
        third = next(rows, None)
        if is_sub_header(header.cells, following[1]):
            sub = Row(*following)
            body = chain([third] if third else [], rows)
        elif third is not None and is_import_ids(third[1]):
            names, header = header, Row(*following)
        else:
            body = chain([following, third] if third else [following], rows)
    return Table(
        shown,
        sheet,
        header.cells,
        header.number,
        sub.cells if sub else None,
        _xlsx_rows(body, shown, sheet, formulas),
        names.cells if names else None,
    )


def _size(path: str, shown: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError as exc:
        raise SourceError(Problem(shown, f"cannot read: {exc.strerror or exc}")) from None


def _filled(cell: Any) -> bool:
    return cell is not None and cell != ""


def _xlsx_rows(
    rows: Iterator[tuple[int, Any]], shown: str, sheet: str, formulas: dict[int, set[int]]
) -> Iterator[Row | Problem]:
    from retail_stage.sources import column_letter

    for number, cells in rows:
        refused = formulas.get(number)
        if refused:
            for column in sorted(refused):
                yield Problem(
                    shown,
                    f"a formula ({column_letter(column)}{number}), which is never evaluated "
                    "here: type the answer itself (or paste values)",
                    number,
                    column,
                    "error",
                    sheet,
                )
            continue
        yield Row(number, ["" if cell is None else cell for cell in cells])


_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_SHEET_STATE = re.compile(rb'\bstate="(hidden|veryHidden)"')
_RELATION = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_RELATION_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')
_FORMULA = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*>\s*<f\b')


def _first_sheet(archive: zipfile.ZipFile, shown: str) -> tuple[str, str]:
    """(name, zip part) of the first visible worksheet."""
    workbook = _small_part(archive, "xl/workbook.xml")
    relations = _small_part(archive, "xl/_rels/workbook.xml.rels")
    targets = dict(_RELATION.findall(relations))
    targets.update({rid: target for target, rid in _RELATION_REVERSED.findall(relations)})
    for tag in re.findall(rb"<sheet\b[^>]*>", workbook):
        found = _SHEET.search(tag)
        if found is None or _SHEET_STATE.search(tag):
            continue
        name, rid = found.groups()
        target = targets.get(rid, b"").decode("utf-8", "replace").lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        return _xml_text(name), part
    raise SourceError(Problem(shown, "workbook has no visible worksheet"))


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > 16 * 1024 * 1024:
        raise ValueError(f"{name} is too large")
    return archive.read(info)


def _check_parts(archive: zipfile.ZipFile, shown: str, max_bytes: int) -> None:
    parts = archive.infolist()
    if len(parts) > XLSX_MAX_PARTS:
        raise SourceError(Problem(shown, f"zip holds {len(parts)} parts: not a survey export"))
    unpacked = sum(part.file_size for part in parts)
    limit = max_bytes * XLSX_UNPACKED_FACTOR
    if unpacked > limit:
        raise SourceError(
            Problem(
                shown,
                f"unpacks to {unpacked} bytes, more than the limit of {limit} "
                f"({XLSX_UNPACKED_FACTOR} x --max-bytes): refused as a possible zip bomb",
            )
        )
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > XLSX_MAX_RATIO * max(
            part.compress_size, 1
        ):
            raise SourceError(
                Problem(
                    shown,
                    f"part {shown_name(part.filename)} is compressed "
                    f"{part.file_size // max(part.compress_size, 1)}:1: refused as a "
                    "possible zip bomb",
                )
            )


def _formula_cells(
    archive: zipfile.ZipFile, part: str, shown: str, max_bytes: int
) -> dict[int, set[int]]:
    """row -> columns of every cell of the sheet that holds a formula. The sheet is
    read through the zip reader in blocks, counting what it unpacks (a part whose header
    lies about its size is stopped at the limit)."""
    found: dict[int, set[int]] = {}
    limit = max_bytes * XLSX_UNPACKED_FACTOR
    total = 0
    tail = b""
    with archive.open(part) as sheet:
        while block := sheet.read(1024 * 1024):
            total += len(block)
            if total > limit:
                raise SourceError(
                    Problem(
                        shown,
                        f"sheet unpacks to more than {limit} bytes: refused as a possible zip bomb",
                    )
                )
            window = tail + block
            if b"<f" in window:
                for letters, digits in _FORMULA.findall(window):
                    found.setdefault(int(digits), set()).add(_column_number(letters))
            tail = window[-512:]
    return found


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
