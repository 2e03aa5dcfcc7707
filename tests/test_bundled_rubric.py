"""The bundled rubric: traceable to the source model, and shaped as the issue asks."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from retail_stage.engine import CompiledRubric
from retail_stage.loading import bundled_rubric_path

SOURCE = Path(__file__).parent.parent / "rubrics" / "SOURCE.md"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_source_is_a_verbatim_quote_of_the_model(bundled: CompiledRubric) -> None:
    model = normalise(SOURCE.read_text(encoding="utf-8"))
    missing = [i.id for i in bundled.rubric.indicators if normalise(i.source) not in model]
    assert missing == []


def test_each_stage_has_8_to_15_indicators(bundled: CompiledRubric) -> None:
    counts = Counter(i.stage for i in bundled.rubric.indicators)
    assert [s.id for s in bundled.rubric.stages] == [
        "multi_channel",
        "omni_channel",
        "smart_retail",
    ]
    assert all(8 <= counts[s.id] <= 15 for s in bundled.rubric.stages), counts
    assert bundled.rubric.baseline.id == "single_channel"


def test_both_focuses_and_every_answer_kind_are_used(bundled: CompiledRubric) -> None:
    indicators = bundled.rubric.indicators
    assert {i.focus for i in indicators} == {"traffic", "supply"}
    assert {i.answer.kind for i in indicators} == {"boolean", "scale", "choice", "multi", "number"}
    assert any(i.required for i in indicators)


def test_bundled_rubric_is_found_from_the_package() -> None:
    assert bundled_rubric_path().is_file()
