"""Translations: texts resolve to one language at load time; gaps are warnings, then fallbacks."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from retail_stage import load_rubric as public_load_rubric
from retail_stage import rubric_model
from retail_stage.loading import load_rubric, read_rubric
from retail_stage.rubric_model import Rubric, text_fields
from retail_stage.settings import language_of_locale
from retail_stage.version import bundled_rubric_path

ROOT = Path(__file__).parent.parent
TINY = Path(__file__).parent / "rubrics" / "bilingual.yaml"
GROCERY = ROOT / "examples" / "rubrics" / "grocery-chains.yaml"
CJK = re.compile(r"[\u4e00-\u9fff]")


def texts(part: Any) -> list[tuple[str, str]]:
    """(field, value) of every human text of a loaded rubric (plain str after resolution)."""
    found: list[tuple[str, str]] = []
    # The file's model of the same name says which fields are translatable texts.
    translatable = text_fields(getattr(rubric_model, type(part).__name__))
    for field in dataclasses.fields(part):
        value: Any = getattr(part, field.name)
        if dataclasses.is_dataclass(value):
            found += texts(value)
        elif isinstance(value, tuple):
            for item in value:
                if dataclasses.is_dataclass(item):
                    found += texts(item)
        elif field.name in translatable and value:
            found.append((field.name, value))
    return found


@pytest.mark.parametrize("path", [bundled_rubric_path(), GROCERY], ids=["bundled", "grocery"])
def test_rubric_validates_with_zero_problems(path: Path) -> None:
    rubric, problems = read_rubric(str(path))
    assert rubric is not None
    assert problems == []
    assert rubric.languages == ("en", "zh")


@pytest.mark.parametrize("path", [bundled_rubric_path(), GROCERY], ids=["bundled", "grocery"])
def test_every_text_reads_in_chinese(path: Path) -> None:
    zh = load_rubric(path, "zh")
    assert zh.lang == "zh"
    not_chinese = [(n, v) for n, v in texts(zh) if not CJK.search(v) and v != "%"]
    assert not_chinese == []
    # The source stays the verbatim English quote of SOURCE.md in every language.
    assert [i.source for i in zh.indicators] == [i.source for i in load_rubric(path).indicators]


def test_english_is_the_default_and_unchanged() -> None:
    en = load_rubric()
    assert en.lang == "en"
    assert en.title == "Retail digitalization stages"
    assert en.stages[1].name == "Omni-channel retail"
    shared = next(i for i in en.indicators if i.id == "om_shared_inventory")
    assert [lv.label for lv in shared.answer.levels] == [  # type: ignore[union-attr]
        "Separate stock per channel",
        "Visible across channels",
        "Shared, updated every 15-30 minutes or routed to the nearest store",
        "One pool sold by all channels in real time",
    ]
    assert not [(n, v) for n, v in texts(en) if CJK.search(v)]


def test_bundled_chinese_uses_the_words_of_chinese_retail() -> None:
    zh = load_rubric(None, "zh")
    assert [s.name for s in zh.stages] == ["多渠道零售", "全渠道零售", "智慧零售"]
    assert zh.baseline.name == "单渠道零售"
    shared = next(i for i in zh.indicators if i.id == "om_shared_inventory")
    assert shared.answer.levels[3].label == "全渠道实时一盘货"  # type: ignore[union-attr]
    fulfilment = next(i for i in zh.indicators if i.id == "sr_automated_fulfilment")
    assert fulfilment.answer.options[0].label == "前置仓或微型履约中心"  # type: ignore[union-attr]


def test_the_public_api_takes_a_language() -> None:
    assert public_load_rubric(TINY, lang="zh").title == "小型评估"
    assert public_load_rubric(TINY).title == "Tiny rubric"


def test_a_missing_translation_warns_and_falls_back_to_the_default(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        TINY.read_text(encoding="utf-8")
        .replace("zh: 各渠道库存是否打通？}", "}")
        .replace(
            "{en: Is stock shared across channels?, }", "{en: Is stock shared across channels?}"
        ),
        encoding="utf-8",
    )
    rubric, problems = read_rubric(str(path), "zh")
    assert [str(p) for p in problems] == [
        f"{path}:20:15: warning: missing 'zh' translation; the rubric declares languages en, zh"
    ]
    assert rubric is not None
    assert rubric.indicators[0].question == "Is stock shared across channels?"
    assert rubric.indicators[1].question == "顾客怎么拿到商品？"


def test_an_unknown_language_falls_back_to_the_first_declared() -> None:
    rubric = load_rubric(TINY, "pt")
    assert rubric.lang == "en"
    assert rubric.title == "Tiny rubric"


def test_without_a_context_a_mapping_resolves_to_its_first_language() -> None:
    data = {
        "id": "x",
        "version": 1,
        "title": {"zh": "标题", "en": "Title"},
        "baseline": {"id": "b0", "name": "B"},
        "stages": [{"id": "s1", "name": "S", "threshold": 0.5}],
        "dimensions": [{"id": "d1", "name": "D"}],
        "label": {"threshold": 0.5},
        "indicators": [
            {
                "id": "a",
                "stage": "s1",
                "dimension": "d1",
                "focus": "supply",
                "weight": 1,
                "question": "Q?",
                "answer": {"kind": "boolean"},
            }
        ],
    }
    assert Rubric.model_validate(data).title == "标题"
    assert Rubric.model_validate(data, context={"lang": "en"}).title == "Title"


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("zh_CN.UTF-8", "zh"),
        ("en_US.UTF-8", "en"),
        ("pt_BR", "pt"),
        ("de", "de"),
        ("sr_RS@latin", "sr"),
        ("C.UTF-8", None),
        ("POSIX", None),
        ("", None),
    ],
)
def test_language_of_locale(locale: str, language: str | None) -> None:
    assert language_of_locale(locale) == language
