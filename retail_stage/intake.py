"""Survey exports as profile documents: read the table, match it, group rows by company.

A company's rows become one profile with `respondents` (merged when scored, see `panel`), or,
with `merge=None`, every row its own profile. A row with a bad cell is a Failure at that cell
and the other rows go on. What is kept while a file is read: each company's rows as answers
(a few hundred bytes a row), until the end of the file, since its rows may be anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

from retail_stage.loading import Document, Failure
from retail_stage.rubric import Rubric
from retail_stage.sheets import read_table
from retail_stage.sources import DEFAULT_MAX_BYTES, Problem, SourceError
from retail_stage.survey import NO_MAPPING, Layout, Mapping_, Response, company_key


def survey_documents(
    path: str,
    kind: str,
    rubrics: Sequence[Rubric],
    *,
    merge: str | None = "median",
    mapping: Mapping_ = NO_MAPPING,
    max_bytes: int = DEFAULT_MAX_BYTES,
    data: bytes | None = None,
) -> Iterator[Document | Failure]:
    """The profiles of a survey export; raises SourceError when the file (or its header)
    cannot be read at all."""
    table = read_table(path, kind, max_bytes, data)
    shown = table.path
    layout = Layout.of(
        rubrics,
        table.header,
        path=shown,
        sheet=table.sheet,
        header_row=table.header_row,
        sub_header=table.sub_header,
        names=table.names,
        mapping=mapping,
    )
    if layout.broken:
        # the warnings too, after the errors: all the header says, the reason first
        raise SourceError(sorted(layout.problems, key=lambda p: p.severity != "error"))
    rubric = rubrics[0]
    reference = {"id": rubric.id, "version": rubric.version}
    stem = os.path.splitext(os.path.basename(shown))[0]
    notices = tuple(str(p) for p in layout.problems)

    def warned(message: str) -> str:
        return str(Problem(shown, message, table.header_row, 1, "warning", table.sheet))

    if merge == "latest" and not any(c.role.kind == "timestamp" for c in layout.columns):
        notices += (
            warned(
                "--merge latest: no timestamp column, so the latest answer is taken to be the "
                "one furthest down the file"
            ),
        )
    if not layout.has_company and merge is not None:
        notices += (
            warned(
                f'no company column: every row is a respondent of one company, named "{stem}" '
                "after the file (add a company column, or name one in a --map file)"
            ),
        )
    groups: dict[str, list[Response]] = {}
    for row in table.rows:
        if isinstance(row, Problem):
            yield Failure(f"{shown}:{row.line}", (row,))
            continue
        if not any(cell not in ("", None) for cell in row.cells):
            continue
        found = layout.response(row.number, row.cells)
        if isinstance(found, list):
            yield Failure(f"{shown}:{row.number}", tuple(found))
            continue
        if found.problems:  # told, and the respondent's other answers still count
            yield Failure(f"{shown}:{row.number}", found.problems, partial=True)
        if merge is None:
            yield _document(shown, f"{shown}:{row.number}", [found], None, reference, stem, notices)
            notices = ()
            continue
        groups.setdefault(company_key(found.company) if found.company else "", []).append(found)
    for responses in groups.values():
        source = (
            f"{shown}:"
            + ",".join(str(r.row) for r in responses[:5])
            + (",..." if len(responses) > 5 else "")
        )
        yield _document(shown, source, responses, merge, reference, stem, notices)
        notices = ()


def _unreadable(count: int) -> str:
    return "the unreadable answer" if count == 1 else f"the {count} unreadable answers"


def _document(
    shown: str,
    source: str,
    responses: list[Response],
    merge: str | None,
    reference: dict[str, str],
    stem: str,
    notices: tuple[str, ...],
) -> Document:
    company: dict[str, Any] = {}
    for response in responses:
        for key, value in response.company.items():
            if key == "assessed_on":
                company[key] = max(company.get(key, ""), value)
            elif value and key not in company:
                company[key] = value
    company.setdefault("name", stem)
    if not company.get("assessed_on"):
        company.pop("assessed_on", None)
    warnings = (
        notices
        + tuple(str(w) for r in responses for w in r.warnings)
        + tuple(
            f"{shown}:{r.row}: warning: {_unreadable(len(r.problems))} of {r.respondent} "
            "(the errors above) left unanswered; the row's other answers are scored"
            for r in responses
            if r.problems
        )
    )
    data = {
        "rubric": reference,
        "company": company,
        "merge": merge or "median",
        "respondents": [
            {
                "name": r.respondent,
                "source": f"{shown}:{r.row}",
                "timestamp": r.timestamp,
                "answers": r.answers,
            }
            for r in responses
        ],
    }
    return Document(source, shown, data, "", notices=warnings)


def load_mapping(path: str, rubric: Rubric) -> Mapping_:
    """A --map file, checked against the rubric; raises SourceError with every problem."""
    from retail_stage.sources import decode, load_yaml, read_file_limited
    from retail_stage.survey import read_mapping

    text = decode(read_file_limited(path, path, DEFAULT_MAX_BYTES), path)
    data = load_yaml(text, path)
    document = Document(path, path, data, text)
    options = {ind.id: _option_ids(ind) for ind in rubric.indicators}
    return read_mapping(data, document.problem, options)


def _option_ids(ind: Any) -> frozenset[str]:
    answer = ind.answer
    found = getattr(answer, "levels", None) or getattr(answer, "options", None) or ()
    return frozenset(option.id for option in found)
