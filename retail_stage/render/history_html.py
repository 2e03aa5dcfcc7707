"""`compare` as a document: the history of a company's assessments as HTML, PDF or one SVG.

The sibling of the company report (render/report_html.py): the same stylesheet, the same
escaping helpers, the same PDF engine. Built from the `History` (compare.py), not from a
terminal recording: where the company is now, the index on the stage ladder over time, each
dimension, stage and focus as a small line chart with its numbers in a table beside it, the
stage and label transitions, what improved or regressed from each assessment to the next, and
the next steps now. No script; the same history gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from retail_stage.compare import IMPROVED, REGRESSED, Comparison, History, date_of
from retail_stage.messages import _, n_
from retail_stage.render.history_charts import index_chart_svg, small_chart_svg
from retail_stage.render.report_compare import (
    _answer,
    _index_delta,
    _label_move,
    _met,
    _move_words,
    _names,
    _pts,
    _score,
    _sections,
    when,
)
from retail_stage.render.report_data import build_report, label_name, pct
from retail_stage.render.report_formats import CompareFormat
from retail_stage.render.report_html import document, el, h

if TYPE_CHECKING:
    from retail_stage.rubric import Rubric


@cache
def history_stylesheet() -> str:
    """What the history adds to the report's stylesheet (charts side by side, wide tables)."""
    return (Path(__file__).with_name("history.css")).read_text(encoding="utf-8")


def _whens(told: History) -> list[str]:
    return [when(r, n) for n, r in enumerate(told.results, 1)]


def _company(told: History) -> str:
    return str(told.latest.company.get("name") or "")


def _running(told: History) -> str:
    """The company and the span of the dates, for the footer of each printed page."""
    dates = [d for d in (date_of(told.first), date_of(told.latest)) if d]
    return " · ".join([_company(told), " – ".join(dates)] if dates else [_company(told)])


def history_html(told: History, rubric: Rubric) -> str:
    """The whole history as one HTML document."""
    title = _("Retail digitalization history: {company}").format(company=_company(told))
    body = [
        *_header(told),
        *_now(told, rubric),
        *_index(told, rubric),
        *_dimensions(told, rubric),
        *_ladder(told, rubric),
        *_focus(told, rubric),
        *_changes(told, rubric),
        *_next_steps(told, rubric),
        *_footer(told),
    ]
    return document(title, body, _running(told), css=history_stylesheet(), main_class="history")


def _header(told: History) -> list[str]:
    latest = told.latest
    company = latest.company
    facts = " · ".join(str(company[k]) for k in ("id", "sector", "country") if company.get(k))
    count = len(told.results)
    assessments = n_("{n} assessment: {dates}", "{n} assessments: {dates}", count).format(
        n=count, dates=" → ".join(_whens(told))
    )
    rubrics = dict.fromkeys(f"{r.rubric_id} {r.rubric_version}" for r in told.results)
    rows = [
        (_("Assessed"), assessments),
        (_("Rubric"), ", ".join(rubrics)),
        (_("Profiles"), ", ".join(r.source for r in told.results)),
    ]
    out = [
        '<header class="title">',
        el("p", h(_("Retail digitalization history")), 'class="kicker"'),
        el("h1", h(_company(told))),
    ]
    if facts:
        out.append(el("p", h(facts), 'class="company-facts"'))
    out.append('<dl class="facts">')
    out += [el("dt", h(name)) + el("dd", h(value)) for name, value in rows]
    out += ["</dl>", "</header>"]
    out += [
        el("p", h(_("⚠ {warning}").format(warning=w)), 'class="warning"') for w in told.warnings
    ]
    return out


def _transition(step: Comparison, names: dict[str, str]) -> str:
    """One step's stage, label and index in words."""
    stage = (
        _("stage {stage}, {move}").format(stage=names[step.new.stage], move=_move_words(0))
        if step.stage_move == 0
        else _("stage {before} → {after} ({move})").format(
            before=names[step.old.stage],
            after=names[step.new.stage],
            move=_move_words(step.stage_move),
        )
    )
    if step.old.label == step.new.label:
        label = _("label {label}, {move}").format(
            label=label_name(step.new.label), move=_label_move(step.old.label, step.new.label)
        )
    else:
        label = _("label {before} → {after} ({move})").format(
            before=label_name(step.old.label),
            after=label_name(step.new.label),
            move=_label_move(step.old.label, step.new.label),
        )
    index = _("index {before} → {after} ({delta})").format(
        before=f"{step.old.index:.2f}",
        after=f"{step.new.index:.2f}",
        delta=_index_delta(step.index.delta),
    )
    return _("{stage}; {label}; {index}").format(stage=stage, label=label, index=index)


def _now(told: History, rubric: Rubric) -> list[str]:
    latest, names, whens = told.latest, _names(rubric), _whens(told)
    overall = told.overall(rubric)
    index = _("index {index} of {top} ({delta} since {first})").format(
        index=f"{latest.index:.2f}",
        top=len(rubric.stages),
        delta=_index_delta(overall.index.delta),
        first=whens[0],
    )
    out = [
        '<section class="verdict" aria-labelledby="now">',
        el("h2", h(_("Now ({date})").format(date=whens[-1])), 'id="now"'),
        '<div class="headline">',
        el("p", h(names[latest.stage]), 'class="stage"'),
        el("span", h(label_name(latest.label)), 'class="chip"'),
        el("span", h(index), 'class="index"'),
        "</div>",
        el("h3", h(_("Stage and label transitions"))),
        '<ul class="meaning transitions">',
    ]
    for n, step in enumerate(told.steps):
        span = el("strong", h(f"{whens[n]} → {whens[n + 1]}: "))
        out.append(el("li", span + h(_transition(step, names))))
    return [*out, "</ul>", "</section>"]


def _head(cells: Sequence[tuple[str, bool]]) -> str:
    row = "".join(el("th", h(text), 'class="num"' if num else "") for text, num in cells)
    return el("thead", el("tr", row))


def _date_heading(text: str) -> str:
    """A date as a column heading, free to break after the year where the column is narrow."""
    year, dash, rest = text.partition("-")
    return h(year) + (dash + "<wbr>" + h(rest) if dash and year.isdigit() else "")


def _index(told: History, rubric: Rubric) -> list[str]:
    names = _names(rubric)
    rungs = [rubric.baseline.name, *(s.name for s in rubric.stages)]
    title = _("Index of {company} over time").format(company=_company(told))
    chart = index_chart_svg(title, _whens(told), told.index, rungs)
    head = _head([(_("Assessed"), False), (_("Stage"), False), (_("Index"), True)])
    rows = "".join(
        el(
            "tr",
            el("td", h(w), 'class="date"')
            + el(
                "td",
                h(names[r.stage]) + "<br>" + el("span", h(label_name(r.label)), 'class="muted"'),
            )
            + el("td", f"{r.index:.2f}", 'class="num"'),
        )
        for w, r in zip(_whens(told), told.results, strict=True)
    )
    about = _(
        "The index is the stage reached plus the share of the next stage attained: "
        "each band of the chart is a stage."
    )
    return [
        '<section class="index-over-time" aria-labelledby="index">',
        el("h2", h(_("Index over time")), 'id="index"'),
        el(
            "div",
            el("figure", chart) + el("table", head + el("tbody", rows)),
            'class="pair history-pair"',
        ),
        el("p", h(about), 'class="muted"'),
        "</section>",
    ]


Series = tuple[str, Sequence[float | None], str, str, tuple[float, str] | None]
"""(name, values in date order, change first to latest, a note, threshold for the chart)."""


def _series_section(
    told: History, key: str, title: str, rows: Sequence[Series], note_heading: str = ""
) -> list[str]:
    whens = _whens(told)
    charts = "".join(
        el("figure", small_chart_svg(name, whens, values, threshold))
        for name, values, _change, _note, threshold in rows
    )
    head = el("th", "") + "".join(el("th", _date_heading(w), 'class="num"') for w in whens)
    head += el("th", h(_("Change")), 'class="num"')
    if note_heading:
        head += el("th", h(note_heading))
    body = "".join(
        el(
            "tr",
            el("td", h(name))
            + "".join(el("td", h(pct(v)), 'class="num"') for v in values)
            + el("td", h(change), 'class="num"')
            + (el("td", h(note)) if note_heading else ""),
        )
        for name, values, change, note, _threshold in rows
    )
    table = el("table", el("thead", el("tr", head)) + el("tbody", body))
    table = el("div", table, 'class="scroll"')
    return [
        f'<section class="{key}-over-time" aria-labelledby="{key}">',
        el("h2", h(title), f'id="{key}"'),
        el("div", charts, 'class="smalls"'),
        table,
        "</section>",
    ]


def _dimensions(told: History, rubric: Rubric) -> list[str]:
    names = {d.id: d.name for d in rubric.dimensions}
    overall = told.overall(rubric)
    rows: list[Series] = [
        (names[dim], values, _pts(change), "", None)
        for (dim, values), change in zip(told.dimensions, overall.dimensions, strict=True)
    ]
    return _series_section(told, "dimensions", _("Dimensions over time"), rows)


def _ladder(told: History, rubric: Rubric) -> list[str]:
    names = _names(rubric)
    overall = told.overall(rubric)
    thresholds = {s.id: s.threshold for s in rubric.stages}
    rows: list[Series] = [
        (
            names[sid],
            values,
            _pts(change.attainment),
            _met(change),
            (
                thresholds[sid],
                _("needs {threshold}").format(threshold=pct(thresholds[sid])),
            ),
        )
        for (sid, values, _met_each), change in zip(told.stages, overall.stages, strict=True)
    ]
    return _series_section(told, "ladder", _("The stage ladder over time"), rows, _("Now"))


def _focus(told: History, rubric: Rubric) -> list[str]:
    overall = told.overall(rubric)
    threshold = rubric.label.threshold
    at = _("2.0 at {threshold}").format(threshold=pct(threshold))
    (_t, traffic), (_s, supply) = told.focus
    rows: list[Series] = [
        (_("Traffic focus"), traffic, _pts(overall.focus_traffic), "", None),
        (_("Supply focus"), supply, _pts(overall.focus_supply), at, (threshold, at)),
    ]
    return _series_section(told, "focus", _("1.0 or 2.0 over time"), rows, " ")


def _changes(told: History, rubric: Rubric) -> list[str]:
    names = _names(rubric)
    indicators = {ind.id: ind for ind in rubric.indicators}
    whens = _whens(told)
    out = [
        '<section class="changes" aria-labelledby="changes">',
        el("h2", h(_("What changed between assessments")), 'id="changes"'),
    ]
    for n, step in enumerate(told.steps):
        out += [
            el("h3", h(f"{whens[n]} → {whens[n + 1]}")),
            el("p", h(_transition(step, names)), 'class="muted"'),
        ]
        for title, rows in _sections(step):
            out.append(el("h4", h(title)))
            if not rows:
                out.append(el("p", h(_("none")), 'class="muted"'))
                continue
            out.append('<ul class="moves">')
            for c in rows:
                ind = indicators[c.id]
                mark, css = {IMPROVED: ("▲", "met"), REGRESSED: ("▼", "fails")}.get(
                    c.direction, ("•", "muted")
                )
                before = (
                    f"{_answer(ind, c.answer_before, c.score_before)} ({_score(c.score_before)})"
                )
                after = f"{_answer(ind, c.answer_after, c.score_after)} ({_score(c.score_after)})"
                line = (
                    el("span", h(mark), f'class="mark {css}" aria-hidden="true"')
                    + el("strong", h(ind.question))
                    + el(
                        "dl",
                        el("dt", h(_("before")))
                        + el("dd", h(before))
                        + el("dt", h(_("after")))
                        + el("dd", h(after)),
                    )
                )
                out.append(el("li", line))
            out.append("</ul>")
    return [*out, "</section>"]


def _next_steps(told: History, rubric: Rubric) -> list[str]:
    from retail_stage.render.report_html import _next_steps as report_next_steps

    return report_next_steps(build_report(told.latest, rubric))


def _footer(told: History) -> list[str]:
    from retail_stage.version import __version__

    latest = told.latest
    made = _("Made with retail-stage {version} and the rubric {rubric} {rubric_version}.").format(
        version=__version__, rubric=latest.rubric_id, rubric_version=latest.rubric_version
    )
    return [el("footer", h(made))]


# --- one SVG --------------------------------------------------------------------------------


def history_svg(told: History, rubric: Rubric) -> str:
    """The history as one standalone SVG picture: the title, the index over time with each
    assessment's stage and label written beside it, and a small chart per dimension."""
    from html import escape

    from retail_stage.render.history_charts import FONT
    from retail_stage.render.text import neutral

    def text(value: str) -> str:
        return escape(neutral(value))

    names, whens = _names(rubric), _whens(told)
    rungs = [rubric.baseline.name, *(s.name for s in rubric.stages)]
    company = _company(told)
    title = _("Progress: {company}").format(company=company)
    columns, cell_w, cell_h, gap = 4, 260, 168, 14
    dims = told.dimensions
    rows = -(-len(dims) // columns)
    width = columns * cell_w + (columns - 1) * gap + 40
    top = 70 + 300 + 30
    height = top + rows * (cell_h + gap) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{text(title)}" '
        f'font-family="{FONT}">',
        f"<title>{text(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="20" y="34" font-size="24" font-weight="700" fill="#1d232b">{text(title)}</text>',
        f'<text x="20" y="56" font-size="14" fill="#5b6470">{text(" → ".join(whens))}</text>',
    ]

    def place(svg: str, x: float, y: float, w: float, hgt: float) -> str:
        return svg.replace("<svg ", f'<svg x="{x:g}" y="{y:g}" width="{w:g}" height="{hgt:g}" ', 1)

    index_title = _("Index of {company} over time").format(company=company)
    parts.append(place(index_chart_svg(index_title, whens, told.index, rungs), 20, 70, 640, 300))
    y = 96
    for w, r in zip(whens, told.results, strict=True):
        parts.append(
            f'<text x="690" y="{y}" font-size="15" font-weight="700" fill="#1d232b">'
            f"{text(w)} · {r.index:.2f}</text>"
        )
        parts.append(
            f'<text x="690" y="{y + 20}" font-size="14" fill="#5b6470">'
            f"{text(names[r.stage])} · {text(label_name(r.label))}</text>"
        )
        y += 50
    dim_names = {d.id: d.name for d in rubric.dimensions}
    for n, (dim, values) in enumerate(dims):
        x = 20 + (n % columns) * (cell_w + gap)
        cy = top + (n // columns) * (cell_h + gap)
        parts.append(place(small_chart_svg(dim_names[dim], whens, values), x, cy, cell_w, cell_h))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


# --- PDF and the choice of document --------------------------------------------------------


def history_pdf(told: History, rubric: Rubric) -> bytes:
    """The history on A4 pages through the report's PDF engine (WeasyPrint)."""
    from retail_stage.render.report_pdf import _engine

    data: bytes = _engine().HTML(string=history_html(told, rubric)).write_pdf()
    return data


def history_document(told: History, rubric: Rubric, fmt: CompareFormat) -> str | bytes:
    """The history as a file holds it: HTML or SVG text, PDF bytes."""
    if fmt is CompareFormat.HTML:
        return history_html(told, rubric)
    if fmt is CompareFormat.SVG:
        return history_svg(told, rubric)
    if fmt is CompareFormat.PDF:
        return history_pdf(told, rubric)
    raise ValueError(f"{fmt.value} is not a drawn document of compare")
