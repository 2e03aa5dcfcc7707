"""A checked rubric kept on disk, so that a run need not build pydantic's models to check it.

What it gains, `retail-stage score one.yaml` with and without it in the same run
(benchmarks/bench_startup.py, medians, 2 cores): with typer 0.29, which imports pydantic
itself, +12% to +14% on 2026-12-05 (405-421 against 455-476 ms; +14% to +20% earlier); with
typer 0.26-0.28, +86% to +95%. Under the 15% a trick must earn with the newest typer, but it
stays: without it `score one.yaml` is at the 1.5 x floor start-up target (1.50-1.52).
A rubric's checked form depends on its bytes, the language asked for and this package's code
alone, so an entry is keyed by the SHA-256 of the bytes, the language and the package
version, and is used only when all three match what it records.

Entries are JSON files in `cache_dir()`, written atomically. The cache is only ever a
shortcut: an entry that cannot be read, is damaged or records another key is ignored and the
rubric validated as without it, and a folder that cannot be written (a read-only home) just
means no entry is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retail_stage.version import __version__

if TYPE_CHECKING:
    from retail_stage.rubric import Rubric

ENV = "RETAIL_STAGE_CACHE_DIR"
"""Environment variable naming the cache folder, before the platform's own."""

FORMAT = 2
"""Version of an entry's layout: entries of another one are ignored."""


def cache_dir() -> Path | None:
    """Where entries live: $RETAIL_STAGE_CACHE_DIR, else the user's cache folder
    (%LOCALAPPDATA%\\retail-stage on Windows, $XDG_CACHE_HOME/retail-stage or
    ~/.cache/retail-stage elsewhere); None when there is none to be found."""
    chosen = os.environ.get(ENV)
    if chosen:
        return Path(chosen)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "retail-stage" if base else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG spec: a relative path is to be ignored
        return Path(xdg) / "retail-stage"
    try:
        return Path.home() / ".cache" / "retail-stage"
    except RuntimeError:  # no home to be found
        return None


def key(data: bytes, lang: str | None) -> dict[str, Any]:
    """What an entry for a rubric of these bytes, read in `lang`, must record."""
    return {
        "format": FORMAT,
        "version": __version__,
        "sha256": hashlib.sha256(data).hexdigest(),
        "lang": lang,
    }


def _entry_path(folder: Path, wanted: dict[str, Any]) -> Path:
    name = hashlib.sha256(json.dumps(wanted, sort_keys=True).encode("utf-8")).hexdigest()
    return folder / f"rubric-{name[:32]}.json"


def read(data: bytes, lang: str | None) -> Rubric | None:
    """The rubric of these bytes in `lang` as it was checked before, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    wanted = key(data, lang)
    try:
        stored = json.loads(_entry_path(folder, wanted).read_bytes())
        if not isinstance(stored, dict) or stored.get("key") != wanted:
            return None
        from retail_stage.rubric import rubric_from_data

        return rubric_from_data(stored["rubric"])
    except Exception:  # a damaged entry, whatever the damage: validate instead
        return None


def write(data: bytes, lang: str | None, rubric: Rubric) -> None:
    """Keep `rubric`, checked from these bytes in `lang`; any failure is ignored."""
    folder = cache_dir()
    if folder is None:
        return
    from retail_stage.rubric import plain_data

    wanted = key(data, lang)
    temporary = None
    try:
        text = json.dumps({"key": wanted, "rubric": plain_data(rubric)}, ensure_ascii=False)
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".rubric-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, _entry_path(folder, wanted))
        temporary = None
    except (OSError, TypeError, ValueError):
        pass  # no cache this time: the next run validates again
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
