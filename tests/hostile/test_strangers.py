"""What a stranger's files and machines do that ours did not: an output onto an input found in
a folder, numbers too long to convert, inputs that never end (issue 16's defects)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retail_stage.cli import app
from tests.conftest import DATA

runner = CliRunner()
MINI = str(DATA / "mini-rubric.yaml")
GOOD = "company: {{name: {name}}}\nanswers: {{a: yes, b: all}}\n"


def score(*arguments: str, input: str | None = None) -> tuple[int, str, list[str]]:
    result = runner.invoke(app, ["score", "--rubric", MINI, *arguments], input=input)
    return result.exit_code, result.stdout, result.stderr.splitlines()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder `p` of two profiles, the current folder its parent."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "1.yaml").write_text(GOOD.format(name="One"))
    (tmp_path / "p" / "2.yaml").write_text(GOOD.format(name="Two"))
    return tmp_path / "p"


def test_an_output_onto_a_profile_found_in_a_folder_is_refused(folder: Path) -> None:
    before = (folder / "1.yaml").read_bytes()
    code, stdout, stderr = score("p", "-f", "yaml", "-o", "p/1.yaml")
    assert (code, stdout) == (2, "")
    assert stderr == [
        "p/1.yaml: error: the output is also an input (found in p); choose another file"
    ]
    assert (folder / "1.yaml").read_bytes() == before


def test_an_output_onto_a_profile_a_glob_finds_is_refused(folder: Path) -> None:
    code, _, stderr = score("p/*.yaml", "-f", "yaml", "-o", "p/2.yaml")
    assert code == 2
    assert stderr == [
        "p/2.yaml: error: the output is also an input (found in p/*.yaml); choose another file"
    ]


def test_a_hidden_or_foreign_output_in_the_folder_is_not_an_input(folder: Path) -> None:
    code, _, stderr = score("p", "-f", "csv", "-o", "p/results.csv")
    assert code == 0
    assert stderr[-1].startswith("2 profiles scored, 0 invalid")
    assert (folder / "results.csv").read_text().count("\n") == 3  # a header and two rows
    code, _, _ = score("p/1.yaml", "-f", "json", "-o", "p/.results.json")
    assert code == 0


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl"])
def test_a_second_run_skips_its_own_output_and_says_so(folder: Path, fmt: str) -> None:
    assert score("p", "-f", fmt, "-o", f"p/results.{fmt}")[0] == 0
    first = (folder / f"results.{fmt}").read_text()
    code, _, stderr = score("p", "-f", fmt, "-o", f"p/results.{fmt}")
    assert code == 0
    assert stderr[0] == f"p/results.{fmt}: warning: not read as a profile: it is this run's output"
    assert stderr[1].startswith("2 profiles scored, 0 invalid")
    assert (folder / f"results.{fmt}").read_text() == first


def test_a_json_report_folder_among_the_inputs_is_refused(folder: Path) -> None:
    code, _, stderr = score("p", "--report-dir", "p/reports", "--report-format", "json")
    assert code == 2
    assert stderr == [
        "p/reports: error: --report-dir: json reports there would sit among the profiles of p "
        "and be read as profiles; choose another folder"
    ]
    assert not (folder / "reports").exists()
    code, _, _ = score("p", "--report-dir", "p/reports", "--report-format", "html", "-o", "r.csv")
    assert code == 0
    assert sorted(path.name for path in (folder / "reports").iterdir()) == ["one.html", "two.html"]


YAML_HEAD = "company: {name: X}\nanswers:\n  a: "


@pytest.mark.parametrize(
    ("name", "text", "where", "length"),
    [
        ("big.yaml", YAML_HEAD + "9" * 5000 + "\n", "3:6", 5000),
        ("hex.yaml", YAML_HEAD + "0x" + "f" * 5000 + "\n", "3:6", 5002),
        ("big.json", '{"company": {"name": "X"}, "a": -' + "7" * 4400 + "}", "1:33", 4401),
    ],
)
def test_a_number_too_long_to_convert_is_one_line_and_the_batch_goes_on(
    tmp_path: Path, name: str, text: str, where: str, length: int
) -> None:
    big = tmp_path / name
    big.write_text(text)
    good = tmp_path / "good.yaml"
    good.write_text(GOOD.format(name="Good"))
    code, stdout, stderr = score(str(big), str(good), "-f", "jsonl")
    assert code == 1
    assert stderr[0] == (
        f"{big}:{where}: error: a number of {length:,} characters is too long "
        "(the limit is 100); is this the right value?"
    )
    assert [json.loads(row)["source"] for row in stdout.splitlines()][1] == str(good)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("where", ["profile", "rubric", "stdin"])
def test_an_endless_input_stops_at_the_limit(tmp_path: Path, where: str) -> None:
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    good = tmp_path / "good.yaml"
    good.write_text(GOOD.format(name="Good"))
    arguments = {
        "profile": ["--rubric", MINI, "--max-bytes", "1000", str(zero), str(good)],
        "rubric": ["--rubric", str(zero), str(good)],
        "stdin": ["--rubric", MINI, "--max-bytes", "1000", "-"],
    }[where]
    with open("/dev/zero", "rb") as endless:
        done = subprocess.run(
            [sys.executable, "-m", "retail_stage", "score", "-f", "jsonl", *arguments],
            stdin=endless if where == "stdin" else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
    limit = "5,242,880" if where == "rubric" else "1,000"
    shown = "<stdin>" if where == "stdin" else str(zero)
    assert done.stderr.splitlines()[0] == f"{shown}: error: file is over the limit of {limit} bytes"
    assert done.returncode == (2 if where == "rubric" else 1)
    if where == "profile":
        assert json.loads(done.stdout.splitlines()[1])["company"]["name"] == "Good"


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any byte")
def test_file_names_are_shown_escaped_in_every_output(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    for raw in (b"a\xffb.yaml", b"e\x1b[31mred.yaml", b"n\nl.yaml"):
        with open(folder + b"/" + raw, "wb") as stream:
            stream.write(GOOD.format(name="Good").encode())
    with open(folder + b"/bad\x1b\xff\nx.yaml", "wb") as stream:
        stream.write(b"company: [x\n")
    shown = [f"{tmp_path}/{name}" for name in ("a\\xffb.yaml", "e\\x1b[31mred.yaml", "n\\nl.yaml")]
    for fmt in ("jsonl", "csv", "markdown"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "retail_stage",
                "score",
                "--rubric",
                MINI,
                "-f",
                fmt,
                str(tmp_path),
            ],
            capture_output=True,
        )
        stdout, stderr = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")  # valid UTF-8
        assert stderr.splitlines()[0] == (
            f"{tmp_path}/bad\\x1b\\xff\\nx.yaml:2:1: error: invalid YAML: "
            "did not find expected ',' or ']'"
        )
        assert "\x1b" not in stdout + stderr
        if fmt == "jsonl":
            records = [json.loads(line) for line in stdout.splitlines()]
            assert [record["source"] for record in records] == [
                shown[0],
                records[1]["source"],
                *shown[1:],
            ]
        elif fmt == "csv":
            assert [row.split(",")[0] for row in stdout.splitlines()[1:]] == [
                shown[0],
                f"{tmp_path}/bad\\x1b\\xff\\nx.yaml",
                *shown[1:],
            ]
        else:  # Markdown escapes its own marks: a backslash shows as one
            assert "/n\\\\nl.yaml | Good |" in stdout


def test_a_profile_with_three_mistakes_gets_three_located_lines(tmp_path: Path) -> None:
    path = tmp_path / "three.yaml"
    path.write_text("company: {name: Three}\nanswers:\n  a: maybe\n  b: most\n  zz: yes\n")
    code, stdout, stderr = score(str(path), "-f", "json")
    assert code == 1
    assert stderr[:3] == [
        f"{path}:3:6: error: 'maybe' is not yes or no",
        f"{path}:4:6: error: 'most' is not one of the options: none, some, all",
        f"{path}:5:3: error: unknown indicator 'zz' for rubric 'mini'",
    ]
    assert stderr[3] == "0 profiles scored, 1 invalid" + stderr[3].split("invalid")[1]
    (record,) = json.loads(stdout)
    assert {key: record[key] for key in ("source", "line", "column", "message")} == {
        "source": str(path),
        "line": 3,
        "column": 6,
        "message": "'maybe' is not yes or no",
    }
    assert record["error"] == stderr[0]
    assert [(e["line"], e["column"], e["severity"]) for e in record["errors"]] == [
        (3, 6, "error"),
        (4, 6, "error"),
        (5, 3, "error"),
    ]


def test_past_ten_mistakes_one_line_counts_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text("company: {name: M}\nanswers:\n" + "".join(f"  x{n}: yes\n" for n in range(13)))
    code, _, stderr = score(str(path), "-f", "jsonl")
    assert code == 1
    assert stderr[9] == f"{path}:12:3: error: unknown indicator 'x9' for rubric 'mini'"
    assert stderr[10] == f"{path}: error: and 3 more problems"
    assert stderr[11].startswith("0 profiles scored, 1 invalid")
