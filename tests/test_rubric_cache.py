"""A checked rubric is kept in the cache: the same objects as full validation, used only for
the exact bytes, language and package version it was made from; any failure of the cache
means validating as without it."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from retail_stage import loading, rubric_cache
from retail_stage import rubric as runtime
from retail_stage.loading import load_rubric, read_rubric
from retail_stage.sources import SourceError
from retail_stage.version import bundled_rubric_path

MINI = Path(__file__).parent / "data" / "mini-rubric.yaml"


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder of this test's own, and no rubric remembered in the process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(rubric_cache.ENV, str(folder))
    loading._load_rubric.cache_clear()
    yield folder
    loading._load_rubric.cache_clear()


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("rubric-*.json")) if folder.is_dir() else []


def loaded_again(path: Path | None = None, lang: str | None = None) -> runtime.Rubric:
    """load_rubric as a new process would run it: nothing remembered but the cache."""
    loading._load_rubric.cache_clear()
    return load_rubric(path, lang)


@pytest.mark.parametrize("lang", [None, "en", "zh", "pt"])
def test_a_cache_hit_gives_the_rubric_full_validation_gives(cache: Path, lang: str | None) -> None:
    validated, problems = read_rubric(str(bundled_rubric_path()), lang)
    assert problems == []
    assert load_rubric(lang=lang) == validated
    (entry,) = entries(cache)
    hit = rubric_cache.read(bundled_rubric_path().read_bytes(), lang)
    assert hit == validated
    assert hit is not None
    assert hit.lang == ("zh" if lang == "zh" else "en")
    assert isinstance(hit.indicators, tuple)
    assert isinstance(hit.indicators[0], runtime.Indicator)
    assert loaded_again(lang=lang) == validated
    assert entries(cache) == [entry]


def tamper(folder: Path, title: str = "from the cache") -> None:
    """Every entry still matching its key, but saying something else."""
    for entry in entries(folder):
        stored = json.loads(entry.read_text(encoding="utf-8"))
        stored["rubric"]["title"] = title
        entry.write_text(json.dumps(stored), encoding="utf-8")


def test_a_rubric_is_read_from_the_cache_once_checked(cache: Path) -> None:
    load_rubric()
    load_rubric(lang="zh")
    load_rubric(MINI)
    assert len(entries(cache)) == 3
    tamper(cache)
    assert loaded_again().title == "from the cache"
    assert loaded_again(lang="zh").title == "from the cache"
    assert loaded_again(MINI).title == "from the cache"


def test_a_copy_of_a_rubric_shares_its_entry(cache: Path, tmp_path: Path) -> None:
    load_rubric()
    tamper(cache)
    copy = tmp_path / "copy.yaml"
    shutil.copyfile(bundled_rubric_path(), copy)
    assert loaded_again(copy).title == "from the cache"


def test_an_edited_rubric_is_validated_again(cache: Path, tmp_path: Path) -> None:
    edited = tmp_path / "r.yaml"
    text = bundled_rubric_path().read_text(encoding="utf-8")
    edited.write_text(text, encoding="utf-8")
    load_rubric(edited)
    tamper(cache)
    edited.write_text(text.replace("en: Retail digitalization stages", "en: Edited"), "utf-8")
    assert loaded_again(edited).title == "Edited"
    edited.write_text(text.replace("id: retail-stages", "id: ''"), "utf-8")
    with pytest.raises(SourceError) as caught:
        loaded_again(edited)
    (problem,) = caught.value.problems
    line = text.splitlines().index("id: retail-stages") + 1
    assert (problem.line, problem.column) == (line, 5)
    assert problem.message == "id: string should have at least 1 character"


def test_a_rubric_with_errors_is_never_kept(cache: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI.read_text(encoding="utf-8").replace("threshold: 0.6", "threshold: 0"))
    with pytest.raises(SourceError):
        load_rubric(bad)
    assert entries(cache) == []


@pytest.mark.parametrize("field", ["sha256", "lang", "version", "format"])
def test_an_entry_recording_another_key_is_not_trusted(cache: Path, field: str) -> None:
    load_rubric()
    (entry,) = entries(cache)
    stored = json.loads(entry.read_text(encoding="utf-8"))
    stored["rubric"]["title"] = "from the cache"
    stored["key"][field] = "other"
    entry.write_text(json.dumps(stored), encoding="utf-8")
    assert loaded_again().title == "Retail digitalization stages"
    assert json.loads(entry.read_text(encoding="utf-8"))["key"][field] != "other"  # rewritten


@pytest.mark.parametrize(
    "content",
    [
        '{"key": ',
        "[]",
        '{"key": KEY}',
        '{"key": KEY, "rubric": {}}',
        '{"key": KEY, "rubric": []}',
        '{"key": KEY, "rubric": {"languages": ["en"]}}',
        '{"key": KEY, "rubric": {"languages": ["en"], "stages": 3}}',
        "\udcff",
    ],
)
def test_a_damaged_entry_falls_back_to_validation(cache: Path, content: str) -> None:
    load_rubric()
    (entry,) = entries(cache)
    key = json.dumps(rubric_cache.key(bundled_rubric_path().read_bytes(), None))
    entry.write_bytes(content.replace("KEY", key).encode("utf-8", "surrogateescape"))
    assert rubric_cache.read(bundled_rubric_path().read_bytes(), None) is None
    assert loaded_again() == read_rubric(str(bundled_rubric_path()))[0]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root writes anyway")
def test_an_unwritable_cache_folder_still_works(cache: Path) -> None:
    cache.mkdir()
    cache.chmod(0o500)
    try:
        assert load_rubric() == read_rubric(str(bundled_rubric_path()))[0]
        assert entries(cache) == []
    finally:
        cache.chmod(0o700)


def test_a_cache_folder_that_cannot_be_made_still_works(
    cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A file where the folder should be: as good a stand-in for a read-only home as root has.
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(rubric_cache.ENV, str(blocker / "cache"))
    assert load_rubric() == read_rubric(str(bundled_rubric_path()))[0]
    assert loaded_again() == read_rubric(str(bundled_rubric_path()))[0]


def test_a_failed_write_leaves_no_temporary_file(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(source: str, target: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(rubric_cache.os, "replace", refuse)
    load_rubric()
    assert list(cache.iterdir()) == []


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"RETAIL_STAGE_CACHE_DIR": "/c/own"}, "/c/own"),
        ({"XDG_CACHE_HOME": "/c/xdg"}, "/c/xdg/retail-stage"),
        ({"XDG_CACHE_HOME": "relative"}, "HOME/.cache/retail-stage"),
        ({}, "HOME/.cache/retail-stage"),
    ],
)
def test_the_cache_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, environment: dict[str, str], expected: str
) -> None:
    for name in ("RETAIL_STAGE_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", "linux")
    assert rubric_cache.cache_dir() == Path(expected.replace("HOME", str(tmp_path)))


def test_the_cache_folder_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RETAIL_STAGE_CACHE_DIR", raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", "/c/local")
    assert rubric_cache.cache_dir() == Path("/c/local/retail-stage")
    monkeypatch.delenv("LOCALAPPDATA")
    assert rubric_cache.cache_dir() is None


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
        assert plain == set(model.model_fields) | (
            {"lang", "option_labels"} if name == "Rubric" else set()
        ), name
