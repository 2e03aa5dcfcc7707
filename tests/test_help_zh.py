"""Help in the interface language: --lang on the command line, else the settings' language."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from retail_stage.cli import app

from .conftest import EXAMPLES

runner = CliRunner()
WIDE = {"COLUMNS": "250", "NO_COLOR": "1"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
SHOW_IDS_ZH = "在问题旁显示指标编号（JSON、CSV 和 JSONL 中始终带有编号）。"
SHOW_IDS_EN = "Show indicator ids beside the questions (JSON, CSV and JSONL always hold them)."
QUIET = {"RETAIL_STAGE_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}


def _help(args: list[str], **environ: str) -> str:
    result = runner.invoke(app, args, env={**WIDE, **QUIET, **environ})
    assert (result.exit_code, result.stderr) == (0, "")
    return result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--lang", "zh", "report", "--help"],
        ["report", "--lang", "zh", "--help"],
        ["report", "--help", "--lang=zh"],
    ],
)
def test_report_help_in_chinese_with_lang_zh(args: list[str]) -> None:
    text = _help(args)
    assert SHOW_IDS_ZH in text
    assert "用法：" in text
    assert "Usage" not in text
    assert "─ 选项 ─" in text
    assert "─ 参数 ─" in text
    assert "─ 问卷导出文件 ─" in text
    assert "一份档案的完整报告：结论、阶段阶梯、1.0/2.0、各维度、下一步和评估依据。" in text
    assert "显示本帮助并退出。" in text
    assert "[必填]" in text


def test_help_follows_the_locale_and_the_environment() -> None:
    assert SHOW_IDS_ZH in _help(["report", "--help"], LANG="zh_CN.UTF-8")
    assert SHOW_IDS_ZH in _help(["report", "--help"], RETAIL_STAGE_LANG="zh", LANG="en_US.UTF-8")
    # --lang beats the environment, which beats the locale.
    assert SHOW_IDS_EN in _help(["report", "--lang", "en", "--help"], RETAIL_STAGE_LANG="zh")
    assert SHOW_IDS_EN in _help(["report", "--help"], RETAIL_STAGE_LANG="en", LANG="zh_CN.UTF-8")


def test_english_help_is_unchanged_and_stays_english_after_a_chinese_one() -> None:
    _help(["--lang", "zh", "report", "--help"])
    text = _help(["report", "--help"])
    assert not CHINESE.findall(text)
    assert SHOW_IDS_EN in text
    assert "Usage: " in text
    assert "─ Options ─" in text
    assert "─ Survey exports ─" in text
    assert (
        "The full report of one profile: verdict, ladder, 1.0/2.0, dimensions, steps, evidence."
        in text
    )
    assert "[default: table]" in _help(["rubric", "show", "--help"])


def test_the_command_list_and_defaults_in_chinese() -> None:
    text = _help(["--lang", "zh", "--help"])
    assert "为企业档案评分：每份档案一条结果；无效的档案在标准错误输出中报告。" in text
    assert "─ 命令 ─" in text
    assert "检查、查看和说明评估模型。" in text
    assert "[默认：table]" in _help(["--lang", "zh", "rubric", "show", "--help"])


def test_a_long_chinese_help_folds_instead_of_losing_characters() -> None:
    text = runner.invoke(
        app, ["--lang", "zh", "report", "--help"], env={**QUIET, "COLUMNS": "80"}
    ).stdout
    assert "…" not in text
    joined = "".join(line.strip("│ ") for line in text.splitlines())
    assert (
        "档案文件（YAML、JSON、JSONL）或问卷导出文件（CSV、TSV、XLSX，受访者按中位数合并）"
        in joined
    )


def test_lang_before_the_command_applies_to_the_command() -> None:
    old = str(EXAMPLES / "03-lotus-lane-grocers.yaml")
    result = runner.invoke(app, ["--lang", "zh", "report", old, "-f", "md"], env=QUIET)
    assert result.exit_code == 0
    assert result.stdout.startswith("# 零售数字化评估报告：Lotus Lane Grocers")


def test_installed_command_help_in_chinese() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "retail_stage", "report", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **WIDE, **QUIET, "LANG": "zh_CN.UTF-8"},
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert SHOW_IDS_ZH in done.stdout
