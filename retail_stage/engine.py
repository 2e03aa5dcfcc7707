"""Pure scoring: compile a rubric once, then score profiles (DESIGN §1).

Nothing here reads files, prints, or imports rich or typer, so a notebook or a Spark/Dask job
can map `score` over a partition of profiles. Every number of a result is defined here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from retail_stage.rubric import (
    BooleanAnswer,
    ChoiceAnswer,
    Indicator,
    MultiAnswer,
    NumberAnswer,
    Rubric,
    ScaleAnswer,
)
from retail_stage.sources import KEY

NOT_APPLICABLE = -1.0
"""Internal score of an n/a answer: the indicator leaves both sums."""

EPSILON = 1e-9
"""Tolerance of every comparison with a threshold, so 0.7 computed as 0.69999... still meets 0.7."""

INDEX_CAP = 0.99
"""Below the top stage the index is k + min(A_{k+1}, INDEX_CAP), so it never reaches k + 1."""

_UNKNOWN_WORDS = frozenset({"unknown", "?", ""})
_NA_WORDS = frozenset({"n/a", "na", "not applicable"})
_YES = frozenset({"yes", "y", "true"})
_NO = frozenset({"no", "n", "false"})

Scorer = Callable[[Any], "float | None"]
_MISSING: Any = object()
_MEMO_SIZE = 512
_T = TypeVar("_T")


class AnswerError(ValueError):
    """An answer that does not fit its indicator; `loc` is its location in the profile."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


@dataclass(frozen=True, slots=True)
class StageResult:
    """How far a company is on one stage."""

    id: str
    name: str
    attainment: float
    threshold: float
    met: bool
    failed_gates: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NextStep:
    """One indicator of the next stage that is not yet at its best, and what improving it gains."""

    indicator: str
    dimension: str
    score: float | None
    gain: float
    failed_gate: bool
    in_smallest_set: bool


@dataclass(frozen=True, slots=True)
class NextSteps:
    """What it takes to meet the next stage; `stage` is None at the top of the ladder."""

    stage: str | None
    smallest_set: tuple[str, ...]
    indicators: tuple[NextStep, ...]


@dataclass(frozen=True, slots=True)
class Result:
    """The scored profile: every number of DESIGN §1, rounded to 4 decimals."""

    source: str
    company: Mapping[str, Any]
    rubric_id: str
    rubric_version: str
    stage: str
    stage_name: str
    label: str
    index: float
    coverage: float
    stage_low: str
    stage_high: str
    stages: tuple[StageResult, ...]
    dimensions: tuple[tuple[str, float | None], ...]
    focus_traffic: float
    focus_supply: float
    next_steps: NextSteps
    scores: tuple[float | None, ...] = field(repr=False)
    """Each indicator's score in rubric order: None unknown, NOT_APPLICABLE for n/a."""
    notes: Mapping[str, str] = field(repr=False)
    warnings: tuple[str, ...] = ()

    @property
    def certain(self) -> bool:
        """Whether the unknown answers, whatever they turn out to be, leave the stage as it is."""
        return self.stage_low == self.stage_high

    def to_dict(self) -> dict[str, Any]:
        """The JSON result object of DESIGN §2."""
        steps = self.next_steps
        return {
            "source": self.source,
            "company": dict(self.company),
            "rubric": {"id": self.rubric_id, "version": self.rubric_version},
            "stage": self.stage,
            "stage_name": self.stage_name,
            "label": self.label,
            "index": self.index,
            "coverage": self.coverage,
            "stage_range": {
                "low": self.stage_low,
                "high": self.stage_high,
                "certain": self.certain,
            },
            "stages": [
                {
                    "id": s.id,
                    "attainment": s.attainment,
                    "threshold": s.threshold,
                    "met": s.met,
                    "failed_gates": list(s.failed_gates),
                }
                for s in self.stages
            ],
            "dimensions": dict(self.dimensions),
            "focus": {"traffic": self.focus_traffic, "supply": self.focus_supply},
            "next_steps": {
                "stage": steps.stage,
                "smallest_set": list(steps.smallest_set),
                "indicators": [
                    {
                        "id": n.indicator,
                        "dimension": n.dimension,
                        "score": n.score,
                        "gain": n.gain,
                        "failed_gate": n.failed_gate,
                    }
                    for n in steps.indicators
                ],
            },
            "warnings": list(self.warnings),
        }


def _special(value: Any, ind: Indicator) -> float | None:
    """NOT_APPLICABLE or None for the words that mean n/a or unknown; raises for a forbidden n/a."""
    word = value.strip().lower()
    if word in _UNKNOWN_WORDS:
        return None
    if word in _NA_WORDS:
        if ind.allow_na:
            return NOT_APPLICABLE
        why = "it is a gate" if ind.required else "the rubric does not allow it here"
        raise AnswerError((), f"'n/a' is not accepted for {ind.id!r}: {why}")
    return -2.0  # not a special word


def _boolean_scorer(ind: Indicator) -> Scorer:
    def score(value: Any) -> float | None:
        if value is True:
            return 1.0
        if value is False:
            return 0.0
        if value is None:
            return None
        if isinstance(value, str):
            special = _special(value, ind)
            if special != -2.0:
                return special
            word = value.strip().lower()
            if word in _YES:
                return 1.0
            if word in _NO:
                return 0.0
        raise AnswerError((), f"expected yes or no for {ind.id!r}, got {_show(value)}")

    return score


def _option_scorer(ind: Indicator, scores: dict[str, float], what: str) -> Scorer:
    expected = ", ".join(scores)

    def score(value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, str):
            found = scores.get(value)
            if found is not None:
                return found
            special = _special(value, ind)
            if special != -2.0:
                return special
        raise AnswerError((), f"expected one {what} of {ind.id!r}: {expected}; got {_show(value)}")

    return score


def _multi_scorer(ind: Indicator, answer: MultiAnswer) -> Scorer:
    scores = {o.id: o.score for o in answer.options}
    expected = ", ".join(scores)

    def score(value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, str):
            special = _special(value, ind)
            if special != -2.0:
                return special
            value = [value]
        if not isinstance(value, list):
            raise AnswerError((), f"expected a list of options of {ind.id!r}, got {_show(value)}")
        total = 0.0
        seen: set[str] = set()
        option_score = scores.get
        for position, item in enumerate(value):
            found = option_score(item) if isinstance(item, str) else None
            if found is None:
                raise AnswerError(
                    (position,), f"unknown option {_show(item)} for {ind.id!r}; expected {expected}"
                )
            if item in seen:
                raise AnswerError((position,), f"option {item!r} is listed twice")
            seen.add(item)
            total += found
        return min(1.0, total)

    return score


def _number_scorer(ind: Indicator, answer: NumberAnswer) -> Scorer:
    bands = tuple((b.min, b.score) for b in reversed(answer.bands))
    low, high = answer.min, answer.max
    unit = f" {answer.unit}" if answer.unit else ""

    def score(value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, str):
            special = _special(value, ind)
            if special != -2.0:
                return special
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerError((), f"expected a number for {ind.id!r}, got {_show(value)}")
        if not math.isfinite(value):
            raise AnswerError((), f"expected a finite number for {ind.id!r}, got {value}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise AnswerError(
                (),
                f"{value:g}{unit} is out of range for {ind.id!r}: expected "
                f"{'' if low is None else f'{low:g}'}..{'' if high is None else f'{high:g}'}{unit}",
            )
        for band_min, band_score in bands:
            if value >= band_min:
                return band_score
        return 0.0

    return score


def _scorer(ind: Indicator) -> Scorer:
    answer = ind.answer
    if isinstance(answer, BooleanAnswer):
        return _boolean_scorer(ind)
    if isinstance(answer, ScaleAnswer):
        levels = dict(zip((lv.id for lv in answer.levels), answer.level_scores(), strict=False))
        return _option_scorer(ind, levels, "level")
    if isinstance(answer, ChoiceAnswer):
        return _option_scorer(ind, {o.id: o.score for o in answer.options}, "option")
    if isinstance(answer, MultiAnswer):
        return _multi_scorer(ind, answer)
    return _number_scorer(ind, answer)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class CompiledRubric:
    """A rubric turned into flat tuples: what scoring a profile needs, computed once."""

    rubric: Rubric
    ids: tuple[str, ...]
    position: Mapping[str, int]
    scorers: tuple[Scorer, ...]
    stage_of: tuple[int, ...]
    dimension_of: tuple[int, ...]
    weight: tuple[float, ...]
    supply: tuple[bool, ...]
    gate: tuple[float | None, ...]
    conditionals: tuple[tuple[int, int, float, float], ...]
    """(indicator, condition indicator, above, score when not asked)."""
    min_label_stage: int
    known_words: tuple[Mapping[str, float | None], ...] = ()
    """Per indicator, the score of each answer text its scorer accepts as written (option ids,
    yes/no, unknown, n/a): a lookup instead of a call for most answers, same results."""
    layout: tuple[tuple[int, int, float, int, float | None], ...] = ()
    """Per indicator: (stage, dimension, weight, 1 for supply focus else 0, gate score)."""
    of_stage: tuple[tuple[int, ...], ...] = ()
    """The indicators of each stage, in rubric order."""
    memos: tuple[dict[Any, float | None], ...] = ()
    """Per indicator, scores already worked out for (class, value) answers: a scorer's result
    depends on the value alone, and batches repeat the same few answers. Bounded."""


def compile_rubric(rubric: Rubric) -> CompiledRubric:
    """Compile a checked rubric once; the result scores any number of profiles."""
    stage_pos = {s.id: n for n, s in enumerate(rubric.stages)}
    dim_pos = {d.id: n for n, d in enumerate(rubric.dimensions)}
    inds = rubric.indicators
    position = {ind.id: n for n, ind in enumerate(inds)}
    conditionals = tuple(
        (
            n,
            position[ind.ask_if.indicator],
            ind.ask_if.above,
            NOT_APPLICABLE if ind.if_not_asked == "n/a" else 0.0,
        )
        for n, ind in enumerate(inds)
        if ind.ask_if is not None
    )
    min_stage = rubric.label.min_stage
    scorers = tuple(_scorer(ind) for ind in inds)
    stage_of = tuple(stage_pos[ind.stage] for ind in inds)
    layout = tuple(
        (
            stage_of[n],
            dim_pos[ind.dimension],
            float(ind.weight),
            1 if ind.focus == "supply" else 0,
            ind.gate_score if ind.required else None,
        )
        for n, ind in enumerate(inds)
    )
    return CompiledRubric(
        rubric=rubric,
        ids=tuple(position),
        position=position,
        scorers=scorers,
        stage_of=stage_of,
        dimension_of=tuple(dim_pos[ind.dimension] for ind in inds),
        weight=tuple(float(ind.weight) for ind in inds),
        supply=tuple(ind.focus == "supply" for ind in inds),
        gate=tuple(ind.gate_score if ind.required else None for ind in inds),
        conditionals=conditionals,
        min_label_stage=0 if min_stage is None else stage_pos[min_stage] + 1,
        known_words=tuple(
            _known_words(ind, scorer) for ind, scorer in zip(inds, scorers, strict=True)
        ),
        memos=tuple({} for _ in inds),
        layout=layout,
        of_stage=tuple(
            tuple(n for n in range(len(inds)) if stage_of[n] == k) for k in range(len(stage_pos))
        ),
    )


def _known_words(ind: Indicator, scorer: Scorer) -> dict[str, float | None]:
    """What `scorer` gives each word it accepts exactly as written; asked, not re-derived."""
    answer = ind.answer
    if isinstance(answer, MultiAnswer):
        return {}  # a bare option stands for a one-item list: keep the scorer's own path
    words = {*_UNKNOWN_WORDS, *_NA_WORDS, *_YES, *_NO}
    if isinstance(answer, ScaleAnswer):
        words |= {level.id for level in answer.levels}
    elif isinstance(answer, ChoiceAnswer):
        words |= {option.id for option in answer.options}
    known: dict[str, float | None] = {}
    for word in words:
        try:
            known[word] = scorer(word)
        except AnswerError:
            continue
    return known


def read_answers(
    compiled: CompiledRubric, answers: Mapping[str, Any]
) -> tuple[list[float | None], dict[str, str]]:
    """Each indicator's score (None unknown, NOT_APPLICABLE n/a) and the notes.

    Raises AnswerError for an answer that does not fit its indicator.
    """
    scores: list[float | None] = [None] * len(compiled.ids)
    notes: dict[str, str] = {}
    position = compiled.position
    scorers = compiled.scorers
    known_words = compiled.known_words
    missing = _MISSING
    memos = compiled.memos
    for key, raw in answers.items():
        n = position.get(key)
        if n is None:
            raise AnswerError(("answers", key, KEY), _unknown_indicator(compiled, key))
        if raw.__class__ is str:
            known = known_words[n].get(raw, missing)
            if known is not missing:
                scores[n] = known
                continue
        inner: tuple[str | int, ...] = ("answers", key)
        value = raw
        if isinstance(raw, dict):
            value, note = _with_note(raw, inner)
            inner = ("answers", key, "value")
            if note:
                notes[key] = note
        kind = value.__class__
        # 1, 1.0 and True are one dict key: the class keeps them apart.
        memo_key: tuple[Any, Any] | None = (kind, tuple(value) if kind is list else value)
        memo = memos[n]
        try:
            found = memo.get(memo_key, missing)
        except TypeError:  # an unhashable item in a list: score it the long way
            memo_key, found = None, missing
        if found is not missing:
            scores[n] = found
            continue
        try:
            scores[n] = found = scorers[n](value)
        except AnswerError as exc:
            raise AnswerError((*inner, *exc.loc), exc.message) from None
        if memo_key is not None and len(memo) < _MEMO_SIZE:
            memo[memo_key] = found
    for n, condition, above, fallback in compiled.conditionals:
        asked_by = scores[condition]
        if asked_by is not None and asked_by <= above:
            # NOT_APPLICABLE (-1) is below every `above`, so an n/a condition also skips.
            scores[n] = fallback
    return scores, notes


def _with_note(raw: dict[Any, Any], loc: tuple[str | int, ...]) -> tuple[Any, str]:
    for key in raw:
        if key not in ("value", "note"):
            raise AnswerError(
                (*loc, key, KEY), f"unexpected key {_show(key)}: an answer has value and note"
            )
    if "value" not in raw:
        raise AnswerError(loc, "an answer written as a mapping needs a 'value'")
    note = raw.get("note")
    if note is None:
        note = ""
    if not isinstance(note, str):
        raise AnswerError((*loc, "note"), f"a note must be text, got {_show(note)}")
    return raw["value"], note


def _unknown_indicator(compiled: CompiledRubric, key: Any) -> str:
    import difflib

    near = difflib.get_close_matches(str(key), compiled.ids, n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"unknown indicator {_show(key)} for rubric {compiled.rubric.id!r}{hint}"


def evaluate(
    compiled: CompiledRubric,
    scores: list[float | None],
    *,
    source: str = "",
    company: Mapping[str, Any] | None = None,
    notes: Mapping[str, str] | None = None,
    warnings: tuple[str, ...] = (),
) -> Result:
    """Every number of DESIGN §1 from each indicator's score."""
    rubric = compiled.rubric
    stages = rubric.stages
    k_count = len(stages)
    known = [0.0] * k_count  # sum of w*s over answered indicators
    total = [0.0] * k_count  # sum of w over applicable indicators
    unknown = [0.0] * k_count  # sum of w over unknown indicators
    gates_low: list[list[int]] = [[] for _ in range(k_count)]
    gates_high: list[list[int]] = [[] for _ in range(k_count)]
    dims = len(rubric.dimensions)
    dim_ws = [0.0] * dims
    dim_w = [0.0] * dims
    focus_ws = [0.0, 0.0]  # traffic, supply
    focus_w = [0.0, 0.0]
    layout = compiled.layout
    for n, s in enumerate(scores):
        if s == NOT_APPLICABLE:
            continue
        k, d, w, f, need = layout[n]
        total[k] += w
        dim_w[d] += w
        focus_w[f] += w
        if s is None:
            unknown[k] += w
            if need is not None:
                gates_low[k].append(n)
            continue
        ws = w * s
        known[k] += ws
        dim_ws[d] += ws
        focus_ws[f] += ws
        if need is not None and s < need - EPSILON:
            gates_low[k].append(n)
            gates_high[k].append(n)

    attain = [known[k] / total[k] if total[k] else 0.0 for k in range(k_count)]
    attain_high = [(known[k] + unknown[k]) / total[k] if total[k] else 0.0 for k in range(k_count)]
    met = [attain[k] >= stages[k].threshold - EPSILON and not gates_low[k] for k in range(k_count)]
    met_high = [
        attain_high[k] >= stages[k].threshold - EPSILON and not gates_high[k]
        for k in range(k_count)
    ]
    reached = _reached(met)
    reached_high = _reached(met_high)
    index = float(k_count) if reached == k_count else reached + min(attain[reached], INDEX_CAP)

    applicable = sum(total)
    coverage = (applicable - sum(unknown)) / applicable if applicable else 0.0
    traffic = focus_ws[0] / focus_w[0] if focus_w[0] else 0.0
    supply = focus_ws[1] / focus_w[1] if focus_w[1] else 0.0
    two = supply >= rubric.label.threshold - EPSILON and reached >= compiled.min_label_stage
    ids = compiled.ids
    stage_results = tuple(
        _new_stage_result(
            st.id,
            st.name,
            _round4(attain[k]),
            st.threshold,
            met[k],
            tuple(ids[n] for n in gates_low[k]),
        )
        for k, st in enumerate(stages)
    )
    # Positional, in field order: see _fast_new.
    return _new_result(
        source,
        company or {},
        rubric.id,
        rubric.version,
        _stage_id(rubric, reached),
        _stage_name(rubric, reached),
        "2.0" if two else "1.0",
        _round4(index),
        _round4(coverage),
        _stage_id(rubric, reached),
        _stage_id(rubric, reached_high),
        stage_results,
        tuple(
            (dim.id, _round4(dim_ws[d] / dim_w[d]) if dim_w[d] else None)
            for d, dim in enumerate(rubric.dimensions)
        ),
        _round4(traffic),
        _round4(supply),
        _next_steps(compiled, scores, reached, known, total, gates_low),
        tuple(scores),
        notes or {},
        warnings,
    )


def _fast_new(cls: type[_T]) -> Callable[..., _T]:
    """A constructor of a frozen slots dataclass taking every field positionally, in order.

    Speed only: the generated __init__ of a frozen dataclass pays object.__setattr__ per
    field, about 2 µs for six fields; setting the slots directly gives the same object.
    """
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    namespace |= {f"_set_{name}": getattr(cls, name).__set__ for name in names}
    body = "".join(f"    _set_{name}(obj, {name})\n" for name in names)
    # Generated like dataclasses generates __init__, with the slots set directly.
    exec(f"def make({', '.join(names)}):\n    obj = _new(_cls)\n{body}    return obj\n", namespace)
    make: Callable[..., _T] = namespace["make"]
    return make


_new_result = _fast_new(Result)
_new_stage_result = _fast_new(StageResult)
_new_next_step = _fast_new(NextStep)

_ROUNDED: dict[float, float] = {}
_ROUNDED_SIZE = 1 << 13


def _round4(value: float) -> float:
    """round(value, 4), remembered: round() is slow and scores repeat a few thousand values."""
    rounded = _ROUNDED.get(value)
    if rounded is None:
        rounded = round(value, 4)
        if len(_ROUNDED) < _ROUNDED_SIZE:
            _ROUNDED[value] = rounded
    return rounded


def _reached(met: list[bool]) -> int:
    for k, ok in enumerate(met):
        if not ok:
            return k
    return len(met)


def _stage_id(rubric: Rubric, reached: int) -> str:
    return rubric.baseline.id if reached == 0 else rubric.stages[reached - 1].id


def _stage_name(rubric: Rubric, reached: int) -> str:
    return rubric.baseline.name if reached == 0 else rubric.stages[reached - 1].name


def _next_steps(
    compiled: CompiledRubric,
    scores: list[float | None],
    reached: int,
    known: list[float],
    total: list[float],
    gates_failed: list[list[int]],
) -> NextSteps:
    stages = compiled.rubric.stages
    if reached == len(stages):
        return NextSteps(None, (), ())
    k = reached
    weight_sum = total[k]
    failed = set(gates_failed[k])
    candidates: list[tuple[bool, float, int]] = []
    weight = compiled.weight
    for n in compiled.of_stage[k]:
        s = scores[n]
        if s == NOT_APPLICABLE:
            continue
        gain = weight[n] * (1.0 - (s or 0.0)) / weight_sum
        if gain > EPSILON or n in failed:
            candidates.append((n in failed, gain, n))
    # Failed gates first, then by gain; ties keep rubric order, so the ranking is deterministic.
    candidates.sort(key=lambda c: (not c[0], -c[1], c[2]))
    needed = stages[k].threshold * weight_sum - known[k]
    chosen: set[int] = set()
    gained = 0.0
    for is_gate, gain, n in candidates:
        if is_gate or gained * weight_sum < needed - EPSILON:
            chosen.add(n)
            gained += gain
    ids = compiled.ids
    dimension_ids = [d.id for d in compiled.rubric.dimensions]
    steps = tuple(
        _new_next_step(
            ids[n],
            dimension_ids[compiled.dimension_of[n]],
            None if scores[n] is None else _round4(scores[n] or 0.0),
            _round4(gain),
            is_gate,
            n in chosen,
        )
        for is_gate, gain, n in candidates
    )
    return NextSteps(
        stages[k].id, tuple(ids[n] for is_gate, gain, n in candidates if n in chosen), steps
    )


def score_answers(
    compiled: CompiledRubric,
    answers: Mapping[str, Any],
    *,
    source: str = "",
    company: Mapping[str, Any] | None = None,
    warnings: tuple[str, ...] = (),
) -> Result:
    """Check raw answers against the rubric and score them; raises AnswerError."""
    scores, notes = read_answers(compiled, answers)
    return evaluate(
        compiled, scores, source=source, company=company, notes=notes, warnings=warnings
    )
