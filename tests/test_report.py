"""The report: golden files per format, what each section says, file names, the command."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from retail_stage import load_profiles, load_rubric, score
from retail_stage.cli import app
from retail_stage.engine import CompiledRubric, Result
from retail_stage.render.report import (
    EXPORT_WIDTH,
    ReportWriter,
    exports,
    print_report,
    render_report,
    report_file_name,
    write_reports,
)
from retail_stage.render.report_data import build_report, describe_answer
from retail_stage.render.report_formats import CompareFormat, ReportFormat
from retail_stage.render.report_markdown import md

from .conftest import DATA, EXAMPLES, ROOT

GOLDEN = Path(__file__).parent / "golden"
GOLDEN_EXAMPLES = ("03-lotus-lane-grocers", "06-belle-aurore-cosmetiques")
FILE_FORMATS = (ReportFormat.HTML, ReportFormat.SVG, ReportFormat.TXT, ReportFormat.MD)
runner = CliRunner()


def example(name: str, folder: Path = EXAMPLES) -> Result:
    """An example scored with the bundled rubric, its source shown relative to the repository."""
    document = next(iter(load_profiles(folder / f"{name}.yaml")))
    relative = str((folder / f"{name}.yaml").relative_to(ROOT))
    return score(load_rubric(), document._replace(source=relative, path=relative))


def check_golden(path: Path, text: str) -> None:
    """Compare with a golden file; RETAIL_STAGE_UPDATE_GOLDEN=1 rewrites it instead."""
    if os.environ.get("RETAIL_STAGE_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_text(encoding="utf-8"), f"differs from {path}"


def terminal(result: Result, width: int) -> str:
    stream = io.StringIO()
    console = Console(
        file=stream, width=width, color_system=None, markup=False, highlight=False, _environ={}
    )
    print_report(build_report(result, load_rubric()), console)
    return stream.getvalue()


@pytest.mark.parametrize("name", GOLDEN_EXAMPLES)
@pytest.mark.parametrize("fmt", [*FILE_FORMATS, ReportFormat.JSON], ids=lambda f: f.value)
def test_report_matches_golden_file(name: str, fmt: ReportFormat) -> None:
    text = render_report(example(name), load_rubric(), fmt)
    check_golden(GOLDEN / f"{name}.{fmt.value}", text)


@pytest.mark.parametrize("name", GOLDEN_EXAMPLES)
def test_terminal_report_at_80_columns_matches_golden_file(name: str) -> None:
    check_golden(GOLDEN / f"{name}.terminal-80.txt", terminal(example(name), 80))


@pytest.mark.parametrize("width", [80, 120])
def test_terminal_report_fits_the_width_and_uses_more_when_there_is_room(width: int) -> None:
    lines = terminal(example("03-lotus-lane-grocers"), width).splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    # The evidence moves the source sentence into its own column from 120 columns on.
    assert any("Source sentence" in line for line in lines) is (width >= 120)


def test_svg_and_text_come_from_one_recording_at_a_fixed_width() -> None:
    report = build_report(example("03-lotus-lane-grocers"), load_rubric())
    out = exports(report, [ReportFormat.TXT, ReportFormat.SVG])
    assert max(len(line) for line in out[ReportFormat.TXT].splitlines()) == EXPORT_WIDTH
    assert out[ReportFormat.TXT].startswith("╭─ Retail digitalization report ─")
    assert "OMNI-CHANNEL&#160;RETAIL" in out[ReportFormat.SVG]
    for fmt in (ReportFormat.MD, ReportFormat.HTML):  # drawn from the report's data instead
        with pytest.raises(ValueError, match=f"{fmt.value} is not exported"):
            exports(report, [fmt])


def test_html_is_standalone_with_an_inline_radar_of_every_dimension() -> None:
    html = render_report(example("03-lotus-lane-grocers"), load_rubric(), ReportFormat.HTML)
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    assert "<script" not in html
    assert "@import" not in html
    assert "<link" not in html
    assert html.count("<svg") == 3  # the ladder, the focus, the radar
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="radar"')
    radar = html[start : html.index("</svg>", start)]
    for label in ("Channels", "Supply chain &amp;", "Organisation"):
        assert label in radar
    assert '<tspan font-weight="bold">26%</tspan>' in radar  # supply chain & production


def test_svg_fetches_no_font() -> None:
    svg = render_report(example("03-lotus-lane-grocers"), load_rubric(), ReportFormat.SVG)
    assert "@font-face" not in svg
    assert "https://" not in svg


def test_verdict_when_the_stage_is_not_certain() -> None:
    report = build_report(example("06-belle-aurore-cosmetiques"), load_rubric())
    assert (report.certain, report.range_low, report.range_high) == (
        False,
        "Multi-channel retail",
        "Omni-channel retail",
    )
    assert report.unknown_count == 15
    text = terminal(example("06-belle-aurore-cosmetiques"), 100)
    assert (
        "⚠ Not certain: between Multi-channel retail and Omni-channel retail. 15 unknown answers"
        in text
    )


def test_ladder_marks_where_the_company_stands_and_the_gate_that_blocks() -> None:
    report = build_report(example("03-lotus-lane-grocers"), load_rubric())
    assert [(s.id, s.current, s.met) for s in report.ladder] == [
        ("single_channel", False, True),
        ("multi_channel", False, True),
        ("omni_channel", True, True),
        ("smart_retail", False, False),
    ]
    gates = report.ladder[3].blocking_gates
    assert [(g.evidence.indicator.id, g.needs) for g in gates] == [
        ("sr_consumer_behaviour_data", 0.7)
    ]
    assert gates[0].evidence.answer.text == "Purchase history per customer, kept but not acted on"
    assert gates[0].evidence.answer.better == (
        "Used: customer data drives segments or personal offers"
    )


def test_label_movers_are_the_supply_answers_that_reach_the_threshold() -> None:
    view = build_report(example("03-lotus-lane-grocers"), load_rubric()).label
    assert (view.label, view.supply, view.threshold, view.gap) == ("1.0", 0.2508, 0.45, 0.1992)
    chosen = [(m.evidence.indicator.id, m.gain) for m in view.movers if m.in_smallest_set]
    # Supply weight 22 (the smart-retail back end): each weight-3 indicator at 0 gains 3/22.
    assert chosen == [("sr_automated_replenishment", 0.1364), ("sr_digital_production", 0.1364)]


def test_next_steps_put_the_smallest_set_first_with_answers_in_words() -> None:
    report = build_report(example("03-lotus-lane-grocers"), load_rubric())
    steps = [(m.evidence.indicator.id, m.in_smallest_set, m.failed_gate) for m in report.steps]
    assert steps[:5] == [
        ("sr_consumer_behaviour_data", True, True),
        ("sr_automated_replenishment", True, False),
        ("sr_digital_production", True, False),
        ("sr_data_driven_decisions", True, False),
        ("sr_supply_chain_integration", False, False),
    ]
    decisions = report.steps[3].evidence.answer
    assert (decisions.text, decisions.better) == ("Promotion planning", "add: Demand forecasting")


def test_strongest_and_weakest_dimension() -> None:
    report = build_report(example("03-lotus-lane-grocers"), load_rubric())
    assert report.strongest is not None
    assert report.weakest is not None
    assert (report.strongest.name, report.weakest.name) == (
        "Channels",
        "Supply chain & production",
    )


def test_no_strongest_dimension_when_all_score_the_same() -> None:
    rubric = load_rubric(DATA / "mini-rubric.yaml")
    result = score(rubric, {"company": {"name": "T"}, "answers": {}})
    report = build_report(result, rubric)
    assert (report.strongest, report.weakest, report.even_score) == (None, None, 0.0)
    assert "\nEvery dimension scores 0%.\n" in render_report(result, rubric, ReportFormat.MD)
    assert "Every dimension scores 0%." in render_report(result, rubric, ReportFormat.TXT)


def test_top_of_the_ladder_has_no_next_steps(tmp_path: Path) -> None:
    rubric = load_rubric(DATA / "mini-rubric.yaml")
    result = score(
        rubric,
        {
            "company": {"name": "T"},
            "answers": {"a": "yes", "b": "all", "c": "y", "d": 60, "e": ["p", "q"], "f": "yes"},
        },
    )
    report = build_report(result, rubric)
    assert report.next_stage is None
    assert report.steps == ()
    assert "Stage two is the top of the ladder: there is no next stage." in render_report(
        result, rubric, ReportFormat.MD
    )
    assert report.label.label == "2.0"


def said(*args: object) -> tuple[str, str, str | None]:
    answer = describe_answer(*args)  # type: ignore[arg-type]
    return answer.status, answer.text, answer.better


class TestDescribeAnswer:
    """Answers in the rubric's words, and the next better answer."""

    @pytest.fixture
    def rubric(self, mini: CompiledRubric) -> dict[str, object]:
        return {ind.id: ind for ind in mini.rubric.indicators}

    def test_boolean_and_gate(self, rubric: dict) -> None:
        assert said(rubric["a"], "no", 0.0)[1:] == ("no", "yes")
        assert said(rubric["a"], True, 1.0)[1:] == ("yes", None)

    def test_scale_next_level_up(self, rubric: dict) -> None:
        assert said(rubric["b"], "some", 0.5)[1:] == ("Some", "All")
        assert said(rubric["b"], "all", 1.0)[1:] == ("All", None)

    def test_choice_next_option_up(self, rubric: dict) -> None:
        assert said(rubric["c"], "x", 0.2)[1:] == ("X", "Y")

    def test_number_next_band(self, rubric: dict) -> None:
        assert said(rubric["d"], 25, 0.5)[1:] == ("25%", "at least 50%")
        assert said(rubric["d"], 80, 1.0)[1:] == ("80%", None)

    def test_multi_adds_the_best_missing_option(self, rubric: dict) -> None:
        assert said(rubric["e"], ["r"], 0.25)[1:] == ("R", "add: P")
        assert said(rubric["e"], [], 0.0)[1:] == ("none of the options", "add: P")

    def test_score_without_the_answer(self, rubric: dict) -> None:
        assert said(rubric["b"], None, 0.5)[1:] == ("scored 0.50, answer not recorded", "All")

    def test_unknown_and_na(self, rubric: dict) -> None:
        assert said(rubric["b"], "unknown", None) == ("unknown", "unknown", "Some")
        assert said(rubric["c"], "n/a", -1.0) == ("n/a", "n/a", None)


def test_evidence_shows_not_asked_unknown_and_na() -> None:
    rubric = load_rubric(DATA / "mini-rubric.yaml")
    result = score(
        rubric, {"company": {"name": "T"}, "answers": {"a": "yes", "c": "n/a", "e": [], "f": "yes"}}
    )
    report = build_report(result, rubric)
    answers = {
        e.indicator.id: (e.answer.status, e.scored) for _, rows in report.evidence for e in rows
    }
    assert answers == {
        "a": ("answered", "1.00"),
        "b": ("unknown", "unknown"),
        "c": ("n/a", "n/a"),
        "d": ("unknown", "unknown"),
        "e": ("answered", "0.00"),
        "f": ("not asked", "0.00"),
    }
    data = json.loads(render_report(result, rubric, ReportFormat.JSON))
    assert [e["score"] for e in data["report"]["evidence"]] == [1.0, None, "n/a", None, 0.0, 0.0]


def test_json_is_the_result_plus_the_report() -> None:
    result = example("03-lotus-lane-grocers")
    data = json.loads(render_report(result, load_rubric(), ReportFormat.JSON))
    assert {k: v for k, v in data.items() if k != "report"} == json.loads(
        json.dumps(result.to_dict())
    )
    first = data["report"]["evidence"][0]
    assert first == {
        "id": "mc_two_complete_channels",
        "stage": "multi_channel",
        "dimension": "channels",
        "focus": "traffic",
        "weight": 3.0,
        "question": first["question"],
        "source": "Multi-channel retail refers to enterprises choosing 2 or more complete "
        "distribution channels",
        "status": "answered",
        "answer": True,
        "answer_text": "yes",
        "better": None,
        "score": 1.0,
        "gate": {"needs": 1.0, "holds": True},
        "note": "",
    }


def test_format_from_file_name() -> None:
    assert ReportFormat.from_suffix(Path("a.HTM")) is ReportFormat.HTML
    assert ReportFormat.from_suffix(Path("a.markdown")) is ReportFormat.MD
    assert ReportFormat.from_suffix(Path("a.pdf")) is ReportFormat.PDF
    assert ReportFormat.from_suffix(Path("a.docx")) is None
    assert ReportFormat.from_suffix(Path("terminal")) is None
    assert CompareFormat.from_suffix(Path("a.json")) is CompareFormat.JSON
    assert CompareFormat.from_suffix(Path("a.svg")) is CompareFormat.SVG
    assert CompareFormat.from_suffix(Path("a.txt")) is None


# --- one report per profile -------------------------------------------------------------------


def with_company(result: Result, **company: object) -> Result:
    return result.replace(company=company)


def test_report_file_names_are_safe_and_never_collide() -> None:
    base = example("03-lotus-lane-grocers")
    taken: set[str] = set()
    names = [
        report_file_name(with_company(base, **c), taken, ReportFormat.HTML)
        for c in (
            {"name": "Lotus Lane", "id": "lotus-lane"},
            {"name": "Other", "id": "Lotus Lane"},
            {"name": "Café Ünïcode / Ltd."},
            {"name": "../../etc/passwd"},
            {"name": "..", "id": ""},
            {"name": "con:nul*?<>|"},
            {"name": "lotus-lane-2", "id": None},
        )
    ]
    assert names == [
        "lotus-lane.html",
        "lotus-lane-2.html",
        "caf-n-code-ltd.html",
        "etc-passwd.html",
        "profile.html",
        "con-nul.html",
        "lotus-lane-2-2.html",
    ]


def test_write_reports_stays_inside_the_folder(tmp_path: Path) -> None:
    base = example("03-lotus-lane-grocers")
    folder = tmp_path / "out" / "reports"
    results = [with_company(base, name="../../escape", id=None), with_company(base, name="/abs")]
    written = write_reports(results, folder, ReportFormat.MD, load_rubric())
    assert [p.name for p in written] == ["escape.md", "abs.md"]
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["abs.md", "escape.md"]
    assert all(p.parent == folder.resolve() for p in written)
    assert written[0].read_text().startswith("# Retail digitalization report: ../../escape\n")
    with pytest.raises(ValueError, match="file format"):
        write_reports(results, folder, ReportFormat.TERMINAL, load_rubric())


def test_report_writer_passes_every_record_through(tmp_path: Path) -> None:
    from retail_stage.batch import score_paths
    from retail_stage.engine import compile_rubric
    from retail_stage.loading import Failure

    bad = tmp_path / "in" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text("company: {name: Bad}\nanswers: {nope: 1}\n")
    (tmp_path / "in" / "good.yaml").write_text(
        (EXAMPLES / "03-lotus-lane-grocers.yaml").read_text()
    )
    writer = ReportWriter(tmp_path / "reports", ReportFormat.HTML, load_rubric())
    records = list(writer.passing(score_paths(compile_rubric(load_rubric()), [str(bad.parent)])))
    assert [type(r) for r in records] == [Failure, Result]
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["lotus-lane.html"]


# --- the command --------------------------------------------------------------------------------


def test_report_command_prints_to_the_terminal() -> None:
    result = runner.invoke(app, ["report", str(EXAMPLES / "03-lotus-lane-grocers.yaml")])
    assert result.exit_code == 0, result.stderr
    assert "OMNI-CHANNEL RETAIL" in result.stdout
    assert "Next steps" in result.stdout


@pytest.mark.parametrize("suffix", ["html", "svg", "txt", "md", "json"])
def test_report_command_writes_every_format_from_the_file_name(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"report.{suffix}"
    result = runner.invoke(
        app, ["report", str(EXAMPLES / "06-belle-aurore-cosmetiques.yaml"), "-o", str(out)]
    )
    assert (result.exit_code, result.stdout) == (0, "")
    expected = render_report(
        score(
            load_rubric(), next(iter(load_profiles(EXAMPLES / "06-belle-aurore-cosmetiques.yaml")))
        ),
        load_rubric(),
        ReportFormat(suffix),
    )
    assert out.read_text(encoding="utf-8") == expected


def test_report_command_format_option_prints_markdown() -> None:
    result = runner.invoke(
        app, ["report", str(EXAMPLES / "03-lotus-lane-grocers.yaml"), "--format", "md"]
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("# Retail digitalization report: Lotus Lane Grocers\n")


def test_report_command_usage_errors(tmp_path: Path) -> None:
    profile = str(EXAMPLES / "03-lotus-lane-grocers.yaml")
    result = runner.invoke(app, ["report", profile, "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"{tmp_path / 'r.xlsx'}: error: this command does not write .xlsx files; "
        "it writes html|pdf|svg|txt|md|json\n"
    )
    result = runner.invoke(
        app, ["report", profile, "-f", "terminal", "-o", str(tmp_path / "r.txt")]
    )
    assert result.exit_code == 2
    assert "the name asks for txt but --format is terminal" in result.stderr
    result = runner.invoke(
        app, ["report", profile, "-f", "terminal", "-o", str(tmp_path / "r.out")]
    )
    assert result.stderr == (
        f"{tmp_path / 'r.out'}: error: the terminal format is for the screen; for a file use "
        "html|pdf|svg|txt|md|json\n"
    )
    result = runner.invoke(app, ["report", profile, "-o", str(tmp_path / "no" / "r.md")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{tmp_path / 'no' / 'r.md'}: error: cannot write")
    assert not (tmp_path / "r.xlsx").exists()


def test_report_command_invalid_profile_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("company: {name: A}\nanswers:\n  mc_two_complete_channels: 3\n")
    result = runner.invoke(app, ["report", str(bad)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{bad}:3:29: error: expected yes or no for 'mc_two_complete_channels', got 3\n"
    )


def test_report_command_picks_a_document_of_a_multi_document_file(tmp_path: Path) -> None:
    several = tmp_path / "two.yaml"
    several.write_text("company: {name: First}\n---\ncompany: {name: Second}\n")
    result = runner.invoke(app, ["report", str(several), "-f", "md"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# Retail digitalization report: First\n")
    assert result.stderr == (
        f"{several}: note: the file holds 2 profiles; this is #1 (name another as {several}#N)\n"
    )
    result = runner.invoke(app, ["report", f"{several}#2", "-f", "md"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("# Retail digitalization report: Second\n")
    assert f"| Profile | {md(f'{several}#2')} |" in result.stdout
    result = runner.invoke(app, ["report", f"{several}#3"])
    assert (result.exit_code, result.stderr) == (
        2,
        f"{several}: error: no profile #3: the file holds 2\n",
    )


def test_readme_screenshot_is_the_current_report() -> None:
    # docs/report.svg is made by `report examples/profiles/03-lotus-lane-grocers.yaml -o ...`
    # from the repository root; regenerate it when this fails.
    assert (ROOT / "docs" / "report.svg").read_text(encoding="utf-8") == render_report(
        example("03-lotus-lane-grocers"), load_rubric(), ReportFormat.SVG
    )


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_reports_in_every_format(path: Path) -> None:
    rubric = load_rubric()
    result = score(rubric, next(iter(load_profiles(path))))
    name = str(result.company["name"])
    verdict = result.stage_name.upper()
    shown = {
        ReportFormat.TXT: verdict,
        ReportFormat.HTML: f'<p class="stage">{md(result.stage_name).replace("&amp;", "&")}</p>',
        ReportFormat.SVG: verdict.replace(" ", "&#160;"),
        ReportFormat.MD: f"**{md(result.stage_name)}** · **{result.label} · ",
    }
    for fmt in FILE_FORMATS:
        assert shown[fmt] in render_report(result, rubric, fmt), fmt
    data = json.loads(render_report(result, rubric, ReportFormat.JSON))
    assert (data["company"]["name"], data["stage"]) == (name, result.stage)
    assert len(data["report"]["evidence"]) == len(rubric.indicators)
