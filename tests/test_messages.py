"""The message catalogue: every message of the code translated, and Chinese documents in Chinese."""

from __future__ import annotations

import ast
import dataclasses
import gettext
import html
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from rich.console import Console

from retail_stage import messages
from retail_stage.batch import score_paths
from retail_stage.engine import Result, compile_rubric
from retail_stage.loading import load_rubric
from retail_stage.render.report import print_report, render_report
from retail_stage.render.report_data import build_report
from retail_stage.render.report_formats import ReportFormat

from .conftest import EXAMPLES

PO = messages.LOCALE_DIR / "zh" / "LC_MESSAGES" / "retail_stage.po"
PACKAGE = Path(messages.__file__).parent


def code_messages() -> set[str | tuple[str, str]]:
    """Every message the code passes to `_` or `n_` (as Babel's extractor finds them)."""
    found: set[str | tuple[str, str]] = set()
    keywords = {"_": None, "n_": (1, 2), "N_": None}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=keywords
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def catalogue() -> dict[str | tuple[str, str], object]:
    with PO.open("rb") as source:
        catalog = read_po(source)
    return {
        (m.id if isinstance(m.id, str) else (m.id[0], m.id[1])): m.string for m in catalog if m.id
    }


def test_every_message_of_the_code_has_a_chinese_translation() -> None:
    used = code_messages()
    assert len(used) > 100  # the extractor found the renderers' messages
    translated = catalogue()
    missing = [m for m in used if not translated.get(m)]
    assert missing == []
    empty_plural = [m for m, s in translated.items() if isinstance(s, tuple) and not all(s)]
    assert empty_plural == []


def _calls_inside_f_strings(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in ("_", "n_")
                ):
                    lines.append(inner.lineno)
    return lines


def test_no_message_hides_inside_an_f_string_where_the_extractor_cannot_see_it() -> None:
    assert _calls_inside_f_strings("x = f\"| {_('Company')} |\"\n") == [1]
    hidden = {
        str(path.relative_to(PACKAGE)): _calls_inside_f_strings(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert {name: lines for name, lines in hidden.items() if lines} == {}


def test_a_message_missing_from_the_catalogue_is_caught(tmp_path: Path) -> None:
    (tmp_path / "new.py").write_text('from m import _\nprint(_("A sentence nobody translated"))\n')
    found = {
        m
        for _f, _l, m, _c, _x in extract_from_dir(
            str(tmp_path), method_map=[("**.py", "python")], keywords={"_": None}
        )
    }
    assert found == {"A sentence nobody translated"}
    assert "A sentence nobody translated" not in catalogue()


def test_no_translation_is_left_over_from_a_message_the_code_no_longer_has() -> None:
    assert sorted(map(str, set(catalogue()) - code_messages())) == []


def test_each_translation_keeps_the_fields_of_its_message() -> None:
    fields = re.compile(r"\{(\w*)\}")
    for message, translation in catalogue().items():
        source = message if isinstance(message, str) else message[1]
        for text in translation if isinstance(translation, tuple) else (translation,):
            assert set(fields.findall(str(text))) == set(fields.findall(source)), message


def test_the_compiled_catalogue_is_the_one_the_po_file_says() -> None:
    with (PO.with_suffix(".mo")).open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    for message, translation in catalogue().items():
        if isinstance(message, str):
            assert mo.gettext(message) == translation, message
        else:
            assert isinstance(translation, tuple)
            assert mo.ngettext(message[0], message[1], 2) == translation[0], message


def test_the_interface_language_follows_use() -> None:
    messages.use("zh_CN")
    assert (messages.language(), messages._("Verdict")) == ("zh", "结论")
    messages.use("fr")
    assert (messages.language(), messages._("Verdict")) == ("en", "Verdict")


# --- Chinese documents hold no English words -------------------------------------------------

RUBRIC_ZH = load_rubric(None, "zh")
QUOTE = "〔原文〕"
# The evidence quotes each indicator's sentence of the model as the source text has it (in
# English): a citation, like a file name, not the tool's own words. The documents are drawn
# with a marker in its place, and each must show the marker as often as it shows a quote.
QUOTING_RUBRIC = dataclasses.replace(
    RUBRIC_ZH,
    indicators=tuple(
        dataclasses.replace(ind, source=QUOTE) if ind.source else ind
        for ind in RUBRIC_ZH.indicators
    ),
)
COMPILED_ZH = compile_rubric(QUOTING_RUBRIC)
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def _rubric_words() -> set[str]:
    """Latin words the Chinese rubric itself uses (App, SKU, ERP, AI...): names, not English."""
    texts: list[str] = [RUBRIC_ZH.title, RUBRIC_ZH.description]
    for ind in RUBRIC_ZH.indicators:
        texts += [ind.question, ind.help or ""]
        answer = ind.answer
        for option in [*getattr(answer, "options", []), *getattr(answer, "levels", [])]:
            texts.append(option.label)
        texts.append(getattr(answer, "unit", "") or "")
    return {w for text in texts for w in ENGLISH_WORD.findall(text)}


ALLOWED = " ".join(sorted(_rubric_words() | {"retail-stages"}))


class _Text(HTMLParser):
    """The text a reader sees in an HTML or SVG file (no tags, styles or scripts)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._hidden += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _seen(fmt: ReportFormat, text: str) -> str:
    if fmt in (ReportFormat.HTML, ReportFormat.SVG):
        parser = _Text()
        parser.feed(text)
        return " ".join(parser.parts)
    if fmt is ReportFormat.MD:
        return html.unescape(text.replace("<br>", " "))
    return text


def _english(text: str, result: Result) -> list[str]:
    """Latin words of the text that are neither the rubric's nor the company's own.

    A word counts as theirs when it is part of one of their words or texts: a narrow column
    folds a long word ("What" / "sApp"), and an SVG splits a line into several text runs.
    """
    own = " ".join([str(v) for v in result.company.values()] + [*result.notes.values()])
    own += " " + result.source
    words = ENGLISH_WORD.findall(text)
    return sorted({w for w in words if w not in ALLOWED and w not in own})


PROFILES = sorted(EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_every_chinese_report_of_every_example_has_no_english_words(path: Path) -> None:
    messages.use("zh")
    (result,) = score_paths(COMPILED_ZH, [str(path)])
    assert isinstance(result, Result)
    out = io.StringIO()
    print_report(build_report(result, QUOTING_RUBRIC), Console(file=out, width=100))
    documents = {"terminal": out.getvalue()}
    for fmt in (ReportFormat.TXT, ReportFormat.MD, ReportFormat.HTML, ReportFormat.SVG):
        documents[fmt.value] = _seen(fmt, render_report(result, QUOTING_RUBRIC, fmt))
    quoted = sum(1 for ind in RUBRIC_ZH.indicators if ind.source)
    assert {name: text.count(QUOTE) for name, text in documents.items()} == dict.fromkeys(
        documents, quoted
    )
    english = {name: _english(text, result) for name, text in documents.items()}
    assert english == {name: [] for name in documents}
