"""Progress between two assessments of one company: what changed, in numbers and answers.

Pure: takes two results scored with the same rubric and returns the differences. No I/O, no
rich; the renderers in render/report_compare.py decide how they look.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
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


# --- history: two or more assessments over time ---------------------------------------------


def _identity(company: Mapping[str, Any]) -> tuple[str, str]:
    """What tells a company apart: its id where it has one, else its name."""
    if company.get("id"):
        return "id", str(company["id"])
    return "name", " ".join(str(company.get("name") or "").split()).casefold()


def same_company(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two company blocks are one company: by id when both have one, else by name
    (spaces and case aside)."""
    if a.get("id") and b.get("id"):
        return str(a["id"]) == str(b["id"])
    return _identity({"name": a.get("name")}) == _identity({"name": b.get("name")})


def other_company(results: Sequence[Result]) -> int | None:
    """The position of the first result that is not of the first result's company, or None."""
    first = results[0].company
    return next((n for n, r in enumerate(results) if not same_company(first, r.company)), None)


def date_of(result: Result) -> str | None:
    """The result's `assessed_on` as text (an ISO date sorts as text), or None."""
    dated = result.company.get("assessed_on")
    return str(dated) if dated not in (None, "") else None


def in_date_order(results: Sequence[Result]) -> tuple[int, ...]:
    """The positions of `results` ordered by `assessed_on`, equal dates in the order given; the
    order given when any of them has no date (there is nothing to place it by)."""
    dates = [date_of(r) for r in results]
    if any(d is None for d in dates):
        return tuple(range(len(results)))
    return tuple(sorted(range(len(results)), key=lambda n: str(dates[n])))


@dataclass(frozen=True, slots=True)
class History:
    """Two or more assessments of one company in date order, and what changed between each
    one and the next."""

    results: tuple[Result, ...]
    """In date order (`in_date_order`)."""
    given: tuple[int, ...]
    """For each result, its position among the assessments as given (file order)."""
    warnings: tuple[str, ...]
    steps: tuple[Comparison, ...]
    """results[n] to results[n + 1], for each n."""

    @property
    def first(self) -> Result:
        """The earliest assessment."""
        return self.results[0]

    @property
    def latest(self) -> Result:
        """The latest assessment."""
        return self.results[-1]

    @property
    def index(self) -> tuple[float, ...]:
        """The index of each assessment, in date order."""
        return tuple(r.index for r in self.results)

    @property
    def coverage(self) -> tuple[float, ...]:
        """The coverage of each assessment, in date order."""
        return tuple(r.coverage for r in self.results)

    @property
    def focus(self) -> tuple[tuple[str, tuple[float, ...]], ...]:
        """(traffic, its series) and (supply, its series)."""
        return (
            ("traffic", tuple(r.focus_traffic for r in self.results)),
            ("supply", tuple(r.focus_supply for r in self.results)),
        )

    @property
    def dimensions(self) -> tuple[tuple[str, tuple[float | None, ...]], ...]:
        """(dimension id, its score in each assessment) in rubric order."""
        ids = [dim for dim, _score in self.first.dimensions]
        return tuple(
            (dim, tuple(r.dimensions[n][1] for r in self.results)) for n, dim in enumerate(ids)
        )

    @property
    def stages(self) -> tuple[tuple[str, tuple[float, ...], tuple[bool, ...]], ...]:
        """(stage id, its attainment in each assessment, whether it was met in each)."""
        return tuple(
            (
                stage.id,
                tuple(r.stages[n].attainment for r in self.results),
                tuple(r.stages[n].met for r in self.results),
            )
            for n, stage in enumerate(self.first.stages)
        )

    def overall(self, rubric: Rubric) -> Comparison:
        """The first assessment against the latest."""
        return compare(self.first, self.latest, rubric)


def history(results: Sequence[Result], rubric: Rubric) -> History:
    """The assessments in date order and the comparison of each with the next.

    Warnings are those of the comparisons (companies or rubrics that differ), each said once.
    """
    if len(results) < 2:
        raise ValueError("a history needs two assessments or more")
    order = in_date_order(results)
    ordered = tuple(results[n] for n in order)
    steps = tuple(compare(a, b, rubric) for a, b in pairwise(ordered))
    warnings: dict[str, None] = {}
    for step in steps:
        warnings.update(dict.fromkeys(step.warnings))
    return History(ordered, order, tuple(warnings), steps)
