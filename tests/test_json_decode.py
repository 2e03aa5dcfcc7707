"""How a JSON document or JSONL line is read (`load_json`): its values, and its errors as one
line at the place to fix."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from retail_stage.batch import score_paths
from retail_stage.engine import CompiledRubric
from retail_stage.loading import Failure
from retail_stage.sources import SourceError, load_json

PROFILE_LINE = json.dumps(
    {
        "rubric": {"id": "retail-stages", "version": "1.1"},
        "company": {"name": "Store 000001", "id": "s-1", "assessed_on": "2026-03-04"},
        "answers": {
            "mc_channel_types": ["stores", "online"],
            "om_fulfilment_options": {"value": ["click-and-collect"], "note": "seen on site"},
            "sr_smart_stores": 65,
            "sr_data_platform": "none",
            "mc_channel_staff": True,
            "om_customer_identity": None,
            "sr_cost_efficiency": 0.25,
        },
    },
    ensure_ascii=False,
)


def canonical(value: Any) -> Any:
    """A value with every type spelt out and floats as their bits (-0.0 and inf included)."""
    if isinstance(value, dict):
        return ("dict", [(key, canonical(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [canonical(item) for item in value])
    if isinstance(value, float):
        return ("float", struct.pack("<d", value).hex())
    return (type(value).__name__, value)


def outcome(decode: Any, text: str) -> tuple[str, Any]:
    try:
        return "value", canonical(decode(text, "p.jsonl", 6))
    except SourceError as exc:
        return "error", str(exc)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1, "a": 2}', "p.jsonl:7:10: error: duplicate key 'a'"),
        ('{"a": {"b": {"c": {"d": 1, "d": 2}}}}', "p.jsonl:7:28: error: duplicate key 'd'"),
        ('{"a": [{"b": 1, "b": 2}]}', "p.jsonl:7:17: error: duplicate key 'b'"),
        ('{"a": NaN}', "p.jsonl:7:1: error: invalid JSON: NaN is not a number JSON allows"),
        (
            '{"a": Infinity}',
            "p.jsonl:7:1: error: invalid JSON: Infinity is not a number JSON allows",
        ),
        (
            '{"a": [-Infinity]}',
            "p.jsonl:7:1: error: invalid JSON: -Infinity is not a number JSON allows",
        ),
        ('{"a": "x\ty"}', "p.jsonl:7:9: error: invalid JSON: Invalid control character at"),
        ('{"a": "x\x00"}', "p.jsonl:7:9: error: invalid JSON: Invalid control character at"),
        ('{"a": "\\x"}', "p.jsonl:7:8: error: invalid JSON: Invalid \\escape"),
        ('{"a": "\\u12"}', "p.jsonl:7:9: error: invalid JSON: Invalid \\uXXXX escape"),
        ('\ufeff{"a": 1}', "p.jsonl:7:1: error: invalid JSON: Expecting value"),
        ('{"a": 1} x', "p.jsonl:7:10: error: invalid JSON: Extra data"),
        ('{"a": 1}{}', "p.jsonl:7:9: error: invalid JSON: Extra data"),
        ('{"a": 1}\x0c', "p.jsonl:7:9: error: invalid JSON: Extra data"),
        ('{"a": 01}', "p.jsonl:7:8: error: invalid JSON: Expecting ',' delimiter"),
        (
            '{"a": 1,}',
            # CPython's own words (3.13 names the trailing comma, and where it is)
            "p.jsonl:7:8: error: invalid JSON: Illegal trailing comma before end of object"
            if sys.version_info >= (3, 13)
            else "p.jsonl:7:9: error: invalid JSON: Expecting property name enclosed in double quotes",
        ),
        ("", "p.jsonl:7:1: error: invalid JSON: Expecting value"),
        (
            '{"a":' + "[" * 5000 + "]" * 5000 + "}",
            "p.jsonl:7:1: error: document is nested too deeply",
        ),
        (
            '{"a": ' + "9" * 4301 + "}",
            "p.jsonl:7:7: error: a number of 4,301 characters is too long (the limit is 100); "
            "is this the right value?",
        ),
    ],
)
def test_refused_lines_get_todays_error_line(text: str, expected: str) -> None:
    assert outcome(load_json, text) == ("error", expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1e400, "b": -1e400}', {"a": float("inf"), "b": float("-inf")}),
        ('{"a": 1e-400}', {"a": 0.0}),
        ('{"a": -0, "b": -0.0}', {"a": 0, "b": -0.0}),
        ('{"a": 1E+5, "b": 10}', {"a": 100000.0, "b": 10}),
        ('{"a": ' + "9" * 100 + "}", {"a": int("9" * 100)}),
        ('{"a": "\\\\ud800", "b": "\\udbff\\udfff"}', {"a": "\\ud800", "b": "\U0010ffff"}),
        ('{"a": "\\ud83d\\ude00\\u00e9\\u0000\\/\\"\\n"}', {"a": '😀é\x00/"\n'}),
        ('{"a": "x\x7fy\u2028"}', {"a": "x\x7fy\u2028"}),
        ('{"a": 1}  \t\r ', {"a": 1}),
        ('{"a": "k:v", "b": {"c": {"d": {"e": []}}}}', {"a": "k:v", "b": {"c": {"d": {"e": []}}}}),
        ('{"a":' + "[" * 199 + "]" * 199 + "}", {"a": json.loads("[" * 199 + "]" * 199)}),
        ('{"a":' + "[" * 250 + "]" * 250 + "}", {"a": json.loads("[" * 250 + "]" * 250)}),
        ("  [1, 2] ", [1, 2]),
    ],
)
def test_accepted_lines_decode_to_todays_value(text: str, expected: Any) -> None:
    assert outcome(load_json, text) == ("value", canonical(expected))


def test_a_batch_names_bad_jsonl_lines_as_before(mini: CompiledRubric, tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(
        '{"company": {"name": "Co"}, "answers": {"a": true}}\n'
        '{"company": {"name": "Co"}, "company": {"name": "Co"}}\n'
        '{"company": {"name": "C:o"}, "answers": {"a": NaN}}\n'
        '{"company": {"name": "Co"}, "answers": {"d": 1e400}}\n',
        encoding="utf-8",
    )
    results = list(score_paths(mini, [str(path)]))
    assert [r.message for r in results if isinstance(r, Failure)] == [
        f"{path}:2:29: error: duplicate key 'company'",
        f"{path}:3:1: error: invalid JSON: NaN is not a number JSON allows",
        f"{path}:4:46: error: expected a finite number for 'd', got inf",
    ]
    assert len(results) == 4


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ('{"name": "A\\ud800"}', 12),  # a high half alone
        ('{"name": "\\udc00"}', 11),  # a low half alone
        ('{"name": "\\ud83d\\u0041"}', 11),  # a high half, then no low half
        ('{"a": "\\ud83d\\ude00", "b": "\\ud800", "c": "\\udc00"}', 29),  # the first lone one
        ('{"a": "\\ud800", "b": "\\udc00"}', 8),  # halves in two strings make no pair
        ('{"\\ud800": 1}', 3),  # in a key too
    ],
)
def test_a_lone_half_of_a_surrogate_pair_is_refused_where_it_is(text: str, column: int) -> None:
    # No output could write it (UTF-8 has no such character): refused when read, with its place.
    at = column - 1
    message = f"invalid JSON: {text[at : at + 6]} is half of a surrogate pair, not a character"
    assert outcome(load_json, text) == ("error", f"p.jsonl:7:{column}: error: {message}")


def test_a_lone_surrogate_costs_its_line_only(tmp_path: Path) -> None:
    lines = [
        '{"company": {"name": "Half \\ud800"}, "answers": {}}',
        '{"company": {"name": "Whole \\ud83d\\ude00"}, "answers": {}}',
    ]
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "retail_stage", "score", str(path), "-f", "jsonl"],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 1
    assert f"{path}:1:28: error: invalid JSON: \\ud800 is half of a surrogate pair" in done.stderr
    assert "Traceback" not in done.stderr
    (error, result) = (json.loads(line) for line in done.stdout.splitlines())
    assert error["source"] == f"{path}:1"
    assert result["company"]["name"] == "Whole \U0001f600"


DIGITS_LIMIT = (
    "a number of 4,301 characters is too long (the limit is 100); is this the right value?"
)


@pytest.mark.parametrize(
    ("line", "where", "message"),
    [
        ('{"company": {"name": "Big"}, "answers": {"a": ' + "9" * 4301 + "}}", 47, DIGITS_LIMIT),
        (
            '{"company": {"name": "Big"}, "answers": {"a": NaN}}',
            1,
            "invalid JSON: NaN is not a number JSON allows",
        ),
        (
            '{"company": {"name": "Big"}, "answers": {"mc_online_assortment": 1e400}}',
            66,
            "expected a finite number for 'mc_online_assortment', got inf",
        ),
        (
            '{"company": {"name": "Deep"}, "answers": {"a": ' + "[" * 5000 + "]" * 5000 + "}}",
            1,
            "document is nested too deeply",
        ),
        (
            '{"company": {"name": "Twice"}, "company": {"name": "Twice"}}',
            32,
            "duplicate key 'company'",
        ),
    ],
)
def test_score_names_a_refused_jsonl_line_and_scores_the_next(
    tmp_path: Path, line: str, where: int, message: str
) -> None:
    # Through the real command: no traceback, one located line, the good line after it scored.
    path = tmp_path / "p.jsonl"
    good = '{"company": {"name": "Good"}, "answers": {}}'
    path.write_text(f"{line}\n{good}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "retail_stage", "score", str(path), "-f", "jsonl"],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 1
    assert f"{path}:1:{where}: error: {message}\n" in done.stderr
    assert "Traceback" not in done.stderr
    (error, result) = (json.loads(out) for out in done.stdout.splitlines())
    assert error == {
        "source": f"{path}:1",
        "error": f"{path}:1:{where}: error: {message}",
        "line": 1,
        "column": where,
        "message": message,
    }
    assert result["company"]["name"] == "Good"


def test_json_nesting_has_the_same_limit_on_every_python() -> None:
    # 3.13's decoder nests deeper than the recursion limit let earlier ones: ours decides.
    deepest = '{"a":' + "[" * 299 + "]" * 299 + "}"  # 300 levels, the limit
    assert outcome(load_json, deepest)[0] == "value"
    assert outcome(load_json, '{"a":' + "[" * 300 + "]" * 300 + "}") == (
        "error",
        "p.jsonl:7:1: error: document is nested too deeply",
    )
