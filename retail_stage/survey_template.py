"""`template --format csv|xlsx`: the questionnaire as a sheet to send out, one column a question.

The header is each question's text in the chosen language, so the filled-in sheet (or a form
tool's export of the same questions) scores as is. The XLSX has a drop-down of the options in
every one-answer column, a number check in number columns, a comment on each header with the
indicator id, the options and the help, and a second sheet listing every question. openpyxl,
which writes it, is imported only here.
"""

from __future__ import annotations

import csv
import io

from retail_stage.questions import options_of, question_order
from retail_stage.rubric import BooleanAnswer, Indicator, MultiAnswer, NumberAnswer, Rubric

COMPANY_HEADER = {"en": "Company", "zh": "公司名称"}
RESPONDENT_HEADER = {"en": "Respondent", "zh": "填写人"}
ANSWERS_SHEET = {"en": "Answers", "zh": "答卷"}
QUESTIONS_SHEET = {"en": "Questions", "zh": "题目"}
YES_NO = {"en": ("Yes", "No"), "zh": ("是", "否")}
MULTI_HINT = {
    "en": "Several answers: separate them with ; (semicolon).",
    "zh": "可多选：用英文分号 ; 隔开。",
}


def _words(rubric: Rubric, table: dict[str, str]) -> str:
    return table.get(rubric.lang, table["en"])


def headers(rubric: Rubric) -> list[str]:
    """The header row: company, respondent, then each question in `assess` order."""
    return [
        _words(rubric, COMPANY_HEADER),
        _words(rubric, RESPONDENT_HEADER),
        *(ind.question for ind in question_order(rubric)),
    ]


def csv_template(rubric: Rubric) -> str:
    """A CSV with the header row only (UTF-8 with a BOM, so Excel reads its accents)."""
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out, lineterminator="\r\n").writerow(headers(rubric))
    return out.getvalue()


def _choices(rubric: Rubric, ind: Indicator) -> list[str]:
    if isinstance(ind.answer, BooleanAnswer):
        return list(_words_pair(rubric))
    return [label for _, label in options_of(ind)]


def _words_pair(rubric: Rubric) -> tuple[str, str]:
    return YES_NO.get(rubric.lang, YES_NO["en"])


def _about(rubric: Rubric, ind: Indicator) -> str:
    lines = [f"id: {ind.id}"]
    answer = ind.answer
    if isinstance(answer, NumberAnswer):
        low = "" if answer.min is None else f"{answer.min:g}"
        high = "" if answer.max is None else f"{answer.max:g}"
        lines.append(f"{low}-{high} {answer.unit}".strip())
    elif isinstance(answer, MultiAnswer):
        lines.append(_words(rubric, MULTI_HINT))
        lines += [f"- {label}" for _, label in options_of(ind)]
    if ind.allow_na:
        lines.append("n/a")
    if ind.help:
        lines.append(ind.help)
    return "\n".join(lines)


def xlsx_template(rubric: Rubric) -> bytes:
    """The XLSX workbook's bytes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = _words(rubric, ANSWERS_SHEET)
    lists = book.create_sheet("Lists")
    lists.sheet_state = "hidden"
    questions = book.create_sheet(_words(rubric, QUESTIONS_SHEET))
    order = question_order(rubric)
    sheet.append(headers(rubric))
    sheet.freeze_panes = "C2"
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[1].height = 90
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 18
    list_column = 0
    for number, ind in enumerate(order, start=3):
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = 28
        header = sheet.cell(row=1, column=number)
        header.comment = Comment(_about(rubric, ind), "retail-stage", width=320, height=220)
        answer = ind.answer
        cells = f"{letter}2:{letter}1000"
        if isinstance(answer, NumberAnswer):
            low = answer.min if answer.min is not None else -1e9
            high = answer.max if answer.max is not None else 1e9
            if ind.allow_na:  # a number in range, or the words n/a
                first = f"{letter}2"
                check = DataValidation(
                    type="custom",
                    formula1=f"OR(AND(ISNUMBER({first}),{first}>={low},{first}<={high}),"
                    f'LOWER({first})="n/a")',
                    allow_blank=True,
                    showErrorMessage=True,
                    error=f"{ind.question} ({answer.unit}, or n/a)",
                )
            else:
                check = DataValidation(
                    type="decimal",
                    operator="between",
                    formula1=str(low),
                    formula2=str(high),
                    allow_blank=True,
                    showErrorMessage=True,
                    error=f"{ind.question} ({answer.unit})",
                )
        elif isinstance(answer, MultiAnswer):
            continue
        else:
            list_column += 1
            choices = _choices(rubric, ind) + (["n/a"] if ind.allow_na else [])
            column = get_column_letter(list_column)
            for row, choice in enumerate(choices, start=1):
                lists.cell(row=row, column=list_column, value=choice)
            check = DataValidation(
                type="list",
                formula1=f"Lists!${column}$1:${column}${len(choices)}",
                allow_blank=True,
                showErrorMessage=True,
            )
        sheet.add_data_validation(check)
        check.add(cells)
    questions.append(["#", "id", "question", "answer", "options", "help"])
    for cell in questions[1]:
        cell.font = bold
    for number, ind in enumerate(order, start=1):
        options = "; ".join(f"{oid}: {label}" for oid, label in options_of(ind))
        questions.append([number, ind.id, ind.question, ind.answer.kind, options, ind.help])
    for letter, width in zip("ABCDEF", (5, 32, 60, 10, 60, 80), strict=True):
        questions.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
