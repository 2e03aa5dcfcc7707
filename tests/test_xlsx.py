"""`score -o results.xlsx`: the sheets, typed cells, text that never runs, the same bytes."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from retail_stage import load_rubric
from retail_stage.cli import app
from retail_stage.render.csv import columns

from .conftest import DATA, EXAMPLES

runner = CliRunner()


def score_to(path: Path, *args: str) -> int:
    result = runner.invoke(app, ["score", *args, "--quiet", "-o", str(path)])
    return result.exit_code


def test_results_are_typed_cells_under_a_frozen_filtered_header(tmp_path: Path) -> None:
    out = tmp_path / "results.xlsx"
    assert score_to(out, str(EXAMPLES)) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Results", "Next steps", "Errors", "Summary"]
    sheet = book["Results"]
    header = [c.value for c in sheet[1]]
    assert header == columns(load_rubric())
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:Y13")
    lotus = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "Lotus Lane Grocers")
    cells = dict(zip(header, lotus, strict=True))
    assert (cells["stage"].value, cells["label"].value) == ("omni_channel", "1.0")
    assert (cells["index"].value, cells["index"].number_format) == (2.2739, "0.00")
    assert (cells["coverage"].value, cells["coverage"].number_format) == (1, "0%")
    assert cells["attainment_smart_retail"].value == 0.2739
    assert cells["attainment_smart_retail"].number_format == "0%"
    assert cells["company_assessed_on"].value == "2026-10-14"  # text, as the profile has it
    steps = book["Next steps"]
    assert [c.value for c in steps[1]] == [
        "source",
        "company",
        "rank",
        "indicator",
        "question",
        "gain",
        "in_smallest_set",
    ]
    first = next(
        [c.value for c in row]
        for row in steps.iter_rows(min_row=2)
        if row[1].value == "Lotus Lane Grocers"
    )
    assert first[2:4] == [1, "sr_consumer_behaviour_data"]
    assert (first[5], first[6]) == (0.07, True)


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    profile = tmp_path / "evil.yaml"
    profile.write_text(
        'company: {name: "=HYPERLINK(\\"http://x\\",\\"click\\")", sector: "+1+1"}\nanswers: {}\n'
    )
    out = tmp_path / "results.xlsx"
    assert score_to(out, str(profile)) == 0
    row = load_workbook(out)["Results"][2]
    assert (row[1].value, row[1].data_type) == ('=HYPERLINK("http://x","click")', "s")
    assert (row[3].value, row[3].data_type) == ("+1+1", "s")


def test_the_same_results_give_the_same_bytes_whatever_the_workers(tmp_path: Path) -> None:
    one, two, again = (tmp_path / f"{name}.xlsx" for name in ("one", "two", "again"))
    assert score_to(one, str(EXAMPLES), "--workers", "1") == 0
    assert score_to(two, str(EXAMPLES), "--workers", "2") == 0
    assert score_to(again, str(EXAMPLES), "--workers", "1") == 0
    assert one.read_bytes() == two.read_bytes() == again.read_bytes()


def test_errors_and_disagreement_have_their_own_sheets(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("company: {name: B}\nanswers:\n  mc_two_complete_channels: maybe\n")
    out = tmp_path / "results.xlsx"
    survey = DATA / "surveys" / "google-forms.csv"
    assert score_to(out, str(broken), str(survey)) == 1
    book = load_workbook(out)
    assert book.sheetnames == ["Results", "Next steps", "Disagreement", "Errors", "Summary"]
    errors = [[c.value for c in row] for row in book["Errors"].iter_rows(min_row=2)]
    assert errors == [
        [
            str(broken),
            3,
            29,
            "'maybe' is not yes or no",
        ]
    ]
    voices = [[c.value for c in row] for row in book["Disagreement"].iter_rows(min_row=2)]
    assert voices
    assert {row[1] for row in voices} == {"Lotus Lane Grocers"}


def test_the_portfolio_alone_as_a_workbook(tmp_path: Path) -> None:
    out = tmp_path / "portfolio.xlsx"
    assert score_to(out, str(EXAMPLES), "--summary") == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Summary", "Companies"]
    rows = [[c.value for c in row] for row in book["Summary"].iter_rows(min_row=2)]
    assert rows[0] == ["profiles", None, None, 12, None]
    assert ["stage", "omni_channel", "1.0", 3, 0.25] in rows
