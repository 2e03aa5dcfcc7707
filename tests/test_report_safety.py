"""Every user string appears literally in every report format and cannot act on its reader.

The company name, a note and the rubric's own text (stage, dimension, question, option label)
all carry rich markup, ANSI and OSC escapes (a terminal hyperlink), HTML and Markdown table
breakers; each format must show them as text.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

from retail_stage import load_rubric, score
from retail_stage.cli import app
from retail_stage.compare import compare
from retail_stage.engine import Result
from retail_stage.render.report import print_report, render_report
from retail_stage.render.report_compare import (
    comparison_json,
    comparison_markdown,
    print_comparison,
)
from retail_stage.render.report_data import build_report
from retail_stage.render.report_formats import ReportFormat
from retail_stage.render.report_markdown import md
from retail_stage.rubric import Rubric

from .conftest import DATA

EVIL = (
    "[bold red]X[/] <script>alert(1)</script> | cell\nnext \x1b[31mRED "
    "\x1b]8;;http://e.example/\x1b\\LINK\x1b]8;;\x1b\\ `tick` *star* \u202eRTL"
)
"""What a hostile or careless user might type."""

SHOWN = "[bold red]X[/]"
ESCAPES = ("\x1b", "\u202e", "\x07")


@pytest.fixture(scope="module")
def evil_rubric(tmp_path_factory: pytest.TempPathFactory) -> Rubric:
    data = yaml.safe_load((DATA / "mini-rubric.yaml").read_text())
    data["title"] = f"Title {EVIL}"
    data["stages"][0]["name"] = f"Stage {EVIL}"
    data["stages"][0]["description"] = f"Means {EVIL}"
    data["dimensions"][0]["name"] = f"Dim {EVIL}"
    data["indicators"][1]["question"] = f"Question {EVIL}"
    data["indicators"][1]["source"] = f"Source {EVIL}"
    data["indicators"][1]["answer"]["levels"][1]["label"] = f"Level {EVIL}"
    path = tmp_path_factory.mktemp("evil") / "rubric.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return load_rubric(path)


@pytest.fixture(scope="module")
def evil(evil_rubric: Rubric) -> Result:
    profile = {
        "company": {"name": f"Co {EVIL}", "id": f"id {EVIL}"},
        "answers": {
            "a": {"value": "yes", "note": f"Note {EVIL}"},
            "b": {"value": "some", "note": f"Note2 {EVIL}"},
        },
    }
    return score(evil_rubric, profile)


def assert_no_escapes(text: str) -> None:
    for raw in ESCAPES:
        assert raw not in text, f"raw {raw!r} in output"


def test_terminal_shows_markup_and_escapes_as_text(evil: Result, evil_rubric: Rubric) -> None:
    stream = io.StringIO()
    console = Console(file=stream, width=400, force_terminal=True, color_system="truecolor")
    print_report(build_report(evil, evil_rubric), console)
    out = stream.getvalue()
    # The report's own colours are ANSI; what the user wrote must not add any.
    assert "\x1b]8" not in out
    assert "\x1b[31mRED" not in out
    assert "\u202e" not in out
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert plain.count(f"{SHOWN} <script>alert(1)</script> | cell") >= 5
    assert r"\x1b[31mRED \x1b]8;;http://e.example/\x1b\LINK\x1b]8;;\x1b\ `tick`" in plain
    assert r"\u202eRTL" in plain


def test_text_export(evil: Result, evil_rubric: Rubric) -> None:
    out = render_report(evil, evil_rubric, ReportFormat.TXT)
    assert_no_escapes(out)
    assert "Co [bold red]X[/] <script>alert(1)</script> | cell" in out
    assert r"next \x1b[31mRED" in out


def test_html_export(evil: Result, evil_rubric: Rubric) -> None:
    out = render_report(evil, evil_rubric, ReportFormat.HTML)
    assert_no_escapes(out)
    assert "<script" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert SHOWN in out
    start = out.index('class="radar"')
    radar = out[start : out.index("</svg>", start)]
    assert "alert(1)&lt;/script&gt;" in radar
    assert "[bold" in radar
    assert "<title>Dimensions of Co [bold red]X[/] &lt;script&gt;" in radar


def test_svg_export(evil: Result, evil_rubric: Rubric) -> None:
    out = render_report(evil, evil_rubric, ReportFormat.SVG)
    assert_no_escapes(out)
    assert "<script" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert SHOWN.replace(" ", "&#160;") in out  # rich's SVG keeps spaces as no-break spaces


def _cells(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_export_keeps_tables_whole(evil: Result, evil_rubric: Rubric) -> None:
    out = render_report(evil, evil_rubric, ReportFormat.MD)
    assert_no_escapes(out)
    assert "<script" not in out
    assert r"\[bold red\]X\[/\] &lt;script&gt;alert(1)&lt;/script&gt; \| cell<br>next" in out
    # Every row of a table has as many unescaped pipes as its header.
    header = None
    for line in out.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        if header is None:
            header = _cells(line)
        assert _cells(line) == header, line


def test_json_export_round_trips_the_exact_strings(evil: Result, evil_rubric: Rubric) -> None:
    out = render_report(evil, evil_rubric, ReportFormat.JSON)
    assert_no_escapes(out)
    data = json.loads(out)
    assert data["company"]["name"] == f"Co {EVIL}"
    notes = [e["note"] for e in data["report"]["evidence"] if e["note"]]
    assert notes == [f"Note {EVIL}", f"Note2 {EVIL}"]
    assert data["report"]["evidence"][1]["answer_text"] == f"Level {EVIL}"


def test_compare_in_every_format(evil: Result, evil_rubric: Rubric) -> None:
    later = score(
        evil_rubric,
        {"company": {"name": f"Other {EVIL}"}, "answers": {"a": "yes", "b": "all"}},
    )
    comparison = compare(evil, later, evil_rubric)
    assert comparison.warnings[0].startswith("company names differ")
    stream = io.StringIO()
    console = Console(file=stream, width=400, force_terminal=True, color_system="truecolor")
    print_comparison(comparison, evil_rubric, console)
    terminal = stream.getvalue()
    assert "\x1b]8" not in terminal
    assert "\x1b[31mRED" not in terminal
    assert SHOWN in terminal
    markdown = comparison_markdown(comparison, evil_rubric)
    assert_no_escapes(markdown)
    assert "<script" not in markdown
    assert r"\[bold red\]X\[/\]" in markdown
    data = comparison_json(comparison, evil_rubric)
    assert_no_escapes(data)
    assert json.loads(data)["new"]["company"]["name"] == f"Other {EVIL}"


def test_report_command_output_carries_no_escape(tmp_path: Path) -> None:
    profile = tmp_path / "evil.json"
    profile.write_text(json.dumps({"company": {"name": EVIL}, "answers": {}}))
    result = CliRunner().invoke(
        app, ["report", str(profile), "--rubric", str(DATA / "mini-rubric.yaml")]
    )
    assert result.exit_code == 0
    assert_no_escapes(result.stdout)
    assert SHOWN in result.stdout


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("# heading", r"\# heading"),
        ("- item", r"\- item"),
        ("12. item", r"12\. item"),
        ("3) item", r"3\) item"),
        ("2026-10-14 a-b (c)", "2026-10-14 a-b (c)"),
        ("[x](y) ![i](u)", r"\[x\](y) !\[i\](u)"),
        ("<b>&amp;", "&lt;b&gt;&amp;amp;"),
        ("a | b\r\nc", r"a \| b<br>c"),
        ("$x$ ~~s~~ *e* _u_ `c`", r"\$x\$ \~\~s\~\~ \*e\* \_u\_ \`c\`"),
        ("\x1b[31m\u202e", r"\\x1b\[31m\\u202e"),  # shown as \x1b[31m\u202e
    ],
)
def test_markdown_escape(text: str, shown: str) -> None:
    assert md(text) == shown
