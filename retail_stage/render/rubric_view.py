"""`rubric show`: a rubric as rich tables, as a Markdown handbook, or as plain data.

The rubric's texts arrive already resolved to one language (see `loading.load_rubric`); the
words of the tool itself (column headings, "gate", "weight") stay English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from retail_stage.render.cjk import cjk_literal as literal
from retail_stage.render.text import neutral
from retail_stage.rubric import (
    BooleanAnswer,
    ChoiceAnswer,
    Indicator,
    MultiAnswer,
    NumberAnswer,
    Rubric,
    ScaleAnswer,
    plain_data,
)


def rubric_data(rubric: Rubric) -> dict[str, Any]:
    """The rubric as plain data in its language, every default filled in (for yaml and json).

    The result is itself a valid rubric, in that one language.
    """
    data: dict[str, Any] = plain_data(rubric)
    del data["lang"], data["option_labels"]
    data["languages"] = [rubric.lang]
    return data


def answers(ind: Indicator) -> list[tuple[str, str, float]]:
    """(id, label, score) of each answer an indicator accepts, in the rubric's order."""
    answer = ind.answer
    if isinstance(answer, BooleanAnswer):
        return [("yes", "yes", 1.0), ("no", "no", 0.0)]
    if isinstance(answer, ScaleAnswer):
        return [
            (lv.id, lv.label, s) for lv, s in zip(answer.levels, answer.level_scores(), strict=True)
        ]
    if isinstance(answer, (ChoiceAnswer, MultiAnswer)):
        return [(o.id, o.label, o.score) for o in answer.options]
    assert isinstance(answer, NumberAnswer)
    unit = answer.unit
    uppers = [b.min for b in answer.bands[1:]]
    rows = []
    for k, band in enumerate(answer.bands):
        start = f"{band.min:g}{unit}"
        if k < len(uppers):
            shown = f"{start} to below {uppers[k]:g}{unit}"
        elif answer.max is not None:
            shown = f"{start} to {answer.max:g}{unit}"
        else:
            shown = f"{start} or more"
        rows.append((f">={band.min:g}", shown, band.score))
    return rows


def answer_summary(ind: Indicator) -> str:
    """The kind of answer and how many answers it offers, e.g. `choice, 3` or `number %`."""
    answer = ind.answer
    if isinstance(answer, BooleanAnswer):
        return "yes/no"
    if isinstance(answer, ScaleAnswer):
        return f"scale, {len(answer.levels)}"
    if isinstance(answer, ChoiceAnswer):
        return f"choice, {len(answer.options)}"
    if isinstance(answer, MultiAnswer):
        return f"multi, {len(answer.options)}"
    assert isinstance(answer, NumberAnswer)
    unit = f" {neutral(answer.unit)}" if answer.unit else ""
    return f"number{unit}"


def gate_text(ind: Indicator) -> str:
    """How an indicator conditions its stage: `gate`, `gate >= 0.6`, or empty."""
    if not ind.required:
        return ""
    return "gate" if ind.min_score is None else f"gate >= {ind.min_score:g}"


def label_rule(rubric: Rubric) -> str:
    """The label rule in one sentence."""
    rule = rubric.label
    names = {s.id: s.name for s in rubric.stages}
    extra = ""
    if rule.min_stage is not None:
        extra = f" and the stage reached is at least {names.get(rule.min_stage, rule.min_stage)}"
    return (
        f"2.0 when the supply-focus score (weighted mean score of the supply indicators) "
        f"is at least {rule.threshold:g}{extra}; otherwise 1.0."
    )


def rubric_tables(rubric: Rubric) -> RenderableType:
    """The rubric as a group of rich tables: stages, dimensions, label rule, indicators."""
    parts: list[RenderableType] = []
    heading = Text()
    heading.append_text(literal(rubric.title, "bold"))
    heading.append(f"  rubric {rubric.id} {rubric.version}, language {rubric.lang}", style="dim")
    parts.append(heading)
    if rubric.description:
        parts.append(literal(rubric.description))
    parts.append(_stage_table(rubric))
    parts.append(_dimension_table(rubric))
    label = Table(title="Label", expand=True)
    label.add_column("Label", justify="center", no_wrap=True)
    label.add_column("Meaning", overflow="fold", ratio=1)
    label.add_row("1.0", literal(rubric.label.description_1))
    label.add_row("2.0", literal(rubric.label.description_2))
    label.caption = label_rule(rubric)
    parts.append(label)
    parts.extend(_indicator_table(rubric, stage.id, stage.name) for stage in rubric.stages)
    return Group(*parts)


def _stage_table(rubric: Rubric) -> Table:
    table = Table(title="Stages", expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    names = [rubric.baseline.name, *(st.name for st in rubric.stages)]
    table.add_column("Stage", min_width=_widest(names, 12), ratio=2, overflow="fold")
    table.add_column("Threshold", justify="right", no_wrap=True)
    table.add_column("Indicators", justify="right", no_wrap=True)
    table.add_column("Gates", justify="right", no_wrap=True)
    table.add_column("Meaning", overflow="fold", ratio=3)
    table.add_row(
        "0",
        _named(rubric.baseline.name, rubric.baseline.id),
        "baseline",
        "",
        "",
        literal(rubric.baseline.description),
    )
    for n, stage in enumerate(rubric.stages, start=1):
        own = [i for i in rubric.indicators if i.stage == stage.id]
        table.add_row(
            str(n),
            _named(stage.name, stage.id),
            f"{stage.threshold:.2f}",
            str(len(own)),
            str(sum(1 for i in own if i.required)),
            literal(stage.description),
        )
    return table


def _dimension_table(rubric: Rubric) -> Table:
    table = Table(title="Dimensions", expand=True)
    table.add_column(
        "Dimension",
        min_width=_widest([d.name for d in rubric.dimensions], 12),
        ratio=2,
        overflow="fold",
    )
    table.add_column("Indicators", justify="right", no_wrap=True)
    table.add_column("Description", overflow="fold", ratio=3)
    for dim in rubric.dimensions:
        count = sum(1 for i in rubric.indicators if i.dimension == dim.id)
        table.add_row(_named(dim.name, dim.id), str(count), literal(dim.description))
    return table


def _named(name: str, id_: str) -> Text:
    """A display name with the id that rubric files and profiles use, dimmed, below it."""
    text = literal(name)
    text.append("\n")
    text.append_text(literal(id_, "dim"))
    return text


def _indicator_table(rubric: Rubric, stage: str, name: str) -> Table:
    dimensions = {d.id: d.name for d in rubric.dimensions}
    title = Text("Indicators: ")
    title.append_text(literal(name))
    table = Table(title=title, expand=True, show_lines=True)
    table.add_column("Indicator", overflow="fold", ratio=3)
    table.add_column("Dimension", min_width=_widest(list(dimensions.values()), 12), max_width=16)
    table.add_column("Focus", no_wrap=True)
    table.add_column("Weight", justify="right", no_wrap=True)
    table.add_column("Answer", no_wrap=True)
    for ind in rubric.indicators:
        if ind.stage != stage:
            continue
        indicator = literal(ind.question)
        indicator.append("\n")
        indicator.append_text(literal(ind.id, "dim"))
        if ind.required:
            indicator.append(f"  {gate_text(ind)}", style="bold")
        table.add_row(
            indicator,
            literal(dimensions.get(ind.dimension, ind.dimension)),
            ind.focus,
            f"{ind.weight:g}",
            answer_summary(ind),
        )
    return table


def _widest(texts: list[str], limit: int) -> int:
    """Cells needed by the widest of `texts` (wide characters count two), at most `limit`."""
    from rich.cells import cell_len

    return min(limit, max((cell_len(neutral(t)) for t in texts), default=0))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START = re.compile(r"^(\d+)?([.)#+-])")


def md(value: str) -> str:
    """User text as literal inline Markdown: special characters escaped, one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", neutral(" ".join(value.split())))


def md_paragraph(value: str) -> str:
    """User text as a literal Markdown paragraph: also never a heading or a list."""
    return _LINE_START.sub(lambda m: (m.group(1) or "") + "\\" + m.group(2), md(value))


def code(value: str) -> str:
    """An identifier as a Markdown code span (nothing inside a code span is markup)."""
    return "`" + neutral(value).replace("`", "'") + "`"


def rubric_markdown(rubric: Rubric) -> str:
    """The whole model as a Markdown document for a consultancy's handbook."""
    return "\n".join(_markdown_lines(rubric)) + "\n"


def _markdown_lines(rubric: Rubric) -> Iterator[str]:
    dimensions = {d.id: d.name for d in rubric.dimensions}
    names = {i.id: i for i in rubric.indicators}
    yield f"# {md(rubric.title)}"
    yield ""
    yield f"Rubric {code(rubric.id)}, version {md(rubric.version)}, language {rubric.lang}."
    if rubric.description:
        yield ""
        yield md_paragraph(rubric.description)
    yield ""
    yield "## Stages"
    yield ""
    yield (
        "A stage is met when the attainment of its indicators (their weighted mean score) "
        "reaches its threshold and each of its gates holds. The stage reached is the highest "
        "one with every stage below it met."
    )
    yield ""
    yield "| # | Stage | Threshold | Indicators | Meaning |"
    yield "|---|---|---|---|---|"
    yield (f"| 0 | {md(rubric.baseline.name)} | baseline | | {md(rubric.baseline.description)} |")
    for n, stage in enumerate(rubric.stages, start=1):
        count = sum(1 for i in rubric.indicators if i.stage == stage.id)
        yield (
            f"| {n} | {md(stage.name)} | {stage.threshold:.2f} | {count} | "
            f"{md(stage.description)} |"
        )
    yield ""
    yield "## Label: 1.0 or 2.0"
    yield ""
    yield label_rule(rubric)
    yield ""
    yield f"- **1.0**: {md(rubric.label.description_1)}"
    yield f"- **2.0**: {md(rubric.label.description_2)}"
    yield ""
    yield "## Dimensions"
    yield ""
    yield "| Dimension | Indicators | Description |"
    yield "|---|---|---|"
    for dim in rubric.dimensions:
        count = sum(1 for i in rubric.indicators if i.dimension == dim.id)
        yield f"| {md(dim.name)} | {count} | {md(dim.description)} |"
    for stage in rubric.stages:
        own = [i for i in rubric.indicators if i.stage == stage.id]
        yield ""
        yield f"## {md(stage.name)}: indicators"
        yield ""
        total = sum(i.weight for i in own)
        yield f"Threshold {stage.threshold:.2f}; {len(own)} indicators, total weight {total:g}."
        for ind in own:
            yield ""
            yield f"### {md(ind.question)}"
            yield ""
            facts = [
                code(ind.id),
                md(dimensions.get(ind.dimension, ind.dimension)),
                f"focus {ind.focus}",
                f"weight {ind.weight:g}",
            ]
            if ind.required:
                facts.append(f"**{gate_text(ind)}**")
            if ind.allow_na:
                facts.append("n/a allowed")
            if ind.ask_if is not None:
                target = names.get(ind.ask_if.indicator)
                shown = code(target.id) if target else md(ind.ask_if.indicator)
                facts.append(
                    f"asked only when {shown} scores above {ind.ask_if.above:g} "
                    f"(else {ind.if_not_asked})"
                )
            yield " · ".join(facts)
            if ind.help:
                yield ""
                yield md_paragraph(ind.help)
            yield ""
            kind = (
                "several may be chosen; their scores add up, at most 1"
                if ind.answer.kind == "multi"
                else ""
            )
            yield f"| Answer{f' ({kind})' if kind else ''} | Score |"
            yield "|---|---|"
            for answer_id, label, score in answers(ind):
                shown = md(label) if label == answer_id else f"{md(label)} ({code(answer_id)})"
                yield f"| {shown} | {score:g} |"
            if ind.source:
                yield ""
                yield f"> Source: “{md(ind.source)}”"
