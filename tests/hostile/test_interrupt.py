"""No work lost: `assess` interrupted at every question of the bundled rubric keeps every answer."""

from __future__ import annotations

import io
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console

from retail_stage.engine import CompiledRubric
from retail_stage.questionnaire import ConsoleTerminal, Questionnaire, options_of, question_order
from retail_stage.rubric import BooleanAnswer, Indicator, MultiAnswer, NumberAnswer

COMPANY = ["Acme Retail", "", ""]  # name, sector, country


def best_answer(ind: Indicator) -> str:
    """A valid typed answer that opens every follow-up question."""
    answer = ind.answer
    if isinstance(answer, BooleanAnswer):
        return "y"
    if isinstance(answer, NumberAnswer):
        return str(int(answer.max if answer.max is not None else 100))
    if isinstance(answer, MultiAnswer):
        return ",".join(str(k + 1) for k in range(len(options_of(ind))))
    return str(len(options_of(ind)))


class Scripted(ConsoleTerminal):
    """Typed lines; `stop(n)` may interrupt just before the n-th read."""

    def __init__(self, lines: list[str], stop: Callable[[int], None]) -> None:
        super().__init__(
            Console(file=io.StringIO(), width=100), io.StringIO("\n".join(lines) + "\n")
        )
        self.reads = 0
        self.stop = stop

    def read(self, prompt: str) -> str:
        self.reads += 1
        self.stop(self.reads)
        return super().read(prompt)


def assess(
    bundled: CompiledRubric, folder: Path, lines: list[str], stop: Callable[[int], None]
) -> Any:
    here = Path.cwd()
    os.chdir(folder)
    try:
        return Questionnaire(Scripted(lines, stop), bundled, folder=Path()).run()
    finally:
        os.chdir(here)


def saved_answers(folder: Path) -> dict[str, Any]:
    files = list(folder.glob("*.yaml"))
    if not files:
        return {}
    (path,) = files
    answers: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]
    return answers


@pytest.fixture(scope="module")
def script(bundled: CompiledRubric) -> list[str]:
    return COMPANY + [best_answer(ind) for ind in question_order(bundled.rubric)]


@pytest.fixture(scope="module")
def complete(
    bundled: CompiledRubric, script: list[str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("complete")
    outcome = assess(bundled, folder, script, lambda n: None)
    assert outcome.exit_code == 0
    answers = saved_answers(folder)
    assert len(answers) == len(bundled.rubric.indicators)
    return answers


def ctrl_c(n: int) -> None:
    raise KeyboardInterrupt


def sigterm(n: int) -> None:
    os.kill(os.getpid(), signal.SIGTERM)


def sighup(n: int) -> None:
    os.kill(os.getpid(), signal.SIGHUP)


@pytest.mark.parametrize(("how", "code"), [(ctrl_c, 130), (sigterm, 143), (sighup, 129), (None, 0)])
def test_interrupted_at_every_question_keeps_every_answer(
    bundled: CompiledRubric,
    script: list[str],
    complete: dict[str, Any],
    tmp_path: Path,
    how: Callable[[int], None] | None,
    code: int,
) -> None:
    asked = [ind.id for ind in question_order(bundled.rubric)]
    for given in range(len(asked)):
        folder = tmp_path / f"stop-{given}"
        folder.mkdir()
        read_to_stop_at = len(COMPANY) + given + 1
        if how is None:  # end of input: the script simply runs out
            outcome = assess(bundled, folder, script[: read_to_stop_at - 1], lambda n: None)
        else:
            outcome = assess(
                bundled, folder, script, lambda n, at=read_to_stop_at: how(n) if n == at else None
            )
        assert outcome.exit_code == code, given
        assert saved_answers(folder) == {key: complete[key] for key in asked[:given]}, given
