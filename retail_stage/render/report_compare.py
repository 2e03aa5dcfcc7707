"""`compare`: progress between two assessments, in the terminal, as JSON and as Markdown."""

from __future__ import annotations

import dataclasses
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
    date_of,
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
    from retail_stage.compare import History
    from retail_stage.engine import Result
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
    yield _next_steps_now(comparison.new, rubric)


def _next_steps_now(result: Result, rubric: Rubric) -> RenderableType:
    report = build_report(result, rubric)
    if report.next_stage is None:
        return Group(heading(_("Next steps now")), literal(top_sentence(report)))
    improve = report.improve
    chosen = sum(1 for m in improve if m.in_smallest_set)
    return Group(
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
    out += _next_steps_markdown(new, rubric)
    return "\n".join(out) + "\n"


def _next_steps_markdown(result: Result, rubric: Rubric) -> list[str]:
    report = build_report(result, rubric)
    out = ["## " + _("Next steps now"), ""]
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
    return out


def _row(*cells: str) -> str:
    """One table row; cells are Markdown already (an empty one is `| |`)."""
    return "|" + "".join(f" {cell} |" if cell else " |" for cell in cells)


# --- history: three assessments or more -------------------------------------------------------
#
# Two assessments are a comparison (above); more are a history: the stage, label and index of
# each in date order, the index, dimensions, stages and focus as series, and what changed
# from each assessment to the next.


def when(result: Result, n: int) -> str:
    """An assessment's column heading: its date, else its place in the history (#2)."""
    return date_of(result) or f"#{n}"


def _whens(told: History) -> list[str]:
    return [when(r, n) for n, r in enumerate(told.results, 1)]


def _index_delta(delta: float | None) -> str:
    if delta is None:
        return "—"
    return "±0" if abs(delta) < 5e-5 else f"{delta:+.2f}"


def _step_title(told: History, n: int) -> str:
    whens = _whens(told)
    return _("What changed: {before} → {after}").format(before=whens[n], after=whens[n + 1])


def _overall(told: History, rubric: Rubric) -> Comparison:
    """The first assessment against the latest, with the warnings of the whole history."""
    return dataclasses.replace(told.overall(rubric), warnings=told.warnings)


SeriesRow = tuple[str, tuple[float | None, ...], str, str]
"""(name, values in date order, the change from the first to the latest, a note)."""


def _series_rows(told: History, rubric: Rubric) -> dict[str, list[SeriesRow]]:
    """The series of every section: index and dimensions, stages, focus."""
    overall = told.overall(rubric)
    dim_names = {d.id: d.name for d in rubric.dimensions}
    stage_names = _names(rubric)
    met = {s.id: _met(s) for s in overall.stages}
    index: SeriesRow = (_("Index"), told.index, _index_delta(overall.index.delta), "")
    dims: list[SeriesRow] = [
        (dim_names[dim], values, _pts(change), "")
        for (dim, values), change in zip(told.dimensions, overall.dimensions, strict=True)
    ]
    stages: list[SeriesRow] = [
        (stage_names[sid], values, _pts(s.attainment), met[sid])
        for (sid, values, _met_each), s in zip(told.stages, overall.stages, strict=True)
    ]
    focus_names = {"traffic": _("Traffic focus"), "supply": _("Supply focus")}
    threshold = _("2.0 at {threshold}").format(threshold=_pct(rubric.label.threshold))
    focus: list[SeriesRow] = [
        (focus_names[name], values, _pts(change), threshold if name == "supply" else "")
        for (name, values), change in zip(
            told.focus, (overall.focus_traffic, overall.focus_supply), strict=True
        )
    ]
    return {"dimensions": [index, *dims], "stages": stages, "focus": focus}


def _series_titles() -> dict[str, str]:
    return {
        "dimensions": _("Index and dimensions over time"),
        "stages": _("Stages (attainment) over time"),
        "focus": _("1.0 or 2.0 (focus) over time"),
    }


def _cell(value: float | None, is_index: bool) -> str:
    if value is None:
        return _("n/a")
    return f"{value:.2f}" if is_index else _pct(value)


def _series_table(told: History, rows: list[SeriesRow], extra: str = "") -> Table:
    # Two spaces between columns, not three: three dates and a stage's name fit in 80 columns.
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
    table.add_column(Text(""))
    for heading_ in _whens(told):
        table.add_column(literal(heading_), justify="right", no_wrap=True)
    table.add_column(Text(_("Change")), justify="right", no_wrap=True)
    if extra:
        table.add_column(Text(extra), no_wrap=True)
    for name, values, change, note in rows:
        is_index = name == _("Index")
        style = "green" if change.startswith("+") else "red" if change.startswith("-") else ""
        cells = [Text(_cell(v, is_index)) for v in values]
        row = [literal(name, "bold" if is_index else ""), *cells, Text(change, style=style)]
        table.add_row(*row, *([Text(note)] if extra else []))
    return table


def _timeline(told: History, rubric: Rubric) -> Table:
    names = _names(rubric)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column(Text(_("Assessed")), no_wrap=True)
    table.add_column(Text(_("Stage")))
    table.add_column(Text(_("Label")))
    table.add_column(Text(_("Index")), justify="right", no_wrap=True)
    table.add_column(Text(_("Coverage")), justify="right", no_wrap=True)
    previous: Comparison | None = None
    for n, (result, heading_) in enumerate(zip(told.results, _whens(told), strict=True)):
        stage, label = literal(names[result.stage]), Text(label_name(result.label))
        index = Text(f"{result.index:.2f}")
        if previous is not None:
            move = previous.stage_move
            stage.append(
                f"\n{_move_words(move)}",
                style="green" if move > 0 else ("red" if move < 0 else "bright_black"),
            )
            before = previous.old.label
            up = result.label > before
            label.append(
                f"\n{_label_move(before, result.label)}",
                style="bright_black" if before == result.label else ("green" if up else "red"),
            )
            delta = previous.index.delta or 0.0
            index.append(
                f"\n{_index_delta(delta)}",
                style="green" if delta > 0 else ("red" if delta < 0 else "bright_black"),
            )
        table.add_row(literal(heading_), stage, label, index, Text(_pct(result.coverage)))
        previous = told.steps[n] if n < len(told.steps) else None
    return table


def _step_renderables(step: Comparison, rubric: Rubric) -> list[RenderableType]:
    indicators = _indicators(step, rubric)
    parts: list[RenderableType] = []
    for title, rows in _sections(step):
        parts.append(Text(title, style="bold"))
        if rows:
            parts.append(_indicator_rows(rows, indicators))
        else:
            parts.append(Text(_("none"), style="bright_black"))
    return parts


def history_renderables(told: History, rubric: Rubric) -> Iterator[RenderableType]:
    """The history's sections in order, as rich renderables."""
    yield _summary(_overall(told, rubric), rubric)
    yield Group(heading(_("Stage and label over time")), _timeline(told, rubric), Text(""))
    series = _series_rows(told, rubric)
    titles = _series_titles()
    yield Group(heading(titles["dimensions"]), _series_table(told, series["dimensions"]), Text(""))
    yield Group(
        heading(titles["stages"]), _series_table(told, series["stages"], _("Now")), Text("")
    )
    yield Group(heading(titles["focus"]), _series_table(told, series["focus"], " "), Text(""))
    for n, step in enumerate(told.steps):
        yield Group(heading(_step_title(told, n)), *_step_renderables(step, rubric), Text(""))
    yield _next_steps_now(told.latest, rubric)


def print_history(told: History, rubric: Rubric, console: Console | None = None) -> None:
    """Print the history at the terminal's width."""
    console = console or plain_console()
    for part in history_renderables(told, rubric):
        console.print(part)


def _indicator_dict(change: IndicatorChange, indicators: dict[str, Indicator]) -> dict[str, Any]:
    ind = indicators[change.id]
    return {
        "id": change.id,
        "stage": change.stage,
        "direction": change.direction,
        "score": {
            "before": "n/a" if change.score_before == NOT_APPLICABLE else change.score_before,
            "after": "n/a" if change.score_after == NOT_APPLICABLE else change.score_after,
        },
        "answer": {"before": change.answer_before, "after": change.answer_after},
        "answer_text": {
            "before": _answer(ind, change.answer_before, change.score_before),
            "after": _answer(ind, change.answer_after, change.score_after),
        },
    }


def history_dict(told: History, rubric: Rubric) -> dict[str, Any]:
    """The history as plain data (the JSON output of three assessments or more)."""
    indicators = {ind.id: ind for ind in rubric.indicators}
    latest = report_dict(build_report(told.latest, rubric))["report"]
    return {
        "assessments": [_side(r) for r in told.results],
        "given_order": list(told.given),
        "warnings": list(told.warnings),
        "series": {
            "assessed_on": [date_of(r) for r in told.results],
            "index": list(told.index),
            "coverage": list(told.coverage),
            "dimensions": {dim: list(values) for dim, values in told.dimensions},
            "stages": {
                sid: {"attainment": list(values), "met": list(met)}
                for sid, values, met in told.stages
            },
            "focus": {name: list(values) for name, values in told.focus},
        },
        "steps": [
            {
                "from": n,
                "to": n + 1,
                "stage": {"before": s.old.stage, "after": s.new.stage, "move": s.stage_move},
                "label": {"before": s.old.label, "after": s.new.label},
                "index": _change(s.index),
                "coverage": _change(s.coverage),
                "dimensions": {c.id: _change(c) for c in s.dimensions},
                "indicators": [_indicator_dict(c, indicators) for c in s.indicators],
            }
            for n, s in enumerate(told.steps)
        ],
        "next_steps": {
            "stage": told.latest.next_steps.stage,
            "indicators": latest["next_steps"],
        },
    }


def history_json(told: History, rubric: Rubric) -> str:
    """The history as one indented JSON object."""
    return safe_json(history_dict(told, rubric))


def history_markdown(told: History, rubric: Rubric) -> str:
    """The history as Markdown: a timeline, the series as tables, what changed at each step."""
    names = _names(rubric)
    whens = _whens(told)
    name = md(told.latest.company.get("name") or "")
    out = [
        "# " + _("Progress: {company}").format(company=name),
        "",
        _row(_("Assessed"), _("Stage"), _("Label"), _("Index"), _("Coverage")),
        "|---|---|---|---:|---:|",
    ]
    for n, result in enumerate(told.results):
        stage, label = md(names[result.stage]), label_name(result.label)
        index = f"{result.index:.2f}"
        if n:
            step = told.steps[n - 1]
            stage += f" ({_move_words(step.stage_move)})"
            label += f" ({_label_move(step.old.label, result.label)})"
            index += f" ({_index_delta(step.index.delta)})"
        out.append(_row(md(whens[n]), stage, label, index, _pct(result.coverage)))
    out.append("")
    out += ["> " + _("⚠ {warning}").format(warning=md(w)) for w in told.warnings]
    if told.warnings:
        out.append("")
    series = _series_rows(told, rubric)
    for key, title in _series_titles().items():
        extra = {"stages": _("Now"), "focus": " "}.get(key, "")
        head = _row("", *(md(w) for w in whens), _("Change"))
        rule = "|---|" + "---:|" * (len(whens) + 1)
        out += [
            "## " + title,
            "",
            head + (f" {extra} |" if extra else ""),
            rule + "---|" * bool(extra),
        ]
        for row_name, values, change, note in series[key]:
            is_index = row_name == _("Index")
            cells = [_cell(v, is_index) for v in values]
            row = _row(f"**{md(row_name)}**" if is_index else md(row_name), *cells, change)
            out.append(row + ((f" {note} |" if note else " |") if extra else ""))
        out.append("")
    for n, step in enumerate(told.steps):
        indicators = _indicators(step, rubric)
        out += ["## " + md(_step_title(told, n)), ""]
        for title, rows in _sections(step):
            out += ["### " + title, ""]
            if not rows:
                out += [_("None."), ""]
                continue
            out += [_row(_("Indicator"), _("Before"), _("After")), "|---|---|---|"]
            for c in rows:
                ind = indicators[c.id]
                out.append(
                    _row(
                        f"{md(ind.question)}<br>`{ind.id}`",
                        f"{md(_answer(ind, c.answer_before, c.score_before))} "
                        f"({_score(c.score_before)})",
                        f"{md(_answer(ind, c.answer_after, c.score_after))} "
                        f"({_score(c.score_after)})",
                    )
                )
            out.append("")
    out += _next_steps_markdown(told.latest, rubric)
    return "\n".join(out) + "\n"
