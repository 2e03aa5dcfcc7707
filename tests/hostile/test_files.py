"""Broken and hostile files and paths through the command line: one line each, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from retail_stage.cli import app

runner = CliRunner()

FILES = [
    (
        "tab.yaml",
        b"company:\n\tname: X\n",
        "tab.yaml:2:1: error: invalid YAML: a tab; YAML indents with spaces only",
    ),
    (
        "syntax.yaml",
        b"company: [x\n",
        "syntax.yaml:2:1: error: invalid YAML: did not find expected ',' or ']'",
    ),
    (
        "utf16.yaml",
        "company: {name: X}".encode("utf-16"),
        "utf16.yaml:1:1: error: file is UTF-16; save it as UTF-8",
    ),
    (
        "latin1.yaml",
        b"company: {name: Caf\xe9}\n",
        "latin1.yaml:1:20: error: not UTF-8 text (byte 0xe9)",
    ),
    (
        "binary.yaml",
        bytes(range(256)),
        "binary.yaml: error: binary file: expected UTF-8 text (YAML or JSON)",
    ),
    ("empty.yaml", b"", "empty.yaml: error: file is empty: expected a profile"),
    ("blank.yaml", b"\n  \n", "blank.yaml: error: file is empty: expected a profile"),
    (
        "comments.yaml",
        b"# nothing\n",
        "comments.yaml: error: no profile in file: it is empty or holds only comments",
    ),
    (
        "scalar.yaml",
        b"42\n",
        "scalar.yaml:1:1: error: expected a mapping at the top of the document, got a number",
    ),
    (
        "list.yaml",
        b"- a\n",
        "list.yaml:1:1: error: expected a mapping at the top of the document, got a list",
    ),
    (
        "nan.json",
        b'{"company": {"name": "X"}, "answers": {"a": NaN}}',
        "nan.json:1:1: error: invalid JSON: NaN is not a number JSON allows",
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), FILES, ids=[f[0] for f in FILES])
def test_broken_file_is_one_line_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes, expected: str
) -> None:
    (tmp_path / name).write_bytes(content)
    monkeypatch.chdir(tmp_path)  # so the message names the file as it was typed
    result = runner.invoke(app, ["score", name, "-f", "json"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == expected
    assert "Traceback" not in result.stderr


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfcompany: {name: X}\n")
    assert runner.invoke(app, ["score", str(path), "-f", "json"]).exit_code == 0


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("company: {name: X}\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(path), "--max-bytes", "10", "-f", "json"])
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0]
        == f"{path}: error: file is 19 bytes, over the limit of 10 bytes"
    )


def test_jsonl_line_over_the_size_limit_spares_the_others(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(
        '{"company": {"name": "' + "x" * 200 + '"}}\n{"company": {"name": "Y"}}\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["score", str(path), "--max-bytes", "100", "-f", "jsonl"])
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0] == f"{path}:1:1: error: line is over the limit of 100 bytes"
    )
    assert result.stdout.count("\n") == 2  # the error record and the second profile


def test_missing_path(tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", str(tmp_path / "nope.yaml"), "-f", "json"])
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0] == f"{tmp_path / 'nope.yaml'}: error: no such file or folder"
    )


def test_folder_where_a_file_is_expected(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path}: error: is a folder, expected a file\n"


def test_output_under_a_file_is_bad_usage(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["score", str(tmp_path), "-o", str(blocker / "out.json")])
    assert result.exit_code == 2
    assert (
        result.stderr == f"{blocker / 'out.json'}: error: cannot write: {blocker} is not a folder\n"
    )


def test_no_profile_scored_prints_no_empty_table(tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert result.stdout == ""


def test_a_mapping_inside_an_answer_does_not_stop_the_batch(tmp_path: Path) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text("company: {name: A}\nanswers:\n  mc_online_assortment: {value: {a: 1}}\n")
    good = tmp_path / "b.yaml"
    good.write_text("company: {name: B}\n")
    result = runner.invoke(app, ["score", str(tmp_path), "-f", "jsonl"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{bad}:3:33: error: expected a number for 'mc_online_assortment', got {{'a': 1}}"
    )
    assert len(result.stdout.splitlines()) == 2


def test_standard_input_closed_is_one_line() -> None:
    import json
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "retail_stage", "score", "-", "-f", "jsonl"],
        preexec_fn=lambda: os.close(0),  # the point: a closed stdin
        capture_output=True,
        text=True,
        check=False,
    )
    message = "<stdin>: error: cannot read: standard input is closed"
    assert done.returncode == 1
    assert json.loads(done.stdout) == {
        "source": "<stdin>",
        "error": message,
        "line": None,
        "column": None,
        "message": "cannot read: standard input is closed",
    }
    assert done.stdout.count("\n") == 1
    assert done.stderr.splitlines()[0] == "<stdin>: error: cannot read: standard input is closed"
    assert "Traceback" not in done.stderr
