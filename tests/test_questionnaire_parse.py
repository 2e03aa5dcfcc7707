"""Parsing a typed line into an answer, a command or a one-line reason (pure, no terminal)."""

from __future__ import annotations

from typing import Any

import pytest

from retail_stage.engine import CompiledRubric, score_answers
from retail_stage.questionnaire import (
    Answer,
    Assessment,
    Command,
    Invalid,
    applies,
    describe,
    parse_answer,
    question_order,
    split_note,
)
from retail_stage.rubric import Indicator


def ind(compiled: CompiledRubric, indicator_id: str) -> Indicator:
    return compiled.rubric.indicators[compiled.position[indicator_id]]


@pytest.mark.parametrize(
    ("indicator", "text", "expected"),
    [
        # yes/no
        ("a", "y", Answer(True)),
        ("a", "YES", Answer(True)),
        ("a", " n ", Answer(False)),
        ("a", "No", Answer(False)),
        ("a", "maybe", Invalid("'maybe' is not yes or no")),
        # scale: number, label, id, any case
        ("b", "1", Answer("none")),
        ("b", "3", Answer("all")),
        ("b", "SOME", Answer("some")),
        ("b", "all", Answer("all")),
        ("b", "4", Invalid("there is no option 4: choose 1 to 3")),
        ("b", "0", Invalid("there is no option 0: choose 1 to 3")),
        (
            "b",
            "lots",
            Invalid("'lots' is not one of the options: none, some, all"),
        ),
        # choice: the ids x and y are also words; y is an option here, not a yes
        ("c", "2", Answer("y")),
        ("c", "X", Answer("x")),
        # multi: numbers, labels, ids, spaces, duplicates, none
        ("e", "1,3", Answer(["p", "r"])),
        ("e", "3, 1", Answer(["p", "r"])),
        ("e", "1 3", Answer(["p", "r"])),
        ("e", "q,P,2", Answer(["p", "q"])),
        ("e", "0", Answer([])),
        ("e", "none", Answer([])),
        ("e", "2", Answer(["q"])),
        ("e", "1,9", Invalid("there is no option 9: choose 1 to 3")),
        (
            "e",
            "1,zz",
            Invalid("'zz' is not one of the options: p, q, r"),
        ),
        # number: unit, decimals, range
        ("d", "85", Answer(85)),
        ("d", "85%", Answer(85)),
        ("d", "12.5 %", Answer(12.5)),
        ("d", "0", Answer(0)),
        ("d", "101", Invalid("101 % is out of range: expected a number from 0 to 100 %")),
        ("d", "-1", Invalid("-1 % is out of range: expected a number from 0 to 100 %")),
        ("d", "inf", Invalid("'inf' is not a number: expected a number from 0 to 100 %")),
        (
            "d",
            "lots",
            Invalid("'lots' is not a number: expected a number from 0 to 100 %"),
        ),
        # skip, n/a only where allowed
        ("a", "s", Answer("unknown")),
        ("d", "Unknown", Answer("unknown")),
        ("c", "n/a", Answer("n/a")),
        ("c", "NA", Answer("n/a")),
        (
            "a",
            "n/a",
            Invalid("n/a is not accepted for this question: it is a gate of its stage"),
        ),
        (
            "b",
            "n/a",
            Invalid("n/a is not accepted for this question: the rubric does not allow it here"),
        ),
        # commands
        ("a", "b", Command.BACK),
        ("a", "h", Command.HELP),
        ("a", "?", Command.HELP),
        ("a", "Q", Command.QUIT),
        ("a", "", Command.KEEP),
        ("a", "   ", Command.KEEP),
        # notes
        ("b", "2 # only in flagship stores", Answer("some", "only in flagship stores")),
        ("e", "1,2 #web and stores", Answer(["p", "q"], "web and stores")),
        ("a", "s # nobody knew", Answer("unknown", "nobody knew")),
        ("d", "40 # see #12", Answer(40, "see #12")),
        ("a", "y #", Answer(True)),
        (
            "a",
            "# just a note",
            Invalid("type the answer before the note, e.g. '2 # seen in the flagship store'"),
        ),
        ("a", "q # bye", Invalid("q takes no note; a note goes after an answer")),
    ],
)
def test_parse_answer(mini: CompiledRubric, indicator: str, text: str, expected: Any) -> None:
    assert parse_answer(ind(mini, indicator), text) == expected


def test_a_label_with_a_comma_is_one_option(bundled: CompiledRubric) -> None:
    channels = ind(bundled, "mc_channel_types")
    assert parse_answer(channels, "catalogue, phone or TV shopping") == Answer(["catalogue-phone"])
    assert parse_answer(channels, "own physical stores, 5") == Answer(["stores", "catalogue-phone"])


def test_long_input_is_shortened_in_the_reason(mini: CompiledRubric) -> None:
    reason = parse_answer(ind(mini, "a"), "x" * 100)
    assert reason == Invalid(f"'{'x' * 56}... is not yes or no")


def test_every_parsed_answer_is_accepted_by_the_engine(bundled: CompiledRubric) -> None:
    for indicator in bundled.rubric.indicators:
        for text in ("1", "2", "1,2", "y", "n", "50", "s", "n/a", "0"):
            parsed = parse_answer(indicator, text)
            if isinstance(parsed, Answer):
                score_answers(bundled, {indicator.id: parsed.stored()})  # raises if not


def test_split_note() -> None:
    assert split_note("2 # a # b") == ("2", "a # b")
    assert split_note("web#shop") == ("web#shop", "")
    assert split_note("#x") == ("", "x")


def test_questions_are_grouped_by_dimension_and_follow_ups_come_after_their_condition(
    bundled: CompiledRubric,
) -> None:
    order = [i.id for i in question_order(bundled.rubric)]
    assert len(order) == 36
    assert sorted(order) == sorted(bundled.ids)
    assert order[:7] == [
        "mc_two_complete_channels",
        "mc_channel_types",
        "mc_official_online_shop",
        "mc_complete_journey",
        "mc_online_assortment",
        "om_mobile_front_end",
        "om_contact_points",
    ]
    # sr_smart_tools_consumers (customer & marketing) depends on a data & decisions question.
    data = order.index("sr_consumer_behaviour_data")
    assert order[data : data + 2] == ["sr_consumer_behaviour_data", "sr_smart_tools_consumers"]
    assert order.index("om_mobile_features") > order.index("om_mobile_front_end")


def test_mini_order(mini: CompiledRubric) -> None:
    assert [i.id for i in question_order(mini.rubric)] == ["a", "b", "e", "c", "d", "f"]


def test_a_follow_up_applies_until_its_condition_scores_zero(mini: CompiledRubric) -> None:
    f = ind(mini, "f")
    assert applies(mini, f, {})
    assert applies(mini, f, {"e": "unknown"})
    assert applies(mini, f, {"e": {"value": ["r"], "note": "x"}})
    assert not applies(mini, f, {"e": []})
    assessment = Assessment(mini, {"name": "A"}, {"e": []})
    assert [i.id for i in assessment.questions()] == ["a", "b", "e", "c", "d"]
    assert assessment.first_unanswered() == 0


def test_describe_uses_labels_units_and_notes(mini: CompiledRubric) -> None:
    assert describe(ind(mini, "e"), {"value": ["p", "r"], "note": "n"}) == "P; R  # n"
    assert describe(ind(mini, "e"), []) == "none"
    assert describe(ind(mini, "d"), 12.5) == "12.5 %"
    assert describe(ind(mini, "a"), True) == "yes"
    assert describe(ind(mini, "a"), "no") == "no"
    assert describe(ind(mini, "a"), "unknown") == "unknown (skipped)"
    assert describe(ind(mini, "c"), "n/a") == "n/a"
    assert describe(ind(mini, "b"), "some") == "Some"
