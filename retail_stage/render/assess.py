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

from retail_stage.answers import expected_number
from retail_stage.messages import _, n_
from retail_stage.questions import describe, options_of, question_order
from retail_stage.render.cjk import cjk_literal as literal
from retail_stage.render.table import stage_style
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
        (n_("{n} question", "{n} questions", count).format(n=count), "bold"),
        _(
            " grouped by topic (fewer when a follow-up does not apply). Answer with an option's "
            "number or label, y/n, or a number."
        ),
        "\n",
        ("s", "bold"),
        _(" skip (unknown)   "),
        ("n/a", "bold"),
        _(" where it does not apply   "),
        ("b", "bold"),
        _(" back   "),
        ("h", "bold"),
        _(" help and source   "),
        ("q", "bold"),
        _(" save and quit"),
        "\n",
        _("A note after # is saved with the answer: "),
        (_("2 # only in flagship stores"), "italic"),
    )
    if resuming:
        keys.append("\n" + _("Resuming a saved assessment."))
    body = Group(
        _join(
            literal(rubric.title, "bold"),
            literal(
                _("  (rubric {rubric} {version})").format(rubric=rubric.id, version=rubric.version)
            ),
        ),
        Text(),
        ladder,
        Text(),
        Text(
            _(
                "Label 1.0: digitalization is about traffic (the front end). "
                "2.0: it has reached supply and production (the middle and back end)."
            )
        ),
        Text(),
        keys,
    )
    return Panel(body, title="retail-stage assess", title_align="left", border_style="blue")


def header(number: int, total: int, dimension: str) -> Text:
    """`Question 7/38 · Inventory & fulfilment`."""
    return _join(
        Text(_("Question {number}/{total} · ").format(number=number, total=total)),
        literal(dimension),
    )


def hint(ind: Indicator) -> str:
    """The keys a question takes: `y/n · s skip · b back · h help · q quit · # note`."""
    kind = ind.answer.kind
    if kind == "boolean":
        answer = _("y/n")
    elif isinstance(ind.answer, NumberAnswer):
        answer = expected_number(ind.answer)
    elif kind == "multi":
        answer = _("numbers like 1,3 or labels · 0 none")
    else:
        answer = _("1-{count} or a label").format(count=len(options_of(ind)))
    na = " · n/a" if ind.allow_na else ""
    return _("{answer} · s skip{na} · b back · h help · q quit · # note").format(
        answer=answer, na=na
    )


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
                _("Current answer (Enter keeps it): "), literal(describe(ind, current), "bold")
            )
        )
    parts.append(Text(hint(ind), style="dim"))
    return Group(*parts)


def help_view(ind: Indicator, rubric: Rubric) -> RenderableType:
    """The help, the source sentence, and where the indicator counts (in words, no ids)."""
    stages = {s.id: s.name for s in rubric.stages}
    questions = {other.id: other.question for other in rubric.indicators}
    lines: list[RenderableType] = []
    if ind.help:
        lines.append(literal(ind.help))
    if ind.source:
        lines.append(Text.assemble(_("Source: "), literal(f"“{ind.source.strip()}”", "italic")))
    focus = _("supply (middle and back end)") if ind.focus == "supply" else _("traffic (front end)")
    where = _("counts towards {stage} · weight {weight} · focus {focus}").format(
        stage=stages.get(ind.stage, ind.stage), weight=f"{ind.weight:g}", focus=focus
    )
    if ind.required:
        where += _(" · a gate: the stage is not met without it")
    lines.append(literal(where, "dim"))
    if ind.ask_if is not None:
        otherwise = _("n/a") if ind.if_not_asked == "n/a" else _("zero")
        lines.append(
            literal(
                _(
                    "Asked only when the answer to “{question}” scores above {above}; "
                    "otherwise it counts as {otherwise}."
                ).format(
                    question=questions.get(ind.ask_if.indicator, ind.ask_if.indicator),
                    above=f"{ind.ask_if.above:g}",
                    otherwise=otherwise,
                ),
                "dim",
            )
        )
    return Panel(Group(*lines), title=_("Help"), title_align="left", border_style="dim")


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
    table.add_column(_("Question"), ratio=3, no_wrap=True, overflow="ellipsis")
    table.add_column(_("Answer"), ratio=2, no_wrap=True, overflow="ellipsis")
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
    title = literal(
        _("Resuming {company} from {path}: {count} of {total} questions answered").format(
            company=name, path=path, count=count, total=len(questions)
        )
    )
    parts: list[RenderableType] = [title]
    if count:
        parts.append(table)
    if position < len(questions):
        parts.append(
            Text(
                _("Continuing at question {number}/{total}.").format(
                    number=position + 1, total=len(questions)
                )
            )
        )
    else:
        parts.append(Text(_("Every question is answered.")))
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
    """Stage and label, index, coverage, each stage against its threshold, the next steps:
    questions and stage names, never indicator ids."""
    rubric = compiled.rubric
    order = [rubric.baseline.id] + [s.id for s in rubric.stages]
    names = {rubric.baseline.id: rubric.baseline.name} | {s.id: s.name for s in rubric.stages}
    questions = {ind.id: ind.question for ind in rubric.indicators}
    reached = order.index(result.stage)
    supply_needed = rubric.label.threshold
    label_words = _("supply & production") if result.label == "2.0" else _("traffic")

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    stage = literal(result.stage_name, f"bold {stage_style(len(order), reached)}")
    if not result.certain:
        stage.append(
            _("  not certain: up to {stage} if the unknown answers were the best").format(
                stage=names[result.stage_range.high]
            ),
            style="dim",
        )
    facts.add_row(_("Stage"), stage)
    facts.add_row(
        _("Label"),
        Text.assemble(
            (f"{result.label} · {label_words}", "bold"),
            (
                _(
                    "  supply-focus score {supply} (2.0 from {needed}), traffic-focus {traffic}"
                ).format(
                    supply=f"{result.focus_supply:.2f}",
                    needed=f"{supply_needed:.2f}",
                    traffic=f"{result.focus_traffic:.2f}",
                ),
                "dim",
            ),
        ),
    )
    facts.add_row(
        _("Index"),
        Text.assemble(
            (f"{result.index:.2f}", "bold"),
            _(" of {count}").format(count=len(rubric.stages)),
        ),
    )
    facts.add_row(
        _("Coverage"),
        Text.assemble((f"{result.coverage:.0%}", "bold"), _(" of the weight answered")),
    )

    stages = Table(box=None, padding=(0, 1), header_style="dim")
    stages.add_column(_("Stage"), no_wrap=True)
    stages.add_column(_("Attained"), justify="right", no_wrap=True)
    stages.add_column("", no_wrap=True)
    stages.add_column(_("Needed"), justify="right", no_wrap=True)
    stages.add_column("", no_wrap=True)
    gates: list[RenderableType] = []
    for s in result.stages:
        status = Text(_("met"), style="green") if s.met else Text(_("not met"), style="red")
        if s.failed_gates:
            count = len(s.failed_gates)
            status.append(n_(", {n} gate", ", {n} gates", count).format(n=count), style="red")
            gates.append(
                Text.assemble(
                    (_("Failed gates of {stage}:").format(stage=s.name), "red"),
                    *(
                        literal("\n  · " + questions.get(gate, gate), "dim")
                        for gate in s.failed_gates
                    ),
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
        chosen = [n for n in steps.indicators if n.in_smallest_set]
        parts += [
            Text(),
            Text.assemble(
                (_("Next steps"), "bold"),
                literal(
                    _(
                        " towards {stage}: the smallest set that would meet it ({chosen} of "
                        "{open} open indicators)"
                    ).format(
                        stage=names[steps.stage], chosen=len(chosen), open=len(steps.indicators)
                    )
                ),
            ),
        ]
        table = Table(box=None, padding=(0, 1), show_header=False, expand=True)
        table.add_column(justify="right", style="dim", no_wrap=True)
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column(justify="right", style="green", no_wrap=True)
        for n, step in enumerate(chosen, start=1):
            what: Text = literal(questions[step.indicator])
            if step.failed_gate:
                what = Text.assemble((_("gate "), "bold red"), what)
            table.add_row(f"{n}.", what, f"+{step.gain:.2f}")
        parts.append(table)
    else:
        parts += [Text(), Text(_("The top of the ladder: every stage is met."), style="green")]
    parts += [
        Text(),
        Text.assemble(
            _("Saved in "),
            literal(path, "bold"),
            _(". Every number: "),
            literal(f"retail-stage score {path} --format json", "italic"),
        ),
    ]
    title = Text.assemble(_("Result · "), literal(str(result.company.get("name", ""))))
    return Group(
        Text(), Panel(Group(*parts), title=title, title_align="left", border_style="green")
    )
