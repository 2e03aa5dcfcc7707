"""Settings a user need not retype, and where each one came from.

The command line wins over the environment (`RETAIL_STAGE_RUBRIC`, `RETAIL_STAGE_LANG`), the
environment over a configuration file, the file over the defaults. The file is the nearest
`retail-stage.toml`, or `pyproject.toml` with a `[tool.retail-stage]` table, found from the
current folder upward; it may set `rubric` (relative to the file's folder), `lang`, `workers`
and `max-bytes`. Without a language set anywhere, the locale's is used, read as POSIX orders
it: `LC_ALL`, then `LC_MESSAGES`, then `LANG`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retail_stage.messages import _
from retail_stage.sources import Problem, SourceError

CONFIG_FILE = "retail-stage.toml"
TABLE = "tool.retail-stage"
KEYS: dict[str, type] = {"rubric": str, "lang": str, "workers": int, "max-bytes": int}
ENVIRONMENT = {"rubric": "RETAIL_STAGE_RUBRIC", "lang": "RETAIL_STAGE_LANG"}
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


@dataclass(frozen=True)
class Setting:
    """A value and where it came from (`--lang`, `RETAIL_STAGE_LANG`, a file, `default`)."""

    value: Any
    origin: str


@dataclass(frozen=True)
class Settings:
    """What a command runs with; each value None when nothing set it."""

    rubric: Setting
    lang: Setting
    workers: Setting
    max_bytes: Setting

    def lines(self) -> list[str]:
        """A line a setting but the rubric (the caller names that one), for `--verbose`."""
        lines = []
        for name, setting in (
            ("lang", self.lang),
            ("workers", self.workers),
            ("max-bytes", self.max_bytes),
        ):
            if setting.value is not None:
                told = _("{value} (from {origin})").format(
                    value=setting.value, origin=setting.origin
                )
            elif setting.origin == "default":
                told = _("default")
            else:  # a locale that names no language (C, POSIX)
                told = _("default ({variable} names no language)").format(variable=setting.origin)
            lines.append(f"{name}: {told}")
        return lines


def resolve(
    given: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    start: Path | None = None,
) -> Settings:
    """The settings from `given` (the command line's values, None where not given, keyed by
    the names of KEYS), the environment and the configuration file; raises SourceError for a
    configuration file that is not valid."""
    environ = os.environ if environ is None else environ
    found = find_config(Path.cwd() if start is None else start)
    config, config_origin = ({}, "") if found is None else found

    def pick(key: str, option: str) -> Setting:
        if given.get(key) is not None:
            return Setting(given[key], option)
        variable = ENVIRONMENT.get(key)
        if variable and environ.get(variable):
            return Setting(environ[variable], variable)
        if key in config:
            return Setting(config[key], config_origin)
        return Setting(None, "default")

    lang = pick("lang", "--lang")
    if lang.value is None:
        for variable in LOCALE_VARIABLES:
            if environ.get(variable):
                lang = Setting(language_of_locale(environ[variable]), variable)
                break
    return Settings(
        pick("rubric", "--rubric"),
        lang,
        pick("workers", "--workers"),
        pick("max-bytes", "--max-bytes"),
    )


def language_of_locale(locale: str) -> str | None:
    """The language code of a locale name such as zh_CN.UTF-8 (zh); None for C or POSIX."""
    code = locale.split(".", 1)[0].split("@", 1)[0].replace("-", "_").split("_", 1)[0].lower()
    return code if 2 <= len(code) <= 3 and code.isalpha() and code.isascii() else None


def find_config(start: Path) -> tuple[dict[str, Any], str] | None:
    """The settings of the nearest configuration file at or above `start`, and its name as
    `--verbose` shows it; None when there is none."""
    for folder in (start, *start.parents):
        own = folder / CONFIG_FILE
        if own.is_file():
            return _settings_of(own, None), _shown(own)
        project = folder / "pyproject.toml"
        if project.is_file():
            text = _text(project)
            # Most pyproject.toml files have no table of ours: skip parsing them.
            if "[tool.retail-stage]" in text or '[tool."retail-stage"]' in text:
                return _settings_of(project, "retail-stage", text), f"{_shown(project)} [{TABLE}]"
    return None


def _shown(path: Path) -> str:
    """`path` as errors show it: relative to the current folder when it is under it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        if isinstance(exc, OSError):
            from retail_stage.sources import os_reason

            reason = os_reason(exc)
        else:
            reason = _("not UTF-8 text")
        message = _("cannot read the configuration: {reason}").format(reason=reason)
        raise SourceError(Problem(_shown(path), message)) from None


def _settings_of(path: Path, table: str | None, text: str | None = None) -> dict[str, Any]:
    """The checked settings of a configuration file (of its `[tool.<table>]` when given)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - the suite runs the 3.10 branch in .ci/run's second pass
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

    shown = _shown(path)
    text = _text(path) if text is None else text
    try:
        content = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        line, column = (int(at[1]), int(at[2])) if at else (None, None)
        message = _("invalid TOML: {problem}").format(problem=message)
        raise SourceError(Problem(shown, message, line, column)) from None
    if table is not None:
        content = content.get("tool", {}).get(table, {})
    problems: list[Problem] = []
    settings: dict[str, Any] = {}
    for key, value in content.items():
        wanted = KEYS.get(key)
        line = _line_of(text, key)
        if wanted is None:
            known = ", ".join(KEYS)
            message = _("unknown setting {key}; known: {known}").format(key=repr(key), known=known)
            problems.append(Problem(shown, message, line, 1))
        elif not isinstance(value, wanted) or isinstance(value, bool):
            if wanted is str:
                message = _("{key} must be text, got {value}")
            else:
                message = _("{key} must be a whole number, got {value}")
            problems.append(Problem(shown, message.format(key=key, value=repr(value)), line, 1))
        elif isinstance(value, int) and value < 1:
            message = _("{key} must be at least 1, got {value}").format(key=key, value=value)
            problems.append(Problem(shown, message, line, 1))
        else:
            settings[key] = value
    if problems:
        raise SourceError(problems)
    if "rubric" in settings:
        settings["rubric"] = str(path.parent / settings["rubric"])
    return settings


def _line_of(text: str, key: str) -> int | None:
    """The line where `key` is set (the first one, when several tables set it)."""
    found = re.search(rf'^[ \t]*(?:"{re.escape(key)}"|{re.escape(key)})[ \t]*=', text, re.M)
    return text.count("\n", 0, found.start()) + 1 if found else None
