"""The HTML report as a document, and its PDF: sections in order, numbers, escaping, pages."""

from __future__ import annotations

import io
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retail_stage import load_rubric, score
from retail_stage.cli import app
from retail_stage.messages import use
from retail_stage.render.charts import focus_svg, ladder_svg
from retail_stage.render.report import render_report
from retail_stage.render.report_data import build_report
from retail_stage.render.report_formats import ReportFormat
from retail_stage.render.report_html import css_string, report_html
from retail_stage.render.report_pdf import report_pdf

from .conftest import EXAMPLES
from .test_report import example

RUBRIC = load_rubric()


def lotus_html(**options: bool) -> str:
    return report_html(build_report(example("03-lotus-lane-grocers"), RUBRIC), **options)


class Outline(HTMLParser):
    """The ids of the sections and every text run, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.texts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "h2":
            self.sections.append(dict(attrs).get("id") or "")

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append(data.strip())


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def test_the_sections_come_in_the_order_a_manager_reads_them() -> None:
    assert outline(lotus_html()).sections == [
        "verdict",
        "ladder",
        "label",
        "dimensions",
        "next",
        "evidence",
    ]


def test_a_document_not_a_terminal_recording_and_it_opens_offline() -> None:
    html = lotus_html()
    tags = set(outline(html).tags)
    assert {"header", "main", "section", "h1", "table", "details", "svg", "footer"} <= tags
    assert "pre" not in tags
    assert re.findall(r"\b(?:src|href)=", html) == []  # nothing fetched, nothing linked
    assert "@font-face" not in html
    assert html == lotus_html()  # the same report, the same bytes


def test_the_verdict_and_the_ladder_give_their_numbers_in_words() -> None:
    texts = outline(lotus_html()).texts
    start = texts.index("Omni-channel retail")
    assert texts[start : start + 3] == ["Omni-channel retail", "1.0 · traffic", "index 2.27 of 3"]
    ladder = texts[texts.index("Stage") : texts.index("Stage") + 20]
    assert ladder[4:] == [
        "Single-channel retail",
        "starting point",
        "Multi-channel retail",
        "96%",
        "70%",
        "✓ met",
        "Omni-channel retail ◀ here",
        "95%",
        "65%",
        "✓ met",
        "Smart retail",
        "27%",
        "60%",
        "✗ gate fails",
        "Smart retail needs this question passed:",
        "What does the company know about consumers' behaviour, and how is it used?",
    ]


def test_each_chart_has_a_title_and_its_numbers_as_text() -> None:
    report = build_report(example("03-lotus-lane-grocers"), RUBRIC)
    ladder = ladder_svg(report)
    assert "<title>Attainment of each stage against its threshold</title>" in ladder
    assert re.findall(r">([^<>]*needed[^<>]*)</text>", ladder) == [
        "Smart retail: 27% of 60% needed · ✗ gate fails",
        "Omni-channel retail: 95% of 65% needed · ✓ met ◀ here",
        "Multi-channel retail: 96% of 70% needed · ✓ met",
    ]
    focus = focus_svg(report.label)
    assert "<title>Traffic and supply focus</title>" in focus
    assert re.findall(r">([^<>]+)</text>", focus) == [
        "Traffic focus: 86%",
        "Supply focus: 25%",
        "2.0 at 45%",
    ]
    # The supply bar is 25% of the 420 units a full bar spans; the threshold line sits at 45%.
    assert '<rect x="8" y="84.0" width="105.3" height="14"' in focus
    assert '<line x1="197.0"' in focus


def test_next_steps_rank_the_improvements_and_mark_the_smallest_set() -> None:
    html = lotus_html()
    improve = html[html.index("<h3>Improve</h3>") : html.index('<section class="evidence"')]
    assert improve.count("in the smallest set") == 4
    assert improve.count('class="badge gate"') == 1
    first = outline(improve).texts
    assert first[2:12] == [
        "What does the company know about consumers' behaviour, and how is it used?",
        "in the smallest set",
        "gate",
        "Now",
        "Purchase history per customer, kept but not acted on",
        "Next up",
        "Used: customer data drives segments or personal offers",
        "+4.0 pts",
        "Best",
        "Real time: individual profiles drive offers and decisions",
    ]


def test_unknowns_to_find_out_come_before_the_improvements() -> None:
    html = report_html(build_report(example("06-belle-aurore-cosmetiques"), RUBRIC))
    find_out, improve = html.index("<h3>Find out first</h3>"), html.index("<h3>Improve</h3>")
    assert find_out < improve
    assert html[find_out:improve].count("<li>") == 2
    assert "13 more answers are unknown; they cannot change the stage or the label." in html


def test_the_evidence_is_folded_on_screen_and_open_for_print() -> None:
    assert lotus_html().count("<details>") == 3
    opened = lotus_html(open_details=True)
    assert (opened.count("<details open>"), opened.count("<details>")) == (3, 0)
    assert 'Multi-channel retail <span class="muted">· 10 indicators</span>' in opened


def test_user_text_cannot_break_out_of_the_document() -> None:
    hostile = '<script>alert(1)</script>"; } </style>\x1b[31m'
    result = score(
        RUBRIC,
        {
            "company": {"name": hostile, "assessed_on": "2026-01-01"},
            "answers": {"mc_two_complete_channels": {"value": "no", "note": hostile}},
        },
    )
    html = render_report(result, RUBRIC, ReportFormat.HTML)
    assert "<script>alert" not in html
    assert "\x1b" not in html
    assert html.count("</style>") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;; } &lt;/style&gt;\\x1b[31m" in html


def test_a_css_string_holds_any_text_and_ends_only_where_it_should() -> None:
    assert css_string('Lotus "Lane"; } </style> · 2026') == (
        '"Lotus \\22 Lane\\22 \\3b  \\7d  \\3c \\2f style\\3e  \\b7  2026"'
    )


def test_chinese_documents_name_their_language_and_the_cjk_fonts() -> None:
    use("zh")
    rubric = load_rubric(None, "zh")
    html = report_html(build_report(score(rubric, {"company": {"name": "示例"}}), rubric))
    assert '<html lang="zh-Hans">' in html
    assert '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"' in html
    assert '<h2 id="verdict">结论</h2>' in html


def test_the_pdf_has_pages_with_the_company_and_its_stage_and_a_running_footer() -> None:
    from pypdf import PdfReader

    data = report_pdf(build_report(example("03-lotus-lane-grocers"), RUBRIC))
    assert data.startswith(b"%PDF-")
    pages = PdfReader(io.BytesIO(data)).pages
    assert 6 <= len(pages) <= 16
    first = " ".join(pages[0].extract_text().split())
    assert "Lotus Lane Grocers" in first
    assert "Omni-channel retail" in first
    last = " ".join(pages[-1].extract_text().split())
    assert f"Lotus Lane Grocers · 2026-10-14 {len(pages)} / {len(pages)}" in last
    # A4 in points.
    box = pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_the_chinese_pdf_embeds_a_cjk_font() -> None:
    from pypdf import PdfReader

    use("zh")
    rubric = load_rubric(None, "zh")
    result = score(rubric, {"company": {"name": "莲花里超市"}})
    reader = PdfReader(io.BytesIO(report_pdf(build_report(result, rubric))))
    fonts = set()
    for page in reader.pages:  # older pypdf hands back indirect objects: resolve each
        table = page["/Resources"].get_object()["/Font"].get_object()
        fonts |= {str(font.get_object()["/BaseFont"]) for font in table.values()}
    assert any("CJK" in name or "Han" in name or "WenQuanYi" in name for name in fonts), fonts
    assert "莲花里超市" in reader.pages[0].extract_text()


# --- the PDF from the command line --------------------------------------------------------

runner = CliRunner()
LOTUS = str(EXAMPLES / "03-lotus-lane-grocers.yaml")


def test_report_writes_a_pdf_named_so(tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "lotus.pdf"
    result = runner.invoke(app, ["report", LOTUS, "-o", str(out)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert "Omni-channel retail" in PdfReader(out).pages[0].extract_text()


def test_a_pdf_needs_a_file_and_an_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = runner.invoke(app, ["report", LOTUS, "-f", "pdf"])
    assert (result.exit_code, result.stderr) == (
        2,
        "error: a PDF is written to a file: add -o report.pdf\n",
    )
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed
    out = tmp_path / "lotus.pdf"
    result = runner.invoke(app, ["report", LOTUS, "-o", str(out)])
    assert (result.exit_code, result.stderr) == (
        2,
        "error: writing a PDF needs WeasyPrint: pip install 'retail-stage[pdf]' (pipx inject "
        "retail-stage weasyprint; uv tool install 'retail-stage[pdf]')\n",
    )
    result = runner.invoke(
        app, ["score", LOTUS, "--report-dir", str(tmp_path / "r"), "--report-format", "pdf"]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: writing a PDF needs WeasyPrint")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_of_pdf_reports(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    paths = [LOTUS, str(EXAMPLES / "06-belle-aurore-cosmetiques.yaml")]
    result = runner.invoke(
        app, ["score", *paths, "--quiet", "--report-dir", str(folder), "--report-format", "pdf"]
    )
    assert result.exit_code == 0, result.stderr
    written = sorted(p.name for p in folder.iterdir())
    assert written == ["belle-aurore.pdf", "lotus-lane.pdf"]
    assert all((folder / name).read_bytes().startswith(b"%PDF-") for name in written)
