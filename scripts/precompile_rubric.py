"""Write retail_stage/bundled_rubric.json, the bundled rubric checked in each of its languages.

    python scripts/precompile_rubric.py

Run it after every edit of rubrics/retail-stages.yaml (tests/test_precompiled_rubric.py fails
until then; meanwhile the tool still works, validating the YAML on every run).
"""

from __future__ import annotations

import json

from retail_stage.loading import PRECOMPILED_RUBRIC, precompile_bundled_rubric
from retail_stage.output import write_atomic


def precompiled_text() -> str:
    """The file's text: one JSON object, stable from run to run."""
    return json.dumps(precompile_bundled_rubric(), ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    write_atomic(PRECOMPILED_RUBRIC, precompiled_text())
    print(f"wrote {PRECOMPILED_RUBRIC}")


if __name__ == "__main__":
    main()
