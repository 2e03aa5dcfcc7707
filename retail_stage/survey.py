"""Survey exports as answers: columns matched to indicators, cells to answers. Pure: no I/O.

A survey export is a table, one row per respondent. `Layout.of` matches its header to the
rubric (an indicator id, a question text in any of the rubric's languages, a mapping file's
entry, a company field, or a column a form tool adds); `Layout.response` turns one row into a
`Response`: the company, the respondent, and answers in the form a profile writes them.
Every problem is a `Problem` at the cell to fix.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from retail_stage.questions import NA_WORDS
from retail_stage.rubric import (
    BooleanAnswer,
    ChoiceAnswer,
    Indicator,
    MultiAnswer,
    NumberAnswer,
    Rubric,
    ScaleAnswer,
)
from retail_stage.sources import Problem, column_letter

COMPANY_FIELDS = ("name", "id", "sector", "country", "assessed_on")

_COMPANY_HEADERS = {
    "company": "name",
    "company name": "name",
    "company_name": "name",
    "organisation": "name",
    "organization": "name",
    "公司": "name",
    "公司名称": "name",
    "企业名称": "name",
    "company id": "id",
    "company_id": "id",
    "sector": "sector",
    "industry": "sector",
    "行业": "sector",
    "country": "country",
    "market": "country",
    "国家": "country",
    "assessed on": "assessed_on",
    "assessed_on": "assessed_on",
    "评估日期": "assessed_on",
}
"""Headers of company fields (normalised). Bare `name` and `id` are the company's too, except
in a form tool's layout, where they are the respondent's name and the response number."""

_RESPONDENT_HEADERS = frozenset(
    {"respondent", "respondent name", "your name", "your role", "role", "填写人", "受访者"}
)
_CONTACT_HEADERS = {
    "name": "name",
    "first name": "name",
    "last name": "name",
    "姓名": "name",
    "email": "email",
    "email address": "email",
    "e-mail": "email",
    "e-mail address": "email",
    "recipient first name": "name",
    "recipient last name": "name",
    "recipient email": "email",
    "邮箱": "email",
    "电子邮件": "email",
}
"""A form tool's name or e-mail of the person who answered: the respondent when no column
says so more plainly; a name (first and last joined) before an e-mail."""

_TIMESTAMP_HEADERS = frozenset(
    {
        "timestamp",
        "completion time",
        "submitted at",
        "submit date",
        "end date",
        "时间戳",
        "提交时间",
    }
)
"""When the answers were given: used for `--merge latest`, and as the assessment date."""

_FORM_HEADERS = frozenset(
    {
        "id",
        "start time",
        "last modified time",
        "respondent id",
        "collector id",
        "start date",
        "ip address",
        "custom data 1",
        "response id",
        "response type",
        "progress",
        "duration (in seconds)",
        "finished",
        "recorded date",
        "external data reference",
        "location latitude",
        "location longitude",
        "distribution channel",
        "user language",
        "序号",
        "开始时间",
    }
)
"""Columns a form tool adds that mean nothing here: never an error, never a warning."""

_FORM_TOOL_MARKS = frozenset(
    {"timestamp", "start time", "completion time", "respondent id", "collector id", "response id"}
)
"""Headers that show the table came from a form tool (Google Forms, Microsoft Forms,
SurveyMonkey, Qualtrics)."""

_NOTE_SUFFIXES = (" note", "_note", " (note)", " notes", " 备注")

YES_CELLS = frozenset({"yes", "y", "true", "1", "是", "有", "是的"})
NO_CELLS = frozenset({"no", "n", "false", "0", "否", "没有", "无"})
UNKNOWN_CELLS = frozenset({"unknown", "don't know", "do not know", "dont know", "不知道", "不清楚"})
NA_CELLS = NA_WORDS | {"not applicable", "不适用"}
NONE_CELLS = frozenset({"none", "none of these", "none of the above", "无", "都没有", "以上都没有"})
"""A multiple choice answered with nothing ticked (an empty cell is a skipped question)."""

_PREFIX = re.compile(
    r"^\s*(?:q\s*)?\d{1,3}\s*[.)、:：]\s*|^\s*(?:q\s*)?\d{1,3}\s+-\s+", re.IGNORECASE
)
_TRAILING = re.compile(r"[\s?？.。:：!！*]+$")
_SPACES = re.compile(r"\s+")
_SEPARATORS = (";", "；", ",", "，", "、", "\n")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[,\s]\d{3})+(?:\.\d+)?$")
SUB_ANSWER = frozenset({"response", "open-ended response", "answer", ""})
"""What the second header row of a SurveyMonkey export says above a whole answer."""


def normalised(text: str) -> str:
    """A header or an answer as it is compared: compatible forms, case, runs of spaces and
    trailing punctuation ignored."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _TRAILING.sub("", _SPACES.sub(" ", text)).strip()


def question_key(text: str) -> str:
    """A header as compared with a question: `normalised`, and a number prefix ("12.",
    "Q3)") that form tools add taken off."""
    return normalised(_PREFIX.sub("", unicodedata.normalize("NFKC", text), count=1))


class Role(NamedTuple):
    """What a column holds."""

    kind: str
    """answer, option, note, company, respondent, contact, timestamp or ignore."""
    target: str = ""
    """The indicator id (answer, option, note) or the company field."""
    option: str = ""
    """For a column per option of a multiple-choice question: which option it ticks."""


class Column(NamedTuple):
    number: int
    """1-based."""
    header: str
    role: Role


class Mapping_(NamedTuple):
    """What a mapping file (`--map`) says: column (header or letter) -> indicator id or
    company field, per-indicator answer text -> option id, the multi-select separator."""

    columns: Mapping[str, str]
    answers: Mapping[str, Mapping[str, str]]
    separator: str | None = None


NO_MAPPING = Mapping_({}, {})


class Response(NamedTuple):
    """One row: a respondent's answers as a profile writes them."""

    row: int
    company: dict[str, Any]
    respondent: str
    timestamp: str | None
    answers: dict[str, Any]
    warnings: tuple[Problem, ...] = ()
    problems: tuple[Problem, ...] = ()
    """The cells that could not be read: left unanswered, the rest of the row kept."""


class _Vocabulary:
    """The words of the rubric's answers in every language it has, for one indicator."""

    def __init__(self, versions: Sequence[Indicator], extra: Mapping[str, str]) -> None:
        ind = versions[0]
        self.indicator = ind
        self.words: dict[str, str] = {}
        for version in versions:
            answer = version.answer
            if isinstance(answer, ScaleAnswer):
                pairs = [(lv.id, lv.label) for lv in answer.levels]
            elif isinstance(answer, (ChoiceAnswer, MultiAnswer)):
                pairs = [(o.id, o.label) for o in answer.options]
            else:
                pairs = []
            for option_id, label in pairs:
                self.words.setdefault(normalised(option_id), option_id)
                self.words.setdefault(normalised(label), option_id)
        for text, option_id in extra.items():
            self.words[normalised(text)] = option_id
        # Longest first, so that a label holding a separator ("Catalogue, phone or TV") is
        # taken whole before a shorter label that starts it.
        self.by_length = sorted(self.words.items(), key=lambda item: -len(item[0]))
        self.ids = [option for option, _ in _pairs(ind)]


def _pairs(ind: Indicator) -> list[tuple[str, str]]:
    answer = ind.answer
    if isinstance(answer, ScaleAnswer):
        return [(lv.id, lv.label) for lv in answer.levels]
    if isinstance(answer, (ChoiceAnswer, MultiAnswer)):
        return [(o.id, o.label) for o in answer.options]
    return []


SEEN_CELLS = 20_000
"""Distinct cells a table's reading remembers, so memory stays flat in the number of rows."""

_PLAIN_CELLS = (str, int, float, bool)


class Layout:
    """How a table's columns map onto a rubric's profile."""

    def __init__(
        self,
        path: str,
        sheet: str | None,
        columns: list[Column],
        vocabularies: dict[str, _Vocabulary],
        separator: str | None,
        problems: list[Problem],
    ) -> None:
        self.path, self.sheet, self.columns = path, sheet, columns
        self.vocabularies, self.separator = vocabularies, separator
        self.problems = problems
        """Errors and warnings about the header itself (an error stops the table)."""
        self.has_company = any(
            c.role == Role("company", "name") or c.role == Role("company", "id") for c in columns
        )
        self._seen: dict[tuple[str, type, Any], tuple[Any, str] | _Unfit] = {}
        """Cells already read: a column of an export holds few distinct answers."""

    @classmethod
    def of(
        cls,
        rubrics: Sequence[Rubric],
        header: Sequence[Any],
        *,
        path: str,
        sheet: str | None = None,
        header_row: int = 1,
        sub_header: Sequence[Any] | None = None,
        names: Sequence[Any] | None = None,
        mapping: Mapping_ = NO_MAPPING,
    ) -> Layout:
        """Match each header cell (and, for a two-row header, the option under it) to what
        it holds. `rubrics` are the same rubric in each of its languages. `names` are
        Qualtrics' short names above the question texts: one that is an indicator id or a
        --map entry decides the column (a consultant may name each question by its id)."""
        first = rubrics[0]
        ids = {ind.id for ind in first.indicators}
        by_question: dict[str, str] = {}
        for rubric in rubrics:
            for ind in rubric.indicators:
                by_question.setdefault(question_key(ind.question), ind.id)
        texts = [_text(cell) for cell in header]
        keys = [normalised(text) for text in texts]
        form_tool = any(key in _FORM_TOOL_MARKS for key in keys)
        versions: dict[str, list[Indicator]] = {ind.id: [] for ind in first.indicators}
        for rubric in rubrics:
            for ind in rubric.indicators:
                versions[ind.id].append(ind)
        vocabularies = {
            ind_id: _Vocabulary(found, mapping.answers.get(ind_id, {}))
            for ind_id, found in versions.items()
        }
        mapped = {normalised(k): v for k, v in mapping.columns.items()}
        problems: list[Problem] = []

        def told(column: int, message: str, severity: str = "error", row: int = header_row) -> None:
            problems.append(_at(path, sheet, row, column, message, severity))

        columns: list[Column] = []
        seen: dict[Role, int] = {}
        above = ""
        for number, (text, key) in enumerate(zip(texts, keys, strict=True), start=1):
            sub = normalised(_text(sub_header[number - 1])) if sub_header is not None else ""
            if sub_header is not None:
                # A two-row header names a question once, above the first of its columns.
                above = text if text.strip() else above
                text, key = above, normalised(above)
            letter = column_letter(number)
            name = _text(names[number - 1]).strip() if names and number <= len(names) else ""
            if name in ids or normalised(name) in mapped:
                role = _role(normalised(name), name, letter, mapped, ids, {}, form_tool)
            else:
                role = _role(key, text, letter, mapped, ids, by_question, form_tool)
            if role.kind == "answer" and sub not in SUB_ANSWER:
                option = "" if sub in NONE_CELLS else vocabularies[role.target].words.get(sub)
                if option is None or not isinstance(versions[role.target][0].answer, MultiAnswer):
                    told(
                        number,
                        f"column {_quote(text)} ({role.target}): {_quote(sub)} under it is "
                        "not one of its options",
                        row=header_row + 1,
                    )
                    role = Role("ignore")
                else:
                    role = Role("option", role.target, option)
            if role.kind == "unmatched":
                if text.strip():
                    told(
                        number,
                        f"column {_quote(text)} matches no question, company field or form "
                        "column: left out (name it in a --map file to use it)",
                        "warning",
                    )
                role = Role("ignore")
            if role.kind in ("answer", "option", "note", "company", "respondent", "timestamp"):
                if role in seen:
                    told(
                        number,
                        f"column {_quote(text)} repeats column {column_letter(seen[role])}: "
                        "both answer the same thing",
                    )
                    role = Role("ignore")
                else:
                    seen[role] = number
            columns.append(Column(number, text, role))
        layout = cls(path, sheet, columns, vocabularies, mapping.separator, problems)
        if not any(c.role.kind in ("answer", "option") for c in columns):
            told(
                1,
                "no column matches a question of the rubric: expected indicator ids or "
                "question texts in the header row (or a --map file)",
            )
        return layout

    @property
    def broken(self) -> bool:
        """Whether the header has an error, so that no row can be read."""
        return any(problem.severity == "error" for problem in self.problems)

    def response(self, row: int, cells: Sequence[Any]) -> Response | list[Problem]:
        """A row's answers (a cell that cannot be read is left unanswered and its problem
        kept), or, when the row names no company, every problem of its cells."""
        company: dict[str, Any] = {}
        respondent = ""
        contact: dict[str, list[str]] = {"name": [], "email": []}
        timestamp: str | None = None
        answers: dict[str, Any] = {}
        notes: dict[str, str] = {}
        ticked: dict[str, list[str]] = {}
        problems: list[Problem] = []
        warnings: list[Problem] = []
        for column in self.columns:
            role = column.role
            raw = cells[column.number - 1] if column.number <= len(cells) else None
            if role.kind == "ignore":
                continue
            text = _text(raw).strip()
            if role.kind == "option":
                if text and normalised(text) not in NO_CELLS:
                    chosen = ticked.setdefault(role.target, [])
                    if role.option:  # "" is the column of "none of the above"
                        chosen.append(role.option)
                continue
            if not text and not isinstance(raw, (int, float)):
                continue
            if role.kind == "answer":
                read = self._read(role.target, raw, text)
                if isinstance(read, _Unfit):
                    problems.append(self._cell(row, column, read.message))
                    continue
                value, warning = read
                if warning:
                    warnings.append(self._cell(row, column, warning, "warning"))
                if value is not None:
                    answers[role.target] = value
            elif role.kind == "note":
                notes[role.target] = text
            elif role.kind == "company":
                company[role.target] = _date(raw) if role.target == "assessed_on" else text
            elif role.kind == "respondent":
                respondent = text
            elif role.kind == "contact":
                contact[role.target].append(text)
            elif role.kind == "timestamp":
                timestamp = _date(raw, keep_time=True)
        extra = [
            n for n, cell in enumerate(cells[len(self.columns) :], 1) if cell not in ("", None)
        ]
        if extra:
            warnings.append(
                _at(
                    self.path,
                    self.sheet,
                    row,
                    len(self.columns) + extra[0],
                    f"the row has {len(cells)} cells and the header {len(self.columns)}: the "
                    "cells past the header's last column are left out",
                    "warning",
                )
            )
        answers.update(ticked)
        for ind_id, note in notes.items():
            answers[ind_id] = {"value": answers.get(ind_id, "unknown"), "note": note}
        if self.has_company and not company.get("name") and not company.get("id"):
            column = next(c for c in self.columns if c.role.kind == "company")
            return [self._cell(row, column, "the company name is empty"), *problems]
        if timestamp and "assessed_on" not in company:
            company["assessed_on"] = timestamp[:10]
        return Response(
            row,
            company,
            respondent
            or " ".join(filter(None, contact["name"]))
            or next(filter(None, contact["email"]), f"row {row}"),
            timestamp,
            answers,
            tuple(warnings),
            tuple(problems),
        )

    def _read(self, ind_id: str, raw: Any, text: str) -> tuple[Any, str] | _Unfit:
        """`_answer`, remembered for the cells seen before (up to SEEN_CELLS of them)."""
        key = (ind_id, raw.__class__, raw)
        found = self._seen.get(key) if raw.__class__ in _PLAIN_CELLS else None
        if found is None:
            try:
                found = self._answer(ind_id, raw, text)
            except _Unfit as exc:
                found = exc
            if raw.__class__ in _PLAIN_CELLS and len(self._seen) < SEEN_CELLS:
                self._seen[key] = found
        if isinstance(found, tuple) and isinstance(found[0], list):
            return list(found[0]), found[1]  # each row its own list of choices
        return found

    def _answer(self, ind_id: str, raw: Any, text: str) -> tuple[Any, str]:
        """The answer a cell gives, in a profile's form (None for unknown), and a warning."""
        vocabulary = self.vocabularies[ind_id]
        ind = vocabulary.indicator
        key = normalised(text)
        if key in UNKNOWN_CELLS:
            return None, ""
        if key in NA_CELLS:
            if not ind.allow_na:
                raise _Unfit(f"{_quote(text)}: this question cannot be n/a")
            return "n/a", ""
        answer = ind.answer
        if isinstance(answer, BooleanAnswer):
            if raw is True or raw is False:
                return raw, ""
            if key in YES_CELLS:
                return True, ""
            if key in NO_CELLS:
                return False, ""
            raise _Unfit(f"{_quote(text)} is not yes or no")
        if isinstance(answer, NumberAnswer):
            return _number(answer, raw, text)
        if isinstance(answer, MultiAnswer):
            if key in NONE_CELLS:
                return [], ""
            return self._options(vocabulary, key, text), ""
        option = vocabulary.words.get(key)
        if option is None:
            raise _Unfit(f"{_quote(text)} is not an option; expected one of: " + _listed(ind))
        return option, ""

    def _options(self, vocabulary: _Vocabulary, key: str, text: str) -> list[str]:
        chosen: list[str] = []
        rest = key
        separators = (self.separator,) if self.separator else _SEPARATORS
        while rest:
            found = _option_at(vocabulary, rest, separators)
            if found is None:
                part = rest
                for separator in separators:
                    part = part.split(separator, 1)[0]
                raise _Unfit(
                    f"{_quote(part.strip())} is not an option; expected one of: "
                    + _listed(vocabulary.indicator)
                )
            option, rest = found
            if option not in chosen:
                chosen.append(option)
            for separator in separators:
                if rest.startswith(separator):
                    rest = rest[len(separator) :].lstrip()
                    break
        return chosen

    def _cell(self, row: int, column: Column, message: str, severity: str = "error") -> Problem:
        role = column.role
        about = f" ({role.target})" if role.kind in ("answer", "note") else ""
        return _at(
            self.path,
            self.sheet,
            row,
            column.number,
            f"column {_quote(column.header)}{about}: {message}",
            severity,
        )


def _option_at(
    vocabulary: _Vocabulary, rest: str, separators: tuple[str, ...]
) -> tuple[str, str] | None:
    """The option whose label (longest first) starts `rest` and ends at a separator or the
    end, and what follows it."""
    for label, option in vocabulary.by_length:
        if rest.startswith(label):
            after = rest[len(label) :].lstrip()
            if not after or after.startswith(separators):
                return option, after
    return None


class _Unfit(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _role(
    key: str,
    text: str,
    letter: str,
    mapped: Mapping[str, str],
    ids: set[str],
    by_question: Mapping[str, str],
    form_tool: bool,
) -> Role:
    target = mapped.get(key) or mapped.get(letter.casefold())
    if target is not None:
        return _mapped_role(target, ids)
    if text.strip() in ids:
        return Role("answer", text.strip())
    for suffix in _NOTE_SUFFIXES:
        if key.endswith(suffix) and key[: -len(suffix)].strip() in ids:
            return Role("note", key[: -len(suffix)].strip())
    found = by_question.get(question_key(text))
    if found is not None:
        return Role("answer", found)
    if key in ("name", "id") and not form_tool:
        return Role("company", key)
    if key in _COMPANY_HEADERS:
        return Role("company", _COMPANY_HEADERS[key])
    if key in _RESPONDENT_HEADERS:
        return Role("respondent")
    if key in _CONTACT_HEADERS:
        return Role("contact", _CONTACT_HEADERS[key])
    if key in _TIMESTAMP_HEADERS:
        return Role("timestamp")
    if key in _FORM_HEADERS:
        return Role("ignore")
    return Role("unmatched")


def _mapped_role(target: str, ids: set[str]) -> Role:
    if target in ids:
        return Role("answer", target)
    if target.endswith(" note") and target[:-5] in ids:
        return Role("note", target[:-5])
    if target in COMPANY_FIELDS:
        return Role("company", target)
    if target in ("respondent", "timestamp", "ignore"):
        return Role(target)
    return Role("ignore")  # a mapping file's targets are checked when it is read


MAPPING_TARGETS = ("respondent", "timestamp", "ignore", *COMPANY_FIELDS)
"""What a mapping file's column may name besides an indicator id (or `<id> note`)."""


def _number(answer: NumberAnswer, raw: Any, text: str) -> tuple[float | int, str]:
    warning = ""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        cleaned = text.replace("\u00a0", " ").strip()
        percent = cleaned.endswith("%")
        cleaned = cleaned.rstrip("%").strip()
        if _THOUSANDS.match(cleaned):
            cleaned = cleaned.replace(",", "").replace(" ", "")
        for prefix in (">=", "≥", ">", "at least", "min", "约", "~", "about"):
            if cleaned.casefold().startswith(prefix):
                cleaned = cleaned[len(prefix) :].strip()
                break
        try:
            value: float | int = (
                float(cleaned) if any(c in cleaned for c in ".eE") else int(cleaned)
            )
        except ValueError:
            raise _Unfit(f"{_quote(text)} is not a number") from None
        if percent and answer.unit != "%":
            raise _Unfit(f"{_quote(text)} is a percentage; this question asks for {answer.unit}")
    else:
        value = raw
        if answer.unit == "%" and isinstance(raw, float) and 0 < raw < 1:
            # A cell formatted as a percentage holds 0.85 for 85%.
            value = round(raw * 100, 6)
            warning = f"{raw!r} read as {value:g}%"
    if value != value or value in (float("inf"), float("-inf")):
        raise _Unfit(f"{_quote(text)} is not a number")
    low, high = answer.min, answer.max
    if (low is not None and value < low) or (high is not None and value > high):
        unit = answer.unit
        raise _Unfit(f"{value:g}{unit} is out of range: expected {low:g} to {high:g}{unit}")
    return value, warning


def _date(raw: Any, keep_time: bool = False) -> str:
    if isinstance(raw, dt.datetime):
        return raw.isoformat(sep=" ") if keep_time else raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    text = _text(raw).strip()
    try:  # ISO 8601, the commonest, first and fast
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return parsed.isoformat(sep=" ") if keep_time else parsed.date().isoformat()
    for pattern in (
        "%Y/%m/%d %I:%M:%S %p",
        "%Y/%m/%d %H:%M:%S",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d",
        "%d/%m/%Y",
        "%m/%d/%Y %I:%M:%S %p",
    ):
        try:
            parsed = dt.datetime.strptime(text.split(" GMT")[0].split("+")[0], pattern)
        except ValueError:
            continue
        return parsed.isoformat(sep=" ") if keep_time else parsed.date().isoformat()
    return text


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _quote(text: str) -> str:
    shown = text if len(text) <= 80 else text[:77] + "..."
    return '"' + shown.replace('"', "'") + '"'


def _listed(ind: Indicator) -> str:
    pairs = _pairs(ind)
    return ", ".join(f"{option_id} ({label})" for option_id, label in pairs)


def _at(
    path: str, sheet: str | None, row: int, column: int, message: str, severity: str = "error"
) -> Problem:
    return Problem(path, message, row, column, severity, sheet)


def company_key(company: Mapping[str, Any]) -> str:
    """Which assessment a row belongs to: the company id, else its normalised name."""
    given = company.get("id")
    return f"id:{given}" if given else f"name:{normalised(str(company.get('name', '')))}"


def read_mapping(data: Any, problem: Any, options: Mapping[str, frozenset[str]]) -> Mapping_:
    """A mapping file's data, checked against each indicator's option ids; `problem(loc,
    message)` makes a located Problem. Raises SourceError with every problem."""
    from retail_stage.sources import SourceError

    known = set(options)
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise SourceError(problem((), "a --map file is a mapping with columns, answers, separator"))
    for key in data:
        if key not in ("columns", "answers", "separator"):
            problems.append(
                problem((key,), f"unexpected key {key!r}: expected columns, answers or separator")
            )
    columns = data.get("columns") or {}
    answers = data.get("answers") or {}
    separator = data.get("separator")
    if not isinstance(columns, dict):
        problems.append(
            problem(
                ("columns",),
                "columns: map each column header or letter to an indicator id or a company field",
            )
        )
        columns = {}
    for header, target in columns.items():
        if not isinstance(target, str) or not (
            target in known
            or target in MAPPING_TARGETS
            or (target.endswith(" note") and target[:-5] in known)
        ):
            problems.append(
                problem(
                    ("columns", header),
                    f"{target!r} is not an indicator id, "
                    "'<id> note', or one of " + ", ".join(MAPPING_TARGETS),
                )
            )
    if not isinstance(answers, dict):
        problems.append(
            problem(("answers",), "answers: map an indicator id to {answer text: option id}")
        )
        answers = {}
    for ind_id, words in answers.items():
        if ind_id not in known:
            problems.append(problem(("answers", ind_id), f"{ind_id!r} is not an indicator id"))
        elif not isinstance(words, dict):
            problems.append(problem(("answers", ind_id), "map each answer text to an option id"))
        else:
            for text, option in words.items():
                if option not in options[ind_id]:
                    problems.append(
                        problem(
                            ("answers", ind_id, text),
                            f"{option!r} is not an "
                            f"option of {ind_id}: " + ", ".join(sorted(options[ind_id])),
                        )
                    )
    if separator is not None and (not isinstance(separator, str) or not separator):
        problems.append(problem(("separator",), "separator: the text between selected options"))
    if problems:
        raise SourceError(problems)
    return Mapping_(
        {str(k): str(v) for k, v in columns.items()},
        {k: {str(a): str(b) for a, b in v.items()} for k, v in answers.items()},
        separator,
    )
