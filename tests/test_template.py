"""`retail-stage template`: a blank profile that scores as it is and once filled in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from retail_stage.batch import score_paths
from retail_stage.cli import app
from retail_stage.engine import CompiledRubric, Result
from retail_stage.questionnaire import flow_value, question_order
from retail_stage.template import template_text

from .conftest import DATA, EXAMPLES

runner = CliRunner()
FILES = sorted(EXAMPLES.glob("*.yaml"))


def score_one(compiled: CompiledRubric, path: Path) -> Result:
    (result,) = score_paths(compiled, [str(path)])
    assert isinstance(result, Result), result
    return result


def test_untouched_template_scores_as_all_unknown(bundled: CompiledRubric, tmp_path: Path) -> None:
    path = tmp_path / "blank.yaml"
    path.write_text(template_text(bundled.rubric, "s.json"), encoding="utf-8")
    result = score_one(bundled, path)
    assert result.scores == (None,) * 36
    assert (result.stage, result.label, result.coverage, result.index) == (
        "single_channel",
        "1.0",
        0.0,
        0.0,
    )
    assert (result.stage_range.low, result.stage_range.high) == ("single_channel", "smart_retail")
    assert result.company["name"] == "Company name"


def test_template_lists_every_indicator_once_in_question_order(bundled: CompiledRubric) -> None:
    text = template_text(bundled.rubric, "../schemas/profile.schema.json")
    assert text.startswith("# yaml-language-server: $schema=../schemas/profile.schema.json\n")
    keys = re.findall(r"^  (\w+): unknown$", text, re.MULTILINE)
    assert keys == [ind.id for ind in question_order(bundled.rubric)]
    data = yaml.safe_load(text)
    assert data["rubric"] == {"id": "retail-stages", "version": "1.1"}
    assert list(data["company"]) == ["name", "id", "sector", "country", "assessed_on"]
    assert max(len(line) for line in text.splitlines()) <= 100


def test_template_shows_question_options_and_help(bundled: CompiledRubric) -> None:
    text = template_text(bundled.rubric, "s.json")
    block = text[text.index("  # 3.  ") : text.index("  mc_official_online_shop: unknown")]
    assert block == (
        "  # 3.  Does the company run its own official online shop in which customers can complete a\n"
        "  #     purchase?\n"
        "  #     Answer: one option:\n"
        "  #       none              No online shop\n"
        "  #       marketplace-only  Only a store on a third-party marketplace\n"
        "  #       own-shop          Own official online shop (web, app or mini-program)\n"
        "  #     Help: The stage's typical online channel is the official website on a computer. A\n"
        '  #           mobile-only official shop (own app or mini-program) counts as "own official shop": it\n'
        "  #           is the later form of the same channel. A store on a marketplace (Tmall, Amazon,\n"
        "  #           Mercado Livre, Zalando...) counts as half.\n"
    )
    assert "  # ── Inventory & fulfilment ──" in text
    assert "  #     Answer: a number from 0 to 100 %.\n  #     n/a if it does not apply" in text
    assert (
        "Answer only when question 25 (sr_consumer_behaviour_data) is more than its lowest answer; "
        "otherwise it counts as zero." in " ".join(text.replace("#", "").split())
    )
    assert (  # a single-channel company is not asked what assumes several channels
        "Answer only when question 1 (mc_two_complete_channels) is yes; otherwise it counts as zero."
        in " ".join(text.replace("#", "").split())
    )


@pytest.mark.parametrize("example", FILES, ids=[p.stem for p in FILES])
def test_template_filled_in_scores_like_the_example(
    bundled: CompiledRubric, tmp_path: Path, example: Path
) -> None:
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    text = template_text(bundled.rubric, "s.json")
    text = text.replace("  name: Company name", f"  name: {flow_value(data['company']['name'])}")
    for key, value in data["answers"].items():
        text = text.replace(f"  {key}: unknown\n", f"  {key}: {flow_value(value)}\n")
    filled = tmp_path / example.name
    filled.write_text(text, encoding="utf-8")
    got, expected = score_one(bundled, filled), score_one(bundled, example)
    assert got.replace(source="", company={}) == expected.replace(source="", company={})


def test_cli_template_to_stdout_and_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["template", "--rubric", str(DATA / "mini-rubric.yaml")])
    assert result.exit_code == 0
    assert re.findall(r"^  (\w+): unknown$", result.stdout, re.MULTILINE) == [
        "a",
        "b",
        "e",
        "c",
        "d",
        "f",
    ]
    out = tmp_path / "blank.yaml"
    assert runner.invoke(app, ["template", "-o", str(out)]).exit_code == 0
    # Outside the source checkout, no path into this machine's installed package: a hint.
    assert out.read_text().splitlines()[0] == (
        "# For completion in your editor: retail-stage template --with-schema -o FILE "
        "writes the schema beside FILE."
    )
    out.write_text("mine")
    refused = runner.invoke(app, ["template", "-o", str(out)])
    assert (refused.exit_code, refused.stderr) == (
        2,
        f"{out}: error: file exists; choose another name or pass --force\n",
    )
    assert out.read_text() == "mine"
    assert (
        runner.invoke(app, ["template", "-o", str(out), "--force", "--with-schema"]).exit_code == 0
    )
    assert out.read_text().startswith("# yaml-language-server: $schema=profile.schema.json\n")
    schema = Path(__file__).parent.parent / "schemas" / "profile.schema.json"
    assert (tmp_path / "profile.schema.json").read_text() == schema.read_text()


def test_template_in_the_checkout_points_at_its_schema_and_needs_an_output_for_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(Path(__file__).parent / "data")
    result = runner.invoke(app, ["template"])
    assert result.stdout.startswith(
        "# yaml-language-server: $schema=../../schemas/profile.schema.json\n"
    )
    refused = runner.invoke(app, ["template", "--with-schema"])
    assert (refused.exit_code, refused.stderr) == (
        2,
        "error: --with-schema writes the schema beside the --output file; name one\n",
    )


def test_cli_template_with_a_bad_rubric(tmp_path: Path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text("id: x\n")
    result = runner.invoke(app, ["template", "--rubric", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{bad}:1:1: error: document: missing required key 'version'"
    )
