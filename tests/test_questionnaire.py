"""The assessment flow in-process: scripted lines through the terminal interface, real files."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

from retail_stage.batch import score_paths
from retail_stage.cli import app
from retail_stage.engine import CompiledRubric, Result
from retail_stage.questionnaire import (
    ConsoleTerminal,
    Outcome,
    Questionnaire,
    UsageError,
    claim_save_path,
    slug,
)
from retail_stage.sources import SourceError

from .conftest import DATA

MINI = str(DATA / "mini-rubric.yaml")
TODAY = dt.date(2026, 11, 25)
runner = CliRunner()


class Scripted(ConsoleTerminal):
    """A console terminal reading scripted lines; `hook(n)` runs before the n-th read."""

    def __init__(self, lines: list[str], hook: Callable[[int], None] | None = None) -> None:
        self.out = io.StringIO()
        super().__init__(
            Console(file=self.out, width=100, highlight=False),
            io.StringIO("".join(line + "\n" for line in lines)),
        )
        self.reads = 0
        self.hook = hook

    def read(self, prompt: str) -> str:
        self.reads += 1
        if self.hook is not None:
            self.hook(self.reads)
        return super().read(prompt)


def run(
    compiled: CompiledRubric,
    lines: list[str],
    folder: Path,
    hook: Callable[[int], None] | None = None,
    **options: Path | None,
) -> tuple[Outcome, str]:
    """Run in `folder` as the current folder, like a person would."""
    terminal = Scripted(lines, hook)
    flow = Questionnaire(terminal, compiled, folder=Path(), today=lambda: TODAY, **options)
    here = Path.cwd()
    os.chdir(folder)
    try:
        outcome = flow.run()
    finally:
        os.chdir(here)
    return outcome, terminal.out.getvalue()


def score_file(compiled: CompiledRubric, path: Path) -> Result:
    """What `score` gives for the file (its source made relative, as assess names it)."""
    (result,) = score_paths(compiled, [str(path)])
    assert isinstance(result, Result), result
    return result.replace(source=path.name)


ALL_ANSWERS = ["y", "2 # in two stores", "1,2", "Y", "50", "yes"]  # a, b, e, c, d, f


def test_a_full_assessment_saves_a_profile_that_score_accepts(
    mini: CompiledRubric, tmp_path: Path
) -> None:
    outcome, out = run(mini, ["Acme: Shops", "grocery", "", *ALL_ANSWERS], tmp_path)
    assert outcome.path == Path("acme-shops.yaml")
    path = tmp_path / "acme-shops.yaml"
    assert (outcome.stopped_by, outcome.exit_code) == (None, 0)
    text = path.read_text(encoding="utf-8")
    assert text == (
        "# For completion in your editor: retail-stage template --with-schema -o FILE "
        "writes the schema beside FILE.\n"
        "# Saved by retail-stage assess: every question answered\n"
        "rubric: {id: mini, version: '2'}\n"
        "company:\n"
        "  name: 'Acme: Shops'\n"
        "  sector: grocery\n"
        "  assessed_on: '2026-11-25'\n"
        "answers:\n"
        "  a: yes\n"
        "  b: {value: some, note: in two stores}\n"
        "  c: y\n"
        "  d: 50\n"
        "  e: [p, q]\n"
        "  f: yes\n"
    )
    result = score_file(mini, path)
    assert outcome.result == result
    assert (result.stage, result.label, result.index, result.coverage) == ("s2", "2.0", 2.0, 1.0)
    assert result.notes == {"b": "in two stores"}
    for n, dimension in enumerate(["Dimension one"] * 3 + ["Dimension two"] * 3, start=1):
        assert f"Question {n}/6 · {dimension}" in out
    assert "Result · Acme: Shops" in out
    assert "Stage     Stage two" in out
    assert "Label     2.0 · supply & production" in out
    assert "Index     2.00 of 2" in out
    assert "Coverage  100% of the weight answered" in out
    assert "The top of the ladder: every stage is met." in out
    assert out.rstrip().endswith("╯")  # the result is the last thing: no further prompt


def test_bad_input_back_help_keep_and_skip(mini: CompiledRubric, tmp_path: Path) -> None:
    lines = ["", "Acme", "", "", "maybe", "y", "b", "h", "", "s", "b", "", "1", "q"]
    outcome, out = run(mini, lines, tmp_path)
    assert "✗ a company name is required" in out
    assert "✗ 'maybe' is not yes or no" in out
    assert "✗ this is the first question" not in out
    assert "Source: “Multi-channel retail refers to enterprises”" in out
    assert "counts towards Stage one · weight 2 · focus traffic (front end) · a gate" in out
    assert "a · counts" not in out  # no indicator id
    assert "y/n · s skip · b back · h help · q quit · # note" in out.split("'maybe'")[1]
    assert "Current answer (Enter keeps it): yes" in out
    assert "Current answer (Enter keeps it): unknown (skipped)" in out
    assert outcome.stopped_by == "you typed q"
    assert outcome.exit_code == 0
    saved = yaml.safe_load((tmp_path / "acme.yaml").read_text())
    assert saved["answers"] == {"a": True, "b": "unknown", "e": ["p"]}
    assert saved["company"] == {"name": "Acme", "assessed_on": "2026-11-25"}
    assert (
        "Stopped (you typed q). 3 answers saved in acme.yaml. To continue: "
        "retail-stage assess --resume acme.yaml" in " ".join(out.split())
    )


def test_back_at_the_first_question_and_enter_without_an_answer(
    mini: CompiledRubric, tmp_path: Path
) -> None:
    _, out = run(mini, ["Acme", "", "", "b", ""], tmp_path)
    assert "✗ this is the first question" in out
    assert "✗ type an answer, or s to skip it as unknown" in out


def test_n_a_where_allowed(mini: CompiledRubric, tmp_path: Path) -> None:
    lines = ["Acme", "", "", "y", "n/a", "3", "1", "n/a # no own brand"]
    outcome, out = run(mini, lines, tmp_path)
    assert "✗ n/a is not accepted for this question: the rubric does not allow it here" in out
    assert outcome.stopped_by == "the input ended"
    saved = yaml.safe_load((tmp_path / "acme.yaml").read_text())
    assert saved["answers"] == {
        "a": True,
        "b": "all",
        "c": {"value": "n/a", "note": "no own brand"},
        "e": ["p"],
    }


def test_a_follow_up_is_not_asked_when_its_condition_is_zero(
    mini: CompiledRubric, tmp_path: Path
) -> None:
    outcome, out = run(mini, ["Acme", "", "", "y", "3", "0", "y", "50"], tmp_path)
    assert "Question 3/6 · Dimension one" in out  # e: f may still follow
    assert "Question 4/5 · Dimension two" in out  # e is none: f no longer counts
    assert "Question 5/5 · Dimension two" in out
    assert "Question 6/" not in out
    result = outcome.result
    assert result is not None
    assert result.scores[mini.position["f"]] == 0.0
    assert result.stage == "s2"
    assert score_file(mini, tmp_path / "acme.yaml").to_dict() == result.to_dict()


def test_changing_the_condition_brings_the_follow_up_back(
    mini: CompiledRubric, tmp_path: Path
) -> None:
    lines = ["Acme", "", "", "y", "3", "0", "b", "p", "y", "50", "y"]
    outcome, out = run(mini, lines, tmp_path)
    assert "Question 3/6 · Dimension one" in out
    assert "Question 4/5 · Dimension two" in out
    assert "Question 3/5 · Dimension one" in out
    assert "Current answer (Enter keeps it): none" in out
    assert "Question 6/6 · Dimension two" in out
    assert outcome.result is not None
    assert outcome.result.scores[mini.position["f"]] == 1.0


def test_quit_then_resume_shows_the_answers_and_continues(
    mini: CompiledRubric, tmp_path: Path
) -> None:
    run(mini, ["Acme", "", "", "y", "2 # flagship", "q"], tmp_path)
    path = tmp_path / "acme.yaml"
    outcome, out = run(mini, ["1,3", "y", "20", "n"], tmp_path, resume=path)
    flat = " ".join(out.split())
    assert "Resuming Acme from" in flat
    assert "2 questions answered" in flat.replace("2 of 6 questions", "2 questions")
    assert "Some # flagship" in flat
    assert "Continuing at question 3/6." in flat
    assert "Question 1/6" not in out
    assert outcome.result is not None
    saved = yaml.safe_load(path.read_text())
    assert saved["answers"] == {
        "a": True,
        "b": {"value": "some", "note": "flagship"},
        "c": "y",
        "d": 20,
        "e": ["p", "r"],
        "f": False,
    }
    assert outcome.result.replace(source=path.name) == score_file(mini, path)


def test_resuming_a_finished_assessment_shows_the_result(
    mini: CompiledRubric, tmp_path: Path
) -> None:
    run(mini, ["Acme", "", "", *ALL_ANSWERS], tmp_path)
    outcome, out = run(mini, [], tmp_path, resume=tmp_path / "acme.yaml")
    assert "Every question is answered." in out
    assert outcome.result is not None
    assert outcome.result.stage == "s2"


def test_end_of_input_before_the_name_saves_nothing(mini: CompiledRubric, tmp_path: Path) -> None:
    outcome, out = run(mini, [], tmp_path)
    assert outcome.path is None
    assert "Stopped (the input ended) before the first answer: nothing was saved." in out
    assert list(tmp_path.iterdir()) == []


def interrupt_at(read: int, signum: int) -> Callable[[int], None]:
    def hook(n: int) -> None:
        if n == read:
            os.kill(os.getpid(), signum)

    return hook


@pytest.mark.parametrize(
    ("signum", "name", "code"),
    [(signal.SIGTERM, "SIGTERM", 143), (signal.SIGHUP, "SIGHUP", 129)],
)
def test_a_signal_keeps_every_answer(
    mini: CompiledRubric, tmp_path: Path, signum: int, name: str, code: int
) -> None:
    before = signal.getsignal(signum)
    outcome, out = run(mini, ["Acme", "", "", "y", "2", "x"], tmp_path, interrupt_at(6, signum))
    assert (outcome.stopped_by, outcome.exit_code) == (name, code)
    assert f"Stopped ({name}). 2 answers saved in" in out
    assert yaml.safe_load((tmp_path / "acme.yaml").read_text())["answers"] == {
        "a": True,
        "b": "some",
    }
    assert signal.getsignal(signum) == before  # handlers are restored


def test_ctrl_c_keeps_every_answer(mini: CompiledRubric, tmp_path: Path) -> None:
    def hook(n: int) -> None:
        if n == 5:
            raise KeyboardInterrupt

    outcome, out = run(mini, ["Acme", "", "", "y", "2"], tmp_path, hook)
    assert (outcome.stopped_by, outcome.exit_code) == ("Ctrl-C", 130)
    assert "Stopped (Ctrl-C). 1 answer saved in" in out
    assert yaml.safe_load((tmp_path / "acme.yaml").read_text())["answers"] == {"a": True}


def test_the_default_file_never_overwrites_another(mini: CompiledRubric, tmp_path: Path) -> None:
    other = tmp_path / "acme.yaml"
    other.write_text("company: {name: ACME}\n")
    outcome, out = run(mini, ["Acme", "", "", "y", "q"], tmp_path)
    assert outcome.path == Path("acme-2.yaml")
    assert other.read_text() == "company: {name: ACME}\n"
    assert "acme.yaml already exists, so this assessment goes to acme-2.yaml" in " ".join(
        out.split()
    )


def test_save_refuses_a_file_holding_another_assessment(
    mini: CompiledRubric, tmp_path: Path
) -> None:
    other = tmp_path / "x.yaml"
    other.write_text("company: {name: Other}\n")
    with pytest.raises(UsageError) as caught:
        run(mini, ["Acme"], tmp_path, save=other)
    assert str(caught.value) == (
        f"{other}: error: file exists and holds the assessment of 'Other'; continue it with "
        f"'retail-stage assess --resume {other}' or choose another --save file"
    )
    other.write_text("{{{")
    with pytest.raises(UsageError, match="holds something else"):
        run(mini, ["Acme"], tmp_path, save=other)
    with pytest.raises(UsageError, match="is a folder"):
        run(mini, ["Acme"], tmp_path, save=tmp_path)
    with pytest.raises(UsageError, match="does not exist"):
        run(mini, ["Acme"], tmp_path, save=tmp_path / "no" / "x.yaml")


def test_save_to_a_new_or_empty_file(mini: CompiledRubric, tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.touch()
    outcome, _ = run(mini, ["Acme", "", "", "y", "q"], tmp_path, save=target)
    assert outcome.path == target
    assert yaml.safe_load(target.read_text())["answers"] == {"a": True}
    assert [p.name for p in tmp_path.iterdir()] == ["mine.yaml"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "company: {name: A}\nanswers:\n  a: 7\n",
            ":3:6: error: expected yes or no for 'a', got 7",
        ),
        ("company: [\n", ":2:1: error: invalid YAML"),
        ("answers: {}\n", ":1:1: error: document: missing required key 'company'"),
        ("company: {name: A}\n---\ncompany: {name: B}\n", ":1:1: error: expected one profile"),
        ("", ": error: no profile in file"),
    ],
)
def test_a_corrupt_resume_file_is_one_line(
    mini: CompiledRubric, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(content)
    with pytest.raises(SourceError) as caught:
        run(mini, [], tmp_path, resume=path)
    assert str(caught.value.first).startswith(f"{path}{message}")


def test_a_missing_resume_file(mini: CompiledRubric, tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        run(mini, [], tmp_path, resume=tmp_path / "gone.yaml")
    assert (
        str(caught.value)
        == f"{tmp_path / 'gone.yaml'}: error: cannot read: No such file or directory"
    )


def test_user_text_round_trips_through_the_saved_file(mini: CompiledRubric, tmp_path: Path) -> None:
    name = 'Zoë\'s "yes" [bold]shop[/] #1: no'
    note = "said: 'maybe' — {not} [a] list, yes"
    lines = [name, "no", "null", "y # " + note, "q"]
    run(mini, lines, tmp_path)
    (path,) = tmp_path.iterdir()
    assert path.name == "zoe-s-yes-bold-shop-1-no.yaml"
    saved = yaml.safe_load(path.read_text())
    assert saved["company"] == {
        "name": name,
        "sector": "no",
        "country": "null",
        "assessed_on": "2026-11-25",
    }
    assert saved["answers"] == {"a": {"value": True, "note": note}}


def test_markup_and_control_characters_are_shown_literally(
    mini: CompiledRubric, tmp_path: Path
) -> None:
    _, out = run(mini, ["[red]Evil\x1b[31m", "", "", "q"], tmp_path)
    assert "[red]Evil\\x1b[31m" in out
    assert "\x1b" not in out


def test_a_failed_save_prints_the_answers(
    mini: CompiledRubric, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retail_stage.output

    def refuse(path: Path, text: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(retail_stage.output, "write_atomic", refuse)
    outcome, out = run(mini, ["Acme", "", "", "y"], tmp_path)
    assert (outcome.stopped_by, outcome.exit_code) == ("cannot save", 1)
    assert "✗ cannot save to acme.yaml: Permission denied" in " ".join(out.split())
    assert "company:\n  name: Acme\n" in out


def test_slug_and_claim() -> None:
    assert slug("Casa Ferro Móveis") == "casa-ferro-moveis"
    assert slug("日本") == "assessment"
    assert slug("a" * 80) == "a" * 60


def test_claim_skips_taken_names(tmp_path: Path) -> None:
    assert claim_save_path(tmp_path, "Acme") == tmp_path / "acme.yaml"
    assert claim_save_path(tmp_path, "Acme") == tmp_path / "acme-2.yaml"
    assert claim_save_path(tmp_path, "ACME!") == tmp_path / "acme-3.yaml"


# --- through the command line (piped input) ----------------------------------------------------


def test_cli_assess_with_piped_input_and_report(tmp_path: Path) -> None:
    save, report = tmp_path / "a.yaml", tmp_path / "r.json"
    result = runner.invoke(
        app,
        ["assess", "--rubric", MINI, "--save", str(save), "--report", str(report)],
        input="Acme\n\n\n" + "\n".join(ALL_ANSWERS) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout  # not a terminal: no colour
    assert "› y\n" in result.stdout  # piped answers are echoed into the transcript
    assert f"Report written to {report}" in " ".join(result.stdout.split())
    import json

    assert json.loads(report.read_text())["stage"] == "s2"


def test_cli_assess_stops_at_the_end_of_piped_input(tmp_path: Path) -> None:
    save = tmp_path / "a.yaml"
    result = runner.invoke(
        app, ["assess", "--rubric", MINI, "--save", str(save)], input="Acme\n\n\ny\n"
    )
    assert result.exit_code == 0
    assert (
        f"Stopped (the input ended). 1 answer saved in {save}. To continue: "
        f"retail-stage assess --resume {save} --rubric {MINI}" in " ".join(result.stdout.split())
    )


def test_cli_assess_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("company: {name: A}\nanswers: {zz: 1}\n")
    result = runner.invoke(app, ["assess", "--rubric", MINI, "--resume", str(bad)])
    assert (result.exit_code, result.stderr) == (
        1,
        f"{bad}:2:11: error: unknown indicator 'zz' for rubric 'mini'\n",
    )
    result = runner.invoke(app, ["assess", "--save", str(bad), "--resume", str(bad)])
    assert result.exit_code == 2
    result = runner.invoke(app, ["assess", "--save", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{bad}: error: file exists and holds the assessment of 'A'")


def test_the_readme_screenshot_script_records_a_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    script = DATA.parent.parent / "docs" / "make_assess_svg.py"
    spec = importlib.util.spec_from_file_location("make_assess_svg", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUTPUT", tmp_path / "assess.svg")
    module.main()
    svg = (tmp_path / "assess.svg").read_text(encoding="utf-8").replace("&#160;", " ")
    assert svg.startswith("<svg")
    assert "Question 35/36 · Organisation" in svg
    assert "Multi-channel retail" in svg
    assert "Resuming" not in svg  # the picture starts at the question


def test_a_closed_output_stops_and_keeps_the_answers(mini: CompiledRubric, tmp_path: Path) -> None:
    class ClosedAfter(Scripted):
        def show(self, renderable: object) -> None:
            if self.reads >= 5:
                raise BrokenPipeError(32, "Broken pipe")
            super().show(renderable)  # type: ignore[arg-type]

    terminal = ClosedAfter(["Acme", "", "", "y", "2", "1"])
    flow = Questionnaire(terminal, mini, folder=tmp_path, today=lambda: TODAY)
    outcome = flow.run()
    assert (outcome.stopped_by, outcome.exit_code) == ("the terminal closed", 1)
    saved = yaml.safe_load((tmp_path / "acme.yaml").read_text())
    assert saved["answers"] == {"a": True, "b": "some"}


def test_output_is_no_wider_than_asked(mini: CompiledRubric, tmp_path: Path) -> None:
    terminal = Scripted(["Acme", "", "", "q"])
    terminal.max_width = 60
    Questionnaire(terminal, mini, folder=tmp_path, today=lambda: TODAY).run()
    lines = terminal.out.getvalue().splitlines()
    assert max(len(line) for line in lines) == 60
    assert "Question 1/6 · Dimension one ───" in terminal.out.getvalue()


def test_an_unwritable_folder_prints_the_answers(
    mini: CompiledRubric, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retail_stage.questionnaire as questionnaire

    def refuse(folder: Path, name: str) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(questionnaire, "claim_save_path", refuse)
    outcome, out = run(mini, ["Acme", "", ""], tmp_path)
    assert (outcome.stopped_by, outcome.exit_code) == ("cannot save", 1)
    assert "✗ cannot save to acme.yaml: Permission denied" in " ".join(out.split())
    assert "company:\n  name: Acme\n" in out


def test_resuming_a_file_of_another_rubric_version_warns(
    mini: CompiledRubric, tmp_path: Path
) -> None:
    path = tmp_path / "old.yaml"
    path.write_text("rubric: {id: mini, version: '1'}\ncompany: {name: Old}\nanswers: {a: yes}\n")
    _, out = run(mini, ["q"], tmp_path, resume=path)
    assert (
        f"{path}:1:29: warning: profile was answered for version 1 of 'mini'; scored with "
        "version 2" in " ".join(out.split())
    )
    assert "Continuing at question 2/6." in out


def test_cli_assess_report_into_a_missing_folder(tmp_path: Path) -> None:
    report = tmp_path / "no" / "r.json"
    result = runner.invoke(
        app,
        ["assess", "--rubric", MINI, "--save", str(tmp_path / "a.yaml"), "--report", str(report)],
        input="Acme\n\n\n" + "\n".join(ALL_ANSWERS) + "\n",
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{report}: error: cannot write the report: ")
    assert yaml.safe_load((tmp_path / "a.yaml").read_text())["answers"]["f"] is True


def test_a_line_break_in_the_file_name_stays_in_the_comment(
    mini: CompiledRubric, tmp_path: Path
) -> None:
    target = tmp_path / "odd\nname.yaml"
    outcome, _ = run(mini, ["Acme", "", "", "y", "q"], tmp_path, save=target)
    assert outcome.path == target
    text = target.read_text()
    assert "--resume '" in text.splitlines()[1]
    assert score_file(mini, target).scores[0] == 1.0


def test_cli_assess_report_takes_its_format_from_the_extension(tmp_path: Path) -> None:
    save, report = tmp_path / "a.yaml", tmp_path / "r.html"
    result = runner.invoke(
        app,
        ["assess", "--rubric", MINI, "--save", str(save), "--report", str(report)],
        input="Acme <b>\n\n\n" + "\n".join(ALL_ANSWERS) + "\n",
    )
    assert result.exit_code == 0, result.output
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Acme &lt;b&gt;" in html
    assert "Acme <b>" not in html


def test_cli_assess_refuses_a_report_name_without_a_format(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["assess", "--rubric", MINI, "--report", str(tmp_path / "r.docx")], input="Acme\n"
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"{tmp_path / 'r.docx'}: error: cannot tell the report format from the name; "
        "use .html, .pdf, .svg, .txt, .md or .json\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_cli_assess_in_chinese_asks_the_rubric_in_chinese(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["assess", "--lang", "zh", "--save", str(tmp_path / "a.yaml")], input="Acme\n\n\n"
    )
    assert result.exit_code == 0, result.output
    assert "第 1/36 题 · 渠道" in result.stdout
    assert "企业是否通过两个或以上完整的渠道销售" in result.stdout
    assert "企业名称（必填）：" in result.stdout
    assert "是/否 · s 跳过 · b 上一题 · h 帮助 · q 退出 · # 备注" in result.stdout
