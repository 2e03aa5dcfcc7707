"""The command line through CliRunner, and one real run of the installed entry point."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retail_stage import __version__
from retail_stage.cli import app

from .conftest import DATA, EXAMPLES

runner = CliRunner()
MINI = str(DATA / "mini-rubric.yaml")


def test_version_names_the_package_the_bundled_rubric_and_python() -> None:
    python = ".".join(str(part) for part in sys.version_info[:3])
    expected = f"retail-stage {__version__} (rubric retail-stages 1.1, Python {python})\n"
    for arguments in (["--version"], ["--version", "score"]):  # the fast path and typer's
        result = runner.invoke(app, arguments)
        assert (result.exit_code, result.stdout) == (0, expected)


def test_score_json_prints_one_result_per_profile() -> None:
    result = runner.invoke(app, ["score", str(EXAMPLES), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data) == len(list(EXAMPLES.glob("*.yaml")))
    for record in data:
        assert {"stage", "label", "index", "coverage", "stages", "next_steps"} <= set(record)


def test_bad_answer_is_one_line_and_the_rest_is_scored(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("company: {name: A}\nanswers:\n  a: yes\n")
    (tmp_path / "b.yaml").write_text("company: {name: B}\nanswers:\n  a: 3\n")
    (tmp_path / "c.yaml").write_text("company: {name: C}\nanswers:\n  a: no\n")
    result = runner.invoke(app, ["score", str(tmp_path), "-f", "json", "--rubric", MINI])
    assert result.exit_code == 1
    error, summary = result.stderr.splitlines()
    assert error == f"{tmp_path / 'b.yaml'}:3:6: error: expected yes or no for 'a', got 3"
    assert re.fullmatch(
        r"2 profiles scored, 1 invalid in \d+\.\d\ds \(Baseline 1\.0: 1, Stage one 1\.0: 1\)",
        summary,
    )
    data = json.loads(result.stdout)
    assert [r.get("stage") for r in data] == ["s1", None, "b0"]
    assert data[1] == {
        "source": str(tmp_path / "b.yaml"),
        "error": f"{tmp_path / 'b.yaml'}:3:6: error: expected yes or no for 'a', got 3",
        "line": 3,
        "column": 6,
        "message": "expected yes or no for 'a', got 3",
    }


def test_output_file_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["score", str(EXAMPLES), "-f", "json", "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert len(json.loads(out.read_text())) == len(list(EXAMPLES.glob("*.yaml")))
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary left behind


def test_stdin_is_read_with_dash() -> None:
    result = runner.invoke(
        app, ["score", "-", "-f", "json", "--rubric", MINI], input='{"company": {"name": "S"}}'
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["source"] == "<stdin>"


def test_table_shows_company_stage_label_index_coverage() -> None:
    result = runner.invoke(app, ["score", str(EXAMPLES / "03-lotus-lane-grocers.yaml")])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "Company" in lines[2]
    assert "Coverage" in lines[2]
    row = next(line for line in lines if "Lotus Lane Grocers" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")] == [
        "Lotus Lane Grocers",
        "Omni-channel retail",
        "1.0",
        "2.27",
        "100%",
    ]


def test_table_shows_markup_literally(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text('company: {name: "[bold red]Evil\\x1b[31m"}\n')
    result = runner.invoke(app, ["score", str(tmp_path / "x.yaml"), "--rubric", MINI])
    assert "[bold red]Evil\\x1b[31m" in result.stdout
    assert "\x1b" not in result.stdout


def test_invalid_rubric_is_bad_usage(tmp_path: Path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text("id: x\n")
    result = runner.invoke(app, ["score", str(EXAMPLES), "--rubric", str(bad)])
    assert result.exit_code == 2
    assert (
        result.stderr.splitlines()[0]
        == f"{bad}:1:1: error: document: missing required key 'version'"
    )


def test_rubric_validate_bundled() -> None:
    result = runner.invoke(app, ["rubric", "validate"])
    assert result.exit_code == 0
    assert result.stdout.endswith(", 0 warnings\n")


def test_rubric_validate_reports_problems(tmp_path: Path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text(Path(MINI).read_text().replace("threshold: 0.6", "threshold: 0"))
    result = runner.invoke(app, ["rubric", "validate", str(bad)])
    assert result.exit_code == 1
    assert (
        result.stderr == f"{bad}:8:42: error: stages.1.threshold: input should be greater than 0\n"
    )


@pytest.mark.parametrize("kind", ["rubric", "profile"])
def test_committed_schemas_match_the_models(kind: str) -> None:
    result = runner.invoke(app, ["rubric", "schema", kind])
    committed = Path(__file__).parent.parent / "schemas" / f"{kind}.schema.json"
    assert result.stdout == committed.read_text(encoding="utf-8")


def test_installed_entry_point_runs_from_another_folder(tmp_path: Path) -> None:
    exe = shutil.which("retail-stage") or str(Path(sys.executable).with_name("retail-stage"))
    completed = subprocess.run(
        [exe, "score", str(EXAMPLES), "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert len(json.loads(completed.stdout)) == len(list(EXAMPLES.glob("*.yaml")))


def test_python_dash_m_help() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "retail_stage", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0
    assert "score" in completed.stdout


def test_readme_profile_example_is_a_valid_profile(tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "readme.yaml").write_text(block, encoding="utf-8")
    result = runner.invoke(app, ["score", str(tmp_path / "readme.yaml"), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["coverage"] < 1


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("out.jsonl", '{"source":'),
        ("out.json", "[\n  {"),
        ("out.csv", "source,company_name,"),
        ("out.md", "| Source | Company |"),
        ("out.yaml", "- source: "),
    ],
)
def test_the_output_name_chooses_the_format(tmp_path: Path, name: str, starts: str) -> None:
    out = tmp_path / name
    result = runner.invoke(
        app, ["score", str(EXAMPLES / "02-brandt-haushaltswaren.yaml"), "-o", str(out)]
    )
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith(starts)


def test_an_output_name_that_names_no_format_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    result = runner.invoke(
        app, ["score", str(EXAMPLES / "02-brandt-haushaltswaren.yaml"), "-o", str(out)]
    )
    assert (result.exit_code, result.stderr) == (
        2,
        f"{out}: error: this command does not write .html files; it writes table, json, jsonl, "
        "csv, yaml or markdown\n",
    )
    assert not out.exists()
    result = runner.invoke(app, ["score", str(EXAMPLES), "-o", str(tmp_path / "out.data")])
    assert result.stderr == (
        f"{tmp_path / 'out.data'}: error: cannot tell the format from the name; use --format "
        "table, json, jsonl, csv, yaml or markdown\n"
    )


@pytest.mark.parametrize(
    ("command", "name", "given", "asked"),
    [
        (["score", str(EXAMPLES)], "scores.csv", "table", "csv"),
        (["score", str(EXAMPLES)], "scores.json", "csv", "json"),
        (["score", str(EXAMPLES), "--summary"], "summary.md", "json", "markdown"),
        (["report", str(EXAMPLES / "03-lotus-lane-grocers.yaml")], "r.json", "md", "json"),
        (["template"], "questions.yaml", "csv", "yaml"),
        (["compare", *[str(EXAMPLES / "03-lotus-lane-grocers.yaml")] * 2], "c.md", "json", "md"),
    ],
)
def test_a_name_that_asks_for_another_format_is_refused_before_any_work(
    tmp_path: Path, command: list[str], name: str, given: str, asked: str
) -> None:
    out = tmp_path / name
    result = runner.invoke(app, [*command, "-f", given, "-o", str(out)])
    assert (result.exit_code, result.stderr) == (
        2,
        f"{out}: error: the name asks for {asked} but --format is {given}; drop --format, or "
        "rename the file\n",
    )
    assert not out.exists()


def test_the_name_alone_chooses_the_format_and_a_table_goes_to_a_text_file(tmp_path: Path) -> None:
    for name, first in [("s.csv", "source,"), ("s.json", "["), ("s.jsonl", '{"source"')]:
        result = runner.invoke(app, ["score", str(EXAMPLES), "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.stderr
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(first)
    result = runner.invoke(
        app, ["score", str(EXAMPLES), "-f", "table", "-o", str(tmp_path / "s.txt")]
    )
    assert result.exit_code == 0
    assert "┏" in (tmp_path / "s.txt").read_text(encoding="utf-8")


def test_errors_in_chinese_keep_the_parseable_shape(tmp_path: Path) -> None:
    from .conftest import EXAMPLES

    profile = str(EXAMPLES / "03-lotus-lane-grocers.yaml")
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["report", profile, "--lang", "zh", "-o", str(out)])
    assert (result.exit_code, result.stderr) == (
        2,
        f"{out}: error: 这个命令不输出 .csv 文件，只输出 html|pdf|svg|txt|md|json\n",
    )
    result = runner.invoke(app, ["report", f"{profile}#5", "--lang", "zh", "-f", "md"])
    assert (result.exit_code, result.stderr) == (
        2,
        f"{profile}: error: 没有第 5 份档案：文件里只有 1 份\n",
    )


def test_every_translation_keeps_the_words_tools_parse() -> None:
    """error:, warning: and note: stay English in Chinese, as compilers keep them."""
    from babel.messages.pofile import read_po

    from retail_stage import messages

    po = messages.LOCALE_DIR / "zh" / "LC_MESSAGES" / "retail_stage.po"
    with po.open("rb") as source:
        catalog = read_po(source)
    for message in catalog:
        if isinstance(message.id, str) and message.string:
            for word in ("error: ", "warning: ", "note: "):
                assert message.id.count(word) == message.string.count(word), message.id
