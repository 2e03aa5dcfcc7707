"""The report: rich renderables for the terminal, and the files made from one recording of them.

The terminal report adapts to the console's width (80 columns and up). HTML, SVG and text are
exported from one `Console(record=True)` at a fixed width, so all three show the same report;
the HTML adds a radar chart of the dimensions. Markdown and JSON have their own modules.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich import box
from rich._export_format import CONSOLE_SVG_FORMAT
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.terminal_theme import TerminalTheme
from rich.text import Text

from retail_stage.render.report_data import (
    ANSWERED,
    NA,
    UNKNOWN,
    Evidence,
    Mover,
    Report,
    StageView,
    build_report,
    first_sentence,
)
from retail_stage.render.report_formats import ReportFormat
from retail_stage.render.table import STAGE_STYLES
from retail_stage.render.text import literal, neutral

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.loading import Failure
    from retail_stage.rubric import Rubric

EXPORT_WIDTH = 100
"""Columns of the recording behind the HTML, SVG and text reports."""

LABEL_NAMES = {"1.0": "1.0 · traffic", "2.0": "2.0 · supply & production"}


# A light, print-friendly palette for the HTML report; ANSI colours darkened to read on white.
PAPER = TerminalTheme(
    (255, 255, 255),
    (34, 34, 34),
    [
        (34, 34, 34),
        (178, 34, 34),
        (22, 120, 52),
        (160, 105, 0),
        (32, 82, 170),
        (140, 50, 140),
        (0, 118, 130),
        (110, 110, 110),
    ],
    [
        (90, 90, 90),
        (205, 50, 50),
        (30, 140, 60),
        (180, 125, 0),
        (50, 100, 200),
        (160, 70, 160),
        (0, 140, 150),
        (250, 250, 250),
    ],
)


class Bar:
    """A horizontal bar for a share in 0..1, with an optional marker at a threshold.

    It takes the width it is given (10 to 40 cells), so tables shrink to 80 columns and
    use more when there is room. Marks are characters, not only colours, so the plain-text
    export still shows the fill and the threshold.
    """

    def __init__(
        self, value: float | None, threshold: float | None = None, style: str = ""
    ) -> None:
        self.value = value
        self.threshold = threshold
        self.style = style

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(10, 40)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, min(options.max_width, 40))
        yield self.text(width)

    def text(self, width: int) -> Text:
        """The bar drawn in `width` cells."""
        filled = round((self.value or 0.0) * width)
        mark = None
        if self.threshold is not None:
            mark = min(width - 1, round(self.threshold * width))
        bar = Text()
        for cell in range(width):
            if cell == mark:
                bar.append("┃", style="bold magenta" if cell >= filled else "bold magenta reverse")
            elif cell < filled:
                bar.append("█", style=self.style)
            else:
                bar.append("░", style="bright_black")
        return bar


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _points(gain: float) -> str:
    return f"+{gain * 100:.1f} pts"


def _stage_style(report: Report, stage_id: str) -> str:
    ids = [s.id for s in report.ladder]
    return STAGE_STYLES[min(ids.index(stage_id), len(STAGE_STYLES) - 1)]


def heading(title: str) -> Rule:
    """A section heading: a rule with the title on the left."""
    return Rule(Text(title, style="bold"), align="left", style="bright_black")


def _header(report: Report) -> Panel:
    company = report.company
    body = Text()
    body.append_text(literal(report.company_name, "bold"))
    facts = [str(company[k]) for k in ("id", "sector", "country") if company.get(k)]
    if facts:
        body.append("  ")
        body.append_text(literal(" · ".join(facts), "bright_black"))
    result = report.result
    lines = [
        ("Assessed", str(company.get("assessed_on") or "date not given")),
        ("Rubric", f"{report.title} ({result.rubric_id} {result.rubric_version})"),
        ("Coverage", f"{result.coverage:.0%} of the weight answered"),
        ("Profile", result.source),
    ]
    for name, value in lines:
        body.append(f"\n{name:<9} ", style="bright_black")
        body.append_text(literal(value))
    for warning in result.warnings:
        body.append("\n⚠ ", style="yellow")
        body.append_text(literal(warning, "yellow"))
    return Panel(body, title=Text("Retail digitalization report", style="bold"), title_align="left")


def _verdict(report: Report) -> Panel:
    result = report.result
    style = _stage_style(report, result.stage)
    body = Text()
    body.append_text(literal(report.stage_name.upper(), f"bold {style}"))
    body.append("   ")
    body.append(LABEL_NAMES.get(result.label, result.label), style="bold")
    body.append(f"   index {result.index:.2f} of {len(report.rubric.stages)}", style="bright_black")
    body.append("\n\n")
    body.append_text(literal(first_sentence(report.stage_meaning)))
    body.append("\n")
    body.append(f"{result.label}: ", style="bold")
    body.append_text(literal(first_sentence(report.label.meaning)))
    if not report.certain:
        body.append("\n\n⚠ Not certain: ", style="bold yellow")
        unknown = report.unknown_count
        body.append_text(
            literal(
                f"between {report.range_low} and {report.range_high}. "
                f"{unknown} unknown answer{'s' * (unknown != 1)} could change the stage; "
                "answering them settles it.",
                "yellow",
            )
        )
    labels = result.label_range
    if not labels.certain:
        body.append("\n\n⚠ Label not certain: ", style="bold yellow")
        body.append(
            f"{labels.low} with the unknown answers at their lowest, {labels.high} at their "
            "highest; answering them settles it.",
            style="yellow",
        )
    return Panel(body, title=Text("Verdict", style="bold"), title_align="left", border_style=style)


def _ladder(report: Report) -> Group:
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        caption=Text("┃ marks the stage's threshold", style="bright_black"),
        caption_justify="left",
    )
    table.add_column(Text(""), no_wrap=True)
    table.add_column(Text("Stage"), no_wrap=True)
    table.add_column(Text("Attainment"))
    table.add_column(Text("Now"), justify="right", no_wrap=True)
    table.add_column(Text("Needs"), justify="right", no_wrap=True)
    table.add_column(Text("Status"), no_wrap=True)
    for stage in report.ladder:
        style = _stage_style(report, stage.id)
        marker = Text("▶", style=f"bold {style}") if stage.current else Text(" ")
        name = literal(stage.name, f"bold {style}" if stage.current else "")
        if stage.attainment is None or stage.threshold is None:
            table.add_row(
                marker, name, Text("starting point", style="bright_black"), *[Text("")] * 3
            )
            continue
        status = (
            Text("✓ met", style="green")
            if stage.met
            else Text("✗ gate fails" if stage.blocking_gates else "✗ not met", style="red")
        )
        if stage.current:
            status.append(" ◀ here", style=f"bold {style}")
        table.add_row(
            marker,
            name,
            Bar(stage.attainment, stage.threshold, "green" if stage.met else "yellow"),
            Text(_pct(stage.attainment)),
            Text(_pct(stage.threshold)),
            status,
        )
    parts: list[RenderableType] = [heading("The stage ladder"), table]
    gates = Table.grid(padding=(0, 1))
    gates.add_column(no_wrap=True)
    gates.add_column(ratio=1)
    for stage in report.ladder:
        for gate in stage.blocking_gates:
            gates.add_row(Text("  ✗", style="red"), _gate_line(stage, gate.evidence, gate.needs))
    parts += [gates, Text("")]
    return Group(*parts)


def _gate_line(stage: StageView, evidence: Evidence, needs: float) -> Text:
    line = literal(stage.name, "bold")
    line.append(" is blocked by a gate: ")
    line.append_text(literal(first_sentence(evidence.indicator.question), "italic"))
    line.append(" Answer: ")
    line.append_text(literal(evidence.answer.text, "bold"))
    line.append(f"; it needs a score of {needs:g}")
    if evidence.answer.better:
        line.append(", e.g. ")
        line.append_text(literal(evidence.answer.better, "bold green"))
    line.append(".")
    return line


def _label_section(report: Report) -> Group:
    view = report.label
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(justify="right", no_wrap=True)
    table.add_column()
    table.add_row(
        Text("Traffic focus"), Bar(view.traffic, None, "cyan"), Text(_pct(view.traffic)), Text("")
    )
    table.add_row(
        Text("Supply focus"),
        Bar(view.supply, view.threshold, "green" if view.gap <= 0 else "yellow"),
        Text(_pct(view.supply)),
        Text(f"2.0 at {_pct(view.threshold)}", style="bright_black"),
    )
    parts: list[RenderableType] = [
        heading(f"1.0 or 2.0: this is {LABEL_NAMES.get(view.label, view.label)}"),
        table,
        Text(""),
    ]
    if view.blocked_by_stage is not None:
        parts.append(
            literal(
                f"The supply focus is enough for 2.0, but the rubric also needs "
                f"{view.blocked_by_stage} first."
            )
        )
    elif view.gap <= 0:
        margin = view.supply - view.threshold
        parts.append(
            Text(
                f"2.0 holds: the supply focus is {margin * 100:.0f} points above the "
                f"{_pct(view.threshold)} threshold."
            )
        )
    else:
        chosen = [m for m in view.movers if m.in_smallest_set]
        parts.append(
            Text(
                f"To move to 2.0 the supply focus needs {view.gap * 100:.0f} more points. "
                f"These {_count(len(chosen), 'supply answer')} gain the most; at their best "
                "answers they reach it:"
            )
        )
        parts.append(steps_table(chosen, numbered=False))
    parts.append(Text(""))
    return Group(*parts)


def steps_table(movers: Sequence[Mover], numbered: bool, rest_from: int | None = None) -> Table:
    """Improvements (next steps, label movers) as stacked entries.

    Each entry is the question on its own line, then now -> next up and the id.

    Stacking keeps the question readable at 80 columns, where four side-by-side text columns
    would wrap every cell into a narrow strip.
    """
    table = Table.grid(padding=(0, 1))
    if numbered:
        table.add_column(justify="right", no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=1)
    for n, mover in enumerate(movers):
        if rest_from is not None and n == rest_from and n:
            divider = Text("then, by gain:", style="bold bright_black")
            table.add_row(*([Text("")] if numbered else []), Text(""), divider)
        e = mover.evidence
        question = literal(e.indicator.question, "bold")
        if mover.failed_gate:
            question.append(" GATE", style="bold red")
        answers = Table.grid(padding=(0, 1))
        answers.add_column(no_wrap=True, style="bright_black")
        answers.add_column(ratio=1)
        status = "" if e.answer.status == ANSWERED else "yellow"
        answers.add_row(Text("  now"), literal(e.answer.text, status))
        if e.answer.better:
            answers.add_row(Text("  next up"), literal(e.answer.better, "green"))
        answers.add_row(Text(""), literal(e.indicator.id, "bright_black"))
        body = Group(question, answers)
        cells: list[RenderableType] = [Text(_points(mover.gain), style="cyan"), body]
        if numbered:
            cells.insert(0, Text(f"{n + 1}."))
        table.add_row(*cells)
    return table


def _dimensions(report: Report) -> Group:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(justify="right", no_wrap=True)
    for dim in report.dimensions:
        style = "bright_black" if dim.score is None else "blue"
        table.add_row(literal(dim.name), Bar(dim.score, None, style), Text(_pct(dim.score)))
    line = Text()
    if report.strongest is not None:
        line.append("Strongest: ", style="bold")
        line.append_text(literal(f"{report.strongest.name} ({_pct(report.strongest.score)})"))
    if report.weakest is not None:
        line.append("   Weakest: ", style="bold")
        line.append_text(literal(f"{report.weakest.name} ({_pct(report.weakest.score)})"))
    if report.even_score is not None:
        line.append(f"Every dimension scores {_pct(report.even_score)}.")
    return Group(heading("Dimensions (all stages)"), table, Text(""), line, Text(""))


def _next_steps(report: Report) -> Group:
    stage = report.next_stage
    if stage is None or stage.attainment is None or stage.threshold is None:
        return Group(
            heading("Next steps"),
            literal(f"{report.stage_name} is the top of the ladder: there is no next stage."),
            Text(""),
        )
    chosen = sum(1 for m in report.steps if m.in_smallest_set)
    intro = Text()
    intro.append_text(literal(f"To reach {stage.name}: ", "bold"))
    intro.append(
        f"attainment {_pct(stage.attainment)} of {_pct(stage.threshold)} needed"
        + (f", {_count(len(stage.blocking_gates), 'gate')} failing" if stage.blocking_gates else "")
        + f". The first {_count(chosen, 'step')} together meet the stage, each raised to its "
        "best answer; the rest follow by gain."
    )
    return Group(
        heading("Next steps"),
        intro,
        steps_table(report.steps, numbered=True, rest_from=chosen),
        Text(
            "Gain: points of attainment if the answer reaches its best score.",
            style="bright_black",
        ),
        Text(""),
    )


class _ByWidth:
    """A renderable that picks its layout from the width it is given."""

    def __init__(self, wide_from: int, make: Callable[[bool], RenderableType]) -> None:
        self.wide_from = wide_from
        self.make = make

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.make(options.max_width >= self.wide_from)


def _evidence_table(stage: StageView, rows: Sequence[Evidence], wide: bool) -> Table:
    # Wide terminals give the source sentence its own column; narrow ones stack it under the
    # question, so no column becomes a strip of one word per line.
    table = Table(
        title=literal(stage.name, "bold"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        show_lines=True,  # a blank line between indicators: each one is several lines tall
        expand=True,
    )
    table.add_column(Text("Indicator"), ratio=4)
    table.add_column(Text("Answer"), ratio=3)
    table.add_column(Text("Score"), justify="right", no_wrap=True)
    table.add_column(Text("Weight"), justify="right", no_wrap=True)
    if wide:
        table.add_column(Text("Source sentence"), ratio=3)
    for e in rows:
        ind = e.indicator
        cell = literal(ind.question)
        cell.append("\n")
        cell.append_text(literal(f"{ind.id} · {ind.focus}", "bright_black"))
        source = literal(f"“{' '.join(ind.source.split())}”" if ind.source else "", "italic")
        if not wide and ind.source:
            cell.append("\n")
            source.stylize("bright_black")
            cell.append_text(source)
        answer = literal(
            e.answer.text, {UNKNOWN: "yellow", NA: "bright_black"}.get(e.answer.status, "")
        )
        if e.note:
            answer.append("\n")
            answer.append_text(literal(f"Note: {e.note}", "italic"))
        score = Text(e.scored)
        if e.gate_holds is not None:
            score.append(
                "\ngate ✓" if e.gate_holds else "\ngate ✗",
                style="green" if e.gate_holds else "red",
            )
        cells: list[RenderableType] = [cell, answer, score, Text(f"{ind.weight:g}")]
        if wide:
            cells.append(source)
        table.add_row(*cells)
    return table


def _evidence(report: Report) -> Group:
    parts: list[RenderableType] = [
        heading("The evidence"),
        Text(
            "Every indicator by stage: the answer, its score (0 to 1), its weight in the stage, "
            "the note given with it and the sentence of the model it comes from.",
            style="bright_black",
        ),
    ]
    for stage, rows in report.evidence:
        parts.append(Text(""))
        parts.append(_ByWidth(120, functools.partial(_evidence_table, stage, rows)))
    return Group(*parts)


def _respondents(report: Report) -> Group:
    panel = report.panel
    assert panel is not None
    people = Table.grid(padding=(0, 2))
    people.add_column(no_wrap=True)
    people.add_column()
    for name, stage_name, label in panel.respondents:
        people.add_row(literal(name), literal(f"{stage_name} {label}"))
    parts: list[RenderableType] = [
        heading(f"Respondents: {len(panel.respondents)}, merged by {panel.merge}"),
        Text("Where each would put the company on their own answers:", style="bright_black"),
        people,
        Text(""),
    ]
    if not panel.disagreements:
        parts += [literal("They agree on every question they all answered."), Text("")]
        return Group(*parts)
    parts.append(heading("Where respondents disagree"))
    for number, d in enumerate(panel.disagreements, start=1):
        line = Text(f"{number}. ", style="bold")
        line.append_text(literal(d.indicator.question))
        line.append_text(literal(f"  {d.indicator.id}", "bright_black"))
        parts.append(line)
        detail = Text("   ")
        detail.append(d.spread)
        parts.append(detail)
        for voice in d.voices:
            said = Text("   · ")
            said.append_text(literal(f"{voice.respondent}: ", "bold"))
            said.append_text(literal(f"{voice.answer} ({_pct(voice.score)})"))
            parts.append(said)
    if panel.more:
        parts.append(
            Text(f"... and {_count(panel.more, 'more question')} (all in the JSON result)")
        )
    parts.append(Text(""))
    return Group(*parts)


def renderables(report: Report) -> Iterator[RenderableType]:
    """The report's sections in order, as rich renderables."""
    yield _header(report)
    yield _verdict(report)
    if report.panel is not None:
        yield _respondents(report)
    yield _ladder(report)
    yield _label_section(report)
    yield _dimensions(report)
    yield _next_steps(report)
    yield _evidence(report)


def plain_console(**options: object) -> Console:
    """A console that never parses markup, emoji codes or highlights user text."""
    return Console(markup=False, emoji=False, highlight=False, **options)  # type: ignore[arg-type]


def print_report(report: Report, console: Console | None = None) -> None:
    """Print the report to the terminal (stdout by default), at the terminal's width."""
    console = console or plain_console()
    for part in renderables(report):
        console.print(part)


def recording(report: Report, width: int = EXPORT_WIDTH) -> Console:
    """A console that has recorded the report at `width` columns, ready to export."""
    console = plain_console(
        record=True,
        width=width,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        no_color=False,
        legacy_windows=False,
        _environ={},  # the same files whatever the environment (COLUMNS, NO_COLOR, TERM)
    )
    print_report(report, console)
    return console


# Rich's SVG template fetches a web font; a report must open offline, so drop the @font-face.
_SVG_FORMAT = re.sub(
    r"@font-face \{\{.*?\}\}\s*|<!-- Generated with Rich.*?-->\s*",
    "",
    CONSOLE_SVG_FORMAT,
    flags=re.S,
).replace(
    "font-family: Fira Code, monospace;",
    "font-family: 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace;",
)

_HTML_FORMAT = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%(title)s</title>
<style>
{stylesheet}
body {{
    color: {foreground};
    background-color: {background};
    margin: 24px;
    font-family: system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif;
}}
.page {{ display: grid; grid-template-columns: max-content max-content; gap: 24px;
         align-items: start; }}
@media (max-width: 1400px) {{
    .page {{ grid-template-columns: max-content; }}
    figure.radar {{ order: -1; position: static; justify-self: start; }}
}}
pre.report {{
    font-family: 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace;
    font-size: 13px; line-height: 1.17; margin: 0;
}}
figure.radar {{
    margin: 0; padding: 12px; border: 1px solid #d5d9de; border-radius: 8px;
    position: sticky; top: 24px;
}}
figure.radar figcaption {{ font-weight: 600; margin-bottom: 4px; }}
</style>
</head>
<body>
<div class="page">
<pre class="report"><code style="font-family:inherit">{code}</code></pre>
<figure class="radar"><figcaption>Dimensions at a glance</figcaption>%(radar)s</figure>
</div>
</body>
</html>
"""


def _html_template(report: Report) -> str:
    from html import escape

    from retail_stage.render.radar import radar_svg

    title = neutral(f"Retail digitalization report: {report.company_name}")
    radar = radar_svg(
        [(neutral(d.name), d.score) for d in report.dimensions],
        title=neutral(f"Dimensions of {report.company_name}"),
    )
    # The template goes through str.format in rich: double the braces of the inserted text.
    fill = {"title": escape(title), "radar": radar}
    return _HTML_FORMAT % {k: v.replace("{", "{{").replace("}", "}}") for k, v in fill.items()}


def exports(report: Report, formats: Iterable[ReportFormat]) -> dict[ReportFormat, str]:
    """HTML, SVG and text of the report, all from one recording at EXPORT_WIDTH columns."""
    console = recording(report)
    out: dict[ReportFormat, str] = {}
    for fmt in formats:
        if fmt is ReportFormat.HTML:
            out[fmt] = console.export_html(
                theme=PAPER, clear=False, code_format=_html_template(report)
            )
        elif fmt is ReportFormat.SVG:
            out[fmt] = console.export_svg(
                title=neutral(f"retail-stage report: {report.company_name}"),
                clear=False,
                code_format=_SVG_FORMAT,
                font_aspect_ratio=0.61,
            )
        elif fmt is ReportFormat.TXT:
            out[fmt] = console.export_text(clear=False)
        else:
            raise ValueError(f"{fmt.value} is not exported from a recording")
    return out


def render_report(result: Result, rubric: Rubric, fmt: ReportFormat) -> str:
    """The whole report of `result` in a file format (every format but terminal)."""
    report = build_report(result, rubric)
    if fmt is ReportFormat.MD:
        from retail_stage.render.report_markdown import report_markdown

        return report_markdown(report)
    if fmt is ReportFormat.JSON:
        from retail_stage.render.report_json import report_json

        return report_json(report)
    if fmt is ReportFormat.TERMINAL:
        raise ValueError("the terminal report is printed, not rendered to a file")
    return exports(report, [fmt])[fmt]


_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def report_file_name(result: Result, taken: set[str], fmt: ReportFormat) -> str:
    """A file name for a result's report: from the company id or name, safe characters only.

    `taken` holds the names already used (compared case-insensitively, for case-insensitive
    file systems); the new name is added to it.
    """
    return company_file_name(result.company, taken, fmt)


def company_file_name(company: Mapping[str, Any], taken: set[str], fmt: ReportFormat) -> str:
    """The file name `report_file_name` gives, from a result's company block alone."""
    base = str(company.get("id") or company.get("name") or "")
    stem = _UNSAFE.sub("-", base).strip("-_")[:80].strip("-_").lower() or "profile"
    name = f"{stem}.{fmt.value}"
    n = 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.{fmt.value}"
    taken.add(name)
    return name


class ReportWriter:
    """Writes one report per result into a folder as results stream in (`score --report-dir`).

    Names come from `report_file_name`, so no report overwrites another written by the same
    writer and none lands outside the folder; a rerun replaces its own files.
    """

    def __init__(self, folder: Path, fmt: ReportFormat, rubric: Rubric) -> None:
        if fmt is ReportFormat.TERMINAL:
            raise ValueError("choose a file format for a folder of reports")
        folder.mkdir(parents=True, exist_ok=True)
        self.root = folder.resolve()
        self.fmt = fmt
        self.rubric = rubric
        self.taken: set[str] = set()

    def write(self, result: Result) -> Path:
        """Write the report of `result`; the path written."""
        return self.write_rendered(result.company, render_report(result, self.rubric, self.fmt))

    def write_rendered(self, company: Mapping[str, Any], text: str) -> Path:
        """Write a report already rendered (by a worker process) for `company`; the path."""
        from retail_stage.output import write_atomic

        path = self.root / company_file_name(company, self.taken, self.fmt)
        if path.parent != self.root:  # pragma: no cover - company_file_name makes no separators
            raise ValueError(f"refusing to write outside {self.root}: {path}")
        write_atomic(path, text)
        return path

    def passing(self, records: Iterable[Result | Failure]) -> Iterator[Result | Failure]:
        """Every record unchanged, writing a report for each result as it passes.

        Lets a batch write its usual output and a folder of reports in one streaming pass.
        """
        from retail_stage.engine import Result

        for record in records:
            if isinstance(record, Result):
                self.write(record)
            yield record


def write_reports(
    results: Iterable[Result], folder: Path, fmt: ReportFormat, rubric: Rubric
) -> list[Path]:
    """Write one report per result into `folder` (created if needed); the paths written."""
    writer = ReportWriter(folder, fmt, rubric)
    return [writer.write(result) for result in results]
