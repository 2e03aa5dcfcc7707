"""User text as rich `Text`: shown literally, never parsed as markup, control characters visible."""

from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def neutral(value: str) -> str:
    """The string with control and bidi characters replaced by visible escapes like \\x1b."""
    return _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        value,
    )


def literal(value: str, style: str = "") -> Text:
    """A `Text` showing `value` exactly as the user wrote it.

    A line too long for its cell is folded onto the next, never cut short with an ellipsis:
    rich breaks lines at spaces, and Chinese text has none, so cutting would drop words.
    """
    return Text(neutral(value), style=style, overflow="fold")
