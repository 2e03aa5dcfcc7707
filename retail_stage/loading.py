"""From loaded data to checked models, with every mistake located in its file.

`Document` is one profile as it stood in its file (a YAML document, a JSON file, a JSONL
line); turning its data into a `Profile`, and its answers into scores, reports problems at the
line and column of the value to fix.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from retail_stage.messages import N_, _, n_
from retail_stage.sources import (
    DEFAULT_MAX_BYTES,
    KEY,
    Loc,
    Problem,
    SourceError,
    decode,
    load_yaml,
    locate,
    os_reason,
    read_file_limited,
    shown_name,
)
from retail_stage.version import bundled_rubric_path

if TYPE_CHECKING:
    from pydantic import ValidationError

    from retail_stage.engine import AnswerError, CompiledRubric, Result
    from retail_stage.rubric import Rubric


class Document(NamedTuple):
    """One profile's data and where it came from, able to position a problem in its text.

    A named tuple: a batch makes one per profile, and a tuple is the cheapest to make.
    """

    source: str
    path: str
    data: Any
    text: str
    document: int = 0
    """Which YAML document of the text this is (0 for the first)."""
    line_offset: int = 0
    span: tuple[int, int] | None = None
    """Where this document lies in `text` (then `line_offset` is its first line): a problem
    is located by reading it alone. Without it, the text is read up to the document."""
    notices: tuple[str, ...] = ()
    """Warnings found while reading it (a survey column that matches nothing)."""

    def problem(self, loc: Loc, message: str, severity: str = "error") -> Problem:
        """A problem at `loc` in this document (positions are computed only now)."""
        if self.span is None:
            line, column = locate(self.text, loc, self.document, self.line_offset)
        else:
            start, end = self.span
            line, column = locate(self.text[start:end], loc, 0, self.line_offset)
        return Problem(self.path, message, line, column, severity)


MAX_PROBLEMS_SHOWN = 10
"""Problems of one profile shown on the terminal; the rest are counted in one more line."""


@dataclass(frozen=True, slots=True)
class Failure:
    """A profile, or a whole input, that could not be scored."""

    source: str
    problems: tuple[Problem, ...]
    partial: bool = False
    """A survey row whose unreadable answers are left unanswered: its other answers are
    still scored, in its company's profile."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", shown_name(self.source))

    @property
    def message(self) -> str:
        """The one line that names the input, the position and what is wrong (the first
        problem, when there are several)."""
        return str(self.problems[0])

    def lines(self, limit: int = MAX_PROBLEMS_SHOWN) -> list[str]:
        """A line a problem, as ruff and yamllint give them: the first `limit`, then one line
        that says how many more there are."""
        shown = [str(problem) for problem in self.problems[:limit]]
        hidden = len(self.problems) - limit
        if hidden > 0:
            more = n_("and {n} more problem", "and {n} more problems", hidden).format(n=hidden)
            shown.append(f"{self.source}: error: {more}")
        return shown

    def to_dict(self) -> dict[str, Any]:
        """The record that stands in for a result: the first problem as fields (and as the
        one line `error`), every problem under `errors` when there are several."""
        first = self.problems[0]
        record: dict[str, Any] = {
            "source": self.source,
            "error": self.message,
            "line": first.line,
            "column": first.column,
            "message": first.message,
        }
        if len(self.problems) > 1:
            record["errors"] = [problem.to_dict() for problem in self.problems]
        return record


def _describe(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(step) for step in loc)


def validation_problems(exc: ValidationError, place: Any) -> list[Problem]:
    """One positioned problem per pydantic error; `place(loc, message)` makes a Problem."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(step for step in error["loc"] if not _is_union_tag(step))
        kind = error["type"]
        where = _describe(loc)
        if loc and loc[-1] == "[key]":
            key = loc[-2]
            message = _("key {key} must be text").format(key=repr(key))
            problems.append(place((*loc[:-1], KEY), f"{_describe(loc[:-2])}: {message}"))
        elif kind == "missing":
            parent, name = loc[:-1], loc[-1]
            message = _("missing required key {key}").format(key=repr(name))
            within = _describe(parent) or _("document")
            problems.append(place(parent, f"{within}: {message}"))
        elif kind == "extra_forbidden":
            message = _("unexpected key {key} in {place}").format(
                key=repr(loc[-1]), place=_describe(loc[:-1]) or _("document")
            )
            problems.append(place((*loc, KEY), message))
        elif kind == "too_short" and isinstance(error.get("ctx"), dict):
            need, found = error["ctx"]["min_length"], error["ctx"]["actual_length"]
            message = n_(
                "needs at least {need} item, found {found}",
                "needs at least {need} items, found {found}",
                need,
            ).format(need=need, found=found)
            problems.append(place(loc, f"{where}: {message}"))
        elif kind in ("model_type", "dict_type", "model_attributes_type") and not loc:
            got = type(error["input"]).__name__ if error["input"] is not None else "nothing"
            message = _("expected a mapping at the top of the document, got {found}").format(
                found=_yaml_type(got)
            )
            problems.append(place(loc, message))
        else:
            message = _pydantic_message(error)
            problems.append(
                place(loc, f"{where}: {message[0].lower()}{message[1:]}" if where else message)
            )
    return problems


_PLAIN_MESSAGES = {
    "string_type": N_("expected text"),
    "int_type": N_("expected a whole number"),
    "int_parsing": N_("expected a whole number"),
    "int_from_float": N_("expected a whole number"),
    "float_type": N_("expected a number"),
    "float_parsing": N_("expected a number"),
    "finite_number": N_("expected a finite number"),
    "bool_type": N_("expected yes or no (true or false)"),
    "bool_parsing": N_("expected yes or no (true or false)"),
    "list_type": N_("expected a list"),
    "dict_type": N_("expected a mapping"),
    "model_type": N_("expected a mapping"),
    "model_attributes_type": N_("expected a mapping"),
    "date_type": N_("expected a date, YYYY-MM-DD"),
    "date_parsing": N_("expected a date, YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("expected a date, YYYY-MM-DD"),
    "date_from_datetime_inexact": N_("expected a date without a time, YYYY-MM-DD"),
    "none_required": N_("must be empty"),
}
"""pydantic's messages without fields, by their error type, in the catalogue's words."""

_LIMIT_MESSAGES = {
    "greater_than": ("gt", N_("must be greater than {limit}")),
    "greater_than_equal": ("ge", N_("must be at least {limit}")),
    "less_than": ("lt", N_("must be less than {limit}")),
    "less_than_equal": ("le", N_("must be at most {limit}")),
    "string_too_short": ("min_length", N_("needs at least {limit} characters")),
    "string_too_long": ("max_length", N_("takes at most {limit} characters")),
    "too_long": ("max_length", N_("takes at most {limit} items")),
    "string_pattern_mismatch": ("pattern", N_("must match the pattern {limit}")),
}
"""pydantic's messages with one field: the error type, the field of its context, the words."""


def _pydantic_message(error: Any) -> str:
    """A pydantic error's message, in the interface language: English keeps pydantic's
    words; another language has the common ones by their type (`greater_than`...), and one
    not known here as pydantic says it. A value error is one of our validators' own."""
    from retail_stage import messages

    message: str = error["msg"]
    kind = error["type"]
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    if messages.language() == "en":
        return message
    ctx = error.get("ctx") or {}
    if kind in _PLAIN_MESSAGES:
        return _(_PLAIN_MESSAGES[kind])
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return _("must not be empty")
    if kind in _LIMIT_MESSAGES and _LIMIT_MESSAGES[kind][0] in ctx:
        field, words = _LIMIT_MESSAGES[kind]
        return _(words).format(limit=ctx[field])
    if kind == "literal_error" and "expected" in ctx:
        expected = str(ctx["expected"]).replace(" or ", ", ")
        return _("expected one of {expected}").format(expected=expected)
    if kind == "union_tag_invalid" and "tag" in ctx:
        expected = str(ctx.get("expected_tags", ""))
        return _("{field} {value} is not one of {expected}").format(
            field=ctx.get("discriminator", "kind").strip("'"),
            value=repr(ctx["tag"]),
            expected=expected,
        )
    if kind == "union_tag_not_found":
        return _("missing required key {key}").format(key=ctx.get("discriminator", "'kind'"))
    return message


def _is_union_tag(step: str | int) -> bool:
    return isinstance(step, str) and step in ("boolean", "scale", "choice", "multi", "number")


def _yaml_type(name: str) -> str:
    words = {
        "list": N_("a list"),
        "str": N_("a string"),
        "int": N_("a number"),
        "float": N_("a number"),
        "bool": N_("a yes/no"),
        "nothing": N_("nothing"),
    }
    return _(words[name]) if name in words else name


def load_rubric(path: str | Path | None = None, lang: str | None = None) -> Rubric:
    """The rubric at `path` (default: the bundled one), checked as a whole; raises SourceError.

    Its texts are resolved to `lang` when the rubric declares it, else to its first language,
    so every consumer reads plain strings. A rubric checked before is read from the cache
    (`retail_stage.rubric_cache`), which only ever holds what checking these bytes gave.
    """
    return _load_rubric(str(bundled_rubric_path() if path is None else path), lang)


@functools.lru_cache(maxsize=8)
def _load_rubric(path: str, lang: str | None) -> Rubric:
    from retail_stage import rubric_cache

    try:
        data = read_file_limited(path, path, DEFAULT_MAX_BYTES)
    except OSError as exc:
        raise SourceError(Problem(path, _cannot_read_rubric(exc))) from None
    cached = rubric_cache.read(data, lang)
    if cached is not None:
        return cached
    rubric, problems = read_rubric(path, lang, data=data)
    errors = [p for p in problems if p.severity == "error"]
    if errors or rubric is None:
        raise SourceError(errors)
    rubric_cache.write(data, lang, rubric)
    return rubric


def _cannot_read_rubric(exc: OSError) -> str:
    return _("cannot read rubric: {reason}").format(reason=os_reason(exc))


def read_rubric(
    path: str, lang: str | None = None, *, data: bytes | None = None
) -> tuple[Rubric | None, list[Problem]]:
    """The rubric at `path` (None when it has errors) and all its problems, warnings included.

    Field errors and whole-rubric problems are reported together, as far as the valid parts
    allow, in the order of their position in the file. `data`, when given, is the file's
    content already read.
    """
    from pydantic import ValidationError

    from retail_stage import rubric_model
    from retail_stage.rubric import DEFAULT_LANGUAGE, check_rubric

    if data is None:
        try:
            data = read_file_limited(path, path, DEFAULT_MAX_BYTES)
        except OSError as exc:
            raise SourceError(Problem(path, _cannot_read_rubric(exc))) from None
    text = decode(data, path)
    content = load_yaml(text, path)

    def place(loc: Loc, message: str, severity: str = "error") -> Problem:
        line, column = locate(text, loc)
        return Problem(path, message, line, column, severity)

    languages = content.get("languages") if isinstance(content, dict) else None
    default = (
        languages[0]
        if isinstance(languages, list) and languages and isinstance(languages[0], str)
        else DEFAULT_LANGUAGE
    )
    context = {"lang": lang, "default": default}
    whole = [
        place(p.loc, p.message, p.severity) for p in rubric_model.translation_problems(content)
    ]
    rubric: Rubric | None = None
    try:
        model = rubric_model.Rubric.model_validate(content, context=context)
    except ValidationError as exc:
        fields = validation_problems(exc, place)
        whole += [
            place(p.loc, p.message, p.severity)
            for p in rubric_model.check_partial_rubric(content, context)
        ]
    else:
        # The whole is checked on the runtime objects, the same that scoring reads.
        rubric, fields = rubric_model.to_runtime(model), []
        rubric = dataclasses.replace(rubric, option_labels=_option_labels(content, rubric))
        whole += [place(p.loc, p.message, p.severity) for p in check_rubric(rubric)]
    problems = sorted(fields + whole, key=_in_reading_order)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return rubric, problems


def _option_labels(content: Any, rubric: Rubric) -> dict[str, dict[str, tuple[str, ...]]]:
    """Each option's label in every language of the rubric, from its checked file data (the
    runtime rubric keeps the labels of one language only)."""
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for ind, raw in zip(rubric.indicators, content["indicators"], strict=True):
        answer = raw.get("answer") or {}
        options = answer.get("levels") or answer.get("options") or []
        labels = {}
        for option in options:
            label = option.get("label")
            given = [label] if isinstance(label, str) else list(label.values())
            labels[str(option["id"])] = tuple(dict.fromkeys(str(text) for text in given))
        if labels:
            found[ind.id] = labels
    return found


def _in_reading_order(problem: Problem) -> tuple[int, int]:
    return (problem.line or 0, problem.column or 0)


def company_record(profile_company: Any) -> dict[str, Any]:
    """The company block of a result, with a fixed set of keys."""
    assessed = profile_company.assessed_on
    return {
        "name": profile_company.name,
        "id": profile_company.id,
        "sector": profile_company.sector,
        "country": profile_company.country,
        "assessed_on": assessed.isoformat() if assessed is not None else None,
    }


class _Checked(NamedTuple):
    """A profile's parts once its shape is checked: what scoring needs, models or not."""

    company: dict[str, Any]
    rubric: tuple[str, str | None] | None
    answers: dict[str, Any]
    respondents: tuple[Any, ...] | None = None
    """Several people's answers (the model's RespondentAnswers), merged when scored."""
    merge: str | None = None


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PROFILE_KEYS = frozenset({"company", "rubric", "answers"})
_COMPANY_KEYS = frozenset({"name", "id", "sector", "country", "assessed_on"})
_REF_KEYS = frozenset({"id", "version"})
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
"""Unicode's White_Space, what the model strips from names: str.strip() would also take the
separators \x1c-\x1f, which the model keeps."""


def plain_profile(data: Any) -> _Checked | None:
    """The parts of a profile of the common, well-formed shape, checked without models.

    It accepts exactly what the `Profile` model accepts and gives the same values (names
    stripped, dates as YYYY-MM-DD, numeric versions as text); for anything less plain it
    returns None and the model judges, so every error keeps the model's wording. A batch of
    good profiles never builds a model.
    """
    if data.__class__ is not dict or not data.keys() <= _PROFILE_KEYS:
        return None
    company = data.get("company")
    if company.__class__ is not dict or not company.keys() <= _COMPANY_KEYS:
        return None
    record: dict[str, Any] = {}
    for key in ("name", "id", "sector", "country"):
        value = company.get(key)
        if value is not None:
            if value.__class__ is not str:
                return None
            value = value.strip(_WHITE_SPACE)
        record[key] = value
    if not record["name"]:
        return None
    assessed = company.get("assessed_on")
    if assessed is not None:
        if assessed.__class__ is str:
            if len(assessed) != 10 or assessed[4] != "-" or assessed[7] != "-":
                return None
            try:
                assessed = dt.date.fromisoformat(assessed)
            except ValueError:
                return None
        if assessed.__class__ is not dt.date:
            return None
        assessed = assessed.isoformat()
    record["assessed_on"] = assessed
    ref = data.get("rubric")
    if ref is not None:
        if ref.__class__ is not dict or not ref.keys() <= _REF_KEYS:
            return None
        rubric_id, version = ref.get("id"), ref.get("version")
        if rubric_id.__class__ is not str:
            return None
        if version.__class__ in (int, float):
            version = str(version)  # `version: 1.0` is a label, as in the model
        elif version is not None and version.__class__ is not str:
            return None
        ref = (rubric_id, version)
    answers = data.get("answers")
    if answers is None:
        if "answers" in data:
            return None
        answers = {}
    elif answers.__class__ is not dict:
        return None
    return _Checked(record, ref, answers)


def _modelled_profile(document: Document) -> _Checked:
    """The parts of a profile checked by the `Profile` model; raises SourceError."""
    from pydantic import ValidationError

    from retail_stage.profile import Profile

    try:
        profile = Profile.model_validate(document.data)
    except ValidationError as exc:
        raise SourceError(validation_problems(exc, document.problem)) from None
    ref = profile.rubric
    return _Checked(
        company_record(profile.company),
        None if ref is None else (ref.id, ref.version),
        profile.answers,
        None if profile.respondents is None else tuple(profile.respondents),
        profile.merge,
    )


@functools.cache
def _engine() -> tuple[Callable[..., Result], type[AnswerError]]:
    """The engine's scoring function and error, imported once, at the first profile scored
    (an import statement in `score_document` would cost every profile of a batch as much as
    a third of checking its shape)."""
    from retail_stage.engine import AnswerError, score_answers

    return score_answers, AnswerError


def score_document(
    compiled: CompiledRubric, document: Document, merge: str | None = None
) -> Result:
    """Check one document as a profile of `compiled`'s rubric and score it; raises SourceError.
    `merge` (median, min, mean, latest) overrides a profile's own for several respondents."""
    score_answers, answer_error = _engine()
    profile = plain_profile(document.data) or _modelled_profile(document)
    warnings: tuple[str, ...] = document.notices
    if profile.rubric is not None and profile.rubric != (
        compiled.rubric_id,
        compiled.rubric_version,
    ):
        rubric = compiled.rubric
        ref_id, ref_version = profile.rubric
        if ref_id != rubric.id:
            raise SourceError(
                document.problem(
                    ("rubric", "id"),
                    _(
                        "profile was answered for rubric {asked}, not {rubric}; "
                        "pass the matching --rubric"
                    ).format(asked=repr(ref_id), rubric=repr(rubric.id)),
                )
            )
        if ref_version is not None and ref_version != rubric.version:
            problem = document.problem(
                ("rubric", "version"),
                _(
                    "profile was answered for version {asked} of {rubric}; "
                    "scored with version {version}"
                ).format(asked=ref_version, rubric=repr(rubric.id), version=rubric.version),
                severity="warning",
            )
            warnings = (*warnings, str(problem))
    if profile.respondents is not None:
        return _merged(compiled, document, profile, merge, warnings)
    try:
        return score_answers(
            compiled,
            profile.answers,
            source=shown_name(document.source),
            company=profile.company,
            warnings=warnings,
        )
    except answer_error:
        from retail_stage.engine import answer_errors

        errors = answer_errors(compiled, profile.answers)
        raise SourceError([document.problem(e.loc, e.message) for e in errors]) from None


def _merged(
    compiled: CompiledRubric,
    document: Document,
    profile: _Checked,
    merge: str | None,
    warnings: tuple[str, ...],
) -> Result:
    from retail_stage.engine import AnswerError, answer_errors
    from retail_stage.panel import Answers, merged_result

    people = [
        Answers(
            r.name, r.source or f"{shown_name(document.source)}#{i + 1}", r.timestamp, r.answers
        )
        for i, r in enumerate(profile.respondents or ())
    ]
    company = profile.company
    dates = [p.timestamp[:10] for p in people if p.timestamp and _DATE.match(p.timestamp)]
    if company.get("assessed_on") is None and dates:
        company = {**company, "assessed_on": max(dates)}  # the day of the latest answers
    try:
        return merged_result(
            compiled,
            people,
            merge or profile.merge or "median",
            source=shown_name(document.source),
            company=company,
            warnings=warnings,
        )
    except AnswerError:
        raise SourceError(
            [
                document.problem(("respondents", i, *e.loc), e.message)
                for i, person in enumerate(people)
                for e in answer_errors(compiled, person.answers)
            ]
        ) from None


def documents_from_text(text: str, path: str, kind: str) -> Iterator[Document | Failure]:
    """The profile documents of a text; `kind` is yaml, json or jsonl.

    A JSONL line that is not JSON is a Failure and the next line goes on. In JSON a syntax
    error spoils the whole file and raises SourceError; in YAML the documents before a broken
    one are yielded, then SourceError names it (the rest of the file is not read).
    """
    from retail_stage.sources import Span, iter_jsonl, iter_yaml_spans, load_json

    if kind == "jsonl":
        for number, line in iter_jsonl(text, path):
            try:
                data = load_json(line, path, line_offset=number - 1)
            except SourceError as exc:
                yield Failure(f"{path}:{number}", exc.problems)
                continue
            yield Document(f"{path}:{number}", path, data, line, 0, number - 1)
        return
    if kind == "json":
        yield Document(path, path, load_json(text, path), text)
        return
    # Documents are read one at a time: the good ones before a broken one are scored, then
    # the broken one is named (libyaml cannot go on past it). Whether a file holds several
    # (and so names them path#N) is known once a second document starts, or fails.
    documents = iter_yaml_spans(text, path)
    ahead: list[tuple[Any, Span | None]] = []
    broken: SourceError | None = None
    try:
        for document in documents:
            ahead.append(document)
            if len(ahead) == 2:
                break
    except SourceError as exc:
        broken = exc
    several = len(ahead) > 1 or (broken is not None and bool(ahead))
    found = False
    for index, (data, span) in enumerate(
        itertools.chain(ahead, documents if broken is None else ())
    ):
        if data is None or span is None:
            continue  # an empty document, e.g. after a trailing '---'
        found = True
        source = f"{path}#{index + 1}" if several else path
        start, end, first_line = span
        yield Document(source, path, data, text, index, first_line, (start, end))
    if broken is not None:
        raise broken
    if not found:
        raise SourceError(
            Problem(path, _("no profile in file: it is empty or holds only comments"))
        )
