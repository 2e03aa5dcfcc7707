"""`retail-stage assess` in a real pseudo-terminal: answer, Ctrl-C, resume, finish."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from retail_stage.loading import load_rubric
from retail_stage.questionnaire import question_order

from .conftest import EXAMPLES

pexpect = pytest.importorskip("pexpect")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")
PROMPT = "› "


def typed(value: Any) -> str:
    """What a person types for a profile value."""
    if isinstance(value, dict):
        return f"{typed(value['value'])} # {value['note']}"
    if isinstance(value, bool):
        return "y" if value else "n"
    if isinstance(value, list):
        return ",".join(value) or "0"
    return str(value)


def spawn(args: list[str], cwd: Path) -> Any:
    env = {"TERM": "xterm-256color", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    return pexpect.spawn(
        sys.executable,
        ["-m", "retail_stage", *args],
        cwd=str(cwd),
        env=env,
        dimensions=(40, 100),
        encoding="utf-8",
        timeout=20,
    )


def test_answer_interrupt_resume_and_finish_in_a_terminal(tmp_path: Path) -> None:
    example = EXAMPLES / "03-lotus-lane-grocers.yaml"
    answers = yaml.safe_load(example.read_text(encoding="utf-8"))["answers"]
    order = [ind.id for ind in question_order(load_rubric())]
    lines = [typed(answers[i]) for i in order]

    child = spawn(["assess"], tmp_path)
    for prompt, line in (
        ("Company name (required): ", "Lotus Lane Grocers"),
        ("Sector", ""),
        ("Country", "CN"),
    ):
        child.expect_exact(prompt)
        child.sendline(line)
    for number, line in enumerate(lines[:10], start=1):
        child.expect_exact(f"Question {number}/36 · ")
        child.expect_exact(PROMPT)
        child.sendline(line)
    child.expect_exact("Question 11/36 · ")
    child.expect_exact(PROMPT)
    child.sendintr()  # Ctrl-C at question 11
    child.expect(pexpect.EOF)
    child.close()
    shown = ANSI.sub("", child.before)
    assert child.exitstatus == 130
    saved = tmp_path / "lotus-lane-grocers.yaml"
    assert (
        "Stopped (Ctrl-C). 10 answers saved in lotus-lane-grocers.yaml. To continue: "
        "retail-stage assess --resume lotus-lane-grocers.yaml" in " ".join(shown.split())
    )
    profile = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert profile["company"]["name"] == "Lotus Lane Grocers"
    assert profile["company"]["country"] == "CN"
    assert profile["answers"] == {i: answers[i] for i in order[:10]}

    child = spawn(["assess", "--resume", saved.name], tmp_path)
    child.expect_exact("Continuing at question 11/36.")
    for number, line in enumerate(lines[10:], start=11):
        child.expect_exact(f"Question {number}/36 · ")
        child.expect_exact(PROMPT)
        child.sendline(line)
    last_header = ANSI.sub("", child.before)
    child.expect(pexpect.EOF)  # the result, then the end: no further prompt
    child.close()
    assert child.exitstatus == 0
    raw = child.before
    assert "\x1b[" in raw  # a real terminal gets colour
    result_text = ANSI.sub("", raw)
    assert PROMPT not in result_text.split("Result · Lotus Lane Grocers")[1]
    assert last_header.startswith("Organisation ")

    scored = subprocess.run(
        [sys.executable, "-m", "retail_stage", "score", saved.name, "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    (record,) = json.loads(scored.stdout)
    assert f"Stage     {record['stage_name']}" in result_text
    assert f"Index     {record['index']:.2f} of 3" in result_text
    assert f"Label     {record['label']} · " in result_text
    expected = yaml.safe_load(example.read_text(encoding="utf-8"))
    assert yaml.safe_load(saved.read_text(encoding="utf-8"))["answers"] == expected["answers"]
    assert record["stage"] == "omni_channel"  # as the example's `# expect:` line says


def test_a_closed_terminal_keeps_every_answer(tmp_path: Path) -> None:
    child = spawn(["assess", "--save", "hung.yaml"], tmp_path)
    for prompt, line in (("Company name (required): ", "Hung Up"), ("Sector", ""), ("Country", "")):
        child.expect_exact(prompt)
        child.sendline(line)
    for number, line in ((1, "y"), (2, "stores,web-shop # two")):
        child.expect_exact(f"Question {number}/36 · ")
        child.expect_exact(PROMPT)
        child.sendline(line)
    child.expect_exact("Question 3/36 · ")
    child.expect_exact(PROMPT)
    child.kill(signal.SIGHUP)  # what the terminal sends when its window is closed
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 129
    assert "Traceback" not in child.before
    saved = yaml.safe_load((tmp_path / "hung.yaml").read_text(encoding="utf-8"))
    assert saved["answers"] == {
        "mc_two_complete_channels": True,
        "mc_channel_types": {"value": ["stores", "web-shop"], "note": "two"},
    }
