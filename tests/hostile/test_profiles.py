"""Hostile and broken profiles: one clear line each, naming the file and position, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from retail_stage.batch import score_paths
from retail_stage.engine import CompiledRubric
from retail_stage.loading import Failure

CASES = [
    ("no company", "answers: {}\n", "1:1: error: document: missing required key 'company'"),
    ("no name", "company: {id: x}\n", "1:10: error: company: missing required key 'name'"),
    (
        "blank name",
        "company: {name: '   '}\n",
        "1:17: error: company.name: string should have at least 1 character",
    ),
    (
        "name not text",
        "company: {name: [a]}\n",
        "1:17: error: company.name: input should be a valid string",
    ),
    (
        "unknown indicator",
        "company: {name: X}\nanswers: {nope: yes}\n",
        "2:11: error: unknown indicator 'nope' for rubric 'mini'",
    ),
    (
        "wrong kind",
        "company: {name: X}\nanswers: {d: [1]}\n",
        "2:14: error: expected a number for 'd', got [1]",
    ),
    (
        "out of range",
        "company: {name: X}\nanswers: {d: -1}\n",
        "2:14: error: -1 % is out of range: expected a number from 0 to 100 %",
    ),
    (
        "huge number",
        "company: {name: X}\nanswers: {d: 1.0e+400}\n",
        "2:14: error: expected a finite number for 'd', got inf",
    ),
    (
        "nan",
        "company: {name: X}\nanswers: {d: .nan}\n",
        "2:14: error: expected a finite number for 'd', got nan",
    ),
    (
        "n/a on a gate",
        "company: {name: X}\nanswers: {a: n/a}\n",
        "2:14: error: n/a is not accepted for this question: it is a gate of its stage",
    ),
    (
        "non-string key",
        "company: {name: X}\nanswers: {1: yes}\n",
        "2:11: error: key '1' is read as a number, not text; put it in quotes",
    ),
    (
        "answers a list",
        "company: {name: X}\nanswers: [a]\n",
        "2:10: error: answers: input should be a valid dictionary",
    ),
    (
        "top-level scalar",
        "hello\n",
        "1:1: error: expected a mapping at the top of the document, got a string",
    ),
    (
        "other rubric",
        "company: {name: X}\nrubric: {id: retail-stages, version: '1.0'}\n",
        "2:14: error: profile was answered for rubric 'retail-stages', not 'mini'; pass the matching --rubric",
    ),
    (
        "bad date",
        "company: {name: X, assessed_on: someday}\n",
        "1:33: error: company.assessed_on: input should be a valid date or datetime, input is too short",
    ),
    (
        "very long string",
        "company: {name: X}\nanswers: {b: " + "x" * 100_000 + "}\n",
        "2:14: error: '" + "x" * 56 + "... is not one of the options: none, some, all",
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_broken_profile_is_one_located_line(
    mini: CompiledRubric, tmp_path: Path, name: str, text: str, expected: str
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    (record,) = score_paths(mini, [str(path)])
    assert isinstance(record, Failure), name
    assert record.message == f"{path}:{expected}"
    assert "\n" not in record.message


def test_other_rubric_version_is_a_warning_and_still_scored(
    mini: CompiledRubric, tmp_path: Path
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "company: {name: X}\nrubric: {id: mini, version: 1}\nanswers: {a: yes}\n", encoding="utf-8"
    )
    (record,) = score_paths(mini, [str(path)])
    assert not isinstance(record, Failure)
    assert record.warnings == (
        f"{path}:2:29: warning: profile was answered for version 1 of 'mini'; scored with version 2",
    )
