"""Where a fast or POSIX-only call is missing (Windows, macOS), the slower portable one gives
the same output: each test hides the fast call on this machine and compares."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retail_stage import batch
from retail_stage.cli import app
from retail_stage.output import write_atomic

from .conftest import DATA, EXAMPLES

runner = CliRunner()
MINI = str(DATA / "mini-rubric.yaml")


def jsonl(tmp_path: Path, count: int = 120) -> Path:
    """A JSONL file of `count` small profiles, one of them invalid."""
    path = tmp_path / "p.jsonl"
    lines = [
        "{nope"
        if n == 7
        else json.dumps({"company": {"name": f"P{n}"}, "answers": {"a": n % 2 == 0}})
        for n in range(1, count + 1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def score(*arguments: str) -> tuple[int, str, list[str]]:
    """Exit code, stdout and stderr lines (the summary line, which holds a time, dropped)."""
    result = runner.invoke(app, ["score", *arguments])
    return result.exit_code, result.stdout, result.stderr.splitlines()[:-1]


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_output_file_gets_the_same_permissions_without_fchmod(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new, kept = tmp_path / "new.txt", tmp_path / "kept.txt"
    kept.write_text("old")
    kept.chmod(0o640)
    write_atomic(new, "with fchmod")
    expected_new = mode_of(new)
    new.unlink()

    monkeypatch.delattr(os, "fchmod")
    write_atomic(new, "by path")
    write_atomic(kept, "by path")
    assert (new.read_text(), mode_of(new)) == ("by path", expected_new)
    assert (kept.read_text(), mode_of(kept)) == ("by path", 0o640)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.txt", "new.txt"]


def test_score_output_is_the_same_without_fchmod(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    assert score(str(EXAMPLES), "-f", "jsonl", "-o", str(first))[0] == 0
    monkeypatch.delattr(os, "fchmod")
    assert score(str(EXAMPLES), "-f", "jsonl", "-o", str(second))[0] == 0
    assert second.read_bytes() == first.read_bytes()
    assert mode_of(second) == mode_of(first)


def test_a_chunk_is_read_at_its_place_without_pread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(b"0123456789\nabcdef\n")
    identity = batch._identity(os.stat(path))
    assert identity is not None
    with_pread = batch._read_at(str(path), 11, 7, identity)
    monkeypatch.delattr(os, "pread")
    assert batch._read_at(str(path), 11, 7, identity) == with_pread == b"abcdef\n"
    with pytest.raises(batch._Changed):  # past the end: the file is not what it was
        batch._read_at(str(path), 15, 7, identity)


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the workers must inherit the patch"
)
def test_two_workers_give_the_same_output_without_pread_or_fcntl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "LINES_PER_TASK", 8)  # many chunks, each read by a worker
    path = str(jsonl(tmp_path))
    alone = score("--rubric", MINI, path, "-f", "jsonl", "-w", "1")
    assert alone[0] == 1  # line 7 is invalid
    monkeypatch.delattr(os, "pread")
    monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` fails, as on Windows
    assert score("--rubric", MINI, path, "-f", "jsonl", "-w", "2") == alone


def test_a_pipe_stays_usable_when_fcntl_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fcntl", None)
    reader, writer = multiprocessing.Pipe(duplex=False)
    batch._widen(writer)
    writer.send("answer")
    assert reader.recv() == "answer"
    reader.close()
    writer.close()


def test_a_two_worker_batch_under_spawn_matches_one_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Spawn, as on Windows and macOS: a worker inherits nothing but what it is given.
    monkeypatch.setattr(batch, "LINES_PER_TASK", 16)
    folder = tmp_path / "yaml"
    folder.mkdir()
    for n in range(12):  # YAML files cross by name, JSONL lines by their place in the file
        (folder / f"{n:02}.yaml").write_text(f"company: {{name: Y{n}}}\nanswers: {{a: yes}}\n")
    paths = ["--rubric", MINI, str(jsonl(tmp_path, 60)), str(folder)]
    alone = score(*paths, "-f", "jsonl", "-w", "1")
    spawn = multiprocessing.get_context("spawn")
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: spawn)
    assert score(*paths, "-f", "jsonl", "-w", "2") == alone
    assert alone[0] == 1
    assert len(alone[1].splitlines()) == 60 + 12


@pytest.mark.parametrize("end", ["finish", "abandon"])
def test_an_output_file_collected_after_its_end_says_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, end: str
) -> None:
    # Python 3.13 flushes an io object again when it is collected: once ended, nothing to do
    # (it printed "Exception ignored ... I/O operation on closed file" after `assess`).
    import gc

    from retail_stage.output import _LazyFile

    ignored: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda raised: ignored.append(repr(raised)))
    lazy = _LazyFile(tmp_path / "out.txt")
    lazy.write("x")
    getattr(lazy, end)()
    del lazy
    gc.collect()
    assert ignored == []
    assert [p.name for p in tmp_path.iterdir()] == (["out.txt"] if end == "finish" else [])
