"""The message catalogue: every sentence the tool says, in the interface language.

English is written in the code and is the default. Other languages are stdlib `gettext`
catalogues: `locale/<lang>/LC_MESSAGES/retail_stage.po`, the text translators edit, compiled to
the `.mo` file next to it that `gettext` reads. `python -m retail_stage.messages` (a maintainer's
command, with Babel installed) brings each `.po` up to date with the code, new messages
untranslated and gone ones dropped, and compiles it; a test fails when a message of the code has
no translation or the `.mo` disagrees with its `.po`. Call `_` outside f-strings: the extractor
reads string literals only.

Messages take named fields, `_("{n} unknown answers").format(n=3)`, so a translation may put
them in its own order. The language is the rubric's (`use`, called once a command knows which
rubric and language it works in): the questions and the sentences around them always agree.
"""

from __future__ import annotations

import gettext
import sys
from pathlib import Path

DOMAIN = "retail_stage"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "zh")
"""The interface languages; English needs no catalogue."""

_active: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def use(lang: str | None) -> None:
    """Speak `lang` from now on (English for None or a language without a catalogue)."""
    global _active, _language
    code = (lang or "en").split("_")[0].split("-")[0].lower()
    if code == _language:
        return
    if code in LANGUAGES and code != "en":
        _active = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code])
        _language = code
    else:
        _active, _language = gettext.NullTranslations(), "en"


def language() -> str:
    """The interface language in use."""
    return _language


def _(message: str) -> str:
    """`message` in the interface language."""
    return _active.gettext(message)


def n_(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for `n`, in the interface language."""
    return _active.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it (yet): for texts fixed when a
    module is imported, such as the command line's help, translated by `_` when shown."""
    return message


KEYWORDS = {"_": None, "n_": (1, 2), "N_": None}
"""The functions that mark a message, for Babel's extractor (`n_` takes two: singular, plural)."""


def update_catalogues() -> list[tuple[Path, list[str]]]:  # pragma: no cover - maintainer's tool
    """Bring every `.po` up to date with the code and compile it (needs Babel).

    Each catalogue keeps its translations and header, gains the code's new messages (empty,
    to translate) and loses the ones the code no longer has; the output is sorted and has no
    line numbers, so a change to the code changes the file only where a message changed.
    Returns each catalogue with the messages still untranslated.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po, write_po

    found = extract_from_dir(
        str(Path(__file__).parent), method_map=[("**.py", "python")], keywords=KEYWORDS
    )
    code = [message for _file, _line, message, _comments, _context in found]
    done = []
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as source:
            catalog = read_po(source)
        template = Catalog(creation_date=catalog.creation_date)
        for message in code:
            template.add(message)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with po.open("wb") as target:
            write_po(target, catalog, no_location=True, sort_output=True, width=100)
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalog)
        todo = [str(m.id) for m in catalog if m.id and not m.string]
        done.append((po, todo))
    return done


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    for path, todo in update_catalogues():
        print(f"{path}: {len(todo)} to translate", file=sys.stderr)
        for message in todo:
            print(f"  {message!r}", file=sys.stderr)
