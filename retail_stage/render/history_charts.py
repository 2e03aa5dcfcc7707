"""The history's line charts as inline SVG: the index over time and one small chart per series.

Drawn by the project from the numbers alone, like the report's bar charts (render/charts.py):
each chart has a `<title>`, every point carries its number as text, the assessments are
evenly spaced left to right in date order with their dates below, and a threshold is a dashed
line with its value written beside it, so a black-and-white print still reads. Coordinates are
written with fixed decimals: the same history gives the same bytes. No rich, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from retail_stage.render.charts import INK, MET, MUTED, TRACK
from retail_stage.render.text import neutral

FONT = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, 'Noto Sans', 'Noto Sans CJK SC', "
    "'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
)
"""The font chain of a standalone SVG (inline, the page's font applies instead)."""

LABEL_ALL_UP_TO = 6
"""Up to this many points every point is labelled with its number; beyond, the first and the
last (the table beside the chart has them all)."""


def _text(value: str) -> str:
    return escape(neutral(value))


def _open(width: float, height: float, title: str, css_class: str, standalone: bool) -> str:
    name = _text(title)
    font = f' font-family="{FONT}"' if standalone else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" '
        f'viewBox="0 0 {width:g} {height:g}" role="img" aria-label="{name}"{font}>'
        f"<title>{name}</title>"
    )


def _xs(count: int, left: float, right: float) -> list[float]:
    """Evenly spaced x positions of `count` points between `left` and `right`."""
    if count == 1:
        return [(left + right) / 2]
    step = (right - left) / (count - 1)
    return [left + n * step for n in range(count)]


def _labelled(count: int) -> set[int]:
    return set(range(count)) if count <= LABEL_ALL_UP_TO else {0, count - 1}


def _line(
    points: Sequence[tuple[float, float | None]],
    shown: Callable[[float], str],
    labelled: set[int],
    y_of: Callable[[float], float],
    below: float | None = None,
) -> list[str]:
    """A polyline through the points that have a value, a dot on each, its number above it
    (under it for a value below `below`, a threshold line the number would cross)."""
    drawn = [(x, y_of(v)) for x, v in points if v is not None]
    out: list[str] = []
    if len(drawn) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in drawn)
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{MET}" stroke-width="2.5" '
            'stroke-linejoin="round" stroke-linecap="round"/>'
        )
    for n, (x, value) in enumerate(points):
        if value is None:
            continue
        y = y_of(value)
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{MET}" stroke="#fff" '
            'stroke-width="1.5"/>'
        )
        if n in labelled:
            # Under the dot only where it stays above the dates.
            under = below is not None and value < below and y + 19 <= y_of(0.0) + 4
            out.append(
                f'<text x="{x:.1f}" y="{y + 19 if under else y - 9:.1f}" font-size="13" '
                'font-weight="700" '
                f'text-anchor="middle" fill="{INK}">{_text(shown(value))}</text>'
            )
    return out


def _dates(
    xs: Sequence[float], dates: Sequence[str], y: float, size: int, every: bool
) -> list[str]:
    out = []
    last = len(dates) - 1
    for n, (x, date) in enumerate(zip(xs, dates, strict=True)):
        if not every and n not in (0, last):
            continue
        anchor = "middle"
        if not every or len(dates) > 1:
            anchor = "start" if n == 0 else ("end" if n == last else "middle")
        out.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{MUTED}">{_text(date)}</text>'
        )
    return out


def index_chart_svg(
    title: str,
    dates: Sequence[str],
    index: Sequence[float],
    rungs: Sequence[str],
    standalone: bool = False,
) -> str:
    """The index over time on the stage ladder: one band per rung (`rungs`: the baseline's name,
    then each stage's), the index of each assessment as a labelled point."""
    width, height = 640.0, 300.0
    # The rungs' names stand in a gutter on the left, where no point can fall on them.
    gutter = 168.0
    left, right, top, bottom = gutter, width - 24.0, 26.0, height - 44.0
    high = float(max(len(rungs) - 1, 1))

    def y_of(value: float) -> float:
        return bottom - max(0.0, min(high, value)) / high * (bottom - top)

    body = [_open(width, height, title, "history-index", standalone)]
    for k, name in enumerate(rungs):
        y = y_of(float(k))
        if k < len(rungs) - 1 and k % 2 == 0:
            body.append(
                f'<rect x="{gutter:g}" y="{y_of(k + 1.0):.1f}" width="{width - gutter:g}" '
                f'height="{y - y_of(k + 1.0):.1f}" fill="{TRACK}" opacity="0.55"/>'
            )
        body.append(
            f'<line x1="{gutter:g}" y1="{y:.1f}" x2="{width:g}" y2="{y:.1f}" stroke="{MUTED}" '
            'stroke-width="0.75" stroke-dasharray="3 3"/>'
        )
        body.append(
            f'<text x="0" y="{y + 4:.1f}" font-size="13" fill="{MUTED}">'
            f"{_text(f'{k} · {name}')}</text>"
        )
    xs = _xs(len(index), left + 36, right - 20)
    body += _line(list(zip(xs, index, strict=True)), lambda v: f"{v:.2f}", _labelled(len(xs)), y_of)
    body += _dates(xs, dates, height - 16, 13, len(dates) <= LABEL_ALL_UP_TO)
    body.append("</svg>")
    return "".join(body)


def small_chart_svg(
    title: str,
    dates: Sequence[str],
    values: Sequence[float | None],
    threshold: tuple[float, str] | None = None,
    standalone: bool = False,
) -> str:
    """One share (0 to 100%) over time, its name as the chart's heading, grid lines at 0, 50%
    and 100%; `threshold` (share, its words) a dashed line, its words under the heading."""
    width, height = 260.0, 168.0
    left, right, top, bottom = 22.0, width - 22.0, 58.0, height - 30.0

    def y_of(value: float) -> float:
        return bottom - max(0.0, min(1.0, value)) * (bottom - top)

    body = [
        _open(width, height, title, "history-small", standalone),
        f'<text x="0" y="16" font-size="15" font-weight="700" fill="{INK}">{_text(title)}</text>',
    ]
    for share in (0.0, 0.5, 1.0):
        y = y_of(share)
        body.append(
            f'<line x1="0" y1="{y:.1f}" x2="{width:g}" y2="{y:.1f}" stroke="{TRACK}" '
            'stroke-width="1"/>'
        )
    if threshold is not None:
        share, words = threshold
        y = y_of(share)
        body.append(
            f'<line x1="0" y1="{y:.1f}" x2="{width:g}" y2="{y:.1f}" stroke="{INK}" '
            'stroke-width="1.25" stroke-dasharray="5 3"/>'
        )
        # The words go above the plot, where no point's number can fall on them.
        body.append(
            f'<text x="{width:g}" y="36" font-size="13" text-anchor="end" '
            f'fill="{MUTED}">{_text("┄ " + words)}</text>'
        )
    xs = _xs(len(values), left, right)
    body += _line(
        list(zip(xs, values, strict=True)),
        lambda v: f"{v:.0%}",
        _labelled(len(xs)),
        y_of,
        threshold[0] if threshold is not None else None,
    )
    body += _dates(xs, dates, height - 8, 13, len(dates) <= 2)
    body.append("</svg>")
    return "".join(body)
