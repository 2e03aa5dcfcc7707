"""An answer written as text, to the value a profile stores: one reading wherever it is written.

`assess` reads what a person types with `read_text`, and the engine's readers read the text
answers of a profile file (those that are not already an option id or a plain word) with it
too, so both accept the same answers and give the same reason for one they do not. Pure: no
I/O; the reasons are in the interface language (`retail_stage.messages`).

What a text answer may be, in any language the rubric has (case, spacing and full-width forms
do not matter: the text is NFKC-normalised, so `６０％` is `60%` and `１，３` is `1,3`):

- yes or no: `yes`/`y`/`true`, `no`/`n`/`false`, 是/对/是的/对的/有, 否/不/不是/不对/没有/无;
- unknown: `unknown`, `?`, nothing, 不知道/未知/不清楚; n/a where the rubric allows it:
  `n/a`, `na`, `not applicable`, 不适用;
- an option: its id, or its label in any language of the rubric;
- several options: ids or labels separated by `,` `;` or `、`, or `none`/`0`/无 for none;
- a number, its unit after it or not (`60`, `60 %`).

Shares. A number question whose unit is `%` asks for a share (in the bundled rubric all four
number questions do: the share of SKUs sold online, of sales paid electronically, of stores
that are smart, of SKUs replenished by forecast). Its answer is a percentage, `60` or `60%`, or
a share written as a fraction of one, `0.6`: a number strictly between 0 and 1 without a
percent sign means that fraction of 100 % (0.6 is 60 %), in a typed answer and in a file
alike (a spreadsheet cell formatted as a percentage holds 0.6 for 60 % too). Less than one
percent is written with its sign: `0.6%`. A question whose range ends at 1 (a share of one)
takes `60%` as 0.6.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from retail_stage.messages import _
from retail_stage.rubric import (
    BooleanAnswer,
    ChoiceAnswer,
    Indicator,
    MultiAnswer,
    NumberAnswer,
    ScaleAnswer,
)

UNKNOWN = "unknown"
"""How an answer that is not known is stored."""

NOT_APPLICABLE = "n/a"
"""How an answer that does not apply to the business is stored."""

YES_WORDS = frozenset({"y", "yes", "true", "是", "对", "是的", "对的", "有"})
NO_WORDS = frozenset({"n", "no", "false", "否", "不", "不是", "不对", "没有", "无"})
UNKNOWN_WORDS = frozenset({"unknown", "?", "", "不知道", "未知", "不清楚"})
NA_WORDS = frozenset({"n/a", "na", "not applicable", "不适用"})
NONE_WORDS = frozenset({"0", "none", "-", "无", "没有", "都没有"})
"""What a multiple-choice answer with no option chosen is."""

SEPARATORS = (",", ";", "、")
"""What separates the options of a multiple-choice answer (after NFKC: `，` is `,`)."""

_SPLIT = re.compile("[" + re.escape("".join(SEPARATORS)) + "]")


@dataclass(frozen=True)
class Invalid:
    """Text that is not an answer to this question, and the one-line reason why."""

    reason: str


def normalised(text: str) -> str:
    """The text as answers are compared: NFKC (full-width forms), one space, case folded."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def shown(value: Any) -> str:
    """A value quoted in a reason, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def option_pairs(ind: Indicator) -> list[tuple[str, str]]:
    """(id, label) of each level or option in rubric order; none for yes/no and numbers."""
    answer = ind.answer
    if isinstance(answer, ScaleAnswer):
        return [(lv.id, lv.label) for lv in answer.levels]
    if isinstance(answer, (ChoiceAnswer, MultiAnswer)):
        return [(o.id, o.label) for o in answer.options]
    return []


class Vocabulary:
    """The words that name each option of one indicator: its id and its label in every
    language of the rubric (`labels`: option id to its labels, as the rubric's
    `option_labels` holds them for the indicator)."""

    def __init__(self, ind: Indicator, labels: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.indicator = ind
        self.options = option_pairs(ind)
        self.ids = tuple(option_id for option_id, _label in self.options)
        words: dict[str, str] = {}
        for option_id, _label in self.options:
            words.setdefault(normalised(option_id), option_id)
        for option_id, label in self.options:
            words.setdefault(normalised(label), option_id)
        for option_id, _label in self.options:
            for label in (labels or {}).get(option_id, ()):
                words.setdefault(normalised(label), option_id)
        self.words = words
        # Longest first, so that a label holding a separator ("Catalogue, phone or TV") is
        # taken whole before a shorter label that starts it.
        self.by_length = sorted(words.items(), key=lambda item: -len(item[0]))


def read_text(vocabulary: Vocabulary, text: str, *, numbered: bool = False) -> Any:
    """The stored value `text` means for the vocabulary's indicator (True/False, an option id,
    a list of ids, a number, UNKNOWN or NOT_APPLICABLE), or an Invalid; never raises.
    `numbered`: an option may also be named by its number on the screen (typed answers)."""
    ind = vocabulary.indicator
    word = normalised(text)
    if word in UNKNOWN_WORDS:
        return UNKNOWN
    if word in NA_WORDS:
        return NOT_APPLICABLE if ind.allow_na else Invalid(na_reason(ind))
    answer = ind.answer
    if isinstance(answer, BooleanAnswer):
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        return Invalid(_("{answer} is not yes or no").format(answer=shown(text.strip())))
    if isinstance(answer, NumberAnswer):
        return read_number(answer, text)
    if isinstance(answer, MultiAnswer):
        return _several(vocabulary, text, numbered)
    chosen = _pick(vocabulary, word, numbered)
    if chosen is None:
        return Invalid(not_an_option(vocabulary, text.strip()))
    return chosen


def na_reason(ind: Indicator) -> str:
    """Why n/a is not an answer to this indicator."""
    if ind.required:
        return _("n/a is not accepted for this question: it is a gate of its stage")
    return _("n/a is not accepted for this question: the rubric does not allow it here")


def not_an_option(vocabulary: Vocabulary, text: Any) -> str:
    """The reason `text` (or a value that is not text) is not an option of the vocabulary's
    indicator."""
    return _("{answer} is not one of the options: {options}").format(
        answer=shown(text), options=", ".join(vocabulary.ids)
    )


def _pick(vocabulary: Vocabulary, word: str, numbered: bool) -> str | Invalid | None:
    """The option id a normalised word names (number, id or label), an Invalid number, or None."""
    if numbered and word.isdigit():
        number, count = int(word), len(vocabulary.options)
        if 1 <= number <= count:
            return vocabulary.ids[number - 1]
        return Invalid(
            _("there is no option {number}: choose 1 to {count}").format(number=number, count=count)
        )
    return vocabulary.words.get(word)


def _several(vocabulary: Vocabulary, text: str, numbered: bool) -> list[str] | Invalid:
    word = normalised(text)
    whole = _pick(vocabulary, word, numbered)  # a label may itself hold a separator
    if isinstance(whole, str):
        return [whole]
    if word in NONE_WORDS:
        return []
    chosen: set[str] = set()
    rest = word
    while rest:
        rest = rest.lstrip(" " + "".join(SEPARATORS))
        if not rest:
            break
        token = _SPLIT.split(rest, maxsplit=1)[0].strip()
        if numbered and token and all(part.isdigit() for part in token.split()):
            for part in token.split():  # "1 3" as well as "1,3"
                found = _pick(vocabulary, part, numbered)
                if not isinstance(found, str):
                    assert isinstance(found, Invalid)
                    return found
                chosen.add(found)
            rest = rest[len(token) :].lstrip()
            continue
        taken = _option_at(vocabulary, rest)
        if taken is None:
            return Invalid(not_an_option(vocabulary, _as_typed(text, token)))
        option_id, rest = taken
        chosen.add(option_id)
    return [option_id for option_id in vocabulary.ids if option_id in chosen]


def _option_at(vocabulary: Vocabulary, rest: str) -> tuple[str, str] | None:
    """The option whose id or label (longest first) starts `rest` and ends at a separator or
    the end, and what follows it."""
    for label, option_id in vocabulary.by_length:
        if label and rest.startswith(label):
            after = rest[len(label) :].lstrip()
            if not after or after.startswith(SEPARATORS):
                return option_id, after
    return None


def _as_typed(text: str, token: str) -> str:
    """The part of `text` that normalises to `token`, as it was written."""
    for part in _SPLIT.split(unicodedata.normalize("NFKC", text)):
        if normalised(part) == token:
            return part.strip()
    return token


def expected_number(answer: NumberAnswer) -> str:
    """What a number question takes, in words: `a number from 0 to 100 %`."""
    unit = f" {answer.unit}" if answer.unit else ""
    low = None if answer.min is None else f"{answer.min:g}"
    high = None if answer.max is None else f"{answer.max:g}"
    if low is not None and high is not None:
        return _("a number from {low} to {high}{unit}").format(low=low, high=high, unit=unit)
    if low is not None:
        return _("a number of at least {low}{unit}").format(low=low, unit=unit)
    if high is not None:
        return _("a number of at most {high}{unit}").format(high=high, unit=unit)
    return _("a number{unit}").format(unit=unit)


def is_share(answer: NumberAnswer) -> bool:
    """Whether the question asks for a share in percent, where 0.6 means 60 %."""
    return answer.unit == "%"


def from_share(value: float) -> float:
    """A fraction of one strictly between 0 and 1 as percent (0.6 is 60), else the value."""
    return round(value * 100, 9) if 0 < value < 1 else value


def out_of_range(answer: NumberAnswer, value: float) -> str | None:
    """The reason a number is outside the question's range, or None when it is inside."""
    if (answer.min is not None and value < answer.min) or (
        answer.max is not None and value > answer.max
    ):
        unit = f" {answer.unit}" if answer.unit else ""
        return _("{number}{unit} is out of range: expected {expected}").format(
            number=f"{value:g}" if isinstance(value, float) else shown(value),
            unit=unit,
            expected=expected_number(answer),
        )
    return None


def read_number(answer: NumberAnswer, text: str) -> int | float | Invalid:
    """The number `text` means for a number question (its unit after it or not, a share as
    the module says), or an Invalid."""
    body = " ".join(unicodedata.normalize("NFKC", text).split())
    percent = body.endswith("%")
    if percent:
        body = body[:-1].rstrip()
    elif answer.unit and body.casefold().endswith(answer.unit.casefold()):
        body = body[: -len(answer.unit)].rstrip()
    try:
        number = float(body)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not body:
        return Invalid(
            _("{answer} is not a number: expected {expected}").format(
                answer=shown(text.strip()), expected=expected_number(answer)
            )
        )
    if is_share(answer):
        if not percent:
            number = from_share(number)
    elif percent:
        if answer.max is None or answer.max > 1:
            return Invalid(
                _("{answer} is a percentage; this question asks for {unit}").format(
                    answer=shown(text.strip()), unit=answer.unit or _("a plain number")
                )
            )
        number = round(number / 100, 9)
    reason = out_of_range(answer, number)
    if reason is not None:
        return Invalid(reason)
    return int(number) if number.is_integer() else number


def stored_value(
    ind: Indicator, value: Any, labels: Mapping[str, tuple[str, ...]] | None = None
) -> Any:
    """The value scoring reads from `value` as a profile has it ("55%" is 55, a label is its
    option id, 0.6 of a share is 60); `value` itself where it is already that or cannot be read.

    Reports describe answers from this, so an answer written in words or in the rubric's other
    language is shown as the option it names, in the report's language.
    """
    answer = ind.answer
    if isinstance(value, str):
        found = read_text(Vocabulary(ind, labels), value)
        return value if isinstance(found, Invalid) or found in (UNKNOWN, NOT_APPLICABLE) else found
    if isinstance(value, list) and isinstance(answer, MultiAnswer):
        vocabulary = Vocabulary(ind, labels)
        ids = []
        for item in value:
            found = read_text(vocabulary, item) if isinstance(item, str) else item
            ids += found if isinstance(found, list) else [item]
        return ids
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and isinstance(answer, NumberAnswer) and is_share(answer):
        return from_share(value)
    return value
