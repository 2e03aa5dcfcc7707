"""Several respondents of one company as one assessment. Pure: no I/O.

Each respondent's answers are scored on their own (follow-up rule included); then, indicator
by indicator, the scores of the respondents who answered are merged (DESIGN §1, README "From
a survey"):

- `median` (default): the median of their scores (the mean of the middle two for an even
  count); `min`: the lowest; `mean`: the mean; `latest`: the score of the last to answer it
  (by timestamp, else row order).
- An unknown answer counts as unanswered. n/a counts only when everyone who answered said n/a.
- The follow-up rule is applied again to the merged scores.

Each rule is non-decreasing in every respondent's score, and so is the rest of DESIGN §1, so
improving any answer of any respondent never lowers the index.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from retail_stage.engine import (
    NOT_APPLICABLE,
    CompiledRubric,
    Disagreement,
    Panel,
    Respondent,
    Result,
    apply_followups,
    evaluate,
    read_answers,
    standing,
)
from retail_stage.questions import bare_value

MERGES = ("median", "min", "mean", "latest")


class Answers(NamedTuple):
    """One respondent's answers, as a profile writes them."""

    name: str
    source: str
    timestamp: str | None
    answers: Mapping[str, Any]


def merged_result(
    compiled: CompiledRubric,
    respondents: Sequence[Answers],
    merge: str = "median",
    *,
    source: str,
    company: Mapping[str, Any],
    warnings: tuple[str, ...] = (),
) -> Result:
    """The result of several respondents' answers merged by `merge`; raises AnswerError (as
    `score_answers` does) for an answer that does not fit."""
    if merge not in MERGES:
        raise ValueError(f"merge must be one of {', '.join(MERGES)}, not {merge!r}")
    order = sorted(
        range(len(respondents)), key=lambda i: (respondents[i].timestamp or "", i)
    )  # for `latest`: by timestamp, then as given
    each: list[list[float | None]] = []
    notes: dict[str, str] = {}
    for person in respondents:
        scores, said = read_answers(compiled, person.answers)
        each.append(scores)
        for key, note in said.items():
            notes[key] = (
                f"{notes[key]} | {person.name}: {note}"
                if key in notes
                else (f"{person.name}: {note}" if len(respondents) > 1 else note)
            )
    merged = [_merge([each[i][n] for i in order], merge) for n in range(len(compiled.rows))]
    apply_followups(compiled, merged)
    answers = _nearest_answers(compiled, respondents, each, merged)
    result = evaluate(
        compiled,
        merged,
        source=source,
        company=company,
        notes=notes,
        warnings=warnings,
        answers=answers,
    )
    alone = tuple(
        Respondent(person.name, person.source, r.stage, r.label)
        for person, r in zip(
            respondents, (standing(compiled, list(scores)) for scores in each), strict=True
        )
    )
    panel = Panel(merge, alone, _disagreement(compiled, respondents, each, merged, result.index))
    return result.replace(panel=panel)


def _merge(scores: Sequence[float | None], merge: str) -> float | None:
    """One indicator's merged score; `scores` in the order of answering."""
    known = [s for s in scores if s is not None and s != NOT_APPLICABLE]
    if not known:
        return NOT_APPLICABLE if any(s == NOT_APPLICABLE for s in scores) else None
    if merge == "latest":
        return known[-1]
    if merge == "min":
        return min(known)
    if merge == "mean":
        return sum(known) / len(known)
    ordered = sorted(known)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _nearest_answers(
    compiled: CompiledRubric,
    respondents: Sequence[Answers],
    each: Sequence[Sequence[float | None]],
    merged: Sequence[float | None],
) -> dict[str, Any]:
    """For reports: each indicator's answer of the respondent whose score is nearest the
    merged one (the lower on a tie)."""
    answers: dict[str, Any] = {}
    for n, ind_id in enumerate(compiled.ids):
        target = merged[n]
        candidates = [
            (abs((s if s is not None else 0) - (target or 0)), s or 0, i)
            for i, s in enumerate(score[n] for score in each)
            if s is not None and ind_id in respondents[i].answers
        ]
        if candidates and target is not None:
            answers[ind_id] = bare_value(respondents[min(candidates)[2]].answers[ind_id])
    return answers


def _disagreement(
    compiled: CompiledRubric,
    respondents: Sequence[Answers],
    each: Sequence[Sequence[float | None]],
    merged: Sequence[float | None],
    index: float,
) -> tuple[Disagreement, ...]:
    """Indicators scored differently, ordered by how far the spread moves the index (then by
    the spread, then rubric order)."""
    found: list[tuple[float, float, int, Disagreement]] = []
    # A stage above the one being worked on (index = stages met + attainment of the next) moves
    # the index only through a follow-up rule; its indicators' swing is 0, not worked out.
    working_on = int(index)
    parents = {asked_after for _, asked_after, _, _ in compiled.followups}
    for n, ind_id in enumerate(compiled.ids):
        given = [
            (person.name, bare_value(person.answers[ind_id]), scores[n])
            for person, scores in zip(respondents, each, strict=True)
            if ind_id in person.answers and scores[n] is not None and scores[n] != NOT_APPLICABLE
        ]
        if len(given) < 2:
            continue
        low = min(score for _, _, score in given if score is not None)
        high = max(score for _, _, score in given if score is not None)
        if high - low < 1e-9:
            continue
        if compiled.rows[n].stage > working_on and n not in parents:
            swing = 0.0
        else:
            swing = _index_with(compiled, merged, n, high) - _index_with(compiled, merged, n, low)
        entry = Disagreement(ind_id, low, high, swing, tuple(given))
        found.append((-swing, -(high - low), n, entry))
    return tuple(entry for *_, entry in sorted(found, key=lambda item: item[:3]))


def _index_with(
    compiled: CompiledRubric, merged: Sequence[float | None], n: int, score: float
) -> float:
    changed = list(merged)
    changed[n] = score
    apply_followups(compiled, changed)
    return standing(compiled, changed).index
