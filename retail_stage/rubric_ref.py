"""Which rubric a profile was answered for: the part of the profile's pydantic model that names it.

Apart from the rubric's own models (`rubric_model`), so that checking a profile builds only this.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def version_text(value: Any) -> Any:
    """A version as written: `version: 1.0` in YAML is a float, but a version is a label."""
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class RubricRef(BaseModel):
    """Which rubric a profile was answered for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="the rubric's id")
    version: Annotated[str, BeforeValidator(version_text)] | None = Field(
        None, description="the rubric's version"
    )
