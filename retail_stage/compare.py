"""Progress between two assessments of one company: what changed, in numbers and answers.

Pure: takes two results scored with the same rubric and returns the differences. No I/O, no
rich; the renderers in render/report_compare.py decide how they look.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from retail_stage.messages import _

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.rubric import Rubric

IMPROVED, REGRESSED, CHANGED = "improved", "regressed", "changed"


@dataclass(frozen=True, slots=True)
class Change:
    """A number before and after (None where there is none, e.g. an all-n/a dimension)."""

    id: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        """after - before, rounded to 4 decimals; None when either side is missing."""
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 4)


@dataclass(frozen=True, slots=True)
class StageChange:
    """A stage's attainment and whether it was met, before and after."""

    id: str
    attainment: Change
    met_before: bool
    met_after: bool


@dataclass(frozen=True, slots=True)
class IndicatorChange:
    """An indicator whose answer or score changed.

    Scores: None unknown, -1.0 n/a. `direction` is improved or regressed when the score moved
    (unknown counted as 0), else changed (a new answer with the same score, or n/a).
    """

    id: str
    stage: str
    direction: str
    score_before: float | None
    score_after: float | None
    answer_before: Any
    answer_after: Any


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything that differs between an older and a newer result of one company."""

    old: Result
    new: Result
    warnings: tuple[str, ...]
    stage_move: int
    """Rungs climbed (negative: fallen) between the two stages."""
    index: Change
    coverage: Change
    focus_traffic: Change
    focus_supply: Change
    stages: tuple[StageChange, ...]
    dimensions: tuple[Change, ...]
    indicators: tuple[IndicatorChange, ...]

    def by_direction(self, direction: str) -> tuple[IndicatorChange, ...]:
        """The indicator changes of one direction, in rubric order."""
        return tuple(c for c in self.indicators if c.direction == direction)


def _value(raw: Any) -> Any:
    return raw.get("value") if isinstance(raw, dict) else raw


def _level(score: float | None) -> float:
    # Unknown counts as 0, as in attainment; n/a (-1) also compares as 0 so it is "changed".
    return max(score or 0.0, 0.0)


def _company_warnings(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    warnings = []
    for key, message in (
        ("id", _("company ids differ ({old} and {new}): are these one company?")),
        ("name", _("company names differ ({old} and {new}): are these one company?")),
    ):
        if old.get(key) and new.get(key) and old[key] != new[key]:
            warnings.append(message.format(old=repr(old[key]), new=repr(new[key])))
    dated_old, dated_new = old.get("assessed_on"), new.get("assessed_on")
    if dated_old and dated_new and str(dated_new) < str(dated_old):
        warnings.append(
            _("NEW is dated {new}, before OLD ({old}): swapped?").format(
                new=dated_new, old=dated_old
            )
        )
    return warnings


def compare(old: Result, new: Result, rubric: Rubric) -> Comparison:
    """The differences from `old` to `new`, both scored with `rubric`."""
    order = [rubric.baseline.id] + [s.id for s in rubric.stages]
    warnings = _company_warnings(old.company, new.company)
    if (old.rubric_id, old.rubric_version) != (new.rubric_id, new.rubric_version):
        warnings.append(
            _("scored with different rubrics ({old} and {new})").format(
                old=f"{old.rubric_id} {old.rubric_version}",
                new=f"{new.rubric_id} {new.rubric_version}",
            )
        )
    changes = []
    for n, ind in enumerate(rubric.indicators):
        before, after = old.scores[n], new.scores[n]
        answer_before = _value(old.answers.get(ind.id))
        answer_after = _value(new.answers.get(ind.id))
        if before == after and answer_before == answer_after:
            continue
        if _level(after) > _level(before):
            direction = IMPROVED
        elif _level(after) < _level(before):
            direction = REGRESSED
        else:
            direction = CHANGED
        changes.append(
            IndicatorChange(
                ind.id, ind.stage, direction, before, after, answer_before, answer_after
            )
        )
    return Comparison(
        old=old,
        new=new,
        warnings=tuple(warnings),
        stage_move=order.index(new.stage) - order.index(old.stage),
        index=Change("index", old.index, new.index),
        coverage=Change("coverage", old.coverage, new.coverage),
        focus_traffic=Change("traffic", old.focus_traffic, new.focus_traffic),
        focus_supply=Change("supply", old.focus_supply, new.focus_supply),
        stages=tuple(
            StageChange(a.id, Change(a.id, a.attainment, b.attainment), a.met, b.met)
            for a, b in zip(old.stages, new.stages, strict=True)
        ),
        dimensions=tuple(
            Change(dim, a, b)
            for (dim, a), (_, b) in zip(old.dimensions, new.dimensions, strict=True)
        ),
        indicators=tuple(changes),
    )
