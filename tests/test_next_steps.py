"""Next steps in two lists: unknowns to find out first, known answers to improve; plain words."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from retail_stage import load_rubric, score
from retail_stage.cli import app
from retail_stage.engine import Unknown, compile_rubric, unknowns
from retail_stage.render.report import render_report
from retail_stage.render.report_data import FIND_OUT, IMPROVE, build_report
from retail_stage.render.report_formats import ReportFormat

from .conftest import DATA, EXAMPLES
from .test_report import example

MINI = load_rubric(DATA / "mini-rubric.yaml")
runner = CliRunner()


def test_unknowns_that_decide_come_first_then_by_how_far_they_move_the_index() -> None:
    # a = yes, b = none: stage one holds (2 of 4 weight, threshold 0.4) and d, e, f, c are
    # unknown. d (weight 3 of 5 in stage two, supply) alone takes stage two's attainment from
    # 0 to 0.6 and the supply focus from 0 to 0.75: it decides both. e and f add 0.2 each to
    # stage two, not enough to reach it; c is in stage one, already met: it moves nothing.
    result = score(MINI, {"company": {"name": "Half"}, "answers": {"a": True, "b": "none"}})
    assert unknowns(compile_rubric(MINI), list(result.scores)) == (
        Unknown("d", 1.0, True, True),
        Unknown("e", 0.2, False, False),
        Unknown("f", 0.2, False, False),
        Unknown("c", 0.0, False, False),
    )


def test_a_report_with_deciding_unknowns_lists_them_to_find_out_before_what_to_improve() -> None:
    report = build_report(example("06-belle-aurore-cosmetiques"), load_rubric())
    assert [(f.evidence.indicator.id, f.swing, f.stage, f.label) for f in report.find_out] == [
        ("om_fulfilment_options", 0.1111, True, False),
        ("om_shared_inventory", 0.1111, True, False),
    ]
    assert report.find_out[1].best == "One pool sold by all channels in real time"
    # 15 unknowns: the 2 that could change the stage, and 13 that could not.
    assert (report.unknown_count, report.quiet_unknowns) == (15, 13)
    # Improve holds known answers only, each marked as such.
    assert {m.evidence.answer.status for m in report.improve} == {"answered"}
    assert {m.belongs_to for m in report.improve} == {IMPROVE}
    unknown_steps = [m for m in report.steps if m.evidence.answer.status != "answered"]
    assert unknown_steps
    assert {m.belongs_to for m in unknown_steps} == {FIND_OUT}
    text = render_report(example("06-belle-aurore-cosmetiques"), load_rubric(), ReportFormat.TXT)
    find_out, improve = text.index("Find out first"), text.index("Improve\n")
    assert find_out < improve


def test_each_improvement_gives_the_next_option_up_and_the_best_with_their_own_gains() -> None:
    report = build_report(example("03-lotus-lane-grocers"), load_rubric())
    assert [
        (m.evidence.indicator.id, m.evidence.answer.better, m.next_gain, m.best, m.gain)
        for m in report.improve[:3]
    ] == [
        (
            "sr_consumer_behaviour_data",
            "Used: customer data drives segments or personal offers",
            0.04,  # score 0.3 -> 0.7 of the way to 1.0 (weight 3 of 30): 0.07 x 0.4 / 0.7
            "Real time: individual profiles drive offers and decisions",
            0.07,
        ),
        ("sr_automated_replenishment", "at least 10%", 0.03, "at least 70%", 0.1),
        (
            "sr_digital_production",
            "Producers plan from our sales data",
            0.03,
            "Dark or unmanned factories",
            0.1,
        ),
    ]
    # A next step never claims more than the best answer earns.
    for name in ("03-lotus-lane-grocers", "06-belle-aurore-cosmetiques", "10-pixelcart"):
        for m in build_report(example(name), load_rubric()).steps:
            assert m.next_gain is not None
            assert m.next_gain <= m.gain, (name, m.evidence.indicator.id)
    md = render_report(example("03-lotus-lane-grocers"), load_rubric(), ReportFormat.MD)
    assert (
        "| 2 | What share of SKUs is replenished by a forecasting system (it proposes or places "
        "orders, people handle exceptions)? | 8% | at least 10% | +3.0\u00a0pts | at least 70% "
        "| +10.0\u00a0pts |"
    ) in md


def test_a_gate_says_the_lowest_answer_that_passes_it_not_a_score() -> None:
    report = build_report(example("03-lotus-lane-grocers"), load_rubric())
    (gate,) = report.ladder[3].blocking_gates
    assert gate.at_least == "Used: customer data drives segments or personal offers"
    text = render_report(example("03-lotus-lane-grocers"), load_rubric(), ReportFormat.TXT)
    flat = " ".join(text.split())
    assert (
        "✗ Smart retail needs this question passed: What does the company know about consumers' "
        "behaviour, and how is it used? Answer: Purchase history per customer, kept but not "
        "acted on; needs at least: Used: customer data drives segments or personal offers."
    ) in flat
    assert "0.7" not in flat.split("The evidence")[0]


INDICATOR_ID = re.compile(r"\b(?:mc|om|sr)_[a-z_]+\b")


def test_people_see_questions_not_ids_unless_they_ask() -> None:
    result = example("03-lotus-lane-grocers")
    rubric = load_rubric()
    for fmt in (ReportFormat.TXT, ReportFormat.MD, ReportFormat.HTML, ReportFormat.SVG):
        assert INDICATOR_ID.findall(render_report(result, rubric, fmt)) == [], fmt
    shown = render_report(result, rubric, ReportFormat.MD, show_ids=True)
    assert "`sr_consumer_behaviour_data`" in shown
    assert len(set(INDICATOR_ID.findall(shown))) == len(rubric.indicators)
    # Machine formats keep the ids either way.
    data = json.loads(render_report(result, rubric, ReportFormat.JSON))
    assert data["report"]["next_steps"][0]["id"] == "sr_consumer_behaviour_data"


def test_the_report_command_shows_ids_on_request() -> None:
    path = str(EXAMPLES / "03-lotus-lane-grocers.yaml")
    plain = runner.invoke(app, ["report", path, "-f", "md"])
    asked = runner.invoke(app, ["report", path, "-f", "md", "--show-ids"])
    assert (plain.exit_code, asked.exit_code) == (0, 0)
    assert "sr_digital_production" not in plain.stdout
    assert "`sr_digital_production`" in asked.stdout


def test_the_json_report_says_which_list_each_step_belongs_to() -> None:
    data = json.loads(
        render_report(example("06-belle-aurore-cosmetiques"), load_rubric(), ReportFormat.JSON)
    )
    report = data["report"]
    assert [
        (f["id"], f["swing"], f["changes_stage"], f["changes_label"]) for f in report["find_out"]
    ] == [
        ("om_fulfilment_options", 0.1111, True, False),
        ("om_shared_inventory", 0.1111, True, False),
    ]
    lists = {step["id"]: step["list"] for step in report["next_steps"]}
    assert lists["om_mobile_front_end"] == "improve"
    assert lists["om_shared_inventory"] == "find_out"
    assert set(lists.values()) == {"improve", "find_out"}
