"""`compare`: progress between two assessments, in the terminal, as JSON and as Markdown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from retail_stage.compare import (
    CHANGED,
    IMPROVED,
    REGRESSED,
    Change,
    Comparison,
    IndicatorChange,
    StageChange,
)
from retail_stage.messages import _, n_
from retail_stage.render.report import (
    heading,
    plain_console,
    steps_table,
)
from retail_stage.render.report_data import (
    NOT_APPLICABLE,
    build_report,
    describe_answer,
    label_name,
    top_sentence,
)
from retail_stage.render.report_json import report_dict, safe_json
from retail_stage.render.report_markdown import md, points
from retail_stage.render.text import literal

if TYPE_CHECKING:
    from retail_stage.rubric import Indicator, Rubric


def _sections(comparison: Comparison) -> Iterator[tuple[str, tuple[IndicatorChange, ...]]]:
    """(title with its count, changes) of the indicator sections every format shows, in order;
    the section of answers that changed without a score change only when there are some."""
    for direction, title in (
        (IMPROVED, _("Improved ({n})")),
        (REGRESSED, _("Regressed ({n})")),
        (CHANGED, _("Changed without a score change ({n})")),
    ):
        rows = comparison.by_direction(direction)
        if direction != CHANGED or rows:
            yield title.format(n=len(rows)), rows


def _pts(change: Change) -> str:
    delta = change.delta
    if delta is None:
        return "—"
    if abs(delta) < 5e-5:
        return "±0"
    return _("{points} pts").format(points=f"{delta * 100:+.1f}")


def _pct(value: float | None) -> str:
    return _("n/a") if value is None else f"{value:.0%}"


def _score(score: float | None) -> str:
    if score is None:
        return _("unknown")
    return _("n/a") if score == NOT_APPLICABLE else f"{score:.2f}"


def _answer(ind: Indicator, value: Any, score: float | None) -> str:
    return describe_answer(ind, value, score).text


def _names(rubric: Rubric) -> dict[str, str]:
    return {rubric.baseline.id: rubric.baseline.name} | {s.id: s.name for s in rubric.stages}


def _met(stage: StageChange) -> str:
    if stage.met_before != stage.met_after:
        return _("newly met") if stage.met_after else _("no longer met")
    return _("met") if stage.met_after else _("not met")


def _label_move(before: str, after: str) -> str:
    if before == after:
        return _("same label")
    return _("▲ up") if after > before else _("▼ down")


def _move_words(move: int) -> str:
    if move == 0:
        return _("same stage")
    rungs = abs(move)
    if move > 0:
        return n_("▲ {n} rung up", "▲ {n} rungs up", rungs).format(n=rungs)
    return n_("▼ {n} rung down", "▼ {n} rungs down", rungs).format(n=rungs)


def _progress_title() -> tuple[str, str]:
    """The words before and after the company's name in the title "Progress: NAME"."""
    before, _field, after = _("Progress: {company}").partition("{company}")
    return before, after


def _indicators(comparison: Comparison, rubric: Rubric) -> dict[str, Indicator]:
    return {ind.id: ind for ind in rubric.indicators}


# --- terminal -------------------------------------------------------------------------------


def _summary(comparison: Comparison, rubric: Rubric) -> Panel:
    old, new = comparison.old, comparison.new
    names = _names(rubric)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bright_black", no_wrap=True)
    grid.add_column()
    grid.add_column()
    grid.add_column()
    arrow = Text("→", style="bright_black")
    grid.add_row(
        Text(_("Assessed")),
        literal(str(old.company.get("assessed_on") or "—")),
        arrow,
        literal(str(new.company.get("assessed_on") or "—")),
    )
    move = comparison.stage_move
    stage_after = literal(names[new.stage], "bold")
    stage_after.append(
        f"  {_move_words(move)}", style="green" if move > 0 else ("red" if move < 0 else "")
    )
    grid.add_row(Text(_("Stage")), literal(names[old.stage]), arrow, stage_after)
    label_after = Text(label_name(new.label), style="bold")
    if new.label != old.label:
        up = new.label > old.label
        label_after.append(f"  {_label_move(old.label, new.label)}", style="green" if up else "red")
    grid.add_row(Text(_("Label")), Text(label_name(old.label)), arrow, label_after)
    delta = comparison.index.delta or 0.0
    index_after = Text(f"{new.index:.2f}", style="bold")
    index_after.append(f"  ({delta:+.2f})", style="green" if delta > 0 else "red" if delta else "")
    grid.add_row(Text(_("Index")), Text(f"{old.index:.2f}"), arrow, index_after)
    grid.add_row(
        Text(_("Coverage")),
        Text(_pct(old.coverage)),
        arrow,
        Text(f"{_pct(new.coverage)}  ({_pts(comparison.coverage)})"),
    )
    body: list[RenderableType] = [grid]
    for warning in comparison.warnings:
        body.append(literal(_("⚠ {warning}").format(warning=warning), "yellow"))
    before, after = _progress_title()
    title = Text(before, style="bold")
    title.append_text(literal(str(new.company.get("name") or ""), "bold"))
    title.append(after, style="bold")
    return Panel(Group(*body), title=title, title_align="left")


def _changes_table(rows: list[tuple[str, Change, str]], extra: str = "") -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column(Text(""))
    table.add_column(Text(_("Before")), justify="right", no_wrap=True)
    table.add_column(Text(_("After")), justify="right", no_wrap=True)
    table.add_column(Text(_("Change")), justify="right", no_wrap=True)
    table.add_column(Text(extra), no_wrap=True)
    for name, change, note in rows:
        delta = change.delta or 0.0
        style = "green" if delta > 0 else ("red" if delta < 0 else "bright_black")
        table.add_row(
            literal(name),
            Text(_pct(change.before)),
            Text(_pct(change.after)),
            Text(_pts(change), style=style),
            Text(note),
        )
    return table


def _indicator_rows(
    changes: tuple[IndicatorChange, ...], indicators: dict[str, Indicator]
) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    for change in changes:
        ind = indicators[change.id]
        body = Table.grid(padding=(0, 1))
        body.add_column(no_wrap=True, style="bright_black")
        body.add_column(ratio=1)
        body.add_row(
            Text(_("before")),
            literal(
                f"{_answer(ind, change.answer_before, change.score_before)} "
                f"({_score(change.score_before)})"
            ),
        )
        body.add_row(
            Text(_("after")),
            literal(
                f"{_answer(ind, change.answer_after, change.score_after)} "
                f"({_score(change.score_after)})",
                "bold",
            ),
        )
        mark = {IMPROVED: ("▲", "green"), REGRESSED: ("▼", "red")}.get(
            change.direction, ("•", "bright_black")
        )
        question = literal(ind.question)
        question.append("\n")
        question.append_text(literal(ind.id, "bright_black"))
        table.add_row(Text(mark[0], style=mark[1]), Group(question, body))
    return table


def _focus_rows(comparison: Comparison, rubric: Rubric) -> list[tuple[str, Change, str]]:
    threshold = _("2.0 at {threshold}").format(threshold=_pct(rubric.label.threshold))
    return [
        (_("Traffic focus"), comparison.focus_traffic, ""),
        (_("Supply focus"), comparison.focus_supply, threshold),
    ]


def renderables(comparison: Comparison, rubric: Rubric) -> Iterator[RenderableType]:
    """The comparison's sections in order, as rich renderables."""
    yield _summary(comparison, rubric)
    names = _names(rubric)
    stage_rows = []
    for stage in comparison.stages:
        stage_rows.append((names[stage.id], stage.attainment, _met(stage)))
    yield Group(heading(_("Stages (attainment)")), _changes_table(stage_rows, _("Now")), Text(""))
    yield Group(heading(_("1.0 or 2.0 (focus)")), _changes_table(_focus_rows(comparison, rubric)))
    yield Text("")
    dim_names = {d.id: d.name for d in rubric.dimensions}
    dims = [(dim_names[c.id], c, "") for c in comparison.dimensions]
    yield Group(heading(_("Dimensions")), _changes_table(dims), Text(""))
    indicators = _indicators(comparison, rubric)
    for title, rows in _sections(comparison):
        body: RenderableType = (
            _indicator_rows(rows, indicators) if rows else Text(_("none"), style="bright_black")
        )
        yield Group(heading(title), body, Text(""))
    report = build_report(comparison.new, rubric)
    if report.next_stage is None:
        yield Group(heading(_("Next steps now")), literal(top_sentence(report)))
    else:
        improve = report.improve
        chosen = sum(1 for m in improve if m.in_smallest_set)
        yield Group(
            heading(_("Next steps now: to reach {stage}").format(stage=report.next_stage.name)),
            steps_table(improve, numbered=True, rest_from=chosen),
        )


def print_comparison(
    comparison: Comparison, rubric: Rubric, console: Console | None = None
) -> None:
    """Print the comparison at the terminal's width."""
    console = console or plain_console()
    for part in renderables(comparison, rubric):
        console.print(part)


# --- JSON -----------------------------------------------------------------------------------


def _change(change: Change) -> dict[str, Any]:
    return {"before": change.before, "after": change.after, "delta": change.delta}


def _side(result: Any) -> dict[str, Any]:
    return {
        "source": result.source,
        "company": dict(result.company),
        "stage": result.stage,
        "label": result.label,
        "index": result.index,
        "coverage": result.coverage,
    }


def comparison_dict(comparison: Comparison, rubric: Rubric) -> dict[str, Any]:
    """The comparison as plain data (the JSON output)."""
    indicators = _indicators(comparison, rubric)
    new_report = report_dict(build_report(comparison.new, rubric))["report"]
    return {
        "old": _side(comparison.old),
        "new": _side(comparison.new),
        "warnings": list(comparison.warnings),
        "stage_move": comparison.stage_move,
        "index": _change(comparison.index),
        "coverage": _change(comparison.coverage),
        "focus": {
            "traffic": _change(comparison.focus_traffic),
            "supply": _change(comparison.focus_supply),
        },
        "stages": [
            {
                "id": s.id,
                "attainment": _change(s.attainment),
                "met": {"before": s.met_before, "after": s.met_after},
            }
            for s in comparison.stages
        ],
        "dimensions": {c.id: _change(c) for c in comparison.dimensions},
        "indicators": [
            {
                "id": c.id,
                "stage": c.stage,
                "direction": c.direction,
                "score": {
                    "before": "n/a" if c.score_before == NOT_APPLICABLE else c.score_before,
                    "after": "n/a" if c.score_after == NOT_APPLICABLE else c.score_after,
                },
                "answer": {"before": c.answer_before, "after": c.answer_after},
                "answer_text": {
                    "before": _answer(indicators[c.id], c.answer_before, c.score_before),
                    "after": _answer(indicators[c.id], c.answer_after, c.score_after),
                },
            }
            for c in comparison.indicators
        ],
        "next_steps": {
            "stage": comparison.new.next_steps.stage,
            "indicators": new_report["next_steps"],
        },
    }


def comparison_json(comparison: Comparison, rubric: Rubric) -> str:
    """The comparison as one indented JSON object."""
    return safe_json(comparison_dict(comparison, rubric))


# --- Markdown -------------------------------------------------------------------------------


def comparison_markdown(comparison: Comparison, rubric: Rubric) -> str:
    """The comparison as Markdown for wikis and pull requests."""
    old, new = comparison.old, comparison.new
    names = _names(rubric)
    before, after, change = _("Before"), _("After"), _("Change")
    out = [
        "# " + _("Progress: {company}").format(company=md(new.company.get("name") or "")),
        "",
        _row("", before, after, ""),
        "|---|---|---|---|",
        _row(
            _("Assessed"),
            md(old.company.get("assessed_on") or "—"),
            md(new.company.get("assessed_on") or "—"),
            "",
        ),
        _row(
            _("Stage"),
            md(names[old.stage]),
            f"**{md(names[new.stage])}**",
            _move_words(comparison.stage_move),
        ),
        _row(
            _("Label"),
            label_name(old.label),
            f"**{label_name(new.label)}**",
            _label_move(old.label, new.label),
        ),
        _row(
            _("Index"),
            f"{old.index:.2f}",
            f"**{new.index:.2f}**",
            f"{(comparison.index.delta or 0):+.2f}",
        ),
        _row(_("Coverage"), _pct(old.coverage), _pct(new.coverage), _pts(comparison.coverage)),
        "",
    ]
    out += ["> " + _("⚠ {warning}").format(warning=md(w)) for w in comparison.warnings]
    if comparison.warnings:
        out.append("")

    def changes(title: str, rows: list[tuple[str, Change, str]], extra: str = "") -> None:
        wide = bool(extra) or any(note for _name, _c, note in rows)
        head, rule = _row("", before, after, change), "|---|---:|---:|---:|"
        out.extend(
            ["## " + title, "", head + (f" {extra} |" if wide else ""), rule + "---|" * wide]
        )
        for name, c, note in rows:
            row = _row(md(name), _pct(c.before), _pct(c.after), _pts(c))
            out.append(row + (f" {note} |" if wide else ""))
        out.append("")

    changes(
        _("Stages (attainment)"),
        [(names[s.id], s.attainment, _met(s)) for s in comparison.stages],
        _("Now"),
    )
    changes(_("1.0 or 2.0 (focus)"), _focus_rows(comparison, rubric))
    dim_names = {d.id: d.name for d in rubric.dimensions}
    changes(_("Dimensions"), [(dim_names[c.id], c, "") for c in comparison.dimensions])
    indicators = _indicators(comparison, rubric)
    for title, rows in _sections(comparison):
        out += ["## " + title, ""]
        if not rows:
            out += [_("None."), ""]
            continue
        out += [_row(_("Indicator"), before, after), "|---|---|---|"]
        for c in rows:
            ind = indicators[c.id]
            out.append(
                _row(
                    f"{md(ind.question)}<br>`{ind.id}`",
                    f"{md(_answer(ind, c.answer_before, c.score_before))} "
                    f"({_score(c.score_before)})",
                    f"{md(_answer(ind, c.answer_after, c.score_after))} ({_score(c.score_after)})",
                )
            )
        out.append("")
    report = build_report(new, rubric)
    out += ["## " + _("Next steps now"), ""]
    if report.next_stage is None:
        out.append(md(top_sentence(report)))
    else:
        out += [
            _("To reach **{stage}** (first the smallest set that meets it, then by gain):").format(
                stage=md(report.next_stage.name)
            ),
            "",
            _row("#", _("Question"), _("Now"), _("Next up"), _("Gain")),
            "|---:|---|---|---|---:|",
        ]
        for n, m in enumerate(report.steps, 1):
            e = m.evidence
            star = " ★" if m.in_smallest_set else ""
            out.append(
                _row(
                    f"{n}{star}",
                    f"{md(e.indicator.question)}<br>`{e.indicator.id}`",
                    md(e.answer.text),
                    md(e.answer.better or "—"),
                    points(m.gain),
                )
            )
        out += ["", _("★ together these meet the stage.")]
    return "\n".join(out) + "\n"


def _row(*cells: str) -> str:
    """One table row; cells are Markdown already (an empty one is `| |`)."""
    return "|" + "".join(f" {cell} |" if cell else " |" for cell in cells)
