"""Shared fixtures: the small hand-computable rubric and the bundled one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retail_stage.engine import CompiledRubric, compile_rubric
from retail_stage.loading import load_rubric

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples" / "profiles"


@pytest.fixture(scope="session", autouse=True)
def rubric_cache_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The suite, and every process it starts, caches checked rubrics in a folder of its own,
    never in the user's home (tests of the cache itself point it at their own tmp_path)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RETAIL_STAGE_CACHE_DIR", str(tmp_path_factory.mktemp("rubric-cache")))
        yield


@pytest.fixture(scope="session")
def mini() -> CompiledRubric:
    """tests/data/mini-rubric.yaml, compiled."""
    return compile_rubric(load_rubric(DATA / "mini-rubric.yaml"))


@pytest.fixture(scope="session")
def bundled() -> CompiledRubric:
    """The bundled rubric, compiled."""
    return compile_rubric(load_rubric())


@pytest.fixture(autouse=True)
def english_interface() -> Iterator[None]:
    """Every test starts and ends in English: a command run with --lang zh switches the
    interface language for the process, as it does for the one command a user runs."""
    from retail_stage import messages

    messages.use("en")
    yield
    messages.use("en")
