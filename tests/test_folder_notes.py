"""Folders hold more than profiles: a rubric, JSON Schemas, earlier results are skipped with one
note each; a profile with no answers is scored, warned about and marked in every format; what a
batch says to people (table, Markdown, summary, notes) speaks the rubric's language."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retail_stage.batch import score_paths
from retail_stage.cli import app
from retail_stage.engine import CompiledRubric, Result
from retail_stage.loading import Failure, load_rubric
from retail_stage.render.markdown import escape

from .conftest import DATA, EXAMPLES, ROOT

runner = CliRunner()
MINI = str(DATA / "mini-rubric.yaml")
RUBRIC = ROOT / "rubrics" / "retail-stages.yaml"
RUBRIC_NOTE = (
    "note: not read as a profile: it is a rubric (its top-level keys include baseline, "
    "stages, dimensions, label, indicators); to score with it, give it as --rubric"
)
SCHEMA_NOTE = "note: not read as a profile: it is a JSON Schema"
NO_ANSWERS = (
    "warning: no answers: every question is unanswered (a template not filled in?); "
    "scored as it stands, at coverage 0%"
)
# The examples as `score examples/profiles` places them (README's table).
EXAMPLE_VERDICTS = [
    ("Mama Wanjiru's Duka", "single_channel", "1.0"),
    ("Brandt Haushaltswaren GmbH", "multi_channel", "1.0"),
    ("Lotus Lane Grocers", "omni_channel", "1.0"),
    ("Nimbus Home Electronics", "smart_retail", "2.0"),
    ("Casa Ferro Móveis", "multi_channel", "2.0"),
    ("Belle Aurore Cosmétiques", "multi_channel", "1.0"),
    ("Marigold & Sons Department Stores", "multi_channel", "1.0"),
    ("QuickStop Mart", "omni_channel", "1.0"),
    ("Ventura Apparel Co.", "omni_channel", "2.0"),
    ("Pixelcart", "omni_channel", "1.0"),
    ("Hanami Beauty", "smart_retail", "2.0"),
    ("Tienda Sol", "single_channel", "1.0"),
]
COUNTS = (
    "(Single-channel retail 1.0: 2, Multi-channel retail 1.0: 3, Multi-channel retail 2.0: 1, "
    "Omni-channel retail 1.0: 3, Omni-channel retail 2.0: 1, Smart retail 2.0: 2)"
)


def score(*arguments: str) -> tuple[int, str, list[str]]:
    """Exit code, stdout and stderr lines of `score`."""
    result = runner.invoke(app, ["score", *arguments])
    return result.exit_code, result.stdout, result.stderr.splitlines()


def timeless(line: str) -> str:
    """The summary line without its time, which varies."""
    return re.sub(r"用时 \d+\.\d\d 秒", "用时 Ts", re.sub(r" in \d+\.\d\ds", " in Ts", line))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the example profiles."""
    return Path(shutil.copytree(EXAMPLES, tmp_path / "profiles"))


def verdicts(stdout: str) -> list[tuple[str, str, str]]:
    records = [json.loads(line) for line in stdout.splitlines()]
    return [(r["company"]["name"], r["stage"], r["label"]) for r in records]


# --- files that are not profiles ------------------------------------------------------------


def test_a_rubric_in_a_folder_is_skipped_with_one_note_and_the_profiles_scored(
    folder: Path,
) -> None:
    shutil.copy(RUBRIC, folder / "retail-stages.yaml")
    code, stdout, stderr = score(str(folder), "-f", "jsonl")
    assert code == 0
    assert verdicts(stdout) == EXAMPLE_VERDICTS
    assert [timeless(line) for line in stderr] == [
        f"{folder / 'retail-stages.yaml'}: {RUBRIC_NOTE}",
        f"12 profiles scored, 0 invalid, 1 file skipped (not a profile) in Ts {COUNTS}",
    ]
    # The same records as the folder without the rubric gives, source for source.
    _, alone, _ = score(str(EXAMPLES), "-f", "jsonl")
    assert stdout.replace(str(folder), str(EXAMPLES)) == alone


def test_a_rubric_is_told_by_its_keys_not_by_its_name(folder: Path) -> None:
    shutil.copy(RUBRIC, folder / "zz-answers.yml")
    code, stdout, stderr = score(str(folder / "*.yml"), str(folder), "-f", "jsonl")
    assert code == 0
    assert len(stdout.splitlines()) == 12
    assert stderr[:2] == [f"{folder / 'zz-answers.yml'}: {RUBRIC_NOTE}"] * 2  # glob, then folder


def test_a_rubric_named_as_a_profile_is_one_error_line(folder: Path) -> None:
    shutil.copy(RUBRIC, folder / "retail-stages.yaml")
    code, stdout, stderr = score(str(folder / "retail-stages.yaml"), "-f", "jsonl")
    assert code == 1
    error = (
        f"{folder / 'retail-stages.yaml'}: error: not a profile: it is a rubric (its top-level "
        "keys include baseline, stages, dimensions, label, indicators); to score with it, give "
        "it as --rubric"
    )
    assert json.loads(stdout)["error"] == error
    assert [timeless(line) for line in stderr] == [error, "0 profiles scored, 1 invalid in Ts"]


def test_schemas_and_earlier_results_beside_profiles_are_skipped(folder: Path) -> None:
    for schema in sorted((ROOT / "schemas").glob("*.schema.json")):
        shutil.copy(schema, folder / schema.name)
    _, results, _ = score(str(EXAMPLES / "01-mama-wanjiru-duka.yaml"), "-f", "json")
    (folder / "old-results.json").write_text(results)
    _, records, _ = score(str(EXAMPLES / "01-mama-wanjiru-duka.yaml"), "-f", "yaml")
    (folder / "old-results.yaml").write_text(records)
    _, summary, _ = score(str(EXAMPLES), "--summary", "-f", "json")
    (folder / "portfolio.json").write_text(summary)
    code, stdout, stderr = score(str(folder), "-f", "jsonl")
    assert code == 0
    assert verdicts(stdout) == EXAMPLE_VERDICTS
    results_note = "note: not read as a profile: it holds results of retail-stage score"
    assert [timeless(line) for line in stderr] == [
        f"{folder / 'old-results.json'}: {results_note}",
        f"{folder / 'old-results.yaml'}: {results_note}",
        f"{folder / 'portfolio.json'}: {results_note}",
        f"{folder / 'profile.schema.json'}: {SCHEMA_NOTE}",
        f"{folder / 'result.schema.json'}: {SCHEMA_NOTE}",
        f"{folder / 'rubric.schema.json'}: {SCHEMA_NOTE}",
        f"{folder / 'summary.schema.json'}: {SCHEMA_NOTE}",
        f"12 profiles scored, 0 invalid, 7 files skipped (not profiles) in Ts {COUNTS}",
    ]


def test_a_broken_profile_with_rubric_words_is_still_judged_as_a_profile(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("company: {name: X}\nstages: [one]\nindicators: []\n")
    code, _, stderr = score(str(tmp_path), "--rubric", MINI, "-f", "jsonl")
    assert code == 1
    assert stderr[:2] == [
        f"{tmp_path / 'p.yaml'}:2:1: error: unexpected key 'stages' in document",
        f"{tmp_path / 'p.yaml'}:3:1: error: unexpected key 'indicators' in document",
    ]


def test_a_skipped_file_leaves_the_summary_and_the_table_alone(folder: Path) -> None:
    shutil.copy(RUBRIC, folder / "retail-stages.yaml")
    _, with_rubric, _ = score(str(folder), "--summary", "-f", "json")
    _, without, _ = score(str(EXAMPLES), "--summary", "-f", "json")
    assert json.loads(with_rubric) == json.loads(without)
    assert json.loads(with_rubric)["invalid"] == 0
    _, table, _ = score(str(folder), "-f", "csv")
    assert len(table.splitlines()) == 13  # the header and the twelve profiles


# --- a profile without answers ---------------------------------------------------------------

BLANK = "company: {name: Blank}\nanswers: {a: unknown, b: null}\n"
ANSWERED = "company: {name: Done}\nanswers: {a: yes}\n"


@pytest.fixture
def blank(tmp_path: Path) -> Path:
    (tmp_path / "1-done.yaml").write_text(ANSWERED)
    (tmp_path / "2-blank.yaml").write_text(BLANK)
    (tmp_path / "3-nothing.json").write_text('{"company": {"name": "Nothing"}}')
    return tmp_path


def test_a_profile_without_answers_is_scored_and_warned_about(blank: Path) -> None:
    code, stdout, stderr = score(str(blank), "--rubric", MINI, "-f", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in stdout.splitlines()]
    assert [(r["company"]["name"], r["stage"], r["coverage"]) for r in records] == [
        ("Done", "s1", 0.2222),
        ("Blank", "b0", 0.0),
        ("Nothing", "b0", 0.0),
    ]
    assert [r["warnings"] for r in records] == [
        [],
        [f"{blank / '2-blank.yaml'}:2:1: {NO_ANSWERS}"],
        [f"{blank / '3-nothing.json'}:1:1: {NO_ANSWERS}"],
    ]
    assert [timeless(line) for line in stderr] == [
        f"{blank / '2-blank.yaml'}:2:1: {NO_ANSWERS}",
        f"{blank / '3-nothing.json'}:1:1: {NO_ANSWERS}",
        "3 profiles scored, 2 of them without answers, 0 invalid in Ts (Baseline 1.0: 2, Stage one 1.0: 1)",
    ]


def test_an_na_answer_is_an_answer(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("company: {name: NA}\nanswers: {c: n/a}\n")
    code, stdout, stderr = score(str(tmp_path), "--rubric", MINI, "-f", "jsonl")
    assert code == 0
    assert json.loads(stdout)["warnings"] == []
    assert len(stderr) == 1


def test_a_profile_without_answers_is_marked_in_csv_table_and_markdown(blank: Path) -> None:
    _, text, _ = score(str(blank), "--rubric", MINI, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[-2:] == ["error", "warnings"]
    assert [(r["company_name"], r["coverage"], r["warnings"]) for r in rows] == [
        ("Done", "0.2222", ""),
        ("Blank", "0.0", f"{blank / '2-blank.yaml'}:2:1: {NO_ANSWERS}"),
        ("Nothing", "0.0", f"{blank / '3-nothing.json'}:1:1: {NO_ANSWERS}"),
    ]
    _, table, _ = score(str(blank), "--rubric", MINI)
    assert table.count("no answers") == 2
    _, markdown, _ = score(str(blank), "--rubric", MINI, "-f", "markdown")
    assert markdown.count("| 0% (no answers) |") == 2
    assert "| 22% |" in markdown


def test_the_summary_counts_profiles_without_answers(blank: Path) -> None:
    _, text, _ = score(str(blank), "--rubric", MINI, "--summary", "-f", "json")
    summary = json.loads(text)
    assert (summary["profiles"], summary["invalid"], summary["unanswered"]) == (3, 0, 2)
    _, text, _ = score(str(blank), "--rubric", MINI, "--summary", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[:3] == [
        {"metric": "profiles", "key": "", "label": "", "count": "3", "value": ""},
        {"metric": "invalid", "key": "", "label": "", "count": "0", "value": ""},
        {"metric": "unanswered", "key": "", "label": "", "count": "2", "value": ""},
    ]
    _, text, _ = score(str(blank), "--rubric", MINI, "--summary", "-f", "markdown")
    assert text.startswith("**3 profiles (2 without answers), 0 invalid**\n")
    _, table, _ = score(str(blank), "--rubric", MINI, "--summary")
    assert "3 profiles (2 without answers), 0 invalid" in " ".join(table.split())


def test_an_untouched_template_is_warned_about(tmp_path: Path) -> None:
    template = runner.invoke(app, ["template"]).stdout
    (tmp_path / "blank.yaml").write_text(template)
    code, stdout, stderr = score(str(tmp_path), "-f", "jsonl")
    assert code == 0
    (record,) = [json.loads(line) for line in stdout.splitlines()]
    assert (record["coverage"], len(record["warnings"])) == (0.0, 1)
    line = template.splitlines().index("answers:") + 1  # the warning points at the key
    assert record["warnings"][0] == f"{tmp_path / 'blank.yaml'}:{line}:1: {NO_ANSWERS}"
    assert stderr[0] == record["warnings"][0]


def test_workers_warn_as_one_process_does(blank: Path) -> None:
    for n in range(20):
        (blank / f"4-more-{n:02}.yaml").write_text(ANSWERED)
    one = runner.invoke(app, ["score", "--rubric", MINI, str(blank), "-f", "csv", "-w", "1"])
    two = runner.invoke(app, ["score", "--rubric", MINI, str(blank), "-f", "csv", "-w", "2"])
    assert one.stdout == two.stdout
    assert one.stderr.splitlines()[:-1] == two.stderr.splitlines()[:-1]
    assert one.stderr.count("no answers") == 2


# --- what a batch says to people, in Chinese -------------------------------------------------

ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def _own_words() -> set[str]:
    """Latin words that are not the tool's English: the companies' names, the rubric's id and
    the Latin words the Chinese rubric itself uses (its titles hold none, but the check is the
    one tests/test_messages.py makes)."""
    rubric = load_rubric(None, "zh")
    texts = [rubric.title, rubric.id, *(d.name for d in rubric.dimensions)]
    texts += [s.name for s in rubric.stages] + [rubric.baseline.name]
    for path in sorted(EXAMPLES.glob("*.yaml")):
        texts += re.findall(r"^\s*name: (.+)$", path.read_text(encoding="utf-8"), re.M)
    return {word for text in texts for word in ENGLISH_WORD.findall(text)} | {"retail-stages"}


def english(text: str) -> list[str]:
    own = _own_words()
    return sorted({word for word in ENGLISH_WORD.findall(text) if word not in own})


def zh(*arguments: str) -> tuple[int, str, list[str]]:
    result = runner.invoke(app, ["score", "--lang", "zh", *arguments], env={"COLUMNS": "100"})
    return result.exit_code, result.stdout, result.stderr.splitlines()


def test_the_chinese_table_has_chinese_headers_and_no_english_words() -> None:
    code, table, _ = zh(str(EXAMPLES), "-f", "table")
    assert code == 0
    header = next(line for line in table.splitlines() if "企业" in line)
    cells = [cell.strip() for cell in header.split("┃")[1:-1]]
    assert cells == ["企业", "阶段", "标签", "指数", "覆盖率"]
    assert "零售数字化阶段（评估模型 retail-stages 1.1）" in table
    assert "尚不确定：最高可能到全渠道零售" in "".join(
        cell.strip() for line in table.splitlines() for cell in line.split("│")
    )
    assert english(table) == []


def test_the_chinese_summary_has_chinese_headers_and_no_english_words() -> None:
    code, table, _ = zh(str(EXAMPLES), "--summary")
    assert code == 0
    flat = "".join(table.split())
    for heading in (
        "阶段",
        "合计",
        "最低",
        "下四分位",
        "中位数",
        "上四分位",
        "最高",
        "维度",
        "平均",
    ):
        assert heading in flat, heading
    assert "：12份档案，0份无效" in flat
    assert "数据与决策（最薄弱）" in flat
    assert english(table) == []
    _, markdown, _ = zh(str(EXAMPLES), "--summary", "-f", "markdown")
    assert markdown.startswith("**12 份档案，0 份无效**\n\n| 阶段 | 标签 | 家数 | 占比 |\n")
    assert "| 指数 | 最低 | 下四分位 | 中位数 | 上四分位 | 最高 |" in markdown
    assert english(markdown) == []


def test_the_chinese_markdown_table_has_chinese_headers_and_no_english_words() -> None:
    _, markdown, _ = zh(str(EXAMPLES), "-f", "markdown")
    assert markdown.startswith("| 来源 | 企业 | 阶段 | 标签 | 指数 | 覆盖率 | 错误 |\n")
    assert "| 多渠道零售（尚不确定） | 1.0（尚不确定：也可能是 2.0） |" in markdown
    # The sources are file names, shown as the table escapes them (an sdist's folder has "_").
    paths = [escape(str(p)) for p in sorted(EXAMPLES.glob("*.yaml"))]
    assert english(re.sub("|".join(map(re.escape, paths)), "", markdown)) == []


def test_chinese_notes_warnings_and_counts(folder: Path) -> None:
    shutil.copy(RUBRIC, folder / "retail-stages.yaml")
    (folder / "zz-blank.yaml").write_text("company: {name: Blank}\n")
    code, stdout, stderr = zh(str(folder), "-f", "csv", "-w", "2")
    assert code == 0
    assert [timeless(line) for line in stderr] == [
        f"{folder / 'retail-stages.yaml'}: note: 未作为企业档案读取：这是一份评估模型（顶层键含 "
        "baseline, stages, dimensions, label, indicators）；如要用它评分，请通过 --rubric 指定",
        f"{folder / 'zz-blank.yaml'}:1:1: warning: 没有任何回答：所有问题都还没有作答（是不是还没"
        "填写的模板？）；已按现状评分，覆盖率为 0%",
        "已评分 13 份档案，其中 1 份没有回答，0 份无效，跳过 1 个非档案文件，用时 Ts "
        "(单渠道零售 1.0: 3, 多渠道零售 1.0: 3, 多渠道零售 2.0: 1, 全渠道零售 1.0: 3, 全渠道零售 2.0: 1, "
        "智慧零售 2.0: 2)",
    ]
    # The CSV keeps its columns and ids; the warning, a sentence for people, is in Chinese.
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert rows[-1]["stage"] == "single_channel"
    assert rows[-1]["warnings"] == stderr[1]


def test_the_library_leaves_a_found_rubric_out_and_refuses_a_named_one(
    folder: Path, bundled: CompiledRubric
) -> None:
    shutil.copy(RUBRIC, folder / "retail-stages.yaml")
    records = list(score_paths(bundled, [str(folder)]))
    assert [(r.company["name"], r.stage, r.label) for r in records if isinstance(r, Result)] == (
        EXAMPLE_VERDICTS
    )
    assert len(records) == 12
    (failure,) = score_paths(bundled, [str(folder / "retail-stages.yaml")])
    assert isinstance(failure, Failure)
    assert failure.message.startswith(
        f"{folder / 'retail-stages.yaml'}: error: not a profile: it is a rubric"
    )


@pytest.mark.parametrize("workers", ["1", "2"])
def test_earlier_jsonl_results_in_a_folder_are_skipped_whole(folder: Path, workers: str) -> None:
    _, results, _ = score(str(EXAMPLES), "-f", "jsonl")
    (folder / "results.jsonl").write_text(results)
    (folder / "more.jsonl").write_text('{"company": {"name": "More"}, "answers": {}}\n')
    code, stdout, stderr = score(str(folder), "-f", "jsonl", "-w", workers)
    assert code == 0
    assert verdicts(stdout) == [*EXAMPLE_VERDICTS, ("More", "single_channel", "1.0")]
    assert [timeless(line) for line in stderr[:2]] == [
        f"{folder / 'more.jsonl'}:1:31: {NO_ANSWERS}",  # at the key answers
        f"{folder / 'results.jsonl'}: note: not read as a profile: it holds results of "
        "retail-stage score or report",
    ]
    assert timeless(stderr[2]).startswith(
        "13 profiles scored, 1 of them without answers, 0 invalid, 1 file skipped (not a "
        "profile) in Ts"
    )
    # Named, the same file is read line by line, and each line is refused as a profile.
    code, _, stderr = score(str(folder / "results.jsonl"), "-f", "jsonl")
    assert code == 1
    assert len(stderr) > 12
