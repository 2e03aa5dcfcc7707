"""The rubric file's format: pydantic models that check each field of a rubric.

A rubric file is checked here, field by field, its translated texts resolved to one language;
`to_runtime` then turns the checked model into the plain frozen objects of `retail_stage.rubric`
that everything else reads, and `retail_stage.rubric.check_rubric` checks the whole. This module
is also the source of the rubric's JSON Schema (`retail-stage rubric schema`).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping
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

from retail_stage import rubric as runtime
from retail_stage.rubric import (
    DEFAULT_LANGUAGE,
    Gaps,
    RubricProblem,
    check_rubric,
    duplicate_problems,
)
from retail_stage.rubric_ref import version_text

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
    # Bounded so that sums of weights stay exact enough: a stage total of 1e300-sized weights
    # overflows, and 1e-300 beside 1 vanishes from it.
    weight: float = Field(
        ge=0.001, le=1000, description="relative weight within its stage, from 0.001 to 1000"
    )
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


class Rubric(_Model):
    """A whole retail-stage model (DESIGN §1-2), its texts resolved to one language."""

    id: str = Field(min_length=1, description="identifier that profiles name")
    version: Annotated[str, BeforeValidator(version_text)] = Field(
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


def to_runtime(model: Rubric) -> runtime.Rubric:
    """The checked rubric as the plain frozen objects scoring reads, in the same language."""
    return runtime.rubric_from_data({**model.model_dump(), "lang": model.lang})


def check_partial_rubric(data: Any, context: Mapping[str, Any]) -> list[RubricProblem]:
    """The whole-rubric problems of data that failed field validation, as far as they can tell.

    Each stage, dimension and indicator is validated on its own; the valid ones are checked
    together (see `Gaps`). Field errors themselves are not repeated here.
    """
    from pydantic import ValidationError

    if not isinstance(data, dict):
        return []

    def valid(model: type[_Model], value: Any) -> Any:
        # The valid part, as the runtime object of the same name (what check_rubric reads).
        try:
            checked = model.model_validate(value, context=context)
        except ValidationError:
            return None
        data = checked.model_dump()
        if model is Indicator:
            return runtime.indicator_from_data(data)
        return getattr(runtime, model.__name__)(**data)

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
        duplicates += duplicate_problems([i if isinstance(i, str) else None for i in ids], section)
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
    baseline = valid(Baseline, raw_baseline) or runtime.Baseline(
        id=str(raw_baseline.get("id", "")) if isinstance(raw_baseline, dict) else "", name=""
    )
    label = valid(LabelRule, data.get("label"))
    languages = data.get("languages")
    chosen = languages if _is_language_list(languages) else [DEFAULT_LANGUAGE]
    rubric = runtime.Rubric(
        id=str(data.get("id", "")),
        version=str(data.get("version", "")),
        languages=tuple(chosen),
        title="",
        baseline=baseline,
        stages=tuple(kept["stages"]),
        dimensions=tuple(kept["dimensions"]),
        label=label or runtime.LabelRule(threshold=1.0),
        indicators=tuple(kept["indicators"]),
        lang=chosen[0],
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
