"""The rubric: pydantic models of the retail-stage model and their whole-rubric checks.

A rubric is data (DESIGN §2): ordered stages above a baseline, dimensions, a label rule and
one list of indicators. Pydantic checks each field; `check_rubric` then checks the whole
(references, uniqueness, reachability) and reports every problem at once with its location.
"""

from __future__ import annotations

import itertools
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
)

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", description="snake_case identifier")]
Slug = Annotated[
    str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="option id used in profiles")
]
Score = Annotated[float, Field(ge=0, le=1, description="score between 0 and 1")]
Threshold = Annotated[float, Field(gt=0, le=1, description="a share in (0, 1]")]
Language = Annotated[
    str,
    Field(
        pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        description="language code such as en, zh or pt-BR",
    ),
]

DEFAULT_LANGUAGE = "en"
"""The language of a rubric that declares no `languages`."""


def _resolve_text(value: Any, info: ValidationInfo) -> Any:
    # A translated text is resolved here, once, so every consumer reads a plain str: the
    # chosen language, else the rubric's default language, else the first one given.
    if not isinstance(value, dict):
        return value
    if not value or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError("a text is a string or a mapping of language code to string")
    context = info.context if isinstance(info.context, Mapping) else {}
    for language in (context.get("lang"), context.get("default")):
        if language in value:
            return value[language]
    return next(iter(value.values()))


_TEXT_VALIDATOR = BeforeValidator(_resolve_text)
_TEXT_SCHEMA = WithJsonSchema(
    {
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "description": "the text per language the rubric declares: {en: ..., zh: ...}",
                "additionalProperties": {"type": "string"},
                "minProperties": 1,
            },
        ]
    }
)
Text = Annotated[str, _TEXT_VALIDATOR, _TEXT_SCHEMA]
"""A text shown to people: a string, or a mapping of language code to string."""


def _version_text(value: Any) -> Any:
    # `version: 1.0` in YAML is a float; a version is a label, so keep it as written.
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Baseline(_Model):
    """The level below the first stage (single-channel: not yet two complete channels)."""

    id: Id
    name: Text = Field(min_length=1, description="display name")
    description: Text = Field("", description="what a company at the baseline looks like")


class Stage(_Model):
    """One stage of the ladder; met when its attainment reaches its threshold and its gates hold."""

    id: Id
    name: Text = Field(min_length=1, description="display name")
    description: Text = Field("", description="what the stage means, from the source model")
    threshold: Threshold = Field(description="attainment needed to meet the stage")


class Dimension(_Model):
    """A topic that groups indicators across stages (channels, payment, supply chain...)."""

    id: Id
    name: Text = Field(min_length=1, description="display name")
    description: Text = Field("", description="what the dimension covers")


class LabelRule(_Model):
    """When digitalization counts as 2.0 (supply and production) rather than 1.0 (traffic)."""

    threshold: Threshold = Field(description="supply-focus score needed for 2.0")
    min_stage: Id | None = Field(None, description="a stage that must also be reached for 2.0")
    description_1: Text = Field("", description="what 1.0 means")
    description_2: Text = Field("", description="what 2.0 means")


class Level(_Model):
    """One ordered level of a scale answer."""

    id: Slug
    label: Text = Field(min_length=1, description="what the level says, as shown to people")
    score: Score | None = Field(None, description="default: evenly spaced from 0 to 1")


class Option(_Model):
    """One option of a choice or multi answer."""

    id: Slug
    label: Text = Field(min_length=1, description="what the option says, as shown to people")
    score: Score


class Band(_Model):
    """Numbers from `min` up to the next band's `min` score `score`."""

    min: float = Field(description="smallest number in the band")
    score: Score


class BooleanAnswer(_Model):
    """Yes scores 1, no scores 0."""

    kind: Literal["boolean"] = Field(description="yes or no")


class ScaleAnswer(_Model):
    """Ordered levels, each with a score."""

    kind: Literal["scale"] = Field(description="one of ordered levels")
    levels: list[Level] = Field(min_length=2, description="from the lowest level to the highest")

    def level_scores(self) -> list[float]:
        """The score of each level, filling the evenly spaced default."""
        last = len(self.levels) - 1
        return [lv.score if lv.score is not None else i / last for i, lv in enumerate(self.levels)]


class ChoiceAnswer(_Model):
    """Exactly one option."""

    kind: Literal["choice"] = Field(description="exactly one option")
    options: list[Option] = Field(min_length=1, description="the options to choose from")


class MultiAnswer(_Model):
    """Any number of options; the score is the sum of theirs, capped at 1."""

    kind: Literal["multi"] = Field(description="any number of options, scores summed up to 1")
    options: list[Option] = Field(min_length=1, description="the options to tick")


class NumberAnswer(_Model):
    """A number, scored by the highest band whose `min` it reaches."""

    kind: Literal["number"] = Field(description="a number, scored in bands")
    unit: Text = Field("", description="unit shown after the number, such as %")
    min: float | None = Field(None, description="smallest allowed value")
    max: float | None = Field(None, description="largest allowed value")
    bands: list[Band] = Field(min_length=1, description="sorted by min, lowest first")


AnswerSpec = Annotated[
    BooleanAnswer | ScaleAnswer | ChoiceAnswer | MultiAnswer | NumberAnswer,
    Field(discriminator="kind", description="the kind of answer and how each answer scores"),
]


class AskIf(_Model):
    """Ask an indicator only when an earlier one scored above `above`."""

    indicator: Id = Field(description="id of an earlier indicator")
    above: Annotated[float, Field(ge=0, lt=1)] = Field(
        0.0, description="ask only when that indicator scored above this"
    )


class Indicator(_Model):
    """One question of the model: what it asks, where it counts, how it scores."""

    id: Id
    stage: Id = Field(description="id of the stage it counts towards")
    dimension: Id = Field(description="id of its dimension")
    focus: Literal["traffic", "supply"] = Field(
        description="traffic: front end (reach, market, convert); supply: middle and back end"
    )
    weight: float = Field(gt=0, description="relative weight within its stage")
    question: Text = Field(min_length=1, description="the question put to the company")
    help: Text = Field("", description="how to answer: definitions, evidence, edge cases")
    source: str = Field(
        "", description="the sentence of the source model it comes from, quoted verbatim"
    )
    answer: AnswerSpec
    required: bool = Field(False, description="a gate: the stage is not met without it")
    min_score: Score | None = Field(None, description="score a gate needs (default 1)")
    allow_na: bool = Field(False, description="whether 'n/a' is an accepted answer")
    ask_if: AskIf | None = Field(None, description="ask only after an earlier answer")
    if_not_asked: Literal["n/a", "zero"] = Field(
        "zero", description="how the indicator scores when its ask_if condition fails"
    )

    @property
    def gate_score(self) -> float:
        """The score this indicator needs when it is a gate."""
        return 1.0 if self.min_score is None else self.min_score


class RubricRef(_Model):
    """Which rubric a profile was answered for."""

    id: str = Field(description="the rubric's id")
    version: Annotated[str, BeforeValidator(_version_text)] | None = Field(
        None, description="the rubric's version"
    )


class Rubric(_Model):
    """A whole retail-stage model (DESIGN §1-2), its texts resolved to one language."""

    id: str = Field(min_length=1, description="identifier that profiles name")
    version: Annotated[str, BeforeValidator(_version_text)] = Field(
        description="version label; profiles may name it"
    )
    languages: list[Language] = Field(
        default_factory=lambda: [DEFAULT_LANGUAGE],
        min_length=1,
        description="languages its texts are written in; the first is the default",
    )
    title: Text = Field(min_length=1, description="display title")
    description: Text = Field("", description="what the rubric assesses")
    baseline: Baseline = Field(description="the level below the first stage")
    stages: list[Stage] = Field(min_length=1, description="the ladder, lowest stage first")
    dimensions: list[Dimension] = Field(min_length=1, description="topics grouping indicators")
    label: LabelRule = Field(description="the 1.0 / 2.0 rule")
    indicators: list[Indicator] = Field(min_length=1, description="every question of the model")

    _lang: str = PrivateAttr("")

    def model_post_init(self, context: Any, /) -> None:
        """Remember which language the texts were resolved to."""
        chosen = context.get("lang") if isinstance(context, Mapping) else None
        self._lang = chosen if chosen in self.languages else self.languages[0]

    @property
    def lang(self) -> str:
        """The language of this rubric's texts (one of `languages`)."""
        return self._lang or self.languages[0]


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


def check_partial_rubric(data: Any, context: Mapping[str, Any]) -> list[RubricProblem]:
    """The whole-rubric problems of data that failed field validation, as far as they can tell.

    Each stage, dimension and indicator is validated on its own; the valid ones are checked
    together (see `Gaps`). Field errors themselves are not repeated here.
    """
    from pydantic import ValidationError

    if not isinstance(data, dict):
        return []

    def valid(model: type[_Model], value: Any) -> Any:
        try:
            return model.model_validate(value, context=context)
        except ValidationError:
            return None

    kept: dict[str, list[Any]] = {}
    duplicates: list[RubricProblem] = []
    positions: dict[str, tuple[int, ...]] = {}
    broken: dict[str, set[str]] = {}
    open_stages: set[str] = set()
    all_open = False
    sections: tuple[tuple[str, type[_Model]], ...] = (
        ("stages", Stage),
        ("dimensions", Dimension),
        ("indicators", Indicator),
    )
    for section, model in sections:
        items = data.get(section)
        items = items if isinstance(items, list) else []
        kept[section], places, broken[section] = [], [], set()
        for n, item in enumerate(items):
            checked = valid(model, item)
            if checked is not None:
                kept[section].append(checked)
                places.append(n)
                continue
            raw = item if isinstance(item, dict) else {}
            if isinstance(raw.get("id"), str):
                broken[section].add(raw["id"])
            if section == "indicators":
                if isinstance(raw.get("stage"), str):
                    open_stages.add(raw["stage"])
                else:
                    all_open = True
        positions[section] = tuple(places)
        ids = [item.get("id") if isinstance(item, dict) else None for item in items]
        # Positions are those of the file already, so these skip the remapping of check_rubric.
        duplicates += _duplicates([i if isinstance(i, str) else None for i in ids], section)
    raw_indicators = data.get("indicators")
    indicator_positions = (
        {
            item["id"]: n
            for n, item in reversed(list(enumerate(raw_indicators)))
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        }
        if isinstance(raw_indicators, list)
        else {}
    )
    raw_baseline = data.get("baseline")
    baseline = valid(Baseline, raw_baseline) or Baseline.model_construct(
        id=str(raw_baseline.get("id", "")) if isinstance(raw_baseline, dict) else "", name=""
    )
    label = valid(LabelRule, data.get("label"))
    languages = data.get("languages")
    rubric = Rubric.model_construct(
        id=str(data.get("id", "")),
        version=str(data.get("version", "")),
        languages=languages if _is_language_list(languages) else [DEFAULT_LANGUAGE],
        title="",
        baseline=baseline,
        stages=kept["stages"],
        dimensions=kept["dimensions"],
        label=label or LabelRule.model_construct(threshold=1.0, min_stage=None),
        indicators=kept["indicators"],
    )
    gaps = Gaps(
        positions=positions,
        stage_ids=frozenset(broken["stages"]),
        dimension_ids=frozenset(broken["dimensions"]),
        indicator_positions=indicator_positions,
        open_stages=frozenset(open_stages | broken["stages"]),
        all_stages_open=all_open,
        label_broken=label is None,
        duplicates_checked=True,
    )
    return duplicates + check_rubric(rubric, gaps)


def _is_language_list(value: Any) -> typing.TypeGuard[list[str]]:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def _duplicates(ids: Sequence[str | None], where: str, what: str = "id") -> Iterator[RubricProblem]:
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
    yield from _duplicates(list(rubric.languages), "languages", what="language")
    stage_ids = [s.id for s in rubric.stages]
    if not gaps.duplicates_checked:
        yield from _duplicates(stage_ids, "stages")
        yield from _duplicates([d.id for d in rubric.dimensions], "dimensions")
        yield from _duplicates([i.id for i in rubric.indicators], "indicators")
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
        if answer.max is not None:
            for k, band in enumerate(answer.bands):
                if band.min > answer.max:
                    yield RubricProblem(
                        (*at, "bands", k, "min"),
                        f"band starts at {band.min:g}, above the largest allowed value "
                        f"{answer.max:g}: no answer can reach it",
                    )


def language_of_locale(locale: str) -> str | None:
    """The language code of a locale name such as zh_CN.UTF-8 (zh); None for C or POSIX."""
    code = locale.split(".", 1)[0].split("@", 1)[0].replace("-", "_").split("_", 1)[0].lower()
    return code if 2 <= len(code) <= 3 and code.isalpha() and code.isascii() else None


def translation_problems(data: Any) -> list[RubricProblem]:
    """Warnings for texts that lack a language the rubric declares, or name an undeclared one.

    Works on the raw data (before texts are resolved to one language). A text without letters
    (such as the unit "%") reads the same in every language and needs no translation.
    """
    if not isinstance(data, dict):
        return []
    raw = data.get("languages")
    languages: list[str] = raw if _is_language_list(raw) else [DEFAULT_LANGUAGE]
    declared = ", ".join(languages)
    problems = []
    for loc, value in _texts(Rubric, data, ()):
        if isinstance(value, str):
            given = [languages[0]] if _has_letters(value) else list(languages)
        elif isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            given = [str(k) for k in value] if any(map(_has_letters, value.values())) else []
            given = given or list(languages)
            for key in value:
                if key not in languages:
                    problems.append(
                        RubricProblem(
                            (*loc, key, "<key>"),
                            f"language {key!r} is not declared in languages ({declared})",
                            "warning",
                        )
                    )
        else:
            continue  # not a text at all: field validation reports it
        missing = [language for language in languages if language not in given]
        if missing:
            names = ", ".join(repr(m) for m in missing)
            problems.append(
                RubricProblem(
                    loc,
                    f"missing {names} translation{'s' * (len(missing) > 1)}; "
                    f"the rubric declares languages {declared}",
                    "warning",
                )
            )
    return problems


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def text_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Names of the fields of `model` that hold a translatable `Text`."""
    return tuple(n for n, info in model.model_fields.items() if _TEXT_VALIDATOR in info.metadata)


def _texts(model: type[BaseModel], data: Any, at: tuple[str | int, ...]) -> Iterator[Any]:
    """(location, raw value) of every text field in raw data shaped like `model`."""
    if not isinstance(data, dict):
        return
    texts = text_fields(model)
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        if name in texts:
            yield (*at, name), data[name]
        else:
            yield from _nested_texts(info.annotation, data[name], (*at, name))


def _nested_texts(annotation: Any, value: Any, at: tuple[str | int, ...]) -> Iterator[Any]:
    origin = typing.get_origin(annotation)
    if origin is list:
        if isinstance(value, list):
            (item,) = typing.get_args(annotation)
            for n, element in enumerate(value):
                yield from _nested_texts(item, element, (*at, n))
    elif origin in (typing.Union, types.UnionType):
        kind = value.get("kind") if isinstance(value, dict) else None
        models = [
            m
            for m in typing.get_args(annotation)
            if isinstance(m, type)
            and issubclass(m, BaseModel)
            and (
                "kind" not in m.model_fields
                or kind in typing.get_args(m.model_fields["kind"].annotation)
            )
        ]
        if len(models) == 1:
            yield from _texts(models[0], value, at)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from _texts(annotation, value, at)
