"""Synthetic valid profiles for the bundled rubric, shaped like the hand-written examples."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from retail_stage.loading import load_rubric
from retail_stage.rubric import (
    BooleanAnswer,
    ChoiceAnswer,
    Indicator,
    MultiAnswer,
    NumberAnswer,
    ScaleAnswer,
)

SECTORS = ("grocery", "apparel", "electronics", "beauty", "home", "convenience")
COUNTRIES = ("KE", "DE", "BR", "FR", "CN", "US", "JP", "MX")


def _answer(ind: Indicator, rng: random.Random) -> Any:
    answer = ind.answer
    if ind.allow_na and rng.random() < 0.05:
        return "n/a"
    if rng.random() < 0.04:
        return "unknown"
    if isinstance(answer, BooleanAnswer):
        return rng.random() < 0.6
    if isinstance(answer, ScaleAnswer):
        return rng.choice(answer.levels).id
    if isinstance(answer, ChoiceAnswer):
        return rng.choice(answer.options).id
    if isinstance(answer, MultiAnswer):
        ids = [o.id for o in answer.options]
        return rng.sample(ids, rng.randint(0, len(ids)))
    assert isinstance(answer, NumberAnswer)
    low = answer.min if answer.min is not None else 0.0
    high = answer.max if answer.max is not None else low + 1000.0
    return round(rng.uniform(low, high))


def profile_data(number: int, rng: random.Random) -> dict[str, Any]:
    """One valid profile as plain data."""
    rubric = load_rubric()
    answers: dict[str, Any] = {}
    for ind in rubric.indicators:
        value = _answer(ind, rng)
        answers[ind.id] = {"value": value, "note": "seen on site"} if rng.random() < 0.1 else value
    return {
        "rubric": {"id": rubric.id, "version": rubric.version},
        "company": {
            "name": f"Store {number:06d}",
            "id": f"store-{number:06d}",
            "sector": rng.choice(SECTORS),
            "country": rng.choice(COUNTRIES),
            "assessed_on": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        },
        "answers": answers,
    }


def _scalar(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    if isinstance(value, str) and value[:1].isdigit():
        return f'"{value}"'
    return str(value)


def profile_yaml(data: dict[str, Any]) -> str:
    """A profile written the way people write them (block style, flow lists, yes/no)."""
    company = data["company"]
    lines = [
        "# yaml-language-server: $schema=../../schemas/profile.schema.json",
        f'rubric: {{id: {data["rubric"]["id"]}, version: "{data["rubric"]["version"]}"}}',
        "company:",
        *(f"  {key}: {_scalar(value)}" for key, value in company.items()),
        "answers:",
    ]
    for key, value in data["answers"].items():
        if isinstance(value, dict):
            lines.append(f"  {key}:")
            lines.append(f"    value: {_scalar(value['value'])}")
            lines.append(f'    note: "{value["note"]}"')
        else:
            lines.append(f"  {key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def profiles(count: int, seed: int = 4) -> list[dict[str, Any]]:
    """`count` profiles, the same ones for the same seed."""
    rng = random.Random(seed)
    return [profile_data(number, rng) for number in range(count)]


def write_yaml_folder(folder: Path, batch: list[dict[str, Any]]) -> None:
    """One YAML file per profile, in 100 sub-folders like a real export."""
    for number, data in enumerate(batch):
        sub = folder / f"batch-{number % 100:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"store-{number:06d}.yaml").write_text(profile_yaml(data), encoding="utf-8")


def write_jsonl(path: Path, batch: list[dict[str, Any]], count: int) -> None:
    """`count` profiles, one JSON object a line, cycling through `batch` under new names."""
    with path.open("w", encoding="utf-8") as stream:
        for number in range(count):
            data = batch[number % len(batch)]
            company = {**data["company"], "name": f"Store {number:06d}", "id": f"s-{number:06d}"}
            stream.write(json.dumps({**data, "company": company}, ensure_ascii=False) + "\n")
