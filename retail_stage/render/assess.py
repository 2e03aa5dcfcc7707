"""The views of `retail-stage assess`: intro, question, help, resume summary and the result.

Each function returns a rich renderable; every string from the rubric, the company or an
answer goes in as a `Text` (render.text.literal), never as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from retail_stage.questions import describe, options_of, question_order
from retail_stage.render.table import stage_style
from retail_stage.render.text import literal
from retail_stage.rubric import NumberAnswer

if TYPE_CHECKING:
    from retail_stage.engine import CompiledRubric, Result
    from retail_stage.rubric import Indicator, Rubric


class Answers(Protocol):
    """What the views read of an assessment under way (the questionnaire's `Assessment`)."""

    company: dict[str, Any]
    answers: dict[str, Any]

    def questions(self) -> list[Indicator]:
        """The questions asked given the answers so far, in order."""
        ...


BAR_WIDTH = 12
"""Characters of a stage's attainment bar; the threshold is marked inside it."""


def _join(*parts: Text | str, sep: str = "") -> Text:
    text = Text()
    for n, part in enumerate(parts):
        if n:
            text.append(sep)
        text.append(part)
    return text


def intro(rubric: Rubric, resuming: bool) -> RenderableType:
    """What the stages mean, how many questions, the keys that skip, go back and quit."""
    ladder = Table.grid(padding=(0, 2))
    ladder.add_column(no_wrap=True)
    ladder.add_column()
    ladder.add_row(literal(rubric.baseline.name, "bold"), literal(rubric.baseline.description))
    for k, stage in enumerate(rubric.stages, start=1):
        ladder.add_row(
            literal(stage.name, f"bold {stage_style(len(rubric.stages), k)}"),
            literal(stage.description),
        )
    count = len(question_order(rubric))
    keys = Text.assemble(
        (f"{count} questions", "bold"),
        " grouped by topic (fewer when a follow-up does not apply). Answer with an option's "
        "number or label, y/n, or a number.\n",
        ("s", "bold"),
        " skip (unknown)   ",
        ("n/a", "bold"),
        " where it does not apply   ",
        ("b", "bold"),
        " back   ",
        ("h", "bold"),
        " help and source   ",
        ("q", "bold"),
        " save and quit\n",
        "A note after # is saved with the answer: ",
        ("2 # only in flagship stores", "italic"),
    )
    if resuming:
        keys.append("\nResuming a saved assessment.")
    body = Group(
        _join(literal(rubric.title, "bold"), Text(f"  (rubric {rubric.id} {rubric.version})")),
        Text(),
        ladder,
        Text(),
        Text(
            "Label 1.0: digitalization is about traffic (the front end). "
            "2.0: it has reached supply and production (the middle and back end)."
        ),
        Text(),
        keys,
    )
    return Panel(body, title="retail-stage assess", title_align="left", border_style="blue")


def header(number: int, total: int, dimension: str) -> Text:
    """`Question 7/38 · Inventory & fulfilment`."""
    return _join(Text(f"Question {number}/{total} · "), literal(dimension))


def _hint(ind: Indicator, option_count: int) -> str:
    kind = ind.answer.kind
    if kind == "boolean":
        answer = "y/n"
    elif isinstance(ind.answer, NumberAnswer):
        unit = f" {ind.answer.unit}" if ind.answer.unit else ""
        low, high = ind.answer.min, ind.answer.max
        answer = (
            f"a number {low:g}-{high:g}{unit}"
            if low is not None and high is not None
            else f"a number{unit}"
        )
    elif kind == "multi":
        answer = "numbers like 1,3 or labels · 0 none"
    else:
        answer = f"1-{option_count} or a label"
    na = " · n/a" if ind.allow_na else ""
    return f"{answer} · s skip{na} · b back · h help · q quit · # note"


def question(
    ind: Indicator, number: int, total: int, dimension: str, current: Any
) -> RenderableType:
    """One question: header, text, help, numbered options, current answer, the keys."""
    parts: list[RenderableType] = [
        Text(),
        Rule(header(number, total, dimension), align="left", style="blue"),
        literal(ind.question, "bold"),
    ]
    if ind.help:
        parts.append(literal(ind.help, "dim"))
    options = options_of(ind)
    if options:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(justify="right", style="bold cyan", no_wrap=True)
        grid.add_column()
        grid.add_column(style="dim", no_wrap=True)
        for n, (option_id, label) in enumerate(options, start=1):
            grid.add_row(str(n), literal(label), literal(option_id))
        parts.append(Padding(grid, (0, 0, 0, 1)))
    if current is not None:
        parts.append(
            Text.assemble(
                "Current answer (Enter keeps it): ", literal(describe(ind, current), "bold")
            )
        )
    parts.append(Text(_hint(ind, len(options)), style="dim"))
    return Group(*parts)


def help_view(ind: Indicator, rubric: Rubric) -> RenderableType:
    """The help, the source sentence, and where the indicator counts."""
    stages = {s.id: s.name for s in rubric.stages}
    lines: list[RenderableType] = []
    if ind.help:
        lines.append(literal(ind.help))
    if ind.source:
        lines.append(Text.assemble("Source: ", literal(f"“{ind.source.strip()}”", "italic")))
    where = f"{ind.id} · counts towards {stages.get(ind.stage, ind.stage)} · weight {ind.weight:g}"
    where += f" · focus {ind.focus}"
    if ind.required:
        where += " · a gate: the stage is not met without it"
    lines.append(literal(where, "dim"))
    if ind.ask_if is not None:
        lines.append(
            literal(
                f"Asked only when {ind.ask_if.indicator} scores above {ind.ask_if.above:g}; "
                f"otherwise it counts as {ind.if_not_asked}.",
                "dim",
            )
        )
    return Panel(Group(*lines), title="Help", title_align="left", border_style="dim")


def problem(reason: str) -> Text:
    """The one-line reason a line was not accepted."""
    return Text.assemble(("✗ ", "bold red"), literal(reason, "red"))


def saved(answer: str) -> Text:
    """The answer as it was understood and saved."""
    return Text.assemble(("✓ ", "green"), literal(answer, "green"))


def note(message: str, style: str = "dim") -> Text:
    """A line about the session (where answers are saved, how to resume)."""
    return literal(message, style)


def answered(assessment: Answers, path: str, position: int) -> RenderableType:
    """What a resumed assessment already holds, and where it continues."""
    questions = assessment.questions()

    table = Table(box=None, padding=(0, 1), header_style="dim", expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Question", ratio=3, no_wrap=True, overflow="ellipsis")
    table.add_column("Answer", ratio=2, no_wrap=True, overflow="ellipsis")
    count = 0
    for n, ind in enumerate(questions, start=1):
        if ind.id in assessment.answers:
            count += 1
            table.add_row(
                str(n),
                literal(ind.question),
                literal(describe(ind, assessment.answers[ind.id])),
            )
    name = str(assessment.company.get("name", ""))
    title = Text.assemble(
        "Resuming ",
        literal(name, "bold"),
        " from ",
        literal(path),
        f": {count} of {len(questions)} questions answered",
    )
    parts: list[RenderableType] = [title]
    if count:
        parts.append(table)
    if position < len(questions):
        parts.append(Text(f"Continuing at question {position + 1}/{len(questions)}."))
    else:
        parts.append(Text("Every question is answered."))
    return Group(*parts)


def _bar(attainment: float, threshold: float) -> Text:
    filled = round(attainment * BAR_WIDTH)
    mark = min(BAR_WIDTH - 1, round(threshold * BAR_WIDTH))
    text = Text()
    for k in range(BAR_WIDTH):
        if k == mark:
            text.append("┃", style="bold")
        else:
            text.append("█" if k < filled else "░", style="green" if k < filled else "dim")
    return text


def result_view(result: Result, compiled: CompiledRubric, path: str) -> RenderableType:
    """Stage and label, index, coverage, each stage against its threshold, the next steps."""
    rubric = compiled.rubric
    order = [rubric.baseline.id] + [s.id for s in rubric.stages]
    names = {rubric.baseline.id: rubric.baseline.name} | {s.id: s.name for s in rubric.stages}
    reached = order.index(result.stage)
    supply_needed = rubric.label.threshold
    label_words = "supply & production" if result.label == "2.0" else "traffic"

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    stage = literal(result.stage_name, f"bold {stage_style(len(order), reached)}")
    if not result.certain:
        stage.append(
            f"  not certain: up to {names[result.stage_range.high]}"
            " if the unknown answers were the best",
            style="dim",
        )
    facts.add_row("Stage", stage)
    facts.add_row(
        "Label",
        Text.assemble(
            (f"{result.label} · {label_words}", "bold"),
            (
                f"  supply-focus score {result.focus_supply:.2f} "
                f"(2.0 from {supply_needed:.2f}), traffic-focus {result.focus_traffic:.2f}",
                "dim",
            ),
        ),
    )
    facts.add_row(
        "Index", Text.assemble((f"{result.index:.2f}", "bold"), f" of {len(rubric.stages)}")
    )
    facts.add_row(
        "Coverage",
        Text.assemble((f"{result.coverage:.0%}", "bold"), " of the weight answered"),
    )

    stages = Table(box=None, padding=(0, 1), header_style="dim")
    stages.add_column("Stage", no_wrap=True)
    stages.add_column("Attained", justify="right", no_wrap=True)
    stages.add_column("", no_wrap=True)
    stages.add_column("Needed", justify="right", no_wrap=True)
    stages.add_column("", no_wrap=True)
    gates: list[RenderableType] = []
    for s in result.stages:
        status = Text("met", style="green") if s.met else Text("not met", style="red")
        if s.failed_gates:
            count = len(s.failed_gates)
            status.append(f", {count} gate{'s' * (count != 1)}", style="red")
            gates.append(
                Text.assemble(
                    ("Failed gates", "red"),
                    " of ",
                    literal(s.name),
                    ": ",
                    literal(", ".join(s.failed_gates), "dim"),
                )
            )
        stages.add_row(
            literal(s.name),
            f"{s.attainment:.2f}",
            _bar(s.attainment, s.threshold),
            f"{s.threshold:.2f}",
            status,
        )

    parts: list[RenderableType] = [facts, Text(), stages, *gates]
    steps = result.next_steps
    if steps.stage is not None:
        questions = {ind.id: ind.question for ind in rubric.indicators}
        chosen = [n for n in steps.indicators if n.in_smallest_set]
        parts += [
            Text(),
            Text.assemble(
                ("Next steps", "bold"),
                " towards ",
                literal(names[steps.stage], "bold"),
                f": the smallest set that would meet it ({len(chosen)} of "
                f"{len(steps.indicators)} open indicators)",
            ),
        ]
        table = Table(box=None, padding=(0, 1), show_header=False, expand=True)
        table.add_column(justify="right", style="dim", no_wrap=True)
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column(style="dim", no_wrap=True)
        table.add_column(justify="right", style="green", no_wrap=True)
        for n, step in enumerate(chosen, start=1):
            what = literal(questions[step.indicator])
            if step.failed_gate:
                what = Text.assemble(("gate ", "bold red"), what)
            table.add_row(f"{n}.", what, literal(step.indicator), f"+{step.gain:.2f}")
        parts.append(table)
    else:
        parts += [Text(), Text("The top of the ladder: every stage is met.", style="green")]
    parts += [
        Text(),
        Text.assemble(
            "Saved in ",
            literal(path, "bold"),
            ". Every number: ",
            literal(f"retail-stage score {path} --format json", "italic"),
        ),
    ]
    title = Text.assemble("Result · ", literal(str(result.company.get("name", ""))))
    return Group(
        Text(), Panel(Group(*parts), title=title, title_align="left", border_style="green")
    )
