"""The meaning of every number (DESIGN §1), case by case on tests/data/mini-rubric.yaml.

Worked by hand: s1 = {a: w2 gate, b: w1, c: w1 n/a allowed}, threshold 0.4;
s2 = {d: w3, e: w1, f: w1 asked only when e > 0}, threshold 0.6; label threshold 0.5.
"""

from __future__ import annotations

from typing import Any

import pytest

from retail_stage.engine import AnswerError, CompiledRubric, Result, score_answers
from retail_stage.sources import KEY

BASE = {"a": True, "b": "some", "c": "y", "d": 30, "e": ["p"], "f": None}


def run(mini: CompiledRubric, **changes: Any) -> Result:
    answers = {**BASE, **changes}
    return score_answers(mini, {k: v for k, v in answers.items() if v != "<drop>"})


def test_attainment_is_weighted_mean_with_unknowns_as_zero(mini: CompiledRubric) -> None:
    result = run(mini)
    assert [s.attainment for s in result.stages] == [0.825, 0.4]
    assert [s.met for s in result.stages] == [True, False]


def test_stage_reached_and_index(mini: CompiledRubric) -> None:
    result = run(mini)
    assert (result.stage, result.stage_name, result.index) == ("s1", "Stage one", 1.4)


def test_unknown_answers_lower_coverage_not_stage(mini: CompiledRubric) -> None:
    result = run(mini)
    assert result.coverage == 0.8889  # 8 of 9 weight answered
    assert (result.stage_range.low, result.stage_range.high, result.certain) == ("s1", "s2", False)


def test_label_from_supply_focus_with_traffic_beside(mini: CompiledRubric) -> None:
    result = run(mini)
    assert (result.focus_supply, result.focus_traffic, result.label) == (0.4, 0.825, "1.0")
    assert run(mini, d=60).label == "2.0"  # supply (0.5 + 3 + 0) / 5 = 0.7


def test_label_is_not_certain_when_unknown_supply_answers_straddle_its_threshold(
    mini: CompiledRubric,
) -> None:
    # Supply indicators b (w1), d (w3), f (w1, unknown): 0.4 with f as 0, 0.6 with f as 1.
    result = run(mini)
    assert (result.label_range.low, result.label_range.high) == ("1.0", "2.0")
    assert result.label_range.certain is False
    assert result.to_dict()["label_range"] == {"low": "1.0", "high": "2.0", "certain": False}


def test_label_is_certain_when_no_unknown_answer_can_move_it(mini: CompiledRubric) -> None:
    low = run(mini, b="none", d=0)  # at most 1 / 5 = 0.2 with f as 1
    assert (low.label_range.low, low.label_range.high, low.label_range.certain) == (
        "1.0",
        "1.0",
        True,
    )
    high = run(mini, d=60)  # already (0.5 + 3) / 5 = 0.7 with f as 0
    assert (high.label, high.label_range.high, high.label_range.certain) == ("2.0", "2.0", True)


def test_dimension_scores_span_all_stages(mini: CompiledRubric) -> None:
    assert dict(run(mini).dimensions) == {"d1": 0.75, "d2": 0.46}


def test_not_applicable_leaves_both_sums(mini: CompiledRubric) -> None:
    result = run(mini, c="n/a")
    assert result.stages[0].attainment == 0.8333  # (2 + 0.5) / 3
    assert dict(result.dimensions)["d2"] == 0.375  # (1.5 + 0) / 4
    assert result.coverage == 0.875  # 7 of 8


def test_failed_gate_blocks_a_stage_above_its_threshold(mini: CompiledRubric) -> None:
    result = run(mini, a=False, b="all")
    assert result.stages[0].attainment == 0.45
    assert result.stages[0].met is False
    assert result.stages[0].failed_gates == ("a",)
    assert (result.stage, result.index) == ("b0", 0.45)


def test_unknown_gate_fails_low_and_holds_high(mini: CompiledRubric) -> None:
    result = run(mini, a=None, b="all", c="y")
    assert result.stages[0].failed_gates == ("a",)
    # With unknowns as 1: a holds, and s2 = (1.5 + 0.5 + 1) / 5 = 0.6 meets its threshold too.
    assert (result.stage_range.low, result.stage_range.high) == ("b0", "s2")


def test_no_skipping_a_stage(mini: CompiledRubric) -> None:
    result = run(mini, a=False, b="none", c="x", d=100, e=["p", "q"], f=True)
    assert [s.met for s in result.stages] == [False, True]
    assert result.stage == "b0"
    assert result.index == 0.05  # 0 + A1, A1 = (0 + 0 + 0.2) / 4


def test_index_is_top_when_every_stage_is_met(mini: CompiledRubric) -> None:
    result = run(mini, d=100, e=["p", "q"], f=True)
    assert (result.stage, result.index) == ("s2", 2.0)
    assert result.next_steps.stage is None
    assert result.next_steps.indicators == ()


def test_index_below_the_next_stage_is_capped(mini: CompiledRubric) -> None:
    # s2 attainment 1.0 cannot push the index to 1.0 while s1 is unmet.
    result = run(mini, a=False, b="none", c="x", d=100, e=["p", "q"], f=True)
    assert result.index < 1.0


def test_next_steps_rank_by_gain_and_give_the_smallest_set(mini: CompiledRubric) -> None:
    steps = run(mini).next_steps
    assert steps.stage == "s2"
    assert [(n.indicator, n.gain, n.score) for n in steps.indicators] == [
        ("d", 0.3, 0.5),
        ("f", 0.2, None),
        ("e", 0.1, 0.5),
    ]
    assert steps.smallest_set == ("d",)  # needs 0.6 * 5 - 2.0 = 1.0 of weight; d brings 1.5


def test_next_steps_put_failed_gates_first(mini: CompiledRubric) -> None:
    steps = run(mini, a=False, b="none", c="n/a").next_steps
    assert steps.stage == "s1"
    assert [(n.indicator, n.failed_gate) for n in steps.indicators] == [("a", True), ("b", False)]
    assert steps.smallest_set == ("a",)


def test_multi_sums_and_caps_at_one(mini: CompiledRubric) -> None:
    assert run(mini, e=["p", "r"]).scores[4] == 0.75
    assert run(mini, e=["p", "q", "r"]).scores[4] == 1.0
    assert run(mini, e=[]).scores[4] == 0.0
    assert run(mini, e="q").scores[4] == 0.5


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 0.0), (19.9, 0.0), (20, 0.5), (49, 0.5), (50, 1.0), (100, 1.0)]
)
def test_number_takes_the_highest_band_reached(
    mini: CompiledRubric, value: float, expected: float
) -> None:
    assert run(mini, d=value).scores[3] == expected


def test_scale_defaults_to_even_spacing(mini: CompiledRubric) -> None:
    assert [run(mini, b=level).scores[1] for level in ("none", "some", "all")] == [0.0, 0.5, 1.0]


@pytest.mark.parametrize("word", ["yes", "Yes", "y", "true"])
def test_boolean_accepts_yes_words(mini: CompiledRubric, word: str) -> None:
    assert run(mini, a=word).scores[0] == 1.0


@pytest.mark.parametrize("word", ["unknown", "?", None])
def test_unknown_words(mini: CompiledRubric, word: str | None) -> None:
    assert run(mini, b=word).scores[1] is None


def test_omitted_answer_is_unknown(mini: CompiledRubric) -> None:
    assert run(mini, b="<drop>").scores[1] is None


def test_conditional_scores_zero_when_not_asked(mini: CompiledRubric) -> None:
    assert run(mini, e=[], f=True).scores[5] == 0.0
    assert run(mini, e=["p"], f=True).scores[5] == 1.0
    assert run(mini, e=None, f=True).scores[5] == 1.0  # condition unknown: the answer stands


def test_answer_with_note_keeps_the_note(mini: CompiledRubric) -> None:
    result = run(mini, a={"value": "yes", "note": "seen at the flagship"})
    assert result.scores[0] == 1.0
    assert result.notes == {"a": "seen at the flagship"}


@pytest.mark.parametrize(
    ("changes", "loc", "message"),
    [
        ({"zz": 1}, ("answers", "zz", KEY), "unknown indicator 'zz' for rubric 'mini'"),
        (
            {"aa": 1},
            ("answers", "aa", KEY),
            "unknown indicator 'aa' for rubric 'mini'; did you mean 'a'?",
        ),
        ({"a": 3}, ("answers", "a"), "expected yes or no for 'a', got 3"),
        ({"a": 1}, ("answers", "a"), "expected yes or no for 'a', got 1"),
        ({"a": 0.0}, ("answers", "a"), "expected yes or no for 'a', got 0.0"),
        (
            {"d": {"value": {"x": 1}}},
            ("answers", "d", "value"),
            "expected a number for 'd', got {'x': 1}",
        ),
        (
            {"d": 10**400},
            ("answers", "d"),
            "1" + "0" * 56 + "... % is out of range: expected a number from 0 to 100 %",
        ),
        (
            {"a": "n/a"},
            ("answers", "a"),
            "n/a is not accepted for this question: it is a gate of its stage",
        ),
        (
            {"b": "n/a"},
            ("answers", "b"),
            "n/a is not accepted for this question: the rubric does not allow it here",
        ),
        ({"b": "most"}, ("answers", "b"), "'most' is not one of the options: none, some, all"),
        ({"c": 1}, ("answers", "c"), "expected one option of 'c': x, y; got 1"),
        ({"d": 101}, ("answers", "d"), "101 % is out of range: expected a number from 0 to 100 %"),
        (
            {"d": "many"},
            ("answers", "d"),
            "'many' is not a number: expected a number from 0 to 100 %",
        ),
        ({"d": True}, ("answers", "d"), "expected a number for 'd', got True"),
        ({"d": float("nan")}, ("answers", "d"), "expected a finite number for 'd', got nan"),
        ({"e": ["p", "z"]}, ("answers", "e", 1), "'z' is not one of the options: p, q, r"),
        ({"e": ["p", None]}, ("answers", "e", 1), "None is not one of the options: p, q, r"),
        ({"e": [["p"]]}, ("answers", "e", 0), "['p'] is not one of the options: p, q, r"),
        ({"e": ["p", "p"]}, ("answers", "e", 1), "option 'p' is listed twice"),
        ({"e": 5}, ("answers", "e"), "expected a list of options of 'e', got 5"),
        ({"a": {"value": 3}}, ("answers", "a", "value"), "expected yes or no for 'a', got 3"),
        ({"a": {"note": "x"}}, ("answers", "a"), "an answer written as a mapping needs a 'value'"),
        (
            {"a": {"value": True, "by": "x"}},
            ("answers", "a", "by", KEY),
            "unexpected key 'by': an answer has value and note",
        ),
        ({"a": {"value": True, "note": 5}}, ("answers", "a", "note"), "a note must be text, got 5"),
    ],
)
def test_wrong_answers_are_errors_with_their_location(
    mini: CompiledRubric, changes: dict[str, Any], loc: tuple[Any, ...], message: str
) -> None:
    with pytest.raises(AnswerError) as caught:
        run(mini, **changes)
    assert (caught.value.loc, caught.value.message) == (loc, message)


def test_result_dict_has_the_contract_fields(mini: CompiledRubric) -> None:
    data = score_answers(mini, BASE, source="p.yaml", company={"name": "Co"}).to_dict()
    assert list(data) == [
        "source",
        "company",
        "rubric",
        "stage",
        "stage_name",
        "label",
        "index",
        "coverage",
        "stage_range",
        "label_range",
        "stages",
        "dimensions",
        "focus",
        "next_steps",
        "warnings",
    ]
    assert data["stages"][1] == {
        "id": "s2",
        "attainment": 0.4,
        "threshold": 0.6,
        "met": False,
        "failed_gates": [],
    }
    assert data["next_steps"]["smallest_set"] == ["d"]
    assert data["stage_range"] == {"low": "s1", "high": "s2", "certain": False}


def test_next_step_gain_counts_up_to_the_best_answer(mini: CompiledRubric) -> None:
    # c's best option scores 0.8, so raising it from x (0.2) gains 0.6 of its weight, not 0.8.
    steps = run(mini, a=False, b="none", c="x").next_steps
    assert [(n.indicator, n.gain) for n in steps.indicators] == [
        ("a", 0.5),
        ("b", 0.25),
        ("c", 0.15),
    ]


def test_a_multi_answer_scores_the_same_in_any_order_and_after_any_batch(
    bundled: CompiledRubric,
) -> None:
    import itertools

    key = "sr_data_driven_decisions"
    options = ["demand-forecast", "site-selection", "labour", "allocation"]
    first = score_answers(bundled, {key: options}).scores[bundled.position[key]]
    for order in itertools.permutations(options):
        assert score_answers(bundled, {key: list(order)}).scores[bundled.position[key]] == first
