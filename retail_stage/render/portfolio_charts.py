"""The portfolio report's charts as inline SVG: the stage × label heat map, the histogram of the
index with its quartiles, and each dimension's spread as a box plot.

Drawn from the portfolio's streamed counts and histograms alone (never from every result), each
with a `<title>` and its numbers written in it; the page puts the same numbers in a table
beside it. No fonts, scripts or colours that only a screen shows: a heat map cell's count and
share are written in it, dark text on light cells and white on dark ones. The same portfolio
gives the same bytes. No rich, no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from retail_stage.messages import _
from retail_stage.render.charts import INK, MET, MUTED, NOT_MET, TRACK, _svg, _text
from retail_stage.render.summary import LABELS, PER_UNIT

if TYPE_CHECKING:
    from retail_stage.render.summary import Portfolio

WIDTH = 480
"""charts.WIDTH: every chart of the page scales the same."""


def _share_fill(share: float) -> tuple[str, str]:
    """A cell's fill (white to the accent blue, by share) and the ink that reads on it."""
    share = max(0.0, min(1.0, share))
    light, dark = (0xF4, 0xF6, 0xF8), (0x1F, 0x5F, 0x99)
    # A square root spreads the small shares, which most cells hold, over more of the scale.
    t = share**0.5
    rgb = (round(a + (b - a) * t) for a, b in zip(light, dark, strict=True))
    fill = "#" + "".join(f"{c:02x}" for c in rgb)
    return fill, ("#ffffff" if t > 0.55 else INK)


def heatmap_svg(portfolio: Portfolio) -> str:
    """Stages (the top of the ladder on top) × labels: each cell's count and share."""
    total = portfolio.profiles
    name_width, cell_w, cell_h, head = 176, 104, 44, 26
    body: list[str] = []
    columns = [*LABELS, _("All")]
    for n, column in enumerate(columns):
        x = name_width + n * cell_w + cell_w / 2
        body.append(
            f'<text x="{x:.0f}" y="18" font-size="13" font-weight="700" fill="{MUTED}" '
            f'text-anchor="middle">{_text(column)}</text>'
        )
    rows = list(zip(portfolio.stages, portfolio.stage_names, strict=True))[::-1]
    for r, (stage, name) in enumerate(rows):
        y = head + r * cell_h
        shown = name if len(name) <= 24 else name[:23] + "…"
        body.append(
            f'<text x="0" y="{y + cell_h / 2 + 5:.0f}" font-size="13" fill="{INK}">'
            f"{_text(shown)}</text>"
        )
        counts = [portfolio.counts[(stage, label)] for label in LABELS]
        for n, count in enumerate([*counts, sum(counts)]):
            share = count / total if total else 0.0
            fill, ink = _share_fill(share)
            x = name_width + n * cell_w
            body.append(
                f'<rect x="{x + 2}" y="{y + 2}" width="{cell_w - 4}" height="{cell_h - 4}" '
                f'rx="4" fill="{fill}" stroke="#d5d9de"/>'
            )
            weight = ' font-weight="700"' if n == len(LABELS) else ""
            body.append(
                f'<text x="{x + cell_w / 2:.0f}" y="{y + cell_h / 2 + 5:.0f}" font-size="14" '
                f'fill="{ink}" text-anchor="middle"{weight}>'
                f"{_text(f'{count:,} · {share:.0%}')}</text>"
            )
    height = head + len(rows) * cell_h + 4
    title = _("Profiles on each stage and label (count · share)")
    return _svg_wide(name_width + len(columns) * cell_w, height, title, body, "heatmap")


def _svg_wide(width: int, height: int, title: str, body: list[str], css_class: str) -> str:
    """`charts._svg` at another width."""
    svg = _svg(height, title, body, css_class)
    return svg.replace(f'viewBox="0 0 {WIDTH} {height}"', f'viewBox="0 0 {width} {height}"', 1)


def histogram_svg(portfolio: Portfolio) -> str:
    """The index in bars of 0.1 (from the histogram of 0.01 bins), the quartiles and the median
    marked, the stage numbers along the axis."""
    bins = portfolio.index_bins
    per_bar = PER_UNIT // 10
    bars = [sum(bins[k : k + per_bar]) for k in range(0, len(bins), per_bar)]
    top = max(bars) if any(bars) else 1
    left, right, chart_top, chart_h = 36, 12, 52, 150
    plot_w = WIDTH - left - right
    bar_w = plot_w / len(bars)
    span = len(bins) / PER_UNIT  # the index runs 0 .. the number of stages
    body = [
        f'<line x1="{left}" y1="{chart_top + chart_h}" x2="{WIDTH - right}" '
        f'y2="{chart_top + chart_h}" stroke="{INK}"/>',
        f'<text x="{left - 6}" y="{chart_top + 4}" font-size="11" fill="{MUTED}" '
        f'text-anchor="end">{top:,}</text>',
        f'<text x="{left - 6}" y="{chart_top + chart_h}" font-size="11" fill="{MUTED}" '
        f'text-anchor="end">0</text>',
    ]
    for n, count in enumerate(bars):
        height = chart_h * count / top
        x = left + n * bar_w
        body.append(
            f'<rect x="{x + 1:.1f}" y="{chart_top + chart_h - height:.1f}" '
            f'width="{bar_w - 2:.1f}" height="{height:.1f}" fill="{NOT_MET}"/>'
        )
    for whole in range(int(span) + 1):
        x = left + plot_w * whole / span
        body.append(
            f'<line x1="{x:.1f}" y1="{chart_top + chart_h}" x2="{x:.1f}" '
            f'y2="{chart_top + chart_h + 5}" stroke="{INK}"/>'
            f'<text x="{x:.1f}" y="{chart_top + chart_h + 18}" font-size="12" fill="{INK}" '
            f'text-anchor="middle">{whole}</text>'
        )
    spread = portfolio.index_spread()
    marks = [("q1", _("Q1")), ("median", _("median")), ("q3", _("Q3"))]
    for n, (key, name) in enumerate(marks):
        value = spread[key]
        if value is None:
            continue
        x = left + plot_w * min(value, span) / span
        width = 2.5 if key == "median" else 1.5
        dash = "" if key == "median" else ' stroke-dasharray="4 3"'
        body.append(
            f'<line x1="{x:.1f}" y1="{8 + n * 14}" x2="{x:.1f}" y2="{chart_top + chart_h}" '
            f'stroke="{INK}" stroke-width="{width}"{dash}/>'
        )
        # Each label on a line of its own, so that close quartiles never write over each other;
        # it starts at its line, or ends there when it would run off the chart.
        label = _text(f"{name} {value:.2f}")
        anchor, shift = ("end", -4) if x > WIDTH - 110 else ("start", 4)
        body.append(
            f'<text x="{x + shift:.1f}" y="{12 + n * 14}" font-size="12" fill="{INK}" '
            f'text-anchor="{anchor}">{label}</text>'
        )
    height = chart_top + chart_h + 26
    title = _("Distribution of the index (profiles per 0.1)")
    return _svg(height, title, body, "histogram")


def spread_svg(portfolio: Portfolio) -> str:
    """Each dimension's spread: whiskers from its lowest to its highest score, the box from
    the lower to the upper quartile, the median a bar, the mean a dot; 0 to 100%."""
    names = {d.id: d.name for d in portfolio.rubric.dimensions}
    spread = portfolio.dimension_spread()
    means = portfolio.dimension_means()
    weakest = portfolio.weakest_dimension()
    left, right, row = 8, 12, 50
    plot_w = WIDTH - left - right
    body: list[str] = []

    def x(value: float) -> float:
        return left + plot_w * max(0.0, min(1.0, value))

    for n, dim in enumerate(portfolio.dimensions):
        top = 6 + n * row
        points, mean = spread[dim], means[dim]
        line = names[dim]
        if mean is not None:
            line = _("{dimension}: mean {mean:.0%}, median {median:.0%}").format(
                dimension=names[dim], mean=mean, median=points["median"] or 0.0
            )
        else:
            line = _("{dimension}: not applicable").format(dimension=names[dim])
        weight = ' font-weight="700"' if dim == weakest else ""
        body.append(
            f'<text x="{left}" y="{top + 12}" font-size="13" fill="{INK}"{weight}>'
            f"{_text(line)}</text>"
        )
        mid = top + 28
        body.append(
            f'<rect x="{left}" y="{mid - 8}" width="{plot_w}" height="16" rx="2" fill="{TRACK}"/>'
        )
        values = [points[k] for k in ("min", "q1", "median", "q3", "max")]
        known = [float(v) for v in values if v is not None]
        if len(known) < len(values) or mean is None:
            continue
        low, q1, median, q3, high = known
        body += [
            f'<line x1="{x(low):.1f}" y1="{mid}" x2="{x(high):.1f}" y2="{mid}" stroke="{INK}"/>',
            f'<line x1="{x(low):.1f}" y1="{mid - 5}" x2="{x(low):.1f}" y2="{mid + 5}" '
            f'stroke="{INK}"/>',
            f'<line x1="{x(high):.1f}" y1="{mid - 5}" x2="{x(high):.1f}" y2="{mid + 5}" '
            f'stroke="{INK}"/>',
            f'<rect x="{x(q1):.1f}" y="{mid - 7}" width="{max(1.0, x(q3) - x(q1)):.1f}" '
            f'height="14" fill="{NOT_MET}" stroke="{INK}"/>',
            f'<line x1="{x(median):.1f}" y1="{mid - 7}" x2="{x(median):.1f}" y2="{mid + 7}" '
            f'stroke="{INK}" stroke-width="2.5"/>',
            f'<circle cx="{x(mean):.1f}" cy="{mid}" r="3.5" fill="{MET}" stroke="#ffffff"/>',
        ]
    axis = 6 + len(portfolio.dimensions) * row
    for tick in (0, 25, 50, 75, 100):
        anchor = "start" if tick == 0 else "end" if tick == 100 else "middle"
        body.append(
            f'<text x="{x(tick / 100):.1f}" y="{axis + 6}" font-size="11" fill="{MUTED}" '
            f'text-anchor="{anchor}">{tick}%</text>'
        )
    title = _("Spread of each dimension's score (box: quartiles; bar: median; dot: mean)")
    return _svg(axis + 12, title, body, "spread")
