"""Settings: command line over environment over configuration file over defaults; the
locale read as POSIX orders it; a bad configuration file is located lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from retail_stage.cli import app
from retail_stage.settings import Setting, resolve
from retail_stage.sources import SourceError

from .conftest import DATA, EXAMPLES

runner = CliRunner()
NOTHING = {"rubric": None, "lang": None, "workers": None, "max-bytes": None}
BRANDT = str(EXAMPLES / "02-brandt-haushaltswaren.yaml")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, Setting("zh", "LC_ALL")),
        ({"LC_MESSAGES": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, Setting("zh", "LC_MESSAGES")),
        ({"LC_ALL": "", "LANG": "en_GB.UTF-8"}, Setting("en", "LANG")),
        ({"LC_ALL": "C"}, Setting(None, "LC_ALL")),
        ({}, Setting(None, "default")),
        ({"RETAIL_STAGE_LANG": "en", "LC_ALL": "zh_CN.UTF-8"}, Setting("en", "RETAIL_STAGE_LANG")),
    ],
)
def test_the_language_follows_posix_locale_order(
    tmp_path: Path, environ: dict[str, str], expected: Setting
) -> None:
    assert resolve(NOTHING, environ, tmp_path).lang == expected


def test_the_command_line_wins_over_the_environment_over_the_file(tmp_path: Path) -> None:
    (tmp_path / "retail-stage.toml").write_text(
        'rubric = "rubrics/mine.yaml"\nlang = "zh"\nworkers = 2\nmax-bytes = 1000\n'
    )
    inner = tmp_path / "clients" / "acme"
    inner.mkdir(parents=True)
    environ = {"RETAIL_STAGE_RUBRIC": "/r.yaml", "LANG": "en_US.UTF-8"}
    found = resolve({**NOTHING, "workers": 4}, environ, inner)
    origin = f"{tmp_path / 'retail-stage.toml'}"
    assert found.rubric == Setting("/r.yaml", "RETAIL_STAGE_RUBRIC")
    assert found.lang == Setting("zh", origin)
    assert found.workers == Setting(4, "--workers")
    assert found.max_bytes == Setting(1000, origin)
    assert resolve(NOTHING, {}, inner).rubric == Setting(
        str(tmp_path / "rubrics" / "mine.yaml"), origin
    )


def test_a_pyproject_counts_only_with_its_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert resolve(NOTHING, {}, tmp_path).workers == Setting(None, "default")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.retail-stage]\nworkers = 3\n'
    )
    assert resolve(NOTHING, {}, tmp_path).workers == Setting(
        3, f"{tmp_path / 'pyproject.toml'} [tool.retail-stage]"
    )


def test_a_bad_configuration_names_every_line_to_fix(tmp_path: Path) -> None:
    path = tmp_path / "retail-stage.toml"
    path.write_text('lang = "zh"\nworkerz = 2\nmax-bytes = "5 MB"\nworkers = 0\n')
    with pytest.raises(SourceError) as caught:
        resolve(NOTHING, {}, tmp_path)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{path}:2:1: error: unknown setting 'workerz'; known: rubric, lang, workers, max-bytes",
        f"{path}:3:1: error: max-bytes must be a whole number, got '5 MB'",
        f"{path}:4:1: error: workers must be at least 1, got 0",
    ]
    path.write_text('lang = "zh\n')
    with pytest.raises(SourceError) as caught:
        resolve(NOTHING, {}, tmp_path)
    assert str(caught.value.problems[0]).startswith(f"{path}:1:")


def test_score_speaks_the_language_of_lc_all(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    result = runner.invoke(app, ["score", BRANDT])
    assert result.exit_code == 0
    assert "多渠道零售" in result.stdout


def test_score_takes_its_limit_and_rubric_from_the_configuration(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "retail-stage.toml").write_text(
        f'rubric = "{DATA / "mini-rubric.yaml"}"\nmax-bytes = 100\n'
    )
    result = runner.invoke(app, ["score", BRANDT])
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0]
        == f"{BRANDT}: error: file is 2,161 bytes, over the limit of 100 bytes"
    )
    result = runner.invoke(app, ["score", "--max-bytes", "100000", BRANDT, "-f", "jsonl"])
    assert "profile was answered for rubric 'retail-stages', not 'mini'" in result.stdout


def test_a_language_set_by_name_that_the_rubric_lacks_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RETAIL_STAGE_LANG", "fr")
    result = runner.invoke(app, ["score", BRANDT])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: RETAIL_STAGE_LANG fr: rubric 'retail-stages' has no 'fr' texts; it declares en, zh\n"
    )
    monkeypatch.setenv("RETAIL_STAGE_LANG", "")
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")  # a locale is a wish, not an order
    assert runner.invoke(app, ["score", BRANDT]).exit_code == 0
