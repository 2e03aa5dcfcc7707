"""`score` as a service, without the command line: what it writes, says, counts and raises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retail_stage.engine import compile_rubric
from retail_stage.loading import load_rubric
from retail_stage.render.formats import OutputFormat
from retail_stage.scoring_run import BadRequest, ScoringRequest, run_scoring

from .conftest import DATA

MINI = DATA / "mini-rubric.yaml"


def request(tmp_path: Path, **changes: object) -> ScoringRequest:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("company: {name: G}\nanswers: {a: yes}\n")
    bad.write_text("company: [\n")
    settings: dict[str, object] = {
        "paths": [str(good), str(bad)],
        "compiled": compile_rubric(load_rubric(MINI)),
        "output_format": OutputFormat.JSONL,
        "rubric_path": MINI,
        "output": tmp_path / "out.jsonl",
    }
    settings.update(changes)
    return ScoringRequest(**settings)  # type: ignore[arg-type]


def test_a_run_writes_the_good_counts_both_and_says_what_failed(tmp_path: Path) -> None:
    said: list[str] = []
    done = run_scoring(request(tmp_path), said.append)
    assert (done.profiles, done.failures) == (1, 1)
    assert done.line.startswith("1 profile scored, 1 invalid in ")
    assert [line.split(":")[0] for line in said] == [str(tmp_path / "bad.yaml")]
    records = (tmp_path / "out.jsonl").read_text().splitlines()
    assert [json.loads(r)["source"] for r in records] == [
        str(tmp_path / "good.yaml"),
        str(tmp_path / "bad.yaml"),
    ]


def test_an_output_that_is_an_input_is_a_bad_request_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    asked = request(tmp_path, output=tmp_path / "good.yaml")
    before = (tmp_path / "good.yaml").read_bytes()
    with pytest.raises(BadRequest, match=r"the output is also an input; choose another file$"):
        run_scoring(asked, pytest.fail)
    assert (tmp_path / "good.yaml").read_bytes() == before
