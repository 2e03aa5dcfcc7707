"""The report as Markdown for wikis and pull requests (GitHub-flavoured tables)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from retail_stage.render.report_data import (
    Mover,
    Report,
    first_sentence,
)
from retail_stage.render.text import neutral

LABEL_NAMES = {"1.0": "1.0 · traffic", "2.0": "2.0 · supply & production"}

# Characters that mean something anywhere in a line (GitHub also reads $ as maths); brackets
# are enough to stop links and images, so ( ) ! need no escape.
_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
# What means something only at the start of a line: headings, lists, block quotes, rules.
_LEADING_MARK = re.compile(r"^([#=+-])")
_LEADING_NUMBER = re.compile(r"^(\d+)([.)])")


def md(value: object) -> str:
    """User or rubric text shown literally in Markdown, also inside a table cell.

    Markup characters are backslash-escaped, HTML is turned into entities, control characters
    become visible escapes and line breaks become <br>, so no text can start a table cell,
    a link, a heading or a tag.
    """
    text = neutral(str(value).replace("\r\n", "\n"))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    text = _LEADING_NUMBER.sub(r"\1\\\2", _LEADING_MARK.sub(r"\\\1", text))
    return text.replace("\n", "<br>")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _bar(value: float | None, threshold: float | None = None, width: int = 20) -> str:
    filled = round((value or 0.0) * width)
    mark = None if threshold is None else min(width - 1, round(threshold * width))
    cells = ["┃" if n == mark else ("█" if n < filled else "░") for n in range(width)]
    return "`" + "".join(cells) + "`"


def points(gain: float) -> str:
    """A gain in points of attainment, kept on one line in a table cell."""
    return f"+{gain * 100:.1f}\u00a0pts"  # no-break space: the cell never wraps inside it


def _movers(movers: Sequence[Mover], start: int = 1) -> list[str]:
    lines = ["| # | Question | Now | Next up | Gain |", "|---:|---|---|---|---:|"]
    for n, mover in enumerate(movers, start):
        e = mover.evidence
        gate = " **GATE**" if mover.failed_gate else ""
        lines.append(
            f"| {n} | {md(e.indicator.question)}<br>`{e.indicator.id}`{gate} | "
            f"{md(e.answer.text)} | {md(e.answer.better or '—')} | {points(mover.gain)} |"
        )
    return lines


def report_markdown(report: Report) -> str:
    """The report, section by section, as Markdown."""
    result = report.result
    company = report.company
    facts = " · ".join(str(company[k]) for k in ("id", "sector", "country") if company.get(k))
    out = [
        f"# Retail digitalization report: {md(report.company_name)}",
        "",
        "| | |",
        "|---|---|",
        f"| Company | **{md(report.company_name)}**" + (f" ({md(facts)})" if facts else "") + " |",
        f"| Assessed | {md(company.get('assessed_on') or 'date not given')} |",
        f"| Rubric | {md(report.title)} ({md(result.rubric_id)} {md(result.rubric_version)}) |",
        f"| Coverage | {result.coverage:.0%} of the weight answered |",
        f"| Profile | {md(result.source)} |",
        "",
    ]
    out += [f"> ⚠ {md(w)}" for w in result.warnings]
    out += [
        "## Verdict",
        "",
        f"**{md(report.stage_name)}** · **{LABEL_NAMES.get(result.label, result.label)}** · "
        f"index {result.index:.2f} of {len(report.rubric.stages)}",
        "",
        f"- {md(first_sentence(report.stage_meaning))}",
        f"- **{result.label}**: {md(first_sentence(report.label.meaning))}",
        "",
    ]
    if not report.certain:
        n = report.unknown_count
        out += [
            f"> ⚠ **Not certain**: between {md(report.range_low)} and {md(report.range_high)}. "
            f"{n} unknown answer{'s' * (n != 1)} could change the stage.",
            "",
        ]
    if not result.label_range.certain:
        out += [
            f"> ⚠ **Label not certain**: {result.label_range.low} with the unknown answers at "
            f"their lowest, {result.label_range.high} at their highest.",
            "",
        ]
    out += [
        "## The stage ladder",
        "",
        "| | Stage | Attainment (┃ threshold) | Now | Needs | Status |",
        "|---|---|---|---:|---:|---|",
    ]
    for stage in report.ladder:
        here = "▶" if stage.current else ""
        name = f"**{md(stage.name)}**" if stage.current else md(stage.name)
        if stage.attainment is None:
            out.append(f"| {here} | {name} | starting point | | | |")
            continue
        status = "✓ met" if stage.met else ("✗ gate fails" if stage.blocking_gates else "✗ not met")
        out.append(
            f"| {here} | {name} | {_bar(stage.attainment, stage.threshold)} | "
            f"{_pct(stage.attainment)} | {_pct(stage.threshold)} | {status} |"
        )
    out.append("")
    for stage in report.ladder:
        for gate in stage.blocking_gates:
            e = gate.evidence
            better = f", e.g. **{md(e.answer.better)}**" if e.answer.better else ""
            out.append(
                f"- ✗ **{md(stage.name)}** is blocked by a gate: "
                f"*{md(first_sentence(e.indicator.question))}* "
                f"Answer: **{md(e.answer.text)}**; it needs a score of {gate.needs:g}{better}."
            )
    view = report.label
    out += [
        "",
        f"## 1.0 or 2.0: this is {LABEL_NAMES.get(view.label, view.label)}",
        "",
        "| Focus | | Score | |",
        "|---|---|---:|---|",
        f"| Traffic | {_bar(view.traffic)} | {_pct(view.traffic)} | |",
        f"| Supply | {_bar(view.supply, view.threshold)} | {_pct(view.supply)} | "
        f"2.0 at {_pct(view.threshold)} |",
        "",
    ]
    if view.blocked_by_stage is not None:
        out.append(
            f"The supply focus is enough for 2.0, but the rubric also needs "
            f"{md(view.blocked_by_stage)} first."
        )
    elif view.gap <= 0:
        out.append(
            f"2.0 holds: the supply focus is {(view.supply - view.threshold) * 100:.0f} points "
            f"above the {_pct(view.threshold)} threshold."
        )
    else:
        chosen = [m for m in view.movers if m.in_smallest_set]
        out += [
            f"To move to 2.0 the supply focus needs {view.gap * 100:.0f} more points. These "
            f"{len(chosen)} supply answers gain the most; at their best answers they reach it:",
            "",
            *_movers(chosen),
        ]
    out += ["", "## Dimensions (all stages)", "", "| Dimension | | Score |", "|---|---|---:|"]
    out += [f"| {md(d.name)} | {_bar(d.score)} | {_pct(d.score)} |" for d in report.dimensions]
    out.append("")
    if report.strongest is not None:
        line = f"**Strongest**: {md(report.strongest.name)} ({_pct(report.strongest.score)})"
        if report.weakest is not None:
            line += f" · **Weakest**: {md(report.weakest.name)} ({_pct(report.weakest.score)})"
        out += [line, ""]
    if report.even_score is not None:
        out += [f"Every dimension scores {_pct(report.even_score)}.", ""]
    out += _panel_markdown(report)
    out += ["## Next steps", ""]
    target = report.next_stage
    if target is None:
        out += [f"{md(report.stage_name)} is the top of the ladder: there is no next stage.", ""]
    else:
        chosen = [m for m in report.steps if m.in_smallest_set]
        rest = [m for m in report.steps if not m.in_smallest_set]
        out += [
            f"To reach **{md(target.name)}**: attainment {_pct(target.attainment)} of "
            f"{_pct(target.threshold)} needed. Together these {len(chosen)} meet the stage, "
            "each raised to its best answer:",
            "",
            *_movers(chosen),
            "",
        ]
        if rest:
            out += ["Then, by gain:", "", *_movers(rest, len(chosen) + 1), ""]
        out += ["Gain: points of attainment if the answer reaches its best score.", ""]
    out += ["## The evidence", ""]
    for stage_view, rows in report.evidence:
        out += [
            f"### {md(stage_view.name)}",
            "",
            "| Indicator | Answer | Score | Weight | Note | Source |",
            "|---|---|---:|---:|---|---|",
        ]
        for e in rows:
            ind = e.indicator
            score = e.scored
            if e.gate_holds is not None:
                score += " (gate ✓)" if e.gate_holds else " (gate ✗)"
            source = f"“{md(' '.join(ind.source.split()))}”" if ind.source else ""
            out.append(
                f"| {md(ind.question)}<br>`{ind.id}` · {ind.focus} | {md(e.answer.text)} | "
                f"{score} | {ind.weight:g} | {md(e.note)} | {source} |"
            )
        out.append("")
    return "\n".join(out)


def _panel_markdown(report: Report) -> list[str]:
    panel = report.panel
    if panel is None:
        return []
    out = [
        f"## Respondents: {len(panel.respondents)}, merged by {panel.merge}",
        "",
        "| Respondent | On their own answers |",
        "|---|---|",
        *(f"| {md(name)} | {md(stage)} {label} |" for name, stage, label in panel.respondents),
        "",
    ]
    if not panel.disagreements:
        return [*out, "They agree on every question they all answered.", ""]
    out += ["## Where respondents disagree", ""]
    for number, d in enumerate(panel.disagreements, start=1):
        out.append(f"{number}. **{md(d.indicator.question)}** `{d.indicator.id}`: {d.spread}")
        out += [f"   - {md(v.respondent)}: {md(v.answer)} ({_pct(v.score)})" for v in d.voices]
    if panel.more:
        out.append(f"\n... and {panel.more} more (all in the JSON result)")
    return [*out, ""]
