"""What a report says, independent of how it looks: one `Report` built from a result and its rubric.

Every renderer (terminal, HTML/SVG/text, Markdown, JSON) draws the same `Report`, so the
sections, their order and every sentence and number are decided here once. No rich, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from retail_stage.rubric import (
    BooleanAnswer,
    ChoiceAnswer,
    Indicator,
    MultiAnswer,
    Rubric,
    ScaleAnswer,
)

if TYPE_CHECKING:
    from retail_stage.engine import Result

NOT_APPLICABLE = -1.0  # the engine's n/a score; repeated so this module needs no engine import
EPSILON = 1e-9

ANSWERED, UNKNOWN, NA, NOT_ASKED = "answered", "unknown", "n/a", "not asked"


@dataclass(frozen=True, slots=True)
class Answer:
    """How one indicator was answered, in the rubric's words, and a better answer if any."""

    status: str
    """answered, unknown, n/a or not asked."""
    text: str
    better: str | None
    value: Any
    """The value as written in the profile (None when it was left out)."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One indicator of the rubric as this company answered it."""

    indicator: Indicator
    score: float | None
    """None unknown, NOT_APPLICABLE n/a."""
    answer: Answer
    note: str
    gate_holds: bool | None
    """None when the indicator is not a gate."""

    @property
    def scored(self) -> str:
        """The score as a report shows it: 0.75, unknown, or n/a."""
        if self.score is None:
            return "unknown"
        if self.score == NOT_APPLICABLE:
            return "n/a"
        return f"{self.score:.2f}"


@dataclass(frozen=True, slots=True)
class GateView:
    """A gate that blocks its stage: the indicator, its answer and the score it needs."""

    evidence: Evidence
    needs: float


@dataclass(frozen=True, slots=True)
class StageView:
    """One rung of the ladder; the baseline has no attainment."""

    id: str
    name: str
    description: str
    attainment: float | None
    threshold: float | None
    met: bool
    current: bool
    """Whether this is where the company stands."""
    is_next: bool
    blocking_gates: tuple[GateView, ...]


@dataclass(frozen=True, slots=True)
class Mover:
    """An indicator whose improvement moves a score, and by how many points (0..1)."""

    evidence: Evidence
    gain: float
    in_smallest_set: bool
    failed_gate: bool = False


@dataclass(frozen=True, slots=True)
class LabelView:
    """1.0 or 2.0, the two focus scores, and what would move the label."""

    label: str
    meaning: str
    traffic: float
    supply: float
    threshold: float
    gap: float
    """Supply points still missing for 2.0 (0 when the threshold is met)."""
    blocked_by_stage: str | None
    """The stage the rubric's label rule still needs, if that is what holds 2.0 back."""
    movers: tuple[Mover, ...]


@dataclass(frozen=True, slots=True)
class DimensionView:
    """One dimension's score over all stages (None when every indicator was n/a)."""

    id: str
    name: str
    score: float | None


class Voice(NamedTuple):
    """One respondent's answer to a question they disagree on."""

    respondent: str
    answer: str
    score: float | None


class DisagreementView(NamedTuple):
    indicator: Indicator
    low: float
    high: float
    swing: float
    voices: tuple[Voice, ...]

    @property
    def spread(self) -> str:
        """The spread in words: the scores, and what it does to the index."""
        moves = (
            f"from the lowest answer to the highest the index moves by {self.swing:.2f}"
            if self.swing >= 0.005
            else "the index is the same with either answer"
        )
        return f"scores {self.low:.0%} to {self.high:.0%}; {moves}"


class PanelView(NamedTuple):
    """Who answered, where each alone would stand, and where they disagree most."""

    merge: str
    respondents: tuple[tuple[str, str, str], ...]
    """(name, stage name, label)."""
    disagreements: tuple[DisagreementView, ...]
    more: int
    """Disagreements not shown."""


PANEL_SHOWN = 5
"""Disagreements a report shows (JSON results hold them all)."""


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a report shows, in the order it shows it."""

    result: Result
    rubric: Rubric
    title: str
    company: Mapping[str, Any]
    stage_name: str
    stage_meaning: str
    certain: bool
    range_low: str
    range_high: str
    unknown_count: int
    ladder: tuple[StageView, ...]
    label: LabelView
    dimensions: tuple[DimensionView, ...]
    strongest: DimensionView | None
    weakest: DimensionView | None
    even_score: float | None
    """The score every dimension shares, when they are all equal (then none is strongest)."""
    next_stage: StageView | None
    steps: tuple[Mover, ...]
    evidence: tuple[tuple[StageView, tuple[Evidence, ...]], ...]
    panel: PanelView | None = None

    @property
    def company_name(self) -> str:
        """The company's name (as written)."""
        return str(self.company.get("name") or "")


def build_report(result: Result, rubric: Rubric) -> Report:
    """The report of `result`, scored with `rubric`."""
    evidence = _evidence(result, rubric)
    by_id = {e.indicator.id: e for e in evidence}
    names = {rubric.baseline.id: rubric.baseline.name} | {s.id: s.name for s in rubric.stages}
    ladder = _ladder(result, rubric, by_id)
    next_stage = next((s for s in ladder if s.is_next), None)
    steps = tuple(
        Mover(by_id[n.indicator], n.gain, n.in_smallest_set, n.failed_gate)
        for n in result.next_steps.indicators
    )
    dims = tuple(
        DimensionView(d.id, d.name, score)
        for d, (_, score) in zip(rubric.dimensions, result.dimensions, strict=True)
    )
    known = [d for d in dims if d.score is not None]
    # max/min keep the first of equals, so ties name the dimension listed first in the rubric
    strongest = max(known, key=lambda d: d.score or 0.0) if known else None
    weakest = min(known, key=lambda d: d.score or 0.0) if known else None
    even = None
    if strongest is not None and weakest is not None and strongest.score == weakest.score:
        even, strongest, weakest = strongest.score, None, None
    current = next(s for s in ladder if s.current)
    return Report(
        result=result,
        rubric=rubric,
        title=rubric.title,
        company=result.company,
        stage_name=result.stage_name,
        stage_meaning=current.description,
        certain=result.certain,
        range_low=names[result.stage_range.low],
        range_high=names[result.stage_range.high],
        unknown_count=sum(1 for e in evidence if e.answer.status == UNKNOWN),
        ladder=ladder,
        label=_label(result, rubric, evidence),
        dimensions=dims,
        strongest=strongest,
        weakest=weakest,
        even_score=even,
        next_stage=next_stage,
        steps=steps,
        evidence=tuple(
            (stage, tuple(e for e in evidence if e.indicator.stage == stage.id))
            for stage in ladder[1:]
        ),
        panel=_panel(result, rubric, names),
    )


def _panel(result: Result, rubric: Rubric, names: Mapping[str, str]) -> PanelView | None:
    panel = result.panel
    if panel is None:
        return None
    from retail_stage.questions import describe

    by_id = {ind.id: ind for ind in rubric.indicators}
    shown = tuple(
        DisagreementView(
            by_id[d.indicator],
            d.low,
            d.high,
            d.swing,
            tuple(
                Voice(name, describe(by_id[d.indicator], answer), score)
                for name, answer, score in d.answers
            ),
        )
        for d in panel.disagreement[:PANEL_SHOWN]
    )
    return PanelView(
        panel.merge,
        tuple((r.name, names[r.stage], r.label) for r in panel.respondents),
        shown,
        max(0, len(panel.disagreement) - PANEL_SHOWN),
    )


def _ladder(result: Result, rubric: Rubric, by_id: Mapping[str, Evidence]) -> tuple[StageView, ...]:
    reached = (
        0
        if result.stage == rubric.baseline.id
        else 1 + [s.id for s in rubric.stages].index(result.stage)
    )
    base = rubric.baseline
    rows = [
        StageView(base.id, base.name, base.description, None, None, True, reached == 0, False, ())
    ]
    for k, (stage, scored) in enumerate(zip(rubric.stages, result.stages, strict=True), 1):
        gates = tuple(
            GateView(by_id[g], by_id[g].indicator.gate_score) for g in scored.failed_gates
        )
        rows.append(
            StageView(
                stage.id,
                stage.name,
                stage.description,
                scored.attainment,
                scored.threshold,
                scored.met,
                reached == k,
                reached + 1 == k,
                gates,
            )
        )
    return tuple(rows)


def _label(result: Result, rubric: Rubric, evidence: Sequence[Evidence]) -> LabelView:
    rule = rubric.label
    supply = [e for e in evidence if e.indicator.focus == "supply" and e.score != NOT_APPLICABLE]
    total = sum(e.indicator.weight for e in supply)
    gains = [
        (e.indicator.weight * (1.0 - (e.score or 0.0)) / total if total else 0.0, n, e)
        for n, e in enumerate(supply)
    ]
    gains = [g for g in gains if g[0] > EPSILON]
    gains.sort(key=lambda g: (-g[0], g[1]))
    gap = max(0.0, rule.threshold - result.focus_supply)
    movers = []
    gained = 0.0
    for gain, _, e in gains:
        chosen = gained < gap - EPSILON
        if chosen:
            gained += gain
        movers.append(Mover(e, round(gain, 4), chosen))
    blocked = None
    if rule.min_stage is not None and result.label == "1.0" and gap <= EPSILON:
        blocked = next(s.name for s in rubric.stages if s.id == rule.min_stage)
    two = result.label == "2.0"
    return LabelView(
        label=result.label,
        meaning=rule.description_2 if two else rule.description_1,
        traffic=result.focus_traffic,
        supply=result.focus_supply,
        threshold=rule.threshold,
        gap=round(gap, 4),
        blocked_by_stage=blocked,
        movers=tuple(movers),
    )


def _evidence(result: Result, rubric: Rubric) -> list[Evidence]:
    position = {ind.id: n for n, ind in enumerate(rubric.indicators)}
    rows = []
    for ind, score in zip(rubric.indicators, result.scores, strict=True):
        raw = result.answers.get(ind.id)
        value = raw.get("value") if isinstance(raw, dict) else raw
        condition = ind.ask_if
        skipped = False
        if condition is not None:
            asked_by = result.scores[position[condition.indicator]]
            skipped = asked_by is not None and asked_by <= condition.above
        answer = (
            Answer(NOT_ASKED, f"not asked: {condition.indicator} is too low", None, value)
            if skipped and condition is not None
            else describe_answer(ind, value, score)
        )
        gate = None
        if ind.required:
            gate = score is not None and score >= ind.gate_score - EPSILON
        rows.append(Evidence(ind, score, answer, result.notes.get(ind.id, ""), gate))
    return rows


def describe_answer(ind: Indicator, value: Any, score: float | None) -> Answer:
    """The answer in the rubric's words (labels, not ids) and the next better answer."""
    if score is None:
        return Answer(UNKNOWN, "unknown", _better(ind, value, 0.0, None), value)
    if score == NOT_APPLICABLE:
        return Answer(NA, "n/a", None, value)
    return Answer(
        ANSWERED, _answer_text(ind, value, score), _better(ind, value, score, value), value
    )


def _answer_text(ind: Indicator, value: Any, score: float) -> str:
    spec = ind.answer
    if isinstance(spec, BooleanAnswer):
        return "yes" if score >= 1.0 else "no"
    if value is None:  # a result scored without its answers (engine.evaluate called directly)
        return f"scored {score:.2f}, answer not recorded"
    if isinstance(spec, (ScaleAnswer, ChoiceAnswer)):
        options = spec.levels if isinstance(spec, ScaleAnswer) else spec.options
        return next((o.label for o in options if o.id == value), str(value))
    if isinstance(spec, MultiAnswer):
        chosen = [value] if isinstance(value, str) else list(value or [])
        labels = {o.id: o.label for o in spec.options}
        return "; ".join(labels.get(c, str(c)) for c in chosen) or "none of the options"
    return _number(value, spec.unit)


def _number(value: Any, unit: str) -> str:
    shown = f"{value:g}" if isinstance(value, (int, float)) else str(value)
    if not unit:
        return shown
    return f"{shown}{unit}" if unit == "%" else f"{shown} {unit}"


def _better(ind: Indicator, value: Any, score: float, chosen_value: Any) -> str | None:
    """The next answer up: one that scores more and, for a gate, at least what the gate needs."""
    need = ind.gate_score if ind.required and score < ind.gate_score - EPSILON else 0.0
    spec = ind.answer

    def enough(candidate: float) -> bool:
        return candidate > score + EPSILON and candidate >= need - EPSILON

    if isinstance(spec, BooleanAnswer):
        return "yes" if score < 1.0 - EPSILON else None
    if isinstance(spec, ScaleAnswer):
        levels = zip(spec.levels, spec.level_scores(), strict=True)
        return next((lv.label for lv, s in levels if enough(s)), None)
    if isinstance(spec, ChoiceAnswer):
        ranked = sorted(spec.options, key=lambda o: o.score)
        return next((o.label for o in ranked if enough(o.score)), None)
    if isinstance(spec, MultiAnswer):
        if score >= 1.0 - EPSILON:
            return None
        taken = [chosen_value] if isinstance(chosen_value, str) else list(chosen_value or [])
        free = sorted(
            (o for o in spec.options if o.id not in taken), key=lambda o: -o.score
        )  # sorted() is stable: equal scores keep the rubric's order
        added: list[str] = []
        total = score
        for option in free:
            added.append(option.label)
            total = min(1.0, total + option.score)
            if enough(total):
                return "add: " + "; ".join(added)
        return None
    bands = spec.bands
    return next((f"at least {_number(b.min, spec.unit)}" for b in bands if enough(b.score)), None)


def first_sentence(text: str) -> str:
    """The first sentence of a description (the whole text when it has one sentence)."""
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]
