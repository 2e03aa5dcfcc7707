"""JSON Schemas of the rubric, the profile and a result record, generated from pydantic models."""

from __future__ import annotations

import json
from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of `kind` (rubric, profile, or result: a record of score's JSON output,
    a scored profile or one that could not be scored)."""
    from pydantic import TypeAdapter

    from retail_stage.profile import Profile
    from retail_stage.result_model import Invalid, Result
    from retail_stage.rubric_model import Rubric

    if kind == "result":
        body = TypeAdapter(Result | Invalid).json_schema()
    else:
        body = (Rubric if kind == "rubric" else Profile).model_json_schema()
    return {
        "$schema": SCHEMA_DIALECT,
        "title": f"retail-stage {kind}",
        **{k: v for k, v in body.items() if k != "title"},
    }


def schema_text(kind: str) -> str:
    """The schema as the stable text committed under schemas/."""
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"
