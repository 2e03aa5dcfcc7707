"""The report as an HTML document: semantic markup, its own stylesheet, one file that opens offline.

Drawn from the report's data (the same `Report` every format draws), not from a terminal
recording: the verdict first, then the ladder, the label, the dimensions, the next steps, who
disagrees, and the evidence last, folded (a browser's print unfolds it: `::details-content`).
Every text of a user or a rubric is escaped; there is no script at all. The same report gives
the same bytes.
"""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path

from retail_stage.messages import _, language, n_
from retail_stage.render.charts import focus_svg, ladder_svg
from retail_stage.render.report_data import (
    Evidence,
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
    points,
    quiet_unknowns_sentence,
    top_sentence,
    uncertain_sentence,
)
from retail_stage.render.text import neutral


@cache
def stylesheet() -> str:
    """The report's stylesheet (screen, phone and print)."""
    return (Path(__file__).with_name("report.css")).read_text(encoding="utf-8")


def h(value: object) -> str:
    """Text shown literally in HTML: escaped, control characters made visible."""
    return escape(neutral(str(value)))


def el(tag: str, inner: str, attrs: str = "") -> str:
    """An element around HTML already escaped: el("th", h(text), 'class="num"')."""
    return f"<{tag}{' ' + attrs if attrs else ''}>{inner}</{tag}>"


def css_string(value: str) -> str:
    """A CSS string literal holding `value`: anything but letters, digits and spaces escaped,
    so no text can end the string, the rule or the <style> element."""
    # An escape ends at the space after it (CSS eats that one space), so spaces in the text stay.
    kept = (c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in neutral(value))
    return '"' + "".join(kept) + '"'


def document(
    title: str,
    body: list[str],
    running: str,
    css: str = "",
    body_class: str = "",
    main_class: str = "",
) -> str:
    """A whole HTML page of ours: the report's stylesheet (and `css`), `running` in the footer of
    every printed page, `body` (escaped already) in <main>. The report, the portfolio and the
    history are all such pages."""
    footer = "content: " + css_string(running) + "; font: 9pt/1.2 var(--font); color: #555;"
    page = "@page { @bottom-left { " + footer + " } }"
    lang = "zh-Hans" if language() == "zh" else "en"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{lang}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{h(title)}</title>",
            f"<style>\n{stylesheet()}{css}{page}\n</style>",
            "</head>",
            f'<body class="{body_class}">' if body_class else "<body>",
            f'<main class="{main_class}">' if main_class else "<main>",
            *body,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def report_html(report: Report, open_details: bool = False) -> str:
    """The whole report as one HTML document; `open_details` unfolds the evidence (for PDF)."""
    title = _("Retail digitalization report: {company}").format(company=report.company_name)
    body = [
        *_header(report),
        *_verdict(report),
        *_ladder(report),
        *_label(report),
        *_dimensions(report),
        *_peers(report),
        *_next_steps(report),
        *_panel(report),
        *_evidence(report, open_details),
        *_footer(report),
    ]
    date = str(report.company.get("assessed_on") or "")
    running = " · ".join(part for part in (report.company_name, date) if part)
    return document(title, body, running)


def _header(report: Report) -> list[str]:
    result, company = report.result, report.company
    facts = " · ".join(str(company[k]) for k in ("id", "sector", "country") if company.get(k))
    rubric = f"{report.title} ({result.rubric_id} {result.rubric_version})"
    rows = [
        (_("Assessed"), str(company.get("assessed_on") or _("date not given"))),
        (_("Rubric"), rubric),
        (_("Coverage"), _("{share} of the weight answered").format(share=pct(result.coverage))),
        (_("Profile"), result.source),
    ]
    out = [
        '<header class="title">',
        el("p", h(_("Retail digitalization report")), 'class="kicker"'),
        el("h1", h(report.company_name)),
    ]
    if facts:
        out.append(el("p", h(facts), 'class="company-facts"'))
    out.append('<dl class="facts">')
    out += [el("dt", h(name)) + el("dd", h(value)) for name, value in rows]
    out += ["</dl>", "</header>"]
    out += [el("p", h(w), 'class="warning"') for w in result.warnings]
    return out


def _verdict(report: Report) -> list[str]:
    result = report.result
    label = el("strong", h(_("{label}: ").format(label=result.label)))
    out = [
        '<section class="verdict" aria-labelledby="verdict">',
        el("h2", h(_("Verdict")), 'id="verdict"'),
        '<div class="headline">',
        el("p", h(report.stage_name), 'class="stage"'),
        el("span", h(label_name(result.label)), 'class="chip"'),
        el("span", h(index_sentence(report)), 'class="index"'),
        "</div>",
        '<ul class="meaning">',
        el("li", h(first_sentence(report.stage_meaning))),
        el("li", label + h(first_sentence(report.label.meaning))),
        "</ul>",
    ]
    if not report.certain:
        warning = el("strong", h(_("⚠ Not certain: "))) + h(uncertain_sentence(report))
        out.append(el("p", warning, 'class="warning"'))
    if not result.label_range.certain:
        warning = el("strong", h(_("⚠ Label not certain: "))) + h(label_uncertain_sentence(report))
        out.append(el("p", warning, 'class="warning"'))
    return [*out, "</section>"]


def _status(met: bool, gates: bool) -> str:
    if met:
        return el("span", h(_("✓ met")), 'class="met"')
    return el("span", h(_("✗ gate fails") if gates else _("✗ not met")), 'class="fails"')


def _head(*cells: tuple[str, bool]) -> str:
    """A table's header row: (text, is a number column) for each cell."""
    row = "".join(el("th", h(text), 'class="num"' if num else "") for text, num in cells)
    return el("thead", el("tr", row))


def _ladder(report: Report) -> list[str]:
    out = [
        '<section class="ladder" aria-labelledby="ladder">',
        el("h2", h(_("The stage ladder")), 'id="ladder"'),
        el("figure", ladder_svg(report) + _ladder_legend(report)),
        "<table>",
        _head((_("Stage"), False), (_("Now"), True), (_("Needs"), True), (_("Status"), False)),
        "<tbody>",
    ]
    for stage in report.ladder:
        current = 'class="current"' if stage.current else ""
        name = h(stage.name) + (h(_(" ◀ here")) if stage.current else "")
        if stage.attainment is None:
            cells = el("td", name) + '<td class="num"></td>' * 2
            cells += el("td", h(_("starting point")), 'class="muted"')
        else:
            cells = el("td", name) + el("td", pct(stage.attainment), 'class="num"')
            cells += el("td", pct(stage.threshold), 'class="num"')
            cells += el("td", _status(stage.met, bool(stage.blocking_gates)))
        out.append(el("tr", cells, current))
    out += ["</tbody>", "</table>"]
    gates = [(stage, gate) for stage in report.ladder for gate in stage.blocking_gates]
    if gates:
        out.append('<ul class="gates">')
        for stage, gate in gates:
            e = gate.evidence
            needs = _("{stage} needs this question passed: ").format(stage=stage.name)
            line = el("strong", h(needs)) + el("em", h(first_sentence(e.indicator.question)))
            line += _id(report, e) + h(_(" Answer: ")) + el("strong", h(e.answer.text))
            if gate.at_least:
                line += h(_("; needs at least: ")) + el("strong", h(gate.at_least))
            out.append(el("li", line + h(_("."))))
        out.append("</ul>")
    return [*out, "</section>"]


def _ladder_legend(report: Report) -> str:
    if report.peers is None or not report.peers.marks:
        return ""
    legend = _("{legend}. {sentence}").format(
        legend=peer_mark_legend(), sentence=median_stage_sentence(report.peers)
    )
    return el("figcaption", h(legend))


def _label(report: Report) -> list[str]:
    view = report.label
    heading = _("1.0 or 2.0: this is {label}").format(label=label_name(view.label))
    peers = report.peers
    medians = None if peers is None else (peers.traffic.median, peers.supply.median)
    legend = "" if peers is None else el("figcaption", h(peer_mark_legend()))
    out = [
        '<section class="label" aria-labelledby="label">',
        el("h2", h(heading), 'id="label"'),
        el("figure", focus_svg(view, medians) + legend),
        el("p", h(label_sentence(view))),
    ]
    if view.gap > 0 and view.blocked_by_stage is None:
        chosen = [m for m in view.movers if m.in_smallest_set]
        out += _steps(report, chosen, mark_set=False)
    return [*out, "</section>"]


def _dimensions(report: Report) -> list[str]:
    from retail_stage.render.radar import radar_svg

    peers = report.peers
    medians = None if peers is None else [row.median for row in peers.dimensions]
    legend = None
    if peers is not None:
        legend = (neutral(report.company_name), neutral(_("peers' median")))
    radar = radar_svg(
        [(neutral(d.name), d.score) for d in report.dimensions],
        title=neutral(_("Dimensions of {company}").format(company=report.company_name)),
        peers=medians,
        legend=legend,
    )
    rows = "".join(
        el("tr", el("td", h(d.name)) + el("td", pct(d.score), 'class="num"'))
        for d in report.dimensions
    )
    out = [
        '<section class="dimensions" aria-labelledby="dimensions">',
        el("h2", h(_("Dimensions (all stages)")), 'id="dimensions"'),
        el(
            "div",
            el("figure", radar)
            + el("table", _head((_("Dimension"), False), (_("Score"), True)) + el("tbody", rows)),
            'class="pair"',
        ),
    ]
    strongest, weakest = report.strongest, report.weakest
    if strongest is not None and weakest is not None:
        best = el("strong", h(_("Strongest: "))) + h(f"{strongest.name} ({pct(strongest.score)})")
        worst = el("strong", h(_("Weakest: "))) + h(f"{weakest.name} ({pct(weakest.score)})")
        out.append(el("p", best + " · " + worst))
    if report.even_score is not None:
        even = _("Every dimension scores {score}.").format(score=pct(report.even_score))
        out.append(el("p", h(even)))
    return [*out, "</section>"]


def _peers(report: Report) -> list[str]:
    view = report.peers
    if view is None:
        return []
    # The number columns' headings may wrap: four columns fit a phone only so.
    wrapping = 'class="num" style="white-space: normal"'
    names = (_("This company"), _("Peers' median"), _("Ahead of"))
    head = el(
        "thead",
        el("tr", el("th", h(_("Value"))) + "".join(el("th", h(n), wrapping) for n in names)),
    )
    rows = []
    for n, row in enumerate((view.index, view.traffic, view.supply, *view.dimensions)):
        cells = el("td", h(row.name)) + el("td", h(peer_value(row, row.value)), 'class="num"')
        cells += el("td", h(peer_value(row, row.median)), 'class="num"')
        cells += el("td", h(ahead_cell(view, row)), 'class="num"')
        rows.append(el("tr", cells, 'class="current"' if n == 0 else ""))
    return [
        '<section class="peers" aria-labelledby="peers">',
        el("h2", h(peers_heading()), 'id="peers"'),
        el("p", h(peers_intro(view)), 'class="muted"'),
        el("p", el("strong", h(index_standing_sentence(view))), 'class="standing"'),
        '<ul class="meaning">',
        el("li", h(median_stage_sentence(view))),
        el("li", h(next_stage_sentence(view))),
        "</ul>",
        el("div", el("table", head + el("tbody", "".join(rows))), 'class="scroll"'),
        el("p", h(ahead_explained()), 'class="muted"'),
        "</section>",
    ]


def _id(report: Report, e: Evidence) -> str:
    return " " + el("span", h(e.indicator.id), 'class="id"') if report.show_ids else ""


def _steps(report: Report, movers: list[Mover], mark_set: bool = True, start: int = 1) -> list[str]:
    """Ranked steps: each question with its answer now, the next option up and the best."""
    if not movers:
        return []
    top = max(m.gain for m in movers) or 1.0
    out = [f'<ol class="steps" start="{start}" style="counter-reset: step {start - 1}">']
    for mover in movers:
        e = mover.evidence
        badges = ""
        if mark_set and mover.in_smallest_set:
            badges += el("span", h(_("in the smallest set")), 'class="badge set"')
        if mover.failed_gate:
            badges += el("span", h(_("gate")), 'class="badge gate"')
        rows = [(_("Now"), e.answer.text, "")]
        if e.answer.better:
            step = mover.gain if mover.next_gain is None else mover.next_gain
            rows.append((_("Next up"), e.answer.better, points(step)))
        if mover.best and mover.best != e.answer.better:
            rows.append((_("Best"), mover.best, points(mover.gain)))
        cells = "".join(
            el("dt", h(name)) + el("dd", h(value)) + el("dd", h(gain), 'class="gain"')
            for name, value, gain in rows
        )
        question = h(e.indicator.question) + _id(report, e) + badges
        meter = el(
            "span",
            f'<span style="width:{max(0.0, mover.gain / top):.0%}"></span>',
            'class="meter" aria-hidden="true"',
        )
        out.append(el("li", el("p", question, 'class="question"') + el("dl", cells) + meter))
    return [*out, "</ol>"]


def _next_steps(report: Report) -> list[str]:
    out = [
        '<section class="next" aria-labelledby="next">',
        el("h2", h(_("Next steps")), 'id="next"'),
    ]
    if report.find_out:
        intro = _(
            "Unknown answers that could change the verdict, the one that could move it most first:"
        )
        out += [el("h3", h(_("Find out first"))), el("p", h(intro)), '<ol class="find-out">']
        for item in report.find_out:
            line = el("strong", h(item.evidence.indicator.question)) + _id(report, item.evidence)
            line += ": " + h(find_out_sentence(item))
            if item.best:
                best = _("Best answer: {answer}").format(answer=item.best)
                line += "<br>" + el("span", h(best), 'class="muted"')
            out.append(el("li", line))
        out.append("</ol>")
    if report.quiet_unknowns:
        out.append(el("p", h(quiet_unknowns_sentence(report)), 'class="muted"'))
    if report.next_stage is None:
        return [*out, el("p", h(top_sentence(report))), "</section>"]
    chosen = [m for m in report.improve if m.in_smallest_set]
    rest = [m for m in report.improve if not m.in_smallest_set]
    out += [el("h3", h(_("Improve"))), el("p", h(next_steps_intro(report)))]
    out += _steps(report, chosen)
    if rest:
        out.append(el("p", h(_("then, by gain:")), 'class="muted"'))
        out += _steps(report, rest, start=len(chosen) + 1)
    out.append(el("p", h(gain_footnote(report)), 'class="muted"'))
    return [*out, "</section>"]


def _panel(report: Report) -> list[str]:
    panel = report.panel
    if panel is None:
        return []
    heading = _("Respondents: {n}, merged by {merge}").format(
        n=len(panel.respondents), merge=merge_name(panel.merge)
    )
    rows = "".join(
        el("tr", el("td", h(name)) + el("td", h(f"{stage} {label}")))
        for name, stage, label in panel.respondents
    )
    people = _head((_("Respondent"), False), (_("On their own answers"), False))
    out = [
        '<section class="panel" aria-labelledby="panel">',
        el("h2", h(heading), 'id="panel"'),
        el("table", people + el("tbody", rows)),
    ]
    if not panel.disagreements:
        out.append(el("p", h(_("They agree on every question they all answered."))))
        return [*out, "</section>"]
    out += [el("h3", h(_("Where respondents disagree"))), "<ol>"]
    for d in panel.disagreements:
        ident = " " + el("span", h(d.indicator.id), 'class="id"') if report.show_ids else ""
        voices = "".join(
            el("li", h(f"{v.respondent}: {v.answer} ({pct(v.score)})")) for v in d.voices
        )
        line = el("strong", h(d.indicator.question)) + ident + ": " + h(d.spread)
        out.append(el("li", line + el("ul", voices)))
    out.append("</ol>")
    if panel.more:
        out.append(el("p", h(more_disagreements_sentence(panel.more)), 'class="muted"'))
    return [*out, "</section>"]


def _evidence(report: Report, open_details: bool) -> list[str]:
    about = _(
        "Every indicator by stage: the answer, its score (0 to 1), its weight in the "
        "stage, the note given with it and the sentence of the model it comes from."
    )
    out = [
        '<section class="evidence" aria-labelledby="evidence">',
        el("h2", h(_("The evidence")), 'id="evidence"'),
        el("p", h(about), 'class="muted"'),
    ]
    head = _head(
        (_("Indicator"), False),
        (_("Answer"), False),
        (_("Score"), True),
        (_("Weight"), True),
        (_("Note"), False),
        (_("Source sentence"), False),
    )
    for stage, rows in report.evidence:
        count = n_("{n} indicator", "{n} indicators", len(rows)).format(n=len(rows))
        summary = h(stage.name) + " " + el("span", h("· " + count), 'class="muted"')
        body = "".join(_evidence_row(report, e) for e in rows)
        table = el("div", el("table", head + el("tbody", body)), 'class="scroll"')
        out.append(el("details", el("summary", summary) + table, "open" if open_details else ""))
    return [*out, "</section>"]


def _evidence_row(report: Report, e: Evidence) -> str:
    ind = e.indicator
    score = h(e.scored)
    if e.gate_holds is not None:
        gate = _("gate ✓") if e.gate_holds else _("gate ✗")
        score += "<br>" + el("span", h(gate), 'class="met"' if e.gate_holds else 'class="fails"')
    source = h("“" + " ".join(ind.source.split()) + "”") if ind.source else ""
    question = h(ind.question) + "<br>" + el("span", h(focus_name(ind.focus)), 'class="muted"')
    cells = [
        el("td", question + _id(report, e)),
        el("td", h(e.answer.text)),
        el("td", score, 'class="num"'),
        el("td", f"{ind.weight:g}", 'class="num"'),
        el("td", h(e.note)),
        el("td", source, 'class="source"'),
    ]
    return el("tr", "".join(cells))


def _footer(report: Report) -> list[str]:
    from retail_stage.version import __version__

    result = report.result
    made = _("Made with retail-stage {version} and the rubric {rubric} {rubric_version}.").format(
        version=__version__, rubric=result.rubric_id, rubric_version=result.rubric_version
    )
    return [el("footer", h(made))]
