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
from rich.text import Text

from retail_stage.messages import _
from retail_stage.render.cjk import cjk_literal as literal
from retail_stage.render.cjk import fit_wide_text
from retail_stage.render.report_data import (
    ANSWERED,
    NA,
    UNKNOWN,
    Evidence,
    GateView,
    Mover,
    Report,
    StageView,
    ahead_cell,
    ahead_explained,
    build_report,
    find_out_sentence,
    first_sentence,
    focus_name,
    gain_footnote,
    index_sentence,
    index_standing_sentence,
    label_name,
    label_sentence,
    label_uncertain_sentence,
    median_stage_sentence,
    merge_name,
    more_disagreements_sentence,
    next_stage_sentence,
    next_steps_intro,
    peer_mark_legend,
    peer_value,
    peers_heading,
    peers_intro,
    points,
    quiet_unknowns_sentence,
    top_sentence,
    uncertain_sentence,
)
from retail_stage.render.report_data import pct as _pct
from retail_stage.render.report_formats import ReportFormat
from retail_stage.render.table import STAGE_STYLES
from retail_stage.render.text import neutral

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.loading import Failure
    from retail_stage.peers import PeerSet
    from retail_stage.rubric import Rubric

EXPORT_WIDTH = 100
"""Columns of the recording behind the SVG and text reports."""
SVG_FONT_ASPECT = 0.61
"""A cell's width to its height in the SVG (the monospace fonts it names are about that)."""
SVG_CHAR_HEIGHT = 20
"""The height of a cell in rich's SVG export."""


class Bar:
    """A horizontal bar for a share in 0..1, with an optional marker at a threshold.

    It takes the width it is given (10 to 40 cells), so tables shrink to 80 columns and
    use more when there is room. Marks are characters, not only colours, so the plain-text
    export still shows the fill and the threshold.
    """

    def __init__(
        self,
        value: float | None,
        threshold: float | None = None,
        style: str = "",
        peer: float | None = None,
    ) -> None:
        self.value = value
        self.threshold = threshold
        self.style = style
        self.peer = peer
        """The peers' median, marked ◆ (None: no mark)."""

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
        peer = None if self.peer is None else min(width - 1, round(self.peer * width))
        bar = Text()
        for cell in range(width):
            if cell == peer:
                bar.append("◆", style="bold" if cell >= filled else "bold reverse")
            elif cell == mark:
                bar.append("┃", style="bold magenta" if cell >= filled else "bold magenta reverse")
            elif cell < filled:
                bar.append("█", style=self.style)
            else:
                bar.append("░", style="bright_black")
        return bar


def say(message: str, style: str = "") -> Text:
    """One of the tool's own sentences, wrapped as its language wraps."""
    return literal(message, style)


def _stage_style(report: Report, stage_id: str) -> str:
    ids = [s.id for s in report.ladder]
    return STAGE_STYLES[min(ids.index(stage_id), len(STAGE_STYLES) - 1)]


def heading(title: str) -> Rule:
    """A section heading: a rule with the title on the left."""
    return Rule(literal(title, "bold"), align="left", style="bright_black")


def _facts(rows: Iterable[tuple[str, str]]) -> Table:
    """Name: value lines whose values line up whatever the width of the names' characters."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, style="bright_black")
    table.add_column(ratio=1)
    for name, value in rows:
        table.add_row(say(name), literal(value))
    return table


def _header(report: Report) -> Panel:
    company = report.company
    name = literal(report.company_name, "bold")
    facts = [str(company[k]) for k in ("id", "sector", "country") if company.get(k)]
    if facts:
        name.append("  ")
        name.append_text(literal(" · ".join(facts), "bright_black"))
    result = report.result
    parts: list[RenderableType] = [
        name,
        _facts(
            [
                (_("Assessed"), str(company.get("assessed_on") or _("date not given"))),
                (_("Rubric"), f"{report.title} ({result.rubric_id} {result.rubric_version})"),
                (
                    _("Coverage"),
                    _("{share} of the weight answered").format(share=_pct(result.coverage)),
                ),
                (_("Profile"), result.source),
            ]
        ),
    ]
    for warning in result.warnings:
        line = Text("⚠ ", style="yellow")
        line.append_text(literal(warning, "yellow"))
        parts.append(line)
    return Panel(
        Group(*parts),
        title=say(_("Retail digitalization report"), "bold"),
        title_align="left",
    )


def _verdict(report: Report) -> Panel:
    result = report.result
    style = _stage_style(report, result.stage)
    body = Text()
    body.append_text(literal(report.stage_name.upper(), f"bold {style}"))
    body.append("   ")
    body.append(label_name(result.label), style="bold")
    body.append("   ")
    body.append(index_sentence(report), style="bright_black")
    lines: list[RenderableType] = [
        body,
        Text(""),
        literal(first_sentence(report.stage_meaning)),
    ]
    label = say(_("{label}: ").format(label=result.label), "bold")
    label.append_text(literal(first_sentence(report.label.meaning)))
    lines.append(label)
    if not report.certain:
        warning = say(_("⚠ Not certain: "), "bold yellow")
        warning.append_text(say(uncertain_sentence(report), "yellow"))
        lines += [Text(""), warning]
    if not result.label_range.certain:
        warning = say(_("⚠ Label not certain: "), "bold yellow")
        warning.append_text(say(label_uncertain_sentence(report), "yellow"))
        lines += [Text(""), warning]
    return Panel(
        Group(*lines),
        title=say(_("Verdict"), "bold"),
        title_align="left",
        border_style=style,
    )


def _ladder(report: Report) -> Group:
    caption = _("┃ marks the stage's threshold")
    peers = report.peers
    if peers is not None and peers.marks:
        caption = f"{caption}   {peer_mark_legend()}"
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        caption=say(caption, "bright_black"),
        caption_justify="left",
    )
    table.add_column(Text(""), no_wrap=True)
    table.add_column(say(_("Stage")), no_wrap=True)
    table.add_column(say(_("Attainment")))
    table.add_column(say(_("Now")), justify="right", no_wrap=True)
    table.add_column(say(_("Needs")), justify="right", no_wrap=True)
    table.add_column(say(_("Status")), no_wrap=True)
    for stage in report.ladder:
        style = _stage_style(report, stage.id)
        marker = Text("▶", style=f"bold {style}") if stage.current else Text(" ")
        name = literal(stage.name, f"bold {style}" if stage.current else "")
        if stage.attainment is None or stage.threshold is None:
            table.add_row(marker, name, say(_("starting point"), "bright_black"), *[Text("")] * 3)
            continue
        status = (
            say(_("✓ met"), "green")
            if stage.met
            else say(_("✗ gate fails") if stage.blocking_gates else _("✗ not met"), "red")
        )
        if stage.current:
            status.append(_(" ◀ here"), style=f"bold {style}")
        table.add_row(
            marker,
            name,
            Bar(
                stage.attainment,
                stage.threshold,
                "green" if stage.met else "yellow",
                None if peers is None else peers.marks.get(stage.id),
            ),
            Text(_pct(stage.attainment)),
            Text(_pct(stage.threshold)),
            status,
        )
    parts: list[RenderableType] = [heading(_("The stage ladder")), table]
    gates = Table.grid(padding=(0, 1))
    gates.add_column(no_wrap=True)
    gates.add_column(ratio=1)
    for stage in report.ladder:
        for gate in stage.blocking_gates:
            gates.add_row(Text("  ✗", style="red"), gate_line(report, stage, gate))
    parts += [gates, Text("")]
    return Group(*parts)


def gate_line(report: Report, stage: StageView, gate: GateView) -> Text:
    """A gate that blocks a stage: the question, the answer, and the lowest answer that passes."""
    evidence = gate.evidence
    line = say(_("{stage} needs this question passed: ").format(stage=stage.name), "bold")
    line.append_text(literal(first_sentence(evidence.indicator.question), "italic"))
    if report.show_ids:
        line.append_text(literal(f" [{evidence.indicator.id}]", "bright_black"))
    line.append_text(say(_(" Answer: ")))
    line.append_text(literal(evidence.answer.text, "bold"))
    if gate.at_least:
        line.append_text(say(_("; needs at least: ")))
        line.append_text(literal(gate.at_least, "bold green"))
    line.append_text(say(_(".")))
    return line


def _label_section(report: Report) -> Group:
    view = report.label
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(justify="right", no_wrap=True)
    table.add_column()
    peers = report.peers
    table.add_row(
        say(_("Traffic focus")),
        Bar(view.traffic, None, "cyan", None if peers is None else peers.traffic.median),
        Text(_pct(view.traffic)),
        Text(""),
    )
    table.add_row(
        say(_("Supply focus")),
        Bar(
            view.supply,
            view.threshold,
            "green" if view.gap <= 0 else "yellow",
            None if peers is None else peers.supply.median,
        ),
        Text(_pct(view.supply)),
        say(_("2.0 at {threshold}").format(threshold=_pct(view.threshold)), "bright_black"),
    )
    parts: list[RenderableType] = [
        heading(_("1.0 or 2.0: this is {label}").format(label=label_name(view.label))),
        table,
    ]
    if peers is not None:
        parts.append(say(peer_mark_legend(), "bright_black"))
    parts.append(Text(""))
    parts.append(say(label_sentence(view)))
    if view.gap > 0 and view.blocked_by_stage is None:
        chosen = [m for m in view.movers if m.in_smallest_set]
        parts.append(steps_table(chosen, numbered=False, show_ids=report.show_ids))
    parts.append(Text(""))
    return Group(*parts)


def steps_table(
    movers: Sequence[Mover], numbered: bool, rest_from: int | None = None, show_ids: bool = False
) -> Table:
    """Improvements (next steps, label movers) as stacked entries.

    Each entry is the question on its own line, then the answer now, the next answer up with
    what it gains and, when it is not the next one, the best answer with what it gains.
    Stacking keeps the question readable at 80 columns, where four side-by-side text columns
    would wrap every cell into a narrow strip.
    """
    table = Table.grid(padding=(0, 1))
    if numbered:
        table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=1)
    for n, mover in enumerate(movers):
        if rest_from is not None and n == rest_from and n:
            divider = say(_("then, by gain:"), "bold bright_black")
            table.add_row(*([Text("")] if numbered else []), divider)
        e = mover.evidence
        question = literal(e.indicator.question, "bold")
        if mover.failed_gate:
            question.append_text(say(_(" (a gate)"), "bold red"))
        answers = Table.grid(padding=(0, 1), expand=True)
        answers.add_column(no_wrap=True, style="bright_black")
        answers.add_column(ratio=1)
        answers.add_column(justify="right", no_wrap=True, style="cyan")
        status = "" if e.answer.status == ANSWERED else "yellow"
        answers.add_row(say(_("now")), literal(e.answer.text, status), Text(""))
        best_gain = points(mover.gain)
        if e.answer.better:
            gain = best_gain if mover.next_gain is None else points(mover.next_gain)
            answers.add_row(say(_("next up")), literal(e.answer.better, "green"), Text(gain))
        if mover.best and mover.best != e.answer.better:
            answers.add_row(say(_("best")), literal(mover.best, "green"), Text(best_gain))
        if show_ids:
            answers.add_row(Text(""), literal(e.indicator.id, "bright_black"), Text(""))
        cells: list[RenderableType] = [Group(question, answers)]
        if numbered:
            cells.insert(0, Text(f"{n + 1}."))
        table.add_row(*cells)
    return table


def _find_out_table(report: Report) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=1)
    for n, item in enumerate(report.find_out, 1):
        question = literal(item.evidence.indicator.question, "bold")
        if report.show_ids:
            question.append_text(literal(f"  {item.evidence.indicator.id}", "bright_black"))
        detail = say(find_out_sentence(item), "yellow")
        table.add_row(Text(f"{n}."), Group(question, detail))
    return table


def _dimensions(report: Report) -> Group:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(justify="right", no_wrap=True)
    medians = {} if report.peers is None else {r.id: r.median for r in report.peers.dimensions}
    for dim in report.dimensions:
        style = "bright_black" if dim.score is None else "blue"
        bar = Bar(dim.score, None, style, medians.get(dim.id))
        table.add_row(literal(dim.name), bar, Text(_pct(dim.score)))
    line = Text()
    if report.strongest is not None:
        line.append_text(say(_("Strongest: "), "bold"))
        line.append_text(literal(f"{report.strongest.name} ({_pct(report.strongest.score)})"))
    if report.weakest is not None:
        line.append("   ")
        line.append_text(say(_("Weakest: "), "bold"))
        line.append_text(literal(f"{report.weakest.name} ({_pct(report.weakest.score)})"))
    if report.even_score is not None:
        line.append_text(
            say(_("Every dimension scores {score}.").format(score=_pct(report.even_score)))
        )
    parts: list[RenderableType] = [heading(_("Dimensions (all stages)")), table]
    if report.peers is not None:
        parts.append(say(peer_mark_legend(), "bright_black"))
    return Group(*parts, Text(""), line, Text(""))


def _peers(report: Report) -> Group:
    view = report.peers
    assert view is not None
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column(Text(""), no_wrap=True)
    table.add_column(say(_("This company")), justify="right", no_wrap=True)
    table.add_column(say(_("Peers' median")), justify="right", no_wrap=True)
    table.add_column(say(_("Ahead of")), justify="right", no_wrap=True)
    rows = [view.index, view.traffic, view.supply, *view.dimensions]
    for n, row in enumerate(rows):
        table.add_row(
            literal(row.name, "bold" if n == 0 else ""),
            Text(peer_value(row, row.value)),
            Text(peer_value(row, row.median)),
            Text(ahead_cell(view, row), style="bold" if n == 0 else ""),
            end_section=n in (0, 2),
        )
    return Group(
        heading(peers_heading()),
        say(peers_intro(view), "bright_black"),
        Text(""),
        say(index_standing_sentence(view), "bold"),
        say(median_stage_sentence(view)),
        say(next_stage_sentence(view)),
        Text(""),
        table,
        say(ahead_explained(), "bright_black"),
        Text(""),
    )


def _next_steps(report: Report) -> Group:
    parts: list[RenderableType] = [heading(_("Next steps"))]
    if report.find_out:
        parts += [
            say(_("Find out first"), "bold yellow"),
            say(
                _(
                    "Unknown answers that could change the verdict, the one that could move it "
                    "most first:"
                ),
                "bright_black",
            ),
            _find_out_table(report),
            Text(""),
        ]
    if report.quiet_unknowns:
        parts += [say(quiet_unknowns_sentence(report), "bright_black"), Text("")]
    stage = report.next_stage
    if stage is None or stage.attainment is None or stage.threshold is None:
        parts += [say(top_sentence(report)), Text("")]
        return Group(*parts)
    improve = report.improve
    chosen = sum(1 for m in improve if m.in_smallest_set)
    parts += [
        say(_("Improve"), "bold green"),
        say(next_steps_intro(report)),
        steps_table(improve, numbered=True, rest_from=chosen, show_ids=report.show_ids),
        say(gain_footnote(report), "bright_black"),
        Text(""),
    ]
    return Group(*parts)


class _ByWidth:
    """A renderable that picks its layout from the width it is given."""

    def __init__(self, wide_from: int, make: Callable[[bool], RenderableType]) -> None:
        self.wide_from = wide_from
        self.make = make

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.make(options.max_width >= self.wide_from)


def _evidence_table(
    stage: StageView, rows: Sequence[Evidence], show_ids: bool, wide: bool
) -> Table:
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
    table.add_column(say(_("Indicator")), ratio=4)
    table.add_column(say(_("Answer")), ratio=3)
    table.add_column(say(_("Score")), justify="right", no_wrap=True)
    table.add_column(say(_("Weight")), justify="right", no_wrap=True)
    if wide:
        table.add_column(say(_("Source sentence")), ratio=3)
    for e in rows:
        ind = e.indicator
        cell = literal(ind.question)
        cell.append("\n")
        about = focus_name(ind.focus)
        cell.append_text(literal(f"{ind.id} · {about}" if show_ids else about, "bright_black"))
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
            answer.append_text(literal(_("Note: {note}").format(note=e.note), "italic"))
        score = Text(e.scored)
        if e.gate_holds is not None:
            score.append("\n")
            score.append_text(
                say(_("gate ✓"), "green") if e.gate_holds else say(_("gate ✗"), "red")
            )
        cells: list[RenderableType] = [cell, answer, score, Text(f"{ind.weight:g}")]
        if wide:
            cells.append(source)
        table.add_row(*cells)
    return table


def _evidence(report: Report) -> Group:
    parts: list[RenderableType] = [
        heading(_("The evidence")),
        say(
            _(
                "Every indicator by stage: the answer, its score (0 to 1), its weight in the "
                "stage, the note given with it and the sentence of the model it comes from."
            ),
            "bright_black",
        ),
    ]
    for stage, rows in report.evidence:
        parts.append(Text(""))
        parts.append(
            _ByWidth(120, functools.partial(_evidence_table, stage, rows, report.show_ids))
        )
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
        heading(
            _("Respondents: {n}, merged by {merge}").format(
                n=len(panel.respondents), merge=merge_name(panel.merge)
            )
        ),
        say(_("Where each would put the company on their own answers:"), "bright_black"),
        people,
        Text(""),
    ]
    if not panel.disagreements:
        parts += [say(_("They agree on every question they all answered.")), Text("")]
        return Group(*parts)
    parts.append(heading(_("Where respondents disagree")))
    for number, d in enumerate(panel.disagreements, start=1):
        line = Text(f"{number}. ", style="bold")
        line.append_text(literal(d.indicator.question))
        if report.show_ids:
            line.append_text(literal(f"  {d.indicator.id}", "bright_black"))
        parts.append(line)
        detail = Text("   ")
        detail.append_text(say(d.spread))
        parts.append(detail)
        for voice in d.voices:
            said = Text("   · ")
            said.append_text(literal(f"{voice.respondent}: ", "bold"))
            said.append_text(literal(f"{voice.answer} ({_pct(voice.score)})"))
            parts.append(said)
    if panel.more:
        parts.append(say(more_disagreements_sentence(panel.more)))
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
    if report.peers is not None:
        yield _peers(report)
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
    "font-family: 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', "
    "'Noto Sans Mono CJK SC', 'Sarasa Mono SC', monospace;",
)


def exports(report: Report, formats: Iterable[ReportFormat]) -> dict[ReportFormat, str]:
    """SVG and text of the report, both from one recording at EXPORT_WIDTH columns."""
    console = recording(report)
    out: dict[ReportFormat, str] = {}
    for fmt in formats:
        if fmt is ReportFormat.SVG:
            svg = console.export_svg(
                title=neutral(
                    _("Retail digitalization report: {company}").format(company=report.company_name)
                ),
                clear=False,
                code_format=_SVG_FORMAT,
                font_aspect_ratio=SVG_FONT_ASPECT,
            )
            out[fmt] = fit_wide_text(svg, SVG_CHAR_HEIGHT * SVG_FONT_ASPECT)
        elif fmt is ReportFormat.TXT:
            out[fmt] = console.export_text(clear=False)
        else:
            raise ValueError(f"{fmt.value} is not exported from a recording")
    return out


def render_report(
    result: Result,
    rubric: Rubric,
    fmt: ReportFormat,
    show_ids: bool = False,
    peers: PeerSet | None = None,
) -> str:
    """The whole report of `result` in a file format (every format but terminal); `peers`
    adds where it stands among them."""
    report = build_report(result, rubric, show_ids, peers)
    if fmt is ReportFormat.MD:
        from retail_stage.render.report_markdown import report_markdown

        return report_markdown(report)
    if fmt is ReportFormat.JSON:
        from retail_stage.render.report_json import report_json

        return report_json(report)
    if fmt is ReportFormat.HTML:
        from retail_stage.render.report_html import report_html

        return report_html(report)
    if fmt is ReportFormat.TERMINAL:
        raise ValueError("the terminal report is printed, not rendered to a file")
    if fmt is ReportFormat.PDF:
        raise ValueError("a PDF is bytes: render it with render_document")
    return exports(report, [fmt])[fmt]


def render_document(
    result: Result,
    rubric: Rubric,
    fmt: ReportFormat,
    show_ids: bool = False,
    peers: PeerSet | None = None,
) -> str | bytes:
    """The report of `result` as a file holds it: bytes for a PDF, text for the others.

    Raises `report_pdf.PdfUnavailable` for a PDF where WeasyPrint is missing.
    """
    if fmt is ReportFormat.PDF:
        from retail_stage.render.report_pdf import report_pdf

        return report_pdf(build_report(result, rubric, show_ids, peers))
    return render_report(result, rubric, fmt, show_ids, peers)


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
        return self.write_rendered(result.company, render_document(result, self.rubric, self.fmt))

    def write_rendered(self, company: Mapping[str, Any], document: str | bytes) -> Path:
        """Write a report already rendered (by a worker process) for `company`; the path."""
        from retail_stage.output import write_atomic, write_atomic_bytes

        path = self.root / company_file_name(company, self.taken, self.fmt)
        if path.parent != self.root:  # pragma: no cover - company_file_name makes no separators
            raise ValueError(f"refusing to write outside {self.root}: {path}")
        if isinstance(document, bytes):
            write_atomic_bytes(path, document)
        else:
            write_atomic(path, document)
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
