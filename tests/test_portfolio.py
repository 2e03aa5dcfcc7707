"""The portfolio report (`score PATHS --summary`, issue 14): the heat map's counts and shares,
the index's quartiles, each dimension's spread, the ranked list and --top, --group-by in every
format, the distributions the peer comparison reads, the HTML document (its sections, its
escaping, its bytes), the PDF and the workbook."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from retail_stage.cli import app
from retail_stage.loading import load_rubric
from retail_stage.render.summary import (
    Portfolio,
    Tally,
    bin_of,
    bin_quantile,
    group_value,
    share_below,
)

from .conftest import EXAMPLES

runner = CliRunner()

RANKED = [
    ("Nimbus Home Electronics", "smart_retail", "2.0", 3.0),
    ("Hanami Beauty", "smart_retail", "2.0", 3.0),
    ("Ventura Apparel Co.", "omni_channel", "2.0", 2.5878),
    ("Pixelcart", "omni_channel", "1.0", 2.3687),
    ("QuickStop Mart", "omni_channel", "1.0", 2.2772),
    ("Lotus Lane Grocers", "omni_channel", "1.0", 2.2739),
    ("Marigold & Sons Department Stores", "multi_channel", "1.0", 1.7426),
    ("Belle Aurore Cosmétiques", "multi_channel", "1.0", 1.3519),
    ("Casa Ferro Móveis", "multi_channel", "2.0", 1.3074),
    ("Brandt Haushaltswaren GmbH", "multi_channel", "1.0", 1.2574),
    ("Tienda Sol", "single_channel", "1.0", 0.6778),
    ("Mama Wanjiru's Duka", "single_channel", "1.0", 0.1278),
]
SECTORS = [
    ("apparel", 2),
    ("beauty", 2),
    ("convenience", 2),
    ("electronics", 2),
    ("home", 2),
    ("department store", 1),
    ("grocery", 1),
]


def score(*arguments: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["score", *arguments])
    return result.exit_code, result.stdout, result.stderr


def summary(*arguments: str) -> dict[str, Any]:
    code, text, _ = score(str(EXAMPLES), "--summary", "-f", "json", *arguments)
    assert code == 0
    data: dict[str, Any] = json.loads(text)
    return data


def html_of(tmp_path: Path, *arguments: str, source: Path = EXAMPLES) -> str:
    out = tmp_path / "portfolio.html"
    code, _, stderr = score(str(source), "--summary", "-o", str(out), "-q", *arguments)
    assert (code, stderr) == (0, "")
    return out.read_text(encoding="utf-8")


def test_the_heat_map_counts_and_shares_of_the_examples() -> None:
    rows = {(r["stage"], r["label"]): (r["count"], r["share"]) for r in summary()["stages"]}
    assert rows == {
        ("single_channel", "1.0"): (2, 0.1667),
        ("single_channel", "2.0"): (0, 0.0),
        ("multi_channel", "1.0"): (3, 0.25),
        ("multi_channel", "2.0"): (1, 0.0833),
        ("omni_channel", "1.0"): (3, 0.25),
        ("omni_channel", "2.0"): (1, 0.0833),
        ("smart_retail", "1.0"): (0, 0.0),
        ("smart_retail", "2.0"): (2, 0.1667),
    }


def test_the_quartiles_and_a_dimensions_spread() -> None:
    data = summary()
    assert data["index"] == {
        "min": 0.1278,
        "q1": 1.2949,
        "median": 2.0082,
        "q3": 2.4235,
        "max": 3.0,
    }
    assert data["dimension_spread"]["data_decisions"] == {
        "profiles": 12,
        "min": 0.0,
        "q1": 0.115,
        "median": 0.335,
        "q3": 0.515,
        "max": 1.0,
        "below_half": 0.6667,
    }
    assert data["weakest_dimensions"][:3] == ["data_decisions", "stores_staff", "organisation"]
    assert data["coverage"] == 0.9611


def test_the_distributions_follow_the_shared_spec() -> None:
    data = summary()
    dist = data["distributions"]
    assert set(dist) == {"per_unit", "index", "dimensions", "focus_traffic", "focus_supply"}
    assert dist["per_unit"] == 100
    assert len(dist["index"]) == 300
    # Bin k counts the indexes v with min(int(v * 100), 299) == k: 3.0 falls in the last.
    assert {k: c for k, c in enumerate(dist["index"]) if c} == {
        12: 1,
        67: 1,
        125: 1,
        130: 1,
        135: 1,
        174: 1,
        227: 2,
        236: 1,
        258: 1,
        299: 2,
    }
    assert list(dist["dimensions"]) == [d.id for d in load_rubric().dimensions]
    assert all(len(bins) == 100 for bins in dist["dimensions"].values())
    assert all(sum(bins) == 12 for bins in dist["dimensions"].values())
    assert (len(dist["focus_traffic"]), sum(dist["focus_supply"])) == (100, 12)
    assert data["rubric"] == {"id": "retail-stages", "version": "1.1"}


def test_bins_quantiles_and_the_share_below() -> None:
    assert (bin_of(0.29, 100), bin_of(1.0, 100), bin_of(3.0, 300), bin_of(-0.1, 100)) == (
        28,  # int(0.29 * 100) is 28: the spec's rule, float and all
        99,
        299,
        0,
    )
    bins = [0, 2, 0, 1, 1]
    assert [bin_quantile(bins, q) for q in (0.25, 0.5, 0.75, 1.0)] == [0.015, 0.015, 0.035, 0.045]
    assert (share_below(bins, 0.03), share_below(bins, 0.0), share_below([0, 0], 0.5)) == (
        0.5,
        0.0,
        None,
    )
    assert bin_quantile([0, 0], 0.5) is None
    assert (group_value(None), group_value(""), group_value(7), group_value(["a", "b"])) == (
        None,
        None,
        "7",
        "a, b",
    )


def test_the_ranked_list_and_top() -> None:
    ranked = summary()["ranked"]
    assert [(r["name"], r["stage"], r["label"], r["index"]) for r in ranked] == RANKED
    assert [r["rank"] for r in ranked] == list(range(1, 13))
    assert ranked[7]["coverage"] == 0.5333
    assert [r["name"] for r in summary("--top", "3")["ranked"]] == [n for n, *_ in RANKED[:3]]
    assert summary("--top", "0")["ranked"] == []


def test_the_top_list_is_kept_in_constant_memory() -> None:
    """Only `top` companies are held, whatever the number of profiles; ties keep input order."""
    portfolio = Portfolio(load_rubric(), top=2)
    for n in range(1000):
        portfolio.add(Tally("multi_channel", "1.0", (n % 7) / 3, (), name=f"c{n}"))
    assert len(portfolio._best) == 2
    assert [(r.name, r.index) for r in portfolio.ranked()] == [("c6", 2.0), ("c13", 2.0)]


def test_group_and_top_need_the_summary() -> None:
    code, _, stderr = score(str(EXAMPLES), "--group-by", "sector")
    assert (code, stderr) == (2, "error: --group-by and --top go with --summary\n")


def test_group_by_sector_as_json() -> None:
    data = summary("--group-by", "sector")
    assert data["group_by"] == "sector"
    assert [(g["group"], g["profiles"]) for g in data["groups"]] == SECTORS
    home = data["groups"][4]
    assert home["index"]["median"] == 1.2824
    assert [(r["stage"], r["label"], r["count"]) for r in home["stages"] if r["count"]] == [
        ("multi_channel", "1.0", 1),
        ("multi_channel", "2.0", 1),
    ]
    assert data["ranked"][0]["group"] == "electronics"
    # A field no profile has: one group, without a value.
    other = summary("--group-by", "region")["groups"]
    assert [(g["group"], g["profiles"]) for g in other] == [(None, 12)]


def test_group_by_sector_as_table_and_markdown() -> None:
    result = runner.invoke(
        app, ["score", str(EXAMPLES), "--summary", "--group-by", "sector"], env={"COLUMNS": "200"}
    )
    lines = result.stdout.splitlines()
    assert any(line.strip() == "By sector" for line in lines)
    home = next(line for line in lines if line.startswith("│ home "))
    assert [c.strip() for c in home.split("│")[1:-1]] == [
        "home",
        "2",
        "0%",
        "100%",
        "0%",
        "0%",
        "1.28",
        "Inventory & fulfilment",
    ]
    code, text, _ = score(str(EXAMPLES), "--summary", "--group-by", "sector", "-f", "markdown")
    assert code == 0
    assert "\n**By sector**\n\n" in text
    assert (
        "| sector | Profiles | Single-channel retail | Multi-channel retail | Omni-channel retail "
        "| Smart retail | median index | weakest dimension |\n|---|---:|---:|---:|---:|---:|---:|---|\n"
    ) in text
    assert "| department store | 1 | 0% | 100% | 0% | 0% | 1.74 | Data \\& decisions |\n" in text
    assert (
        "**Companies by index**\n\n| # | Company | Stage | Label | Index | Coverage | sector |"
        in text
    )
    assert (
        "| 1 | Nimbus Home Electronics | Smart retail | 2.0 | 3.00 | 100% | electronics |" in text
    )


def test_group_by_and_every_company_as_csv_rows() -> None:
    code, text, _ = score(
        str(EXAMPLES), "--summary", "--group-by", "sector", "-f", "csv", "--top", "2"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(text)))
    companies = [r for r in rows if r["metric"] == "company"]
    # Complete in CSV whatever --top says.
    assert [(r["count"], r["key"], r["label"]) for r in companies[:2]] == [
        ("1", "Nimbus Home Electronics", "smart_retail 2.0"),
        ("2", "Hanami Beauty", "smart_retail 2.0"),
    ]
    assert len(companies) == 12
    assert {"metric": "group", "key": "home", "label": "sector", "count": "2"} | {
        "value": "1.2824"
    } in rows
    assert rows[-1]["metric"] == "weakest_dimension"


SECTIONS = ["stages", "index", "dimensions", "weakest", "groups", "ranked"]


def test_the_html_has_its_sections_in_order_with_charts_and_numbers(tmp_path: Path) -> None:
    html = html_of(tmp_path, "--group-by", "sector", "--top", "5")
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
    sections = re.findall(r'<section class="([a-z]+)" aria-labelledby="\1">', html)
    assert sections == SECTIONS
    assert "<script" not in html
    # Every chart has a title, and its numbers in text.
    titles = re.findall(r'<svg [^>]*role="img" aria-label="([^"]*)"><title>\1</title>', html)
    assert titles == [
        "Profiles on each stage and label (count · share)",
        "Distribution of the index (profiles per 0.1)",
        "Spread of each dimension&#x27;s score (box: quartiles; bar: median; dot: mean)",
    ]
    assert '<td class="num">3 (25%)</td>' in html  # the heat map's table
    assert "3 · 25%" in html  # and its cell
    assert '<td>upper quartile</td><td class="num">2.42</td>' in html
    assert "The 5 highest of 12 by index (--top)" in html
    ranked = re.findall(r'<td class="num rank">(\d+)</td><td>([^<]*)</td>', html)
    assert ranked == [(str(n), name) for n, (name, *_) in enumerate(RANKED[:5], start=1)]
    assert '<h2 id="groups">By sector</h2>' in html
    # Without --group-by, no groups section.
    plain = html_of(tmp_path)
    assert re.findall(r'<section class="([a-z]+)"', plain) == [s for s in SECTIONS if s != "groups"]


def test_a_hostile_company_name_is_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = (EXAMPLES / "10-pixelcart.yaml").read_text(encoding="utf-8")
    hostile = '<script>alert(1)</script> & "Co" </style>'
    (folder / "x.yaml").write_text(
        text.replace("name: Pixelcart", "name: " + json.dumps(hostile)), encoding="utf-8"
    )
    html = html_of(tmp_path, "--group-by", "name", source=folder)
    assert "<script" not in html
    assert html.count("</style>") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot; &lt;/style&gt;" in html


def test_the_html_is_the_same_bytes_each_run_and_with_any_workers(tmp_path: Path) -> None:
    first = html_of(tmp_path, "--group-by", "country", "-w", "1")
    again = html_of(tmp_path, "--group-by", "country", "-w", "1")
    two = html_of(tmp_path, "--group-by", "country", "-w", "2")
    assert first == again == two


def test_the_pdf_has_its_pages_and_text(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    from pypdf import PdfReader

    out = tmp_path / "portfolio.pdf"
    code, _, stderr = score(str(EXAMPLES), "--summary", "--group-by", "sector", "-o", str(out))
    assert code == 0, stderr
    pages = PdfReader(out).pages
    assert len(pages) == 5
    first = " ".join(pages[0].extract_text().split())
    assert first.startswith("Retail digitalization portfolio Retail digitalization stages")
    assert "Smart retail 0 (0%) 2 (17%) 2 (17%)" in first
    last = " ".join(pages[-1].extract_text().split())
    # Older pypdf runs a table's cells together where newer ones put a space: compare unspaced.
    last_row = "12 Mama Wanjiru's Duka Single-channel retail 1.0 0.13 100% convenience"
    assert last_row.replace(" ", "") in last.replace(" ", "")
    assert last.endswith("Portfolio · 12 profiles, 0 invalid 5 / 5")


def test_a_format_beside_a_document_name_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "portfolio.html"
    code, _, stderr = score(str(EXAMPLES), "--summary", "-o", str(out), "-f", "json")
    assert (code, stderr) == (
        2,
        f"{out}: error: the portfolio document's format comes from its name; drop --format\n",
    )
    assert not out.exists()


def test_the_workbook_lists_every_company_and_the_groups(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "portfolio.xlsx"
    code, _, _ = score(
        str(EXAMPLES), "--summary", "--group-by", "sector", "--top", "1", "-o", str(out)
    )
    assert code == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Summary", "Companies", "Groups"]
    companies = [[c.value for c in row] for row in book["Companies"].iter_rows()]
    assert companies[0] == ["rank", "company", "stage", "label", "index", "coverage", "sector"]
    assert companies[1] == [
        1,
        "Nimbus Home Electronics",
        "smart_retail",
        "2.0",
        3.0,
        1.0,
        "electronics",
    ]
    assert len(companies) == 13
    groups = [[c.value for c in row] for row in book["Groups"].iter_rows()]
    assert groups[0][:4] == ["sector", "profiles", "median_index", "coverage"]
    assert [row[:2] for row in groups[1:]] == [list(g) for g in SECTORS]


def test_the_chinese_portfolio_document(tmp_path: Path) -> None:
    html = html_of(tmp_path, "--lang", "zh", "--group-by", "sector")
    assert '<html lang="zh-Hans">' in html
    assert '<h2 id="stages">阶段与标签</h2>' in html
    assert '<h2 id="groups">按 sector 分组</h2>' in html


def test_a_folder_with_a_copy_of_the_examples_gives_twice_the_counts(tmp_path: Path) -> None:
    folder = tmp_path / "twice"
    shutil.copytree(EXAMPLES, folder / "a")
    shutil.copytree(EXAMPLES, folder / "b")
    code, text, _ = score(str(folder), "--summary", "-f", "json")
    data = json.loads(text)
    assert (code, data["profiles"]) == (0, 24)
    assert sum(data["distributions"]["index"]) == 24
    assert [r["name"] for r in data["ranked"][:4]] == [
        "Nimbus Home Electronics",
        "Hanami Beauty",
        "Nimbus Home Electronics",
        "Hanami Beauty",
    ]


def test_the_summary_schema_names_every_key_the_summary_has() -> None:
    from .conftest import ROOT

    schema = json.loads((ROOT / "schemas" / "summary.schema.json").read_text(encoding="utf-8"))
    data = summary("--group-by", "sector")
    assert set(data) == set(schema["properties"])
    assert set(schema["required"]) == set(summary())
    dist = schema["properties"]["distributions"]
    assert set(dist["required"]) == set(data["distributions"])
    ranked = schema["properties"]["ranked"]["items"]
    assert set(ranked["required"]) == set(data["ranked"][0])
    groups = schema["properties"]["groups"]["items"]
    assert set(groups["required"]) == set(data["groups"][0])


def test_the_index_quartiles_from_counts_are_those_of_the_sorted_indexes() -> None:
    import random
    import statistics

    rng = random.Random(14)
    for n in (1, 2, 3, 5, 8, 101):
        values = [round(rng.uniform(0, 3), 4) for _ in range(n)] + [3.0]
        portfolio = Portfolio(load_rubric())
        grouped = Portfolio(load_rubric(), group_by="sector")
        for v in values:
            portfolio.add(Tally("multi_channel", "1.0", v, (), group="x"))
            grouped.add(Tally("multi_channel", "1.0", v, (), group="x"))
        ordered = sorted(values)
        quartiles = statistics.quantiles(ordered, n=4, method="inclusive")
        expected = [ordered[0], *quartiles, ordered[-1]]
        assert list(portfolio.index_spread().values()) == [round(v, 4) for v in expected]
        assert grouped.groups["x"].index_spread() == portfolio.index_spread()
