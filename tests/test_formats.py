"""Every output format: one formatter per module, each read back with its own parser."""

from __future__ import annotations

import csv
import inspect
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from retail_stage.cli import app
from retail_stage.engine import CompiledRubric
from retail_stage.render.csv import cell, columns
from retail_stage.render.formats import OutputFormat
from retail_stage.render.formatter import Formatter
from retail_stage.render.markdown import escape

from .conftest import DATA, EXAMPLES

runner = CliRunner()
MINI = str(DATA / "mini-rubric.yaml")

# Hand-worked with tests/data/mini-rubric.yaml (see tests/test_engine.py for the arithmetic):
# top scores everything (s2, 2.0, index 2, d1 1.0, d2 0.96); gate-fail scores nothing (b0, 1.0,
# index 0); a-only meets s1 with s2 at 0 (index 1.0, d1 0.5, d2 0).
PORTFOLIO = {
    "top.yaml": "company: {name: Top}\nanswers: {a: yes, b: all, c: 'y', d: 60, e: [p, q], f: yes}\n",
    "none.yaml": "company: {name: None}\nanswers: {a: no}\n",
    "one.yaml": "company: {name: One}\nanswers: {a: yes}\n",
    "zbad.yaml": "company: {name: Bad}\nanswers: {a: 3}\n",
}


def run(*arguments: str) -> tuple[int, str]:
    result = runner.invoke(app, ["score", *arguments])
    return result.exit_code, result.stdout


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    for name, text in PORTFOLIO.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_every_format_has_its_own_formatter_module() -> None:
    for member in OutputFormat:
        cls = member.formatter_class()
        assert issubclass(cls, Formatter)
        assert not inspect.isabstract(cls)
        assert cls.__module__ == f"retail_stage.render.{member.value}"
    assert len({m.formatter_class() for m in OutputFormat}) == len(OutputFormat)


def test_json_jsonl_and_yaml_carry_the_same_records(portfolio: Path) -> None:
    code, text = run(str(portfolio), "-f", "json", "--rubric", MINI)
    assert code == 1
    records = json.loads(text)
    assert [r.get("stage") for r in records] == ["b0", "s1", "s2", None]
    assert records[3] == {
        "source": str(portfolio / "zbad.yaml"),
        "error": f"{portfolio / 'zbad.yaml'}:2:14: error: expected yes or no for 'a', got 3",
        "line": 2,
        "column": 14,
        "message": "expected yes or no for 'a', got 3",
    }
    _, lines = run(str(portfolio), "-f", "jsonl", "--rubric", MINI)
    assert [json.loads(line) for line in lines.splitlines()] == records
    _, listed = run(str(portfolio), "-f", "yaml", "--rubric", MINI)
    assert yaml.safe_load(listed) == records


def test_csv_has_one_row_per_profile_and_reads_back(portfolio: Path, mini: CompiledRubric) -> None:
    _, text = run(str(portfolio), "-f", "csv", "--rubric", MINI)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == columns(mini.rubric)
    assert [r["company_name"] for r in rows] == ["None", "One", "Top", ""]
    top = rows[2]
    assert (top["stage"], top["label"], top["index"], top["coverage"]) == (
        "s2",
        "2.0",
        "2.0",
        "1.0",
    )
    assert (top["attainment_s1"], top["attainment_s2"]) == ("0.95", "1.0")
    assert (top["dimension_d1"], top["dimension_d2"], top["error"]) == ("1.0", "0.96", "")
    assert rows[3]["error"].endswith("error: expected yes or no for 'a', got 3")
    assert rows[3]["stage"] == ""


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_never_start_a_formula(tmp_path: Path, start: str) -> None:
    name = f'{start}HYPERLINK("http://x")'
    (tmp_path / "p.json").write_text(json.dumps({"company": {"name": name, "sector": "ok"}}))
    _, text = run(str(tmp_path), "-f", "csv", "--rubric", MINI)
    (row,) = csv.DictReader(io.StringIO(text))
    assert (row["company_name"], row["company_sector"]) == ("'" + name, "ok")


def test_csv_cell_guards_tab_and_carriage_return_and_leaves_numbers() -> None:
    # Company fields are stripped of spaces on loading; a cell can still start so elsewhere.
    assert [cell("\t=1"), cell("\r=1"), cell("a=1")] == ["'\t=1", "'\r=1", "a=1"]
    assert (cell(-1.5), cell(None)) == (-1.5, "")


def test_markdown_is_a_table_with_user_text_escaped(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps({"company": {"name": "A | B\nC *bold* <b>x</b>"}}))
    _, text = run(str(tmp_path), "-f", "markdown", "--rubric", MINI)
    header, rule, row = text.splitlines()
    assert header == "| Source | Company | Stage | Label | Index | Coverage | Error |"
    assert rule == "|---|---|---|---|---|---|---|"
    assert row == (
        f"| {escape(str(tmp_path / 'p.json'))} | A \\| B<br>C \\*bold\\* \\<b\\>x\\</b\\> "
        "| Baseline (not certain) | 1.0 (not certain: could be 2.0) | 0.00 | 0% (no answers) |  |"
    )
    assert escape("a\r\nb\rc\x1b") == "a<br>b<br>c\\x1b"


def test_markdown_shows_failures_in_the_error_column(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("company: {name: X}\nanswers: {zz: 1}\n")
    _, text = run(str(tmp_path), "-f", "markdown", "--rubric", MINI)
    row = text.splitlines()[2]
    assert row.startswith(f"| {escape(str(tmp_path / 'p.yaml'))} |  |  |  |  |  | ")
    assert "unknown indicator 'zz'" in row


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (OutputFormat.JSON, "[]\n"),
        (OutputFormat.JSONL, ""),
        (OutputFormat.YAML, "[]\n"),
        (
            OutputFormat.MARKDOWN,
            "| Source | Company | Stage | Label | Index | Coverage | Error |\n"
            "|---|---|---|---|---|---|---|\n",
        ),
    ],
)
def test_an_empty_batch_is_still_valid_output(
    mini: CompiledRubric, fmt: OutputFormat, expected: str
) -> None:
    stream = io.StringIO()
    fmt.formatter(stream, mini.rubric).close()
    assert stream.getvalue() == expected


def test_an_empty_csv_is_its_header(mini: CompiledRubric) -> None:
    stream = io.StringIO()
    OutputFormat.CSV.formatter(stream, mini.rubric).close()
    assert stream.getvalue() == ",".join(columns(mini.rubric)) + "\n"


EXPECTED_SUMMARY = {
    "rubric": {"id": "mini", "version": "2"},
    "profiles": 3,
    "invalid": 1,
    "unanswered": 0,
    "stages": [
        {"stage": "b0", "label": "1.0", "count": 1, "share": 0.3333},
        {"stage": "b0", "label": "2.0", "count": 0, "share": 0.0},
        {"stage": "s1", "label": "1.0", "count": 1, "share": 0.3333},
        {"stage": "s1", "label": "2.0", "count": 0, "share": 0.0},
        {"stage": "s2", "label": "1.0", "count": 0, "share": 0.0},
        {"stage": "s2", "label": "2.0", "count": 1, "share": 0.3333},
    ],
    "index": {"min": 0.0, "q1": 0.5, "median": 1.0, "q3": 1.5, "max": 2.0},
    "dimensions": {"d1": 0.5, "d2": 0.32},
    "weakest_dimension": "d2",
}


def _counts(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary's counts (its distributions and ranked list are tests/test_portfolio.py's)."""
    return {key: summary[key] for key in EXPECTED_SUMMARY}


def test_summary_as_json_and_yaml(portfolio: Path) -> None:
    code, text = run(str(portfolio), "--summary", "-f", "json", "--rubric", MINI)
    assert code == 1
    assert _counts(json.loads(text)) == EXPECTED_SUMMARY
    _, text = run(str(portfolio), "--summary", "-f", "yaml", "--rubric", MINI)
    assert _counts(yaml.safe_load(text)) == EXPECTED_SUMMARY
    _, text = run(str(portfolio), "--summary", "-f", "jsonl", "--rubric", MINI)
    assert [_counts(json.loads(line)) for line in text.splitlines()] == [EXPECTED_SUMMARY]


def test_summary_as_csv_rows(portfolio: Path) -> None:
    _, text = run(str(portfolio), "--summary", "-f", "csv", "--rubric", MINI)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0] == {"metric": "profiles", "key": "", "label": "", "count": "3", "value": ""}
    assert rows[-1] == {
        "metric": "weakest_dimension",
        "key": "d2",
        "label": "",
        "count": "",
        "value": "",
    }
    assert {"metric": "index", "key": "q3", "label": "", "count": "", "value": "1.5"} in rows
    assert {"metric": "stage", "key": "s2", "label": "2.0", "count": "1", "value": "0.3333"} in rows


def test_summary_as_markdown_and_table(portfolio: Path) -> None:
    _, text = run(str(portfolio), "--summary", "-f", "markdown", "--rubric", MINI)
    assert "**3 profiles, 1 invalid**" in text
    # Stages and dimensions by name: the document is for people (the ids are in JSON and CSV).
    assert "| Stage two | 2\\.0 | 1 | 33\\.3% |" not in text  # digits and dots are not escaped
    assert "| Stage two | 2.0 | 1 | 33.3% |" in text
    assert "| Index | min | lower quartile | median | upper quartile | max |" in text
    assert "|  | 0.00 | 0.50 | 1.00 | 1.50 | 2.00 |" in text
    assert "| Dimension two (weakest) | 0.32 |" in text
    _, table = run(str(portfolio), "--summary", "--rubric", MINI)
    assert "Stage two" in table
    assert "1 (33%)" in table
    assert "Dimension two (weakest)" in table


def test_summary_of_nothing(tmp_path: Path) -> None:
    _, text = run(str(tmp_path / "none*.yaml"), "--summary", "-f", "json", "--rubric", MINI)
    data = json.loads(text)
    assert (data["profiles"], data["index"]["median"], data["weakest_dimension"]) == (0, None, None)
    _, table = run(str(tmp_path / "none*.yaml"), "--summary", "--rubric", MINI)
    assert "0 profiles" in table


def test_summary_of_one_profile_has_equal_quartiles(portfolio: Path) -> None:
    _, text = run(str(portfolio / "top.yaml"), "--summary", "-f", "json", "--rubric", MINI)
    assert json.loads(text)["index"] == dict.fromkeys(("min", "q1", "median", "q3", "max"), 2.0)


def test_table_lists_profiles_and_marks_uncertain_stages() -> None:
    code, text = run(str(EXAMPLES / "03-lotus-lane-grocers.yaml"))
    assert code == 0
    assert "Lotus Lane Grocers" in text


def test_a_jsonl_line_is_what_the_json_module_writes_compactly(bundled: CompiledRubric) -> None:
    from retail_stage.batch import score_paths
    from retail_stage.render.jsonl import line

    results = list(score_paths(bundled, [str(EXAMPLES)]))
    assert len(results) == 12
    for result in results:
        data = result.to_dict()
        assert line(data) == json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"id": 10**30}, '{"id":1000000000000000000000000000000}'),  # beyond 64 bits
        ({1: "a"}, '{"1":"a"}'),  # a key that is not text
        ({"a": "\ud800"}, '{"a":"\\ud800"}'),  # half a surrogate pair
        ({"a": "x\u2028y\x85"}, '{"a":"x\\u2028y\\u0085"}'),  # line ends other readers see
        ({"a": "é店"}, '{"a":"é店"}'),
    ],
)
def test_a_jsonl_line_writes_what_orjson_cannot(data: dict[object, str], expected: str) -> None:
    from retail_stage.render.jsonl import line

    assert line(data) == expected + "\n"


def test_a_label_the_unknown_answers_could_change_says_so_in_every_human_format(
    tmp_path: Path,
) -> None:
    half = tmp_path / "half.yaml"  # supply (b, d, f) unknown but b: the label could be 2.0
    half.write_text("company: {name: Half}\nanswers: {a: yes, b: none}\n")
    known = str(EXAMPLES / "02-brandt-haushaltswaren.yaml")  # every answer given
    _, table = run(str(half), "--rubric", MINI, "-f", "table")
    assert [line.split("│")[3].strip() for line in table.splitlines() if "│" in line] == [
        "1.0",
        "or 2.0",
    ]
    _, markdown = run(str(half), "--rubric", MINI, "-f", "markdown")
    assert "| 1.0 (not certain: could be 2.0) |" in markdown
    _, record = run(str(half), "--rubric", MINI, "-f", "jsonl")
    assert json.loads(record)["label_range"] == {"low": "1.0", "high": "2.0", "certain": False}
    report = runner.invoke(app, ["report", str(half), "--rubric", MINI, "-f", "md"]).stdout
    assert (
        "> **⚠ Label not certain**: 1\\.0 with the unknown answers at their lowest, 2.0 at their "
        "highest; answering them settles it." in report
    )
    terminal = runner.invoke(app, ["report", str(half), "--rubric", MINI, "-f", "txt"]).stdout
    assert "⚠ Label not certain: 1.0 with the unknown answers at their lowest" in terminal
    for fmt in ("table", "markdown"):
        assert "not certain" not in run(known, "-f", fmt)[1]
    assert "Label not certain" not in runner.invoke(app, ["report", known, "-f", "md"]).stdout
