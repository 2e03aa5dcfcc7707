"""Start-up: `--version` and `--help` load no models, renderers, progress bar or questionnaire."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import contextlib, io, json, sys
sys.argv = ["retail-stage", *json.loads(sys.argv[1])]
from retail_stage.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main()
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)))
"""

OURS = (
    "retail_stage.rubric",
    "retail_stage.profile",
    "retail_stage.engine",
    "retail_stage.loading",
    "retail_stage.questionnaire",
    "rich.progress",
)
LIGHT_RENDER = (
    "retail_stage.render",
    "retail_stage.render.formats",
    "retail_stage.render.report_formats",
)


def loaded_by(arguments: list[str]) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(arguments)],
        capture_output=True,
        text=True,
        check=True,
    )
    modules: list[str] = json.loads(completed.stdout)
    return modules


def heavy(modules: list[str], prefixes: tuple[str, ...]) -> list[str]:
    return [
        m
        for m in modules
        if m.startswith(prefixes) or (m.startswith("retail_stage.render") and m not in LIGHT_RENDER)
    ]


def test_version_loads_no_pydantic_rich_or_models() -> None:
    assert heavy(loaded_by(["--version"]), ("pydantic", "rich", *OURS)) == []


def test_help_loads_no_pydantic_nor_models() -> None:
    # Help is drawn by rich (its panels group the options); no model is needed to draw it.
    assert heavy(loaded_by(["--help"]), ("pydantic", *OURS)) == []


@pytest.mark.parametrize("command", ["score", "report", "assess", "rubric"])
def test_command_help_loads_none_of_our_models_or_renderers(command: str) -> None:
    # typer itself may load pydantic to describe parameters; our models and renderers stay out.
    assert heavy(loaded_by([command, "--help"]), OURS) == []


def test_version_fast_path_prints_the_version() -> None:
    from retail_stage import __version__

    completed = subprocess.run(
        [sys.executable, "-m", "retail_stage", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.startswith(f"retail-stage {__version__} (rubric retail-stages 1.1, ")


def test_scoring_with_a_cached_rubric_builds_none_of_its_pydantic_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first run checks the rubric with its models and caches it; later runs read it.
    monkeypatch.setenv("RETAIL_STAGE_CACHE_DIR", str(tmp_path / "cache"))
    root = Path(__file__).parent.parent.parent
    example = str(root / "examples" / "profiles" / "03-lotus-lane-grocers.yaml")
    custom = tmp_path / "custom.yaml"
    custom.write_text((root / "tests" / "data" / "mini-rubric.yaml").read_text("utf-8"), "utf-8")
    for arguments in (["--format", "json"], ["--rubric", str(custom)]):
        first = loaded_by(["score", example, *arguments])
        assert "retail_stage.rubric_model" in first
        again = loaded_by(["score", example, *arguments])
        assert "retail_stage.engine" in again
        assert "retail_stage.rubric_model" not in again
