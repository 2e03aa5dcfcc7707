"""`score --report-dir`, `--lang`, and the output that would overwrite an input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retail_stage.cli import app

from .conftest import EXAMPLES

runner = CliRunner()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_report_dir_writes_one_report_per_profile(tmp_path: Path, workers: str) -> None:
    folder = tmp_path / "reports"
    result = runner.invoke(
        app,
        [
            "score",
            str(EXAMPLES),
            "-f",
            "jsonl",
            "--report-dir",
            str(folder),
            "--report-format",
            "md",
            "-w",
            workers,
        ],
    )
    assert result.exit_code == 0, result.stderr
    ids = [json.loads(line)["company"]["id"] for line in result.stdout.splitlines()]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{i}.md" for i in ids)
    lotus = (folder / "lotus-lane.md").read_text(encoding="utf-8")
    assert lotus.startswith("# Retail digitalization report: Lotus Lane Grocers\n")


def test_report_dir_is_the_same_whatever_the_workers(tmp_path: Path) -> None:
    texts = []
    for workers in ("1", "2"):
        folder = tmp_path / workers
        runner.invoke(
            app,
            [
                "score",
                str(EXAMPLES),
                "-f",
                "csv",
                "--report-dir",
                str(folder),
                "--report-format",
                "json",
                "-w",
                workers,
            ],
        )
        texts.append({p.name: p.read_bytes() for p in folder.iterdir()})
    assert texts[0] == texts[1]
    assert len(texts[0]) == len(list(EXAMPLES.glob("*.yaml")))


def test_report_dir_refuses_the_terminal_format(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "score",
            str(EXAMPLES),
            "--report-dir",
            str(tmp_path / "r"),
            "--report-format",
            "terminal",
        ],
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --report-format: the terminal format is for the screen; use html, pdf, svg, txt, "
        "md or json\n"
    )


def test_lang_names_the_stages_in_chinese() -> None:
    result = runner.invoke(
        app, ["score", str(EXAMPLES / "03-lotus-lane-grocers.yaml"), "-f", "json", "--lang", "zh"]
    )
    assert result.exit_code == 0, result.stderr
    (record,) = json.loads(result.stdout)
    assert (record["stage"], record["stage_name"]) == ("omni_channel", "全渠道零售")


def test_output_that_is_an_input_is_refused(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("company: {name: X}\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(profile), "-f", "yaml", "-o", str(profile)])
    assert result.exit_code == 2
    assert result.stderr == f"{profile}: error: the output is also an input; choose another file\n"
    assert profile.read_text(encoding="utf-8") == "company: {name: X}\n"
