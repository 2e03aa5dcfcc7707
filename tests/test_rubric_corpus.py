"""The corpus of broken rubrics: each file states, in `# expect:` lines, every problem that
`rubric validate` must report, at its exact line and column (`-` for a problem of the whole file).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retail_stage.cli import app
from retail_stage.loading import read_rubric
from retail_stage.sources import Problem, SourceError

CORPUS = Path(__file__).parent / "rubrics"
FILES = sorted(CORPUS.glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (.*)$", re.MULTILINE)
runner = CliRunner()


def problems_of(path: Path) -> list[Problem]:
    try:
        return read_rubric(str(path))[1]
    except SourceError as exc:
        return list(exc.problems)


def shown(problem: Problem) -> str:
    where = f"{problem.line}:{problem.column}" if problem.line is not None else "-"
    return f"{where}: {problem.severity}: {problem.message}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_problem_is_reported_where_the_file_says(path: Path) -> None:
    expected = EXPECT.findall(path.read_text(encoding="utf-8"))
    assert [shown(p) for p in problems_of(path)] == expected


def test_the_corpus_covers_every_check_of_the_issue() -> None:
    names = {p.stem for p in FILES}
    assert {
        "duplicate-indicator-id",
        "duplicate-yaml-key",
        "unknown-stage",
        "unknown-dimension",
        "ask-if-unknown",
        "threshold-zero",
        "threshold-above-one",
        "weight-zero",
        "stage-without-indicators",
        "bands-unsorted",
        "bands-overlapping",
        "choice-without-options",
        "gate-never-holds",
        "gate-allows-na",
        "ask-if-later",
        "ask-if-cycle",
        "stage-unreachable",
        "missing-source",
        "missing-translation",
        "field-and-whole-together",
    } <= names
    assert len(FILES) >= 40


def loads(path: Path) -> bool:
    try:
        return read_rubric(str(path))[0] is not None
    except SourceError:
        return False


def test_only_the_valid_file_and_warning_files_load() -> None:
    loaded = sorted(p.stem for p in FILES if loads(p))
    assert loaded == [
        "bilingual",
        "missing-source",
        "missing-translation",
        "plain-text-in-bilingual-rubric",
        "undeclared-language",
        "valid",
    ]


def test_validate_prints_the_parsable_line_and_exits_1() -> None:
    path = CORPUS / "field-and-whole-together.yaml"
    result = runner.invoke(app, ["rubric", "validate", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}:10:36: error: stages.1.threshold: input should be less than or equal to 1",
        f"{path}:16:20: error: unknown stage 's3'; expected one of s1, s2",
    ]


def test_validate_json_lists_every_problem_for_editors() -> None:
    path = CORPUS / "number-max-below-min.yaml"
    result = runner.invoke(app, ["rubric", "validate", str(path), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "path": str(path),
            "line": 14,
            "column": 127,
            "severity": "error",
            "message": "max 5 must be above min 10",
        },
        {
            "path": str(path),
            "line": 14,
            "column": 144,
            "severity": "error",
            "message": "band starts at 10, above the largest allowed value 5: no answer can reach it",
        },
    ]


def test_validate_json_of_a_valid_rubric_is_an_empty_list_and_exit_0() -> None:
    result = runner.invoke(app, ["rubric", "validate", str(CORPUS / "valid.yaml"), "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_warnings_alone_do_not_fail_validation() -> None:
    path = CORPUS / "missing-source.yaml"
    result = runner.invoke(app, ["rubric", "validate", str(path)])
    assert result.exit_code == 0
    assert result.stderr == f"{path}:13:10: warning: indicator 'b' has no source sentence\n"
    assert result.stdout == f"{path}: ok: t 1, 1 stage, 2 indicators, 1 warning\n"


def test_an_unreadable_rubric_is_one_error() -> None:
    result = runner.invoke(app, ["rubric", "validate", "no/such/rubric.yaml", "-f", "json"])
    assert result.exit_code == 1
    (record,) = json.loads(result.stdout)
    assert record["line"] is None
    assert record["message"].startswith("cannot read rubric: ")
