"""The peers `report --peers PATH` names, read into a `peers.PeerSet`: a summary JSON as its
counts, anything else (profiles, folders, survey exports) scored profile by profile and
counted, the results not kept."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from retail_stage.peers import PeerSet, is_summary

if TYPE_CHECKING:
    from retail_stage.engine import CompiledRubric
    from retail_stage.loading import Failure


def same_source(a: str, b: str) -> bool:
    """Whether two result sources name the same profile (a file, or a file's #N or line)."""
    return _source_key(a) == _source_key(b)


def _source_key(source: str) -> tuple[str, str]:
    if os.path.exists(source):
        return os.path.realpath(source), ""
    for sep in ("#", ":"):
        head, found, tail = source.rpartition(sep)
        if found and head and os.path.exists(head):
            return os.path.realpath(head), sep + tail
    return source, ""


def gather(
    paths: Iterable[str],
    compiled: CompiledRubric,
    company_source: str | None = None,
) -> tuple[PeerSet, list[Failure]]:
    """The peers named by `paths` and the failures among them: a named summary JSON is read
    as counts (a SourceError when it is a bad one), anything else is scored profile by profile
    and counted (the company's own profile, `company_source`, left out)."""
    from retail_stage.batch import Input, find_inputs, read_input, score_input
    from retail_stage.loading import Failure
    from retail_stage.sources import load_json

    rubric = compiled.rubric
    peers = PeerSet.empty(rubric)
    failures: list[Failure] = []
    for path in paths:
        peers.sources.append(path)
        if path.lower().endswith(".json") and os.path.isfile(path):
            text, _kind = read_input(Input(path, "json"))
            data = load_json(text, path)
            if is_summary(data):
                peers.merge(PeerSet.from_summary(data, rubric, path, text))
                continue
        for item in find_inputs([path]):
            if isinstance(item, Failure):
                failures.append(item)
                continue
            for record in score_input(compiled, item):
                if isinstance(record, Failure):
                    failures.append(record)
                elif company_source is not None and same_source(record.source, company_source):
                    peers.left_out += 1
                else:
                    peers.add(record)
    peers.invalid += len(failures)
    return peers, failures
