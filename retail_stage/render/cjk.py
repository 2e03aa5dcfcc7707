"""Line breaking for Chinese (and Japanese, Korean) text in rich tables.

Rich wraps at spaces and folds a longer run anywhere, so a Chinese sentence, which has no
spaces, breaks at the column's edge even when that puts a full stop or a closing bracket at the
start of a line. `CjkText` breaks between any two wide characters instead, never before closing
punctuation nor after opening punctuation, and never inside a Latin word such as "App".
"""

from __future__ import annotations

import html
import itertools
import re
from typing import TYPE_CHECKING

from rich.cells import cell_len, get_character_cell_size
from rich.containers import Lines
from rich.measure import Measurement
from rich.text import Text

from retail_stage.render.text import neutral

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, JustifyMethod, OverflowMethod

NO_LINE_START = frozenset("，。、；：？！）》」』】〉〕”’…%‰～·,.;:?!)]}")
"""Characters a line must not begin with (closing punctuation)."""
NO_LINE_END = frozenset("（《「『【〈〔“‘([{")
"""Characters a line must not end with (opening punctuation)."""
_WIDE = re.compile(
    r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]"
)


def may_break(text: str, at: int) -> bool:
    """Whether a line may end before `text[at]`."""
    before, after = text[at - 1], text[at]
    if before.isspace():
        return True
    if after.isspace() or after in NO_LINE_START or before in NO_LINE_END:
        return False
    return bool(_WIDE.match(before) or _WIDE.match(after))


def break_offsets(text: str, width: int) -> list[int]:
    """Where each line after the first starts, for lines of at most `width` cells.

    Spaces at the end of a line may overhang (rich trims them). A run without any allowed
    break that is wider than `width` is cut at the edge, as rich's `fold` does.
    """
    offsets: list[int] = []
    start, cells, last = 0, 0, 0
    for at, char in enumerate(text):
        if at > start and may_break(text, at):
            last = at
        size = get_character_cell_size(char)
        if cells + size > width and at > start and not char.isspace():
            cut = last if last > start else at
            offsets.append(cut)
            start, last = cut, cut
            cells = cell_len(text[start:at])
            if cells + size > width and at > start:
                offsets.append(at)
                start, last, cells = at, at, 0
        cells += size
    return offsets


class CjkText(Text):
    """A `Text` that wraps Chinese, Japanese and Korean text where a reader expects it."""

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        """Lines of at most `width` cells, broken as Chinese typesetting breaks them."""
        if no_wrap or self.no_wrap or overflow == "ignore" or not _WIDE.search(self.plain):
            return super().wrap(
                console,
                width,
                justify=justify,
                overflow=overflow,
                tab_size=tab_size,
                no_wrap=no_wrap,
            )
        wrap_justify = justify or self.justify or "default"
        wrap_overflow = overflow or self.overflow or "fold"
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            pieces = line.divide(break_offsets(line.plain, width))
            for piece in pieces:
                if piece.cell_len > width:  # an overhanging space (rich's rstrip_end counts
                    piece.rstrip()  # characters, not cells, so it misses wide text)
            pieces.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for piece in pieces:
                piece.truncate(width, overflow=wrap_overflow)
            lines.extend(pieces)
        return lines

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """Narrowest: the widest run that cannot be broken; widest: the longest line."""
        plain = self.plain
        if not _WIDE.search(plain):
            return super().__rich_measure__(console, options)
        cuts = [0, *(at for at in range(1, len(plain)) if may_break(plain, at)), len(plain)]
        narrowest = max(cell_len(plain[a:b].rstrip()) for a, b in itertools.pairwise(cuts))
        widest = max(cell_len(line) for line in plain.splitlines()) if plain else 0
        return Measurement(narrowest, widest).clamp(max_width=options.max_width)


def cjk_literal(value: str, style: str = "") -> CjkText:
    """User text shown literally (like `render.text.literal`), wrapped for Chinese readers."""
    return CjkText(neutral(value), style=style)


_SVG_TEXT = re.compile(r'(<text [^>]*?textLength=")([0-9.]+)("[^>]*>)([^<]*)(</text>)')


def fit_wide_text(svg: str, char_width: float) -> str:
    """Rich's SVG export with each text run as wide as the cells it fills.

    Rich sets a run's `textLength` from its number of characters but places runs by cells, so
    a Chinese run, two cells a character, is squeezed to half its width and drawn over its
    neighbours; this sets the length from the cells.
    """

    def fit(found: re.Match[str]) -> str:
        text = html.unescape(found.group(4))
        cells = cell_len(text)
        if cells <= len(text):  # no wide character (a run of 0 cells is drawn as rich drew it)
            return found.group(0)
        length = round(char_width * cells, 2)
        return found.group(1) + f"{length:g}" + found.group(3) + found.group(4) + found.group(5)

    return _SVG_TEXT.sub(fit, svg)
