"""The rubric as scoring reads it: plain frozen data, and the checks of a rubric as a whole.

A rubric is data (DESIGN §2): ordered stages above a baseline, dimensions, a label rule and
one list of indicators. The classes here are what the engine, the renderers and the
questionnaire read: plain frozen dataclasses, cheap to build, their texts already resolved to
one language. The file format and its field checks are the pydantic models of
`retail_stage.rubric_model`; a rubric file becomes these objects only once it has passed them,
and `check_rubric` then checks the whole (references, uniqueness, reachability) and reports
every problem at once with its location.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from retail_stage.rubric_ref import RubricRef as RubricRef


DEFAULT_LANGUAGE = "en"
"""The language of a rubric that declares no `languages`."""


def __getattr__(name: str) -> Any:
    # RubricRef is a part of the profile's pydantic model; fetched from its own module only
    # when asked for, this one stays free of pydantic (the engine imports it).
    if name == "RubricRef":
        from retail_stage.rubric_ref import RubricRef

        return RubricRef
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Baseline:
    """The level below the first stage (single-channel: not yet two complete channels)."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Stage:
    """One stage of the ladder; met when its attainment reaches its threshold and its gates hold."""

    id: str
    name: str
    description: str = ""
    threshold: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Dimension:
    """A topic that groups indicators across stages (channels, payment, supply chain...)."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelRule:
    """When digitalization counts as 2.0 (supply and production) rather than 1.0 (traffic)."""

    threshold: float
    min_stage: str | None = None
    description_1: str = ""
    description_2: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Level:
    """One ordered level of a scale answer; `score` None means evenly spaced from 0 to 1."""

    id: str
    label: str
    score: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """One option of a choice or multi answer."""

    id: str
    label: str
    score: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Band:
    """Numbers from `min` up to the next band's `min` score `score`."""

    min: float
    score: float


@dataclass(frozen=True, slots=True, kw_only=True)
class BooleanAnswer:
    """Yes scores 1, no scores 0."""

    kind: Literal["boolean"] = "boolean"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScaleAnswer:
    """Ordered levels, each with a score."""

    kind: Literal["scale"] = "scale"
    levels: tuple[Level, ...]

    def level_scores(self) -> list[float]:
        """The score of each level, filling the evenly spaced default."""
        last = len(self.levels) - 1
        return [lv.score if lv.score is not None else i / last for i, lv in enumerate(self.levels)]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChoiceAnswer:
    """Exactly one option."""

    kind: Literal["choice"] = "choice"
    options: tuple[Option, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiAnswer:
    """Any number of options; the score is the sum of theirs, capped at 1."""

    kind: Literal["multi"] = "multi"
    options: tuple[Option, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class NumberAnswer:
    """A number, scored by the highest band whose `min` it reaches."""

    kind: Literal["number"] = "number"
    unit: str = ""
    min: float | None = None
    max: float | None = None
    bands: tuple[Band, ...]


AnswerSpec = BooleanAnswer | ScaleAnswer | ChoiceAnswer | MultiAnswer | NumberAnswer
"""The kind of answer an indicator takes and how each answer scores."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AskIf:
    """Ask an indicator only when an earlier one scored above `above`."""

    indicator: str
    above: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicator:
    """One question of the model: what it asks, where it counts, how it scores."""

    id: str
    stage: str
    dimension: str
    focus: Literal["traffic", "supply"]
    weight: float
    question: str
    help: str = ""
    source: str = ""
    answer: AnswerSpec
    required: bool = False
    min_score: float | None = None
    allow_na: bool = False
    ask_if: AskIf | None = None
    if_not_asked: Literal["n/a", "zero"] = "zero"

    @property
    def gate_score(self) -> float:
        """The score this indicator needs when it is a gate."""
        return 1.0 if self.min_score is None else self.min_score


@dataclass(frozen=True, slots=True, kw_only=True)
class Rubric:
    """A whole retail-stage model (DESIGN §1-2), its texts resolved to the language `lang`."""

    id: str
    version: str
    languages: tuple[str, ...]
    title: str
    description: str = ""
    baseline: Baseline
    stages: tuple[Stage, ...]
    dimensions: tuple[Dimension, ...]
    label: LabelRule
    indicators: tuple[Indicator, ...]
    lang: str
    """The language of this rubric's texts (one of `languages`)."""
    option_labels: Mapping[str, Mapping[str, tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Indicator id to option (or level) id to its label in each of `languages`: what an
    answer may be written as besides the id, whatever language the texts are resolved to
    (empty for a rubric made in code: its labels are those of `lang`)."""


_ANSWERS: dict[str, Any] = {
    "boolean": BooleanAnswer,
    "scale": ScaleAnswer,
    "choice": ChoiceAnswer,
    "multi": MultiAnswer,
    "number": NumberAnswer,
}


def answer_from_data(data: Mapping[str, Any]) -> AnswerSpec:
    """The answer spec of plain data shaped like `plain_data` writes it."""
    given = dict(data)
    if "levels" in given:
        given["levels"] = tuple(Level(**level) for level in given["levels"])
    if "options" in given:
        given["options"] = tuple(Option(**option) for option in given["options"])
    if "bands" in given:
        given["bands"] = tuple(Band(**band) for band in given["bands"])
    answer: AnswerSpec = _ANSWERS[given["kind"]](**given)
    return answer


def indicator_from_data(data: Mapping[str, Any]) -> Indicator:
    """The indicator of plain data shaped like `plain_data` writes it."""
    ask_if = data.get("ask_if")
    return Indicator(
        **{
            **data,
            "answer": answer_from_data(data["answer"]),
            "ask_if": AskIf(**ask_if) if ask_if is not None else None,
        }
    )


def rubric_from_data(data: Mapping[str, Any]) -> Rubric:
    """The rubric of plain data shaped like `plain_data` writes it (already checked data only)."""
    return Rubric(
        **{
            **data,
            "languages": tuple(data["languages"]),
            "baseline": Baseline(**data["baseline"]),
            "stages": tuple(Stage(**stage) for stage in data["stages"]),
            "dimensions": tuple(Dimension(**dimension) for dimension in data["dimensions"]),
            "label": LabelRule(**data["label"]),
            "indicators": tuple(indicator_from_data(ind) for ind in data["indicators"]),
            "option_labels": {
                ind: {option: tuple(labels) for option, labels in options.items()}
                for ind, options in data.get("option_labels", {}).items()
            },
        }
    )


def plain_data(value: Any) -> Any:
    """A rubric (or any part of one) as plain JSON-ready data: dicts in field order, lists."""
    if isinstance(value, tuple):
        return [plain_data(item) for item in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: plain_data(getattr(value, f.name)) for f in fields(value)}
    return value


@dataclass(frozen=True)
class RubricProblem:
    """A whole-rubric problem at a location in the rubric's data."""

    loc: tuple[str | int, ...]
    message: str
    severity: Literal["error", "warning"] = "error"


def max_score(answer: AnswerSpec) -> float:
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


@dataclass(frozen=True)
class Gaps:
    """What a partly valid rubric is missing, so that whole checks neither crash nor guess.

    When some parts fail field validation, the valid parts are checked on their own: the
    broken items are left out, their ids still count as known references, and the checks
    their absence could falsify (a stage's reachability, the label's) are skipped.
    """

    positions: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    """Per list (stages, dimensions, indicators): original position of each kept item."""
    stage_ids: frozenset[str] = frozenset()
    dimension_ids: frozenset[str] = frozenset()
    indicator_positions: Mapping[str, int] | None = None
    """Original position of every indicator id, broken ones included."""
    open_stages: frozenset[str] = frozenset()
    """Stages that lost a broken indicator."""
    all_stages_open: bool = False
    label_broken: bool = False
    duplicates_checked: bool = False
    """Whether duplicate ids were already looked for among all items, broken ones included."""

    def original(self, section: str, n: int) -> int:
        """The position in the file of the n-th kept item of `section`."""
        kept = self.positions.get(section)
        return kept[n] if kept is not None else n

    @property
    def indicators_dropped(self) -> bool:
        """Whether some indicator failed field validation."""
        return self.all_stages_open or bool(self.open_stages)


def check_rubric(rubric: Rubric, gaps: Gaps | None = None) -> list[RubricProblem]:
    """Every whole-rubric problem: references, uniqueness, gates, bands, reachability."""
    gaps = gaps or Gaps()
    return [_in_file(problem, gaps) for problem in _problems(rubric, gaps)]


def _in_file(problem: RubricProblem, gaps: Gaps) -> RubricProblem:
    loc = problem.loc
    if len(loc) > 1 and isinstance(loc[0], str) and isinstance(loc[1], int):
        loc = (loc[0], gaps.original(loc[0], loc[1]), *loc[2:])
    return RubricProblem(loc, problem.message, problem.severity)


def duplicate_problems(
    ids: Sequence[str | None], where: str, what: str = "id"
) -> Iterator[RubricProblem]:
    """A problem at each repeat of an id in `ids`, the items of the list `where`."""
    seen: set[str] = set()
    for position, value in enumerate(ids):
        if value is None:
            continue  # no usable id: field validation reports it
        if value in seen:
            loc: tuple[str | int, ...] = (
                (where, position) if what != "id" else (where, position, "id")
            )
            yield RubricProblem(loc, f"duplicate {what} {value!r}")
        seen.add(value)


def _cycle(start: str, ask_if: Mapping[str, str]) -> list[str]:
    """The ask_if chain from `start` back to `start` (e.g. [a, b, a]), or [] when there is none."""
    chain = [start]
    current = ask_if.get(start)
    while current is not None and current not in chain:
        chain.append(current)
        current = ask_if.get(current)
    return [*chain, start] if current == start else []


def _problems(rubric: Rubric, gaps: Gaps) -> Iterator[RubricProblem]:
    yield from duplicate_problems(list(rubric.languages), "languages", what="language")
    stage_ids = [s.id for s in rubric.stages]
    if not gaps.duplicates_checked:
        yield from duplicate_problems(stage_ids, "stages")
        yield from duplicate_problems([d.id for d in rubric.dimensions], "dimensions")
        yield from duplicate_problems([i.id for i in rubric.indicators], "indicators")
    stage_ids += sorted(gaps.stage_ids - set(stage_ids))
    if rubric.baseline.id in stage_ids:
        yield RubricProblem(
            ("baseline", "id"), f"baseline id {rubric.baseline.id!r} is also a stage"
        )
    dimension_ids = {d.id for d in rubric.dimensions} | gaps.dimension_ids
    if (
        not gaps.label_broken
        and rubric.label.min_stage is not None
        and rubric.label.min_stage not in stage_ids
    ):
        yield RubricProblem(
            ("label", "min_stage"),
            f"unknown stage {rubric.label.min_stage!r}; expected one of {', '.join(stage_ids)}",
        )
    position_of = gaps.indicator_positions
    if position_of is None:
        position_of = {ind.id: n for n, ind in reversed(list(enumerate(rubric.indicators)))}
    ask_if = {i.id: i.ask_if.indicator for i in rubric.indicators if i.ask_if is not None}
    for n, ind in enumerate(rubric.indicators):
        cycle = _cycle(ind.id, ask_if)
        yield from _indicator_problems(
            n,
            gaps.original("indicators", n),
            ind,
            stage_ids,
            dimension_ids,
            position_of,
            rubric,
            in_cycle=bool(cycle),
        )
        if cycle and ind.id == min(cycle, key=lambda i: position_of.get(i, n)):
            yield RubricProblem(
                ("indicators", n, "ask_if", "indicator"),
                "ask_if names the indicator itself"
                if len(cycle) == 2
                else f"ask_if forms a cycle: {' -> '.join(cycle)}",
            )
    for n, stage in enumerate(rubric.stages):
        if gaps.all_stages_open or stage.id in gaps.open_stages:
            continue  # a broken indicator of this stage may change what these checks find
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
    if gaps.label_broken or gaps.indicators_dropped:
        return
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
    here: int,
    ind: Indicator,
    stage_ids: list[str],
    dimension_ids: set[str],
    position_of: Mapping[str, int],
    rubric: Rubric,
    in_cycle: bool,
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
        elif target > here and not in_cycle:
            yield RubricProblem(
                (*at, "ask_if", "indicator"),
                f"ask_if must name an earlier indicator; {ind.ask_if.indicator!r} comes later",
            )
    yield from _answer_problems((*at, "answer"), ind.answer)


def _answer_problems(
    at: tuple[str | int, ...],
    answer: AnswerSpec,
) -> Iterator[RubricProblem]:
    if isinstance(answer, ScaleAnswer):
        for problem in duplicate_problems([lv.id for lv in answer.levels], "levels"):
            yield RubricProblem((*at, *problem.loc), problem.message)
        given = [lv.score for lv in answer.levels if lv.score is not None]
        if given and len(given) != len(answer.levels):
            yield RubricProblem((*at, "levels"), "give a score to every level or to none")
        elif given and any(b < a for a, b in itertools.pairwise(given)):
            yield RubricProblem((*at, "levels"), "level scores must not decrease")
    elif isinstance(answer, (ChoiceAnswer, MultiAnswer)):
        for problem in duplicate_problems([o.id for o in answer.options], "options"):
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
        if answer.max is not None:
            for k, band in enumerate(answer.bands):
                if band.min > answer.max:
                    yield RubricProblem(
                        (*at, "bands", k, "min"),
                        f"band starts at {band.min:g}, above the largest allowed value "
                        f"{answer.max:g}: no answer can reach it",
                    )
