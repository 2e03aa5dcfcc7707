"""What a report says, independent of how it looks: one `Report` built from a result and its rubric.

Every renderer (terminal, HTML/SVG/text, Markdown, JSON) draws the same `Report`, so the
sections, their order and every sentence and number are decided here once. No rich, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from retail_stage.messages import _, n_
from retail_stage.rubric import (
    BooleanAnswer,
    ChoiceAnswer,
    Indicator,
    MultiAnswer,
    Rubric,
    ScaleAnswer,
    max_score,
)

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.peers import PeerSet

NOT_APPLICABLE = -1.0  # the engine's n/a score; repeated so this module needs no engine import
EPSILON = 1e-9

ANSWERED, UNKNOWN, NA, NOT_ASKED = "answered", "unknown", "n/a", "not asked"


@dataclass(frozen=True, slots=True)
class Answer:
    """How one indicator was answered, in the rubric's words, and a better answer if any."""

    status: str
    """answered, unknown, n/a or not asked."""
    text: str
    better: str | None
    """The next answer up, in words (None when there is none)."""
    value: Any
    """The value as written in the profile (None when it was left out)."""
    better_score: float | None = None
    """The score of `better`."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One indicator of the rubric as this company answered it."""

    indicator: Indicator
    score: float | None
    """None unknown, NOT_APPLICABLE n/a."""
    answer: Answer
    note: str
    gate_holds: bool | None
    """None when the indicator is not a gate."""

    @property
    def scored(self) -> str:
        """The score as a report shows it: 0.75, unknown, or n/a."""
        if self.score is None:
            return _("unknown")
        if self.score == NOT_APPLICABLE:
            return _("n/a")
        return f"{self.score:.2f}"


@dataclass(frozen=True, slots=True)
class GateView:
    """A gate that blocks its stage: the indicator, its answer and what passes it."""

    evidence: Evidence
    needs: float
    at_least: str | None
    """The lowest answer that passes the gate, in words."""


@dataclass(frozen=True, slots=True)
class StageView:
    """One rung of the ladder; the baseline has no attainment."""

    id: str
    name: str
    description: str
    attainment: float | None
    threshold: float | None
    met: bool
    current: bool
    """Whether this is where the company stands."""
    is_next: bool
    blocking_gates: tuple[GateView, ...]


@dataclass(frozen=True, slots=True)
class Mover:
    """An indicator whose improvement moves a score, and by how many points (0..1).

    `gain` is what its best answer gains, `next_gain` what the next answer up gains
    (`evidence.answer.better`); they are equal when the next answer is the best.
    """

    evidence: Evidence
    gain: float
    in_smallest_set: bool
    failed_gate: bool = False
    next_gain: float | None = None
    best: str | None = None
    """The best answer, in words."""

    @property
    def belongs_to(self) -> str:
        """Which list of next steps it belongs to: find_out (unknown) or improve."""
        return FIND_OUT if self.evidence.answer.status == UNKNOWN else IMPROVE


FIND_OUT, IMPROVE = "find_out", "improve"


@dataclass(frozen=True, slots=True)
class FindOut:
    """An unknown answer that could change the stage or the label."""

    evidence: Evidence
    swing: float
    """Index points between its worst and its best answer."""
    stage: bool
    label: bool
    best: str | None
    """Its best answer, in words."""


@dataclass(frozen=True, slots=True)
class LabelView:
    """1.0 or 2.0, the two focus scores, and what would move the label."""

    label: str
    meaning: str
    traffic: float
    supply: float
    threshold: float
    gap: float
    """Supply points still missing for 2.0 (0 when the threshold is met)."""
    blocked_by_stage: str | None
    """The stage the rubric's label rule still needs, if that is what holds 2.0 back."""
    movers: tuple[Mover, ...]


@dataclass(frozen=True, slots=True)
class DimensionView:
    """One dimension's score over all stages (None when every indicator was n/a)."""

    id: str
    name: str
    score: float | None


class Voice(NamedTuple):
    """One respondent's answer to a question they disagree on."""

    respondent: str
    answer: str
    score: float | None


class DisagreementView(NamedTuple):
    indicator: Indicator
    low: float
    high: float
    swing: float
    voices: tuple[Voice, ...]

    @property
    def spread(self) -> str:
        """The spread in words: the scores, and what it does to the index."""
        moves = (
            _("from the lowest answer to the highest the index moves by {swing}").format(
                swing=f"{self.swing:.2f}"
            )
            if self.swing >= 0.005
            else _("the index is the same with either answer")
        )
        return _("scores {low} to {high}; {moves}").format(
            low=f"{self.low:.0%}", high=f"{self.high:.0%}", moves=moves
        )


class PanelView(NamedTuple):
    """Who answered, where each alone would stand, and where they disagree most."""

    merge: str
    respondents: tuple[tuple[str, str, str], ...]
    """(name, stage name, label)."""
    disagreements: tuple[DisagreementView, ...]
    more: int
    """Disagreements not shown."""


PANEL_SHOWN = 5
"""Disagreements a report shows (JSON results hold them all)."""


@dataclass(frozen=True, slots=True)
class PeerRow:
    """One value of the company (the index, a focus score, a dimension) among its peers."""

    id: str
    """index, traffic, supply, or a dimension id."""
    name: str
    value: float | None
    """The company's value (None: n/a for the company)."""
    median: float | None
    """The peers' median (None when no peer has a value)."""
    below: int
    """Peers in a bin strictly below the company's."""
    peers: int
    """Peers counted for this value."""

    @property
    def percentile(self) -> float | None:
        """The share of peers the company is ahead of (None when it cannot be told)."""
        if self.value is None or not self.peers:
            return None
        return round(self.below / self.peers, 4)


@dataclass(frozen=True, slots=True)
class PeersView:
    """Where the company stands among a set of peers (`report --peers`)."""

    count: int
    sources: tuple[str, ...]
    left_out: int
    """Profiles among the peers that were the company itself, left out."""
    invalid: int
    """Peer profiles that could not be scored."""
    index: PeerRow
    traffic: PeerRow
    supply: PeerRow
    dimensions: tuple[PeerRow, ...]
    median_stage: str
    """The stage of the median peer, by name."""
    median_stage_id: str
    median_next: str | None
    """The stage the median peer works toward, by name (None at the top)."""
    median_next_attainment: float | None
    """The median peer's attainment of that stage, from the median index."""
    marks: Mapping[str, float]
    """Stage id to where the median peer stands on that stage's bar (the stage it works toward)."""
    next_stage: tuple[str, str, int] | None
    """The peers' most common next stage: (id, name, peers working toward it)."""
    stages: tuple[tuple[str, str, int], ...]
    """(stage id, name, peers on it), in ladder order."""


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a report shows, in the order it shows it."""

    result: Result
    rubric: Rubric
    title: str
    company: Mapping[str, Any]
    stage_name: str
    stage_meaning: str
    certain: bool
    range_low: str
    range_high: str
    unknown_count: int
    ladder: tuple[StageView, ...]
    label: LabelView
    dimensions: tuple[DimensionView, ...]
    strongest: DimensionView | None
    weakest: DimensionView | None
    even_score: float | None
    """The score every dimension shares, when they are all equal (then none is strongest)."""
    next_stage: StageView | None
    steps: tuple[Mover, ...]
    """What meets the next stage, ranked: failed gates first, then by gain."""
    find_out: tuple[FindOut, ...]
    """Unknown answers that could change the stage or the label, the largest swing first."""
    evidence: tuple[tuple[StageView, tuple[Evidence, ...]], ...]
    panel: PanelView | None = None
    show_ids: bool = False
    """Whether documents for people show indicator ids (machine formats always do)."""
    peers: PeersView | None = None
    """Where the company stands among its peers, when the report was given some."""

    @property
    def improve(self) -> tuple[Mover, ...]:
        """The next steps on known answers, in rank order."""
        return tuple(m for m in self.steps if m.belongs_to == IMPROVE)

    @property
    def quiet_unknowns(self) -> int:
        """Unknown answers that cannot change the stage or the label."""
        return self.unknown_count - len(self.find_out)

    @property
    def company_name(self) -> str:
        """The company's name (as written)."""
        return str(self.company.get("name") or "")


def build_report(
    result: Result, rubric: Rubric, show_ids: bool = False, peers: PeerSet | None = None
) -> Report:
    """The report of `result`, scored with `rubric`; `peers` adds where it stands among them."""
    evidence = _evidence(result, rubric)
    by_id = {e.indicator.id: e for e in evidence}
    names = {rubric.baseline.id: rubric.baseline.name} | {s.id: s.name for s in rubric.stages}
    ladder = _ladder(result, rubric, by_id)
    next_stage = next((s for s in ladder if s.is_next), None)
    steps = tuple(
        _mover(by_id[n.indicator], n.gain, n.in_smallest_set, n.failed_gate)
        for n in result.next_steps.indicators
    )
    dims = tuple(
        DimensionView(d.id, d.name, score)
        for d, (_, score) in zip(rubric.dimensions, result.dimensions, strict=True)
    )
    known = [d for d in dims if d.score is not None]
    # max/min keep the first of equals, so ties name the dimension listed first in the rubric
    strongest = max(known, key=lambda d: d.score or 0.0) if known else None
    weakest = min(known, key=lambda d: d.score or 0.0) if known else None
    even = None
    if strongest is not None and weakest is not None and strongest.score == weakest.score:
        even, strongest, weakest = strongest.score, None, None
    current = next(s for s in ladder if s.current)
    return Report(
        result=result,
        rubric=rubric,
        title=rubric.title,
        company=result.company,
        stage_name=result.stage_name,
        stage_meaning=current.description,
        certain=result.certain,
        range_low=names[result.stage_range.low],
        range_high=names[result.stage_range.high],
        unknown_count=sum(1 for e in evidence if e.answer.status == UNKNOWN),
        ladder=ladder,
        label=_label(result, rubric, evidence),
        dimensions=dims,
        strongest=strongest,
        weakest=weakest,
        even_score=even,
        next_stage=next_stage,
        steps=steps,
        find_out=_find_out(result, rubric, by_id),
        evidence=tuple(
            (stage, tuple(e for e in evidence if e.indicator.stage == stage.id))
            for stage in ladder[1:]
        ),
        panel=_panel(result, rubric, names),
        show_ids=show_ids,
        peers=None if peers is None else _peers(result, rubric, peers, names),
    )


def _peers(result: Result, rubric: Rubric, peers: PeerSet, names: Mapping[str, str]) -> PeersView:
    def row(key: str, name: str, bins: Sequence[int], value: float | None) -> PeerRow:
        from retail_stage.peers import PER_UNIT, standing

        found = standing(bins, value, PER_UNIT)
        return PeerRow(key, name, value, found.median, found.below, found.peers)

    index = row("index", _("Index"), peers.index, result.index)
    median_id = peers.median_stage() or rubric.baseline.id
    ladder = [rubric.baseline.id] + [s.id for s in rubric.stages]
    place = ladder.index(median_id)
    median_next = median_attainment = None
    marks: dict[str, float] = {}
    if place < len(rubric.stages) and index.median is not None:
        upper = ladder[place + 1]
        median_next = names[upper]
        median_attainment = round(max(0.0, min(1.0, index.median - place)), 4)
        marks[upper] = median_attainment
    common = peers.most_common_next_stage()
    return PeersView(
        count=peers.count,
        sources=tuple(peers.sources),
        left_out=peers.left_out,
        invalid=peers.invalid,
        index=index,
        traffic=row("traffic", _("Traffic focus"), peers.traffic, result.focus_traffic),
        supply=row("supply", _("Supply focus"), peers.supply, result.focus_supply),
        dimensions=tuple(
            row(d.id, d.name, peers.dimension_bins[d.id], score)
            for d, (_id, score) in zip(rubric.dimensions, result.dimensions, strict=True)
        ),
        median_stage=names[median_id],
        median_stage_id=median_id,
        median_next=median_next,
        median_next_attainment=median_attainment,
        marks=marks,
        next_stage=None if common is None else (common[0], names[common[0]], common[1]),
        stages=tuple((s, names[s], n) for s, n in peers.stage_counts_in_order()),
    )


def _mover(e: Evidence, gain: float, chosen: bool, failed_gate: bool = False) -> Mover:
    """A next step with its next answer's gain: the gains grow with the score, in proportion."""
    ind, now = e.indicator, e.score or 0.0
    best_score = max_score(ind.answer)
    best = _better(ind, e.answer.value, now, best_score - EPSILON)
    step = e.answer.better_score
    next_gain = gain
    if step is not None and best_score - now > EPSILON:
        next_gain = round(gain * (step - now) / (best_score - now), 4)
    return Mover(e, gain, chosen, failed_gate, next_gain, best[0] if best else None)


def _find_out(result: Result, rubric: Rubric, by_id: Mapping[str, Evidence]) -> tuple[FindOut, ...]:
    if all(s is not None for s in result.scores):
        return ()
    from retail_stage.engine import compile_rubric, unknowns

    found = []
    for u in unknowns(compile_rubric(rubric), list(result.scores)):
        if not (u.stage or u.label):
            break
        e = by_id[u.indicator]
        best = _better(e.indicator, None, 0.0, max_score(e.indicator.answer) - EPSILON)
        found.append(FindOut(e, u.swing, u.stage, u.label, best[0] if best else None))
    return tuple(found)


def _panel(result: Result, rubric: Rubric, names: Mapping[str, str]) -> PanelView | None:
    panel = result.panel
    if panel is None:
        return None
    from retail_stage.questions import describe

    by_id = {ind.id: ind for ind in rubric.indicators}
    shown = tuple(
        DisagreementView(
            by_id[d.indicator],
            d.low,
            d.high,
            d.swing,
            tuple(
                Voice(name, describe(by_id[d.indicator], answer), score)
                for name, answer, score in d.answers
            ),
        )
        for d in panel.disagreement[:PANEL_SHOWN]
    )
    return PanelView(
        panel.merge,
        tuple((r.name, names[r.stage], r.label) for r in panel.respondents),
        shown,
        max(0, len(panel.disagreement) - PANEL_SHOWN),
    )


def _ladder(result: Result, rubric: Rubric, by_id: Mapping[str, Evidence]) -> tuple[StageView, ...]:
    reached = (
        0
        if result.stage == rubric.baseline.id
        else 1 + [s.id for s in rubric.stages].index(result.stage)
    )
    base = rubric.baseline
    rows = [
        StageView(base.id, base.name, base.description, None, None, True, reached == 0, False, ())
    ]
    for k, (stage, scored) in enumerate(zip(rubric.stages, result.stages, strict=True), 1):
        gates = tuple(
            GateView(by_id[g], by_id[g].indicator.gate_score, needs_at_least(by_id[g].indicator))
            for g in scored.failed_gates
        )
        rows.append(
            StageView(
                stage.id,
                stage.name,
                stage.description,
                scored.attainment,
                scored.threshold,
                scored.met,
                reached == k,
                reached + 1 == k,
                gates,
            )
        )
    return tuple(rows)


def _label(result: Result, rubric: Rubric, evidence: Sequence[Evidence]) -> LabelView:
    rule = rubric.label
    supply = [e for e in evidence if e.indicator.focus == "supply" and e.score != NOT_APPLICABLE]
    total = sum(e.indicator.weight for e in supply)
    gains = [
        (e.indicator.weight * (1.0 - (e.score or 0.0)) / total if total else 0.0, n, e)
        for n, e in enumerate(supply)
    ]
    gains = [g for g in gains if g[0] > EPSILON]
    gains.sort(key=lambda g: (-g[0], g[1]))
    gap = max(0.0, rule.threshold - result.focus_supply)
    movers = []
    gained = 0.0
    for gain, _order, e in gains:
        chosen = gained < gap - EPSILON
        if chosen:
            gained += gain
        movers.append(_mover(e, round(gain, 4), chosen))
    blocked = None
    if rule.min_stage is not None and result.label == "1.0" and gap <= EPSILON:
        blocked = next(s.name for s in rubric.stages if s.id == rule.min_stage)
    two = result.label == "2.0"
    return LabelView(
        label=result.label,
        meaning=rule.description_2 if two else rule.description_1,
        traffic=result.focus_traffic,
        supply=result.focus_supply,
        threshold=rule.threshold,
        gap=round(gap, 4),
        blocked_by_stage=blocked,
        movers=tuple(movers),
    )


def _evidence(result: Result, rubric: Rubric) -> list[Evidence]:
    from retail_stage.answers import stored_value

    position = {ind.id: n for n, ind in enumerate(rubric.indicators)}
    rows = []
    for ind, score in zip(rubric.indicators, result.scores, strict=True):
        raw = result.answers.get(ind.id)
        written = raw.get("value") if isinstance(raw, dict) else raw
        value = stored_value(ind, written, rubric.option_labels.get(ind.id))
        condition = ind.ask_if
        skipped = False
        if condition is not None:
            asked_by = result.scores[position[condition.indicator]]
            skipped = asked_by is not None and asked_by <= condition.above
        answer = (
            Answer(
                NOT_ASKED,
                _("not asked: the answer to “{question}” is too low").format(
                    question=rubric.indicators[position[condition.indicator]].question
                ),
                None,
                value,
            )
            if skipped and condition is not None
            else describe_answer(ind, value, score)
        )
        gate = None
        if ind.required:
            gate = score is not None and score >= ind.gate_score - EPSILON
        rows.append(Evidence(ind, score, answer, result.notes.get(ind.id, ""), gate))
    return rows


def describe_answer(ind: Indicator, value: Any, score: float | None) -> Answer:
    """The answer in the rubric's words (labels, not ids) and the next better answer."""
    if score is None:
        return Answer(UNKNOWN, _("unknown"), *_next_up(ind, None, 0.0, value))
    if score == NOT_APPLICABLE:
        return Answer(NA, _("n/a"), None, value)
    return Answer(ANSWERED, _answer_text(ind, value, score), *_next_up(ind, value, score, value))


def _next_up(ind: Indicator, chosen: Any, score: float, value: Any) -> tuple[Any, ...]:
    """(better, value, better_score) of an Answer: the next answer up, and at least what a
    failed gate needs."""
    need = ind.gate_score if ind.required and score < ind.gate_score - EPSILON else 0.0
    found = _better(ind, chosen, score, need)
    return (found[0], value, found[1]) if found else (None, value, None)


def needs_at_least(ind: Indicator) -> str | None:
    """The lowest answer that passes the indicator's gate, in words."""
    found = _better(ind, None, -1.0, ind.gate_score - EPSILON, adding=False)
    return found[0] if found else None


def yes_no(value: bool) -> str:
    """Yes or no, in the interface language."""
    return _("yes") if value else _("no")


def _answer_text(ind: Indicator, value: Any, score: float) -> str:
    spec = ind.answer
    if isinstance(spec, BooleanAnswer):
        return yes_no(score >= 1.0)
    if value is None:  # a result scored without its answers (engine.evaluate called directly)
        return _("scored {score}, answer not recorded").format(score=f"{score:.2f}")
    if isinstance(spec, (ScaleAnswer, ChoiceAnswer)):
        options = spec.levels if isinstance(spec, ScaleAnswer) else spec.options
        return next((o.label for o in options if o.id == value), str(value))
    if isinstance(spec, MultiAnswer):
        chosen = [value] if isinstance(value, str) else list(value or [])
        labels = {o.id: o.label for o in spec.options}
        return _("; ").join(labels.get(c, str(c)) for c in chosen) or _("none of the options")
    return _number(value, spec.unit)


def _number(value: Any, unit: str) -> str:
    shown = f"{value:g}" if isinstance(value, (int, float)) else str(value)
    if not unit:
        return shown
    return f"{shown}{unit}" if unit == "%" else f"{shown} {unit}"


def _better(
    ind: Indicator, chosen: Any, score: float, need: float, adding: bool = True
) -> tuple[str, float] | None:
    """The first answer up from `score` that scores at least `need`, in words, and its score.

    `chosen` is what a multiple choice already holds: the next answer up adds options to it
    ("add: ..." unless not `adding`, for an answer that starts from nothing).
    """
    spec = ind.answer

    def enough(candidate: float) -> bool:
        return candidate > score + EPSILON and candidate >= need - EPSILON

    if isinstance(spec, BooleanAnswer):
        return (_("yes"), 1.0) if enough(1.0) else None
    if isinstance(spec, ScaleAnswer):
        levels = zip(spec.levels, spec.level_scores(), strict=True)
        return next(((lv.label, s) for lv, s in levels if enough(s)), None)
    if isinstance(spec, ChoiceAnswer):
        ranked = sorted(spec.options, key=lambda o: o.score)
        return next(((o.label, o.score) for o in ranked if enough(o.score)), None)
    if isinstance(spec, MultiAnswer):
        taken = [chosen] if isinstance(chosen, str) else list(chosen or [])
        free = sorted(
            (o for o in spec.options if o.id not in taken), key=lambda o: -o.score
        )  # sorted() is stable: equal scores keep the rubric's order
        added: list[str] = []
        total = max(score, 0.0)
        for option in free:
            added.append(option.label)
            total = min(1.0, total + option.score)
            if enough(total):
                shown = _("; ").join(added)
                return (_("add: {options}").format(options=shown) if adding else shown), total
        return None
    return next(
        (
            (_("at least {number}").format(number=_number(b.min, spec.unit)), b.score)
            for b in spec.bands
            if enough(b.score)
        ),
        None,
    )


def first_sentence(text: str) -> str:
    """The first sentence of a description (the whole text when it has one sentence)."""
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


# --- Sentences every document of the report says alike ---------------------------------------


def pct(value: float | None) -> str:
    """A share as a whole percentage, or n/a."""
    return _("n/a") if value is None else f"{value:.0%}"


def points(gain: float, space: str = " ") -> str:
    """A gain in points of attainment (or of a focus score); `space` before the unit."""
    return _("+{points} pts").format(points=f"{gain * 100:.1f}").replace(" ", space)


def label_name(label: str) -> str:
    """1.0 or 2.0 with what it is about."""
    return {"1.0": _("1.0 · traffic"), "2.0": _("2.0 · supply & production")}.get(label, label)


def focus_name(focus: str) -> str:
    """An indicator's focus in words."""
    return {"traffic": _("traffic"), "supply": _("supply & production")}.get(focus, focus)


def merge_name(merge: str) -> str:
    """How respondents' answers were merged, in words."""
    return {"median": _("median"), "latest": _("latest"), "each": _("each")}.get(merge, merge)


def index_sentence(report: Report) -> str:
    """The index and the scale it is on."""
    return _("index {index} of {top}").format(
        index=f"{report.result.index:.2f}", top=len(report.rubric.stages)
    )


def uncertain_sentence(report: Report) -> str:
    """Why the stage is not certain (call when it is not)."""
    n = report.unknown_count
    return n_(
        "between {low} and {high}. {n} unknown answer could change the stage; answering it "
        "settles it.",
        "between {low} and {high}. {n} unknown answers could change the stage; answering them "
        "settles it.",
        n,
    ).format(low=report.range_low, high=report.range_high, n=n)


def label_uncertain_sentence(report: Report) -> str:
    """Why the label is not certain (call when it is not)."""
    labels = report.result.label_range
    return _(
        "{low} with the unknown answers at their lowest, {high} at their highest; answering "
        "them settles it."
    ).format(low=labels.low, high=labels.high)


def label_sentence(view: LabelView) -> str:
    """What holds the label where it is, or what would move it to 2.0."""
    if view.blocked_by_stage is not None:
        return _(
            "The supply focus is enough for 2.0, but the rubric also needs {stage} first."
        ).format(stage=view.blocked_by_stage)
    if view.gap <= 0:
        return _(
            "2.0 holds: the supply focus is {margin} points above the {threshold} threshold."
        ).format(
            margin=f"{(view.supply - view.threshold) * 100:.0f}", threshold=pct(view.threshold)
        )
    n = sum(1 for m in view.movers if m.in_smallest_set)
    return n_(
        "To move to 2.0 the supply focus needs {gap} more points. This supply answer gains the "
        "most; at its best answer it reaches it:",
        "To move to 2.0 the supply focus needs {gap} more points. These {n} supply answers gain "
        "the most; at their best answers they reach it:",
        n,
    ).format(gap=f"{view.gap * 100:.0f}", n=n)


def find_out_sentence(item: FindOut) -> str:
    """What an unknown answer could change, and how far it moves the index."""
    what = (
        _("the stage and the label")
        if item.stage and item.label
        else (_("the stage") if item.stage else _("the label"))
    )
    return _("could change {what}; the index moves up to {swing} with it").format(
        what=what, swing=f"{item.swing:.2f}"
    )


def quiet_unknowns_sentence(report: Report) -> str:
    """The unknown answers left out of "find out first" (call when there are some)."""
    n = report.quiet_unknowns
    return n_(
        "{n} more answer is unknown; it cannot change the stage or the label.",
        "{n} more answers are unknown; they cannot change the stage or the label.",
        n,
    ).format(n=n)


def top_sentence(report: Report) -> str:
    """Next steps at the top of the ladder."""
    return _("{stage} is the top of the ladder: there is no next stage.").format(
        stage=report.stage_name
    )


def sentences(first: str, second: str) -> str:
    """Two sentences one after the other (a space between them in English, none in Chinese)."""
    return _("{first} {second}").format(first=first, second=second)


def next_steps_intro(report: Report) -> str:
    """How far the next stage is and what meets it (call when there is a next stage)."""
    stage = report.next_stage
    assert stage is not None
    known = sum(1 for m in report.improve if m.in_smallest_set)
    unknown = sum(1 for m in report.steps if m.in_smallest_set) - known
    gates = len(stage.blocking_gates)
    where = _("To reach {stage}: attainment {now} of {needed} needed.").format(
        stage=stage.name, now=pct(stage.attainment), needed=pct(stage.threshold)
    )
    if gates:
        failing = n_("{n} gate fails.", "{n} gates fail.", gates).format(n=gates)
        where = sentences(where, failing)
    if unknown:
        how = n_(
            "The first {n} improvement, with {unknown} answer to find out at its best, meets it; "
            "the rest follow by gain.",
            "The first {n} improvements, with {unknown} answers to find out at their best, meet "
            "it; the rest follow by gain.",
            known,
        ).format(n=known, unknown=unknown)
    else:
        how = n_(
            "The first {n} improvement meets it at its best answer; the rest follow by gain.",
            "The first {n} improvements together meet it at their best answers; the rest follow "
            "by gain.",
            known,
        ).format(n=known)
    return sentences(where, how)


def gain_footnote(report: Report) -> str:
    """What the gains of the next steps count (call when there is a next stage)."""
    assert report.next_stage is not None
    return _("Gain: points of attainment of {stage} that the answer adds.").format(
        stage=report.next_stage.name
    )


def more_disagreements_sentence(more: int) -> str:
    """The disagreements a report leaves out."""
    return n_(
        "... and {n} more question (all in the JSON result)",
        "... and {n} more questions (all in the JSON result)",
        more,
    ).format(n=more)


# --- Sentences of the peers section ---------------------------------------------------------


def peers_heading() -> str:
    """The heading of the peers section."""
    return _("Among its peers")


def peers_intro(view: PeersView) -> str:
    """How many peers, from where, and who was left out of them."""
    text = n_("{n} peer, from {sources}.", "{n} peers, from {sources}.", view.count).format(
        n=view.count, sources=_(", ").join(view.sources)
    )
    if view.left_out:
        text = sentences(text, _("The company's own profile is left out of them."))
    if view.invalid:
        text = sentences(
            text,
            n_(
                "{n} peer profile could not be read or scored and is not counted.",
                "{n} peer profiles could not be read or scored and are not counted.",
                view.invalid,
            ).format(n=view.invalid),
        )
    return text


def ahead_sentence(row: PeerRow) -> str:
    """ "ahead of 55% of 11 peers", or why there is no percentile."""
    if row.value is None:
        return _("n/a for this company")
    if not row.peers:
        return _("no peer has a score")
    return n_("ahead of {share} of {n} peer", "ahead of {share} of {n} peers", row.peers).format(
        share=pct(row.percentile), n=row.peers
    )


def ahead_cell(view: PeersView, row: PeerRow) -> str:
    """A row's percentile in a table: "55%", with the count when it is not every peer's."""
    if row.value is None:
        return _("n/a")
    if not row.peers:
        return "—"
    if row.peers == view.count:
        return pct(row.percentile)
    return _("{share} of {n}").format(share=pct(row.percentile), n=row.peers)


def ahead_explained() -> str:
    """What the "ahead of" column counts."""
    return _("Ahead of: the share of peers with a lower score (counted in steps of 0.01).")


def index_standing_sentence(view: PeersView) -> str:
    """The headline: the index and the share of peers it is ahead of."""
    return _("Index {index}: {standing}.").format(
        index=peer_value(view.index, view.index.value), standing=ahead_sentence(view.index)
    )


def peer_value(row: PeerRow, value: float | None) -> str:
    """A value of a peers' row as a report shows it: the index to two places, a share as %."""
    if value is None:
        return _("n/a")
    return f"{value:.2f}" if row.id == "index" else pct(value)


def median_stage_sentence(view: PeersView) -> str:
    """Where the median peer stands on the ladder."""
    if view.median_next is None or view.median_next_attainment is None:
        return _("The median peer stands at {stage}, the top of the ladder.").format(
            stage=view.median_stage
        )
    return _("The median peer stands at {stage}, with {share} attainment of {next}.").format(
        stage=view.median_stage, share=pct(view.median_next_attainment), next=view.median_next
    )


def next_stage_sentence(view: PeersView) -> str:
    """The peers' most common next stage."""
    if view.next_stage is None:
        return _("Every peer stands at the top of the ladder: none has a next stage.")
    _id, name, count = view.next_stage
    return n_(
        "The peers' most common next stage: {stage} ({count} of {n} peers works toward it).",
        "The peers' most common next stage: {stage} ({count} of {n} peers work toward it).",
        count,
    ).format(stage=name, count=count, n=view.count)


def peer_mark_legend() -> str:
    """What the peers' mark on a bar means."""
    return _("◆ marks the peers' median")
