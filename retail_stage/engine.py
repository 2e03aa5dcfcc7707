"""Pure scoring: compile a rubric once, then score profiles (DESIGN §1).

Nothing here reads files, prints, or imports rich or typer, so a notebook or a Spark/Dask job
can map `score` over a partition of profiles. Every number of a result is defined here.
"""

from __future__ import annotations

import copy
import json
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from types import MappingProxyType
from typing import Any, NamedTuple

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
from retail_stage.unrolled import UNROLL_AFTER, Straight

NOT_APPLICABLE = -1.0
"""Internal score of an n/a answer: the indicator leaves both sums."""

EPSILON = 1e-9
"""Tolerance of every comparison with a threshold, so 0.7 computed as 0.69999... still meets 0.7."""

INDEX_CAP = 0.99
"""Below the top stage the index is k + min(A_{k+1}, INDEX_CAP), so it never reaches k + 1."""

_UNKNOWN_WORDS = frozenset({"unknown", "?", ""})
_NA_WORDS = frozenset({"n/a", "na", "not applicable"})
_YES = frozenset({"yes", "y", "true"})
_NO = frozenset({"no", "n", "false"})

Scorer = Callable[[Any], "float | None"]


class AnswerError(ValueError):
    """An answer that does not fit its indicator; `loc` is its location in the profile."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


class StageResult(NamedTuple):
    """How far a company is on one stage."""

    id: str
    name: str
    attainment: float
    threshold: float
    met: bool
    failed_gates: tuple[str, ...]


class NextStep(NamedTuple):
    """One indicator of the next stage that is not yet at its best, and what improving it gains."""

    indicator: str
    dimension: str
    score: float | None
    gain: float
    failed_gate: bool
    in_smallest_set: bool


class NextSteps:
    """What it takes to meet the next stage; `stage` is None at the top of the ladder.

    The ranking is computed with the result and kept as sorted (-gain, position) pairs, failed
    gates first; the records (ids, gains) are built only when read, since a batch
    writing CSV or a summary never needs them.
    """

    __slots__ = ("_chosen", "_compiled", "_failed", "_ranking", "_scores", "_weight_sum", "stage")

    def __init__(
        self,
        stage: str | None,
        ranking: list[tuple[float, int]],
        chosen: int,
        failed: tuple[int, ...],
        weight_sum: float,
        compiled: CompiledRubric | None,
        scores: list[float | None],
    ) -> None:
        self.stage = stage
        self._ranking = ranking
        self._chosen = chosen
        self._failed = failed
        self._weight_sum = weight_sum
        self._compiled = compiled
        self._scores = scores

    @property
    def smallest_set(self) -> tuple[str, ...]:
        """The fewest indicators that, raised to their best answer, meet the stage."""
        if self._compiled is None:
            return ()
        ids = self._compiled.ids
        return tuple(ids[n] for _, n in self._ranking[: self._chosen])

    @property
    def indicators(self) -> tuple[NextStep, ...]:
        """Every unmet indicator of the next stage: failed gates first, then by gain."""
        compiled = self._compiled
        if compiled is None:
            return ()
        ids, dims, scores = compiled.ids, compiled.dimension_ids, self._scores
        return tuple(
            NextStep(
                ids[n],
                dims[compiled.dimension_of[n]],
                None if scores[n] is None else round(scores[n] or 0.0, 4),
                round(
                    compiled.weight[n] * (compiled.best[n] - (scores[n] or 0.0)) / self._weight_sum,
                    4,
                ),
                n in self._failed,
                rank < self._chosen,
            )
            for rank, (_, n) in enumerate(self._ranking)
        )

    def to_json(self) -> str:
        """The `next_steps` object of `Result.to_json`: JSON text, keys in contract order."""
        compiled = self._compiled
        if compiled is None:
            return '{"stage": null, "smallest_set": [], "indicators": []}'
        parts, number = compiled.json_parts, _NUMBER
        heads, remembered, totals = parts.step_heads, parts.step_items, parts.step_totals
        scores, failed, weight_sum = self._scores, self._failed, self._weight_sum
        # The gain is -loss / weight_sum, the same float `indicators` computes; a score in
        # the ranking is never n/a, and number[None] is null. The loss follows from the
        # score, so with no n/a answer in the stage (weight_sum its total) and no failed
        # gate, an item's text follows from its score alone: it is made once.
        items = []
        for loss, n in self._ranking:
            if weight_sum == totals[n] and n not in failed:
                known = remembered[n]
                score = scores[n]
                text = known.get(score)
                if text is None:
                    text = f'{heads[n]}{number[score]}, "gain": {number[-loss / weight_sum]}, '
                    text += '"failed_gate": false}'
                    if len(known) < _REMEMBER_LIMIT:
                        known[score] = text
            else:
                text = f'{heads[n]}{number[scores[n]]}, "gain": {number[-loss / weight_sum]}, '
                text += f'"failed_gate": {"true" if n in failed else "false"}}}'
            items.append(text)
        quoted = compiled.json_parts.quoted_ids
        smallest = ", ".join([quoted[n] for _, n in self._ranking[: self._chosen]])
        stage = "null" if self.stage is None else encode_basestring(self.stage)
        return (
            f'{{"stage": {stage}, "smallest_set": [{smallest}], '
            f'"indicators": [{", ".join(items)}]}}'
        )


class Result:
    """The scored profile: every number of DESIGN §1 (shown rounded to 4 decimals)."""

    __slots__ = (
        "_attainment",
        "_compiled",
        "_dimension_scores",
        "_dimensions",
        "_gates_failed",
        "answers",
        "company",
        "coverage",
        "focus_supply",
        "focus_traffic",
        "index",
        "label",
        "next_steps",
        "notes",
        "rubric_id",
        "rubric_version",
        "scores",
        "source",
        "stage",
        "stage_high",
        "stage_low",
        "stage_name",
        "warnings",
    )

    def __init__(  # positional too: the engine makes one per profile, and keywords cost
        self,
        source: str,
        company: Mapping[str, Any],
        rubric_id: str,
        rubric_version: str,
        stage: str,
        stage_name: str,
        label: str,
        index: float,
        coverage: float,
        stage_low: str,
        stage_high: str,
        compiled: CompiledRubric,
        attainment: list[float],
        gates_failed: tuple[int, ...],
        dimension_scores: list[float | None],
        focus_traffic: float,
        focus_supply: float,
        next_steps: NextSteps,
        scores: list[float | None],
        notes: Mapping[str, str],
        warnings: tuple[str, ...] = (),
        answers: Mapping[str, Any] | None = None,
    ) -> None:
        self.source = source
        self.company = company
        self.rubric_id = rubric_id
        self.rubric_version = rubric_version
        self.stage = stage
        self.stage_name = stage_name
        self.label = label
        self.index = index
        self.coverage = coverage
        self.stage_low = stage_low
        self.stage_high = stage_high
        self._compiled = compiled
        self._attainment = attainment
        self._gates_failed = gates_failed
        self._dimension_scores = dimension_scores
        self._dimensions: tuple[tuple[str, float | None], ...] | None = None
        self.focus_traffic = focus_traffic
        self.focus_supply = focus_supply
        self.next_steps = next_steps
        self.scores = scores
        """Each indicator's score in rubric order: None unknown, NOT_APPLICABLE for n/a."""
        self.notes = notes
        self.warnings = warnings
        self.answers: Mapping[str, Any] = answers if answers is not None else {}
        """The answers as written in the profile (for reports; not part of to_dict)."""

    def __repr__(self) -> str:
        return f"Result(source={self.source!r}, stage={self.stage!r}, label={self.label!r})"

    def __eq__(self, other: object) -> bool:
        """Equal when every reported number, every score and note is the same.

        The answers as written are left out: `yes` and `true` are the same answer.
        """
        if not isinstance(other, Result):
            return NotImplemented
        return (self.to_dict(), self.scores, dict(self.notes)) == (
            other.to_dict(),
            other.scores,
            dict(other.notes),
        )

    __hash__ = None  # type: ignore[assignment]

    def replace(self, **changes: Any) -> Result:
        """A copy with some attributes changed (e.g. `source`, `company`)."""
        copied = copy.copy(self)
        for name, value in changes.items():
            setattr(copied, name, value)
        return copied

    @property
    def certain(self) -> bool:
        """Whether the unknown answers, whatever they turn out to be, leave the stage as it is."""
        return self.stage_low == self.stage_high

    @property
    def stages(self) -> tuple[StageResult, ...]:
        """Each stage's attainment against its threshold, whether it is met, its failed gates."""
        compiled = self._compiled
        ids, stage_of = compiled.ids, compiled.stage_of
        results = []
        for k, (stage, attain) in enumerate(
            zip(compiled.rubric.stages, self._attainment, strict=True)
        ):
            failed = tuple(ids[n] for n in self._gates_failed if stage_of[n] == k)
            met = attain >= stage.threshold - EPSILON and not failed
            results.append(
                StageResult(stage.id, stage.name, round(attain, 4), stage.threshold, met, failed)
            )
        return tuple(results)

    @property
    def dimensions(self) -> tuple[tuple[str, float | None], ...]:
        """(dimension id, score) in rubric order; None when every indicator of it is n/a."""
        if self._dimensions is None:  # built once: the output and the summary both read it
            self._dimensions = tuple(
                (d, None if v is None else round(v, 4))
                for d, v in zip(self._compiled.dimension_ids, self._dimension_scores, strict=True)
            )
        return self._dimensions

    def to_dict(self) -> dict[str, Any]:
        """The JSON result object of DESIGN §2."""
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
            "stage_range": {
                "low": self.stage_low,
                "high": self.stage_high,
                "certain": self.certain,
            },
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
        }

    def to_json(self) -> str:
        """`json.dumps(self.to_dict(), ensure_ascii=False)`, built without the dict.

        Batch output writes one line per profile: the ids, names and thresholds are encoded
        once per rubric (`JsonParts`) and only the numbers of this result are formatted here,
        with the same float repr the json module uses. A test holds the two texts equal.
        """
        compiled = self._compiled
        parts, number = compiled.json_parts, _NUMBER
        gates_failed = self._gates_failed
        tails = parts.gate_tails.get(gates_failed)  # a batch sees a few sets of failed gates
        if tails is None:
            tails = _gate_tails(compiled, gates_failed)
        stages = []
        for k, (head, bar, tail) in enumerate(zip(parts.stages, compiled.bars, tails, strict=True)):
            attain = self._attainment[k]
            if tail is None:  # no gate of this stage failed: met or not by its attainment
                tail = parts.met_tails[k] if attain >= bar else parts.unmet_tails[k]
            stages.append(f"{head}{number[attain]}{tail}")
        dimensions = ", ".join(
            map(operator.add, parts.dimensions, map(number.__getitem__, self._dimension_scores))
        )
        rubric = (
            parts.rubric
            if (self.rubric_id, self.rubric_version)
            == (compiled.rubric_id, compiled.rubric_version)
            else f'{{"id": {_dumps(self.rubric_id)}, "version": {_dumps(self.rubric_version)}}}'
        )
        low, high = self.stage_low, self.stage_high
        certain = "true" if low == high else "false"
        text = (
            f'{{"source": {encode_basestring(self.source)}, '
            f'"company": {_text_object(self.company)}, '
            f'"rubric": {rubric}, "stage": {encode_basestring(self.stage)}, '
            f'"stage_name": {encode_basestring(self.stage_name)}, '
            f'"label": {encode_basestring(self.label)}, "index": {self.index!r}, '
            f'"coverage": {self.coverage!r}, "stage_range": {{"low": {encode_basestring(low)}, '
            f'"high": {encode_basestring(high)}, "certain": {certain}}}, '
            f'"stages": [{", ".join(stages)}], "dimensions": {{{dimensions}}}, '
            f'"focus": {{"traffic": {self.focus_traffic!r}, '
            f'"supply": {self.focus_supply!r}}}, '
        )
        steps = self.next_steps.to_json()
        warnings = _json_list(self.warnings) if self.warnings else "[]"
        return f'{text}"next_steps": {steps}, "warnings": {warnings}}}'


def _gate_tails(compiled: CompiledRubric, gates_failed: tuple[int, ...]) -> tuple[str | None, ...]:
    """Per stage, the end of its JSON object when some of its gates failed (these), else None."""
    parts, ids, stage_of = compiled.json_parts, compiled.ids, compiled.stage_of
    tails = []
    for k, after in enumerate(parts.after_attainment):
        failed = [ids[n] for n in gates_failed if stage_of[n] == k]
        tails.append(f'{after}false, "failed_gates": {_json_list(failed)}}}' if failed else None)
    if len(parts.gate_tails) < _REMEMBER_LIMIT:
        parts.gate_tails[gates_failed] = tuple(tails)
    return tuple(tails)


def _text_object(mapping: Mapping[str, Any]) -> str:
    """The JSON of a mapping of text to text or None (a company block): what json.dumps
    gives, without building an encoder; any other mapping goes to json.dumps."""
    items = []
    for key, value in mapping.items():
        if key.__class__ is not str or (value is not None and value.__class__ is not str):
            return _dumps(dict(mapping))
        text = "null" if value is None else encode_basestring(value)
        items.append(f"{encode_basestring(key)}: {text}")
    return f"{{{', '.join(items)}}}"


class _NumberText(dict[float | None, str]):
    """JSON text of a number rounded to 4 decimals (`null` for None), remembered once seen.

    Formatting a float costs far more than a lookup, and a batch sees the same few hundred
    values again and again. The table stops growing at a bound, so memory stays flat
    whatever the batch. 0.0 and -0.0 are one key: the numbers written here are ratios of
    sums of non-negative terms and positive gains, so -0.0 never reaches it.
    """

    def __missing__(self, value: float | None) -> str:
        text = repr(round(value, 4))  # type: ignore[arg-type] # None is always present
        if len(self) < _NUMBER_LIMIT:
            self[value] = text
        return text


_NUMBER_LIMIT = 1 << 16
_NUMBER = _NumberText({None: "null", 0.0: "0.0"})


def _special(value: Any, ind: Indicator) -> float | None:
    """NOT_APPLICABLE or None for the words that mean n/a or unknown; raises for a forbidden n/a."""
    word = value.strip().lower()
    if word in _UNKNOWN_WORDS:
        return None
    if word in _NA_WORDS:
        if ind.allow_na:
            return NOT_APPLICABLE
        why = "it is a gate" if ind.required else "the rubric does not allow it here"
        raise AnswerError((), f"'n/a' is not accepted for {ind.id!r}: {why}")
    return -2.0  # not a special word


def _boolean_scorer(ind: Indicator) -> Scorer:
    def score(value: Any) -> float | None:
        if value is True:
            return 1.0
        if value is False:
            return 0.0
        if value is None:
            return None
        if isinstance(value, str):
            special = _special(value, ind)
            if special != -2.0:
                return special
            word = value.strip().lower()
            if word in _YES:
                return 1.0
            if word in _NO:
                return 0.0
        raise AnswerError((), f"expected yes or no for {ind.id!r}, got {_show(value)}")

    return score


def _option_scorer(ind: Indicator, scores: dict[str, float], what: str) -> Scorer:
    expected = ", ".join(scores)

    def score(value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, str):
            found = scores.get(value)
            if found is not None:
                return found
            special = _special(value, ind)
            if special != -2.0:
                return special
        raise AnswerError((), f"expected one {what} of {ind.id!r}: {expected}; got {_show(value)}")

    return score


def _multi_scorer(ind: Indicator, answer: MultiAnswer) -> Scorer:
    scores = {o.id: o.score for o in answer.options}
    expected = ", ".join(scores)

    def score(value: Any) -> float | None:
        if value.__class__ is list:
            try:  # the common case in one C-level pass; any doubt goes to the checks below
                if len(set(value)) == len(value):
                    # fsum is exactly rounded: the same options in any order, the same score.
                    return min(1.0, math.fsum([scores[item] for item in value]))
            except (KeyError, TypeError):
                pass
        if value is None:
            return None
        if isinstance(value, str):
            special = _special(value, ind)
            if special != -2.0:
                return special
            value = [value]
        if not isinstance(value, list):
            raise AnswerError((), f"expected a list of options of {ind.id!r}, got {_show(value)}")
        return _checked_multi(ind, value, scores, expected)

    return score


def _checked_multi(
    ind: Indicator, value: list[Any], scores: dict[str, float], expected: str
) -> float:
    """The score of a multi answer, or the error that names the first bad item."""
    chosen: list[float] = []
    seen: set[str] = set()
    for position, item in enumerate(value):
        if not isinstance(item, str) or item not in scores:
            raise AnswerError(
                (position,), f"unknown option {_show(item)} for {ind.id!r}; expected {expected}"
            )
        if item in seen:
            raise AnswerError((position,), f"option {item!r} is listed twice")
        seen.add(item)
        chosen.append(scores[item])
    return min(1.0, math.fsum(chosen))


def _number_scorer(ind: Indicator, answer: NumberAnswer) -> Scorer:
    bands = tuple((b.min, b.score) for b in reversed(answer.bands))
    low, high = answer.min, answer.max
    unit = f" {answer.unit}" if answer.unit else ""

    def score(value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, str):
            special = _special(value, ind)
            if special != -2.0:
                return special
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerError((), f"expected a number for {ind.id!r}, got {_show(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise AnswerError((), f"expected a finite number for {ind.id!r}, got {value}")
        if (low is not None and value < low) or (high is not None and value > high):
            shown = f"{value:g}" if isinstance(value, float) else _show(value)
            raise AnswerError(
                (),
                f"{shown}{unit} is out of range for {ind.id!r}: expected "
                f"{'' if low is None else f'{low:g}'}..{'' if high is None else f'{high:g}'}{unit}",
            )
        for band_min, band_score in bands:
            if value >= band_min:
                return band_score
        return 0.0

    return score


def _scorer(ind: Indicator) -> Scorer:
    answer = ind.answer
    if isinstance(answer, BooleanAnswer):
        return _boolean_scorer(ind)
    if isinstance(answer, ScaleAnswer):
        levels = dict(zip((lv.id for lv in answer.levels), answer.level_scores(), strict=False))
        return _option_scorer(ind, levels, "level")
    if isinstance(answer, ChoiceAnswer):
        return _option_scorer(ind, {o.id: o.score for o in answer.options}, "option")
    if isinstance(answer, MultiAnswer):
        return _multi_scorer(ind, answer)
    return _number_scorer(ind, answer)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_dumps = json.JSONEncoder(ensure_ascii=False).encode
"""json.dumps(value, ensure_ascii=False) without building an encoder per call."""


def _json_list(items: Iterable[str]) -> str:
    return f"[{', '.join(map(encode_basestring, items))}]"


class JsonParts(NamedTuple):
    """The constant pieces of a result's JSON text, encoded once per rubric."""

    stages: tuple[str, ...]
    """`{"id": STAGE, "attainment": ` of each stage."""
    after_attainment: tuple[str, ...]
    """`, "threshold": T, "met": ` of each stage."""
    met_tails: tuple[str, ...]
    unmet_tails: tuple[str, ...]
    """The rest of each stage's object when it is met, or unmet, with no failed gate."""
    rubric: str
    """The rubric's `{"id": ..., "version": ...}`."""
    dimensions: tuple[str, ...]
    """`"DIMENSION": ` of each dimension."""
    step_heads: tuple[str, ...]
    """`{"id": INDICATOR, "dimension": DIMENSION, "score": ` of each indicator."""
    quoted_ids: tuple[str, ...]
    """Each indicator id as a JSON string."""
    step_items: tuple[dict[float | None, str], ...]
    """Per indicator, its whole next-step item by score, once made (see NextSteps.to_json)."""
    step_totals: tuple[float, ...]
    """Per indicator, the total weight of its stage."""
    gate_tails: dict[tuple[int, ...], tuple[str | None, ...]]
    """Per set of failed gates, once seen, the end of each stage's object (`_gate_tails`)."""


def _json_parts(
    rubric: Rubric, dimension_of: tuple[int, ...], stage_totals: tuple[float, ...]
) -> JsonParts:
    dimensions = [_dumps(d.id) for d in rubric.dimensions]
    quoted = tuple(_dumps(ind.id) for ind in rubric.indicators)
    after = tuple(f', "threshold": {_dumps(s.threshold)}, "met": ' for s in rubric.stages)
    return JsonParts(
        stages=tuple(f'{{"id": {_dumps(s.id)}, "attainment": ' for s in rubric.stages),
        after_attainment=after,
        met_tails=tuple(f'{a}true, "failed_gates": []}}' for a in after),
        unmet_tails=tuple(f'{a}false, "failed_gates": []}}' for a in after),
        rubric=f'{{"id": {_dumps(rubric.id)}, "version": {_dumps(rubric.version)}}}',
        dimensions=tuple(f"{d}: " for d in dimensions),
        step_heads=tuple(
            f'{{"id": {q}, "dimension": {dimensions[d]}, "score": '
            for q, d in zip(quoted, dimension_of, strict=True)
        ),
        quoted_ids=quoted,
        step_items=tuple({} for _ in quoted),
        step_totals=stage_totals,
        gate_tails={(): (None,) * len(rubric.stages)},
    )


@dataclass(frozen=True)
class CompiledRubric:
    """A rubric turned into flat tuples: what scoring a profile needs, computed once."""

    rubric: Rubric
    ids: tuple[str, ...]
    position: Mapping[str, int]
    scorers: tuple[Scorer, ...]
    entries: Mapping[str, tuple[int, dict[Any, float | None], bool]]
    """Per indicator id: its position; its quick table, the score of each common hashable
    answer (ids, yes/no, unknown, n/a); whether it is a yes/no indicator."""
    stage_of: tuple[int, ...]
    dimension_of: tuple[int, ...]
    dimension_ids: tuple[str, ...]
    weight: tuple[float, ...]
    supply: tuple[bool, ...]
    gate: tuple[float | None, ...]
    rows: tuple[tuple[int, int, float, int], ...]
    """(stage, dimension, weight, focus: 0 traffic / 1 supply) of each indicator."""
    gates: tuple[tuple[int, int, float], ...]
    """(position, stage, score needed) of each gate."""
    stage_weight: tuple[float, ...]
    dimension_weight: tuple[float, ...]
    focus_weight: tuple[float, float]
    """Total weight of each stage, each dimension, and of traffic and supply focus."""
    step_rows: tuple[tuple[tuple[int, float, float, float], ...], ...]
    """Per stage, (position, weight, best score, best score less EPSILON) of its indicators."""
    remember: frozenset[int]
    """Multi and number indicators, whose quick tables learn each valid answer once seen."""
    best: tuple[float, ...]
    """The best score each indicator's answers can give."""
    conditionals: tuple[tuple[int, int, float, float], ...]
    """(indicator, condition indicator, above, score when not asked)."""
    min_label_stage: int
    thresholds: tuple[float, ...]
    """Each stage's threshold."""
    bars: tuple[float, ...]
    """Each stage's threshold less EPSILON: an attainment below it misses the stage."""
    label_threshold: float
    rubric_id: str
    rubric_version: str
    ladder: tuple[tuple[str, str], ...]
    """(id, name) of the baseline and each stage: ladder[k] is where k stages met puts you."""
    json_parts: JsonParts
    straight: Straight | None = field(default=None, init=False, compare=False, repr=False)
    """The rubric as straight-line code once written (`retail_stage.unrolled`); set by
    `compile_rubric`; not an argument, so a copy made with other numbers (dataclasses.replace)
    has none and is scored by the loop."""


def _quick_table(ind: Indicator) -> dict[Any, float | None]:
    """The answers that need no checking beyond a lookup; everything else goes to the scorer."""
    table: dict[Any, float | None] = {None: None, "unknown": None}
    if ind.allow_na:
        table["n/a"] = NOT_APPLICABLE
    answer = ind.answer
    if isinstance(answer, BooleanAnswer):
        table.update({True: 1.0, False: 0.0, "yes": 1.0, "no": 0.0})
    elif isinstance(answer, ScaleAnswer):
        table.update(zip((lv.id for lv in answer.levels), answer.level_scores(), strict=True))
    elif isinstance(answer, ChoiceAnswer):
        table.update((o.id, o.score) for o in answer.options)
    # 1 == True and 0 == False as dict keys, so booleans are only safe in boolean tables.
    return table


def compile_rubric(rubric: Rubric, unroll_after: int = UNROLL_AFTER) -> CompiledRubric:
    """Compile a checked rubric once; the result scores any number of profiles.

    Its straight-line scorer is written when it scores its `unroll_after`-th profile.
    """
    stage_pos = {s.id: n for n, s in enumerate(rubric.stages)}
    dim_pos = {d.id: n for n, d in enumerate(rubric.dimensions)}
    inds = rubric.indicators
    position = {ind.id: n for n, ind in enumerate(inds)}
    conditionals = tuple(
        (
            n,
            position[ind.ask_if.indicator],
            ind.ask_if.above,
            NOT_APPLICABLE if ind.if_not_asked == "n/a" else 0.0,
        )
        for n, ind in enumerate(inds)
        if ind.ask_if is not None
    )
    min_stage = rubric.label.min_stage
    stage_of = tuple(stage_pos[ind.stage] for ind in inds)
    dimension_of = tuple(dim_pos[ind.dimension] for ind in inds)
    weight = tuple(float(ind.weight) for ind in inds)
    stage_weight = _totals(stage_of, weight, len(rubric.stages))
    supply = tuple(ind.focus == "supply" for ind in inds)
    gate = tuple(ind.gate_score if ind.required else None for ind in inds)
    quick = tuple(_quick_table(ind) for ind in inds)
    best = tuple(max_score(ind.answer) for ind in inds)
    members_of = tuple(
        tuple(n for n, k in enumerate(stage_of) if k == stage)
        for stage in range(len(rubric.stages))
    )
    compiled = CompiledRubric(
        rubric=rubric,
        ids=tuple(position),
        position=position,
        scorers=tuple(_scorer(ind) for ind in inds),
        entries={
            ind.id: (n, quick[n], isinstance(ind.answer, BooleanAnswer))
            for n, ind in enumerate(inds)
        },
        stage_of=stage_of,
        dimension_of=dimension_of,
        dimension_ids=tuple(d.id for d in rubric.dimensions),
        weight=weight,
        supply=supply,
        gate=gate,
        rows=tuple(
            (k, d, w, 1 if f else 0)
            for k, d, w, f in zip(stage_of, dimension_of, weight, supply, strict=True)
        ),
        gates=tuple((n, stage_of[n], g) for n, g in enumerate(gate) if g is not None),
        stage_weight=stage_weight,
        dimension_weight=_totals(dimension_of, weight, len(rubric.dimensions)),
        focus_weight=(
            sum(w for w, f in zip(weight, supply, strict=True) if not f),
            sum(w for w, f in zip(weight, supply, strict=True) if f),
        ),
        remember=frozenset(
            n for n, ind in enumerate(inds) if isinstance(ind.answer, (MultiAnswer, NumberAnswer))
        ),
        best=best,
        step_rows=tuple(
            tuple((n, weight[n], best[n], best[n] - EPSILON) for n in members)
            for members in members_of
        ),
        conditionals=conditionals,
        min_label_stage=0 if min_stage is None else stage_pos[min_stage] + 1,
        thresholds=tuple(s.threshold for s in rubric.stages),
        bars=tuple(s.threshold - EPSILON for s in rubric.stages),
        label_threshold=rubric.label.threshold,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        ladder=(
            (rubric.baseline.id, rubric.baseline.name),
            *((s.id, s.name) for s in rubric.stages),
        ),
        json_parts=_json_parts(rubric, dimension_of, tuple(stage_weight[k] for k in stage_of)),
    )
    # The straight-line scorer refers to the compiled rubric, so it is set once that exists.
    object.__setattr__(compiled, "straight", Straight(compiled, unroll_after))
    return compiled


def _totals(group_of: tuple[int, ...], weight: tuple[float, ...], groups: int) -> tuple[float, ...]:
    totals = [0.0] * groups
    for group, w in zip(group_of, weight, strict=True):
        totals[group] += w
    return tuple(totals)


_MISSING = -2.0  # not a score: no quick answer found
_REMEMBER_LIMIT = 4096  # combinations remembered per multi indicator; bounds memory


def read_answers(
    compiled: CompiledRubric, answers: Mapping[str, Any]
) -> tuple[list[float | None], dict[str, str]]:
    """Each indicator's score (None unknown, NOT_APPLICABLE n/a) and the notes.

    Raises AnswerError for an answer that does not fit its indicator.
    """
    scores: list[float | None] = [None] * len(compiled.ids)
    notes: dict[str, str] = {}
    entries, missing = compiled.entries, _MISSING
    for key, value in answers.items():
        try:
            n, quick, boolean = entries[key]
        except KeyError:
            raise AnswerError(("answers", key, KEY), _unknown_indicator(compiled, key)) from None
        # Most answers are found by one lookup in the indicator's quick table: option ids,
        # yes/no, unknown, n/a and, once checked, each set of options of a multi answer (a
        # frozenset: the order does not count, so the tables stay small) and each number.
        # Notes, errors and answers not seen before go to `_read_one`.
        kind = value.__class__
        if kind is str:
            found = quick.get(value, missing)
            if found is not missing:
                scores[n] = found
                continue
            scores[n] = _read_one(compiled, n, key, value, notes, quick, boolean)
            continue
        raw = value
        if kind is dict:
            # {value, note}: keep the note and look the value up like any other answer.
            note = value.get("note")
            if len(value) != 2 or note.__class__ is not str or "value" not in value:
                scores[n] = _read_one(compiled, n, key, raw, notes, quick, boolean)
                continue
            if note:
                notes[key] = note
            value = value["value"]
            kind = value.__class__
        found = missing
        if kind is str or value is None:
            found = quick.get(value, missing)
        elif kind is list:
            try:
                chosen = frozenset(value)
            except TypeError:  # an item that is not a plain value
                pass
            else:
                if len(chosen) == len(value):  # else an option listed twice: let it be said
                    found = quick.get(chosen, missing)
        elif kind is bool:
            # True == 1 == 1.0 as keys: only a yes/no table may answer a boolean, and only
            # a number table a number.
            if boolean:
                found = quick.get(value, missing)
        elif (kind is int or kind is float) and not boolean:
            found = quick.get(value, missing)
        if found is missing:
            found = _read_one(compiled, n, key, raw, notes, quick, boolean)
        scores[n] = found
    for n, condition, above, fallback in compiled.conditionals:
        asked_by = scores[condition]
        if asked_by is not None and asked_by <= above:
            # NOT_APPLICABLE (-1) is below every `above`, so an n/a condition also skips.
            scores[n] = fallback
    return scores, notes


def _read_one(
    compiled: CompiledRubric,
    n: int,
    key: str,
    raw: Any,
    notes: dict[str, str],
    quick: dict[Any, float | None],
    boolean: bool,
) -> float | None:
    """The score of one answer its quick table did not hold; notes it, learns it, or raises."""
    value = raw
    inner: tuple[str | int, ...] = ("answers", key)
    if raw.__class__ is dict:
        value, note = _with_note(raw, inner)
        inner = ("answers", key, "value")
        if note:
            notes[key] = note
    kind = value.__class__
    lookup: Any = value
    if kind is list:
        try:
            lookup = frozenset(value)
        except TypeError:
            lookup = None
        else:
            if len(lookup) != len(value):
                lookup = None
    elif kind is not str and value is not None and (kind is bool) != boolean:
        lookup = None
    if lookup is not None:
        try:
            found = quick.get(lookup, _MISSING)
        except TypeError:  # a mapping or another value that cannot be a key
            found = _MISSING
        if found is not _MISSING:
            return found
    try:
        found = compiled.scorers[n](value)
    except AnswerError as exc:
        raise AnswerError((*inner, *exc.loc), exc.message) from None
    if lookup is not None and n in compiled.remember and len(quick) < _REMEMBER_LIMIT:
        quick[lookup] = found
    return found


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

    near = difflib.get_close_matches(str(key), compiled.ids, n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"unknown indicator {_show(key)} for rubric {compiled.rubric.id!r}{hint}"


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
    """Every number of DESIGN §1 from each indicator's score."""
    return _evaluate(compiled, scores, source, company, notes, warnings, answers)


def _evaluate(
    compiled: CompiledRubric,
    scores: list[float | None],
    source: str,
    company: Mapping[str, Any] | None,
    notes: Mapping[str, str] | None,
    warnings: tuple[str, ...],
    answers: Mapping[str, Any] | None,
) -> Result:
    k_count = len(compiled.thresholds)
    known = [0.0] * k_count  # sum of w*s over answered indicators
    unknown = [0.0] * k_count  # sum of w over unknown indicators
    dims = len(compiled.dimension_ids)
    dim_ws = [0.0] * dims
    focus_ws = [0.0, 0.0]  # traffic, supply
    # Applicable weights start from the rubric's totals; only an n/a answer takes weight away.
    total = list(compiled.stage_weight)
    dim_w = list(compiled.dimension_weight)
    focus_w = list(compiled.focus_weight)
    for s, (k, d, w, f) in zip(scores, compiled.rows, strict=False):
        if s is None:
            unknown[k] += w
        elif s > 0.0:
            ws = w * s
            known[k] += ws
            dim_ws[d] += ws
            focus_ws[f] += ws
        elif s == NOT_APPLICABLE:
            total[k] -= w
            dim_w[d] -= w
            focus_w[f] -= w
    # Gates fail with unknowns as 0 (low) and, below their score, with unknowns as 1 (high):
    # the first stage a failed gate blocks, in each case.
    failed_low: list[int] = []
    blocked_low = blocked_high = k_count
    for n, k, need in compiled.gates:
        s = scores[n]
        if s is None or s < need - EPSILON:
            failed_low.append(n)
            if k < blocked_low:
                blocked_low = k
            if s is not None and k < blocked_high:
                blocked_high = k

    reached, reached_high = blocked_low, blocked_high
    attain = [0.0] * k_count
    for k, (weight_sum, bar) in enumerate(zip(total, compiled.bars, strict=True)):
        if weight_sum > EPSILON:
            attain[k] = a = known[k] / weight_sum
            high = (known[k] + unknown[k]) / weight_sum
        else:
            a = high = 0.0
        if k < reached and a < bar:
            reached = k
        if k < reached_high and high < bar:
            reached_high = k
    index = float(k_count) if reached == k_count else reached + min(attain[reached], INDEX_CAP)

    applicable = focus_w[0] + focus_w[1]
    coverage = (applicable - sum(unknown)) / applicable if applicable > EPSILON else 0.0
    traffic = focus_ws[0] / focus_w[0] if focus_w[0] > EPSILON else 0.0
    supply = focus_ws[1] / focus_w[1] if focus_w[1] > EPSILON else 0.0
    return _result(
        compiled,
        scores,
        reached,
        reached_high,
        attain,
        failed_low,
        [
            part / whole if whole > EPSILON else None
            for part, whole in zip(dim_ws, dim_w, strict=True)
        ],
        index,
        coverage,
        traffic,
        supply,
        _next_steps(compiled, scores, reached, known, total, failed_low),
        source,
        company,
        notes,
        warnings,
        answers,
    )


def _result(
    compiled: CompiledRubric,
    scores: list[float | None],
    reached: int,
    reached_high: int,
    attain: list[float],
    failed_low: list[int],
    dimension_scores: list[float | None],
    index: float,
    coverage: float,
    traffic: float,
    supply: float,
    next_steps: NextSteps,
    source: str,
    company: Mapping[str, Any] | None,
    notes: Mapping[str, str] | None,
    warnings: tuple[str, ...],
    answers: Mapping[str, Any] | None,
) -> Result:
    """The result of `_evaluate`'s figures (and of `retail_stage.unrolled`'s, the same)."""
    two = supply >= compiled.label_threshold - EPSILON and reached >= compiled.min_label_stage
    ladder = compiled.ladder
    return Result(
        source,
        company if company is not None else _NOTHING,
        compiled.rubric_id,
        compiled.rubric_version,
        ladder[reached][0],  # stage
        ladder[reached][1],  # stage_name
        "2.0" if two else "1.0",  # label
        round(index, 4),
        round(coverage, 4),
        ladder[reached][0],  # stage_low
        ladder[reached_high][0],  # stage_high
        compiled,
        attain,  # attainment
        tuple(failed_low) if failed_low else (),  # gates_failed
        dimension_scores,
        round(traffic, 4),  # focus_traffic
        round(supply, 4),  # focus_supply
        next_steps,
        scores,
        notes if notes is not None else _NOTHING,
        warnings,
        answers,
    )


_TOP = NextSteps(None, [], 0, (), 1.0, None, [])
_NOTHING: Mapping[str, Any] = MappingProxyType({})


def _next_steps(
    compiled: CompiledRubric,
    scores: list[float | None],
    reached: int,
    known: list[float],
    total: list[float],
    failed_gates: list[int],
) -> NextSteps:
    thresholds = compiled.thresholds
    if reached == len(thresholds):
        return _TOP
    k = reached
    weight_sum = total[k]
    # The ranking: failed gates first, then the largest gains, ties in rubric order. Each
    # entry is (-gain, position); candidates are made in rubric order and sorted on -gain
    # alone, a stable sort on floats, so ties keep that order and the ranking is deterministic.
    blocked: list[tuple[float, int]] = []
    ranking: list[tuple[float, int]] = []
    for n, w, best, below_best in compiled.step_rows[k]:
        # The gain of raising an indicator to its best answer: w * (1 - s) in DESIGN §1, where
        # every answer kind can reach 1; a custom rubric's best may be lower, and counts as is.
        s = scores[n]
        if s is None:
            loss = -w * best
        elif s < below_best and s != NOT_APPLICABLE:
            loss = -w * (best - s)
        else:
            continue
        (blocked if failed_gates and n in failed_gates else ranking).append((loss, n))
    return _ranked(compiled, k, blocked, ranking, known[k], weight_sum, scores)


def _ranked(
    compiled: CompiledRubric,
    k: int,
    blocked: list[tuple[float, int]],
    ranking: list[tuple[float, int]],
    known: float,
    weight_sum: float,
    scores: list[float | None],
) -> NextSteps:
    """The next steps to stage k from its candidates in rubric order, (loss, position) each:
    `blocked` the failed gates, `ranking` the others (see `_next_steps`)."""
    ranking.sort(key=_LOSS)
    # The smallest set: every failed gate, then the largest gains until the threshold is met;
    # it is a prefix of the ranking.
    missing = compiled.thresholds[k] * weight_sum - known - EPSILON
    gained = 0.0
    for loss, _n in blocked:
        gained -= loss
    chosen = len(blocked)
    for loss, _n in ranking:
        if gained >= missing:
            break
        gained -= loss
        chosen += 1
    failed: tuple[int, ...] = ()
    if blocked:
        blocked.sort(key=_LOSS)
        ranking = blocked + ranking
        failed = tuple(n for _, n in blocked)
    stage = compiled.ladder[k + 1][0]
    return NextSteps(stage, ranking, chosen, failed, weight_sum, compiled, scores)


_LOSS = operator.itemgetter(0)


def score_answers(
    compiled: CompiledRubric,
    answers: Mapping[str, Any],
    *,
    source: str = "",
    company: Mapping[str, Any] | None = None,
    warnings: tuple[str, ...] = (),
) -> Result:
    """Check raw answers against the rubric and score them; raises AnswerError."""
    straight = compiled.straight
    unrolled = None if straight is None else straight.function or straight.count()
    if unrolled is not None and answers.__class__ is dict:
        try:
            result = unrolled(answers, source, company, warnings)
        except AnswerError:
            result = None  # the loop below names the profile's first error, in its order
        if result is not None:
            return result
    scores, notes = read_answers(compiled, answers)
    return _evaluate(compiled, scores, source, company, notes, warnings, answers)
