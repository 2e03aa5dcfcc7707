"""Batch scoring: every input kind, workers, order, failures, atomic output, the summary line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retail_stage import batch
from retail_stage.batch import Job, run_batch
from retail_stage.cli import app
from retail_stage.render.formats import OutputFormat

from .conftest import DATA, EXAMPLES

runner = CliRunner()
MINI = str(DATA / "mini-rubric.yaml")
GOOD = "company: {{name: {name}}}\nanswers: {{a: yes, b: all}}\n"


def score(*arguments: str, input: str | None = None) -> tuple[int, str, list[str]]:
    """Exit code, stdout and stderr lines of `score` with the mini rubric."""
    result = runner.invoke(app, ["score", "--rubric", MINI, *arguments], input=input)
    return result.exit_code, result.stdout, result.stderr.splitlines()


def sources(stdout: str) -> list[str]:
    lines = stdout.splitlines()  # no line break of any kind inside a JSONL line
    return [json.loads(line)["source"] for line in lines]


def test_a_mixed_folder_scores_every_good_profile_and_names_every_bad_one(tmp_path: Path) -> None:
    (tmp_path / "1-good.yaml").write_text(GOOD.format(name="One"))
    (tmp_path / "2-broken.yaml").write_text("company: {name: Two}\nanswers:\n  a: [yes\n")
    (tmp_path / "3-empty.yaml").write_text("")
    (tmp_path / "4-binary.json").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "5-good.json").write_text('{"company": {"name": "Five"}, "answers": {"a": "no"}}')
    (tmp_path / "6-many.yaml").write_text(
        GOOD.format(name="Six") + "---\ncompany: {name: Seven}\nanswers: {b: lots}\n"
    )
    (tmp_path / "7-lines.jsonl").write_text(
        '{"company": {"name": "Eight"}, "answers": {"a": "no"}}\n{"company": \n'
        '{"company": {"name": "Ten"}, "answers": {"a": "no"}}\n'
    )
    code, stdout, stderr = score(str(tmp_path), "-f", "jsonl")
    assert code == 1
    records = [json.loads(line) for line in stdout.splitlines()]
    good = [r["company"]["name"] for r in records if "error" not in r]
    assert good == ["One", "Five", "Six", "Eight", "Ten"]
    path = str(tmp_path)
    assert stderr[:-1] == [
        f"{path}/2-broken.yaml:4:1: error: invalid YAML: did not find expected ',' or ']'",
        f"{path}/3-empty.yaml: error: file is empty: expected a profile",
        f"{path}/4-binary.json: error: binary file: expected UTF-8 text (YAML or JSON)",
        f"{path}/6-many.yaml:5:14: error: 'lots' is not one of the options: none, some, all",
        f"{path}/7-lines.jsonl:2:13: error: invalid JSON: Expecting value",
    ]
    assert re.fullmatch(
        r"5 profiles scored, 5 invalid in \d+\.\d\ds \(Baseline 1\.0: 3, Stage one 1\.0: 2\)",
        stderr[-1],
    )
    assert [r["source"] for r in records if "error" in r] == [
        f"{path}/2-broken.yaml",
        f"{path}/3-empty.yaml",
        f"{path}/4-binary.json",
        f"{path}/6-many.yaml#2",
        f"{path}/7-lines.jsonl:2",
    ]


def test_folders_are_walked_depth_first_sorted_without_hidden(tmp_path: Path) -> None:
    for name in ("b.yaml", "a/z.yml", "a.yaml", "a/.hidden.yaml", ".git/x.yaml", "a/b/c.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text('{"company": {"name": "X"}}')
    (tmp_path / "notes.txt").write_text("not a profile")
    code, stdout, _ = score(str(tmp_path), "-f", "jsonl")
    assert code == 0
    assert sources(stdout) == [
        str(tmp_path / name) for name in ("a/b/c.json", "a/z.yml", "a.yaml", "b.yaml")
    ]


def test_globs_files_and_folders_mix_in_argument_order(tmp_path: Path) -> None:
    for name in ("x1.yaml", "x2.yaml", "y.yaml"):
        (tmp_path / name).write_text(GOOD.format(name=name))
    code, stdout, _ = score(str(tmp_path / "y.yaml"), str(tmp_path / "x*.yaml"), "-f", "jsonl")
    assert code == 0
    assert sources(stdout) == [str(tmp_path / n) for n in ("y.yaml", "x1.yaml", "x2.yaml")]


@pytest.mark.parametrize(
    ("text", "input_format", "expected"),
    [
        (
            '{"company": {"name": "A"}}\n{"company": {"name": "B"}}\n',
            None,
            ["<stdin>:1", "<stdin>:2"],
        ),
        ('{"company": {"name": "A"}}\n', "jsonl", ["<stdin>:1"]),
        ('{"company": {"name": "A"}}\n', None, ["<stdin>"]),
        ("company: {name: A}\n---\ncompany: {name: B}\n", "yaml", ["<stdin>#1", "<stdin>#2"]),
        ('{"company":\n {"name": "A"}}', "json", ["<stdin>"]),
        (  # a line separator inside a JSON string does not end the line
            '{"company": {"name": "A\u2028a"}}\n{"company": {"name": "B\u0085b"}}\n',
            None,
            ["<stdin>:1", "<stdin>:2"],
        ),
    ],
)
def test_stdin_is_told_by_content_or_by_input_format(
    text: str, input_format: str | None, expected: list[str]
) -> None:
    options = ["--input-format", input_format] if input_format else []
    code, stdout, _ = score("-", "-f", "jsonl", *options, input=text)
    assert code == 0
    assert sources(stdout) == expected
    if "\u2028" in text:  # written escaped: names come back as they were
        names = [json.loads(line)["company"]["name"] for line in stdout.splitlines()]
        assert names == ["A\u2028a", "B\u0085b"]
        assert "\\u2028" in stdout


def test_fail_fast_stops_at_the_first_invalid_profile(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD.format(name="A"))
    (tmp_path / "b.yaml").write_text("company: {name: B}\nanswers: {a: 7}\n")
    (tmp_path / "c.yaml").write_text(GOOD.format(name="C"))
    code, stdout, stderr = score(str(tmp_path), "-f", "jsonl", "--fail-fast")
    assert code == 1
    assert sources(stdout) == [str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")]
    assert stderr[0] == f"{tmp_path / 'b.yaml'}:2:14: error: expected yes or no for 'a', got 7"
    assert stderr[1].startswith("1 profile scored, 1 invalid in ")


def test_max_bytes_limits_files_and_jsonl_lines(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text(GOOD.format(name="B" * 100))
    (tmp_path / "lines.jsonl").write_text(
        '{"company": {"name": "ok"}, "answers": {"a": "no"}}\n'
        '{"company": {"name": "' + "L" * 100 + '"}}\n'
    )
    code, stdout, stderr = score(str(tmp_path), "-f", "jsonl", "--max-bytes", "60")
    assert code == 1
    assert stderr[:2] == [
        f"{tmp_path / 'big.yaml'}: error: file is 144 bytes, over the limit of 60 bytes",
        f"{tmp_path / 'lines.jsonl'}:2:1: error: line is over the limit of 60 bytes",
    ]
    assert sources(stdout) == [
        str(tmp_path / "big.yaml"),
        f"{tmp_path / 'lines.jsonl'}:1",
        f"{tmp_path / 'lines.jsonl'}:2",
    ]


def test_jsonl_oddities_are_named_by_line(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"company": {"name": "A"}, "answers": {"a": "no"}}\n\n  \n'
        b'{"company": {"name": "Caf\xe9"}}\n'
    )
    code, stdout, stderr = score(str(path), "-f", "jsonl")
    assert code == 1
    assert stderr[0] == f"{path}:4:26: error: not UTF-8 text (byte 0xe9)"
    assert sources(stdout) == [f"{path}:1", f"{path}:4"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty: expected a profile"),
        (b"\n\n", "file is empty: expected a profile"),
        (b'{"a": 1}\x00\n', "binary file: expected UTF-8 text (JSONL)"),
    ],
)
def test_unusable_jsonl_files_get_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(content)
    code, _, stderr = score(str(path), "-f", "jsonl")
    assert code == 1
    assert stderr[0] == f"{path}: error: {message}"


def test_output_is_byte_identical_whatever_the_number_of_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "FILES_PER_TASK", 2)  # many tasks from a few files
    monkeypatch.setattr(batch, "LINES_PER_TASK", 2)
    lines = "".join(
        json.dumps({"company": {"name": f"L{n}"}, "answers": {"a": n % 2 == 0, "d": n}}) + "\n"
        for n in range(9)
    )
    (tmp_path / "lines.jsonl").write_text(lines + '{"company": 1}\n')
    outputs = {}
    for workers in ("1", "2", "3"):
        out = tmp_path / f"out-{workers}.csv"
        result = runner.invoke(
            app,
            [
                "score",
                str(EXAMPLES),
                str(tmp_path / "lines.jsonl"),
                "-f",
                "csv",
                "-w",
                workers,
                "-o",
                str(out),
            ],
        )
        assert result.exit_code == 1, result.stderr
        outputs[workers] = out.read_bytes()
    assert outputs["1"] == outputs["2"] == outputs["3"]
    assert outputs["1"].count(b"\n") == 1 + 12 + 10


def test_automatic_workers_use_every_core_only_for_large_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(batch, "default_workers", lambda: 2)
    monkeypatch.setattr(batch, "PARALLEL_FROM_TASKS", 3)
    monkeypatch.setattr(batch, "FILES_PER_TASK", 4)

    def plan(arguments: list[str]) -> tuple[int, int]:
        tasks = batch._tasks(batch._units(arguments, None, 1 << 20))
        workers, planned = batch.plan_workers(tasks, None)
        return workers, sum(len(task) for task in planned)

    assert plan([str(EXAMPLES / "01-mama-wanjiru-duka.yaml")]) == (1, 1)
    assert plan([str(EXAMPLES)]) == (2, 12)
    assert batch.plan_workers(iter([]), 5)[0] == 5


def test_an_interrupted_batch_leaves_no_output_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.json"
    out.write_text("the previous results\n")

    def interrupted(*args: object, **kwargs: object) -> object:
        yield from list(
            run_batch(Job(None, OutputFormat.JSON), [str(EXAMPLES / "01-mama-wanjiru-duka.yaml")])
        )
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "run_batch", interrupted)
    result = runner.invoke(app, ["score", str(EXAMPLES), "-f", "json", "-o", str(out)])
    assert (result.exit_code, result.stdout) == (130, "")
    assert result.stderr == "interrupted: nothing was written\n"
    assert out.read_text() == "the previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_a_bad_rubric_creates_no_output_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    result = runner.invoke(
        app, ["score", str(EXAMPLES), "--rubric", str(bad), "-o", str(tmp_path / "o.json")]
    )
    assert result.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_warnings_are_reported_and_the_profile_still_scored(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text('rubric: {id: mini, version: "1"}\ncompany: {name: W}\n')
    code, stdout, stderr = score(str(tmp_path), "-f", "jsonl")
    assert code == 0
    assert stderr[0] == (
        f"{tmp_path / 'p.yaml'}:1:29: warning: profile was answered for version 1 of 'mini'; "
        "scored with version 2"
    )
    assert sources(stdout) == [str(tmp_path / "p.yaml")]


def test_the_progress_bar_runs_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def bar(total: int) -> tuple[object, object]:
        seen.append(total)
        return (lambda outcome: seen.append(outcome.size)), (lambda: seen.append(-1))

    monkeypatch.setattr(batch, "progress_bar", bar)
    path = EXAMPLES / "01-mama-wanjiru-duka.yaml"
    score(str(path), "-f", "jsonl")
    assert seen == []


def test_progress_bar_advances_by_input_bytes(tmp_path: Path) -> None:
    advance, stop = batch.progress_bar(100)
    advance(1, 60)
    stop()
    assert (
        batch.input_bytes([str(EXAMPLES / "01-mama-wanjiru-duka.yaml"), "-", "nope"])
        == (EXAMPLES / "01-mama-wanjiru-duka.yaml").stat().st_size
    )


def test_empty_stdin_is_one_clear_line() -> None:
    code, stdout, stderr = score("-", "-f", "jsonl", input="")
    assert (code, stderr[0]) == (1, "<stdin>: error: file is empty: expected a profile")
    assert sources(stdout) == ["<stdin>"]


def test_a_glob_may_name_folders(tmp_path: Path) -> None:
    (tmp_path / "part-1").mkdir()
    (tmp_path / "part-1" / "p.yaml").write_text(GOOD.format(name="P"))
    (tmp_path / "part-2").mkdir()
    code, stdout, stderr = score(str(tmp_path / "part-*"), "-f", "jsonl")
    assert code == 1
    assert sources(stdout) == [str(tmp_path / "part-1" / "p.yaml"), str(tmp_path / "part-2")]
    assert stderr[0] == (
        f"{tmp_path / 'part-2'}: error: folder holds no profiles (*.yaml, *.yml, *.json, *.jsonl)"
    )


def test_stdin_jsonl_limits_each_line_not_the_whole_input() -> None:
    lines = "".join(f'{{"company": {{"name": "S{n}"}}}}\n' for n in range(5))
    code, stdout, stderr = score("-", "-f", "jsonl", "--max-bytes", "40", input=lines)
    assert code == 0, stderr
    assert sources(stdout) == [f"<stdin>:{n}" for n in range(1, 6)]
    code, _, stderr = score("-", "-f", "jsonl", "--max-bytes", "10", input="company: {name: Y}\n")
    assert (code, stderr[0]) == (1, "<stdin>: error: file is over the limit of 10 bytes")


def test_an_output_folder_that_does_not_exist_is_bad_usage(tmp_path: Path) -> None:
    out = tmp_path / "nope" / "out.json"
    code, stdout, stderr = score(str(EXAMPLES), "-o", str(out))
    assert (code, stdout) == (2, "")
    assert stderr == [f"{out}: error: cannot write: {out.parent} does not exist"]


def test_output_files_get_ordinary_permissions(tmp_path: Path) -> None:
    import os

    from retail_stage.output import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.txt", "x")
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o640)
        write_atomic(kept, "new")
    finally:
        os.umask(old)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644
    assert kept.stat().st_mode & 0o777 == 0o640
    assert kept.read_text() == "new"
