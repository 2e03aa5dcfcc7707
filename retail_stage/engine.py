"""Pure scoring: compile a rubric once, then score profiles (DESIGN §1).

This module is the one definition of every number a client is told. It neither reads files
nor prints, and imports neither rich nor typer, so a notebook or a Spark/Dask job can map
`score_answers` over a partition of profiles. Reading order: the result records, then
`compile_rubric` (the tables scoring reads), `read_answers` (an answer's score `s`),
`_verdict`, where each formula of DESIGN §1 sits under its own name, and `evaluate`, which adds
what explains the verdict (stages, dimensions, next steps).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from retail_stage.answers import (
    UNKNOWN,
    Invalid,
    Vocabulary,
    from_share,
    is_share,
    normalised,
    not_an_option,
    out_of_range,
    read_text,
)
from retail_stage.messages import _
from retail_stage.rubric import (
    BooleanAnswer,
    ChoiceAnswer,
    Indicator,
    MultiAnswer,
    NumberAnswer,
    Rubric,
    ScaleAnswer,
    max_score,
)
from retail_stage.sources import KEY

NOT_APPLICABLE = -1.0
"""The score of an n/a answer in `Result.scores`: the indicator leaves both sums."""

EPSILON = 1e-9
"""Tolerance of every comparison with a threshold, so 0.7 computed as 0.69999... still meets 0.7."""

INDEX_CAP = 0.99
"""Below the top stage the index is k + min(A_{k+1}, INDEX_CAP), so it never reaches k + 1."""


Reader = Callable[[Any], "float | None"]
"""An indicator's answer to its score: None unknown, NOT_APPLICABLE n/a; raises AnswerError."""


class AnswerError(ValueError):
    """An answer that does not fit its indicator; `loc` is its location in the profile."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


# --- The result: plain immutable records that print, compare and pickle --------------------
# A batch makes one Result and a dozen small records per profile: the small ones are named
# tuples, which cost a third of a frozen dataclass to make.


class Range(NamedTuple):
    """The verdict with unknown answers as 0 (`low`) and as 1 (`high`)."""

    low: str
    high: str

    @property
    def certain(self) -> bool:
        """Whether the unknown answers, whatever they turn out to be, leave the verdict as is."""
        return self.low == self.high


class StageResult(NamedTuple):
    """How far a company is on one stage."""

    id: str
    name: str
    attainment: float
    threshold: float
    met: bool
    failed_gates: tuple[str, ...]


class NextStep(NamedTuple):
    """An indicator of the next stage not yet at its best, and what raising it to its best gains."""

    indicator: str
    dimension: str
    score: float | None
    gain: float
    failed_gate: bool
    in_smallest_set: bool


class NextSteps(NamedTuple):
    """What it takes to meet the next stage; `stage` is None at the top of the ladder.

    The ranking is made with the result; its records are made when read, since a batch that
    writes CSV or a summary never reads them (that saves about 5 us of 44 a profile).
    """

    stage: str | None
    ranking: tuple[tuple[str, str, float | None, float, bool], ...] = ()
    """(indicator, dimension, score, gain, failed gate) in rank order, not rounded."""
    chosen: int = 0
    """How many of the first ranked make the smallest set."""

    @property
    def indicators(self) -> tuple[NextStep, ...]:
        """Every unmet indicator of that stage: failed gates first, then by gain, ties in
        rubric order."""
        return tuple(
            NextStep(
                indicator,
                dimension,
                None if score is None else round(score, 4),
                round(gain, 4),
                failed,
                rank < self.chosen,
            )
            for rank, (indicator, dimension, score, gain, failed) in enumerate(self.ranking)
        )

    @property
    def smallest_set(self) -> tuple[str, ...]:
        """The fewest indicators that, raised to their best answer, meet the stage."""
        return tuple(step[0] for step in self.ranking[: self.chosen])


class Respondent(NamedTuple):
    """One person's answers of a merged assessment, and where they alone would put it."""

    name: str
    source: str
    stage: str
    label: str


class Disagreement(NamedTuple):
    """An indicator the respondents scored differently."""

    indicator: str
    low: float
    high: float
    swing: float
    """How far the index moves between the lowest and the highest of their scores."""
    answers: tuple[tuple[str, Any, float | None], ...]
    """(respondent, answer as written, score) of each who answered."""


class Panel(NamedTuple):
    """Who answered a merged assessment, how they were merged and where they disagree."""

    merge: str
    respondents: tuple[Respondent, ...]
    disagreement: tuple[Disagreement, ...]


@dataclass(frozen=True, slots=True)
class Result:
    """A scored profile: every number of DESIGN §1, rounded to 4 decimals as reported."""

    source: str
    company: dict[str, Any]
    rubric_id: str
    rubric_version: str
    stage: str
    stage_name: str
    label: str
    index: float
    coverage: float
    stage_range: Range
    label_range: Range
    stages: tuple[StageResult, ...]
    dimensions: tuple[tuple[str, float | None], ...]
    """(dimension id, score) in rubric order; None when every indicator of it is n/a."""
    focus_traffic: float
    focus_supply: float
    next_steps: NextSteps
    scores: tuple[float | None, ...]
    """Each indicator's score in rubric order: None unknown, NOT_APPLICABLE for n/a."""
    notes: dict[str, str]
    warnings: tuple[str, ...] = ()
    answers: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    """The answers as written in the profile, for reports (`yes` and `true` compare equal)."""
    panel: Panel | None = None
    """Several respondents merged into this result (a survey export), else None."""

    @property
    def certain(self) -> bool:
        """Whether the unknown answers, whatever they turn out to be, leave the stage as it is."""
        return self.stage_range.low == self.stage_range.high

    def replace(self, **changes: Any) -> Result:
        """A copy with some fields changed (e.g. `source`, `company`)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The JSON result object of DESIGN §2, keys in contract order."""
        steps = self.next_steps
        return {
            "source": self.source,
            "company": dict(self.company),
            "rubric": {"id": self.rubric_id, "version": self.rubric_version},
            "stage": self.stage,
            "stage_name": self.stage_name,
            "label": self.label,
            "index": self.index,
            "coverage": self.coverage,
            "stage_range": _range_dict(self.stage_range),
            "label_range": _range_dict(self.label_range),
            "stages": [
                {
                    "id": s.id,
                    "attainment": s.attainment,
                    "threshold": s.threshold,
                    "met": s.met,
                    "failed_gates": list(s.failed_gates),
                }
                for s in self.stages
            ],
            "dimensions": dict(self.dimensions),
            "focus": {"traffic": self.focus_traffic, "supply": self.focus_supply},
            "next_steps": {
                "stage": steps.stage,
                "smallest_set": list(steps.smallest_set),
                "indicators": [
                    {
                        "id": n.indicator,
                        "dimension": n.dimension,
                        "score": n.score,
                        "gain": n.gain,
                        "failed_gate": n.failed_gate,
                    }
                    for n in steps.indicators
                ],
            },
            "warnings": list(self.warnings),
            **(_panel_dict(self.panel) if self.panel is not None else {}),
        }

    def to_record(self) -> dict[str, Any]:
        """The flat row the CSV output writes: `pandas.DataFrame([r.to_record() ...])` works."""
        record: dict[str, Any] = {"source": self.source}
        for name in COMPANY_FIELDS:
            record[f"company_{name}"] = self.company.get(name)
        record.update(
            stage=self.stage,
            label=self.label,
            index=self.index,
            coverage=self.coverage,
            stage_certain=self.stage_range.certain,
            label_certain=self.label_range.certain,
        )
        for stage in self.stages:
            record[f"attainment_{stage.id}"] = stage.attainment
        for dimension, value in self.dimensions:
            record[f"dimension_{dimension}"] = value
        record["focus_traffic"] = self.focus_traffic
        record["focus_supply"] = self.focus_supply
        return record


COMPANY_FIELDS = ("name", "id", "sector", "country", "assessed_on")
"""The company block of a result, in order."""


def _panel_dict(panel: Panel) -> dict[str, Any]:
    return {
        "merge": panel.merge,
        "respondents": [r._asdict() for r in panel.respondents],
        "disagreement": [
            {
                "indicator": d.indicator,
                "min": round(d.low, 4),
                "max": round(d.high, 4),
                "index_swing": round(d.swing, 4),
                "answers": [
                    {"respondent": name, "answer": answer, "score": score}
                    for name, answer, score in d.answers
                ],
            }
            for d in panel.disagreement
        ],
    }


def _range_dict(verdict: Range) -> dict[str, Any]:
    return {"low": verdict.low, "high": verdict.high, "certain": verdict.certain}


# --- The rubric compiled: what scoring reads, computed once --------------------------------


class Row(NamedTuple):
    """One indicator as scoring reads it."""

    position: int
    id: str
    stage: int
    dimension: int
    dimension_id: str
    supply: bool
    weight: float
    best: float
    """The best score its answers can give: 1 for the bundled rubric, maybe less elsewhere."""
    gate: float | None
    """The score it needs when it is a gate of its stage, else None."""
    words: dict[str | bool, float | None]
    """The score of each answer written as one plain word (option ids, yes/no, unknown, n/a,
    true/false): most answers of a batch are found here, the others go to `read`."""
    read: Reader


@dataclass(frozen=True, slots=True)
class CompiledRubric:
    """A checked rubric and the tables scoring reads; pickles as its rubric alone."""

    rubric: Rubric
    rows: tuple[Row, ...]
    """Each indicator, in rubric order."""
    ids: tuple[str, ...]
    """The indicator ids in rubric order."""
    dimension_ids: tuple[str, ...]
    """The dimension ids in rubric order."""
    readers: Mapping[str, tuple[int, dict[str | bool, float | None], Reader]]
    """Indicator id to (position, words, read) of its row: what reading an answer needs."""
    position: Mapping[str, int]
    sums: tuple[tuple[int, int, int, float], ...]
    """(stage, dimension, focus: 0 traffic or 1 supply, weight) of each indicator: what the
    one pass of `evaluate` adds up, as plain tuples, the cheapest to unpack."""
    gates: tuple[tuple[int, float], ...]
    """(position, the score it needs) of each gate."""
    stages: tuple[tuple[str, str, float], ...]
    """(id, name, threshold) of each stage."""
    stage_rows: tuple[tuple[tuple[int, float, float], ...], ...]
    """(position, weight, best) of the indicators of each stage."""
    followups: tuple[tuple[int, int, float, float], ...]
    """(indicator, the indicator it is asked after, above, its score when not asked)."""
    stage_weight: tuple[float, ...]
    dimension_weight: tuple[float, ...]
    focus_weight: tuple[float, float]
    """Total weight of each stage, each dimension, and of traffic and supply focus."""
    ladder: tuple[tuple[str, str], ...]
    """(id, name) of the baseline and each stage: ladder[k] is where k stages met puts you."""
    min_label_stage: int
    """Stages a company must have met for its label to be 2.0."""

    @property
    def scorers(self) -> tuple[Reader, ...]:
        """Each indicator's reader of one answer (no note, no follow-up rule)."""
        return tuple(row.read for row in self.rows)

    @property
    def rubric_id(self) -> str:
        """The rubric's id."""
        return self.rubric.id

    @property
    def rubric_version(self) -> str:
        """The rubric's version."""
        return self.rubric.version

    def __reduce__(self) -> tuple[Any, ...]:
        # The tables hold functions; they follow from the rubric, so only it crosses.
        return (compile_rubric, (self.rubric,))


def compile_rubric(rubric: Rubric) -> CompiledRubric:
    """Compile a checked rubric once; the result scores any number of profiles."""
    stage_pos = {s.id: k for k, s in enumerate(rubric.stages)}
    dimension_pos = {d.id: d_ for d_, d in enumerate(rubric.dimensions)}
    position = {ind.id: n for n, ind in enumerate(rubric.indicators)}
    rows = tuple(
        Row(
            position=n,
            id=ind.id,
            stage=stage_pos[ind.stage],
            dimension=dimension_pos[ind.dimension],
            dimension_id=ind.dimension,
            supply=ind.focus == "supply",
            weight=float(ind.weight),
            best=max_score(ind.answer),
            gate=ind.gate_score if ind.required else None,
            words=_words(ind),
            read=_reader(ind, rubric.option_labels.get(ind.id, {})),
        )
        for n, ind in enumerate(rubric.indicators)
    )
    stage_weight = [0.0] * len(rubric.stages)
    dimension_weight = [0.0] * len(rubric.dimensions)
    focus_weight = [0.0, 0.0]
    for row in rows:
        stage_weight[row.stage] += row.weight
        dimension_weight[row.dimension] += row.weight
        focus_weight[row.supply] += row.weight
    min_stage = rubric.label.min_stage
    return CompiledRubric(
        rubric=rubric,
        rows=rows,
        ids=tuple(row.id for row in rows),
        dimension_ids=tuple(d.id for d in rubric.dimensions),
        readers={row.id: (row.position, row.words, row.read) for row in rows},
        position=position,
        sums=tuple((row.stage, row.dimension, int(row.supply), row.weight) for row in rows),
        gates=tuple((row.position, row.gate) for row in rows if row.gate is not None),
        stages=tuple((s.id, s.name, s.threshold) for s in rubric.stages),
        stage_rows=tuple(
            tuple((row.position, row.weight, row.best) for row in rows if row.stage == k)
            for k in range(len(rubric.stages))
        ),
        followups=tuple(
            (
                n,
                position[ind.ask_if.indicator],
                ind.ask_if.above,
                NOT_APPLICABLE if ind.if_not_asked == "n/a" else 0.0,
            )
            for n, ind in enumerate(rubric.indicators)
            if ind.ask_if is not None
        ),
        stage_weight=tuple(stage_weight),
        dimension_weight=tuple(dimension_weight),
        focus_weight=(focus_weight[0], focus_weight[1]),
        ladder=(
            (rubric.baseline.id, rubric.baseline.name),
            *((s.id, s.name) for s in rubric.stages),
        ),
        min_label_stage=0 if min_stage is None else stage_pos[min_stage] + 1,
    )


# --- Answers: each one's score s in [0, 1] -------------------------------------------------


def score_answers(
    compiled: CompiledRubric,
    answers: Mapping[str, Any],
    *,
    source: str = "",
    company: Mapping[str, Any] | None = None,
    warnings: tuple[str, ...] = (),
) -> Result:
    """Check raw answers against the rubric and score them; raises AnswerError."""
    scores, notes = read_answers(compiled, answers)
    return evaluate(
        compiled,
        scores,
        source=source,
        company=company,
        notes=notes,
        warnings=warnings,
        answers=answers,
    )


def read_answers(
    compiled: CompiledRubric, answers: Mapping[str, Any]
) -> tuple[list[float | None], dict[str, str]]:
    """Each indicator's score (None unknown, NOT_APPLICABLE n/a) and the notes, with the
    follow-up rule applied. Raises AnswerError for the first answer that does not fit."""
    readers = compiled.readers
    scores: list[float | None] = [None] * len(compiled.rows)
    notes: dict[str, str] = {}
    for key, value in answers.items():
        try:
            n, words, read = readers[key]
        except KeyError:
            raise AnswerError(("answers", key, KEY), _unknown_indicator(compiled, key)) from None
        if value.__class__ is dict:  # {value, note}
            value, note = _with_note(value, ("answers", key))
            if note:
                notes[key] = note
        try:
            if value.__class__ in _WORD_CLASSES and value in words:
                scores[n] = words[value]
            else:
                scores[n] = read(value)
        except AnswerError as exc:
            where = ("answers", key, "value") if value is not answers[key] else ("answers", key)
            raise AnswerError((*where, *exc.loc), exc.message) from None
    apply_followups(compiled, scores)
    return scores, notes


def apply_followups(compiled: CompiledRubric, scores: list[float | None]) -> None:
    """Follow-ups not asked, and scored by `if_not_asked`, when the indicator they are asked
    after is known and not above `above`, or n/a (NOT_APPLICABLE is below every `above`)."""
    for n, asked_after, above, if_not_asked in compiled.followups:
        parent = scores[asked_after]
        if parent is not None and parent <= above:
            scores[n] = if_not_asked


def answer_errors(compiled: CompiledRubric, answers: Mapping[str, Any]) -> list[AnswerError]:
    """Every answer that does not fit, in the order written (`read_answers` stops at the
    first; a report of all of them is worth reading each answer on its own)."""
    errors = []
    for key, value in answers.items():
        try:
            read_answers(compiled, {key: value})
        except AnswerError as exc:
            errors.append(exc)
    return errors


def _with_note(raw: dict[Any, Any], loc: tuple[str | int, ...]) -> tuple[Any, str]:
    for key in raw:
        if key not in ("value", "note"):
            raise AnswerError(
                (*loc, key, KEY), f"unexpected key {_show(key)}: an answer has value and note"
            )
    if "value" not in raw:
        raise AnswerError(loc, "an answer written as a mapping needs a 'value'")
    note = raw.get("note")
    if note is None:
        note = ""
    if not isinstance(note, str):
        raise AnswerError((*loc, "note"), f"a note must be text, got {_show(note)}")
    return raw["value"], note


def _unknown_indicator(compiled: CompiledRubric, key: Any) -> str:
    if not isinstance(key, str):  # only data handed over in Python: loaded files key by text
        return f"answers: key {key!r} must be text"
    import difflib

    near = difflib.get_close_matches(key, compiled.position, n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"unknown indicator {_show(key)} for rubric {compiled.rubric.id!r}{hint}"


def _words(ind: Indicator) -> dict[str | bool, float | None]:
    words: dict[str | bool, float | None] = {"unknown": None}
    if ind.allow_na:
        words["n/a"] = NOT_APPLICABLE
    answer = ind.answer
    if isinstance(answer, BooleanAnswer):
        words.update({"yes": 1.0, "no": 0.0, True: 1.0, False: 0.0})
    elif isinstance(answer, ScaleAnswer):
        words.update(zip((lv.id for lv in answer.levels), answer.level_scores(), strict=True))
    elif isinstance(answer, ChoiceAnswer):
        words.update((o.id, o.score) for o in answer.options)
    return words


def _reader(ind: Indicator, labels: Mapping[str, tuple[str, ...]] | None = None) -> Reader:
    vocabulary = Vocabulary(ind, labels)
    answer = ind.answer
    if isinstance(answer, BooleanAnswer):
        return _boolean_reader(ind, vocabulary)
    if isinstance(answer, ScaleAnswer):
        levels = dict(zip((lv.id for lv in answer.levels), answer.level_scores(), strict=True))
        return _option_reader(ind, levels, vocabulary, _("level"))
    if isinstance(answer, ChoiceAnswer):
        scores = {o.id: o.score for o in answer.options}
        return _option_reader(ind, scores, vocabulary, _("option"))
    if isinstance(answer, MultiAnswer):
        return _multi_reader(ind, {o.id: o.score for o in answer.options}, vocabulary)
    return _number_reader(ind, answer, vocabulary)


_WORD_CLASSES = (str, bool)
"""Answers looked up in an indicator's `words`. Only a yes/no indicator has True and False
there, and no table has a number key (True == 1), so a number always goes to `read`."""

MEMO_SIZE = 4096
"""Answers a list or number indicator keeps the score of, once read and found good: the
choices of a survey repeat, so most answers are looked up, not read again."""

_NUMBERS = (int, float)
"""Exactly these classes (not bool, a subclass of int) are kept by the number memo."""


def _from_text(vocabulary: Vocabulary, value: str) -> Any:
    """What a text answer that is not a plain word means (`answers.read_text`, the reading
    `assess` gives typed text); raises AnswerError with the reason `assess` would give."""
    found = read_text(vocabulary, value)
    if isinstance(found, Invalid):
        raise AnswerError((), found.reason)
    return found


def _boolean_reader(ind: Indicator, vocabulary: Vocabulary) -> Reader:
    def read(value: Any) -> float | None:
        if value is True:
            return 1.0
        if value is False:
            return 0.0
        if value is None:
            return None
        if isinstance(value, str):
            found = _from_text(vocabulary, value)
            if found is True or found is False:
                return float(found)
            return None if found == UNKNOWN else NOT_APPLICABLE
        raise AnswerError(
            (),
            _("expected yes or no for {indicator}, got {value}").format(
                indicator=repr(ind.id), value=_show(value)
            ),
        )

    return read


def _option_reader(
    ind: Indicator, scores: dict[str, float], vocabulary: Vocabulary, what: str
) -> Reader:
    def read(value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, str):
            if value in scores:
                return scores[value]
            found = _from_text(vocabulary, value)
            return scores[found] if found in scores else _special(found)
        raise AnswerError(
            (),
            _("expected one {what} of {indicator}: {expected}; got {value}").format(
                what=what, indicator=repr(ind.id), expected=", ".join(scores), value=_show(value)
            ),
        )

    return read


def _special(found: str) -> float | None:
    """The score of the unknown or n/a answer that `answers.read_text` found."""
    return None if found == UNKNOWN else NOT_APPLICABLE


def _multi_reader(ind: Indicator, scores: dict[str, float], vocabulary: Vocabulary) -> Reader:
    seen_before: dict[tuple[Any, ...], float] = {}

    def read(value: Any) -> float | None:
        if value.__class__ is list:
            try:  # the common case: a choice seen before, or options listed once each
                key = tuple(value)
                if key in seen_before:
                    return seen_before[key]
                if len(set(value)) == len(value):
                    score = min(1.0, math.fsum([scores[item] for item in value]))
                    if len(seen_before) < MEMO_SIZE:
                        seen_before[key] = score
                    return score
            except (KeyError, TypeError):
                pass  # an unknown option, or one that is not text: the checks below say which
        if value is None:
            return None
        if isinstance(value, str):
            found = _from_text(vocabulary, value)
            if not isinstance(found, list):
                return _special(found)
            value = found
        if not isinstance(value, list):
            raise AnswerError(
                (),
                _("expected a list of options of {indicator}, got {value}").format(
                    indicator=repr(ind.id), value=_show(value)
                ),
            )
        chosen: list[float] = []
        seen: set[str] = set()
        for place, item in enumerate(value):
            option = None
            if isinstance(item, str):  # an id, or a label in any language of the rubric
                option = item if item in scores else vocabulary.words.get(normalised(item))
            if option is None:
                raise AnswerError((place,), not_an_option(vocabulary, item))
            if option in seen:
                raise AnswerError(
                    (place,), _("option {option} is listed twice").format(option=repr(option))
                )
            seen.add(option)
            chosen.append(scores[option])
        # s = min(1, sum of chosen scores); fsum is exactly rounded, so the order of the
        # options never changes the score.
        return min(1.0, math.fsum(chosen))

    return read


def _number_reader(ind: Indicator, answer: NumberAnswer, vocabulary: Vocabulary) -> Reader:
    bands = tuple((b.min, b.score) for b in reversed(answer.bands))
    share = is_share(answer)

    seen_before: dict[int | float, float] = {}

    def read(value: Any) -> float | None:
        if value.__class__ in _NUMBERS and value in seen_before:
            return seen_before[value]
        if value is None:
            return None
        if isinstance(value, str):
            found = _from_text(vocabulary, value)  # a share already read as percent
            return _special(found) if isinstance(found, str) else score(found)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerError(
                (),
                _("expected a number for {indicator}, got {value}").format(
                    indicator=repr(ind.id), value=_show(value)
                ),
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise AnswerError(
                (),
                _("expected a finite number for {indicator}, got {value}").format(
                    indicator=repr(ind.id), value=value
                ),
            )
        result = score(from_share(value) if share else value)
        if value.__class__ in _NUMBERS and len(seen_before) < MEMO_SIZE:
            seen_before[value] = result
        return result

    def score(value: float) -> float:
        reason = out_of_range(answer, value)
        if reason is not None:
            raise AnswerError((), reason)
        # The score of the highest band whose `min` the value reaches.
        return next((band_score for band_min, band_score in bands if value >= band_min), 0.0)

    return read


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- From scores to the verdict: the formulas of DESIGN §1 ---------------------------------


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a set of scores stands (stage, label, index) without the explanation: what
    `evaluate` computes first, for what-if questions asked many times."""

    stage: str
    label: str
    index: float


class _Verdict(NamedTuple):
    """The formulas of DESIGN §1 worked out: the sums and what follows from them."""

    known: list[float]
    stage_w: list[float]
    dimension_ws: list[float]
    dimension_w: list[float]
    failed_gates: list[int]
    attainment: list[float]
    reached: int
    reached_high: int
    the_index: float  # `index` would hide tuple.index
    coverage: float
    traffic: float
    supply: float
    label: str
    label_high: str


def standing(compiled: CompiledRubric, scores: list[float | None]) -> Standing:
    """The stage, label and index `evaluate` would give these scores (index rounded alike)."""
    verdict = _verdict(compiled, scores)
    return Standing(compiled.ladder[verdict.reached][0], verdict.label, round(verdict.the_index, 4))


class Unknown(NamedTuple):
    """An unknown answer and what answering it could do to the verdict."""

    indicator: str
    swing: float
    """Index points between its worst and its best answer, the other answers as they are."""
    stage: bool
    """Whether its answer decides the stage, the other unknowns at their worst or their best."""
    label: bool
    """The same for the label."""


def unknowns(compiled: CompiledRubric, scores: list[float | None]) -> tuple[Unknown, ...]:
    """Every unknown answer, those that can change the stage or the label first, then by swing
    (the largest first), ties in rubric order.

    Each is tried at its worst (0) and its best score in two worlds: the other unknowns at
    their worst, and at their best; it decides the stage (or label) when the two answers give
    different stages (or labels) in either world.
    """
    rows = compiled.rows
    blank = [n for n, s in enumerate(scores) if s is None]
    worlds: tuple[list[float | None], list[float | None]] = (
        [0.0 if s is None else s for s in scores],
        [rows[n].best if s is None else s for n, s in enumerate(scores)],
    )
    found = []
    for n in blank:
        swing = 0.0
        stage = label = False
        for w, world in enumerate(worlds):
            low, high = list(world), list(world)
            low[n], high[n] = 0.0, rows[n].best
            worst, best = standing(compiled, low), standing(compiled, high)
            stage = stage or worst.stage != best.stage
            label = label or worst.label != best.label
            if w == 0:
                swing = best.index - worst.index
        found.append(Unknown(rows[n].id, round(swing, 4), stage, label))
    order = {u.indicator: k for k, u in enumerate(found)}
    found.sort(key=lambda u: (not (u.stage or u.label), -u.swing, order[u.indicator]))
    return tuple(found)


def _verdict(compiled: CompiledRubric, scores: list[float | None]) -> _Verdict:
    """Every number of DESIGN §1 from each indicator's score."""
    rubric, rows = compiled.rubric, compiled.rows
    stage_count = len(rubric.stages)
    # One pass over the indicators gathers the weighted sums every formula below divides.
    # Applicable weights start from the rubric's totals; only an n/a answer takes weight away.
    known = [0.0] * stage_count  # sum of w * s of the answered indicators, per stage
    unknown = [0.0] * stage_count  # sum of w of the unknown indicators, per stage
    stage_w = list(compiled.stage_weight)
    dimension_ws = [0.0] * len(rubric.dimensions)
    dimension_w = list(compiled.dimension_weight)
    focus_ws = [0.0, 0.0]  # traffic, supply
    focus_unknown = [0.0, 0.0]
    focus_w = list(compiled.focus_weight)
    for (k, d, f, w), s in zip(compiled.sums, scores, strict=True):
        if s is None:
            unknown[k] += w
            focus_unknown[f] += w
        elif s == NOT_APPLICABLE:
            stage_w[k] -= w
            dimension_w[d] -= w
            focus_w[f] -= w
        elif s > 0.0:
            ws = w * s
            known[k] += ws
            dimension_ws[d] += ws
            focus_ws[f] += ws

    # Gates: a gate fails when its score is below the minimum, an unknown one with unknowns
    # as 0 only. `failed_gates` are the positions of those of the low case, in rubric order.
    failed_gates = [
        n for n, need in compiled.gates if (s := scores[n]) is None or s < need - EPSILON
    ]
    blocked_low = blocked_high = stage_count
    for n in failed_gates:
        k = rows[n].stage
        blocked_low = min(blocked_low, k)
        if scores[n] is not None:
            blocked_high = min(blocked_high, k)

    # Attainment A_k = sum(w_i * s_i) / sum(w_i) over stage k, unknowns as 0; with unknowns as
    # 1 for the high end of the stage range. A stage nobody can be judged on (all n/a) is 0.
    attainment = [
        known[k] / stage_w[k] if stage_w[k] > EPSILON else 0.0 for k in range(stage_count)
    ]
    attainment_high = [
        (known[k] + unknown[k]) / stage_w[k] if stage_w[k] > EPSILON else 0.0
        for k in range(stage_count)
    ]
    thresholds = [threshold for _, _, threshold in compiled.stages]

    # Stage reached: the highest k with every stage 1..k met (attainment and gates): no skipping.
    reached = _stage_reached(attainment, thresholds, blocked_low)
    reached_high = _stage_reached(attainment_high, thresholds, blocked_high)

    # Index: k + min(A_{k+1}, 0.99) below the top stage, K at the top.
    index = (
        float(stage_count)
        if reached == stage_count
        else reached + min(attainment[reached], INDEX_CAP)
    )

    # Coverage: answered weight / total (applicable) weight.
    applicable = focus_w[0] + focus_w[1]
    coverage = (applicable - sum(unknown)) / applicable if applicable > EPSILON else 0.0

    # Focus scores: weighted mean of s over each focus; label 2.0 from the supply focus.
    traffic = focus_ws[0] / focus_w[0] if focus_w[0] > EPSILON else 0.0
    supply = focus_ws[1] / focus_w[1] if focus_w[1] > EPSILON else 0.0
    supply_high = (focus_ws[1] + focus_unknown[1]) / focus_w[1] if focus_w[1] > EPSILON else 0.0
    return _Verdict(
        known,
        stage_w,
        dimension_ws,
        dimension_w,
        failed_gates,
        attainment,
        reached,
        reached_high,
        index,
        coverage,
        traffic,
        supply,
        _label(compiled, supply, reached),
        _label(compiled, supply_high, reached_high),
    )


def evaluate(
    compiled: CompiledRubric,
    scores: list[float | None],
    *,
    source: str = "",
    company: Mapping[str, Any] | None = None,
    notes: Mapping[str, str] | None = None,
    warnings: tuple[str, ...] = (),
    answers: Mapping[str, Any] | None = None,
) -> Result:
    """The result of each indicator's score: the numbers of DESIGN §1 and what explains them."""
    rubric, rows, ladder = compiled.rubric, compiled.rows, compiled.ladder
    v = _verdict(compiled, scores)
    reached, reached_high, attainment = v.reached, v.reached_high, v.attainment

    # Dimension scores: weighted mean of s over each dimension's indicators, all stages.
    dimension_scores = [
        round(part / whole, 4) if whole > EPSILON else None
        for part, whole in zip(v.dimension_ws, v.dimension_w, strict=True)
    ]

    failed_ids: list[tuple[str, ...]] = [()] * len(rubric.stages)
    for n in v.failed_gates:
        failed_ids[rows[n].stage] += (rows[n].id,)
    stages = []
    for k, (stage_id, name, threshold) in enumerate(compiled.stages):
        gates = failed_ids[k]
        met = attainment[k] >= threshold - EPSILON and not gates
        stages.append(StageResult(stage_id, name, round(attainment[k], 4), threshold, met, gates))
    return Result(
        source=source,
        company=dict(company) if company is not None else {},
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        stage=ladder[reached][0],
        stage_name=ladder[reached][1],
        label=v.label,
        index=round(v.the_index, 4),
        coverage=round(v.coverage, 4),
        stage_range=Range(ladder[reached][0], ladder[reached_high][0]),
        label_range=Range(v.label, v.label_high),
        stages=tuple(stages),
        dimensions=tuple(zip(compiled.dimension_ids, dimension_scores, strict=True)),
        focus_traffic=round(v.traffic, 4),
        focus_supply=round(v.supply, 4),
        next_steps=_next_steps(compiled, scores, reached, v.known, v.stage_w, v.failed_gates),
        scores=tuple(scores),
        notes=dict(notes) if notes else {},
        warnings=warnings,
        answers=dict(answers) if answers else {},
    )


def _stage_reached(attainment: list[float], thresholds: list[float], blocked: int) -> int:
    """Stages met from the first on, stopping at the first one missed or blocked by a gate."""
    for k, (a, threshold) in enumerate(zip(attainment, thresholds, strict=True)):
        if k >= blocked or a < threshold - EPSILON:
            return k
    return len(thresholds)


def _label(compiled: CompiledRubric, supply: float, reached: int) -> str:
    """2.0 when the supply focus reaches the label threshold (and the stage the rule names)."""
    rule = compiled.rubric.label
    two = supply >= rule.threshold - EPSILON and reached >= compiled.min_label_stage
    return "2.0" if two else "1.0"


def _next_steps(
    compiled: CompiledRubric,
    scores: list[float | None],
    reached: int,
    known: list[float],
    stage_w: list[float],
    failed_gates: list[int],
) -> NextSteps:
    """The unmet indicators of the next stage ranked by gain w_i * (best_i - s_i) / sum(w of the
    stage), failed gates first, and the smallest such set that would meet the stage."""
    stages = compiled.stages
    if reached == len(stages):
        return NextSteps(None)
    k, weight_sum = reached, stage_w[reached]
    # Candidates as (passes its gate, -gain, position): sorted, failed gates come first, then
    # the largest gains, ties in rubric order.
    candidates: list[tuple[bool, float, int]] = []
    for n, weight, best in compiled.stage_rows[k]:
        s = scores[n]
        if s is None:
            s = 0.0
        elif s == NOT_APPLICABLE or s >= best - EPSILON:
            continue  # left out, or already at its best
        # DESIGN §1 writes w * (1 - s): every answer of the bundled rubric can reach 1; a
        # custom rubric's best may be lower, and counts as it is.
        candidates.append((n not in failed_gates, weight * (s - best), n))
    candidates.sort()
    # The smallest set: every failed gate, then the largest gains until the threshold is met.
    missing = stages[k][2] * weight_sum - known[k] - EPSILON
    gained, chosen = 0.0, 0
    for passing, minus_loss, _gain in candidates:
        if passing and gained >= missing:
            break
        gained -= minus_loss
        chosen += 1
    rows = compiled.rows
    ranking = tuple(
        (rows[n].id, rows[n].dimension_id, scores[n], -minus_loss / weight_sum, not passing)
        for passing, minus_loss, n in candidates
    )
    return NextSteps(compiled.ladder[k + 1][0], ranking, chosen)
