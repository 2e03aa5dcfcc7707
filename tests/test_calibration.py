"""The calibration set (tests/calibration/): cases an expert placed by reading SOURCE.md, scored.

Each case file is a profile whose first comments hold a paragraph of facts (`# case:`), the
expert's verdict (`# expert: stage=... label=... clear=true|false`) and the reason (`# why:`).
The verdicts were written from SOURCE.md before the cases were scored. Agreement means:
- a clear case: the expert's stage and label lie within the result's stage and label ranges;
  with every answer known the ranges are one point, so that is an exact match;
- an unclear case: the stage reached is at most one rung from the expert's.
The README states how often the low end of the ranges (what the table shows) matches exactly.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

from retail_stage.batch import score_paths
from retail_stage.engine import CompiledRubric, Result

CASES = Path(__file__).parent / "calibration"
FILES = sorted(CASES.glob("*.yaml"))
EXPERT = re.compile(r"^# expert: stage=(\w+) label=(1\.0|2\.0) clear=(true|false)$", re.MULTILINE)


class Verdict(NamedTuple):
    stage: str
    label: str
    clear: bool


def expert(path: Path) -> Verdict:
    text = path.read_text(encoding="utf-8")
    found = EXPERT.search(text)
    assert found, f"{path.name} has no '# expert:' line"
    assert text.startswith("# case: "), f"{path.name} does not open with '# case:'"
    assert "\n# why: " in text, f"{path.name} has no '# why:'"
    return Verdict(found.group(1), found.group(2), found.group(3) == "true")


def scored(rubric: CompiledRubric, path: Path) -> Result:
    (result,) = score_paths(rubric, [str(path)])
    assert isinstance(result, Result), result
    return result


def ladder(rubric: CompiledRubric) -> list[str]:
    return [rubric.rubric.baseline.id] + [stage.id for stage in rubric.rubric.stages]


def within(rungs: list[str], low: str, high: str, value: str) -> bool:
    return rungs.index(low) <= rungs.index(value) <= rungs.index(high)


def test_the_set_covers_every_stage_both_labels_and_both_kinds_of_case(
    bundled: CompiledRubric,
) -> None:
    verdicts = [expert(path) for path in FILES]
    assert len(verdicts) >= 20
    assert {v.stage for v in verdicts} == set(ladder(bundled))
    assert {v.label for v in verdicts} == {"1.0", "2.0"}
    assert {v.clear for v in verdicts} == {True, False}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_case_answers_every_question(bundled: CompiledRubric, path: Path) -> None:
    result = scored(bundled, path)
    assert set(result.answers) == {ind.id for ind in bundled.rubric.indicators}
    assert result.warnings == ()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_the_rubric_agrees_with_the_expert(bundled: CompiledRubric, path: Path) -> None:
    verdict, result, rungs = expert(path), scored(bundled, path), ladder(bundled)
    if verdict.clear:
        stage, label = result.stage_range, result.label_range
        assert within(rungs, stage.low, stage.high, verdict.stage), (result.stage_range, verdict)
        assert verdict.label in {label.low, label.high}, (result.label_range, verdict)
        if all(score is not None for score in result.scores):
            assert (result.stage, result.label) == (verdict.stage, verdict.label)
    else:
        assert abs(rungs.index(result.stage) - rungs.index(verdict.stage)) <= 1


def test_where_the_low_end_differs_from_the_expert(bundled: CompiledRubric) -> None:
    """The cases the README names as disagreeing (unknown answers counted as 0, as the table
    shows them): a change to the rubric that moves any case shows up here."""
    differ = {
        path.stem: (result.stage, result.label)
        for path in FILES
        if (result := scored(bundled, path)) and (result.stage, result.label) != expert(path)[:2]
    }
    assert differ == {
        "03-holzwerk-made-to-order": ("omni_channel", "2.0"),
        "11-salvia-pharmacies": ("multi_channel", "1.0"),
        "18-rosa-clara-beauty": ("omni_channel", "1.0"),
    }
