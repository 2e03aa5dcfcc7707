"""compare A B C: the history of three assessments of one company, in every format."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from retail_stage import load_profiles, load_rubric, messages, score
from retail_stage.cli import app
from retail_stage.compare import IMPROVED, REGRESSED, History, history, in_date_order
from retail_stage.render.history_charts import index_chart_svg, small_chart_svg
from retail_stage.render.history_html import history_html, history_pdf, history_svg
from retail_stage.render.report_compare import (
    history_dict,
    history_json,
    history_markdown,
    print_history,
)

from .conftest import DATA, EXAMPLES
from .test_messages import ALLOWED, ENGLISH_WORD
from .test_report import check_golden, example

GOLDEN = Path(__file__).parent / "golden"
FIRST = EXAMPLES / "03-lotus-lane-grocers.yaml"
SECOND = DATA / "03-lotus-lane-grocers-2027.yaml"
THIRD = DATA / "03-lotus-lane-grocers-2028.yaml"
FILES = [str(FIRST), str(SECOND), str(THIRD)]
RUBRIC = load_rubric()
runner = CliRunner()


def lotus_results():  # type: ignore[no-untyped-def]
    return [
        example("03-lotus-lane-grocers"),
        example("03-lotus-lane-grocers-2027", DATA),
        example("03-lotus-lane-grocers-2028", DATA),
    ]


@pytest.fixture(scope="module")
def lotus() -> History:
    return history(lotus_results(), RUBRIC)


def terminal(told: History, width: int) -> str:
    stream = io.StringIO()
    console = Console(file=stream, width=width, color_system=None, markup=False, _environ={})
    print_history(told, RUBRIC, console)
    return stream.getvalue()


# --- order --------------------------------------------------------------------------------


def test_assessments_are_put_in_date_order_whatever_the_order_given() -> None:
    first, second, third = lotus_results()
    told = history([third, first, second], RUBRIC)
    assert told.given == (1, 2, 0)
    assert [r.company["assessed_on"] for r in told.results] == [
        "2026-10-14",
        "2027-04-20",
        "2028-05-09",
    ]
    assert told.warnings == ()  # in order, nothing is "swapped?"


def test_equal_dates_keep_the_order_given_and_an_undated_one_keeps_every_order() -> None:
    first, second, third = lotus_results()
    same_day = second.replace(company={**second.company, "assessed_on": "2026-10-14"})
    assert in_date_order([third, same_day, first]) == (1, 2, 0)
    assert in_date_order([third, first, same_day]) == (1, 2, 0)
    undated = second.replace(
        company={k: v for k, v in second.company.items() if k != "assessed_on"}
    )
    assert in_date_order([third, undated, first]) == (0, 1, 2)


def test_a_history_needs_two_assessments() -> None:
    with pytest.raises(ValueError, match="two assessments or more"):
        history(lotus_results()[:1], RUBRIC)


# --- series, transitions, changes ---------------------------------------------------------


def test_the_index_and_every_dimension_over_time(lotus: History) -> None:
    assert lotus.index == (2.2739, 2.5039, 3.0)
    assert lotus.coverage == (1.0, 1.0, 1.0)
    assert dict(lotus.dimensions) == {
        "channels": (1.0, 1.0, 1.0),
        "customer_marketing": (0.8643, 0.7929, 0.8571),
        "payment": (1.0, 1.0, 1.0),
        "inventory_fulfilment": (0.7917, 0.7917, 0.875),
        "supply_production": (0.2636, 0.5909, 0.7),
        "data_decisions": (0.3312, 0.6687, 0.85),
        "stores_staff": (0.52, 0.52, 0.74),
        "organisation": (0.4667, 0.5524, 0.6476),
    }
    assert lotus.stages == (
        ("multi_channel", (0.9556, 0.9556, 0.9556), (True, True, True)),
        ("omni_channel", (0.9481, 0.9111, 0.9185), (True, True, True)),
        ("smart_retail", (0.2739, 0.5039, 0.7078), (False, False, True)),
    )
    assert lotus.focus == (
        ("traffic", (0.8585, 0.8623, 0.8991)),
        ("supply", (0.2508, 0.5098, 0.7083)),
    )


def test_stage_and_label_transitions_and_what_changed_at_each_step(lotus: History) -> None:
    assert [(s.old.stage, s.new.stage, s.stage_move) for s in lotus.steps] == [
        ("omni_channel", "omni_channel", 0),
        ("omni_channel", "smart_retail", 1),
    ]
    assert [(s.old.label, s.new.label, s.index.delta) for s in lotus.steps] == [
        ("1.0", "2.0", 0.23),
        ("2.0", "2.0", 0.4961),
    ]
    first, second = lotus.steps
    assert [c.id for c in first.by_direction(REGRESSED)] == ["om_consistent_pricing"]
    assert len(first.by_direction(IMPROVED)) == 6
    assert [c.id for c in second.by_direction(IMPROVED)] == [
        "om_consistent_pricing",
        "sr_consumer_behaviour_data",
        "sr_smart_tools_consumers",
        "sr_smart_stores",
        "sr_smart_staff_tools",
        "sr_digital_processes",
        "sr_automated_replenishment",
        "sr_data_platform",
        "sr_automated_fulfilment",
    ]
    regressed = [(c.id, c.score_before, c.score_after) for c in second.by_direction(REGRESSED)]
    assert regressed == [("om_contact_points", 0.9, 0.75), ("om_online_marketing", 1.0, 0.75)]


def test_json_holds_the_series_and_each_step(lotus: History) -> None:
    data = json.loads(history_json(lotus, RUBRIC))
    assert list(data) == ["assessments", "given_order", "warnings", "series", "steps", "next_steps"]
    assert data["series"]["assessed_on"] == ["2026-10-14", "2027-04-20", "2028-05-09"]
    assert data["series"]["index"] == [2.2739, 2.5039, 3.0]
    assert data["series"]["dimensions"]["data_decisions"] == [0.3312, 0.6687, 0.85]
    assert data["series"]["stages"]["smart_retail"] == {
        "attainment": [0.2739, 0.5039, 0.7078],
        "met": [False, False, True],
    }
    assert [(s["from"], s["to"], s["stage"], s["label"]) for s in data["steps"]] == [
        (
            0,
            1,
            {"before": "omni_channel", "after": "omni_channel", "move": 0},
            {"before": "1.0", "after": "2.0"},
        ),
        (
            1,
            2,
            {"before": "omni_channel", "after": "smart_retail", "move": 1},
            {"before": "2.0", "after": "2.0"},
        ),
    ]
    assert data["steps"][1]["indicators"][0] == {
        "id": "om_contact_points",
        "stage": "omni_channel",
        "direction": "regressed",
        "score": {"before": 0.9, "after": 0.75},
        "answer": {
            "before": [
                "stores",
                "app-mini-program",
                "social-media",
                "messaging",
                "livestream",
                "in-store-digital",
            ],
            "after": [
                "stores",
                "app-mini-program",
                "social-media",
                "messaging",
                "in-store-digital",
            ],
        },
        "answer_text": {
            "before": "Physical stores; Mobile app or mini-program; Social media accounts; "
            "Messaging / private community (WeChat groups, WhatsApp...); Livestream or "
            "short-video commerce; In-store screens, kiosks, QR codes",
            "after": "Physical stores; Mobile app or mini-program; Social media accounts; "
            "Messaging / private community (WeChat groups, WhatsApp...); In-store screens, "
            "kiosks, QR codes",
        },
    }
    assert data["next_steps"] == {"stage": None, "indicators": []}


def test_markdown_sets_out_the_timeline_and_the_series(lotus: History) -> None:
    text = history_markdown(lotus, RUBRIC)
    assert text.startswith(
        "# Progress: Lotus Lane Grocers\n\n"
        "| Assessed | Stage | Label | Index | Coverage |\n"
        "|---|---|---|---:|---:|\n"
        "| 2026-10-14 | Omni-channel retail | 1.0 · traffic | 2.27 | 100% |\n"
        "| 2027-04-20 | Omni-channel retail (same stage) | 2.0 · supply & production (▲ up) "
        "| 2.50 (+0.23) | 100% |\n"
        "| 2028-05-09 | Smart retail (▲ 1 rung up) | 2.0 · supply & production (same label) "
        "| 3.00 (+0.50) | 100% |\n"
    )
    assert "| **Index** | 2.27 | 2.50 | 3.00 | +0.73 |\n" in text
    assert "| Data &amp; decisions | 33% | 67% | 85% | +51.9 pts |\n" in text
    assert "| Smart retail | 27% | 50% | 71% | +43.4 pts | newly met |\n" in text
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Progress: Lotus Lane Grocers",
        "## Index and dimensions over time",
        "## Stages (attainment) over time",
        "## 1.0 or 2.0 (focus) over time",
        "## What changed: 2026-10-14 → 2027-04-20",
        "### Improved (6)",
        "### Regressed (1)",
        "## What changed: 2027-04-20 → 2028-05-09",
        "### Improved (9)",
        "### Regressed (2)",
        "## Next steps now",
    ]


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_history_matches_golden_file(lotus: History, fmt: str) -> None:
    render = history_markdown if fmt == "md" else history_json
    check_golden(GOLDEN / f"compare-history-lotus-lane.{fmt}", render(lotus, RUBRIC))


@pytest.mark.parametrize("width", [80, 120])
def test_history_terminal_matches_golden_file(lotus: History, width: int) -> None:
    text = terminal(lotus, width)
    assert max(len(line) for line in text.splitlines()) <= width
    check_golden(GOLDEN / f"compare-history-lotus-lane.terminal-{width}.txt", text)


# --- the document: HTML, SVG, PDF ---------------------------------------------------------


class Outline(HTMLParser):
    """The ids of the sections, every text run, and the text of each SVG's <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.texts: list[str] = []
        self.titles: list[str] = []
        self._in_title = self._style = False
        self._svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self.sections.append(dict(attrs).get("id") or "")
        self._svg += tag == "svg"
        self._in_title = tag == "title" and self._svg > 0
        self._style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._svg -= tag == "svg"
        self._in_title = self._style = False

    def handle_data(self, data: str) -> None:
        if self._style:
            return
        if self._in_title:
            self.titles.append(data)
        if data.strip():
            self.texts.append(data.strip())


def outline(text: str) -> Outline:
    parser = Outline()
    parser.feed(text)
    return parser


def test_the_history_page_has_its_sections_in_order(lotus: History) -> None:
    page = outline(history_html(lotus, RUBRIC))
    assert page.sections == ["now", "index", "dimensions", "ladder", "focus", "changes", "next"]
    texts = page.texts
    assert texts[:4] == [
        "Retail digitalization history: Lotus Lane Grocers",
        "Retail digitalization history",
        "Lotus Lane Grocers",
        "lotus-lane · grocery · CN",
    ]
    start = texts.index("Stage and label transitions")
    assert texts[start + 1 : start + 5] == [
        "2026-10-14 → 2027-04-20:",
        "stage Omni-channel retail, same stage; label 1.0 · traffic → 2.0 · supply & production "
        "(▲ up); index 2.27 → 2.50 (+0.23)",
        "2027-04-20 → 2028-05-09:",
        "stage Omni-channel retail → Smart retail (▲ 1 rung up); label 2.0 · supply & "
        "production, same label; index 2.50 → 3.00 (+0.50)",
    ]


def test_each_chart_has_a_title_and_its_numbers_as_text(lotus: History) -> None:
    page = outline(history_html(lotus, RUBRIC))
    assert page.titles == [
        "Index of Lotus Lane Grocers over time",
        *(d.name for d in RUBRIC.dimensions),
        "Multi-channel retail",
        "Omni-channel retail",
        "Smart retail",
        "Traffic focus",
        "Supply focus",
    ]
    chart = index_chart_svg(
        "Index", ["2026-10-14", "2027-04-20", "2028-05-09"], lotus.index, ["a", "b", "c", "d"]
    )
    numbers = re.findall(r">([\d.]+)</text>", chart)
    assert numbers == ["2.27", "2.50", "3.00"]
    assert "<title>Index</title>" in chart
    small = small_chart_svg("Data", ["x", "y", "z"], (0.3312, 0.6687, 0.85), (0.6, "needs 60%"))
    assert re.findall(r">(\d+%)</text>", small) == ["33%", "67%", "85%"]
    assert ">┄ needs 60%</text>" in small
    # The same numbers stand in the table beside the charts.
    texts = page.texts
    row = texts.index(
        "Data & decisions", texts.index("Change", texts.index("Dimensions over time"))
    )
    assert texts[row : row + 5] == ["Data & decisions", "33%", "67%", "85%", "+51.9 pts"]
    beside = texts.index("Assessed", texts.index("Index over time"))
    assert texts[beside : beside + 7] == [
        "Assessed",
        "Stage",
        "Index",
        "2026-10-14",
        "Omni-channel retail",
        "1.0 · traffic",
        "2.27",
    ]


def test_a_point_label_falls_under_its_dot_below_a_threshold_and_above_it_over() -> None:
    chart = small_chart_svg("S", ["a", "b"], (0.25, 0.7), (0.45, "2.0 at 45%"))
    labels = re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*>(\d+%)</text>', chart)
    assert labels == [("137.0", "25%"), ("73.0", "70%")]


def test_more_than_six_points_label_the_first_and_the_last() -> None:
    values = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
    chart = small_chart_svg("S", [str(n) for n in range(7)], values)
    assert re.findall(r">(\d+%)</text>", chart) == ["10%", "70%"]
    assert chart.count("<circle") == 7


def test_the_standalone_svg_has_a_title_the_index_and_each_dimension(lotus: History) -> None:
    picture = history_svg(lotus, RUBRIC)
    assert picture.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1122 774"')
    page = outline(picture)
    assert page.titles[:2] == [
        "Progress: Lotus Lane Grocers",
        "Index of Lotus Lane Grocers over time",
    ]
    assert page.titles[2:] == [d.name for d in RUBRIC.dimensions]
    assert "2027-04-20 · 2.50" in page.texts
    assert "Smart retail · 2.0 · supply & production" in page.texts


HOSTILE = '<script>alert("x")</script> & Co\x1b[31m'


def test_a_hostile_company_name_is_text_everywhere() -> None:
    results = [
        r.replace(company={**r.company, "name": HOSTILE, "id": "evil"}) for r in lotus_results()
    ]
    told = history(results, RUBRIC)
    for document in (history_html(told, RUBRIC), history_svg(told, RUBRIC)):
        assert "<script" not in document
        assert "\x1b" not in document
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co\\x1b[31m" in document
    page = history_html(told, RUBRIC)
    assert (
        "<title>Retail digitalization history: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; "
        "&amp; Co\\x1b[31m</title>"
    ) in page
    assert "<title>Index of &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page
    # The running footer is a CSS string: nothing in it can close the rule or the <style>.
    footer = re.search(r"@bottom-left \{ content: (\"[^\"]*\");", page)
    assert footer is not None
    assert "<" not in footer.group(1)
    assert "}" not in footer.group(1)
    markdown = history_markdown(told, RUBRIC)
    assert markdown.startswith(
        '# Progress: &lt;script&gt;alert("x")&lt;/script&gt; &amp; Co\\\\x1b\\[31m\n'
    )
    assert "\x1b" not in terminal(told, 100)


def test_the_same_history_gives_the_same_bytes(lotus: History) -> None:
    again = history(lotus_results(), RUBRIC)
    assert history_html(lotus, RUBRIC) == history_html(again, RUBRIC)
    assert history_svg(lotus, RUBRIC) == history_svg(again, RUBRIC)
    assert history_json(lotus, RUBRIC) == history_json(again, RUBRIC)
    assert history_pdf(lotus, RUBRIC) == history_pdf(again, RUBRIC)


def test_the_pdf_says_what_the_page_says(lotus: History) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(history_pdf(lotus, RUBRIC)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Lotus Lane Grocers",
        "Retail digitalization history",
        "Index over time",
        "Dimensions over time",
        "The stage ladder over time",
        "What changed between assessments",
        "2026-10-14 → 2027-04-20",
        "+51.9 pts",
        "Lotus Lane Grocers · 2026-10-14 – 2028-05-09",
    ):
        assert expected in text, expected
    assert text.index("Index over time") < text.index("Dimensions over time")
    assert text.index("Dimensions over time") < text.index("What changed between assessments")
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4


# --- the command --------------------------------------------------------------------------


def test_compare_of_three_files_in_every_format(tmp_path: Path) -> None:
    done = runner.invoke(app, ["compare", *FILES])
    assert (done.exit_code, done.stderr) == (0, "")
    assert "Stage and label over time" in done.stdout
    for suffix, start in [
        ("html", "<!DOCTYPE html>"),
        ("svg", "<svg "),
        ("md", "# Progress: Lotus Lane Grocers\n"),
        ("json", "{"),
        ("pdf", "%PDF-"),
    ]:
        out = tmp_path / f"history.{suffix}"
        done = runner.invoke(app, ["compare", *FILES, "-o", str(out)])
        assert (done.exit_code, done.stderr) == (0, ""), suffix
        assert out.read_bytes().startswith(start.encode()), suffix
    again = tmp_path / "again.html"
    runner.invoke(app, ["compare", *FILES, "-o", str(again)])
    assert again.read_bytes() == (tmp_path / "history.html").read_bytes()


def test_two_files_draw_a_history_too(tmp_path: Path) -> None:
    out = tmp_path / "two.html"
    done = runner.invoke(app, ["compare", str(FIRST), str(SECOND), "-o", str(out)])
    assert (done.exit_code, done.stderr) == (0, "")
    assert outline(out.read_text(encoding="utf-8")).sections[:2] == ["now", "index"]


def test_files_out_of_order_are_put_in_date_order_with_a_note() -> None:
    done = runner.invoke(app, ["compare", str(THIRD), str(FIRST), str(SECOND), "-f", "json"])
    assert done.exit_code == 0
    assert done.stderr == f"note: in the order of assessed_on: {FIRST}, {SECOND}, {THIRD}\n"
    assert json.loads(done.stdout)["given_order"] == [1, 2, 0]


def test_profiles_of_another_company_are_refused_in_one_line() -> None:
    other = EXAMPLES / "06-belle-aurore-cosmetiques.yaml"
    done = runner.invoke(app, ["compare", str(FIRST), str(SECOND), str(other)])
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr == (
        f"{other}: error: another company ('belle-aurore', not 'lotus-lane' of {FIRST}); "
        "--allow-different compares them anyway\n"
    )


def test_allow_different_compares_them_with_warnings() -> None:
    other = EXAMPLES / "06-belle-aurore-cosmetiques.yaml"
    done = runner.invoke(
        app, ["compare", str(other), str(FIRST), "--allow-different", "-f", "json"]
    )
    assert done.exit_code == 0
    assert done.stderr.splitlines() == [
        "warning: company ids differ ('belle-aurore' and 'lotus-lane'): are these one company?",
        "warning: company names differ ('Belle Aurore Cosmétiques' and 'Lotus Lane Grocers'): "
        "are these one company?",
    ]
    assert json.loads(done.stdout)["new"]["company"]["id"] == "lotus-lane"


def test_without_ids_the_names_tell_companies_apart(tmp_path: Path) -> None:
    def write(name: str, company: str) -> str:
        path = tmp_path / name
        path.write_text(f"company: {{name: {company}}}\nanswers: {{}}\n", encoding="utf-8")
        return str(path)

    same = runner.invoke(
        app,
        ["compare", write("a.yaml", "Acme  Shops"), write("b.yaml", "acme shops"), "-f", "json"],
    )
    assert same.exit_code == 0, same.stderr
    other = runner.invoke(app, ["compare", str(tmp_path / "a.yaml"), write("c.yaml", "Other")])
    assert other.exit_code == 2
    assert other.stderr.endswith(
        "c.yaml: error: another company ('Other', not 'Acme  Shops' of "
        f"{tmp_path / 'a.yaml'}); --allow-different compares them anyway\n"
    )


def test_one_file_is_not_a_comparison() -> None:
    done = runner.invoke(app, ["compare", str(FIRST)])
    assert (done.exit_code, done.stderr) == (
        2,
        "error: compare needs two assessments or more (A B [C ...])\n",
    )


def test_a_pdf_needs_a_file() -> None:
    done = runner.invoke(app, ["compare", *FILES, "-f", "pdf"])
    assert (done.exit_code, done.stderr) == (
        2,
        "error: a PDF is written to a file: add -o history.pdf\n",
    )


# --- in Chinese ---------------------------------------------------------------------------

RUBRIC_ZH = load_rubric(None, "zh")


class _Seen(HTMLParser):
    """The text a reader sees in an HTML or SVG file (no tags or styles)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._hidden += tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag == "style"

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _seen(text: str) -> str:
    parser = _Seen()
    parser.feed(text)
    return " ".join(parser.parts)


def test_the_chinese_history_has_no_english_words() -> None:
    messages.use("zh")
    results = [score(RUBRIC_ZH, next(iter(load_profiles(Path(p))))) for p in FILES]
    told = history(results, RUBRIC_ZH)
    stream = io.StringIO()
    print_history(told, RUBRIC_ZH, Console(file=stream, width=100, _environ={}))
    data = history_dict(told, RUBRIC_ZH)
    documents = {
        "terminal": stream.getvalue(),
        "md": history_markdown(told, RUBRIC_ZH).replace("<br>", " ").replace("&amp;", "&"),
        "json": "\n".join(
            [*data["warnings"]]
            + [t for s in data["steps"] for i in s["indicators"] for t in i["answer_text"].values()]
        ),
        "html": _seen(history_html(told, RUBRIC_ZH)),
        "svg": _seen(history_svg(told, RUBRIC_ZH)),
    }
    own = " ".join(
        [str(v) for r in results for v in r.company.values()]
        + [note for r in results for note in r.notes.values()]
        + [r.source for r in results]
    )
    ids = re.compile(
        "|".join(sorted((re.escape(i.id) for i in RUBRIC_ZH.indicators), key=len)[::-1])
    )
    english = {
        name: sorted(
            w
            for w in {w.strip("'’") for w in ENGLISH_WORD.findall(ids.sub(" ", text))}
            if w not in ALLOWED and w not in own
        )
        for name, text in documents.items()
    }
    assert english == {name: [] for name in documents}
    assert "指数" in documents["html"]
