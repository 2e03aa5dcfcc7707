"""How a batch travels: JSONL read in blocks, chunks split by workers, blocks written at once.

Every case runs with one worker and with two (chunks of a regular file then go by their
place in the file) and from stdin (chunks go as bytes): the output is the same.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retail_stage import batch
from retail_stage.batch import Block, Job, Outcome, Scorer, Tally, pack, run_batch, serve
from retail_stage.cli import app
from retail_stage.render.formats import OutputFormat

from .conftest import DATA

runner = CliRunner()
MINI = str(DATA / "mini-rubric.yaml")


def line(name: str, width: int = 0) -> bytes:
    """A valid profile as one JSONL line (without its break), padded to `width` bytes; it
    answers a question, so that it scores without a warning (45 bytes with a one-letter name)."""
    profile = {"company": {"name": name}, "answers": {"a": True}}
    return json.dumps(profile, separators=(",", ":")).encode().ljust(width)


def run(path: Path, *options: str, stdin: bool = False) -> tuple[int, list[str], list[str]]:
    """Exit code, sources of the output records and stderr lines (the summary line dropped)."""
    if stdin:
        result = runner.invoke(
            app,
            ["score", "--rubric", MINI, "-", "--input-format", "jsonl", "-f", "jsonl", *options],
            input=path.read_bytes(),
        )
    else:
        result = runner.invoke(app, ["score", "--rubric", MINI, str(path), "-f", "jsonl", *options])
    sources = [json.loads(text)["source"] for text in result.stdout.splitlines()]
    return result.exit_code, sources, result.stderr.splitlines()[:-1]


WAYS = [
    pytest.param(16, "1", False, id="16-byte reads"),
    pytest.param(16, "2", False, id="16-byte reads, 2 workers"),
    pytest.param(16, "1", True, id="16-byte reads, stdin"),
    pytest.param(1 << 16, "1", False, id="64 KiB reads"),
    pytest.param(1 << 16, "2", False, id="64 KiB reads, 2 workers"),
    pytest.param(1 << 16, "2", True, id="64 KiB reads, stdin, 2 workers"),
]


@pytest.mark.parametrize(("read_bytes", "workers", "stdin"), WAYS)
def test_lines_are_numbered_and_checked_whatever_the_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_bytes: int, workers: str, stdin: bool
) -> None:
    monkeypatch.setattr(batch, "READ_BYTES", read_bytes)
    monkeypatch.setattr(batch, "LINES_PER_TASK", 2)
    path = tmp_path / "p.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + line("A")
        + b"\r\n\n  \n"
        + line("B" * 80)  # line 4: over the limit, read over several blocks at 16 bytes
        + b"\n"
        + line("C", 64)  # exactly at the limit, before its CRLF
        + b"\r\n"
        + line("D", 65)  # one byte over
        + b"\n"
        + b'{"company": {"name": "Caf\xe9"}}\n'
        + line("E")  # the last line, without a line break
    )
    code, sources, stderr = run(path, "--max-bytes", "64", "-w", workers, stdin=stdin)
    shown = "<stdin>" if stdin else str(path)
    assert code == 1
    assert sources == [f"{shown}:{n}" for n in (1, 4, 5, 6, 7, 8)]
    assert stderr == [
        f"{shown}:4:1: error: line is over the limit of 64 bytes",
        f"{shown}:6:1: error: line is over the limit of 64 bytes",
        f"{shown}:7:26: error: not UTF-8 text (byte 0xe9)",
    ]


@pytest.mark.parametrize(("read_bytes", "workers", "stdin"), WAYS)
def test_a_nul_byte_ends_the_file_after_the_lines_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_bytes: int, workers: str, stdin: bool
) -> None:
    monkeypatch.setattr(batch, "READ_BYTES", read_bytes)
    monkeypatch.setattr(batch, "LINES_PER_TASK", 2)
    path = tmp_path / "p.jsonl"
    lines = [line("A"), line("B"), line("C" * 40) + b"\0", line("D"), b'{"x": "\0"}', line("F")]
    path.write_bytes(b"\n".join(lines) + b"\n")
    code, sources, stderr = run(path, "--max-bytes", "64", "-w", workers, stdin=stdin)
    shown = "<stdin>" if stdin else str(path)
    # The NUL of line 3 is in a line refused for its size; that of line 5 ends the file.
    assert code == 1
    assert sources == [f"{shown}:1", f"{shown}:2", f"{shown}:3", f"{shown}:4", shown]
    assert stderr == [
        f"{shown}:3:1: error: line is over the limit of 64 bytes",
        f"{shown}: error: binary file: expected UTF-8 text (JSONL)",
    ]


def test_a_file_of_only_an_over_long_blank_line_is_also_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "READ_BYTES", 8)
    path = tmp_path / "p.jsonl"
    path.write_bytes(b" " * 50 + b"\n")
    code, sources, stderr = run(path, "--max-bytes", "20")
    assert (code, sources) == (1, [f"{path}:1", str(path)])
    assert stderr == [
        f"{path}:1:1: error: line is over the limit of 20 bytes",
        f"{path}: error: file is empty: expected a profile",
    ]


def _placed(path: Path) -> tuple[list[batch._Unit], list[batch._Unit], batch._Identity]:
    units = list(batch._units([str(path)], None, 1 << 20))
    identity = batch._identity(path.stat())
    assert identity is not None
    return units, batch._shipped(units), identity


def test_chunks_of_a_regular_file_go_by_place_and_are_read_back(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(line("A") + b"\n" + line("B") + b"\n")
    units, shipped, identity = _placed(path)
    size = path.stat().st_size
    assert units == [batch._Chunk(str(path), path.read_bytes(), 1, size, (0, size, identity))]
    assert shipped == [batch._Chunk(str(path), b"", 1, size, (0, size, identity))]
    scorer = Scorer(Job(MINI, OutputFormat.JSONL))
    texts = [outcome.text for outcome in scorer.lines(shipped[0])]
    assert texts == [outcome.text for outcome in scorer.lines(units[0])]
    assert [json.loads(text)["source"] for text in texts] == [f"{path}:1", f"{path}:2"]
    path.unlink()  # gone before a worker reads it
    (outcome,) = scorer.lines(shipped[0])
    assert outcome.failure == f"{path}:1:1: error: cannot read: No such file or directory"


CHANGED = "error: the file changed while it was being scored; score it again"


@pytest.mark.parametrize("how", ["replaced", "rewritten", "cut", "grown"])
def test_a_file_changed_before_a_worker_reads_its_chunk_is_named_not_misread(
    tmp_path: Path, how: str
) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(line("A") + b"\n" + line("B") + b"\n")
    _, shipped, _ = _placed(path)
    other = tmp_path / "other.jsonl"
    if how == "replaced":  # another file under the same name (a new inode)
        other.write_bytes(line("X") + b"\n" + line("Y") + b"\n")
        other.replace(path)
    elif how == "rewritten":  # same inode, same size, new content and time
        path.write_bytes(path.read_bytes().replace(b'"A"', b'"Z"'))
        os.utime(path, ns=(1, 1))  # file times tick coarsely: make the change visible
    elif how == "cut":
        path.write_bytes(line("A") + b"\n")
    else:
        with path.open("ab") as stream:
            stream.write(line("C") + b"\n")
    (outcome,) = Scorer(Job(MINI, OutputFormat.JSONL)).lines(shipped[0])
    assert outcome.failure == f"{path}:1:1: {CHANGED}"


def test_a_block_of_scored_profiles_carries_only_their_counts() -> None:
    tally = Tally("s1", "1.0", 0.5, (0.5, None))
    outcomes = [Outcome("one\n", None, (), tally, 0), Outcome("two\n", None, (), tally, 9)]
    assert pack(outcomes) == Block("one\ntwo\n", [4, 4], 9, {("s1", "1.0"): 2}, None)
    # The portfolio needs every tally; a failure or a warning needs its line on stderr.
    details = [(None, (), tally, 0, None, False, False), (None, (), tally, 9, None, False, False)]
    assert pack(outcomes, summary=True) == Block("one\ntwo\n", [4, 4], 9, {}, details)
    warned = [outcomes[0], Outcome("w\n", None, ("p: warning: w",), tally, 1)]
    block = pack(warned)
    assert block.details is not None
    assert list(block.outcomes()) == [outcomes[0], warned[1]]


def test_a_worker_answers_each_task_then_stops(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(line("A") + b"\n" + b"{nope\n")
    identity = batch._identity(path.stat())
    assert identity is not None
    task: list[batch._Unit] = [
        batch._Chunk(str(path), b"", 1, 7, (0, path.stat().st_size, identity))
    ]
    task_reader, task_writer = multiprocessing.Pipe(duplex=False)
    answer_reader, answer_writer = multiprocessing.Pipe(duplex=False)
    task_writer.send(task)
    task_writer.send(None)
    serve(Job(MINI, OutputFormat.JSONL), task_reader, answer_writer)
    block = answer_reader.recv()
    assert (block.size, block.stages) == (7, {})
    assert [fields[0] for fields in block.details] == [
        None,
        f"{path}:2:2: error: invalid JSON: Expecting property name enclosed in double quotes",
    ]
    assert not answer_reader.poll()


def test_a_worker_that_fails_sends_its_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Scorer, task: list[batch._Unit]) -> Iterator[Block]:
        raise ValueError("a bug")

    monkeypatch.setattr(Scorer, "run_blocks", broken)
    task_reader, task_writer = multiprocessing.Pipe(duplex=False)
    answer_reader, answer_writer = multiprocessing.Pipe(duplex=False)
    task_writer.send([])
    task_writer.close()  # a closed pipe stops the worker too
    serve(Job(MINI, OutputFormat.JSONL), task_reader, answer_writer)
    answer = answer_reader.recv()
    assert (type(answer), str(answer)) == (ValueError, "a bug")


def many_lines(tmp_path: Path, bad: int = 0) -> Path:
    path = tmp_path / "p.jsonl"
    lines = [b"{nope" if n == bad else line(f"P{n}") for n in range(1, 201)]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_an_exception_in_a_worker_is_raised_in_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the workers must be forked with the patched scorer")

    def broken(self: Scorer, task: list[batch._Unit]) -> Iterator[Block]:
        raise ValueError("a bug")

    monkeypatch.setattr(Scorer, "run_blocks", broken)  # the workers are forked with it
    with pytest.raises(ValueError, match=r"^a bug$"):
        list(run_batch(Job(MINI, OutputFormat.JSONL), [str(many_lines(tmp_path))], workers=2))


def test_a_worker_that_dies_stops_the_batch_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the workers must be forked with the patched scorer")

    def killed(self: Scorer, task: list[batch._Unit]) -> Iterator[Block]:
        os._exit(9)

    monkeypatch.setattr(Scorer, "run_blocks", killed)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app,
        ["score", "--rubric", MINI, str(many_lines(tmp_path)), "-w", "2", "-o", str(out)],
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "error: a worker process ended (exit code 9) before finishing its work; "
        "nothing was written\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.jsonl"]


def test_fail_fast_stops_the_workers_at_the_first_invalid_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "LINES_PER_TASK", 2)
    path = many_lines(tmp_path, bad=3)
    code, sources, stderr = run(path, "-w", "2", "--fail-fast")
    assert (code, sources) == (1, [f"{path}:1", f"{path}:2", f"{path}:3"])
    assert stderr == [
        f"{path}:3:2: error: invalid JSON: Expecting property name enclosed in double quotes"
    ]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "yaml", "markdown", "table"])
def test_blocks_are_written_like_one_record_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setattr(batch, "LINES_PER_TASK", 3)
    path = many_lines(tmp_path)
    arguments = ["score", "--rubric", MINI, str(path), "-f", fmt]
    together = runner.invoke(app, [*arguments, "-w", "2"])
    monkeypatch.setattr(batch, "LINES_PER_TASK", 1)  # one record a block
    alone = runner.invoke(app, [*arguments, "-w", "1"])
    assert together.exit_code == alone.exit_code == 0
    assert together.stdout == alone.stdout
    assert together.stdout.count("P200") == 1


def test_large_tasks_and_answers_cross_both_ways_without_waiting_on_each_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Lines from stdin go as bytes: each task and each answer is larger than a pipe holds.
    monkeypatch.setattr(batch, "LINES_PER_TASK", 2)
    names = [f"N{n}-" + "x" * 700_000 for n in range(16)]
    text = "".join(json.dumps({"company": {"name": name}}) + "\n" for name in names)
    arguments = ["score", "--rubric", MINI, "-", "--input-format", "jsonl", "-f", "jsonl"]
    result = runner.invoke(app, [*arguments, "-w", "2"], input=text)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(record) for record in result.stdout.splitlines()]
    assert [r["company"]["name"] for r in records] == names
    assert [r["source"] for r in records] == [f"<stdin>:{n}" for n in range(1, 17)]


def test_a_task_sent_to_a_dead_worker_stops_the_batch_as_a_lost_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the workers must be forked with the patched loop")
    monkeypatch.setattr(batch, "LINES_PER_TASK", 2)
    monkeypatch.setattr(batch, "serve", lambda *_: os._exit(9))  # dies before reading a task
    tasks = batch._tasks

    def late(units: Iterable[batch._Unit]) -> Iterator[list[batch._Unit]]:
        for number, task in enumerate(tasks(units)):
            if number == 1:
                for child in multiprocessing.active_children():
                    child.join()  # both workers are dead before the second task is sent
            yield task

    monkeypatch.setattr(batch, "_tasks", late)
    with pytest.raises(batch.WorkerLost, match=r"exit code 9"):
        list(run_batch(Job(MINI, OutputFormat.JSONL), [str(many_lines(tmp_path))], workers=2))


PARENT = """
import sys
from retail_stage.batch import Job, run_batch
from retail_stage.render.formats import OutputFormat
for block in run_batch(Job(sys.argv[1], OutputFormat.JSONL), [sys.argv[2]], workers=2):
    print("block", flush=True)
    input()  # the parent waits here, its workers idle, until it is killed
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, MINI, str(many_lines(tmp_path))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    assert parent.stdout.readline() == "block\n"
    workers = _children(parent.pid)
    assert len(workers) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left to collect


def test_a_block_of_clean_profiles_is_made_as_pack_would_make_it(tmp_path: Path) -> None:
    # Without an Outcome a profile when all score cleanly; with their details otherwise.
    good = [line(f"G{n}") for n in range(1, 4)]
    warned = json.dumps({"company": {"name": "W"}, "rubric": {"id": "mini", "version": "1"}})
    cases = {
        "clean.jsonl": b"\n".join(good) + b"\n",
        "broken.jsonl": b"\n".join([good[0], b"{nope", good[1]]) + b"\n",
        "warned.jsonl": b"\n".join([good[0], warned.encode(), good[1]]) + b"\n",
        "blank.jsonl": b"\n  \n",
    }
    scorer = Scorer(Job(MINI, OutputFormat.JSONL))
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        chunk = batch._Chunk(str(tmp_path / name), data, 1, len(data))
        assert scorer.run_block([chunk]) == pack(scorer.run_task([chunk])), name
    clean = scorer.run_block([batch._Chunk("c.jsonl", cases["clean.jsonl"], 1, 9)])
    assert (len(clean.lengths), clean.size, clean.details) == (3, 9, None)
    assert scorer.run_block([batch._Chunk("b.jsonl", b"\n", 1, 1)]) == Block("", [], 0, {}, None)
    # Files: a task of several units, one of them unreadable.
    (tmp_path / "one.yaml").write_text("company: {name: One}\nanswers: {a: yes}\n")
    files: list[batch._Unit] = [
        batch.Input(str(tmp_path / "one.yaml"), "yaml"),
        batch.Input(str(tmp_path / "clean.jsonl"), "jsonl"),
    ]
    block = scorer.run_block(files)
    assert block == pack(scorer.run_task(files))
    assert (len(block.lengths), block.details) == (4, None)
    missing = [*files, batch.Input(str(tmp_path / "gone.yaml"), "yaml")]
    assert scorer.run_block(missing) == pack(scorer.run_task(missing))


@pytest.mark.parametrize("broken", [False, True])
def test_a_file_of_many_profiles_crosses_in_blocks_of_block_profiles(
    tmp_path: Path, broken: bool
) -> None:
    # A multi-document YAML file of thousands of profiles must not be held whole: it is
    # answered a Block every BLOCK_PROFILES profiles, the last one carrying the file's size.
    count = 2 * batch.BLOCK_PROFILES + 5
    documents = [f"company: {{name: P{n}}}\nanswers: {{a: yes}}\n" for n in range(count)]
    if broken:
        documents[300] = "company: {name: X}\nanswers: {a: maybe}\n"
    path = tmp_path / "many.yaml"
    path.write_text("---\n".join(documents), encoding="utf-8")
    tasks: list[batch._Unit] = [batch.Input(str(path), "yaml")]
    scorer = Scorer(Job(MINI, OutputFormat.JSONL))
    blocks = list(scorer.run_blocks(tasks))
    assert [len(b.lengths) for b in blocks] == [batch.BLOCK_PROFILES, batch.BLOCK_PROFILES, 5]
    assert [(b.more, b.size) for b in blocks] == [
        (True, 0),
        (True, 0),
        (False, path.stat().st_size),
    ]
    whole = scorer.run_block(tasks)
    assert "".join(b.text for b in blocks) == whole.text
    assert [b.details is None for b in blocks] == [True, not broken, True]
    # Through the command, whatever the workers: the same output.
    outputs = {
        workers: runner.invoke(
            app, ["score", "--rubric", MINI, str(path), "-f", "jsonl", "-w", workers]
        ).stdout
        for workers in ("1", "2")
    }
    assert outputs["1"] == outputs["2"] == whole.text
