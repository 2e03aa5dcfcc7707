"""The portfolio report (`score PATHS --summary -o portfolio.html|.pdf`): one HTML document for
an analyst presenting a batch, the company report's sibling (its stylesheet, a few rules more).

In order: the title and the counts, the stage × label heat map, the index's distribution, each
dimension's spread, the weakest dimensions, the groups (`--group-by`), and the companies ranked
by index (the `--top` best). Every chart is drawn from the portfolio's streamed counts and has
its numbers in a table beside it. Every text of a user or a rubric is escaped; no script. The
same portfolio gives the same bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from retail_stage.messages import _, n_
from retail_stage.render.report_data import pct
from retail_stage.render.report_html import document, el, h
from retail_stage.render.summary import LABELS, spread_names

if TYPE_CHECKING:
    from retail_stage.render.summary import Portfolio

PORTFOLIO_CSS = """
.portfolio main { max-width: 1040px; }
.portfolio .pair { grid-template-columns: minmax(0, 1.2fr) minmax(0, 1fr); align-items: start; }
svg.heatmap { width: 100%; max-width: 600px; height: auto; display: block; }
svg.histogram, svg.spread { width: 100%; max-width: 560px; height: auto; display: block; }
.kpis { display: flex; flex-wrap: wrap; gap: 12px; margin: 20px 0 0; padding: 0; list-style: none; }
.kpis li { border: 1px solid var(--line); border-radius: 10px; padding: 10px 16px;
  min-width: 140px; }
.kpis strong { display: block; font-size: 24px; font-variant-numeric: tabular-nums; }
.kpis span { color: var(--muted); font-size: 13px; }
ol.weakest { padding-left: 22px; }
ol.weakest li { margin: 6px 0; }
td.rank { color: var(--muted); width: 3em; }
.scroll { overflow-x: auto; }
.groups th.num { white-space: normal; }
table.ranked td:nth-child(2) { overflow-wrap: anywhere; }
@media (max-width: 760px) { .portfolio .pair { grid-template-columns: minmax(0, 1fr); } }
@media print {
  section.ranked { break-before: page; page-break-before: always; }
  .portfolio .pair { grid-template-columns: minmax(0, 1fr); break-inside: avoid; }
  section.index h2 + p { break-after: avoid; page-break-after: avoid; }
  ol.weakest { break-inside: avoid; page-break-inside: avoid; }
  .kpis li { border-width: 1.5px; }
}
"""


def portfolio_html(portfolio: Portfolio) -> str:
    """The whole portfolio report as one HTML document."""
    rubric = portfolio.rubric
    title = _("Retail digitalization portfolio: {title}").format(title=rubric.title)
    body = [
        *_header(portfolio),
        *_stages(portfolio),
        *_index(portfolio),
        *_dimensions(portfolio),
        *_weakest(portfolio),
        *_groups(portfolio),
        *_ranked(portfolio),
        *_footer(portfolio),
    ]
    running = _("Portfolio · {profiles}").format(profiles=portfolio.counted())
    return document(title, body, running, css=PORTFOLIO_CSS, body_class="portfolio")


def portfolio_pdf(portfolio: Portfolio) -> bytes:
    """The portfolio report on A4 pages, laid out by WeasyPrint as the company report is."""
    from retail_stage.render.report_pdf import _engine

    weasyprint = _engine()
    data: bytes = weasyprint.HTML(string=portfolio_html(portfolio)).write_pdf()
    return data


def _head(*cells: tuple[str, bool]) -> str:
    row = "".join(el("th", h(text), 'class="num"' if num else "") for text, num in cells)
    return el("thead", el("tr", row))


def _num(value: str) -> str:
    return el("td", h(value), 'class="num"')


def _index_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _pct(value: float | int | None) -> str:
    return "–" if value is None else pct(float(value))


def _header(portfolio: Portfolio) -> list[str]:
    rubric = portfolio.rubric
    spread = portfolio.index_spread()
    weakest = portfolio.weakest_dimension()
    names = {d.id: d.name for d in rubric.dimensions}
    kpis = [
        (f"{portfolio.profiles:,}", n_("profile scored", "profiles scored", portfolio.profiles)),
        (
            _index_text(spread["median"]),
            _("median index (0 to {top})").format(top=len(rubric.stages)),
        ),
        (_pct(portfolio.mean_coverage()), _("mean coverage")),
        (names[weakest] if weakest else "–", _("weakest dimension")),
    ]
    rows = [
        (_("Rubric"), f"{rubric.title} ({rubric.id} {rubric.version})"),
        (_("Profiles"), portfolio.counted()),
    ]
    if portfolio.group_by is not None:
        rows.append((_("Grouped by"), portfolio.group_by))
    out = [
        '<header class="title">',
        el("p", h(_("Retail digitalization portfolio")), 'class="kicker"'),
        el("h1", h(rubric.title)),
        '<dl class="facts">',
        *(el("dt", h(name)) + el("dd", h(value)) for name, value in rows),
        "</dl>",
        '<ul class="kpis">',
        *(el("li", el("strong", h(value)) + el("span", h(name))) for value, name in kpis),
        "</ul>",
        "</header>",
    ]
    if portfolio.unanswered:
        line = n_(
            "{n} profile answered nothing: it counts at coverage 0 on the lowest stage.",
            "{n} profiles answered nothing: they count at coverage 0 on the lowest stage.",
            portfolio.unanswered,
        ).format(n=portfolio.unanswered)
        out.append(el("p", h(line), 'class="warning"'))
    return out


def _stages(portfolio: Portfolio) -> list[str]:
    from retail_stage.render.portfolio_charts import heatmap_svg

    total = portfolio.profiles
    rows = []
    for stage, name in reversed(list(zip(portfolio.stages, portfolio.stage_names, strict=True))):
        counts = [portfolio.counts[(stage, label)] for label in LABELS]
        cells = el("td", h(name))
        for count in [*counts, sum(counts)]:
            cells += _num(f"{count:,} ({pct(count / total) if total else '0%'})")
        rows.append(el("tr", cells))
    head = _head((_("Stage"), False), *((label, True) for label in LABELS), (_("All"), True))
    return [
        '<section class="stages" aria-labelledby="stages">',
        el("h2", h(_("Stages and labels")), 'id="stages"'),
        el("figure", heatmap_svg(portfolio)),
        el("table", head + el("tbody", "".join(rows))),
        "</section>",
    ]


def _index(portfolio: Portfolio) -> list[str]:
    from retail_stage.render.portfolio_charts import histogram_svg

    spread = portfolio.index_spread()
    headings = spread_names()
    rows = "".join(
        el("tr", el("td", h(headings[name])) + _num(_index_text(value)))
        for name, value in spread.items()
    )
    about = _(
        "The index runs from 0 to {top}: its whole part is the stage reached, the rest the "
        "attainment of the next one."
    ).format(top=len(portfolio.rubric.stages))
    table = el("table", _head((_("Index"), False), (_("Value"), True)) + el("tbody", rows))
    return [
        '<section class="index" aria-labelledby="index">',
        el("h2", h(_("Distribution of the index")), 'id="index"'),
        el("p", h(about), 'class="muted"'),
        el("div", el("figure", histogram_svg(portfolio)) + table, 'class="pair"'),
        "</section>",
    ]


def _dimensions(portfolio: Portfolio) -> list[str]:
    from retail_stage.render.portfolio_charts import spread_svg

    names = {d.id: d.name for d in portfolio.rubric.dimensions}
    means = portfolio.dimension_means()
    rows = []
    for dim, points in portfolio.dimension_spread().items():
        cells = el("td", h(names[dim]))
        cells += "".join(_num(_pct(points[key])) for key in ("min", "q1", "median", "q3", "max"))
        cells += _num(_pct(means[dim]))
        rows.append(el("tr", cells))
    head = _head(
        (_("Dimension"), False),
        (_("min"), True),
        (_("Q1"), True),
        (_("median"), True),
        (_("Q3"), True),
        (_("max"), True),
        (_("mean"), True),
    )
    note = _("Quartiles and medians are read from counts in steps of 1%.")
    return [
        '<section class="dimensions" aria-labelledby="dimensions">',
        el("h2", h(_("Spread of each dimension")), 'id="dimensions"'),
        el("figure", spread_svg(portfolio)),
        el("div", el("table", head + el("tbody", "".join(rows))), 'class="scroll"'),
        el("p", h(note), 'class="muted"'),
        "</section>",
    ]


def _weakest(portfolio: Portfolio) -> list[str]:
    names = {d.id: d.name for d in portfolio.rubric.dimensions}
    means = portfolio.dimension_means()
    spread = portfolio.dimension_spread()
    out = [
        '<section class="weakest" aria-labelledby="weakest">',
        el("h2", h(_("The weakest dimensions")), 'id="weakest"'),
    ]
    weakest = portfolio.weakest_dimensions()[:3]
    if not weakest:
        return [*out, el("p", h(_("No profile was scored."))), "</section>"]
    items = []
    for dim in weakest:
        below = spread[dim]["below_half"]
        line = _(
            "{dimension}: mean {mean}; {share} of the {n} profiles it applies to score below 50%"
        ).format(
            dimension=names[dim],
            mean=_pct(means[dim]),
            share=_pct(below),
            n=f"{spread[dim]['profiles']:,}",
        )
        items.append(el("li", h(line)))
    return [*out, el("ol", "".join(items), 'class="weakest"'), "</section>"]


def _groups(portfolio: Portfolio) -> list[str]:
    if portfolio.group_by is None:
        return []
    names = {d.id: d.name for d in portfolio.rubric.dimensions}
    heading = _("By {field}").format(field=portfolio.group_by)
    stage_heads = [(name, True) for name in portfolio.stage_names]
    head = _head(
        (portfolio.group_by, False),
        (_("Profiles"), True),
        *stage_heads,
        (_("median index"), True),
        (_("mean coverage"), True),
        (_("weakest dimension"), False),
    )
    rows = []
    for value, group in portfolio.group_items():
        cells = el("td", h(_("(not given)") if value is None else value))
        cells += _num(f"{group.profiles:,}")
        for stage in portfolio.stages:
            count = sum(group.counts[(stage, label)] for label in LABELS)
            cells += _num(pct(count / group.profiles) if group.profiles else "0%")
        cells += _num(_index_text(group.index_spread()["median"]))
        cells += _num(_pct(group.mean_coverage()))
        weakest = group.weakest_dimension()
        cells += el("td", h(names[weakest] if weakest else "–"))
        rows.append(el("tr", cells))
    about = _("Each group's share of profiles on each stage.")
    return [
        '<section class="groups" aria-labelledby="groups">',
        el("h2", h(heading), 'id="groups"'),
        el("p", h(about), 'class="muted"'),
        el("div", el("table", head + el("tbody", "".join(rows))), 'class="scroll"'),
        "</section>",
    ]


def _ranked(portfolio: Portfolio) -> list[str]:
    names = dict(zip(portfolio.stages, portfolio.stage_names, strict=True))
    ranked = portfolio.ranked(portfolio.top)
    grouped = portfolio.group_by is not None
    head = _head(
        ("#", True),
        (_("Company"), False),
        (_("Stage"), False),
        (_("Label"), False),
        (_("Index"), True),
        (_("Coverage"), True),
        *(((portfolio.group_by or "", False),) if grouped else ()),
    )
    rows = []
    for row in ranked:
        cells = el("td", str(row.rank), 'class="num rank"') + el("td", h(row.name))
        cells += el("td", h(names.get(row.stage, row.stage))) + el("td", h(row.label))
        cells += _num(f"{row.index:.2f}") + _num(pct(row.coverage))
        if grouped:
            cells += el("td", h(_("(not given)") if row.group is None else row.group))
        rows.append(el("tr", cells))
    if len(ranked) < portfolio.profiles:
        about = _(
            "The {shown} highest of {n} by index (--top); the XLSX and CSV summaries list "
            "every company."
        ).format(shown=f"{len(ranked):,}", n=f"{portfolio.profiles:,}")
    else:
        about = _("Every company, by index (ties in input order).")
    return [
        '<section class="ranked" aria-labelledby="ranked">',
        el("h2", h(_("Companies by index")), 'id="ranked"'),
        el("p", h(about), 'class="muted"'),
        el(
            "div",
            el("table", head + el("tbody", "".join(rows)), 'class="ranked"'),
            'class="scroll"',
        ),
        "</section>",
    ]


def _footer(portfolio: Portfolio) -> list[str]:
    from retail_stage.version import __version__

    rubric = portfolio.rubric
    made = _("Made with retail-stage {version} and the rubric {rubric} {rubric_version}.").format(
        version=__version__, rubric=rubric.id, rubric_version=rubric.version
    )
    return [el("footer", h(made))]
