"""One reading of text answers: what `assess` accepts a profile file accepts, with one reason."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from retail_stage import messages
from retail_stage.answers import Invalid, Vocabulary, read_text
from retail_stage.cli import app
from retail_stage.engine import AnswerError, CompiledRubric, compile_rubric, score_answers
from retail_stage.loading import load_rubric
from retail_stage.questionnaire import Answer, parse_answer
from retail_stage.rubric import Indicator

ZH = compile_rubric(load_rubric(None, "zh"))
EN = compile_rubric(load_rubric(None, "en"))
runner = CliRunner()


def ind(compiled: CompiledRubric, indicator_id: str) -> Indicator:
    return compiled.rubric.indicators[compiled.position[indicator_id]]


def score(compiled: CompiledRubric, indicator_id: str, value: Any) -> float | None:
    return score_answers(compiled, {indicator_id: value}).scores[compiled.position[indicator_id]]


def file_error(compiled: CompiledRubric, indicator_id: str, value: Any) -> str:
    with pytest.raises(AnswerError) as caught:
        score_answers(compiled, {indicator_id: value})
    return caught.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("是", True),
        ("否", False),
        ("对", True),
        ("不", False),
        ("y", True),
        ("n", False),
        ("ｙ", True),  # full-width
        ("yes", True),
        ("No", False),
        ("YES", True),
    ],
)
def test_yes_and_no_in_both_languages(text: str, expected: bool) -> None:
    for compiled in (ZH, EN):
        gate = ind(compiled, "mc_two_complete_channels")
        assert parse_answer(gate, text) == Answer(expected)
        assert score(compiled, "mc_two_complete_channels", text) == float(expected)


@pytest.mark.parametrize(
    ("value", "percent"),
    [
        ("55%", 55),
        ("55 %", 55),
        ("５５％", 55),
        ("55", 55),
        (55, 55),
        ("0.6", 60),  # a share of one
        (0.6, 60),
        ("0.55", 55),
        ("60 %", 60),
        ("６０％", 60),
        ("1", 1),
    ],
)
def test_a_percent_answer_in_a_file_scores_as_its_percentage(value: Any, percent: float) -> None:
    # mc_online_assortment bands: 0 -> 0, 10 -> 0.3, 30 -> 0.6, 60 -> 1.0
    assert score(EN, "mc_online_assortment", value) == score(EN, "mc_online_assortment", percent)
    typed = parse_answer(ind(EN, "mc_online_assortment"), str(value))
    assert typed == Answer(percent)


def test_percent_bands_are_read_exactly() -> None:
    assert [
        score(EN, "mc_online_assortment", text)
        for text in ("５５％", "59.9 %", "60%", "0.6", "0.6%", "0.1", "9 %")
    ] == [0.6, 0.6, 1.0, 1.0, 0.0, 0.3, 0.0]


def test_a_label_in_either_language_is_read_under_the_other() -> None:
    zh_label = "有自营官方商城（网站、App 或小程序）"
    en_label = "Own official online shop (web, app or mini-program)"
    for compiled in (EN, ZH):
        for label in (
            zh_label,
            en_label,
            "own-shop",
            "  OWN OFFICIAL online shop (web, app or mini-program) ",
        ):
            assert score(compiled, "mc_official_online_shop", label) == 1.0
    # several options, by label in both languages, in a string or a list
    both = score(EN, "mc_channel_types", ["stores", "web-shop"])
    assert score(EN, "mc_channel_types", "自营实体门店、Own web shop (computer)") == both
    assert score(EN, "mc_channel_types", ["自营实体门店", "Own web shop (computer)"]) == both
    assert score(ZH, "mc_channel_types", "Own physical stores，web-shop") == both
    labels = ZH.rubric.option_labels["mc_official_online_shop"]
    typed = parse_answer(ind(ZH, "mc_official_online_shop"), en_label, labels)
    assert typed == Answer("own-shop")


def test_a_zh_label_in_a_file_scored_under_lang_en(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "company: {name: Co}\nanswers:\n  mc_official_online_shop: 有自营官方商城（网站、App 或小程序）\n"
        "  mc_online_assortment: ５５％\n  mc_two_complete_channels: 是\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["score", str(path), "--lang", "en", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert '"coverage"' in result.stdout


@pytest.mark.parametrize(
    ("indicator_id", "text", "reason"),
    [
        ("mc_two_complete_channels", "maybe", "'maybe' is not yes or no"),
        (
            "mc_official_online_shop",
            "a shop",
            "'a shop' is not one of the options: none, marketplace-only, own-shop",
        ),
        (
            "mc_online_assortment",
            "lots",
            "'lots' is not a number: expected a number from 0 to 100 %",
        ),
        (
            "mc_online_assortment",
            "101",
            "101 % is out of range: expected a number from 0 to 100 %",
        ),
        (
            "mc_two_complete_channels",
            "n/a",
            "n/a is not accepted for this question: it is a gate of its stage",
        ),
    ],
)
def test_the_same_bad_answer_gets_the_same_reason_typed_or_in_a_file(
    indicator_id: str, text: str, reason: str
) -> None:
    assert parse_answer(ind(EN, indicator_id), text) == Invalid(reason)
    assert file_error(EN, indicator_id, text) == reason


def test_the_same_reason_in_chinese() -> None:
    messages.use("zh")
    typed = parse_answer(ind(ZH, "mc_two_complete_channels"), "也许")
    assert typed == Invalid("'也许' 不是“是”或“否”")
    assert file_error(ZH, "mc_two_complete_channels", "也许") == "'也许' 不是“是”或“否”"
    typed = parse_answer(ind(ZH, "mc_online_assortment"), "１０１")
    assert typed == Invalid("101 % 超出范围：应为0 到 100 % 之间的数")
    assert file_error(ZH, "mc_online_assortment", 101) == typed.reason


def test_read_text_is_pure_and_never_raises() -> None:
    vocabulary = Vocabulary(
        ind(EN, "mc_channel_types"), EN.rubric.option_labels["mc_channel_types"]
    )
    assert read_text(vocabulary, "1,3", numbered=True) == ["stores", "app"]
    assert read_text(vocabulary, "１，３", numbered=True) == ["stores", "app"]
    assert read_text(vocabulary, "1,3") == Invalid(
        "'1' is not one of the options: stores, web-shop, app, marketplace, catalogue-phone, "
        "social-shop, food-delivery, wholesale-franchise"
    )
    assert read_text(vocabulary, "无") == []
    assert read_text(vocabulary, "不知道") == "unknown"


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


def test_assess_in_chinese_in_a_real_terminal(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    env = {"TERM": "xterm-256color", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "retail_stage", "assess", "--lang", "zh", "--save", "a.yaml"],
        cwd=str(tmp_path),
        env=env,
        dimensions=(40, 100),
        encoding="utf-8",
        timeout=20,
    )
    child.expect_exact("企业名称（必填）：")
    child.sendline("华联超市")
    child.expect_exact("行业（选填，回车跳过）：")
    child.sendline("")
    child.expect_exact("国家或地区（选填）：")
    child.sendline("中国")
    for line, reply in (
        ("也许", "✗ '也许' 不是“是”或“否”"),
        ("是", "✓ 是"),
        ("１，３", "✓ 自营实体门店；自有 App 或小程序商城"),
        ("Only a store on a third-party marketplace", "✓ 只在第三方电商平台开店"),
        ("否", "✗ '否' 不是本题的选项：none, one, most, all"),
        ("大多数渠道可以", "✓ 大多数渠道可以"),
    ):
        child.expect_exact("› ")
        child.sendline(line)
        child.expect_exact(reply[2:])  # the mark and the reply are styled apart
    # on to the first percent question, skipping the others
    path = tmp_path / "a.yaml"
    for _question in range(36):
        child.expect_exact("› ")
        shown = ANSI.sub("", child.before)
        if "商品（SKU）有多大比例可以在线上买到" in shown:
            break
        child.sendline("s")
    child.sendline("６０％")
    child.expect_exact("60 %")
    child.expect_exact("› ")
    child.sendline("q")
    child.expect_exact("已停止（输入了 q）")
    child.expect(pexpect.EOF)
    saved = yaml.safe_load(path.read_text(encoding="utf-8"))
    answers = saved["answers"]
    assert saved["company"]["name"] == "华联超市"
    assert answers["mc_two_complete_channels"] is True
    assert answers["mc_channel_types"] == ["stores", "app"]
    assert answers["mc_official_online_shop"] == "marketplace-only"
    assert answers["mc_complete_journey"] == "most"
    assert answers["mc_online_assortment"] == 60


def test_a_report_shows_an_answer_written_in_words_as_the_option_it_names(
    tmp_path: Path,
) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "company: {name: P}\n"
        "answers:\n"
        '  mc_online_assortment: "55%"\n'
        "  om_electronic_payment_share: 0.5\n"
        "  mc_two_complete_channels: 是\n"
        "  mc_official_online_shop: 有自营官方商城（网站、App 或小程序）\n"
        "  mc_channel_types: [自营实体门店, app]\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["report", str(profile), "-f", "md"])
    assert result.exit_code == 0, result.stderr
    rows = {
        line.split(" | ")[0].removeprefix("| ").split("<br>")[0]: line.split(" | ")[1]
        for line in result.stdout.splitlines()
        if line.startswith("| ") and "<br>" in line.split(" | ")[0]
    }
    assert rows["What share of the company's assortment (SKUs) can be bought online?"] == "55%"
    assert (
        rows[
            "What share of all sales (all channels) is paid electronically (card, mobile wallet, online)?"
        ]
        == "50%"
    )
    assert (
        rows[
            "Does the company sell through two or more complete channels (for example stores and an "
            "online shop), in each of which a customer can complete a whole purchase?"
        ]
        == "yes"
    )
    assert (
        rows[
            "Does the company run its own official online shop in which customers can complete a "
            "purchase?"
        ]
        == "Own official online shop (web, app or mini-program)"
    )
    assert rows["Through which complete channels does the company sell today?"] == (
        "Own physical stores; Own mobile app or mini-program shop"
    )


def test_a_chinese_question_wraps_as_chinese_text_does() -> None:
    """The help of the first question holds "自有 App 或小程序商城": rich alone ends the line
    at the space after App, leaving half of it empty; Chinese lines break between characters."""
    import io

    from rich.console import Console

    from retail_stage.render.assess import question

    messages.use("zh")
    ind = ZH.rubric.indicators[0]
    out = io.StringIO()
    Console(file=out, width=100, color_system=None).print(question(ind, 1, 36, "渠道", None))
    lines = out.getvalue().splitlines()
    assert "自营网店、自有 App 或小程序商城、电商平台旗舰店、目录或电话订购。" in lines[5]
    assert all(len(line) <= 100 for line in lines)
