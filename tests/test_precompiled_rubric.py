"""The bundled rubric ships precompiled: the same objects as full validation, used only for the
exact bytes they were made from; any other rubric file is always validated."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from retail_stage import loading
from retail_stage import rubric as runtime
from retail_stage.loading import (
    PRECOMPILED_RUBRIC,
    bundled_rubric_path,
    load_rubric,
    precompile_bundled_rubric,
    read_rubric,
)
from retail_stage.sources import SourceError

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "scripts" / "precompile_rubric.py"
STALE = f"{PRECOMPILED_RUBRIC.name} is stale: run `python scripts/precompile_rubric.py`"


def script() -> Any:
    spec = importlib.util.spec_from_file_location("precompile_rubric", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    # load_rubric caches by path; these tests change what a path holds.
    loading._bundled_rubric.cache_clear()
    loading._load_rubric.cache_clear()
    yield
    loading._bundled_rubric.cache_clear()
    loading._load_rubric.cache_clear()


def test_the_committed_file_is_what_the_script_writes_from_the_yaml_today() -> None:
    assert PRECOMPILED_RUBRIC.read_text(encoding="utf-8") == script().precompiled_text(), STALE


def test_the_script_writes_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = script()
    target = tmp_path / "bundled_rubric.json"
    monkeypatch.setattr(module, "PRECOMPILED_RUBRIC", target)
    module.main()
    assert json.loads(target.read_text(encoding="utf-8")) == precompile_bundled_rubric()


@pytest.mark.parametrize("lang", [None, "en", "zh", "pt"])
def test_precompiled_objects_equal_those_of_full_validation(lang: str | None) -> None:
    path = str(bundled_rubric_path())
    precompiled = loading._precompiled_rubric(path, lang)
    validated, problems = read_rubric(path, lang)
    assert problems == []
    assert precompiled is not None
    assert precompiled == validated
    assert precompiled.lang == ("zh" if lang == "zh" else "en")
    assert isinstance(precompiled.indicators, tuple)
    assert isinstance(precompiled.indicators[0], runtime.Indicator)


def tampered(tmp_path: Path) -> Path:
    """A precompiled file that matches the bundled YAML but says something else."""
    stored = json.loads(PRECOMPILED_RUBRIC.read_text(encoding="utf-8"))
    for rubric in stored["rubrics"].values():
        rubric["title"] = "from the precompiled file"
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(stored), encoding="utf-8")
    return path


def test_the_bundled_rubric_is_read_from_the_precompiled_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "PRECOMPILED_RUBRIC", tampered(tmp_path))
    assert load_rubric().title == "from the precompiled file"
    assert load_rubric(lang="zh").title == "from the precompiled file"


def test_a_rubric_named_with_rubric_is_validated_even_with_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "PRECOMPILED_RUBRIC", tampered(tmp_path))
    copy = tmp_path / "copy.yaml"
    shutil.copyfile(bundled_rubric_path(), copy)
    assert load_rubric(copy).title == "Retail digitalization stages"
    assert load_rubric(bundled_rubric_path()).title == "Retail digitalization stages"


def edited_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    text = bundled_rubric_path().read_text(encoding="utf-8")
    assert text.count(old) == 1
    edited = tmp_path / "retail-stages.yaml"
    edited.write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.setattr(loading, "PRECOMPILED_RUBRIC", tampered(tmp_path))
    monkeypatch.setattr(loading, "bundled_rubric_path", lambda: edited)


def test_an_edited_bundled_yaml_is_validated_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited_bundle(tmp_path, monkeypatch, "en: Retail digitalization stages", "en: Edited title")
    assert load_rubric().title == "Edited title"


def test_an_edited_bundled_yaml_with_a_mistake_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited_bundle(tmp_path, monkeypatch, "id: retail-stages", "id: ''")
    with pytest.raises(SourceError) as caught:
        load_rubric()
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (73, 5)
    assert problem.message == "id: string should have at least 1 character"


def test_without_the_precompiled_file_the_yaml_is_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = read_rubric(str(bundled_rubric_path()), "zh")[0]
    monkeypatch.setattr(loading, "PRECOMPILED_RUBRIC", tmp_path / "missing.json")
    assert load_rubric(lang="zh") == expected


def test_plain_data_round_trips_every_part() -> None:
    rubric = load_rubric()
    data = runtime.plain_data(rubric)
    assert runtime.rubric_from_data(json.loads(json.dumps(data))) == rubric
    assert list(data) == [f.name for f in dataclasses.fields(runtime.Rubric)]
    assert data["languages"] == ["en", "zh"]


def test_rubric_ref_comes_from_the_pydantic_models_only_when_asked_for() -> None:
    from retail_stage.rubric_ref import RubricRef

    assert runtime.RubricRef is RubricRef
    assert RubricRef.model_validate({"id": "x", "version": 1.0}).version == "1.0"
    with pytest.raises(AttributeError, match="has no attribute 'Nothing'"):
        _ = runtime.Nothing  # type: ignore[attr-defined]


def test_each_runtime_class_has_the_fields_of_the_model_of_its_name() -> None:
    from retail_stage import rubric_model

    names = [
        "Baseline", "Stage", "Dimension", "LabelRule", "Level", "Option", "Band", "BooleanAnswer",
        "ScaleAnswer", "ChoiceAnswer", "MultiAnswer", "NumberAnswer", "AskIf", "Indicator", "Rubric",
    ]  # fmt: skip
    for name in names:
        model = getattr(rubric_model, name)
        plain = {f.name for f in dataclasses.fields(getattr(runtime, name))}
        assert plain == set(model.model_fields) | ({"lang"} if name == "Rubric" else set()), name


def test_a_damaged_precompiled_file_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    damaged = tmp_path / "damaged.json"
    damaged.write_text('{"sha256": ', encoding="utf-8")
    monkeypatch.setattr(loading, "PRECOMPILED_RUBRIC", damaged)
    assert load_rubric() == read_rubric(str(bundled_rubric_path()))[0]


@pytest.mark.parametrize(
    "content",
    [
        [],
        {"sha256": "HASH"},
        {"sha256": "HASH", "rubrics": {}},
        {"sha256": "HASH", "rubrics": []},
        {"sha256": "HASH", "rubrics": {"en": {"languages": ["en"]}}},
        {"sha256": "HASH", "rubrics": {"en": {"languages": ["en"], "stages": 3}}},
    ],
)
def test_a_precompiled_file_of_the_wrong_shape_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: object
) -> None:
    path = bundled_rubric_path()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps(content).replace("HASH", digest), encoding="utf-8")
    monkeypatch.setattr(loading, "PRECOMPILED_RUBRIC", damaged)
    assert loading._precompiled_rubric(str(path), None) is None
