"""The profile: one company's answers to a rubric (DESIGN §2).

The model checks the shape (a company with a name, answers keyed by indicator id); whether each
answer fits its indicator is checked against the compiled rubric by the engine, which knows
what every answer kind accepts.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from retail_stage.messages import _
from retail_stage.rubric import RubricRef

_ANSWER_SCHEMA: dict[str, Any] = {
    "description": (
        "An answer: yes/no, an option or level id, a list of option ids, a number, "
        "'unknown' (or null) or 'n/a'; or {value, note} to keep the evidence with it."
    ),
    "anyOf": [
        {"type": ["boolean", "number", "string", "null"]},
        {"type": "array", "items": {"type": "string"}},
        {
            "type": "object",
            "properties": {
                "value": {
                    "anyOf": [
                        {"type": ["boolean", "number", "string", "null"]},
                        {"type": "array", "items": {"type": "string"}},
                    ]
                },
                "note": {"type": "string", "description": "evidence: who said so, what was seen"},
            },
            "required": ["value"],
            "additionalProperties": False,
        },
    ],
}

AnswerInput = Annotated[Any, WithJsonSchema(_ANSWER_SCHEMA)]


class Company(BaseModel):
    """Who was assessed."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, description="company or store name")
    id: str | None = Field(None, description="your own identifier")
    sector: str | None = Field(None, description="line of business, e.g. grocery or fashion")
    country: str | None = Field(None, description="country or market")
    assessed_on: dt.date | None = Field(None, description="date of the assessment, YYYY-MM-DD")


class RespondentAnswers(BaseModel):
    """One person's answers, when several people at the company answered."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, description="who answered: a name, a role or an e-mail")
    source: str | None = Field(None, description="where the answers came from, e.g. a file:row")
    timestamp: str | None = Field(
        None, description="when they were given (ISO 8601); merge 'latest' takes the last"
    )
    answers: dict[str, AnswerInput] = Field(
        default_factory=dict, description="this person's answers keyed by indicator id"
    )

    @field_validator("timestamp", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


class Profile(BaseModel):
    """A company and its answers, keyed by indicator id (or several people's answers)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    company: Company = Field(description="who was assessed")
    rubric: RubricRef | None = Field(None, description="the rubric id/version answered for")
    answers: dict[str, AnswerInput] = Field(
        default_factory=dict, description="answers keyed by indicator id"
    )
    respondents: list[RespondentAnswers] | None = Field(
        None,
        min_length=1,
        description="instead of answers: each person's answers, merged indicator by indicator",
    )
    merge: Literal["median", "min", "mean", "latest"] | None = Field(
        None, description="how respondents' scores are merged (default median)"
    )

    @model_validator(mode="after")
    def _answers_or_respondents(self) -> Profile:
        if self.respondents is not None and self.answers:
            raise ValueError(_("a profile has answers or respondents, not both"))
        return self


def parse_profile(data: Any) -> Profile:
    """A Profile from loaded YAML/JSON data; raises pydantic's ValidationError."""
    return Profile.model_validate(data)
