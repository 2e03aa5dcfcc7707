"""The package version and where the bundled rubric lies: light enough for any module (and
for `--version`) to import without the package API."""

from __future__ import annotations

import re
import sys
from pathlib import Path

__version__ = "0.1.0"

BUNDLED_RUBRIC_NAME = "retail-stages.yaml"


def bundled_rubric_path() -> Path:
    """The rubric shipped with the package (inside the wheel, or in a source checkout)."""
    # The package is installed as files (the rubric is read as a Path), so its folder is here.
    packaged = Path(__file__).parent / "rubrics" / BUNDLED_RUBRIC_NAME
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "rubrics" / BUNDLED_RUBRIC_NAME


def version_line() -> str:
    """What `--version` prints: the package, the bundled rubric (results depend on it) and
    Python. The rubric's id and version are read from its top-level lines, not parsed."""
    try:
        head = bundled_rubric_path().read_text(encoding="utf-8")
    except OSError:
        head = ""
    found = {
        key: match[1] if (match := re.search(rf"^{key}:\s*[\"']?([^\"'\s#]+)", head, re.M)) else "?"
        for key in ("id", "version")
    }
    python = ".".join(str(part) for part in sys.version_info[:3])
    return f"retail-stage {__version__} (rubric {found['id']} {found['version']}, Python {python})"
