"""The shape of a `score --format json|jsonl|yaml` record, as pydantic models for its JSON Schema.

Scoring never builds these (a `Result` writes its own dict); they describe the output contract of
DESIGN §2 for people who read it with other tools, and the tests hold every record to them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Label = Literal["1.0", "2.0"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Company(_Record):
    name: str = Field(description="company name, as the profile gives it")
    id: str | None = Field(description="the profile's own identifier, or null")
    sector: str | None = Field(description="line of business, or null")
    country: str | None = Field(description="country or market, or null")
    assessed_on: str | None = Field(description="date of the assessment, YYYY-MM-DD, or null")


class RubricRef(_Record):
    id: str = Field(description="id of the rubric that scored the profile")
    version: str = Field(description="version of that rubric")


class StageRange(_Record):
    low: str = Field(description="stage reached with unknown answers counted as 0")
    high: str = Field(description="stage reached with unknown answers counted as 1")
    certain: bool = Field(description="true when both ends are the same stage")


class LabelRange(_Record):
    low: Label = Field(description="label with unknown answers counted as 0")
    high: Label = Field(description="label with unknown answers counted as 1")
    certain: bool = Field(description="true when both ends are the same label")


class Stage(_Record):
    id: str = Field(description="stage id, in the rubric's order")
    attainment: float = Field(
        ge=0, le=1, description="weighted mean score of the stage's indicators, unknowns as 0"
    )
    threshold: float = Field(description="attainment the stage needs")
    met: bool = Field(description="attainment reaches the threshold and every gate holds")
    failed_gates: list[str] = Field(description="ids of the stage's gates that do not hold")


class Focus(_Record):
    traffic: float = Field(ge=0, le=1, description="weighted mean score of traffic indicators")
    supply: float = Field(
        ge=0, le=1, description="weighted mean score of supply indicators; the label reads it"
    )


class Step(_Record):
    id: str = Field(description="indicator id")
    dimension: str = Field(description="the indicator's dimension")
    score: float | None = Field(description="its score now, or null when unknown")
    gain: float = Field(description="attainment of the next stage gained by a full score")
    failed_gate: bool = Field(description="true when the indicator is a gate that does not hold")


class NextSteps(_Record):
    stage: str | None = Field(description="the next stage to reach, or null at the top")
    smallest_set: list[str] = Field(
        description="fewest indicators whose full scores would meet the next stage"
    )
    indicators: list[Step] = Field(description="the next stage's indicators, most gain first")


class RespondentRecord(_Record):
    name: str = Field(description="who answered")
    source: str = Field(description="where their answers came from (file:row)")
    stage: str = Field(description="the stage their answers alone reach")
    label: Label = Field(description="the label their answers alone give")


class Said(_Record):
    respondent: str = Field(description="who answered")
    answer: Any = Field(description="their answer, as a profile writes it")
    score: float | None = Field(description="its score")


class DisagreementRecord(_Record):
    indicator: str = Field(description="indicator id")
    min: float = Field(description="the lowest score the respondents gave it")
    max: float = Field(description="the highest")
    index_swing: float = Field(description="how far the index moves between the two")
    answers: list[Said] = Field(description="each respondent's answer")


class Result(_Record):
    """One scored profile."""

    source: str = Field(description="where the profile came from (file, file:line for JSONL)")
    company: Company = Field(description="the profile's company block")
    rubric: RubricRef = Field(description="the rubric that scored it")
    stage: str = Field(description="stage reached (unknowns as 0), or the baseline id")
    stage_name: str = Field(description="the stage's name in the output language")
    label: Label = Field(description="1.0 (traffic) or 2.0 (supply and production), unknowns as 0")
    index: float = Field(ge=0, description="stages reached plus the next one's attainment")
    coverage: float = Field(ge=0, le=1, description="share of the rubric's weight answered")
    stage_range: StageRange = Field(description="the stage with unknowns as 0 and as 1")
    label_range: LabelRange = Field(description="the label with unknowns as 0 and as 1")
    stages: list[Stage] = Field(description="every stage, in the rubric's order")
    dimensions: dict[str, float | None] = Field(
        description="weighted mean score per dimension, all stages together; null if none known"
    )
    focus: Focus = Field(description="the traffic and supply focus scores")
    next_steps: NextSteps = Field(description="what would reach the next stage")
    warnings: list[str] = Field(
        description="warnings about the profile, each the line stderr shows (e.g. an "
        "unasked answer; 'no answers' when every question is unanswered)"
    )
    merge: Literal["median", "min", "mean", "latest"] | None = Field(
        default=None, description="several respondents: how their scores were merged"
    )
    respondents: list[RespondentRecord] | None = Field(
        default=None, description="several respondents: who answered, where each alone stands"
    )
    disagreement: list[DisagreementRecord] | None = Field(
        default=None,
        description="indicators the respondents scored differently, most index swing first",
    )


class Problem(_Record):
    path: str = Field(description="the file, as shown")
    line: int | None = Field(description="1-based line of the problem, or null")
    column: int | None = Field(description="1-based column of the problem, or null")
    severity: Literal["error", "warning"] = Field(description="error or warning")
    message: str = Field(description="what is wrong")
    sheet: str | None = Field(default=None, description="the worksheet, in a spreadsheet")


class Invalid(_Record):
    """A profile that could not be scored."""

    source: str = Field(description="where the profile came from")
    error: str = Field(description="the first problem as one PATH:LINE:COL: error: line")
    line: int | None = Field(description="line of the first problem, or null")
    column: int | None = Field(description="column of the first problem, or null")
    message: str = Field(description="the first problem's message")
    errors: list[Problem] | None = Field(
        default=None, description="every problem, when there are several"
    )
