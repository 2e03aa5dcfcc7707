"""A reader that goes away (`retail-stage report X | head`) ends the command as it ends
`git log | head`: killed by SIGPIPE (the shell says 141), nothing on stderr, no traceback and
no "Exception ignored" line."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DATA, EXAMPLES

OLD = str(EXAMPLES / "03-lotus-lane-grocers.yaml")
NEW = str(DATA / "03-lotus-lane-grocers-2027.yaml")
COMMANDS = {
    "score": ["score", str(EXAMPLES)],
    "score-json": ["score", str(EXAMPLES), "-f", "json", "--workers", "2"],
    "score-summary": ["score", str(EXAMPLES), "--summary"],
    "report": ["report", OLD],
    "report-md": ["report", OLD, "-f", "md"],
    "report-zh": ["report", OLD, "--lang", "zh"],
    "compare": ["compare", OLD, NEW],
    "compare-json": ["compare", OLD, NEW, "-f", "json"],
    "rubric-show": ["rubric", "show"],
    "rubric-show-md": ["rubric", "show", "-f", "markdown"],
    "rubric-schema": ["rubric", "schema"],
    "template": ["template"],
    "help": ["report", "--help"],
}
ENV = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="no SIGPIPE on Windows")


def _git_log_head(repository: Path) -> tuple[int, bytes]:
    """What git does when the reader of its output is gone before it writes."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            ["git", "log", "-3"], stdout=write, stderr=subprocess.PIPE, cwd=repository, check=False
        )
    finally:
        os.close(write)
    return done.returncode, done.stderr


def _repository(folder: Path) -> Path:
    """A small git repository of its own (the tests also run from an unpacked sdist)."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "init", "-q", str(folder)], check=True, env=env)
    for n in range(3):
        subprocess.run(
            ["git", "commit", "-q", "--allow-empty", "-m", f"commit {n}"],
            cwd=folder,
            check=True,
            env=env,
        )
    return folder


@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_reader_gone_before_the_first_line_ends_the_command_as_git_ends(args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written: every write fails
    try:
        done = subprocess.run(
            [sys.executable, "-m", "retail_stage", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            env=ENV,
            check=False,
            timeout=60,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr.decode()) == (-signal.SIGPIPE, "")


def test_git_ends_the_same_way(tmp_path: Path) -> None:
    """The behaviour matched: git is killed by SIGPIPE and says nothing."""
    if subprocess.run(["git", "--version"], capture_output=True, check=False).returncode:
        pytest.skip("no git")
    assert _git_log_head(_repository(tmp_path / "repo")) == (-signal.SIGPIPE, b"")


@pytest.mark.parametrize(
    "args", [COMMANDS["report"], COMMANDS["compare"], [*COMMANDS["score"], "--quiet"]]
)
def test_pipe_into_head_shows_the_first_lines_and_nothing_on_stderr(
    args: list[str], tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "retail_stage", *args]
    full = subprocess.run(command, capture_output=True, env=ENV, check=False).stdout
    quoted = " ".join(shlex.quote(part) for part in command)
    done = subprocess.run(
        ["bash", "-c", f"{quoted} 2>err.txt | head -3; echo ${{PIPESTATUS[0]}} >status.txt"],
        capture_output=True,
        env=ENV,
        cwd=tmp_path,
        check=False,
    )
    assert done.stdout == b"".join(full.splitlines(keepends=True)[:3])
    assert (tmp_path / "err.txt").read_text() == ""
    # The command finished before head left (0), or was still writing when head left (141:
    # killed by SIGPIPE), as git does; which one is a race between the two processes.
    assert (tmp_path / "status.txt").read_text().strip() in ("0", "141")
