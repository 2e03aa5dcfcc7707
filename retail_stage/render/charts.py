"""The report's bar charts as inline SVG: the stage ladder and the traffic/supply focus.

Each chart is drawn from the report's numbers alone, with a `<title>`, its numbers as text
inside it, and no fonts, scripts or colours that only a screen shows: met and not met differ by
fill and by a written status, so a black-and-white print still tells them apart. The same
report gives the same bytes. No rich, no I/O.
"""

from __future__ import annotations

from html import escape

from retail_stage.messages import _
from retail_stage.render.report_data import LabelView, Report, StageView, pct
from retail_stage.render.text import neutral

WIDTH = 480
BAR_LEFT, BAR_WIDTH = 8, 420
"""Where a bar starts and how wide 100% is, in the chart's own units."""
ROW = 46
"""The height of one row: a line of text above a bar."""
BAR_HEIGHT = 14

MET, NOT_MET, TRACK, INK, MUTED = "#1f5f99", "#9ab8d8", "#e7eaee", "#1d232b", "#5b6470"


def _text(value: str) -> str:
    return escape(neutral(value))


def _svg(height: int, title: str, body: list[str], css_class: str) -> str:
    name = _text(title)
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" '
            f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{name}">',
            f"<title>{name}</title>",
            *body,
            "</svg>",
        ]
    )


def _bar(y: float, share: float, fill: str) -> list[str]:
    width = max(0.0, min(1.0, share)) * BAR_WIDTH
    return [
        f'<rect x="{BAR_LEFT}" y="{y:.1f}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" '
        f'rx="2" fill="{TRACK}"/>',
        f'<rect x="{BAR_LEFT}" y="{y:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}" '
        f'rx="2" fill="{fill}"/>',
    ]


def _threshold(y: float, share: float, label: str) -> list[str]:
    x = BAR_LEFT + share * BAR_WIDTH
    return [
        f'<line x1="{x:.1f}" y1="{y - 3:.1f}" x2="{x:.1f}" y2="{y + BAR_HEIGHT + 3:.1f}" '
        f'stroke="{INK}" stroke-width="2"/>',
        f'<text x="{x + 4:.1f}" y="{y + BAR_HEIGHT + 14:.1f}" font-size="12" '
        f'fill="{MUTED}">{_text(label)}</text>',
    ]


PEER = "#ffffff"
"""The fill of the peers' median mark: a white diamond outlined in ink, on any bar."""


def _peer_mark(y: float, share: float) -> list[str]:
    """The peers' median on a bar: a diamond across it (drawn only when there are peers)."""
    x = BAR_LEFT + max(0.0, min(1.0, share)) * BAR_WIDTH
    mid = y + BAR_HEIGHT / 2
    return [
        f'<path class="peer" d="M{x:.1f} {mid - 8:.1f}L{x + 6:.1f} {mid:.1f}L{x:.1f} '
        f'{mid + 8:.1f}L{x - 6:.1f} {mid:.1f}Z" fill="{PEER}" stroke="{INK}" stroke-width="1.5"/>'
    ]


def _status(stage: StageView) -> str:
    if stage.met:
        return _("✓ met")
    return _("✗ gate fails") if stage.blocking_gates else _("✗ not met")


def ladder_svg(report: Report) -> str:
    """Each stage's attainment against its threshold, the company's stage marked."""
    rungs = [s for s in report.ladder if s.attainment is not None]
    marks = {} if report.peers is None else report.peers.marks
    body: list[str] = []
    for n, stage in enumerate(reversed(rungs)):  # the top of the ladder on top
        top = 8 + n * (ROW + 12)
        attainment = stage.attainment or 0.0
        threshold = stage.threshold or 0.0
        weight = ' font-weight="700"' if stage.current else ""
        here = _(" ◀ here") if stage.current else ""
        line = _("{stage}: {now} of {needed} needed · {status}").format(
            stage=stage.name, now=pct(attainment), needed=pct(threshold), status=_status(stage)
        )
        body.append(
            f'<text x="{BAR_LEFT}" y="{top + 12}" font-size="14" fill="{INK}"{weight}>'
            f"{_text(line + here)}</text>"
        )
        body += _bar(top + 18, attainment, MET if stage.met else NOT_MET)
        body += _threshold(top + 18, threshold, pct(threshold))
        if stage.id in marks:
            body += _peer_mark(top + 18, marks[stage.id])
    height = 8 + len(rungs) * (ROW + 12)
    title = _("Attainment of each stage against its threshold")
    return _svg(height, title, body, "ladder")


def focus_svg(view: LabelView, medians: tuple[float | None, float | None] | None = None) -> str:
    """The traffic and the supply focus, the supply bar with the 2.0 threshold; `medians`
    (traffic, supply) marks the peers' median on each bar."""
    rows = [
        (_("Traffic focus"), view.traffic, None),
        (_("Supply focus"), view.supply, view.threshold),
    ]
    body: list[str] = []
    for n, (name, share, threshold) in enumerate(rows):
        median = None if medians is None else medians[n]
        top = 8 + n * (ROW + 12)
        line = _("{focus}: {score}").format(focus=name, score=pct(share))
        body.append(
            f'<text x="{BAR_LEFT}" y="{top + 12}" font-size="14" fill="{INK}">{_text(line)}</text>'
        )
        reached = threshold is not None and share >= threshold
        body += _bar(top + 18, share, MET if reached or threshold is None else NOT_MET)
        if threshold is not None:
            body += _threshold(
                top + 18, threshold, _("2.0 at {threshold}").format(threshold=pct(threshold))
            )
        if median is not None:
            body += _peer_mark(top + 18, median)
    return _svg(8 + len(rows) * (ROW + 12), _("Traffic and supply focus"), body, "focus")
