"""The rubric: pydantic models of the retail-stage model and their whole-rubric checks.

A rubric is data (DESIGN §2): ordered stages above a baseline, dimensions, a label rule and
one list of indicators. Pydantic checks each field; `check_rubric` then checks the whole
(references, uniqueness, reachability) and reports every problem at once with its location.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", description="snake_case identifier")]
Slug = Annotated[
    str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="option id used in profiles")
]
Score = Annotated[float, Field(ge=0, le=1, description="score between 0 and 1")]
Threshold = Annotated[float, Field(gt=0, le=1, description="a share in (0, 1]")]


def _version_text(value: Any) -> Any:
    # `version: 1.0` in YAML is a float; a version is a label, so keep it as written.
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Baseline(_Model):
    """The level below the first stage (single-channel: not yet two complete channels)."""

    id: Id
    name: str = Field(min_length=1, description="display name")
    description: str = Field("", description="what a company at the baseline looks like")


class Stage(_Model):
    """One stage of the ladder; met when its attainment reaches its threshold and its gates hold."""

    id: Id
    name: str = Field(min_length=1, description="display name")
    description: str = Field("", description="what the stage means, from the source model")
    threshold: Threshold = Field(description="attainment needed to meet the stage")


class Dimension(_Model):
    """A topic that groups indicators across stages (channels, payment, supply chain...)."""

    id: Id
    name: str = Field(min_length=1, description="display name")
    description: str = ""


class LabelRule(_Model):
    """When digitalization counts as 2.0 (supply and production) rather than 1.0 (traffic)."""

    threshold: Threshold = Field(description="supply-focus score needed for 2.0")
    min_stage: Id | None = Field(None, description="a stage that must also be reached for 2.0")
    description_1: str = Field("", description="what 1.0 means")
    description_2: str = Field("", description="what 2.0 means")


class Level(_Model):
    """One ordered level of a scale answer."""

    id: Slug
    label: str = Field(min_length=1)
    score: Score | None = Field(None, description="default: evenly spaced from 0 to 1")


class Option(_Model):
    """One option of a choice or multi answer."""

    id: Slug
    label: str = Field(min_length=1)
    score: Score


class Band(_Model):
    """Numbers from `min` up to the next band's `min` score `score`."""

    min: float
    score: Score


class BooleanAnswer(_Model):
    """Yes scores 1, no scores 0."""

    kind: Literal["boolean"]


class ScaleAnswer(_Model):
    """Ordered levels, each with a score."""

    kind: Literal["scale"]
    levels: list[Level] = Field(min_length=2)

    def level_scores(self) -> list[float]:
        """The score of each level, filling the evenly spaced default."""
        last = len(self.levels) - 1
        return [lv.score if lv.score is not None else i / last for i, lv in enumerate(self.levels)]


class ChoiceAnswer(_Model):
    """Exactly one option."""

    kind: Literal["choice"]
    options: list[Option] = Field(min_length=1)


class MultiAnswer(_Model):
    """Any number of options; the score is the sum of theirs, capped at 1."""

    kind: Literal["multi"]
    options: list[Option] = Field(min_length=1)


class NumberAnswer(_Model):
    """A number, scored by the highest band whose `min` it reaches."""

    kind: Literal["number"]
    unit: str = ""
    min: float | None = Field(None, description="smallest allowed value")
    max: float | None = Field(None, description="largest allowed value")
    bands: list[Band] = Field(min_length=1)


AnswerSpec = Annotated[
    BooleanAnswer | ScaleAnswer | ChoiceAnswer | MultiAnswer | NumberAnswer,
    Field(discriminator="kind"),
]


class AskIf(_Model):
    """Ask an indicator only when an earlier one scored above `above`."""

    indicator: Id
    above: Annotated[float, Field(ge=0, lt=1)] = 0.0


class Indicator(_Model):
    """One question of the model: what it asks, where it counts, how it scores."""

    id: Id
    stage: Id = Field(description="id of the stage it counts towards")
    dimension: Id = Field(description="id of its dimension")
    focus: Literal["traffic", "supply"] = Field(
        description="traffic: front end (reach, market, convert); supply: middle and back end"
    )
    weight: float = Field(gt=0, description="relative weight within its stage")
    question: str = Field(min_length=1)
    help: str = ""
    source: str = Field("", description="the sentence of the source model it comes from")
    answer: AnswerSpec
    required: bool = Field(False, description="a gate: the stage is not met without it")
    min_score: Score | None = Field(None, description="score a gate needs (default 1)")
    allow_na: bool = Field(False, description="whether 'n/a' is an accepted answer")
    ask_if: AskIf | None = None
    if_not_asked: Literal["n/a", "zero"] = Field(
        "zero", description="how the indicator scores when its ask_if condition fails"
    )

    @property
    def gate_score(self) -> float:
        """The score this indicator needs when it is a gate."""
        return 1.0 if self.min_score is None else self.min_score


class RubricRef(_Model):
    """Which rubric a profile was answered for."""

    id: str
    version: Annotated[str, BeforeValidator(_version_text)] | None = None


class Rubric(_Model):
    """A whole retail-stage model (DESIGN §1-2)."""

    id: str = Field(min_length=1)
    version: Annotated[str, BeforeValidator(_version_text)]
    title: str = Field(min_length=1)
    description: str = ""
    baseline: Baseline
    stages: list[Stage] = Field(min_length=1)
    dimensions: list[Dimension] = Field(min_length=1)
    label: LabelRule
    indicators: list[Indicator] = Field(min_length=1)


@dataclass(frozen=True)
class RubricProblem:
    """A whole-rubric problem at a location in the rubric's data."""

    loc: tuple[str | int, ...]
    message: str
    severity: Literal["error", "warning"] = "error"


def max_score(
    answer: BooleanAnswer | ScaleAnswer | ChoiceAnswer | MultiAnswer | NumberAnswer,
) -> float:
    """The best score an answer of this kind can give."""
    if isinstance(answer, BooleanAnswer):
        return 1.0
    if isinstance(answer, ScaleAnswer):
        return max(answer.level_scores())
    if isinstance(answer, ChoiceAnswer):
        return max(o.score for o in answer.options)
    if isinstance(answer, MultiAnswer):
        return min(1.0, sum(o.score for o in answer.options))
    return max(b.score for b in answer.bands)


def check_rubric(rubric: Rubric) -> list[RubricProblem]:
    """Every whole-rubric problem: references, uniqueness, gates, bands, reachability."""
    return list(_problems(rubric))


def _duplicates(ids: list[str], where: str) -> Iterator[RubricProblem]:
    seen: set[str] = set()
    for position, value in enumerate(ids):
        if value in seen:
            yield RubricProblem((where, position, "id"), f"duplicate id {value!r}")
        seen.add(value)


def _problems(rubric: Rubric) -> Iterator[RubricProblem]:
    stage_ids = [s.id for s in rubric.stages]
    yield from _duplicates(stage_ids, "stages")
    if rubric.baseline.id in stage_ids:
        yield RubricProblem(
            ("baseline", "id"), f"baseline id {rubric.baseline.id!r} is also a stage"
        )
    yield from _duplicates([d.id for d in rubric.dimensions], "dimensions")
    yield from _duplicates([i.id for i in rubric.indicators], "indicators")
    dimension_ids = {d.id for d in rubric.dimensions}
    if rubric.label.min_stage is not None and rubric.label.min_stage not in stage_ids:
        yield RubricProblem(
            ("label", "min_stage"),
            f"unknown stage {rubric.label.min_stage!r}; expected one of {', '.join(stage_ids)}",
        )
    position_of = {ind.id: n for n, ind in enumerate(rubric.indicators)}
    for n, ind in enumerate(rubric.indicators):
        yield from _indicator_problems(n, ind, stage_ids, dimension_ids, position_of, rubric)
    for n, stage in enumerate(rubric.stages):
        own = [i for i in rubric.indicators if i.stage == stage.id]
        if not own:
            yield RubricProblem(("stages", n, "id"), f"stage {stage.id!r} has no indicators")
            continue
        if all(i.allow_na for i in own):
            yield RubricProblem(
                ("stages", n, "id"),
                f"every indicator of stage {stage.id!r} allows n/a; at least one must not",
            )
        total = sum(i.weight for i in own)
        best = sum(i.weight * max_score(i.answer) for i in own) / total
        if best < stage.threshold - 1e-9:
            yield RubricProblem(
                ("stages", n, "threshold"),
                f"threshold {stage.threshold:g} cannot be reached: "
                f"the best attainment is {best:.4g}",
            )
    supply = [i for i in rubric.indicators if i.focus == "supply"]
    if not supply:
        yield RubricProblem(
            ("label", "threshold"), "no indicator has focus 'supply'; 2.0 is unreachable"
        )
    else:
        best = sum(i.weight * max_score(i.answer) for i in supply) / sum(i.weight for i in supply)
        if best < rubric.label.threshold - 1e-9:
            yield RubricProblem(
                ("label", "threshold"),
                f"threshold {rubric.label.threshold:g} cannot be reached: "
                f"the best supply-focus score is {best:.4g}",
            )


def _indicator_problems(
    n: int,
    ind: Indicator,
    stage_ids: list[str],
    dimension_ids: set[str],
    position_of: dict[str, int],
    rubric: Rubric,
) -> Iterator[RubricProblem]:
    at: tuple[str | int, ...] = ("indicators", n)
    if ind.stage not in stage_ids:
        hint = " (the baseline has no indicators)" if ind.stage == rubric.baseline.id else ""
        yield RubricProblem(
            (*at, "stage"),
            f"unknown stage {ind.stage!r}{hint}; expected one of {', '.join(stage_ids)}",
        )
    if ind.dimension not in dimension_ids:
        yield RubricProblem(
            (*at, "dimension"),
            f"unknown dimension {ind.dimension!r}; "
            f"expected one of {', '.join(sorted(dimension_ids))}",
        )
    if not ind.source.strip():
        yield RubricProblem(
            (*at, "id"), f"indicator {ind.id!r} has no source sentence", severity="warning"
        )
    if ind.min_score is not None and not ind.required:
        yield RubricProblem((*at, "min_score"), "min_score only applies to a gate (required: true)")
    if ind.required:
        if ind.allow_na:
            yield RubricProblem((*at, "allow_na"), "a gate (required: true) cannot allow n/a")
        if max_score(ind.answer) < ind.gate_score - 1e-9:
            yield RubricProblem(
                (*at, "min_score" if ind.min_score is not None else "required"),
                f"gate can never hold: it needs {ind.gate_score:g} but the best answer scores "
                f"{max_score(ind.answer):g}",
            )
        if ind.ask_if is not None and ind.if_not_asked == "n/a":
            yield RubricProblem((*at, "if_not_asked"), "a gate cannot become n/a when not asked")
    if ind.ask_if is not None:
        target = position_of.get(ind.ask_if.indicator)
        if target is None:
            yield RubricProblem(
                (*at, "ask_if", "indicator"), f"unknown indicator {ind.ask_if.indicator!r}"
            )
        elif target >= n:
            yield RubricProblem(
                (*at, "ask_if", "indicator"),
                f"ask_if must name an earlier indicator; {ind.ask_if.indicator!r} comes "
                f"{'later' if target > n else 'is this one'}",
            )
    yield from _answer_problems((*at, "answer"), ind.answer)


def _answer_problems(
    at: tuple[str | int, ...],
    answer: BooleanAnswer | ScaleAnswer | ChoiceAnswer | MultiAnswer | NumberAnswer,
) -> Iterator[RubricProblem]:
    if isinstance(answer, ScaleAnswer):
        for problem in _duplicates([lv.id for lv in answer.levels], "levels"):
            yield RubricProblem((*at, *problem.loc), problem.message)
        given = [lv.score for lv in answer.levels if lv.score is not None]
        if given and len(given) != len(answer.levels):
            yield RubricProblem((*at, "levels"), "give a score to every level or to none")
        elif given and any(b < a for a, b in itertools.pairwise(given)):
            yield RubricProblem((*at, "levels"), "level scores must not decrease")
    elif isinstance(answer, (ChoiceAnswer, MultiAnswer)):
        for problem in _duplicates([o.id for o in answer.options], "options"):
            yield RubricProblem((*at, *problem.loc), problem.message)
    elif isinstance(answer, NumberAnswer):
        mins = [b.min for b in answer.bands]
        for k in range(1, len(mins)):
            if mins[k] <= mins[k - 1]:
                yield RubricProblem(
                    (*at, "bands", k, "min"),
                    f"bands must be sorted by min without repeats: "
                    f"{mins[k]:g} follows {mins[k - 1]:g}",
                )
        if answer.min is not None and answer.max is not None and answer.max <= answer.min:
            yield RubricProblem(
                (*at, "max"), f"max {answer.max:g} must be above min {answer.min:g}"
            )
        if answer.min is not None and mins[0] > answer.min:
            yield RubricProblem(
                (*at, "bands", 0, "min"),
                f"the first band starts at {mins[0]:g}, "
                f"above the smallest allowed value {answer.min:g}",
            )
