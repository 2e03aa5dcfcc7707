"""The portfolio view of a batch: how many profiles sit on each stage and label, the spread of
the index, the mean score of each dimension and the weakest one."""

from __future__ import annotations

import heapq
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

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
    name: str = ""
    """The company's name (else the profile's source), for the ranked list."""
    coverage: float = 0.0
    focus_traffic: float = 0.0
    focus_supply: float = 0.0
    group: str | None = None
    """The value of the --group-by company field, as text; None when not given."""


def group_value(value: Any) -> str | None:
    """A company field's value as a group's name: None when it is missing or empty."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


PER_UNIT = 100
EXACT = 10_000
"""Indexes are reported to 4 decimals: counted at 1/EXACT, their quartiles stay exact."""
"""The distributions count values in bins of width 1/PER_UNIT (see schemas/summary.schema.json)."""


def bin_of(value: float, bins: int) -> int:
    """The bin of `value`: min(int(value * PER_UNIT), bins - 1) (negative values in bin 0)."""
    return max(0, min(int(value * PER_UNIT), bins - 1))


def bin_quantile(bins: list[int], q: float) -> float | None:
    """The q-quantile of the values counted in `bins`: the first bin whose cumulative count
    reaches q of the total, as its lower edge plus half a bin; None when nothing was counted."""
    total = sum(bins)
    if not total:
        return None
    wanted, seen = q * total, 0
    for k, count in enumerate(bins):
        seen += count
        if count and seen >= wanted:
            return round((k + 0.5) / PER_UNIT, 4)
    return None  # pragma: no cover - the last bin with a count reaches every q <= 1


def share_below(bins: list[int], value: float) -> float | None:
    """The share of the values counted in `bins` that fall in a bin strictly below the bin of
    `value` ("ahead of 72% of its peers"); None when nothing was counted."""
    total = sum(bins)
    if not total:
        return None
    return sum(bins[: bin_of(value, len(bins))]) / total


@dataclass(frozen=True, slots=True)
class Ranked:
    """One company of the ranked list."""

    rank: int
    name: str
    stage: str
    label: str
    index: float
    coverage: float
    group: str | None

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data."""
        return {
            "rank": self.rank,
            "name": self.name,
            "stage": self.stage,
            "label": self.label,
            "index": self.index,
            "coverage": self.coverage,
            "group": self.group,
        }


class Portfolio:
    """Counts what the summary needs, one profile at a time: counts and histograms of fixed
    size (the index's at 1/10,000 too, for its exact quartiles), the `top` best companies;
    every company only when `complete` (the XLSX and CSV summaries list them all)."""

    def __init__(
        self,
        rubric: Rubric,
        *,
        group_by: str | None = None,
        top: int = 50,
        complete: bool = False,
        in_group: bool = False,
    ) -> None:
        self.rubric = rubric
        self.stages = [rubric.baseline.id] + [s.id for s in rubric.stages]
        self.stage_names = [rubric.baseline.name] + [s.name for s in rubric.stages]
        self.dimensions = [d.id for d in rubric.dimensions]
        self.counts = {(stage, label): 0 for stage in self.stages for label in LABELS}
        self.scored = 0
        # Every index is reported to 4 decimals, so counts at 1/10,000 give its exact quartiles
        # in constant memory (an array at the top, a dict in a group, which holds few).
        self.exact: array[int] | dict[int, int] = (
            array("I", bytes(4 * (EXACT * max(1, len(rubric.stages)) + 1))) if not in_group else {}
        )
        self.sums = [0.0] * len(self.dimensions)
        self.known = [0] * len(self.dimensions)
        self.invalid = 0
        self.unanswered = 0
        self.coverage_sum = 0.0
        self.index_bins = [0] * (PER_UNIT * max(1, len(rubric.stages)))
        self.dimension_bins = [[0] * PER_UNIT for _ in self.dimensions]
        self.traffic_bins = [0] * PER_UNIT
        self.supply_bins = [0] * PER_UNIT
        self.dimension_low: list[float | None] = [None] * len(self.dimensions)
        self.dimension_high: list[float | None] = [None] * len(self.dimensions)
        self.group_by = group_by
        self.groups: dict[str | None, Portfolio] = {}
        self.top = top
        self.complete = complete
        self._best: list[tuple[float, int, tuple[str, str, str, float, str | None]]] = []
        self._all: list[tuple[float, int, tuple[str, str, str, float, str | None]]] = []

    def add(self, tally: Tally | None) -> None:
        """Count one scored profile, or one that failed (None)."""
        if tally is None:
            self.invalid += 1
            return
        seq = self.scored
        self.scored += 1
        self.counts[(tally.stage, tally.label)] += 1
        self.unanswered += tally.unanswered
        exact = max(0, round(tally.ladder_index * EXACT))
        if isinstance(self.exact, dict):
            self.exact[exact] = self.exact.get(exact, 0) + 1
        else:
            self.exact[min(exact, len(self.exact) - 1)] += 1
        self.coverage_sum += tally.coverage
        self.index_bins[bin_of(tally.ladder_index, len(self.index_bins))] += 1
        self.traffic_bins[bin_of(tally.focus_traffic, PER_UNIT)] += 1
        self.supply_bins[bin_of(tally.focus_supply, PER_UNIT)] += 1
        for n, value in enumerate(tally.dimensions):
            if value is not None:
                self.sums[n] += value
                self.known[n] += 1
                self.dimension_bins[n][bin_of(value, PER_UNIT)] += 1
                low, high = self.dimension_low[n], self.dimension_high[n]
                if low is None or value < low:
                    self.dimension_low[n] = value
                if high is None or value > high:
                    self.dimension_high[n] = value
        row = (tally.name, tally.stage, tally.label, tally.coverage, tally.group)
        # The best first: the highest index, then the earliest in input order.
        entry = (tally.ladder_index, -seq, row)
        if self.complete:
            self._all.append(entry)
        elif self.top > 0:
            if len(self._best) < self.top:
                heapq.heappush(self._best, entry)
            elif entry[:2] > self._best[0][:2]:
                heapq.heapreplace(self._best, entry)
        if self.group_by is not None:
            group = self.groups.get(tally.group)
            if group is None:
                group = self.groups[tally.group] = Portfolio(self.rubric, top=0, in_group=True)
            group.add(tally)

    @property
    def profiles(self) -> int:
        """Profiles scored."""
        return self.scored

    def index_spread(self) -> dict[str, float | None]:
        """Minimum, quartiles and maximum of the index (None when nothing was scored)."""
        names = ("min", "q1", "median", "q3", "max")
        n = self.scored
        if not n:
            return dict.fromkeys(names)
        # statistics.quantiles(values, n=4, method="inclusive"), from the counts: the points
        # between the order statistics j and j + 1 (0-based) of the sorted indexes.
        wanted = {0, n - 1}
        cuts = []
        for i in (1, 2, 3):
            j, delta = divmod(i * (n - 1), 4)
            cuts.append((j, delta))
            wanted |= {j, min(j + 1, n - 1)}
        order = self._order_statistics(sorted(wanted))
        quartiles = [
            (order[j] * (4 - delta) + order[min(j + 1, n - 1)] * delta) / 4 for j, delta in cuts
        ]
        values = [order[0], order[n - 1]]
        points = [values[0], *quartiles, values[-1]]
        return {name: round(point, 4) for name, point in zip(names, points, strict=True)}

    def _order_statistics(self, ranks: list[int]) -> dict[int, float]:
        """The k-th smallest index (0-based) for each k of `ranks` (sorted), from the counts."""
        items = (
            sorted(self.exact.items())
            if isinstance(self.exact, dict)
            else ((k, c) for k, c in enumerate(self.exact) if c)
        )
        found: dict[int, float] = {}
        seen, at = 0, 0
        for value, count in items:
            seen += count
            while at < len(ranks) and ranks[at] < seen:
                found[ranks[at]] = value / EXACT
                at += 1
            if at == len(ranks):
                break
        return found

    def dimension_means(self) -> dict[str, float | None]:
        """Mean score of each dimension over the profiles where it applies."""
        return {
            dim: round(total / known, 4) if known else None
            for dim, total, known in zip(self.dimensions, self.sums, self.known, strict=True)
        }

    def dimension_spread(self) -> dict[str, dict[str, float | int | None]]:
        """Each dimension's spread over the profiles where it applies: its exact minimum and
        maximum, its quartiles from the histogram (to a bin of 0.01), the share of those
        profiles below 50% and how many they are."""
        spread: dict[str, dict[str, float | int | None]] = {}
        for n, dim in enumerate(self.dimensions):
            bins = self.dimension_bins[n]
            low, high = self.dimension_low[n], self.dimension_high[n]
            below = sum(bins[: PER_UNIT // 2]) / self.known[n] if self.known[n] else None
            spread[dim] = {
                "profiles": self.known[n],
                "min": None if low is None else round(low, 4),
                "q1": bin_quantile(bins, 0.25),
                "median": bin_quantile(bins, 0.5),
                "q3": bin_quantile(bins, 0.75),
                "max": None if high is None else round(high, 4),
                "below_half": None if below is None else round(below, 4),
            }
        return spread

    def weakest_dimensions(self) -> list[str]:
        """The dimensions by mean score, the weakest first (rubric order on a tie)."""
        means = [(v, n) for n, v in enumerate(self.dimension_means().values()) if v is not None]
        return [self.dimensions[n] for _v, n in sorted(means)]

    def weakest_dimension(self) -> str | None:
        """The dimension with the lowest mean score (the first one on a tie)."""
        weakest = self.weakest_dimensions()
        return weakest[0] if weakest else None

    def mean_coverage(self) -> float | None:
        """The mean coverage of the profiles scored."""
        return round(self.coverage_sum / self.profiles, 4) if self.profiles else None

    def ranked(self, limit: int | None = None) -> list[Ranked]:
        """The companies by index, the highest first (input order on a tie): the `top` kept,
        or every one when `complete`; at most `limit` of them."""
        kept = self._all if self.complete else self._best
        order = sorted(kept, key=lambda entry: (-entry[0], -entry[1]))
        if limit is not None:
            order = order[:limit]
        return [
            Ranked(rank, name, stage, label, round(index, 4), round(coverage, 4), group)
            for rank, (index, _seq, (name, stage, label, coverage, group)) in enumerate(
                order, start=1
            )
        ]

    def group_items(self) -> list[tuple[str | None, Portfolio]]:
        """The groups by size, the largest first (by name on a tie; the one without a value
        last)."""
        return sorted(
            self.groups.items(),
            key=lambda item: (item[0] is None, -item[1].profiles, item[0] or ""),
        )

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

    def distributions(self) -> dict[str, Any]:
        """The streamed histograms (schemas/summary.schema.json: the peer comparison reads
        them)."""
        return {
            "per_unit": PER_UNIT,
            "index": list(self.index_bins),
            "dimensions": {
                dim: list(bins)
                for dim, bins in zip(self.dimensions, self.dimension_bins, strict=True)
            },
            "focus_traffic": list(self.traffic_bins),
            "focus_supply": list(self.supply_bins),
        }

    def group_dict(self, value: str | None) -> dict[str, Any]:
        """One group's figures, JSON-ready."""
        return {
            "group": value,
            "profiles": self.profiles,
            "stages": self.stage_rows(),
            "index": self.index_spread(),
            "coverage": self.mean_coverage(),
            "dimensions": self.dimension_means(),
            "weakest_dimension": self.weakest_dimension(),
        }

    def to_dict(self) -> dict[str, Any]:
        """The portfolio as one JSON-ready object (schemas/summary.schema.json)."""
        data: dict[str, Any] = {
            "rubric": {"id": self.rubric.id, "version": self.rubric.version},
            "profiles": self.profiles,
            "invalid": self.invalid,
            "unanswered": self.unanswered,
            "stages": self.stage_rows(),
            "index": self.index_spread(),
            "dimensions": self.dimension_means(),
            "weakest_dimension": self.weakest_dimension(),
            "coverage": self.mean_coverage(),
            "dimension_spread": self.dimension_spread(),
            "weakest_dimensions": self.weakest_dimensions(),
            "ranked": [row.to_dict() for row in self.ranked(self.top)],
            "distributions": self.distributions(),
        }
        if self.group_by is not None:
            data["group_by"] = self.group_by
            data["groups"] = [group.group_dict(value) for value, group in self.group_items()]
        return data

    def rows(self, companies: bool = True) -> list[dict[str, Any]]:
        """The portfolio as flat rows (metric, key, label, count, value) for tabular formats:
        the counts, the spreads, the groups, every company kept (rank, name, stage and label,
        index) and the weakest dimension last."""
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
        for dim, points in self.dimension_spread().items():
            rows += [
                {"metric": "dimension_spread", "key": dim, "label": name, "count": None}
                | {"value": value}
                for name, value in points.items()
                if name != "profiles"
            ]
        for value, group in self.group_items():
            key = "" if value is None else value
            rows.append(
                {
                    "metric": "group",
                    "key": key,
                    "label": self.group_by or "",
                    "count": group.profiles,
                }
                | {"value": group.index_spread()["median"]}
            )
            rows += [
                {
                    "metric": "group_stage",
                    "key": key,
                    "label": f"{row['stage']} {row['label']}",
                    "count": row["count"],
                    "value": row["share"],
                }
                for row in group.stage_rows()
            ]
        limit = None if self.complete else self.top
        rows += [
            {
                "metric": "company",
                "key": r.name,
                "label": f"{r.stage} {r.label}",
                "count": r.rank,
                "value": r.index,
            }
            for r in (self.ranked(limit) if companies else [])
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
        tables = [ladder, spread, dims]
        if self.group_by is not None:
            groups = Table(title=_("By {field}").format(field=self.group_by))
            for heading, justify in self.group_headings():
                groups.add_column(literal(heading), justify=justify)
            for row in self.group_cells():
                groups.add_row(*(literal(cell) for cell in row))
            tables.append(groups)
        ranked = self.ranked(self.top)
        if ranked:
            table = Table(title=self.ranked_title(len(ranked)))
            for heading, justify in self.ranked_headings():
                table.add_column(literal(heading), justify=justify, overflow="fold")
            for row in self.ranked_cells(ranked):
                table.add_row(*(literal(cell) for cell in row))
            tables.append(table)
        return tables

    def group_headings(self) -> list[tuple[str, Literal["left", "right"]]]:
        """The headings of the table of groups, for people, and how each column aligns."""
        from retail_stage.messages import _

        return [
            (self.group_by or "", "left"),
            (_("Profiles"), "right"),
            *((name, "right") for name in self.stage_names),
            (_("median index"), "right"),
            (_("weakest dimension"), "left"),
        ]

    def group_cells(self) -> list[list[str]]:
        """Each group's row for people: its value, profiles, share on each stage, median
        index and weakest dimension."""
        from retail_stage.messages import _

        names = {d.id: d.name for d in self.rubric.dimensions}
        rows = []
        for value, group in self.group_items():
            total = group.profiles or 1
            shares = [
                f"{sum(group.counts[(stage, label)] for label in LABELS) / total:.0%}"
                for stage in self.stages
            ]
            median = group.index_spread()["median"]
            weakest = group.weakest_dimension()
            rows.append(
                [
                    _("(not given)") if value is None else value,
                    str(group.profiles),
                    *shares,
                    "-" if median is None else f"{median:.2f}",
                    names[weakest] if weakest else "-",
                ]
            )
        return rows

    def ranked_title(self, shown: int) -> str:
        """The title of the ranked list, for people."""
        from retail_stage.messages import _

        if shown < self.profiles:
            return _("Companies by index: the {shown} highest of {n}").format(
                shown=shown, n=self.profiles
            )
        return _("Companies by index")

    def ranked_headings(self) -> list[tuple[str, Literal["left", "right"]]]:
        """The headings of the ranked list, for people, and how each column aligns."""
        from retail_stage.messages import _

        grouped: list[tuple[str, Literal["left", "right"]]] = (
            [] if self.group_by is None else [(self.group_by, "left")]
        )
        return [
            ("#", "right"),
            (_("Company"), "left"),
            (_("Stage"), "left"),
            (_("Label"), "left"),
            (_("Index"), "right"),
            (_("Coverage"), "right"),
            *grouped,
        ]

    def ranked_cells(self, ranked: list[Ranked]) -> list[list[str]]:
        """The ranked list's rows for people (stages by name)."""
        from retail_stage.messages import _

        names = dict(zip(self.stages, self.stage_names, strict=True))
        grouped = self.group_by is not None
        return [
            [
                str(r.rank),
                r.name,
                names.get(r.stage, r.stage),
                r.label,
                f"{r.index:.2f}",
                f"{r.coverage:.0%}",
                *([_("(not given)") if r.group is None else r.group] if grouped else []),
            ]
            for r in ranked
        ]
