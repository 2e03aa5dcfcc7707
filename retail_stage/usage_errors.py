"""click's and typer's own messages (a wrong option, a missing argument, a bad value) in the
interface language.

typer vendors click without gettext: its messages are English f-strings, built when the error
is raised (`No such option: --x`) or when it is shown (`Missing argument 'PATH...'.`). So they
are translated where they are shown: by the kind of error and its fields where it has them,
else by the English sentence, read back into its parts by the patterns below; a message
nothing here knows stays as click wrote it. The values the user typed are kept as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from retail_stage.messages import _

_Pattern = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _usage_patterns() -> list[_Pattern]:
    """Whole usage messages (UsageError and BadOptionUsage), English pattern to translation."""
    return [
        (
            re.compile(r"No such option: (?P<option>.+)", re.S),
            lambda m: _("No such option: {option}").format(option=m["option"]),
        ),
        (
            re.compile(r"No such command (?P<name>'.*')\.(?: Did you mean (?P<like>.+)\?)?", re.S),
            lambda m: (
                _("No such command {name}.").format(name=m["name"])
                + ("" if m["like"] is None else _(" Did you mean {names}?").format(names=m["like"]))
            ),
        ),
        (re.compile(r"Missing command\."), lambda m: _("Missing command.")),
        (
            re.compile(r"Option (?P<option>'.*') requires an argument\."),
            lambda m: _("Option {option} requires an argument.").format(option=m["option"]),
        ),
        (
            re.compile(r"Option (?P<option>'.*') requires (?P<n>\d+) arguments\."),
            lambda m: _("Option {option} requires {n} arguments.").format(
                option=m["option"], n=m["n"]
            ),
        ),
        (
            re.compile(r"Option (?P<option>'.*') does not take a value\."),
            lambda m: _("Option {option} does not take a value.").format(option=m["option"]),
        ),
        (
            re.compile(r"Got unexpected extra argument\(s\) \((?P<args>.*)\)", re.S),
            lambda m: _("Unexpected extra arguments: {args}").format(args=m["args"]),
        ),
    ]


def _value_patterns() -> list[_Pattern]:
    """Why a value is not accepted (the part after `Invalid value for '--x':`)."""
    return [
        (
            re.compile(r"(?P<value>.*) is not one of (?P<choices>.*)\.", re.S),
            lambda m: _("{value} is not one of {choices}").format(
                value=m["value"], choices=m["choices"]
            ),
        ),
        (
            re.compile(r"Input should be a valid integer.*", re.S),
            lambda m: _("expected a whole number"),
        ),
        (
            re.compile(r"Input should be a valid number.*", re.S),
            lambda m: _("expected a number"),
        ),
        (
            re.compile(r"Input should be greater than or equal to (?P<n>\S+)"),
            lambda m: _("expected at least {n}").format(n=m["n"]),
        ),
        (
            re.compile(r"Input should be a valid boolean.*", re.S),
            lambda m: _("expected yes or no"),
        ),
        (
            re.compile(r"(?:File|Directory|Path) (?P<path>'.*') does not exist\.", re.S),
            lambda m: _("{path} does not exist").format(path=m["path"]),
        ),
        (
            re.compile(r"(?:File|Directory|Path) (?P<path>'.*') is a file\.", re.S),
            lambda m: _("{path} is a file, not a folder").format(path=m["path"]),
        ),
        (
            re.compile(r"(?:File|Directory|Path) (?P<path>'.*') is a directory\.", re.S),
            lambda m: _("{path} is a folder, not a file").format(path=m["path"]),
        ),
        (
            re.compile(r"(?:File|Directory|Path) (?P<path>'.*') is not readable\.", re.S),
            lambda m: _("{path} cannot be read").format(path=m["path"]),
        ),
        (
            re.compile(r"(?:File|Directory|Path) (?P<path>'.*') is not writable\.", re.S),
            lambda m: _("{path} cannot be written").format(path=m["path"]),
        ),
    ]


def _translated(text: str, patterns: list[_Pattern]) -> str:
    for pattern, translate in patterns:
        found = pattern.fullmatch(text)
        if found:
            return translate(found)
    return text


def _hint(error: Any) -> str:
    """The option or argument an error is about, as click names it (`'--format' / '-f'`)."""
    hint = error.param_hint
    if hint is None and error.param is not None:
        hint = error.param.get_error_hint()
    if hint is not None and not isinstance(hint, str):
        hint = " / ".join(repr(x) for x in hint)
    return str(hint or "")


def usage_message(error: Any) -> str:
    """The message of a click error (`error.format_message()`) in the interface language."""
    from typer._click import exceptions

    from retail_stage import messages

    if messages.language() == "en":
        return str(error.format_message())  # click's own words, as every click tool has them
    if isinstance(error, exceptions.MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param else "")
        hint = _hint(error)
        extra = error.param.get_missing_message(ctx=error.ctx) if error.param else None
        if error.message or extra or hint == "":
            return str(error.format_message())
        if kind == "argument":
            return _("Missing argument {name}.").format(name=hint)
        if kind == "option":
            return _("Missing option {name}.").format(name=hint)
        return _("Missing parameter {name}.").format(name=hint)
    if isinstance(error, exceptions.NoSuchOption):
        text = _translated(error.message, _usage_patterns())
        if error.possibilities:
            text += _(" (possible options: {options})").format(
                options=", ".join(sorted(error.possibilities))
            )
        return text
    if isinstance(error, exceptions.BadParameter):
        reason = _translated(error.message.removeprefix("Value error, "), _value_patterns())
        hint = _hint(error)
        if not hint:
            return _("Invalid value: {reason}").format(reason=reason)
        return _("Invalid value for {name}: {reason}").format(name=hint, reason=reason)
    if isinstance(error, exceptions.UsageError):
        return _translated(error.format_message(), _usage_patterns())
    return str(error.format_message())


def rich_texts() -> dict[str, str]:
    """typer's words around an error (its panel title, the hint line), for `typer.rich_utils`."""
    return {
        "ERRORS_PANEL_TITLE": _("Error"),
        "RICH_HELP": _("Try [blue]'{command_path} {help_option}'[/] for help."),
        "ABORTED_TEXT": _("Aborted."),
    }
