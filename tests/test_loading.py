"""Loading with positions: every user mistake as PATH:LINE:COL: error: MESSAGE."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail_stage.batch import score_paths
from retail_stage.engine import CompiledRubric
from retail_stage.loading import (
    Document,
    Failure,
    _modelled_profile,
    plain_profile,
    read_rubric,
)
from retail_stage.sources import SourceError, decode, load_json, load_yaml_documents, locate


def failures(mini: CompiledRubric, path: Path) -> list[str]:
    return [r.message for r in score_paths(mini, [str(path)]) if isinstance(r, Failure)]


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "company:\n  name: Co\nanswers:\n  a: yes\n  b: most\n",
            "5:6: error: 'most' is not one of the options: none, some, all",
        ),
        (
            "company:\n  name: Co\nanswers:\n  a: yes\n  zz: 1\n",
            "5:3: error: unknown indicator 'zz' for rubric 'mini'",
        ),
        (
            "company:\n  name: Co\nanswers:\n  e: [p, q, zz]\n",
            "4:13: error: 'zz' is not one of the options: p, q, r",
        ),
        (
            "company:\n  name: Co\nanswers:\n  a: {value: 7, note: hm}\n",
            "4:14: error: expected yes or no for 'a', got 7",
        ),
        (
            "company:\n  sector: food\nanswers: {}\n",
            "2:3: error: company: missing required key 'name'",
        ),
        ("company:\n  name: Co\nanswer: {}\n", "3:1: error: unexpected key 'answer' in document"),
        (
            "company:\n  name: ''\n",
            "2:9: error: company.name: string should have at least 1 character",
        ),
        ("company:\n  name: Co\n  name: Do\n", "3:3: error: duplicate key 'name'"),
        (
            "company:\n  name: Co\n answers: {}\n",
            "3:2: error: invalid YAML: did not find expected key",
        ),
        ("- a\n- b\n", "1:1: error: expected a mapping at the top of the document, got a list"),
        (
            "company: {name: Co}\nrubric: {id: other}\n",
            "2:14: error: profile was answered for rubric 'other', not 'mini'; pass the matching --rubric",
        ),
    ],
)
def test_yaml_profile_errors_point_at_the_value(
    mini: CompiledRubric, tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, "p.yaml", text)
    assert failures(mini, path) == [f"{path}:{expected}"]


def test_json_profile_errors_point_at_the_value(mini: CompiledRubric, tmp_path: Path) -> None:
    path = write(
        tmp_path, "p.json", '{\n  "company": {"name": "Co"},\n  "answers": {"d": 500}\n}\n'
    )
    assert failures(mini, path) == [
        f"{path}:3:20: error: 500 % is out of range: expected a number from 0 to 100 %"
    ]


def test_json_duplicate_keys_are_errors(mini: CompiledRubric, tmp_path: Path) -> None:
    path = write(tmp_path, "p.json", '{"company": {"name": "Co"},\n "company": {"name": "Do"}}')
    assert failures(mini, path) == [f"{path}:2:2: error: duplicate key 'company'"]


def test_jsonl_errors_name_the_line(mini: CompiledRubric, tmp_path: Path) -> None:
    good = '{"company": {"name": "A"}, "answers": {"a": true}}'
    bad = '{"company": {"name": "B"}, "answers": {"a": 2}}'
    path = write(tmp_path, "p.jsonl", f"{good}\n\n{bad}\n{{nope\n")
    records = list(score_paths(mini, [str(path)]))
    assert [r.source for r in records] == [f"{path}:1", f"{path}:3", f"{path}:4"]
    assert [r.message for r in records if isinstance(r, Failure)] == [
        f"{path}:3:45: error: expected yes or no for 'a', got 2",
        f"{path}:4:2: error: invalid JSON: Expecting property name enclosed in double quotes",
    ]


def test_multi_document_yaml_names_each_document(mini: CompiledRubric, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "many.yaml",
        "company: {name: A}\n---\ncompany: {name: B}\nanswers: {a: maybe}\n---\ncompany: {name: C}\n",
    )
    records = list(score_paths(mini, [str(path)]))
    assert [r.source for r in records] == [f"{path}#1", f"{path}#2", f"{path}#3"]
    assert [r.message for r in records if isinstance(r, Failure)] == [
        f"{path}:4:14: error: 'maybe' is not yes or no"
    ]


@pytest.mark.parametrize(
    ("text", "sources", "error"),
    [
        # The good documents before a broken one are scored; the broken one is named.
        (
            "company: {name: A}\n---\ncompany: {name: B}\n---\ncompany: {name: C\n---\nx: 1\n",
            ["#1", "#2", ""],
            "6:1: error: invalid YAML: did not find expected ',' or '}'",
        ),
        # A broken second document still makes the first one path#1.
        (
            "company: {name: A}\n---\ncompany: {name: B, name: C}\n",
            ["#1", ""],
            "3:20: error: duplicate key 'name'",
        ),
        # A broken first document costs the file, as before.
        ("company: {name: A\n---\ncompany: {name: B}\n", [""], "2:1: error: invalid YAML"),
        # Empty documents are skipped wherever they are.
        ("---\n---\ncompany: {name: A}\n---\n", ["#2"], None),
    ],
)
def test_a_broken_yaml_document_costs_the_documents_from_it_on(
    mini: CompiledRubric, tmp_path: Path, text: str, sources: list[str], error: str | None
) -> None:
    path = write(tmp_path, "many.yaml", text)
    records = list(score_paths(mini, [str(path)]))
    assert [r.source for r in records] == [f"{path}{suffix}" for suffix in sources]
    failures = [r.message for r in records if isinstance(r, Failure)]
    if error is None:
        assert failures == []
    else:
        assert len(failures) == 1
        assert failures[0].startswith(f"{path}:{error}")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "file is empty: expected a profile"),
        (b"# only a comment\n", "no profile in file: it is empty or holds only comments"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file: expected UTF-8 text (YAML or JSON)"),
        (b"\xff\xfec\x00", "1:1: error: file is UTF-16; save it as UTF-8"),
        (b"company:\n  name: Caf\xe9\n", "2:12: error: not UTF-8 text (byte 0xe9)"),
    ],
)
def test_unusable_files_get_one_clear_line(
    mini: CompiledRubric, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = write(tmp_path, "p.yaml", content)
    (message,) = failures(mini, path)
    assert message in (f"{path}: error: {expected}", f"{path}:{expected}")


def test_utf8_bom_is_accepted() -> None:
    assert decode(b"\xef\xbb\xbfa: 1", "x") == "a: 1"


def test_oversized_files_are_refused() -> None:
    with pytest.raises(SourceError) as caught:
        decode(b"a" * 11, "big.yaml", max_bytes=10)
    assert str(caught.value) == "big.yaml: error: file is 11 bytes, over the limit of 10 bytes"


def test_python_tags_are_refused() -> None:
    with pytest.raises(SourceError) as caught:
        load_yaml_documents("x: !!python/object/apply:os.system ['true']\n", "evil.yaml")
    assert str(caught.value).startswith(
        "evil.yaml:1:4: error: tag '!!python/object/apply:os.system' is not allowed"
    )


def test_json_rejects_nan() -> None:
    with pytest.raises(SourceError) as caught:
        load_json('{"a": NaN}', "n.json")
    assert str(caught.value) == "n.json:1:1: error: invalid JSON: NaN is not a number JSON allows"


def test_locate_walks_as_far_as_the_document_goes() -> None:
    text = "a:\n  b:\n    - x\n    - y\n"
    assert locate(text, ("a", "b", 1)) == (4, 7)
    assert locate(text, ("a", "missing")) == (2, 3)
    assert locate(text, ("a", "b", "<key>")) == (2, 3)
    assert locate("x: 1\n---\ny: 2\n", ("y",), document=1) == (3, 4)


def test_missing_inputs_and_empty_folders(mini: CompiledRubric, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    records = list(score_paths(mini, [str(tmp_path / "nope.yaml"), str(tmp_path / "empty")]))
    assert [r.message for r in records if isinstance(r, Failure)] == [
        f"{tmp_path / 'nope.yaml'}: error: no such file or folder",
        f"{tmp_path / 'empty'}: error: folder holds no profiles (*.yaml, *.yml, *.json, *.jsonl)",
    ]


def test_folders_are_read_recursively_sorted_without_hidden(
    mini: CompiledRubric, tmp_path: Path
) -> None:
    for name in ("b.yaml", "sub/a.yml", ".hidden/c.yaml", ".d.yaml", "notes.txt"):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text("company: {name: X}\n")
    sources = [r.source for r in score_paths(mini, [str(tmp_path)])]
    assert sources == [str(tmp_path / "b.yaml"), str(tmp_path / "sub/a.yml")]


def test_globs_expand(mini: CompiledRubric, tmp_path: Path) -> None:
    for name in ("x1.yaml", "x2.yaml", "y.yaml"):
        write(tmp_path, name, "company: {name: X}\n")
    sources = [r.source for r in score_paths(mini, [str(tmp_path / "x*.yaml")])]
    assert sources == [str(tmp_path / "x1.yaml"), str(tmp_path / "x2.yaml")]


BROKEN_RUBRIC = """\
id: broken
version: 1
title: Broken
baseline: {id: b0, name: Base}
stages:
  - {id: s1, name: One, threshold: 0.5}
  - {id: s2, name: Two, threshold: 1.5}
dimensions: [{id: d1, name: D}]
label: {threshold: 0.5}
indicators:
  - {id: a, stage: s1, dimension: d1, focus: supply, weight: 1, question: A?, answer: {kind: boolean}}
  - {id: a, stage: s3, dimension: dx, focus: supply, weight: 1, question: B?, source: s,
     answer: {kind: boolean}}
"""


def test_rubric_field_errors_are_positioned(tmp_path: Path) -> None:
    path = write(tmp_path, "r.yaml", BROKEN_RUBRIC)
    rubric, problems = read_rubric(str(path))
    assert rubric is None
    assert [str(p) for p in problems] == [
        f"{path}:7:36: error: stages.1.threshold: input should be less than or equal to 1",
        f"{path}:11:10: warning: indicator 'a' has no source sentence",
        f"{path}:12:10: error: duplicate id 'a'",
        f"{path}:12:20: error: unknown stage 's3'; expected one of s1, s2",
        f"{path}:12:35: error: unknown dimension 'dx'; expected one of d1",
    ]


def test_rubric_whole_checks_report_every_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "r.yaml", BROKEN_RUBRIC.replace("threshold: 1.5", "threshold: 0.5"))
    rubric, problems = read_rubric(str(path))
    assert rubric is None
    assert [str(p) for p in problems] == [
        f"{path}:7:10: error: stage 's2' has no indicators",
        f"{path}:11:10: warning: indicator 'a' has no source sentence",
        f"{path}:12:10: error: duplicate id 'a'",
        f"{path}:12:20: error: unknown stage 's3'; expected one of s1, s2",
        f"{path}:12:35: error: unknown dimension 'dx'; expected one of d1",
    ]


# --- the plain profile check agrees with the Profile model ------------------------------------

_MAYBE_TEXT = st.one_of(st.none(), st.text(max_size=6), st.integers(0, 3))
_DATES = st.one_of(
    st.none(),
    st.dates().map(dt.date.isoformat),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["2026-02-30", "2026-1-05", "20260105", "2026-W01-1", " 2026-01-05", "x"]),
    st.integers(0, 10**9),
)
_COMPANY = st.fixed_dictionaries(
    {"name": st.one_of(st.text(max_size=6), st.just(" Lotus Lane "), st.none(), st.integers())},
    optional={
        "id": _MAYBE_TEXT,
        "sector": _MAYBE_TEXT,
        "country": _MAYBE_TEXT,
        "assessed_on": _DATES,
        "other": _MAYBE_TEXT,
    },
)
_REF = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {"id": st.one_of(st.just("retail-stages"), _MAYBE_TEXT)},
        optional={
            "version": st.one_of(_MAYBE_TEXT, st.floats(allow_nan=False), st.booleans()),
            "other": st.just(1),
        },
    ),
    st.lists(st.integers(), max_size=1),
)
_MAYBE_STR = st.one_of(st.none(), st.text(max_size=6))
_GOOD_PROFILE = st.fixed_dictionaries(
    {
        "company": st.fixed_dictionaries(
            {"name": st.text(min_size=1, max_size=8)},
            optional={
                "id": _MAYBE_STR,
                "sector": _MAYBE_STR,
                "country": _MAYBE_STR,
                "assessed_on": st.one_of(st.none(), st.dates(), st.dates().map(str)),
            },
        )
    },
    optional={
        "rubric": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"id": st.text(max_size=4)},
                optional={
                    "version": st.one_of(_MAYBE_STR, st.integers(), st.floats(allow_nan=False))
                },
            ),
        ),
        "answers": st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    },
)
_PROFILE_DATA = st.one_of(
    _GOOD_PROFILE,
    st.fixed_dictionaries(
        {"company": st.one_of(_COMPANY, _MAYBE_TEXT)},
        optional={
            "rubric": _REF,
            "answers": st.one_of(st.none(), st.just({"mc_online_store": "yes"}), st.just([1])),
            "other": st.just(1),
        },
    ),
    st.lists(st.integers(), max_size=1),
    st.text(max_size=3),
)


@settings(max_examples=400, deadline=None)
@given(_PROFILE_DATA)
def test_the_plain_check_accepts_only_what_the_model_accepts(data: object) -> None:
    checked = plain_profile(data)
    if checked is not None:
        document = Document("p.yaml", "p.yaml", data, "")
        assert _modelled_profile(document) == checked


def test_the_plain_check_takes_a_written_profile_as_the_model_does() -> None:
    text = (
        "rubric: {id: retail-stages, version: 1.0}\n"
        "company: {name: '  Lotus Lane ', sector: grocery, assessed_on: 2026-03-05}\n"
        "answers: {mc_online_store: yes}\n"
    )
    data = load_yaml_documents(text, "p.yaml")[0]
    checked = plain_profile(data)
    assert checked == (
        {
            "name": "Lotus Lane",
            "id": None,
            "sector": "grocery",
            "country": None,
            "assessed_on": "2026-03-05",
        },
        ("retail-stages", "1.0"),
        {"mc_online_store": True},
        None,
        None,
    )
    assert _modelled_profile(Document("p.yaml", "p.yaml", data, text)) == checked
    assert plain_profile({**data, "answers": None}) is None  # the model words that error


@pytest.mark.parametrize("space", ["\x1c", "\x1f", "\x85", "\xa0", "\u2009", "\u3000", "\u200b"])
def test_the_plain_check_strips_what_the_model_strips(space: str) -> None:
    data = {"company": {"name": f"{space}Lotus{space}", "sector": f" {space}"}}
    checked = plain_profile(data)
    assert checked is not None
    assert checked == _modelled_profile(Document("p.yaml", "p.yaml", data, ""))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"company": ', "p.jsonl:1:13: error: invalid JSON: Expecting value"),
        ('{"a": 1} {"b": 2}', "p.jsonl:1:10: error: invalid JSON: Extra data"),
        ('{"a": 1, "a": 2}', "p.jsonl:1:10: error: duplicate key 'a'"),
        ('{"a": NaN}', "p.jsonl:1:1: error: invalid JSON: NaN is not a number JSON allows"),
    ],
)
def test_a_json_line_that_is_not_one_object_is_worded_as_json_words_it(
    line: str, message: str
) -> None:
    with pytest.raises(SourceError) as caught:
        load_json(line, "p.jsonl")
    assert str(caught.value.problems[0]) == message


def test_a_json_line_may_have_spaces_around_its_object() -> None:
    assert load_json('  {"a": [1, 2]}  ', "p.jsonl") == {"a": [1, 2]}
    assert load_json('{"a": [1, 2]}', "p.jsonl") == {"a": [1, 2]}


def test_a_jsonl_text_is_cut_at_its_newlines_only(mini: CompiledRubric, tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(
        '{"company": {"name": "A\u2028a"}}\r\n\n{"company": {"name": "B\x85b"}}', encoding="utf-8"
    )
    records = list(score_paths(mini, [str(path)]))
    assert [r.source for r in records] == [f"{path}:1", f"{path}:3"]
    assert [r.company["name"] for r in records if not isinstance(r, Failure)] == [
        "A\u2028a",
        "B\x85b",
    ]


def test_the_api_reads_a_jsonl_file_line_by_line_as_score_does(
    mini: CompiledRubric, tmp_path: Path
) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(
        b'{"company": {"name": "A"}}\n{"company": {"name": "Caf\xe9"}}\n{"company": {"name": "C"}}\n'
    )
    records = list(score_paths(mini, [str(path)]))
    assert [r.source for r in records] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert isinstance(records[1], Failure)
    assert records[1].message == f"{path}:2:26: error: not UTF-8 text (byte 0xe9)"
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"\n\n")
    (failure,) = score_paths(mini, [str(empty)])
    assert isinstance(failure, Failure)
    assert failure.message == f"{empty}: error: file is empty: expected a profile"


def test_a_problem_in_a_late_document_is_located_in_that_document_alone(
    mini: CompiledRubric, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Locating by reading the file again up to the document made a file of many broken
    # documents take quadratic time; the document's own lines are enough.
    from retail_stage import loading

    read: list[str] = []
    real = loading.locate

    def locate(text: str, *args: object) -> tuple[int, int]:
        read.append(text)
        return real(text, *args)

    monkeypatch.setattr(loading, "locate", locate)
    documents = ["company: {name: A}\nanswers: {a: yes}\n"] * 3
    documents.append("company: {name: D}\nanswers:\n  a: yes\n  b: lots\n")
    documents.append("--- {company: {name: E}, answers: {c: z}}\n")
    path = write(tmp_path, "many.yaml", "---\n".join(documents))
    records = list(score_paths(mini, [str(path)]))
    assert [r.message for r in records if isinstance(r, Failure)] == [
        f"{path}:13:6: error: 'lots' is not one of the options: none, some, all",
        f"{path}:15:39: error: 'z' is not one of the options: x, y",
    ]
    assert read == [
        "company: {name: D}\nanswers:\n  a: yes\n  b: lots\n",
        "--- {company: {name: E}, answers: {c: z}}\n",
    ]
