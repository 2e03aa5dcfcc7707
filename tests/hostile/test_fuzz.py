"""Bounded fuzzing: whatever the bytes or the structure, only the project's own error comes out."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retail_stage.engine import CompiledRubric, compile_rubric
from retail_stage.loading import Document, Failure, documents_from_text, load_rubric, score_document
from retail_stage.sources import SourceError, decode
from tests.conftest import DATA

MINI: CompiledRubric = compile_rubric(load_rubric(DATA / "mini-rubric.yaml"))

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["yes", "no", "n/a", "unknown", "some", "x", "p", "a", "company", "answers"]),
)
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(
                st.text(max_size=8),
                st.integers(),
                st.sampled_from(["a", "b", "d", "e", "value", "note", "name"]),
            ),
            children,
            max_size=4,
        ),
    ),
    max_leaves=20,
)
PROFILE_LIKE = st.fixed_dictionaries(
    {"company": st.one_of(STRUCTURES, st.fixed_dictionaries({"name": STRUCTURES}))},
    optional={
        "answers": st.one_of(
            STRUCTURES, st.dictionaries(st.sampled_from(list("abcdefz")), STRUCTURES)
        ),
        "rubric": STRUCTURES,
    },
)


def consume(data: bytes, kind: str) -> None:
    try:
        text = decode(data, "f")
        for document in documents_from_text(text, "f", kind):
            if not isinstance(document, Failure):
                with contextlib.suppress(SourceError):
                    score_document(MINI, document)
    except SourceError:
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.sampled_from(["yaml", "json", "jsonl"]))
def test_arbitrary_bytes_raise_only_source_errors(data: bytes, kind: str) -> None:
    consume(data, kind)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("{}[]:,-&*!|>'\"#\n ?abyes01.%@`\t")), max_size=120))
def test_yaml_like_text_raises_only_source_errors(text: str) -> None:
    consume(text.encode("utf-8"), "yaml")


@settings(max_examples=300, deadline=None)
@given(PROFILE_LIKE)
def test_arbitrary_structures_raise_only_source_errors(data: dict[str, Any]) -> None:
    for text in (yaml.safe_dump(data), json.dumps(data, default=str)):
        problems: tuple[object, ...] = ()
        try:
            score_document(MINI, Document("p", "p", data, text))
        except SourceError as exc:
            problems = exc.problems
        assert all("\n" not in str(p) for p in problems)
