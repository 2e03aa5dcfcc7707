"""JSON Schemas: a description on every field, the dialect set, the committed files in sync."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from retail_stage.cli import app
from retail_stage.schemas import SCHEMA_DIALECT, schema

ROOT = Path(__file__).parent.parent
runner = CliRunner()


def undescribed(body: dict[str, Any]) -> list[str]:
    objects = [("(root)", body), *body.get("$defs", {}).items()]
    return [
        f"{name}.{prop}"
        for name, obj in objects
        for prop, spec in obj.get("properties", {}).items()
        if not spec.get("description")
    ]


@pytest.mark.parametrize("kind", ["rubric", "profile", "result"])
def test_every_field_has_a_description_and_the_dialect_is_set(kind: str) -> None:
    body = schema(kind)
    assert body["$schema"] == SCHEMA_DIALECT
    assert undescribed(body) == []


@pytest.mark.parametrize("kind", ["rubric", "profile", "result"])
def test_committed_schema_is_what_the_command_prints(kind: str) -> None:
    printed = runner.invoke(app, ["rubric", "schema", kind]).stdout
    assert printed == (ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")


def test_rubric_texts_may_be_a_string_or_a_language_mapping() -> None:
    title = schema("rubric")["properties"]["title"]
    assert title["anyOf"][0] == {"type": "string"}
    assert title["anyOf"][1]["type"] == "object"
    assert title["anyOf"][1]["additionalProperties"] == {"type": "string"}
    # `source` is the verbatim English quote, never translated.
    source = schema("rubric")["$defs"]["Indicator"]["properties"]["source"]
    assert source["type"] == "string"


def test_rubrics_and_profiles_carry_the_yaml_language_server_line() -> None:
    files = [
        *sorted((ROOT / "rubrics").glob("*.yaml")),
        *sorted((ROOT / "examples" / "rubrics").glob("*.yaml")),
        *sorted((ROOT / "examples" / "profiles").glob("*.yaml")),
    ]
    assert len(files) >= 14
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        kind = "profile" if path.parent.name == "profiles" else "rubric"
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix), path
        target = (path.parent / first.removeprefix(prefix)).resolve()
        assert target == (ROOT / "schemas" / f"{kind}.schema.json").resolve(), path


def test_schema_output_is_json() -> None:
    assert (
        json.loads(runner.invoke(app, ["rubric", "schema", "profile"]).stdout)["type"] == "object"
    )


def test_every_record_score_writes_fits_the_result_schema(tmp_path: Path) -> None:
    from retail_stage.result_model import Invalid, Result

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "rubric: {id: retail-stages}\ncompany: {name: X}\n"
        "answers: {mc_two_complete_channels: maybe, om_nope: 1}\n",
        encoding="utf-8",
    )
    named = [
        str(ROOT / "examples" / "profiles"),
        str(ROOT / "tests" / "calibration"),
        str(ROOT / "tests" / "data" / "surveys" / "google-forms.csv"),
        str(bad),
    ]
    printed = runner.invoke(app, ["score", *named, "-f", "json"]).stdout
    records = json.loads(printed)
    valid = [r for r in records if "error" not in r]
    scored = [Result.model_validate(r) for r in valid]
    (invalid,) = [Invalid.model_validate(r) for r in records if "error" in r]
    assert len(scored) == 42
    assert sum(r.respondents is not None for r in scored) == 2
    assert [problem.line for problem in invalid.errors or []] == [3, 3]
    # The models hold every field a record has, no more, no fewer.
    assert [r.model_dump(mode="json", exclude_unset=True) for r in scored] == valid
    assert {r.label_range.certain for r in scored} == {True, False}
