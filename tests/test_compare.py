"""compare: progress between two assessments of one company."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from retail_stage import load_profiles, load_rubric, messages, score
from retail_stage.cli import app
from retail_stage.compare import CHANGED, IMPROVED, REGRESSED, Change, compare
from retail_stage.render.report_compare import (
    comparison_json,
    comparison_markdown,
    print_comparison,
)

from .conftest import DATA, EXAMPLES
from .test_messages import ALLOWED, ENGLISH_WORD
from .test_report import check_golden, example

GOLDEN = Path(__file__).parent / "golden"
OLD = EXAMPLES / "03-lotus-lane-grocers.yaml"
NEW = DATA / "03-lotus-lane-grocers-2027.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def lotus():  # type: ignore[no-untyped-def]
    return compare(
        example("03-lotus-lane-grocers"),
        example("03-lotus-lane-grocers-2027", DATA),
        load_rubric(),
    )


def test_stage_label_and_index_before_and_after(lotus) -> None:  # type: ignore[no-untyped-def]
    assert (lotus.old.stage, lotus.new.stage, lotus.stage_move) == (
        "omni_channel",
        "omni_channel",
        0,
    )
    assert (lotus.old.label, lotus.new.label) == ("1.0", "2.0")
    assert (lotus.index.before, lotus.index.after, lotus.index.delta) == (2.2739, 2.5039, 0.23)
    assert lotus.warnings == ()


def test_each_stage_and_dimension_change(lotus) -> None:  # type: ignore[no-untyped-def]
    assert [(s.id, s.attainment.delta, s.met_before, s.met_after) for s in lotus.stages] == [
        ("multi_channel", 0.0, True, True),
        ("omni_channel", -0.037, True, True),
        ("smart_retail", 0.23, False, False),
    ]
    dims = {c.id: c.delta for c in lotus.dimensions}
    assert dims["supply_production"] == 0.3273  # (0.9 + 1.8 + 0.9) / weight 11
    assert dims["customer_marketing"] == -0.0714
    assert dims["channels"] == 0.0


def test_indicators_that_improved_regressed_or_only_changed(lotus) -> None:  # type: ignore[no-untyped-def]
    assert [c.id for c in lotus.by_direction(IMPROVED)] == [
        "sr_consumer_behaviour_data",
        "sr_supply_chain_integration",
        "sr_automated_replenishment",
        "sr_data_driven_decisions",
        "sr_cost_efficiency",
        "sr_digital_production",
    ]
    regressed = lotus.by_direction(REGRESSED)
    assert [
        (c.id, c.answer_before, c.answer_after, c.score_before, c.score_after) for c in regressed
    ] == [("om_consistent_pricing", "unified", "same-prices", 1.0, 0.5)]
    # A note added to an unchanged answer is not a change.
    assert lotus.by_direction(CHANGED) == ()


def test_unknown_to_zero_and_to_na_are_changes_without_a_score_change() -> None:
    rubric = load_rubric(DATA / "mini-rubric.yaml")
    old = score(rubric, {"company": {"name": "A"}, "answers": {"a": "unknown", "c": "x"}})
    new = score(rubric, {"company": {"name": "A"}, "answers": {"a": "no", "c": "n/a"}})
    result = compare(old, new, rubric)
    assert [(c.id, c.direction) for c in result.indicators] == [("a", CHANGED), ("c", REGRESSED)]


def test_warns_when_the_companies_or_dates_do_not_match() -> None:
    old = example("03-lotus-lane-grocers")
    new = old.replace(
        company={**old.company, "id": "other", "name": "Other", "assessed_on": "2020-01-01"}
    )
    assert compare(old, new, load_rubric()).warnings == (
        "company ids differ ('lotus-lane' and 'other'): are these one company?",
        "company names differ ('Lotus Lane Grocers' and 'Other'): are these one company?",
        "NEW is dated 2020-01-01, before OLD (2026-10-14): swapped?",
    )


def test_change_delta_is_none_without_both_sides() -> None:
    assert Change("x", None, 0.5).delta is None
    assert Change("x", 0.25, 0.5).delta == 0.25


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_compare_matches_golden_file(lotus, fmt: str) -> None:  # type: ignore[no-untyped-def]
    render = comparison_markdown if fmt == "md" else comparison_json
    check_golden(GOLDEN / f"compare-lotus-lane.{fmt}", render(lotus, load_rubric()))


def test_compare_terminal_matches_golden_file(lotus) -> None:  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    console = Console(file=stream, width=80, color_system=None, markup=False, _environ={})
    print_comparison(lotus, load_rubric(), console)
    check_golden(GOLDEN / "compare-lotus-lane.terminal-80.txt", stream.getvalue())


def test_compare_json_lists_answers_in_words(lotus) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(comparison_json(lotus, load_rubric()))
    regressed = [i for i in data["indicators"] if i["direction"] == "regressed"]
    assert regressed == [
        {
            "id": "om_consistent_pricing",
            "stage": "omni_channel",
            "direction": "regressed",
            "score": {"before": 1.0, "after": 0.5},
            "answer": {"before": "unified", "after": "same-prices"},
            "answer_text": {
                "before": "Same prices, promotions honoured in every channel",
                "after": "Same regular prices, separate promotions",
            },
        }
    ]
    assert data["next_steps"]["stage"] == "smart_retail"


def test_compare_command(tmp_path: Path) -> None:
    result = runner.invoke(app, ["compare", str(OLD), str(NEW)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert "Regressed (1)" in result.stdout
    out = tmp_path / "progress.md"
    result = runner.invoke(app, ["compare", str(OLD), str(NEW), "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Progress: Lotus Lane Grocers\n")
    result = runner.invoke(app, ["compare", str(OLD), str(NEW), "-f", "json"])
    assert json.loads(result.stdout)["stage_move"] == 0


def test_compare_command_warns_about_different_companies_it_is_allowed_to_compare() -> None:
    other = EXAMPLES / "07-marigold-and-sons.yaml"
    result = runner.invoke(app, ["compare", str(OLD), str(other), "-f", "json"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"{other}: error: another company ('marigold-and-sons', not 'lotus-lane' of {OLD}); "
        "--allow-different compares them anyway\n"
    )
    result = runner.invoke(
        app, ["compare", str(OLD), str(other), "-f", "json", "--allow-different"]
    )
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        "warning: company ids differ ('lotus-lane' and 'marigold-and-sons'): are these one company?"
    )


def test_compare_command_bad_format_is_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["compare", str(OLD), str(NEW), "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "does not write .csv files; it writes html|pdf|svg|json|md" in result.stderr


def test_two_assessments_given_newest_first_are_compared_oldest_first() -> None:
    result = runner.invoke(app, ["compare", str(NEW), str(OLD), "-f", "md"])
    assert result.exit_code == 0
    assert result.stderr == f"note: in the order of assessed_on: {OLD}, {NEW}\n"
    assert "| Label | 1.0 · traffic | **2.0 · supply & production** | ▲ up |" in result.stdout


def test_swapped_assessments_read_as_a_step_down() -> None:
    swapped = compare(
        example("03-lotus-lane-grocers-2027", DATA), example("03-lotus-lane-grocers"), load_rubric()
    )
    text = comparison_markdown(swapped, load_rubric())
    assert "| Label | 2.0 · supply & production | **1.0 · traffic** | ▼ down |" in text
    assert swapped.warnings == ("NEW is dated 2026-10-14, before OLD (2027-04-20): swapped?",)


# --- compare in Chinese ----------------------------------------------------------------------

RUBRIC_ZH = load_rubric(None, "zh")
ZH_PAIRS = [(OLD, NEW), (NEW, OLD)] + [(OLD, p) for p in sorted(EXAMPLES.glob("*.yaml"))]
HUMAN_JSON_KEYS = {"warnings", "answer_text", "question", "better", "best"}


def _zh_result(path: Path):  # type: ignore[no-untyped-def]
    document = next(iter(load_profiles(path)))
    return score(RUBRIC_ZH, document)


def _human_json_texts(data: object, human: bool = False) -> list[str]:
    """The strings of the JSON a person reads (warnings, answers in words, questions), not
    its ids and option ids."""
    if isinstance(data, dict):
        return [
            text
            for key, value in data.items()
            for text in _human_json_texts(value, human or key in HUMAN_JSON_KEYS)
        ]
    if isinstance(data, list):
        return [text for value in data for text in _human_json_texts(value, human)]
    return [data] if human and isinstance(data, str) else []


@pytest.mark.parametrize(
    ("old", "new"), ZH_PAIRS, ids=[f"{a.stem}-to-{b.stem}" for a, b in ZH_PAIRS]
)
def test_every_chinese_comparison_has_no_english_words(old: Path, new: Path) -> None:
    """Mirrors tests/test_messages.py: in Chinese, the only Latin words are the rubric's own
    (SKU, App, ...), the companies' names and texts, file names and indicator ids."""
    messages.use("zh")
    before, after = _zh_result(old), _zh_result(new)
    comparison = compare(before, after, RUBRIC_ZH)
    stream = io.StringIO()
    print_comparison(comparison, RUBRIC_ZH, Console(file=stream, width=100, _environ={}))
    data = json.loads(comparison_json(comparison, RUBRIC_ZH))
    documents = {
        "terminal": stream.getvalue(),
        "md": html.unescape(comparison_markdown(comparison, RUBRIC_ZH).replace("<br>", " ")),
        "json": "\n".join(_human_json_texts(data)),
    }
    assert "\n".join(data["warnings"]) == "\n".join(comparison.warnings)
    own = " ".join(
        [str(v) for r in (before, after) for v in r.company.values()]
        + [note for r in (before, after) for note in r.notes.values()]
        + [before.source, after.source]
    )
    ids = re.compile(
        "|".join(sorted((re.escape(i.id) for i in RUBRIC_ZH.indicators), key=len)[::-1])
    )
    # A quoted name ('lotus-lane') is the name: the quotes around it are not part of the word.
    words = {
        name: {w.strip("'’") for w in ENGLISH_WORD.findall(ids.sub(" ", text))}
        for name, text in documents.items()
    }
    english = {
        name: sorted(w for w in found if w not in ALLOWED and w not in own)
        for name, found in words.items()
    }
    assert english == {name: [] for name in documents}


def test_chinese_comparison_in_words(lotus) -> None:  # type: ignore[no-untyped-def]
    messages.use("zh")
    text = comparison_markdown(lotus, RUBRIC_ZH)
    assert text.startswith("# 进展：Lotus Lane Grocers\n\n| | 之前 | 之后 | |\n")
    assert "| 阶段 | 全渠道零售 | **全渠道零售** | 阶段不变 |" in text
    assert "| 标签 | 1.0 · 流量 | **2.0 · 供应与生产** | ▲ 上升 |" in text
    assert "## 有退步（1 项）" in text
    swapped = compare(_zh_result(NEW), _zh_result(OLD), RUBRIC_ZH)
    assert swapped.warnings == (
        "后一份评估的日期（2026-10-14）早于前一份（2027-04-20）：两份是否放反了？",
    )
    assert "| 阶段 | 全渠道零售 | **全渠道零售** | 阶段不变 |" in comparison_markdown(
        swapped, RUBRIC_ZH
    )


def test_compare_command_speaks_chinese_with_lang_zh() -> None:
    other = EXAMPLES / "07-marigold-and-sons.yaml"
    command = ["compare", str(OLD), str(other), "--lang", "zh", "-f", "md"]
    refused = runner.invoke(app, command)
    assert (refused.exit_code, refused.stderr) == (
        2,
        f"{other}: error: 不是同一家企业（'marigold-and-sons'，而 {OLD} 是 'lotus-lane'）；"
        "加 --allow-different 仍可对比\n",
    )
    result = runner.invoke(app, [*command, "--allow-different"])
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        "warning: 两份评估的企业编号不一致（'lotus-lane' 与 'marigold-and-sons'）：确定是同一家企业吗？"
    )
    assert "| 阶段 | 全渠道零售 | **多渠道零售** | ▼ 下降 1 级 |" in result.stdout
