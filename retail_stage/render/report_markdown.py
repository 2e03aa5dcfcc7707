"""The report as Markdown for wikis and pull requests (GitHub-flavoured tables)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from retail_stage.messages import _
from retail_stage.render.report_data import (
    Mover,
    Report,
    ahead_cell,
    ahead_explained,
    find_out_sentence,
    first_sentence,
    focus_name,
    gain_footnote,
    index_sentence,
    index_standing_sentence,
    label_name,
    label_sentence,
    label_uncertain_sentence,
    median_stage_sentence,
    merge_name,
    more_disagreements_sentence,
    next_stage_sentence,
    next_steps_intro,
    pct,
    peer_mark_legend,
    peer_value,
    peers_heading,
    peers_intro,
    quiet_unknowns_sentence,
    top_sentence,
    uncertain_sentence,
)
from retail_stage.render.report_data import points as data_points
from retail_stage.render.text import neutral

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


def _bar(
    value: float | None,
    threshold: float | None = None,
    width: int = 20,
    peer: float | None = None,
) -> str:
    filled = round((value or 0.0) * width)
    mark = None if threshold is None else min(width - 1, round(threshold * width))
    median = None if peer is None else min(width - 1, round(peer * width))
    cells = [
        "◆" if n == median else "┃" if n == mark else ("█" if n < filled else "░")
        for n in range(width)
    ]
    return "`" + "".join(cells) + "`"


def points(gain: float) -> str:
    """A gain in points, kept on one line in a table cell (a no-break space before the unit)."""
    return data_points(gain, "\u00a0")


def _row(*cells: str) -> str:
    """One table row; cells are Markdown already."""
    return "| " + " | ".join(cells) + " |"


def _strong(text: str, mark: str = "**") -> str:
    """Bold (or, with mark="*", italic) Markdown text; trailing punctuation stays outside.

    CommonMark ends emphasis only where the closing mark follows a non-space and, after
    punctuation, only before a space or punctuation: "**最强：**渠道" would stay literal.
    """
    core = text.rstrip(" :：?？.。")
    return mark + core + mark + text[len(core) :] if core else text


def _movers(movers: Sequence[Mover], show_ids: bool, start: int = 1) -> list[str]:
    lines = [
        _row("#", _("Question"), _("Now"), _("Next up"), _("Gain"), _("Best"), _("Gain")),
        "|---:|---|---|---|---:|---|---:|",
    ]
    for n, mover in enumerate(movers, start):
        e = mover.evidence
        question = md(e.indicator.question)
        if show_ids:
            question += f"<br>`{e.indicator.id}`"
        if mover.failed_gate:
            question += " " + _strong(md(_("(a gate)")))
        step = points(mover.gain if mover.next_gain is None else mover.next_gain)
        best, best_gain = "", ""
        if mover.best and mover.best != e.answer.better:
            best, best_gain = md(mover.best), points(mover.gain)
        better = e.answer.better
        cells = [str(n), question, md(e.answer.text), md(better or "—"), step if better else ""]
        lines.append(_row(*cells, best, best_gain))
    return lines


def report_markdown(report: Report) -> str:
    """The report, section by section, as Markdown."""
    return "\n".join(
        [
            *_header(report),
            *_verdict(report),
            *_ladder(report),
            *_label(report),
            *_dimensions(report),
            *_peers(report),
            *_panel_markdown(report),
            *_next_steps(report),
            *_evidence(report),
        ]
    )


def _header(report: Report) -> list[str]:
    result = report.result
    company = report.company
    facts = " · ".join(str(company[k]) for k in ("id", "sector", "country") if company.get(k))
    title = _("Retail digitalization report: {company}").format(company=md(report.company_name))
    coverage = _("{share} of the weight answered").format(share=pct(result.coverage))
    name = _strong(md(report.company_name)) + (f" ({md(facts)})" if facts else "")
    rubric = f"{md(report.title)} ({md(result.rubric_id)} {md(result.rubric_version)})"
    out = [
        "# " + title,
        "",
        "| | |",
        "|---|---|",
        _row(_("Company"), name),
        _row(_("Assessed"), md(company.get("assessed_on") or _("date not given"))),
        _row(_("Rubric"), rubric),
        _row(_("Coverage"), coverage),
        _row(_("Profile"), md(result.source)),
        "",
    ]
    return out + [f"> ⚠ {md(w)}" for w in result.warnings]


def _verdict(report: Report) -> list[str]:
    result = report.result
    label = md(_("{label}: ").format(label=result.label))
    out = [
        "## " + _("Verdict"),
        "",
        " · ".join(
            [
                _strong(md(report.stage_name)),
                _strong(label_name(result.label)),
                index_sentence(report),
            ]
        ),
        "",
        "- " + md(first_sentence(report.stage_meaning)),
        "- " + _strong(label) + md(first_sentence(report.label.meaning)),
        "",
    ]
    if not report.certain:
        out += ["> " + _strong(_("⚠ Not certain: ")) + md(uncertain_sentence(report)), ""]
    if not result.label_range.certain:
        warning = _strong(_("⚠ Label not certain: "))
        out += ["> " + warning + md(label_uncertain_sentence(report)), ""]
    return out


def _ladder(report: Report) -> list[str]:
    out = [
        "## " + _("The stage ladder"),
        "",
        _row("", _("Stage"), _("Attainment (┃ threshold)"), _("Now"), _("Needs"), _("Status")),
        "|---|---|---|---:|---:|---|",
    ]
    for stage in report.ladder:
        here = "▶" if stage.current else ""
        name = _strong(md(stage.name)) if stage.current else md(stage.name)
        if stage.attainment is None:
            out.append(_row(here, name, _("starting point"), "", "", ""))
            continue
        if stage.met:
            status = _("✓ met")
        else:
            status = _("✗ gate fails") if stage.blocking_gates else _("✗ not met")
        mark = None if report.peers is None else report.peers.marks.get(stage.id)
        bar = _bar(stage.attainment, stage.threshold, peer=mark)
        out.append(_row(here, name, bar, pct(stage.attainment), pct(stage.threshold), status))
    out.append("")
    if report.peers is not None and report.peers.marks:
        out += [md(peer_mark_legend()), ""]
    for stage in report.ladder:
        for gate in stage.blocking_gates:
            e = gate.evidence
            needs = _("{stage} needs this question passed: ").format(stage=stage.name)
            question = _strong(md(first_sentence(e.indicator.question)), "*")
            line = "- ✗ " + _strong(md(needs)) + question
            if report.show_ids:
                line += f" `{e.indicator.id}`"
            line += md(_(" Answer: ")) + _strong(md(e.answer.text))
            if gate.at_least:
                line += md(_("; needs at least: ")) + _strong(md(gate.at_least))
            out.append(line + md(_(".")))
    return out


def _label(report: Report) -> list[str]:
    view = report.label
    supply_note = _("2.0 at {threshold}").format(threshold=pct(view.threshold))
    peers = report.peers
    traffic = None if peers is None else peers.traffic.median
    supply = None if peers is None else peers.supply.median
    out = [
        "",
        "## " + _("1.0 or 2.0: this is {label}").format(label=label_name(view.label)),
        "",
        _row(_("Focus"), "", _("Score"), ""),
        "|---|---|---:|---|",
        _row(_("Traffic focus"), _bar(view.traffic, peer=traffic), pct(view.traffic), ""),
        _row(
            _("Supply focus"),
            _bar(view.supply, view.threshold, peer=supply),
            pct(view.supply),
            supply_note,
        ),
        "",
    ]
    if report.peers is not None:
        out += [md(peer_mark_legend()), ""]
    out += [md(label_sentence(view))]
    if view.gap > 0 and view.blocked_by_stage is None:
        chosen = [m for m in view.movers if m.in_smallest_set]
        out += ["", *_movers(chosen, report.show_ids)]
    return out


def _dimensions(report: Report) -> list[str]:
    out = [
        "",
        "## " + _("Dimensions (all stages)"),
        "",
        _row(_("Dimension"), "", _("Score")),
        "|---|---|---:|",
    ]
    medians = {} if report.peers is None else {r.id: r.median for r in report.peers.dimensions}
    out += [
        _row(md(d.name), _bar(d.score, peer=medians.get(d.id)), pct(d.score))
        for d in report.dimensions
    ]
    out.append("")
    if report.peers is not None:
        out += [md(peer_mark_legend()), ""]
    strongest, weakest = report.strongest, report.weakest
    if strongest is not None:
        line = _strong(_("Strongest: ")) + f"{md(strongest.name)} ({pct(strongest.score)})"
        if weakest is not None:
            line += " · " + _strong(_("Weakest: ")) + f"{md(weakest.name)} ({pct(weakest.score)})"
        out += [line, ""]
    if report.even_score is not None:
        out += [_("Every dimension scores {score}.").format(score=pct(report.even_score)), ""]
    return out


def _peers(report: Report) -> list[str]:
    view = report.peers
    if view is None:
        return []
    out = [
        "## " + md(peers_heading()),
        "",
        md(peers_intro(view)),
        "",
        _strong(md(index_standing_sentence(view))),
        "",
        "- " + md(median_stage_sentence(view)),
        "- " + md(next_stage_sentence(view)),
        "",
        _row("", _("This company"), _("Peers' median"), _("Ahead of")),
        "|---|---:|---:|---:|",
    ]
    for row in (view.index, view.traffic, view.supply, *view.dimensions):
        cells = [peer_value(row, row.value), peer_value(row, row.median), ahead_cell(view, row)]
        out.append(_row(md(row.name), *(md(c) for c in cells)))
    return [*out, "", md(ahead_explained()), ""]


def _next_steps(report: Report) -> list[str]:
    out = ["## " + _("Next steps"), ""]
    if report.find_out:
        intro = _(
            "Unknown answers that could change the verdict, the one that could move it most first:"
        )
        out += ["### " + _("Find out first"), "", md(intro), ""]
        for n, item in enumerate(report.find_out, 1):
            ids = f" `{item.evidence.indicator.id}`" if report.show_ids else ""
            question = _strong(md(item.evidence.indicator.question))
            out.append(f"{n}. {question}{ids}: {md(find_out_sentence(item))}")
        out.append("")
    if report.quiet_unknowns:
        out += [md(quiet_unknowns_sentence(report)), ""]
    if report.next_stage is None:
        return [*out, md(top_sentence(report)), ""]
    chosen = [m for m in report.improve if m.in_smallest_set]
    rest = [m for m in report.improve if not m.in_smallest_set]
    out += ["### " + _("Improve"), "", md(next_steps_intro(report)), ""]
    if chosen:
        out += [*_movers(chosen, report.show_ids), ""]
    if rest:
        more = _movers(rest, report.show_ids, len(chosen) + 1)
        out += [md(_("then, by gain:")), "", *more, ""]
    return [*out, md(gain_footnote(report)), ""]


def _evidence(report: Report) -> list[str]:
    out = ["## " + _("The evidence"), ""]
    for stage_view, rows in report.evidence:
        out += [
            "### " + md(stage_view.name),
            "",
            _row(
                _("Indicator"),
                _("Answer"),
                _("Score"),
                _("Weight"),
                _("Note"),
                _("Source sentence"),
            ),
            "|---|---|---:|---:|---|---|",
        ]
        for e in rows:
            ind = e.indicator
            score = e.scored
            if e.gate_holds is not None:
                score += " (" + (_("gate ✓") if e.gate_holds else _("gate ✗")) + ")"
            source = f"“{md(' '.join(ind.source.split()))}”" if ind.source else ""
            about = focus_name(ind.focus)
            about = f"`{ind.id}` · {about}" if report.show_ids else about
            question = f"{md(ind.question)}<br>{about}"
            answer = md(e.answer.text)
            out.append(_row(question, answer, score, f"{ind.weight:g}", md(e.note), source))
        out.append("")
    return out


def _panel_markdown(report: Report) -> list[str]:
    panel = report.panel
    if panel is None:
        return []
    heading = _("Respondents: {n}, merged by {merge}").format(
        n=len(panel.respondents), merge=merge_name(panel.merge)
    )
    out = [
        "## " + heading,
        "",
        _row(_("Respondent"), _("On their own answers")),
        "|---|---|",
        *(_row(md(name), f"{md(stage)} {label}") for name, stage, label in panel.respondents),
        "",
    ]
    if not panel.disagreements:
        return [*out, md(_("They agree on every question they all answered.")), ""]
    out += ["## " + _("Where respondents disagree"), ""]
    for number, d in enumerate(panel.disagreements, start=1):
        ids = f" `{d.indicator.id}`" if report.show_ids else ""
        out.append(f"{number}. **{md(d.indicator.question)}**{ids}: {md(d.spread)}")
        out += [f"   - {md(v.respondent)}: {md(v.answer)} ({pct(v.score)})" for v in d.voices]
    if panel.more:
        out.append("\n" + md(more_disagreements_sentence(panel.more)))
    return [*out, ""]
