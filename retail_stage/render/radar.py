"""A radar chart of the dimension scores as a standalone SVG: no scripts, no fonts fetched."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from retail_stage.messages import _

RINGS = (0.25, 0.5, 0.75, 1.0)


def _point(cx: float, cy: float, radius: float, k: float, count: int) -> tuple[float, float]:
    # The first axis points straight up; the others follow clockwise.
    angle = -math.pi / 2 + 2 * math.pi * k / count
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _points(cx: float, cy: float, radii: Sequence[float]) -> str:
    count = len(radii)
    return " ".join(
        "{:.1f},{:.1f}".format(*_point(cx, cy, r, k, count)) for k, r in enumerate(radii)
    )


def _wrap(label: str, width: int = 16) -> list[str]:
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def radar_svg(
    axes: Sequence[tuple[str, float | None]],
    width: int = 520,
    height: int = 400,
    title: str = "",
    peers: Sequence[float | None] | None = None,
    legend: tuple[str, str] | None = None,
) -> str:
    """An SVG radar of `axes` (label, score in 0..1 or None for n/a); every label is escaped.

    `peers`, one score per axis, draws a second, dashed polygon (the peers' median); `legend`
    names the two polygons (company, peers) in text below the chart.
    """
    count = len(axes)
    cx, cy = width / 2, height / 2
    drawn = height + (28 if legend is not None else 0)  # the legend's line below the chart
    radius = min(cx - 140, cy - 75)  # room for the labels around the chart
    name = escape(title or _("Dimensions"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="radar" width="{width}" '
        f'height="{drawn}" viewBox="0 0 {width} {drawn}" role="img" aria-label="{name}">',
        f"<title>{name}</title>",
    ]
    if count < 3:
        # A radar needs three axes to enclose an area; fewer would draw a misleading line.
        too_few = escape(_("too few dimensions for a radar chart"))
        parts.append(
            f'<text x="{cx:.0f}" y="{cy:.0f}" text-anchor="middle" font-size="13" '
            f'font-family="sans-serif">{too_few}</text></svg>'
        )
        return "".join(parts)
    for ring in RINGS:
        parts.append(
            f'<polygon points="{_points(cx, cy, [radius * ring] * count)}" fill="none" '
            f'stroke="#c8ccd2" stroke-width="1"/>'
        )
    for k in range(count):
        x, y = _point(cx, cy, radius, k, count)
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#c8ccd2"/>'
        )
    for ring in RINGS:
        # Between the first two axes, where no axis label or data point sits.
        x, y = _point(cx, cy, radius * ring, 0.5, count)
        parts.append(
            f'<text x="{x + 2:.1f}" y="{y:.1f}" font-size="10" fill="#7a808a" '
            f'font-family="sans-serif">{ring:.0%}</text>'
        )
    if peers is not None:
        others = [radius * (score or 0.0) for score in peers]
        parts.append(
            f'<polygon class="peers" points="{_points(cx, cy, others)}" fill="none" '
            'stroke="#1d232b" stroke-width="1.5" stroke-dasharray="5 4"/>'
        )
    values = [radius * (score or 0.0) for _, score in axes]
    parts.append(
        f'<polygon points="{_points(cx, cy, values)}" fill="#2a7ab8" fill-opacity="0.25" '
        'stroke="#2a7ab8" stroke-width="2"/>'
    )
    for k, (label, score) in enumerate(axes):
        x, y = _point(cx, cy, values[k], k, count)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#2a7ab8"/>')
        lx, ly = _point(cx, cy, radius + 12, k, count)
        anchor = "middle" if abs(lx - cx) < 1 else ("start" if lx > cx else "end")
        lines = [escape(line) for line in _wrap(label)]
        shown = _("n/a") if score is None else f"{score:.0%}"
        lines.append(f'<tspan font-weight="bold">{shown}</tspan>')
        step = 14
        if abs(ly - cy) < radius * 0.3:
            top = ly - step * (len(lines) - 1) / 2 + 4  # beside the chart: centred on the axis
        elif ly < cy:
            top = ly - step * (len(lines) - 1)  # above: grow upwards from the axis end
        else:
            top = ly + 12
        spans = "".join(
            f'<tspan x="{lx:.1f}" y="{top + n * step:.1f}">{line}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(
            f'<text text-anchor="{anchor}" font-size="12" font-family="sans-serif" '
            f'fill="#222">{spans}</text>'
        )
    if legend is not None:
        y = drawn - 10
        parts += [
            f'<line x1="16" y1="{y - 4}" x2="40" y2="{y - 4}" stroke="#2a7ab8" stroke-width="3"/>',
            f'<text x="46" y="{y}" font-size="12" font-family="sans-serif" fill="#222">'
            f"{escape(legend[0])}</text>",
            f'<line x1="{cx + 10:.0f}" y1="{y - 4}" x2="{cx + 34:.0f}" y2="{y - 4}" '
            'stroke="#1d232b" stroke-width="1.5" stroke-dasharray="5 4"/>',
            f'<text x="{cx + 40:.0f}" y="{y}" font-size="12" font-family="sans-serif" '
            f'fill="#222">{escape(legend[1])}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)
