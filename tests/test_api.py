"""The public API: load_rubric, load_profiles, score."""

from __future__ import annotations

from pathlib import Path

import pytest

from retail_stage import load_profiles, load_rubric, score
from retail_stage.engine import compile_rubric
from retail_stage.sources import SourceError

from .conftest import DATA, EXAMPLES


def test_score_examples_through_the_api() -> None:
    rubric = load_rubric()
    results = [score(rubric, p) for p in load_profiles(EXAMPLES)]
    assert len(results) == len(list(EXAMPLES.glob("*.yaml")))
    assert results[0].source.endswith(".yaml")


def test_score_a_plain_mapping() -> None:
    rubric = load_rubric(DATA / "mini-rubric.yaml")
    result = score(rubric, {"company": {"name": "Co"}, "answers": {"a": True, "b": "all"}})
    assert (result.stage, result.index) == ("s1", 1.0)
    assert score(compile_rubric(rubric), {"company": {"name": "Co"}}).stage == "b0"


def test_score_a_bad_mapping_raises_the_located_error() -> None:
    rubric = load_rubric(DATA / "mini-rubric.yaml")
    with pytest.raises(SourceError) as caught:
        score(rubric, {"company": {"name": "Co"}, "answers": {"a": 5}})
    assert caught.value.first.message == "expected yes or no for 'a', got 5"


def test_load_profiles_raises_for_a_missing_path() -> None:
    with pytest.raises(SourceError) as caught:
        list(load_profiles(DATA / "nope.yaml"))
    assert str(caught.value).endswith("nope.yaml: error: no such file or folder")


def test_engine_imports_neither_rich_nor_typer() -> None:
    import subprocess
    import sys

    code = (
        "import sys, retail_stage, retail_stage.engine, retail_stage.loading, retail_stage.batch;"
        "print(sorted(m for m in ('rich', 'typer') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_load_profiles_yields_each_bad_file_in_its_place_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("company: {name: A}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("company: [unclosed\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text("", encoding="utf-8")
    (tmp_path / "d.yaml").write_text("company: {name: D}\n", encoding="utf-8")
    items = list(load_profiles(tmp_path, errors="yield"))
    assert [type(i).__name__ for i in items] == [
        "Document",
        "SourceError",
        "SourceError",
        "Document",
    ]
    assert str(items[1]).startswith(f"{tmp_path / 'b.yaml'}:2:1: error: ")
    assert str(items[2]) == f"{tmp_path / 'c.yaml'}: error: file is empty: expected a profile"
    with pytest.raises(SourceError) as caught:
        list(load_profiles(tmp_path))
    assert caught.value.first.path == str(tmp_path / "b.yaml")


def test_load_profiles_refuses_an_unknown_errors_mode() -> None:
    with pytest.raises(ValueError, match='errors must be "raise" or "yield", not \'skip\''):
        load_profiles(EXAMPLES, errors="skip")  # type: ignore[call-overload]


def test_source_error_is_exported() -> None:
    import retail_stage

    assert retail_stage.SourceError is SourceError
    assert "SourceError" in retail_stage.__all__


def test_the_documented_pool_example_runs_under_spawn(tmp_path: Path) -> None:
    import subprocess
    import sys

    readme = (EXAMPLES.parents[1] / "docs" / "python.md").read_text(encoding="utf-8")
    block = readme.split("<!-- api-pool-example -->\n```python\n", 1)[1].split("```", 1)[0]
    script = tmp_path / "pool_example.py"
    script.write_text(block + "    import json\n    print(json.dumps(rows))\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(script)],
        cwd=EXAMPLES.parents[1],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    summary, rows_json = out.stdout.splitlines()
    rubric = load_rubric()
    expected = [score(rubric, p).to_record() for p in load_profiles(EXAMPLES)]
    assert summary == f"{len(expected)} {expected[0]['stage']}"
    import json

    rows = json.loads(rows_json)
    assert [row.pop("source") for row in rows] == [
        f"examples/profiles/{Path(e.pop('source')).name}" for e in expected
    ]
    assert rows == json.loads(json.dumps(expected))
