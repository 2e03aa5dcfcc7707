"""Where a company stands among its peers: binned counts of a peer set, and what they tell.

A `PeerSet` keeps counts only, never results: the index in 300 bins of 0.01 (0 to 3), each
dimension and each focus score in 100 bins of 0.01, and how many peers stand on each stage. It
is made by streaming scored profiles through `PeerSet.add`, or read from the `distributions`
of a portfolio summary (`retail-stage score PATHS --summary --format json`), so a benchmark can
be shipped without the answers behind it. Both give the same numbers for the same peers.

- A **percentile** is the share of peers whose value falls in a bin strictly below the
  company's bin: "ahead of 55% of 11 peers" (a peer in the same bin is not behind).
- A **median** (or quartile q) is the bin of the peer of rank max(1, ceil(q * n)) in ascending
  order, given as that bin's lower edge plus half a bin (bin 174 of the index: 1.745).
- The **most common next stage** is the stage right above the stage most peers reached, among
  the peers below the top (on a tie, the lower stage).

Pure: nothing here reads a file (`peer_paths.gather` reads the peers a user names).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from retail_stage.messages import _
from retail_stage.sources import KEY, Problem, SourceError, locate

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.rubric import Rubric

PER_UNIT = 100
"""Bins per unit of a score: values are counted in bins of width 1/100."""
SCORE_BINS = 100
"""Bins of a score in 0..1 (dimension, focus)."""
MAX_COUNT = 10**12
"""The largest count a summary file may hold in one bin (more peers than there are shops)."""


def bin_of(value: float, bins: int) -> int:
    """The bin of `value`: min(int(value * 100), bins - 1), as the summary counts it."""
    return max(0, min(int(value * PER_UNIT), bins - 1))


def index_bins(rubric: Rubric) -> int:
    """Bins of the index of `rubric`: 0 to K stages, 100 per stage (300 for three stages)."""
    return PER_UNIT * len(rubric.stages)


class Standing(NamedTuple):
    """One value of the company against the same value of its peers."""

    value: float | None
    """The company's value (None: n/a for the company)."""
    below: int
    """Peers in a bin strictly below the company's."""
    peers: int
    """Peers counted for this value (a dimension n/a for a peer does not count it)."""
    median: float | None
    """The peers' median (None when no peer has a value)."""

    @property
    def percentile(self) -> float | None:
        """The share of peers the company is ahead of (None when it cannot be told)."""
        if self.value is None or not self.peers:
            return None
        return round(self.below / self.peers, 4)


@dataclass
class PeerSet:
    """Binned counts of a set of peers scored with one rubric."""

    rubric_id: str
    rubric_version: str
    stages: tuple[str, ...]
    """The baseline, then the rubric's stages, in ladder order."""
    dimensions: tuple[str, ...]
    index: list[int]
    dimension_bins: dict[str, list[int]]
    traffic: list[int]
    supply: list[int]
    stage_counts: dict[str, int]
    left_out: int = 0
    """Profiles among the peer paths that were the company itself, left out."""
    invalid: int = 0
    """Peer profiles that could not be scored (streamed) or the summary's invalid count."""
    sources: list[str] = field(default_factory=list)
    """The peer paths, as given."""

    @classmethod
    def empty(cls, rubric: Rubric) -> PeerSet:
        """A peer set of no peers, for `rubric`."""
        dims = tuple(d.id for d in rubric.dimensions)
        return cls(
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            stages=(rubric.baseline.id, *(s.id for s in rubric.stages)),
            dimensions=dims,
            index=[0] * index_bins(rubric),
            dimension_bins={d: [0] * SCORE_BINS for d in dims},
            traffic=[0] * SCORE_BINS,
            supply=[0] * SCORE_BINS,
            stage_counts=dict.fromkeys((rubric.baseline.id, *(s.id for s in rubric.stages)), 0),
        )

    # --- counting ------------------------------------------------------------------------

    def add(self, result: Result) -> None:
        """Count one scored peer (the result itself is not kept)."""
        self.index[bin_of(result.index, len(self.index))] += 1
        for dim, score in result.dimensions:
            if score is not None and dim in self.dimension_bins:
                self.dimension_bins[dim][bin_of(score, SCORE_BINS)] += 1
        self.traffic[bin_of(result.focus_traffic, SCORE_BINS)] += 1
        self.supply[bin_of(result.focus_supply, SCORE_BINS)] += 1
        self.stage_counts[result.stage] = self.stage_counts.get(result.stage, 0) + 1

    def merge(self, other: PeerSet) -> None:
        """Add the counts of `other` (of the same rubric) to these."""
        _add_into(self.index, other.index)
        for dim, bins in other.dimension_bins.items():
            _add_into(self.dimension_bins[dim], bins)
        _add_into(self.traffic, other.traffic)
        _add_into(self.supply, other.supply)
        for stage, count in other.stage_counts.items():
            self.stage_counts[stage] = self.stage_counts.get(stage, 0) + count
        self.left_out += other.left_out
        self.invalid += other.invalid
        self.sources += other.sources

    @property
    def count(self) -> int:
        """Peers counted."""
        return sum(self.index)

    # --- what the counts tell ------------------------------------------------------------

    def standing_index(self, value: float) -> Standing:
        """The company's index among the peers' indexes."""
        return standing(self.index, value, PER_UNIT)

    def standing_dimension(self, dim: str, value: float | None) -> Standing:
        """The company's score of dimension `dim` among the peers'."""
        return standing(self.dimension_bins[dim], value, PER_UNIT)

    def standing_focus(self, focus: str, value: float) -> Standing:
        """The company's traffic or supply focus score among the peers'."""
        return standing(self.traffic if focus == "traffic" else self.supply, value, PER_UNIT)

    def median_stage(self) -> str | None:
        """The stage of the median peer (rank max(1, ceil(n/2)) up the ladder), or None."""
        return _ranked(list(self.stage_counts_in_order()), 0.5)

    def stage_counts_in_order(self) -> Iterator[tuple[str, int]]:
        """(stage, peers on it), in ladder order."""
        for stage in self.stages:
            yield stage, self.stage_counts.get(stage, 0)

    def next_stages(self) -> list[tuple[str, int]]:
        """(next stage, peers working toward it), in ladder order: the stage above each peer's."""
        counts = dict(self.stage_counts_in_order())
        return [
            (upper, counts[lower])
            for lower, upper in zip(self.stages[:-1], self.stages[1:], strict=True)
        ]

    def most_common_next_stage(self) -> tuple[str, int] | None:
        """The next stage most peers work toward and how many do (the lower on a tie); None
        when every peer stands at the top."""
        best: tuple[str, int] | None = None
        for stage, count in self.next_stages():
            if count and (best is None or count > best[1]):
                best = (stage, count)
        return best

    def to_distributions(self) -> dict[str, Any]:
        """The counts in the summary's `distributions` shape."""
        return {
            "per_unit": PER_UNIT,
            "index": list(self.index),
            "dimensions": {d: list(self.dimension_bins[d]) for d in self.dimensions},
            "focus_traffic": list(self.traffic),
            "focus_supply": list(self.supply),
        }

    # --- reading a summary file ----------------------------------------------------------

    @classmethod
    def from_summary(cls, data: Mapping[str, Any], rubric: Rubric, path: str, text: str) -> PeerSet:
        """The peer set a summary JSON holds; one located SourceError when it is not one of
        `rubric` or its counts do not hold together (`text` locates the problem)."""
        return _SummaryReader(data, rubric, path, text).read()


def standing(bins: Sequence[int], value: float | None, per_unit: int) -> Standing:
    """`value` against the counts `bins` (each 1/per_unit wide)."""
    peers = sum(bins)
    median = quantile(bins, 0.5, per_unit)
    if value is None:
        return Standing(None, 0, peers, median)
    mine = bin_of(value, len(bins))
    return Standing(value, sum(bins[:mine]), peers, median)


def quantile(bins: Sequence[int], q: float, per_unit: int = PER_UNIT) -> float | None:
    """The value of quantile `q` of the counts: the bin of the peer of rank max(1, ceil(q*n)),
    its lower edge plus half a bin; None when there is no peer."""
    total = sum(bins)
    if not total:
        return None
    rank = max(1, math.ceil(q * total - 1e-9))
    seen = 0
    for k, count in enumerate(bins):
        seen += count
        if seen >= rank:
            return round((k + 0.5) / per_unit, 4)
    return None  # pragma: no cover - seen reaches total


def _ranked(counts: Sequence[tuple[str, int]], q: float) -> str | None:
    total = sum(c for _, c in counts)
    if not total:
        return None
    rank = max(1, math.ceil(q * total - 1e-9))
    seen = 0
    for name, count in counts:
        seen += count
        if seen >= rank:
            return name
    return None  # pragma: no cover


def _add_into(into: list[int], other: Sequence[int]) -> None:
    for k, count in enumerate(other):
        into[k] += count


def is_summary(data: Any) -> bool:
    """Whether a loaded JSON document is a portfolio summary (told by its top-level keys)."""
    return isinstance(data, dict) and "profiles" in data and "stages" in data and "rubric" in data


class _SummaryReader:
    """Checks a summary's shape field by field; the first problem is one located line."""

    def __init__(self, data: Mapping[str, Any], rubric: Rubric, path: str, text: str) -> None:
        self.data, self.rubric, self.path, self.text = data, rubric, path, text

    def fail(self, loc: tuple[str | int, ...], message: str) -> SourceError:
        line, column = locate(self.text, loc)
        return SourceError(Problem(self.path, message, line, column))

    def read(self) -> PeerSet:
        data, rubric = self.data, self.rubric
        theirs = data.get("rubric")
        if not isinstance(theirs, dict) or not isinstance(theirs.get("id"), str):
            raise self.fail(
                ("rubric",), _("expected the rubric the summary was made with: its id and version")
            )
        if theirs["id"] != rubric.id:
            raise self.fail(
                ("rubric", "id"),
                _(
                    "the peers were scored with the rubric {theirs}, this report with {ours}: "
                    "make the summary with the same rubric (--rubric)"
                ).format(theirs=theirs["id"], ours=rubric.id),
            )
        if "distributions" not in data:
            raise self.fail(
                (),
                _(
                    "the summary has no distributions (made by an earlier retail-stage?): make "
                    "it again with retail-stage score PATHS --summary --format json"
                ),
            )
        dist = data["distributions"]
        if not isinstance(dist, dict):
            raise self.fail(("distributions",), _("expected an object of counts"))
        per_unit = dist.get("per_unit")
        if type(per_unit) is not int or per_unit != PER_UNIT:
            raise self.fail(
                ("distributions", "per_unit") if "per_unit" in dist else ("distributions",),
                _("expected per_unit: {n}").format(n=PER_UNIT),
            )
        peers = PeerSet.empty(rubric)
        peers.rubric_version = str(theirs.get("version", ""))
        peers.index = self.counts(("distributions", "index"), len(peers.index))
        total = sum(peers.index)
        dims = dist.get("dimensions")
        if not isinstance(dims, dict):
            raise self.fail(("distributions", "dimensions"), _("expected an object of counts"))
        for key in dims:
            if key not in peers.dimension_bins:
                raise self.fail(
                    ("distributions", "dimensions", key, KEY),
                    _("the rubric {rubric} has no dimension {dimension}").format(
                        rubric=rubric.id, dimension=key
                    ),
                )
        for dim in peers.dimensions:
            if dim not in dims:
                raise self.fail(
                    ("distributions", "dimensions"),
                    _("missing the counts of the dimension {dimension}").format(dimension=dim),
                )
            loc = ("distributions", "dimensions", dim)
            peers.dimension_bins[dim] = self.counts(loc, SCORE_BINS, at_most=total)
        peers.traffic = self.counts(("distributions", "focus_traffic"), SCORE_BINS, exactly=total)
        peers.supply = self.counts(("distributions", "focus_supply"), SCORE_BINS, exactly=total)
        peers.stage_counts = self.stage_counts(peers.stage_counts, total)
        profiles = data.get("profiles")
        if type(profiles) is not int or profiles != total:
            raise self.fail(
                ("profiles",),
                _("expected the number of profiles counted in the index: {n}").format(n=total),
            )
        invalid = data.get("invalid", 0)
        peers.invalid = invalid if type(invalid) is int and invalid >= 0 else 0
        return peers

    def counts(
        self,
        loc: tuple[str | int, ...],
        size: int,
        at_most: int | None = None,
        exactly: int | None = None,
    ) -> list[int]:
        value: Any = self.data
        for step in loc:
            value = value.get(step) if isinstance(value, dict) else None
        if value is None:
            raise self.fail(
                loc[:-1], _("missing {field}").format(field=".".join(str(s) for s in loc))
            )
        if not isinstance(value, list) or len(value) != size:
            raise self.fail(loc, _("expected a list of {n} counts").format(n=size))
        for k, count in enumerate(value):
            if type(count) is not int or not 0 <= count <= MAX_COUNT:
                raise self.fail((*loc, k), _("expected a count: a whole number, 0 or more"))
        total = sum(value)
        if (at_most is not None and total > at_most) or (exactly is not None and total != exactly):
            expected = exactly if exactly is not None else at_most
            raise self.fail(
                loc,
                _("these counts add up to {total}, the index counts {n} profiles").format(
                    total=total, n=expected
                ),
            )
        return list(value)

    def stage_counts(self, known: dict[str, int], total: int) -> dict[str, int]:
        rows = self.data.get("stages")
        if not isinstance(rows, list):
            raise self.fail(("stages",), _("expected a list of stage counts"))
        counts = dict.fromkeys(known, 0)
        for n, row in enumerate(rows):
            stage = row.get("stage") if isinstance(row, dict) else None
            count = row.get("count") if isinstance(row, dict) else None
            if stage not in counts:
                raise self.fail(
                    ("stages", n),
                    _("expected a stage of the rubric {rubric}").format(rubric=self.rubric.id),
                )
            if type(count) is not int or not 0 <= count <= MAX_COUNT:
                raise self.fail(("stages", n), _("expected a count: a whole number, 0 or more"))
            counts[stage] += count
        if sum(counts.values()) != total:
            raise self.fail(
                ("stages",),
                _("these counts add up to {total}, the index counts {n} profiles").format(
                    total=sum(counts.values()), n=total
                ),
            )
        return counts
