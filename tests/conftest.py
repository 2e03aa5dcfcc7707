"""Shared fixtures: the small hand-computable rubric and the bundled one."""

from __future__ import annotations

from pathlib import Path

import pytest

from retail_stage.engine import CompiledRubric, compile_rubric
from retail_stage.loading import load_rubric

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples" / "profiles"


@pytest.fixture(scope="session")
def mini() -> CompiledRubric:
    """tests/data/mini-rubric.yaml, compiled."""
    return compile_rubric(load_rubric(DATA / "mini-rubric.yaml"))


@pytest.fixture(scope="session")
def bundled() -> CompiledRubric:
    """The bundled rubric, compiled."""
    return compile_rubric(load_rubric())
