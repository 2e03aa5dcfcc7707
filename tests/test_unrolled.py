"""The straight-line scorer (`retail_stage.unrolled`) scores exactly as the engine's loop.

`read_answers` + `evaluate` is the specification; `score_answers` takes the unrolled path
whenever a compiled rubric has one. Both are run on the same answers, good or bad.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail_stage.engine import (
    AnswerError,
    CompiledRubric,
    Result,
    compile_rubric,
    evaluate,
    read_answers,
    score_answers,
)
from retail_stage.loading import load_rubric
from retail_stage.rubric import Rubric
from retail_stage.unrolled import UNROLL_AFTER, Straight, unrolled_scorer
from tests.test_laws import ANSWERS, COMPILED, INDICATORS


def unrolled(rubric: Rubric) -> CompiledRubric:
    """`rubric` compiled with its straight-line scorer written at once."""
    compiled = compile_rubric(rubric, unroll_after=1)
    score_answers(compiled, {})
    return compiled


FAST = unrolled(COMPILED.rubric)
MINI = unrolled(load_rubric(Path(__file__).parent / "data" / "mini-rubric.yaml"))


def by_loop(compiled: CompiledRubric, answers: dict[str, Any]) -> Result:
    """The engine's loop, the specification of every number."""
    scores, notes = read_answers(compiled, answers)
    return evaluate(
        compiled, scores, source="s", company={"name": "c"}, notes=notes, answers=answers
    )


def outcome(score: Any) -> tuple[str, Any]:
    try:
        result = score()
    except AnswerError as exc:
        return "error", (exc.loc, exc.message)
    return "result", (result.to_json(), result.scores, dict(result.notes))


def assert_same(compiled: CompiledRubric, answers: dict[str, Any]) -> None:
    assert compiled.straight is not None
    assert compiled.straight.function is not None
    unrolled = outcome(lambda: score_answers(compiled, answers, source="s", company={"name": "c"}))
    assert unrolled == outcome(lambda: by_loop(compiled, answers))


@settings(max_examples=200, deadline=None)
@given(ANSWERS, st.data())
def test_good_answers_score_the_same_unrolled(answers: dict[str, Any], data: Any) -> None:
    # Some answers written with a note, some left out: the shapes a batch meets.
    keys = data.draw(st.lists(st.sampled_from(sorted(answers)), unique=True))
    written: dict[str, Any] = {}
    for key, value in answers.items():
        if key in keys[: len(keys) // 2]:
            continue
        written[key] = {"value": value, "note": "seen"} if key in keys else value
    assert_same(unrolled(COMPILED.rubric), written)
    assert_same(FAST, written)  # with what earlier examples taught its tables


ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["yes", "no", "n/a", "unknown", "?", " Yes ", "N/A", "", "none", "basic"]),
    st.lists(st.sampled_from(["stores", "online_shop", "app", "bogus", 1]), max_size=4),
    st.lists(st.lists(st.text(max_size=1), max_size=1), max_size=1),
    st.dictionaries(
        st.sampled_from(["value", "note", "other"]),
        st.one_of(st.none(), st.booleans(), st.text(max_size=3), st.integers(0, 3)),
    ),
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from([*COMPILED.ids, "not_an_indicator"]), ODD, max_size=12))
def test_odd_answers_score_or_fail_the_same_unrolled(answers: dict[str, Any]) -> None:
    # Wrong kinds, numbers that look like yes/no (1 == True as a key), bad notes, unknown
    # indicators: the same result, or the same first error, as the loop.
    assert_same(FAST, answers)


@settings(max_examples=100, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            ind.id: st.one_of(st.none(), st.booleans(), st.integers(0, 150), ODD)
            for ind in MINI.rubric.indicators
        }
    )
)
def test_a_rubric_with_conditions_scores_the_same_unrolled(answers: dict[str, Any]) -> None:
    assert_same(MINI, answers)


class Answers(Mapping[str, Any]):
    """Answers handed over in Python as some other mapping than a dict."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


@pytest.mark.parametrize("wrap", [MappingProxyType, Answers])
def test_answers_in_any_mapping_score_as_in_a_dict(wrap: Any) -> None:
    answers = {
        ind.id: ind.answer.__class__.__name__ == "BooleanAnswer" or None for ind in INDICATORS
    }
    assert score_answers(FAST, wrap(answers)) == score_answers(FAST, answers)
    broken = {**answers, "mc_two_complete_channels": 3}
    with pytest.raises(AnswerError, match="expected yes or no"):
        score_answers(FAST, wrap(broken))


def test_a_weight_that_is_no_finite_float_gets_no_unrolled_scorer() -> None:
    infinite = dataclasses.replace(COMPILED, weight=(math.inf, *COMPILED.weight[1:]))
    assert unrolled_scorer(infinite) is None
    assert unrolled_scorer(COMPILED) is not None


@pytest.mark.parametrize("path", sorted((Path(__file__).parent.parent / "rubrics").glob("*.yaml")))
def test_every_bundled_rubric_compiles_unrolled(path: Path) -> None:
    assert unrolled_scorer(compile_rubric(load_rubric(path))) is not None


def test_the_straight_scorer_is_written_on_the_nth_profile_only() -> None:
    compiled = compile_rubric(COMPILED.rubric, unroll_after=3)
    assert compiled.straight is not None
    scored = [score_answers(compiled, {}) for _ in range(2)]
    assert compiled.straight.function is None  # a command scoring one profile never pays
    scored.append(score_answers(compiled, {}))
    assert compiled.straight.function is not None
    assert scored[0] == scored[2]
    default = compile_rubric(COMPILED.rubric)
    for _ in range(UNROLL_AFTER - 1):
        score_answers(default, {})
    assert default.straight is not None
    assert default.straight.function is None
    score_answers(default, {})
    assert default.straight.function is not None


def test_a_rubric_that_cannot_be_unrolled_is_scored_by_the_loop() -> None:
    infinite = dataclasses.replace(COMPILED, weight=(math.inf, *COMPILED.weight[1:]))
    straight = Straight(infinite, 1)
    assert straight.count() is None
    assert straight.count() is None  # tried once only
    assert straight.function is None


def test_a_compiled_rubric_changed_with_dataclasses_replace_scores_with_its_own_numbers() -> None:
    # The straight-line code holds the numbers of the rubric it was made from: a copy with
    # other numbers must not score with them.
    lower = dataclasses.replace(MINI, bars=(-1.0, -1.0), thresholds=(0.0, 0.0))
    answers = {"a": True, "b": "none", "c": "x", "d": 0, "e": [], "f": False}
    assert score_answers(lower, answers).stage == by_loop(lower, answers).stage == "s2"
    assert score_answers(MINI, answers).stage == by_loop(MINI, answers).stage == "s1"


ONE = """
id: one
version: "1"
title: One indicator
baseline: {id: b0, name: Baseline}
stages: [{id: s1, name: Stage one, threshold: 0.5}]
dimensions: [{id: d1, name: Dimension one}]
label: {threshold: 0.5}
indicators:
  - {id: a, stage: s1, dimension: d1, focus: supply, weight: 1, question: A?, source: x,
     answer: {kind: boolean}}
"""


@pytest.mark.parametrize(
    "answers", [{}, {"a": True}, {"a": "no"}, {"a": None}, {"a": 2}, {"a": True, "b": True}]
)
def test_a_rubric_of_one_indicator_scores_the_same_unrolled(
    tmp_path: Path, answers: dict[str, Any]
) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(ONE, encoding="utf-8")
    assert_same(unrolled(load_rubric(path)), answers)


@pytest.mark.parametrize("drop", [0, 1, 35])
def test_answers_with_an_indicator_left_out_or_one_too_many_score_the_same(drop: int) -> None:
    answers: dict[str, Any] = {ind.id: "unknown" for ind in INDICATORS}
    del answers[INDICATORS[drop].id]
    assert_same(FAST, answers)
    assert_same(FAST, {**answers, INDICATORS[drop].id: "unknown", "extra": True})
