"""The report in Chinese: the rubric's texts in every format, wide characters measured right."""

from __future__ import annotations

import io
import json

import pytest
from rich.cells import cell_len
from rich.console import Console

from retail_stage.batch import score_paths
from retail_stage.engine import Result, compile_rubric
from retail_stage.loading import load_rubric
from retail_stage.render.report import print_report, render_report
from retail_stage.render.report_data import build_report
from retail_stage.render.report_formats import ReportFormat

from .conftest import EXAMPLES

RUBRIC = load_rubric(None, "zh")
COMPILED = compile_rubric(RUBRIC)


def lotus() -> Result:
    (result,) = score_paths(COMPILED, [str(EXAMPLES / "03-lotus-lane-grocers.yaml")])
    assert isinstance(result, Result)
    return result


@pytest.mark.parametrize("width", [80, 120])
def test_terminal_report_in_chinese_fits_the_width(width: int) -> None:
    out = io.StringIO()
    print_report(build_report(lotus(), RUBRIC), Console(file=out, width=width, color_system=None))
    lines = out.getvalue().splitlines()
    assert "全渠道零售" in out.getvalue()
    assert max(cell_len(line) for line in lines) <= width
    # Box-drawn panels close on the same column whatever mix of wide characters a line holds.
    boxed = [line for line in lines if line.startswith("│")]
    assert boxed
    assert {cell_len(line) for line in boxed} == {width}


@pytest.mark.parametrize(
    "fmt", [ReportFormat.HTML, ReportFormat.SVG, ReportFormat.TXT, ReportFormat.MD]
)
def test_every_report_format_carries_the_chinese_texts(fmt: ReportFormat) -> None:
    text = render_report(lotus(), RUBRIC, fmt)
    for phrase in ("全渠道零售", "供应链与生产"):
        assert phrase in text, (fmt, phrase)


def test_json_report_keeps_the_ids_and_gives_chinese_names() -> None:
    data = json.loads(render_report(lotus(), RUBRIC, ReportFormat.JSON))
    assert (data["stage"], data["stage_name"]) == ("omni_channel", "全渠道零售")


def test_the_chinese_svg_gives_each_text_run_the_width_of_its_cells() -> None:
    import html
    import re

    svg = render_report(lotus(), RUBRIC, ReportFormat.SVG)
    runs = re.findall(r'<text [^>]*?textLength="([0-9.]+)"[^>]*>([^<]*)</text>', svg)
    wide = [
        (float(length), html.unescape(text))
        for length, text in runs
        if cell_len(text) > len(html.unescape(text))
    ]
    assert len(wide) > 100
    # 12.2 units a cell: rich's cell height 20 times the aspect 0.61 of the fonts it names.
    assert [
        (length, text) for length, text in wide if abs(length - 12.2 * cell_len(text)) > 0.01
    ] == []
