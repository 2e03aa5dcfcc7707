"""The portfolio view of a batch: how many profiles sit on each stage and label, the spread of
the index, the mean score of each dimension and the weakest one."""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.rubric import Rubric

LABELS = ("1.0", "2.0")


def unanswered(result: Result) -> bool:
    """Whether the profile answered nothing at all (every score unknown; n/a is an answer):
    an untouched template, scored at coverage 0 and marked in every output."""
    scores = result.scores
    return scores.count(None) == len(scores)


def spread_names() -> dict[str, str]:
    """The heading of each point of the index's spread, for people (ids stay in data)."""
    from retail_stage.messages import _

    return {
        "min": _("min"),
        "q1": _("lower quartile"),
        "median": _("median"),
        "q3": _("upper quartile"),
        "max": _("max"),
    }


class Tally(NamedTuple):
    """What the summary counts of one scored profile (a tuple: it crosses processes cheaply)."""

    stage: str
    label: str
    ladder_index: float
    """The result's index (named so as not to hide tuple.index)."""
    dimensions: tuple[float | None, ...]
    """Each dimension's score, for the summary; empty when the job renders each result."""
    unanswered: bool = False
    """The profile answered nothing (see `unanswered`)."""


class Portfolio:
    """Counts what the summary needs, one profile at a time (8 bytes kept per profile)."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.stages = [rubric.baseline.id] + [s.id for s in rubric.stages]
        self.stage_names = [rubric.baseline.name] + [s.name for s in rubric.stages]
        self.dimensions = [d.id for d in rubric.dimensions]
        self.counts = {(stage, label): 0 for stage in self.stages for label in LABELS}
        self.index = array("d")
        self.sums = [0.0] * len(self.dimensions)
        self.known = [0] * len(self.dimensions)
        self.invalid = 0
        self.unanswered = 0

    def add(self, tally: Tally | None) -> None:
        """Count one scored profile, or one that failed (None)."""
        if tally is None:
            self.invalid += 1
            return
        self.counts[(tally.stage, tally.label)] += 1
        self.unanswered += tally.unanswered
        self.index.append(tally.ladder_index)
        for n, value in enumerate(tally.dimensions):
            if value is not None:
                self.sums[n] += value
                self.known[n] += 1

    @property
    def profiles(self) -> int:
        """Profiles scored."""
        return len(self.index)

    def index_spread(self) -> dict[str, float | None]:
        """Minimum, quartiles and maximum of the index (None when nothing was scored)."""
        names = ("min", "q1", "median", "q3", "max")
        if not self.index:
            return dict.fromkeys(names)
        values = sorted(self.index)
        if len(values) == 1:
            quartiles = [values[0]] * 3
        else:
            # Here only: it loads fractions, decimal and random, which `score` does not need.
            import statistics

            quartiles = statistics.quantiles(values, n=4, method="inclusive")
        points = [values[0], *quartiles, values[-1]]
        return {name: round(point, 4) for name, point in zip(names, points, strict=True)}

    def dimension_means(self) -> dict[str, float | None]:
        """Mean score of each dimension over the profiles where it applies."""
        return {
            dim: round(total / known, 4) if known else None
            for dim, total, known in zip(self.dimensions, self.sums, self.known, strict=True)
        }

    def weakest_dimension(self) -> str | None:
        """The dimension with the lowest mean score (the first one on a tie)."""
        means = [(v, n) for n, v in enumerate(self.dimension_means().values()) if v is not None]
        return self.dimensions[min(means)[1]] if means else None

    def stage_rows(self) -> list[dict[str, Any]]:
        """Count and share of every stage × label, the ladder's order."""
        total = self.profiles
        return [
            {
                "stage": stage,
                "label": label,
                "count": self.counts[(stage, label)],
                "share": round(self.counts[(stage, label)] / total, 4) if total else 0.0,
            }
            for stage in self.stages
            for label in LABELS
        ]

    def to_dict(self) -> dict[str, Any]:
        """The portfolio as one JSON-ready object."""
        return {
            "rubric": {"id": self.rubric.id, "version": self.rubric.version},
            "profiles": self.profiles,
            "invalid": self.invalid,
            "unanswered": self.unanswered,
            "stages": self.stage_rows(),
            "index": self.index_spread(),
            "dimensions": self.dimension_means(),
            "weakest_dimension": self.weakest_dimension(),
        }

    def rows(self) -> list[dict[str, Any]]:
        """The portfolio as flat rows (metric, key, label, count, value) for tabular formats."""
        rows: list[dict[str, Any]] = [
            {"metric": "profiles", "key": "", "label": "", "count": self.profiles, "value": None},
            {"metric": "invalid", "key": "", "label": "", "count": self.invalid, "value": None},
            {
                "metric": "unanswered",
                "key": "",
                "label": "",
                "count": self.unanswered,
                "value": None,
            },
        ]
        rows += [
            {
                "metric": "stage",
                "key": row["stage"],
                "label": row["label"],
                "count": row["count"],
                "value": row["share"],
            }
            for row in self.stage_rows()
        ]
        rows += [
            {"metric": "index", "key": name, "label": "", "count": None, "value": value}
            for name, value in self.index_spread().items()
        ]
        rows += [
            {"metric": "dimension", "key": dim, "label": "", "count": None, "value": value}
            for dim, value in self.dimension_means().items()
        ]
        weakest = self.weakest_dimension()
        rows.append(
            {"metric": "weakest_dimension", "key": weakest or "", "label": "", "count": None}
            | {"value": None}
        )
        return rows

    def counted(self) -> str:
        """`N profiles (K without answers), M invalid`, for people."""
        from retail_stage.messages import _, n_

        text = n_("{n} profile", "{n} profiles", self.profiles).format(n=self.profiles)
        if self.unanswered:
            text += _(" ({n} without answers)").format(n=self.unanswered)
        return _("{profiles}, {n} invalid").format(profiles=text, n=self.invalid)

    def tables(self) -> list[Any]:
        """The portfolio as rich tables, for people at a terminal."""
        from rich.table import Table

        from retail_stage.messages import _
        from retail_stage.render.text import literal

        rubric = self.rubric
        title = _("{title} (rubric {id} {version})").format(
            title=rubric.title, id=rubric.id, version=rubric.version
        )
        ladder = Table(title=_("{title}: {counted}").format(title=title, counted=self.counted()))
        ladder.add_column(_("Stage"))
        for label in LABELS:
            ladder.add_column(label, justify="right")
        ladder.add_column(_("All"), justify="right")
        total = self.profiles or 1
        for stage, name in zip(self.stages, self.stage_names, strict=True):
            cells = [self.counts[(stage, label)] for label in LABELS]
            ladder.add_row(
                literal(name),
                *(f"{n} ({n / total:.0%})" for n in cells),
                f"{sum(cells)} ({sum(cells) / total:.0%})",
            )
        spread = Table(title=_("Index"))
        values = self.index_spread()
        headings = spread_names()
        for name in values:
            spread.add_column(headings[name], justify="right")
        spread.add_row(*("-" if v is None else f"{v:.2f}" for v in values.values()))
        dims = Table(title=_("Dimensions (mean score)"))
        dims.add_column(_("Dimension"))
        dims.add_column(_("Mean"), justify="right")
        weakest = self.weakest_dimension()
        names = {d.id: d.name for d in rubric.dimensions}
        for dim, mean in self.dimension_means().items():
            cell = literal(names[dim], style="bold red" if dim == weakest else "")
            if dim == weakest:
                cell.append(_(" (weakest)"))
            dims.add_row(cell, "-" if mean is None else f"{mean:.2f}")
        return [ladder, spread, dims]
