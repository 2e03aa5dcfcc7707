"""The profile: one company's answers to a rubric (DESIGN §2).

The model checks the shape (a company with a name, answers keyed by indicator id); whether each
answer fits its indicator is checked against the compiled rubric by the engine, which knows
what every answer kind accepts.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

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


class Profile(BaseModel):
    """A company and its answers, keyed by indicator id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    company: Company = Field(description="who was assessed")
    rubric: RubricRef | None = Field(None, description="the rubric id/version answered for")
    answers: dict[str, AnswerInput] = Field(
        default_factory=dict, description="answers keyed by indicator id"
    )


def parse_profile(data: Any) -> Profile:
    """A Profile from loaded YAML/JSON data; raises pydantic's ValidationError."""
    return Profile.model_validate(data)
