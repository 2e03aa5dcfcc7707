"""User text in every batch output: shown literally, never markup, escapes or formulas."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from retail_stage.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()

EVIL = '=HYPERLINK("http://e")[bold red]|<script>x</script>\x1b[31m\x1b]8;;http://e\x07link\x1b]8;;\x07\nnext'


@pytest.fixture
def evil_profile(tmp_path: Path) -> Path:
    path = tmp_path / "evil.json"
    data = {"company": {"name": EVIL, "id": "@evil"}, "answers": {"mc_two_complete_channels": True}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def score(path: Path, fmt: str) -> str:
    result = runner.invoke(app, ["score", str(path), "-f", fmt])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("fmt", ["json", "jsonl", "yaml"])
def test_data_formats_carry_the_exact_string(evil_profile: Path, fmt: str) -> None:
    text = score(evil_profile, fmt)
    assert "\x1b" not in text
    assert "\x07" not in text
    records = (
        yaml.safe_load(text)
        if fmt == "yaml"
        else (
            json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
        )
    )
    assert records[0]["company"]["name"] == EVIL


def test_csv_cell_is_no_formula_and_reads_back(evil_profile: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(score(evil_profile, "csv"))))
    assert rows[0]["company_name"] == "'" + EVIL
    assert rows[0]["company_id"] == "'@evil"


def test_markdown_keeps_the_table_whole(evil_profile: Path) -> None:
    lines = score(evil_profile, "markdown").splitlines()
    row = next(line for line in lines if "HYPERLINK" in line)
    assert row.count(" | ") == lines[0].count(" | ")  # the user's | did not add a column
    assert "\x1b" not in row
    assert "<script>" not in row
    assert "next" in row  # the newline stayed inside the row


def test_terminal_table_shows_markup_and_escapes_as_text(evil_profile: Path) -> None:
    text = score(evil_profile, "table")
    assert "\x1b" not in text
    assert "\x07" not in text
    assert 'HYPERLINK("http://e")[' in text
    assert "red]" in text
    assert "\\x1b" in text


def test_output_is_byte_identical_across_hash_seeds_and_workers(tmp_path: Path) -> None:
    outputs: dict[str, set[bytes]] = {}
    for fmt in ("json", "jsonl", "csv", "yaml", "markdown"):
        for seed, workers in (("0", "1"), ("1", "2"), ("12345", "2")):
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "retail_stage",
                    "score",
                    str(EXAMPLES),
                    "-f",
                    fmt,
                    "-w",
                    workers,
                ],
                capture_output=True,
                check=True,
                env={**os.environ, "PYTHONHASHSEED": seed},
            )
            outputs.setdefault(fmt, set()).add(done.stdout)
    assert {fmt: len(seen) for fmt, seen in outputs.items()} == dict.fromkeys(outputs, 1)
