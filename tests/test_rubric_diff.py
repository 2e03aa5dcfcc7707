"""`rubric diff`: what changed between two rubric versions and which profiles it moves."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from retail_stage.cli import app
from retail_stage.engine import compile_rubric
from retail_stage.loading import Document, load_rubric
from retail_stage.rubric_diff import diff_rubrics, impact

ROOT = Path(__file__).parent.parent
TINY = Path(__file__).parent / "rubrics" / "bilingual.yaml"
runner = CliRunner()

NEXT_VERSION_EDITS = [
    ('version: "1"', 'version: "2"'),
    ("threshold: 0.5\n", "threshold: 0.6\n"),
    ("label: {threshold: 0.5,", "label: {threshold: 0.4,"),
    ("    weight: 1\n", "    weight: 3\n"),
    ("    required: true\n", ""),
    ("score: 0.5}", "score: 0.25}"),
]
ADDED = """\
  - id: c
    stage: s1
    dimension: d1
    focus: supply
    weight: 1
    question: {en: Are suppliers connected?, zh: 供应商是否打通？}
    source: integrating supply chains
    answer: {kind: boolean}
"""


def next_version(tmp_path: Path) -> Path:
    text = TINY.read_text(encoding="utf-8")
    for old, new in NEXT_VERSION_EDITS:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "v2.yaml"
    path.write_text(text + ADDED, encoding="utf-8")
    return path


def test_changes_between_two_versions(tmp_path: Path) -> None:
    changes = diff_rubrics(load_rubric(TINY), load_rubric(next_version(tmp_path)))
    assert [c.message for c in changes] == [
        "stage s1: threshold 0.5 -> 0.6",
        "label 2.0: threshold 0.5 -> 0.4",
        "indicator a: gate min score 1 -> none",
        "indicator b: weight 1 -> 3",
        "indicator b: answer scores choice: ship 0.5, pickup 1 -> choice: ship 0.25, pickup 1",
        "indicator c added (s1, d1, supply, weight 1)",
    ]


def test_removed_moved_and_refocused_indicators(tmp_path: Path) -> None:
    old = load_rubric(ROOT / "tests" / "data" / "mini-rubric.yaml")
    text = (ROOT / "tests" / "data" / "mini-rubric.yaml").read_text(encoding="utf-8")
    text = text.replace("  - id: f\n", "  - id: g\n").replace(
        "    stage: s1\n    dimension: d2\n    focus: traffic",
        "    stage: s2\n    dimension: d1\n    focus: supply",
    )
    path = tmp_path / "moved.yaml"
    path.write_text(text, encoding="utf-8")
    assert [c.message for c in diff_rubrics(old, load_rubric(path))] == [
        "indicator f removed (s2, d2, supply, weight 1)",
        "indicator c: moved s1 -> s2",
        "indicator c: dimension d2 -> d1",
        "indicator c: focus traffic -> supply",
        "indicator g added (s2, d2, supply, weight 1)",
    ]


def test_a_profile_that_changes_stage_says_why(tmp_path: Path) -> None:
    old, new = (
        compile_rubric(load_rubric(TINY)),
        compile_rubric(load_rubric(next_version(tmp_path))),
    )
    data = {"company": {"name": "Fresh & Co"}, "answers": {"a": "yes", "b": "ship"}}
    found = impact(old, new, Document("p.yaml", "p.yaml", data, "{}"))
    # Old: (2*1 + 1*0.5) / 3 = 0.833 >= 0.5. New: (2*1 + 3*0.25 + 1*0) / 6 = 0.458 < 0.6.
    assert found.changed
    assert found.headline == "Fresh & Co (p.yaml): s1 2.0 (index 1.00) -> b0 2.0 (index 0.46)"
    assert found.reasons == (
        "s1: met -> not met (attainment 0.83 -> 0.46, threshold 0.5 -> 0.6; "
        "new indicators not answered, counted as 0: c)",
    )


def test_answers_to_removed_indicators_are_left_out_and_listed(tmp_path: Path) -> None:
    path = tmp_path / "no-b.yaml"
    text = TINY.read_text(encoding="utf-8")
    path.write_text(text[: text.index("  - id: b\n")], encoding="utf-8")
    old, new = compile_rubric(load_rubric(TINY)), compile_rubric(load_rubric(path))
    data = {
        "rubric": {"id": "tiny"},
        "company": {"name": "X"},
        "answers": {"a": "no", "b": "pickup"},
    }
    found = impact(old, new, Document("p.yaml", "p.yaml", data, "{}"))
    assert found.dropped == ("b",)
    assert found.errors == ()
    assert not found.changed
    assert found.to_dict()["before"] == {
        "stage": "b0",
        "label": "1.0",
        "index": 0.3333,
        "supply": 0.0,
    }


def test_cli_text_lists_changes_and_moved_profiles(tmp_path: Path) -> None:
    profile = tmp_path / "fresh.yaml"
    profile.write_text("company: {name: Fresh}\nanswers: {a: yes, b: ship}\n", encoding="utf-8")
    steady = tmp_path / "steady.yaml"
    steady.write_text("company: {name: Steady}\nanswers: {a: no, b: ship}\n", encoding="utf-8")
    v2 = next_version(tmp_path)
    result = runner.invoke(app, ["rubric", "diff", str(TINY), str(v2), str(profile), str(steady)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "tiny 1 -> tiny 2",
        "  stage s1: threshold 0.5 -> 0.6",
        "  label 2.0: threshold 0.5 -> 0.4",
        "  indicator a: gate min score 1 -> none",
        "  indicator b: weight 1 -> 3",
        "  indicator b: answer scores choice: ship 0.5, pickup 1 -> choice: ship 0.25, pickup 1",
        "  indicator c added (s1, d1, supply, weight 1)",
        "6 changes",
        "profiles: 1 of 2 change stage or label",
        f"  Fresh ({profile}): s1 2.0 (index 1.00) -> b0 2.0 (index 0.46)",
        "    s1: met -> not met (attainment 0.83 -> 0.46, threshold 0.5 -> 0.6; "
        "new indicators not answered, counted as 0: c)",
    ]


def test_cli_json_and_an_unreadable_profile(tmp_path: Path) -> None:
    v2 = next_version(tmp_path)
    result = runner.invoke(
        app, ["rubric", "diff", str(TINY), str(v2), str(tmp_path / "missing.yaml"), "-f", "json"]
    )
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path / 'missing.yaml'}: error: no such file or folder\n"
    record = json.loads(result.stdout)
    assert record["old"] == {"id": "tiny", "version": "1", "path": str(TINY)}
    assert record["changes"][0] == {
        "area": "stage",
        "subject": "s1",
        "change": "threshold",
        "before": 0.5,
        "after": 0.6,
        "message": "stage s1: threshold 0.5 -> 0.6",
    }
    assert record["profiles"] == []


def test_grocery_variant_against_the_bundled_rubric_moves_two_examples() -> None:
    result = runner.invoke(
        app,
        [
            "rubric",
            "diff",
            str(ROOT / "rubrics" / "retail-stages.yaml"),
            str(ROOT / "examples" / "rubrics" / "grocery-chains.yaml"),
            str(ROOT / "examples" / "profiles"),
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    moved = {
        p["company"]: (p["before"]["stage"], p["after"]["stage"])
        for p in record["profiles"]
        if p["changed"]
    }
    assert moved == {
        "Hanami Beauty": ("smart_retail", "omni_channel"),
        "Tienda Sol": ("single_channel", "multi_channel"),
    }
    (hanami,) = [p for p in record["profiles"] if p["company"] == "Hanami Beauty"]
    assert hanami["reasons"][1] == (
        "label 2.0 -> 1.0: supply focus 0.51 -> 0.38, threshold 0.45 -> 0.4; new supply "
        "indicators not answered, counted as 0: gc_cold_chain_visibility, "
        "gc_fresh_demand_forecasting, gc_supplier_dsd_integration"
    )
    added = [c["subject"] for c in record["changes"] if c["change"] == "added"]
    assert added == [
        "gc_cold_chain_visibility",
        "gc_fresh_demand_forecasting",
        "gc_supplier_dsd_integration",
    ]


def test_every_kind_of_change_is_named() -> None:
    old = load_rubric(ROOT / "tests" / "data" / "mini-rubric.yaml")
    s1, s2 = old.stages
    d1, _ = old.dimensions
    a, b, c, d, e, f = old.indicators
    new = replace(
        old,
        baseline=replace(old.baseline, id="b9"),
        stages=(s2, replace(s1, id="s0"), s1),
        dimensions=(d1,),
        label=replace(old.label, min_stage="s2"),
        indicators=(a, b, replace(c, allow_na=False), d, e, replace(f, ask_if=None)),
    )
    assert [ch.message for ch in diff_rubrics(old, new)] == [
        "rubric baseline: id b0 -> b9",
        "stage s0 added (threshold 0.4)",
        "rubric stages: order s1 < s2 -> s2 < s1",
        "dimension d2 removed",
        "label 2.0: min_stage none -> s2",
        "indicator c: n/a allowed yes -> no",
        "indicator f: ask_if e > 0, else zero -> none",
    ]
    back = [ch.message for ch in diff_rubrics(new, old)]
    assert "stage s0 removed (threshold 0.4)" in back
    assert "dimension d2 added" in back
