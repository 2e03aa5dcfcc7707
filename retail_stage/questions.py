"""The rubric's questions as a person meets them: their order, their options, an answer in words.

Shared by the questionnaire (which asks them), its views (`render/assess.py`) and the blank
template, so that none of these needs another of them.
"""

from __future__ import annotations

from typing import Any

from retail_stage.messages import _
from retail_stage.rubric import (
    BooleanAnswer,
    ChoiceAnswer,
    Indicator,
    MultiAnswer,
    NumberAnswer,
    Rubric,
    ScaleAnswer,
)

YES_WORDS = frozenset({"y", "yes", "true"})
"""What a typed or saved yes is."""

NA_WORDS = frozenset({"n/a", "na", "not applicable"})
"""What a typed or saved "does not apply" is."""


def options_of(ind: Indicator) -> list[tuple[str, str]]:
    """(id, label) of each level or option, numbered from 1 in this order; none for yes/no."""
    answer = ind.answer
    if isinstance(answer, ScaleAnswer):
        return [(lv.id, lv.label) for lv in answer.levels]
    if isinstance(answer, (ChoiceAnswer, MultiAnswer)):
        return [(o.id, o.label) for o in answer.options]
    return []


def bare_value(stored: Any) -> Any:
    """The answer of a saved answer, without its note."""
    return stored.get("value") if isinstance(stored, dict) else stored


def describe(ind: Indicator, stored: Any) -> str:
    """A saved answer in words: labels instead of ids, the unit of a number, the note."""
    value = bare_value(stored)
    note = stored.get("note") if isinstance(stored, dict) else None
    word = value.strip().lower() if isinstance(value, str) else None
    labels = dict(options_of(ind))
    if value is None or word in ("unknown", "?", ""):
        text = _("unknown (skipped)")
    elif word in NA_WORDS:
        text = _("n/a")
    elif isinstance(ind.answer, BooleanAnswer):
        text = _("yes") if value is True or word in YES_WORDS else _("no")
    elif isinstance(value, (int, float)) and isinstance(ind.answer, NumberAnswer):
        text = f"{value:g} {ind.answer.unit}".rstrip()
    elif isinstance(value, list):
        text = _("; ").join(labels.get(str(v), str(v)) for v in value) or _("none")
    else:
        text = labels.get(str(value), str(value))
    return f"{text}  # {note}" if note else text


def question_order(rubric: Rubric) -> tuple[Indicator, ...]:
    """Grouped by dimension in the rubric's order, in rubric order within a dimension; a
    follow-up (ask_if) whose condition would come later moves to just after its condition."""
    rank = {d.id: k for k, d in enumerate(rubric.dimensions)}
    ordered = sorted(rubric.indicators, key=lambda ind: rank[ind.dimension])
    result: list[Indicator] = []
    placed: set[str] = set()
    waiting: dict[str, list[Indicator]] = {}

    def place(ind: Indicator) -> None:
        result.append(ind)
        placed.add(ind.id)
        for follower in waiting.pop(ind.id, []):
            place(follower)

    for ind in ordered:
        condition = ind.ask_if.indicator if ind.ask_if is not None else None
        if condition is not None and condition not in placed:
            waiting.setdefault(condition, []).append(ind)
        else:
            place(ind)
    return tuple(result)
