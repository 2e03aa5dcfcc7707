"""JSON Schemas of the rubric and the profile, generated from the pydantic models."""

from __future__ import annotations

import json
from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of `kind` (rubric or profile)."""
    from retail_stage.profile import Profile
    from retail_stage.rubric_model import Rubric

    body = (Rubric if kind == "rubric" else Profile).model_json_schema()
    return {
        "$schema": SCHEMA_DIALECT,
        "title": f"retail-stage {kind}",
        **{k: v for k, v in body.items() if k != "title"},
    }


def schema_text(kind: str) -> str:
    """The schema as the stable text committed under schemas/."""
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"
