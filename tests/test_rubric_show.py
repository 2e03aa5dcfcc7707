"""`rubric show`: tables with wide characters aligned, a Markdown handbook, data that round-trips."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import yaml
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from retail_stage.cli import app
from retail_stage.loading import load_rubric, read_rubric
from retail_stage.render.cjk import break_offsets, cjk_literal
from retail_stage.render.rubric_view import answers, md, md_paragraph, rubric_markdown

TINY = str(Path(__file__).parent / "rubrics" / "bilingual.yaml")
runner = CliRunner()

TINY_ZH_TABLE = """\
小型评估  rubric tiny 1, language zh
                           Stages
┏━━━┳━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━┓
┃ # ┃ Stage  ┃ Threshold ┃ Indicators ┃ Gates ┃ Meaning    ┃
┡━━━╇━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━┩
│ 0 │ 单渠道 │  baseline │            │       │ 只有一个渠 │
│   │ b0     │           │            │       │ 道         │
│ 1 │ 全渠道 │      0.50 │          2 │     1 │ 线上线下一 │
│   │ s1     │           │            │       │ 盘货，会员 │
│   │        │           │            │       │ 打通       │
└───┴────────┴───────────┴────────────┴───────┴────────────┘
                         Dimensions
┏━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Dimension        ┃ Indicators ┃ Description              ┃
┡━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ 库存与履约       │          2 │ 库存和订单               │
│ d1               │            │                          │
└──────────────────┴────────────┴──────────────────────────┘
                           Label
┏━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ Label ┃ Meaning                                          ┃
┡━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│  1.0  │ 流量                                             │
│  2.0  │ 供应链                                           │
└───────┴──────────────────────────────────────────────────┘
2.0 when the supply-focus score (weighted mean score of the
     supply indicators) is at least 0.5; otherwise 1.0.
                     Indicators: 全渠道
┏━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━┓
┃ Indicator    ┃ Dimension  ┃ Focus   ┃ Weight ┃ Answer    ┃
┡━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━┩
│ 各渠道库存是 │ 库存与履约 │ supply  │      2 │ yes/no    │
│ 否打通？     │            │         │        │           │
│ a  gate      │            │         │        │           │
├──────────────┼────────────┼─────────┼────────┼───────────┤
│ 顾客怎么拿到 │ 库存与履约 │ traffic │      1 │ choice, 2 │
│ 商品？       │            │         │        │           │
│ b            │            │         │        │           │
└──────────────┴────────────┴─────────┴────────┴───────────┘
"""


def show(*args: str, columns: int = 60) -> str:
    result = runner.invoke(
        app, ["rubric", "show", *args], env={"COLUMNS": str(columns), "NO_COLOR": "1", "LANG": ""}
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_chinese_table_lines_are_exact_and_wide_characters_aligned() -> None:
    output = show(TINY, "--lang", "zh")
    # rich pads titles and captions to the width with spaces; compare without them.
    assert [line.rstrip() for line in output.splitlines()] == TINY_ZH_TABLE.splitlines()
    table_lines = [line for line in output.splitlines() if line[:1] in "┏┃┡│├└"]
    # Every CJK character takes two cells: each row of a table is exactly as wide as the console.
    assert {cell_len(line) for line in table_lines} == {60}


def test_the_whole_bundled_rubric_in_chinese_stays_aligned() -> None:
    output = show("--lang", "zh", columns=100)
    table_lines = [line for line in output.splitlines() if line[:1] in "┏┃┡│├└"]
    assert len(table_lines) > 100
    assert {cell_len(line) for line in table_lines} == {100}
    assert "全渠道零售" in output
    assert "智慧零售" in output


def test_lang_defaults_from_the_LANG_variable_then_the_first_language() -> None:
    zh = runner.invoke(
        app, ["rubric", "show", TINY, "-f", "json"], env={"LANG": "zh_CN.UTF-8"}
    ).stdout
    assert json.loads(zh)["title"] == "小型评估"
    # A language the rubric does not have falls back to its first language.
    de = runner.invoke(app, ["rubric", "show", TINY, "-f", "json"], env={"LANG": "de_DE.UTF-8"})
    assert json.loads(de.stdout)["title"] == "Tiny rubric"


def test_an_explicit_lang_the_rubric_lacks_is_bad_usage() -> None:
    result = runner.invoke(app, ["rubric", "show", TINY, "--lang", "fr"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --lang fr: rubric 'tiny' has no 'fr' texts; it declares en, zh\n"
    )


def test_yaml_output_is_a_valid_rubric_in_that_one_language(tmp_path: Path) -> None:
    text = show(TINY, "--lang", "zh", "-f", "yaml")
    data = yaml.safe_load(text)
    assert data["languages"] == ["zh"]
    assert data["indicators"][1]["answer"]["options"][1]["label"] == "到店自提"
    path = tmp_path / "zh.yaml"
    path.write_text(text, encoding="utf-8")
    rubric, problems = read_rubric(str(path))
    assert problems == []
    assert rubric == replace(load_rubric(TINY, "zh"), languages=("zh",))


def test_json_output_fills_defaults() -> None:
    data = json.loads(show(TINY, "-f", "json"))
    assert data["indicators"][0]["help"] == ""
    assert data["indicators"][0]["allow_na"] is False
    assert data["label"]["min_stage"] is None


def test_markdown_is_a_handbook_with_every_answer_score_and_source() -> None:
    text = show(TINY, "-f", "markdown", "--lang", "zh")
    assert text.splitlines()[:3] == ["# 小型评估", "", "Rubric `tiny`, version 1, language zh."]
    assert "| 1 | 全渠道 | 0.50 | 2 | 线上线下一盘货，会员打通 |" in text
    assert "### 顾客怎么拿到商品？" in text
    assert "`b` · 库存与履约 · focus traffic · weight 1" in text
    assert "| 到店自提 (`pickup`) | 1 |" in text
    assert "`a` · 库存与履约 · focus supply · weight 2 · **gate**" in text
    assert "> Source: “online and offline channels gradually interact and merge”" in text
    assert "- **2.0**: 供应链" in text


def test_markdown_shows_user_text_literally() -> None:
    english = rubric_markdown(load_rubric(TINY, "en"))
    assert "Tick the \\*usual\\* way" in english
    assert md("a|b <i>") == "a\\|b \\<i\\>"
    assert md_paragraph("# not a heading") == "\\# not a heading"
    assert md_paragraph("1. not a list") == "1\\. not a list"


def test_number_bands_read_as_ranges() -> None:
    rubric = load_rubric(Path(__file__).parent / "data" / "mini-rubric.yaml")
    (d,) = [i for i in rubric.indicators if i.id == "d"]
    assert answers(d) == [
        (">=0", "0% to below 20%", 0.0),
        (">=20", "20% to below 50%", 0.5),
        (">=50", "50% to 100%", 1.0),
    ]


def test_show_writes_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "handbook.md"
    show(TINY, "-f", "markdown", "-o", str(out))
    assert out.read_text(encoding="utf-8").startswith("# Tiny rubric\n")


def pieces(text: str, width: int) -> list[str]:
    cuts = [0, *break_offsets(text, width), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(cuts)]


def test_chinese_lines_never_start_with_closing_punctuation() -> None:
    assert pieces("顾客怎么拿到商品？", 8) == ["顾客怎么", "拿到商", "品？"]
    assert pieces("（典型是实体门店加官方网店）", 8) == ["（典型是", "实体门店", "加官方网", "店）"]


def test_latin_words_inside_chinese_stay_whole() -> None:
    assert pieces("自有 App 或小程序商城", 6) == ["自有 ", "App 或", "小程序", "商城"]
    assert pieces("Supercalifragilistic", 6) == ["Superc", "alifra", "gilist", "ic"]


def test_cjk_text_measures_its_narrowest_unbreakable_run() -> None:
    console = Console(width=40)
    measured = cjk_literal("到店自提（App）").__rich_measure__(console, console.options)
    # "（App）" cannot be broken: the brackets hold to the word inside them.
    assert (measured.minimum, measured.maximum) == (
        cell_len("（App）"),
        cell_len("到店自提（App）"),
    )
    english = cjk_literal("plain words").__rich_measure__(console, console.options)
    assert (english.minimum, english.maximum) == (5, 11)


def test_no_line_of_the_bundled_chinese_tables_starts_with_punctuation() -> None:
    output = show("--lang", "zh", columns=72)
    cells = [part.strip() for line in output.splitlines() for part in line.split("│")[1:-1]]
    assert len(cells) > 500
    assert [c for c in cells if c and c[0] in "，。、；：？！）"] == []


def test_a_line_that_ends_in_a_space_after_wide_text_loses_the_space_not_a_letter() -> None:
    # The first line is 34 cells and a space: rich's own trimming counts characters, not cells,
    # and cut "WhatsApp " to "WhatsAp…".
    text = "私域社群（企业微信、社群、WhatsApp 等）"
    console = Console(width=34)
    lines = [line.plain for line in cjk_literal(text).wrap(console, 34, overflow="ellipsis")]
    assert lines == ["私域社群（企业微信、社群、WhatsApp", "等）"]
