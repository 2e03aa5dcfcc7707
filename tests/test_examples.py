"""Every example profile lands on the stage and label its `# expect:` line states."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retail_stage.batch import score_paths
from retail_stage.engine import CompiledRubric, Result

from .conftest import EXAMPLES

EXPECT = re.compile(r"^# expect: stage=(\w+) label=([\d.]+) certain=(true|false)$", re.MULTILINE)
FILES = sorted(EXAMPLES.glob("*.yaml"))


def expectation(path: Path) -> tuple[str, str, bool]:
    found = EXPECT.search(path.read_text(encoding="utf-8"))
    assert found, f"{path.name} has no '# expect:' line"
    return found.group(1), found.group(2), found.group(3) == "true"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_example_lands_where_it_says(bundled: CompiledRubric, path: Path) -> None:
    (result,) = score_paths(bundled, [str(path)])
    assert isinstance(result, Result), result
    assert (result.stage, result.label, result.certain) == expectation(path)


def test_examples_cover_every_stage_both_labels_and_uncertainty(bundled: CompiledRubric) -> None:
    expected = [expectation(p) for p in FILES]
    stages = {bundled.rubric.baseline.id} | {s.id for s in bundled.rubric.stages}
    assert {stage for stage, _, _ in expected} == stages
    assert {label for _, label, _ in expected} == {"1.0", "2.0"}
    assert any(not certain for _, _, certain in expected)
    assert len(FILES) >= 8


def test_an_example_is_blocked_by_a_gate(bundled: CompiledRubric) -> None:
    results = [r for r in score_paths(bundled, [str(EXAMPLES)]) if isinstance(r, Result)]
    blocked = [
        r.source
        for r in results
        for s in r.stages
        if not s.met and s.failed_gates and s.attainment >= s.threshold
    ]
    assert blocked
