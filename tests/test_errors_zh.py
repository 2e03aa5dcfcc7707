"""Input errors, settings, rubric commands and click's own messages in Chinese (--lang zh,
RETAIL_STAGE_LANG=zh), English unchanged; error:, warning: and PATH:LINE:COL: stay as they are."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from retail_stage.cli import app

runner = CliRunner()
PLAIN = {"COLUMNS": "250", "NO_COLOR": "1", "RETAIL_STAGE_LANG": "", "LC_ALL": "", "LANG": ""}


def _run(args: list[str], lang: str = "", cwd: Path | None = None) -> tuple[int, str, str]:
    environ = {**PLAIN, "RETAIL_STAGE_LANG": lang}
    result = runner.invoke(app, args, env=environ)
    return result.exit_code, result.stdout, result.stderr


def _panel(stderr: str) -> list[str]:
    """The lines of typer's error output without the box drawing."""
    lines = [line.strip("╭╮╰╯─│ ") for line in stderr.splitlines()]
    return [line for line in lines if line]


# --- click's and typer's own messages -------------------------------------------------------


def test_no_such_option_in_chinese_and_in_english() -> None:
    code, _out, err = _run(["score", "--x"], lang="zh")
    assert (code, _panel(err)) == (
        2,
        [
            "用法：retail-stage score [OPTIONS] {PATH...}...",
            "用 'retail-stage score -h' 查看帮助。",
            "错误",
            "没有这个选项：--x",
        ],
    )
    code, _out, err = _run(["score", "--x"])
    assert (code, _panel(err)) == (
        2,
        [
            "Usage: retail-stage score [OPTIONS] {PATH...}...",
            "Try 'retail-stage score -h' for help.",
            "Error",
            "No such option: --x",
        ],
    )


@pytest.mark.parametrize(
    ("args", "chinese", "english"),
    [
        (["score"], "缺少参数 'PATH...'。", "Missing argument 'PATH...'."),
        (["score", "a", "-f"], "选项 '-f' 后面要跟一个值。", "Option '-f' requires an argument."),
        (
            ["score", "--workers", "x", "a"],
            "'--workers' / '-w' 的取值无效：应为整数",
            "Invalid value for '--workers' / '-w': Input should be a valid integer, unable to "
            "parse string as an integer",
        ),
        (
            ["rubric", "schema", "nope"],
            "'KIND' 的取值无效：'nope' 不在可选范围内，可选：'rubric', 'profile', 'result'",
            "Invalid value for 'KIND': Value error, 'nope' is not one of 'rubric', 'profile', "
            "'result'.",
        ),
        (["rubric", "nope"], "没有 'nope' 这个命令。", "No such command 'nope'."),
        (
            ["rubric", "validate", "a", "b", "c"],
            "多出了参数：b c",
            "Got unexpected extra argument(s) (b c)",
        ),
    ],
)
def test_click_errors_in_chinese_keep_what_the_user_typed(
    args: list[str], chinese: str, english: str
) -> None:
    code, _out, err = _run(args, lang="zh")
    assert (code, _panel(err)[-1]) == (2, chinese)
    code, _out, err = _run(args)
    assert (code, _panel(err)[-1]) == (2, english)


def test_lang_on_the_command_line_gives_click_errors_in_chinese() -> None:
    code, _out, err = _run(["rubric", "show", "--lang", "zh", "--formt"])
    assert (code, _panel(err)[1:]) == (
        2,
        [
            "用 'retail-stage rubric show -h' 查看帮助。",
            "错误",
            "没有这个选项：--formt（可用的选项：--format）",
        ],
    )
    code, _out, err = _run(["--lang", "zh", "rubric", "validate", "--formt"], lang="en")
    assert _panel(err)[-1] == "没有这个选项：--formt（可用的选项：--format）"
    code, _out, err = _run(["rubric", "show", "--formt"], lang="zh")
    assert _panel(err)[-1] == "没有这个选项：--formt（可用的选项：--format）"
    code, _out, err = _run(["rubric", "show", "--formt"])
    assert _panel(err)[-1] == "No such option: --formt (Possible options: --format)"
