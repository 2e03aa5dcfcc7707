"""Input errors, settings, rubric commands and click's own messages in Chinese (--lang zh,
RETAIL_STAGE_LANG=zh), English unchanged; error:, warning: and PATH:LINE:COL: stay as they are."""

from __future__ import annotations

import re
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


# --- input errors, settings, rubric validate ------------------------------------------------


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_missing_file_in_chinese_and_in_english(tmp_path: Path) -> None:
    missing = str(tmp_path / "nothere.yaml")
    assert _run(["score", missing], lang="zh")[2].splitlines()[0] == (
        f"{missing}: error: 找不到这个文件或文件夹"
    )
    assert (
        _run(["score", missing])[2].splitlines()[0] == f"{missing}: error: no such file or folder"
    )


def test_a_yaml_syntax_error_in_chinese_and_in_english(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.yaml", "company:\n  name: A\nanswers:\n  a: b: c\n")
    assert _run(["score", bad], lang="zh")[2].splitlines()[0] == (
        f"{bad}:4:7: error: YAML 格式有误：这里不能出现冒号（值里的冒号请加引号）"
    )
    assert _run(["score", bad])[2].splitlines()[0] == (
        f"{bad}:4:7: error: invalid YAML: mapping values are not allowed in this context"
    )


def test_a_wrong_kind_of_value_in_a_profile_in_chinese_and_in_english(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.yaml", "company:\n  name: A\n  assessed_on: [1]\nmerge: best\n")
    assert _run(["score", bad], lang="zh")[2].splitlines()[:2] == [
        f"{bad}:3:16: error: company.assessed_on: 应为日期，格式 YYYY-MM-DD",
        f"{bad}:4:8: error: merge: 应为以下之一：'median', 'min', 'mean', 'latest'",
    ]
    assert _run(["score", bad])[2].splitlines()[:2] == [
        f"{bad}:3:16: error: company.assessed_on: input should be a valid date",
        f"{bad}:4:8: error: merge: input should be 'median', 'min', 'mean' or 'latest'",
    ]


def test_a_bad_configuration_value_in_chinese_and_in_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "retail-stage.toml").write_text('workers = "x"\nspeed = 2\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _out, err = _run(["score", "a.yaml"], lang="zh")
    assert (code, err) == (
        2,
        "retail-stage.toml:1:1: error: workers 应为整数，实际是 'x'\n"
        "retail-stage.toml:2:1: error: 不认识的设置项 'speed'；可用的有：rubric, lang, workers, "
        "max-bytes\n",
    )
    code, _out, err = _run(["score", "a.yaml"])
    assert (code, err) == (
        2,
        "retail-stage.toml:1:1: error: workers must be a whole number, got 'x'\n"
        "retail-stage.toml:2:1: error: unknown setting 'speed'; known: rubric, lang, workers, "
        "max-bytes\n",
    )


def test_rubric_validate_ok_line_in_chinese_and_in_english() -> None:
    from retail_stage.version import bundled_rubric_path

    shown = str(bundled_rubric_path())
    assert _run(["rubric", "validate"], lang="zh")[:2] == (
        0,
        f"{shown}: ok: retail-stages 1.1，3 个阶段，36 项指标，0 条警告\n",
    )
    assert _run(["rubric", "validate"])[:2] == (
        0,
        f"{shown}: ok: retail-stages 1.1, 3 stages, 36 indicators, 0 warnings\n",
    )


BAD_INPUTS = {
    "syntax.yaml": "company:\n  name: A\nanswers:\n  a: b: c\n",
    "flow.yaml": "company: {name: A\n",
    "quote.yaml": "company:\n  name: 'A\n",
    "tab.yaml": "company:\n\tname: A\n",
    "alias.yaml": "company: *nobody\n",
    "tag.yaml": "company: !!python/object:os.system x\n",
    "dupe.yaml": "company:\n  name: A\n  name: B\n",
    "date.yaml": "company:\n  name: A\n  assessed_on: 2024-13-45\n",
    "key.yaml": "company:\n  name: A\n  1: x\n",
    "extra.yaml": "company: {name: A}\nanswers: {}\nextra: 1\n",
    "nocompany.yaml": "answers: {}\n",
    "list.yaml": "- a\n- b\n",
    "empty-name.yaml": "company: {name: ''}\n",
    "merge.yaml": "company: {name: A}\nmerge: best\n",
    "both.yaml": "company: {name: A}\nanswers: {x: 1}\nrespondents: [{name: B}]\n",
    "norespondents.yaml": "company: {name: A}\nrespondents: []\n",
    "version.yaml": "company: {name: A}\nrubric: {id: other}\n",
    "comments.yaml": "# nothing here\n",
    "utf16.yaml": "\ufeffcompany: {name: A}\n",
    "comma.json": '{"company": {"name": "A"},}',
    "value.json": '{"company": }',
    "dupe.json": '{"company": {"name": "A"}, "company": {"name": "B"}}',
    "nan.json": '{"company": {"name": "A"}, "answers": {"a": NaN}}',
    "folder": None,
    "missing.yaml": None,
}
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
KEYS = {"company", "name", "answers", "respondents", "merge", "rubric", "assessed_on", "id"}
"""The profile's own keys: ids a message names as the user wrote them."""


def _english_words(line: str, path: str) -> list[str]:
    """The English words of an error line, leaving out the file name, the quoted values and
    ids the user wrote, and the parseable `error:`."""
    line = line.replace(path, "").replace(": error: ", " ")
    line = re.sub(
        r"'[^']*'|\"[^\"]*\"|\*\w+|!!\S+|NaN|YAML|JSON|UTF-\d+|YYYY-MM-DD|--\w[\w-]*", "", line
    )
    line = re.sub(r"\*\.\w+", "", line)  # *.yaml
    return [word for word in ENGLISH_WORD.findall(line) if word not in KEYS]


def test_every_bad_input_says_what_is_wrong_in_chinese(tmp_path: Path) -> None:
    told = {}
    for name, text in BAD_INPUTS.items():
        path = tmp_path / name
        if name == "folder":
            path.mkdir()
        elif name == "utf16.yaml":
            path.write_bytes(str(text).encode("utf-16"))
        elif text is not None:
            path.write_text(text, encoding="utf-8")
        _code, _out, err = _run(["score", str(path)], lang="zh")
        first = err.splitlines()[0]
        assert first.startswith(f"{path}"), first
        told[name] = _english_words(first, str(path))
    assert {name: words for name, words in told.items() if words} == {}
