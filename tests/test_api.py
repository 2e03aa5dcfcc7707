"""The public API: load_rubric, load_profiles, score."""

from __future__ import annotations

import pytest

from retail_stage import load_profiles, load_rubric, score
from retail_stage.engine import compile_rubric
from retail_stage.sources import SourceError

from .conftest import DATA, EXAMPLES


def test_score_examples_through_the_api() -> None:
    rubric = load_rubric()
    results = [score(rubric, p) for p in load_profiles(EXAMPLES)]
    assert len(results) == len(list(EXAMPLES.glob("*.yaml")))
    assert results[0].source.endswith(".yaml")


def test_score_a_plain_mapping() -> None:
    rubric = load_rubric(DATA / "mini-rubric.yaml")
    result = score(rubric, {"company": {"name": "Co"}, "answers": {"a": True, "b": "all"}})
    assert (result.stage, result.index) == ("s1", 1.0)
    assert score(compile_rubric(rubric), {"company": {"name": "Co"}}).stage == "b0"


def test_score_a_bad_mapping_raises_the_located_error() -> None:
    rubric = load_rubric(DATA / "mini-rubric.yaml")
    with pytest.raises(SourceError) as caught:
        score(rubric, {"company": {"name": "Co"}, "answers": {"a": 5}})
    assert caught.value.first.message == "expected yes or no for 'a', got 5"


def test_load_profiles_raises_for_a_missing_path() -> None:
    with pytest.raises(SourceError) as caught:
        list(load_profiles(DATA / "nope.yaml"))
    assert str(caught.value).endswith("nope.yaml: error: no such file or folder")


def test_engine_imports_neither_rich_nor_typer() -> None:
    import subprocess
    import sys

    code = (
        "import sys, retail_stage, retail_stage.engine, retail_stage.loading, retail_stage.batch;"
        "print(sorted(m for m in ('rich', 'typer') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
