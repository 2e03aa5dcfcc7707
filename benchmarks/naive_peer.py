"""The naive peer of DESIGN §5: what a competent analyst writes in an afternoon.

    python benchmarks/naive_peer.py FILE_OR_FOLDER... -o OUT.jsonl

Reads the bundled rubric's YAML with yaml directly, then each profile (YAML files with
CSafeLoader, JSONL lines with json.loads), and for each: a plain loop over the indicators
giving each answer its score, each stage's attainment (weighted mean, unknown as 0, n/a left
out), the stage reached (no skipping, gates held), the supply and traffic focus scores and the
1.0/2.0 label, written as one `json.dumps` line. One process, no checks beyond what the
scoring needs: the floor a tool must beat to be worth installing. bench_score.py times it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = ROOT / "rubrics" / "retail-stages.yaml"
EPSILON = 1e-9


def indicator_score(indicator: dict[str, Any], value: Any) -> float | None:
    """The score in [0, 1] of one answer; None for n/a. Unknown and unmatched give 0."""
    if isinstance(value, dict):
        value = value.get("value")
    if value == "n/a":
        return None
    if value is None or value == "unknown":
        return 0.0
    answer = indicator["answer"]
    kind = answer["kind"]
    if kind == "boolean":
        return 1.0 if value is True else 0.0
    if kind == "scale":
        levels = answer["levels"]
        for index, level in enumerate(levels):
            if level["id"] == value:
                return float(level.get("score", index / (len(levels) - 1)))
        return 0.0
    if kind == "choice":
        for option in answer["options"]:
            if option["id"] == value:
                return float(option["score"])
        return 0.0
    if kind == "multi":
        chosen = set(value)
        return min(1.0, sum(o["score"] for o in answer["options"] if o["id"] in chosen))
    score = 0.0  # number: the score of the highest band whose min the value reaches
    for band in answer["bands"]:
        if value >= band["min"]:
            score = float(band["score"])
    return score


def score(rubric: dict[str, Any], profile: dict[str, Any]) -> dict[str, Any]:
    """The small result dict of one profile."""
    answers = profile.get("answers") or {}
    sums = {stage["id"]: [0.0, 0.0] for stage in rubric["stages"]}
    gates_hold = dict.fromkeys(sums, True)
    focus = {"traffic": [0.0, 0.0], "supply": [0.0, 0.0]}
    for indicator in rubric["indicators"]:
        value = indicator_score(indicator, answers.get(indicator["id"]))
        if value is None:
            continue
        weight = indicator["weight"]
        stage = sums[indicator["stage"]]
        stage[0] += weight * value
        stage[1] += weight
        totals = focus[indicator["focus"]]
        totals[0] += weight * value
        totals[1] += weight
        if indicator.get("required") and value < indicator.get("min_score", 1) - EPSILON:
            gates_hold[indicator["stage"]] = False
    attainment = {k: (s / w if w else 0.0) for k, (s, w) in sums.items()}
    reached = rubric["baseline"]["id"]
    for stage in rubric["stages"]:
        stage_id = stage["id"]
        if attainment[stage_id] < stage["threshold"] - EPSILON or not gates_hold[stage_id]:
            break
        reached = stage_id
    supply, traffic = ((s / w if w else 0.0) for s, w in (focus["supply"], focus["traffic"]))
    label = "2.0" if supply >= rubric["label"]["threshold"] - EPSILON else "1.0"
    return {
        "company": profile.get("company", {}).get("name"),
        "stage": reached,
        "label": label,
        "attainment": {k: round(v, 4) for k, v in attainment.items()},
        "supply_focus": round(supply, 4),
        "traffic_focus": round(traffic, 4),
    }


def profiles(paths: list[Path]) -> Any:
    """Every profile of the given files and folders, in order."""
    for path in paths:
        if path.is_dir():
            yield from profiles(sorted(path.rglob("*.yaml")))
        elif path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as lines:
                for line in lines:
                    if line.strip():
                        yield json.loads(line)
        else:
            yield yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def main() -> None:
    """Score every profile named on the command line into -o."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    options = parser.parse_args()
    rubric = yaml.load(RUBRIC.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    count = 0
    with options.output.open("w", encoding="utf-8") as out:
        for profile in profiles(options.paths):
            out.write(json.dumps(score(rubric, profile), ensure_ascii=False) + "\n")
            count += 1
    print(f"{count} profiles", file=sys.stderr)


if __name__ == "__main__":
    main()
