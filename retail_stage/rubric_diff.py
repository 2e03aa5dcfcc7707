"""What changed between two versions of a rubric, and what that does to scored profiles.

Pure: takes loaded rubrics and profile documents, returns plain records; the command line
decides how they look. Texts (names, questions) are not compared: a diff is about what a
score means, and a reworded question scores the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from retail_stage.rubric import (
    BooleanAnswer,
    ChoiceAnswer,
    Indicator,
    MultiAnswer,
    NumberAnswer,
    Rubric,
    ScaleAnswer,
)
from retail_stage.sources import SourceError

if TYPE_CHECKING:
    from retail_stage.engine import CompiledRubric, Result
    from retail_stage.loading import Document


@dataclass(frozen=True)
class Change:
    """One difference that can change a score: `subject` is a stage, an indicator or the label."""

    area: str
    """stage, indicator, dimension, label or rubric."""
    subject: str
    change: str
    """added, removed, threshold, weight, moved, dimension, focus, gate, n/a, ask_if, answer..."""
    before: Any = None
    after: Any = None

    @property
    def message(self) -> str:
        """One line a person reads: what changed, from what to what."""
        if self.change in ("added", "removed"):
            detail = f" ({self.after if self.change == 'added' else self.before})"
            return (
                f"{self.area} {self.subject} {self.change}{detail if detail != ' (None)' else ''}"
            )
        return (
            f"{self.area} {self.subject}: {self.change} {_show(self.before)} -> {_show(self.after)}"
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON record of the change."""
        return {
            "area": self.area,
            "subject": self.subject,
            "change": self.change,
            "before": self.before,
            "after": self.after,
            "message": self.message,
        }


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def diff_rubrics(old: Rubric, new: Rubric) -> list[Change]:
    """Every difference between `old` and `new` that can change a stage, an index or a label."""
    return list(_changes(old, new))


def _changes(old: Rubric, new: Rubric) -> Iterator[Change]:
    if old.baseline.id != new.baseline.id:
        yield Change("rubric", "baseline", "id", old.baseline.id, new.baseline.id)
    old_stages = {s.id: s for s in old.stages}
    new_stages = {s.id: s for s in new.stages}
    for stage in old.stages:
        if stage.id not in new_stages:
            yield Change("stage", stage.id, "removed", f"threshold {stage.threshold:g}")
    for stage in new.stages:
        before = old_stages.get(stage.id)
        if before is None:
            yield Change("stage", stage.id, "added", after=f"threshold {stage.threshold:g}")
        elif before.threshold != stage.threshold:
            yield Change("stage", stage.id, "threshold", before.threshold, stage.threshold)
    common = [s.id for s in new.stages if s.id in old_stages]
    if common != [s.id for s in old.stages if s.id in new_stages]:
        yield Change(
            "rubric",
            "stages",
            "order",
            " < ".join(s.id for s in old.stages if s.id in new_stages),
            " < ".join(common),
        )
    old_dims = {d.id for d in old.dimensions}
    new_dims = {d.id for d in new.dimensions}
    for dim in old.dimensions:
        if dim.id not in new_dims:
            yield Change("dimension", dim.id, "removed")
    for dim in new.dimensions:
        if dim.id not in old_dims:
            yield Change("dimension", dim.id, "added")
    if old.label.threshold != new.label.threshold:
        yield Change("label", "2.0", "threshold", old.label.threshold, new.label.threshold)
    if old.label.min_stage != new.label.min_stage:
        yield Change("label", "2.0", "min_stage", old.label.min_stage, new.label.min_stage)
    old_inds = {i.id: i for i in old.indicators}
    new_inds = {i.id: i for i in new.indicators}
    for ind in old.indicators:
        if ind.id not in new_inds:
            yield Change("indicator", ind.id, "removed", _placed(ind))
    for ind in new.indicators:
        before_ind = old_inds.get(ind.id)
        if before_ind is None:
            yield Change("indicator", ind.id, "added", after=_placed(ind))
        else:
            yield from _indicator_changes(before_ind, ind)


def _placed(ind: Indicator) -> str:
    gate = ", gate" if ind.required else ""
    return f"{ind.stage}, {ind.dimension}, {ind.focus}, weight {ind.weight:g}{gate}"


def _indicator_changes(old: Indicator, new: Indicator) -> Iterator[Change]:
    if old.stage != new.stage:
        yield Change("indicator", new.id, "moved", old.stage, new.stage)
    if old.weight != new.weight:
        yield Change("indicator", new.id, "weight", old.weight, new.weight)
    if old.dimension != new.dimension:
        yield Change("indicator", new.id, "dimension", old.dimension, new.dimension)
    if old.focus != new.focus:
        yield Change("indicator", new.id, "focus", old.focus, new.focus)
    old_gate = old.gate_score if old.required else None
    new_gate = new.gate_score if new.required else None
    if old_gate != new_gate:
        yield Change("indicator", new.id, "gate", _gate(old_gate), _gate(new_gate))
    if old.allow_na != new.allow_na:
        yield Change("indicator", new.id, "n/a allowed", old.allow_na, new.allow_na)
    old_ask = _ask(old)
    new_ask = _ask(new)
    if old_ask != new_ask:
        yield Change("indicator", new.id, "ask_if", old_ask, new_ask)
    old_scoring, new_scoring = scoring(old), scoring(new)
    if old_scoring != new_scoring:
        yield Change("indicator", new.id, "answer scores", old_scoring, new_scoring)


def _gate(score: float | None) -> str | None:
    return None if score is None else f"min score {score:g}"


def _ask(ind: Indicator) -> str | None:
    if ind.ask_if is None:
        return None
    return f"{ind.ask_if.indicator} > {ind.ask_if.above:g}, else {ind.if_not_asked}"


def scoring(ind: Indicator) -> str:
    """How each answer of the indicator scores, in one comparable line."""
    answer = ind.answer
    if isinstance(answer, BooleanAnswer):
        return "boolean: yes 1, no 0"
    if isinstance(answer, ScaleAnswer):
        pairs = zip((lv.id for lv in answer.levels), answer.level_scores(), strict=True)
        return "scale: " + ", ".join(f"{i} {s:g}" for i, s in pairs)
    if isinstance(answer, (ChoiceAnswer, MultiAnswer)):
        return f"{answer.kind}: " + ", ".join(f"{o.id} {o.score:g}" for o in answer.options)
    assert isinstance(answer, NumberAnswer)
    return "number: " + ", ".join(f">={b.min:g} {b.score:g}" for b in answer.bands)


@dataclass(frozen=True)
class Impact:
    """One profile scored under both rubrics, and why its stage or label moved."""

    source: str
    company: str
    before: Result | None
    after: Result | None
    errors: tuple[str, ...] = ()
    """Why the profile could not be scored under one of the rubrics."""
    dropped: tuple[str, ...] = ()
    """Answers to indicators the new rubric no longer has (left out of the new score)."""
    reasons: tuple[str, ...] = field(default=())

    @property
    def changed(self) -> bool:
        """Whether the stage or the label differs between the two rubrics."""
        if self.before is None or self.after is None:
            return True
        return (self.before.stage, self.before.label) != (self.after.stage, self.after.label)

    @property
    def headline(self) -> str:
        """`company (source): stage label (index) -> stage label (index)`."""
        from retail_stage.render.text import neutral

        return (
            f"{neutral(self.company)} ({self.source}): {_side(self.before)} -> {_side(self.after)}"
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON record of the impact."""
        return {
            "source": self.source,
            "company": self.company,
            "changed": self.changed,
            "before": _summary(self.before),
            "after": _summary(self.after),
            "reasons": list(self.reasons),
            "dropped_answers": list(self.dropped),
            "errors": list(self.errors),
        }


def _side(result: Result | None) -> str:
    if result is None:
        return "not scored"
    return f"{result.stage} {result.label} (index {result.index:.2f})"


def _summary(result: Result | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "stage": result.stage,
        "label": result.label,
        "index": result.index,
        "supply": result.focus_supply,
    }


def impact(old: CompiledRubric, new: CompiledRubric, document: Document) -> Impact:
    """Score `document` under both rubrics and explain any change of stage or label.

    The profile's `rubric` reference is ignored (it names at most one of the two), and answers
    to indicators a rubric does not have are left out of its score and listed as dropped.
    """
    from retail_stage.loading import score_document

    data = document.data if isinstance(document.data, Mapping) else {}
    company = data.get("company")
    name = str(company.get("name", "")) if isinstance(company, Mapping) else ""
    results: list[Result | None] = []
    errors: list[str] = []
    dropped: tuple[str, ...] = ()
    for compiled in (old, new):
        answers = data.get("answers")
        kept = dict(answers) if isinstance(answers, Mapping) else answers
        if isinstance(kept, dict):
            unknown = tuple(key for key in kept if key not in compiled.position)
            kept = {k: v for k, v in kept.items() if k not in unknown}
            if compiled is new:
                dropped = tuple(str(k) for k in unknown)
        trimmed = {k: v for k, v in data.items() if k != "rubric"} | (
            {"answers": kept} if "answers" in data else {}
        )
        copy = document._replace(data=trimmed)
        try:
            results.append(score_document(compiled, copy))
        except SourceError as exc:
            results.append(None)
            which = "old" if compiled is old else "new"
            errors.append(f"{which} rubric: {exc.first}")
    before, after = results
    reasons = _reasons(old, new, before, after) if before and after else ()
    return Impact(document.source, name, before, after, tuple(errors), dropped, reasons)


def _reasons(
    old: CompiledRubric, new: CompiledRubric, before: Result, after: Result
) -> tuple[str, ...]:
    reasons = []
    if before.stage != after.stage:
        old_stages = {s.id: s for s in before.stages}
        for stage in after.stages:
            was = old_stages.get(stage.id)
            if was is None or was.met == stage.met:
                continue
            why = (
                f"{stage.id}: {'met' if was.met else 'not met'} -> "
                f"{'met' if stage.met else 'not met'} (attainment {was.attainment:.2f} -> "
                f"{stage.attainment:.2f}, threshold {was.threshold:g} -> {stage.threshold:g}"
            )
            gates = set(stage.failed_gates) ^ set(was.failed_gates)
            if gates:
                why += f"; failed gates {_gates(was.failed_gates)} -> {_gates(stage.failed_gates)}"
            unanswered = _unanswered(old, new, after, partial(_in_stage, stage.id))
            if unanswered:
                why += f"; new indicators not answered, counted as 0: {', '.join(unanswered)}"
            reasons.append(why + ")")
        removed = [s.id for s in before.stages if s.id not in {a.id for a in after.stages}]
        reasons += [f"{stage}: not in the new rubric" for stage in removed]
    if before.label != after.label:
        old_rule, new_rule = old.rubric.label, new.rubric.label
        why = (
            f"label {before.label} -> {after.label}: supply focus {before.focus_supply:.2f} -> "
            f"{after.focus_supply:.2f}, threshold {old_rule.threshold:g} -> {new_rule.threshold:g}"
        )
        if old_rule.min_stage != new_rule.min_stage:
            why += f", min_stage {_show(old_rule.min_stage)} -> {_show(new_rule.min_stage)}"
        unanswered = _unanswered(old, new, after, lambda ind: ind.focus == "supply")
        if unanswered:
            why += f"; new supply indicators not answered, counted as 0: {', '.join(unanswered)}"
        reasons.append(why)
    return tuple(reasons)


def _in_stage(stage: str, ind: Indicator) -> bool:
    return ind.stage == stage


def _unanswered(
    old: CompiledRubric, new: CompiledRubric, after: Result, where: Callable[[Indicator], bool]
) -> list[str]:
    """Indicators new in `new`, selected by `where`, that the profile leaves unknown."""
    return [
        ind.id
        for ind in new.rubric.indicators
        if where(ind) and ind.id not in old.position and after.scores[new.position[ind.id]] is None
    ]


def _gates(gates: tuple[str, ...]) -> str:
    return ", ".join(gates) if gates else "none"
