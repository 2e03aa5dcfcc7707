"""Hostile YAML: each refused with one located line, quickly, before anything walks it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retail_stage.cli import app
from retail_stage.sources import MAX_DEPTH, SourceError, load_yaml_documents

runner = CliRunner()

LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)  # 9**9 (387 million) strings once expanded, from 400 bytes of text

CASES = [
    (
        LAUGHS,
        "x.yaml:1:28: error: aliases expand this document beyond its size; refusing it (an alias bomb?)",
    ),
    ("a: &a [*a]\n", f"x.yaml:1:4: error: document is nested more than {MAX_DEPTH} levels deep"),
    (
        "[" * 150 + "]" * 150,
        f"x.yaml:1:101: error: document is nested more than {MAX_DEPTH} levels deep",
    ),
    ("[" * 5000 + "]" * 5000, "x.yaml:1:1001: error: document is nested too deeply"),
    (
        "".join(" " * n + "a:\n" for n in range(3000)),
        "x.yaml:1000:1001: error: document is nested too deeply",
    ),
    (
        "a: !!python/object/apply:os.system [ls]\n",
        "x.yaml:1:4: error: tag '!!python/object/apply:os.system' is not allowed: only plain data (mappings, lists, text, numbers)",
    ),
    (
        "a: !custom {b: 1}\n",
        "x.yaml:1:4: error: tag '!custom' is not allowed: only plain data (mappings, lists, text, numbers)",
    ),
    (
        "a: !!set {b: null}\n",
        "x.yaml:1:4: error: tag '!!set' is not allowed: only plain data (mappings, lists, text, numbers)",
    ),
    (
        "a: !!binary aGk=\n",
        "x.yaml:1:4: error: tag '!!binary' is not allowed: only plain data (mappings, lists, text, numbers)",
    ),
    ("a: {1: x}\n", "x.yaml:1:5: error: key '1' is read as a number, not text; put it in quotes"),
    (
        "a: {yes: x}\n",
        "x.yaml:1:5: error: key 'yes' is read as a yes/no, not text; put it in quotes",
    ),
    ("a: {~: x}\n", "x.yaml:1:5: error: key '~' is read as empty, not text; put it in quotes"),
    (
        "a: {2026-01-01: x}\n",
        "x.yaml:1:5: error: key '2026-01-01' is read as a date, not text; put it in quotes",
    ),
    ("a: {[b]: x}\n", "x.yaml:1:5: error: a mapping key must be a plain value"),
    (
        "a: {!weird b: x}\n",
        "x.yaml:1:5: error: tag '!weird' is not allowed: only plain data (mappings, lists, text, numbers)",
    ),
    ("a: 1\nb: 2\na: 3\n", "x.yaml:3:1: error: duplicate key 'a'"),
    (
        "a: 2026-13-45\n",
        "x.yaml:1:4: error: '2026-13-45' looks like a date but is not one; put it in quotes if it is text",
    ),
    ("a: {<<: [x]}\n", "x.yaml:1:10: error: '<<' merges mappings only"),
    ("a: [b\n", "x.yaml:2:1: error: invalid YAML: did not find expected ',' or ']'"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_hostile_yaml_is_one_located_line(text: str, expected: str) -> None:
    with pytest.raises(SourceError) as caught:
        load_yaml_documents(text, "x.yaml")
    assert [str(p) for p in caught.value.problems] == [expected]


def test_plain_data_loads_as_pyyaml_would() -> None:
    text = "a: [1, 0x1f, 017, 1_000, 1.5, .inf, ~, yes, Off, 2026-01-02, '3', !!str 4, =]\n"
    (document,) = load_yaml_documents(text, "x.yaml")
    assert document == {
        "a": [
            1,
            31,
            15,
            1000,
            1.5,
            float("inf"),
            None,
            True,
            False,
            dt.date(2026, 1, 2),
            "3",
            "4",
            "=",
        ]
    }


def test_merge_keys_and_modest_aliases_still_work() -> None:
    text = "base: &b {x: 1, y: 2}\nboth: {<<: [*b, {z: 3}], y: 9}\nagain: *b\n"
    (document,) = load_yaml_documents(text, "x.yaml")
    assert document == {
        "base": {"x": 1, "y": 2},
        "both": {"y": 9, "x": 1, "z": 3},
        "again": {"x": 1, "y": 2},
    }


def test_the_cli_shows_one_line_and_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(LAUGHS)
    result = runner.invoke(app, ["score", str(tmp_path / "bomb.yaml"), "-f", "json"])
    assert result.exit_code == 1
    error, summary = result.stderr.splitlines()
    assert (
        error
        == f"{tmp_path / 'bomb.yaml'}:1:28: error: aliases expand this document beyond its size; refusing it (an alias bomb?)"
    )
    assert summary.startswith("0 profiles scored, 1 invalid in ")
    assert "Traceback" not in result.output


def test_a_file_nested_millions_deep_is_one_line_not_a_crash(tmp_path: Path) -> None:
    # Under the size limit; libyaml before PyYAML 6.0.4 composed it recursively and the process
    # died of a segmentation fault (hence the floor PyYAML>=6.0.4). A real process, to see that.
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 2_000_000 + "]" * 2_000_000, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "retail_stage", "score", str(deep), "-f", "json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == f"{deep}:1:1001: error: document is nested too deeply"
