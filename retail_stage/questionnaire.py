"""The interactive assessment: the rubric's questions, one at a time, saved after every answer.

The flow talks to the person only through a `Terminal` (show a renderable, read a line), so
tests drive it in-process with scripted lines and the real command reads lines itself: rich
prompts loop forever on a closed stream, this flow stops and keeps what was typed. Parsing an
answer is a pure function (`parse_answer`); the views live in `render/assess.py`, and both
read the questions through `questions.py` (their order, options and answers in words).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import os
import re
import shlex
import signal
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Protocol, TextIO

import yaml

from retail_stage.answers import (
    NOT_APPLICABLE as NOT_APPLICABLE,
)
from retail_stage.answers import (
    UNKNOWN,
    Invalid,
    Vocabulary,
    normalised,
    read_text,
)
from retail_stage.messages import _, n_
from retail_stage.questions import bare_value, describe, question_order
from retail_stage.questions import options_of as options_of
from retail_stage.rubric import Indicator

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from retail_stage.engine import CompiledRubric, Result

RESUME_COMMAND = "retail-stage assess --resume"
"""The start of the command line that continues a saved assessment."""

_SKIP = frozenset({"s", "skip", "跳过"})
_NOTE = re.compile(r"(?:^|\s)#")


class Command(enum.Enum):
    """What a line can ask for instead of giving an answer."""

    BACK = "back"
    HELP = "help"
    QUIT = "quit"
    KEEP = "keep"
    """An empty line: keep the current answer."""


_COMMANDS = {
    "b": Command.BACK,
    "back": Command.BACK,
    "返回": Command.BACK,
    "h": Command.HELP,
    "help": Command.HELP,
    "?": Command.HELP,
    "帮助": Command.HELP,
    "q": Command.QUIT,
    "quit": Command.QUIT,
    "退出": Command.QUIT,
}


@dataclass(frozen=True)
class Answer:
    """An answer as a profile stores it (yes/no, an id, a list of ids, a number, unknown, n/a)."""

    value: Any
    note: str = ""

    def stored(self) -> Any:
        """The profile form: the bare value, or {value, note} when a note was given."""
        return {"value": self.value, "note": self.note} if self.note else self.value


def split_note(text: str) -> tuple[str, str]:
    """(answer, note): the note is what follows the first `#` (or full-width `＃`) that starts
    a word."""
    found = _NOTE.search(text.replace("＃", "#"))
    if found is None:
        return text.strip(), ""
    return text[: found.start()].strip(), text[found.end() :].strip()


def parse_answer(
    ind: Indicator, text: str, labels: Mapping[str, tuple[str, ...]] | None = None
) -> Answer | Command | Invalid:
    """What a typed line means for this indicator; never raises.

    Accepts what a profile file accepts (`answers.read_text`: yes/no and 是/否, an option's
    label in any language of the rubric (`labels`, the rubric's `option_labels` of the
    indicator) or its id, a number, full-width forms) and an option's number on the screen,
    several as `1,3`; `s` skips (unknown); the commands b, h, q; a note after ` # `.
    """
    body, note = split_note(text)
    word = normalised(body)
    if not word:
        if note:
            return Invalid(
                _("type the answer before the note, e.g. '{example}'").format(
                    example=_("2 # seen in the flagship store")
                )
            )
        return Command.KEEP
    command = _COMMANDS.get(word)
    if command is not None:
        if note:
            return Invalid(
                _("{command} takes no note; a note goes after an answer").format(command=body)
            )
        return command
    if word in _SKIP:
        return Answer(UNKNOWN, note)
    value = read_text(Vocabulary(ind, labels), body, numbered=True)
    return value if isinstance(value, Invalid) else Answer(value, note)


def applies(compiled: CompiledRubric, ind: Indicator, answers: Mapping[str, Any]) -> bool:
    """Whether the question is asked: no ask_if, its condition not answered yet or unknown, or
    answered above the threshold (the same rule as the engine, which scores the fallback)."""
    if ind.ask_if is None:
        return True
    condition = compiled.rubric.indicators[compiled.position[ind.ask_if.indicator]]
    if not applies(compiled, condition, answers):
        return False
    if condition.id not in answers:
        return True
    score = compiled.scorers[compiled.position[condition.id]](bare_value(answers[condition.id]))
    return score is None or score > ind.ask_if.above


@dataclass
class Assessment:
    """One company's answers so far, in the profile form they are saved in."""

    compiled: CompiledRubric
    company: dict[str, Any]
    answers: dict[str, Any] = field(default_factory=dict)

    def questions(self) -> list[Indicator]:
        """The questions to ask given the answers so far, in the order they are asked."""
        order = question_order(self.compiled.rubric)
        return [ind for ind in order if applies(self.compiled, ind, self.answers)]

    def first_unanswered(self) -> int:
        """Position of the first question without an answer (len(questions) when none)."""
        questions = self.questions()
        return next(
            (n for n, ind in enumerate(questions) if ind.id not in self.answers), len(questions)
        )

    def profile(self) -> dict[str, Any]:
        """The profile data: rubric, company, answers in rubric order."""
        rubric = self.compiled.rubric
        answers = {i: self.answers[i] for i in self.compiled.ids if i in self.answers}
        return {
            "rubric": _Flow({"id": rubric.id, "version": rubric.version}),
            "company": self.company,
            "answers": {k: _Flow(v) if isinstance(v, dict) else v for k, v in answers.items()},
        }


# --- the saved file ---------------------------------------------------------------------------


class _Flow(dict):  # type: ignore[type-arg]
    """A mapping written on one line: `{value: all, note: ...}`."""


class _Dumper(yaml.SafeDumper):
    pass


def _represent_flow(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _represent_bool(dumper: yaml.SafeDumper, data: bool) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:bool", "yes" if data else "no")


_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(bool, _represent_bool)


def dump_yaml(data: Any) -> str:
    """YAML as a person writes it: block mappings, lists on one line, yes/no, text as is."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def flow_value(value: Any) -> str:
    """One value as inline YAML (quoted only where plain text would be read differently)."""
    text = dump_yaml(_Flow({"v": value}))
    return text.strip()[len("{v: ") : -1]


SCHEMA_NAME = "profile.schema.json"


def schema_reference(folder: Path) -> str | None:
    """Where an editor finds the profile schema from a file in `folder`, as a reference that
    works on any machine the folder is copied to: the schema beside the file, or the one of
    the source checkout the folder is in; None when there is neither (never a path into the
    installed package, which no other machine has)."""
    folder = folder.resolve()
    if (folder / SCHEMA_NAME).is_file():
        return SCHEMA_NAME
    checkout = Path(__file__).resolve().parent.parent
    schema = checkout / "schemas" / SCHEMA_NAME
    if schema.is_file() and folder.is_relative_to(checkout):
        return Path(os.path.relpath(schema, folder)).as_posix()
    return None


def schema_comment(reference: str | None) -> str:
    """The first line of a profile: the $schema `reference` for editors, or how to get one."""
    if reference is None:
        return (
            "# For completion in your editor: retail-stage template --with-schema -o FILE "
            "writes the schema beside FILE."
        )
    return f"# yaml-language-server: $schema={reference}"


def profile_schema_text() -> str:
    """The profile JSON Schema, as `rubric schema profile` prints it."""
    from retail_stage.schemas import schema_text

    return schema_text("profile")


def resume_command(path: Path, rubric_arg: str | None = None) -> str:
    """The command line that continues the assessment saved in `path`."""
    extra = f" --rubric {shlex.quote(rubric_arg)}" if rubric_arg else ""
    return f"{RESUME_COMMAND} {shlex.quote(str(path))}{extra}"


def profile_text(assessment: Assessment, path: Path, rubric_arg: str | None = None) -> str:
    """The saved file: schema line, progress and how to resume, then the profile."""
    questions = assessment.questions()
    answered = sum(1 for ind in questions if ind.id in assessment.answers)
    progress = (
        _("every question answered")
        if answered == len(questions)
        else _("{answered} of {total} questions answered; continue with: {command}").format(
            answered=answered, total=len(questions), command=resume_command(path, rubric_arg)
        )
    )
    # A line break in a file name must not end the comment and start YAML.
    progress = re.sub(r"[\x00-\x1f\x7f]", "?", progress)
    return (
        schema_comment(schema_reference(path.parent))
        + "\n# "
        + _("Saved by retail-stage assess: {progress}").format(progress=progress)
        + "\n"
        + dump_yaml(assessment.profile())
    )


def slug(name: str) -> str:
    """A file-name-safe form of a company name: ascii letters, digits and dashes."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return text[:60].strip("-") or "assessment"


def claim_save_path(folder: Path, name: str) -> Path:
    """A new file named after the company in `folder`, created empty so nobody else takes it;
    never an existing file (acme.yaml, then acme-2.yaml...)."""
    base = slug(name)
    for n in range(1, 10_000):  # pragma: no branch - a folder never holds 10,000 namesakes
        path = folder / (f"{base}.yaml" if n == 1 else f"{base}-{n}.yaml")
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            continue
        return path
    raise AssertionError("no free file name")  # pragma: no cover


class UsageError(ValueError):
    """The command was asked for something it must not do (overwrite another assessment)."""


def check_save_target(path: Path) -> None:
    """Refuse a --save file that already holds something: it would be overwritten."""
    if path.is_dir():
        raise UsageError(
            _("{path}: error: is a folder; --save takes a file name").format(path=path)
        )
    if not path.parent.resolve().is_dir():
        raise UsageError(
            _("{path}: error: folder {folder} does not exist").format(
                path=path, folder=repr(str(path.parent))
            )
        )
    if path.exists() and path.stat().st_size > 0:
        company = _company_in(path)
        held = (
            _("the assessment of {company}").format(company=repr(company))
            if company
            else _("something else")
        )
        raise UsageError(
            _(
                "{path}: error: file exists and holds {held}; continue it with '{command}' or "
                "choose another --save file"
            ).format(path=path, held=held, command=resume_command(path))
        )


def _company_in(path: Path) -> str | None:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    company = data.get("company") if isinstance(data, dict) else None
    name = company.get("name") if isinstance(company, dict) else None
    return str(name) if name else None


def load_resume(path: Path, compiled: CompiledRubric) -> tuple[Assessment, tuple[str, ...]]:
    """The assessment saved in `path`, checked like `score` checks it, and its warnings (a
    different rubric version); raises SourceError."""
    from retail_stage.loading import Failure, documents_from_text, score_document
    from retail_stage.sources import (
        DEFAULT_MAX_BYTES,
        Problem,
        SourceError,
        decode,
        read_file_limited,
    )

    shown = str(path)
    try:
        data = read_file_limited(str(path), shown, DEFAULT_MAX_BYTES)
    except OSError as exc:
        raise SourceError(
            Problem(shown, _("cannot read: {reason}").format(reason=exc.strerror or exc))
        ) from None
    documents = list(documents_from_text(decode(data, shown), shown, "yaml"))
    if len(documents) != 1:
        raise SourceError(Problem(shown, _("expected one profile to resume, found several"), 1, 1))
    (document,) = documents
    if isinstance(document, Failure):  # pragma: no cover - only JSONL input yields failures
        raise SourceError(document.problems)
    warnings = score_document(compiled, document).warnings  # SourceError: the line to fix
    company = {k: v for k, v in document.data["company"].items() if v is not None}
    return Assessment(compiled, company, dict(document.data.get("answers") or {})), warnings


# --- the terminal -------------------------------------------------------------------------------


class Terminal(Protocol):
    """What the flow needs from a terminal: show something, read one line."""

    def show(self, renderable: RenderableType) -> None:
        """Print a rich renderable (user text inside it is already literal)."""

    def read(self, prompt: str) -> str:
        """One line typed after `prompt`, without its newline; EOFError at end of input."""


class ConsoleTerminal:
    """A rich console for output and lines read directly: `input()` (with line editing) when
    the input is a real terminal, else `readline()` on the stream, echoing what was read so a
    piped session's transcript shows the answers."""

    def __init__(
        self, console: Console, stdin: TextIO | None = None, max_width: int | None = None
    ) -> None:
        self.console = console
        self.max_width = max_width
        self.stdin = stdin if stdin is not None else sys.stdin
        self.interactive = stdin is None and sys.stdin.isatty()
        if self.interactive:  # pragma: no cover - exercised by the pseudo-terminal test
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401 - arrow keys and history for input()

    def show(self, renderable: RenderableType) -> None:
        """Print through the console, no wider than `max_width` (long lines are hard to read)."""
        if self.max_width is not None:
            from rich.constrain import Constrain

            renderable = Constrain(renderable, self.max_width)
        self.console.print(renderable)

    def read(self, prompt: str) -> str:
        """One line; EOFError at end of input (a closed stream is never read again)."""
        if self.interactive:  # pragma: no cover - exercised by the pseudo-terminal test
            self.console.file.flush()
            line = input(prompt)
        else:
            from retail_stage.render.text import literal

            self.console.print(prompt, end="", highlight=False, markup=False)
            line = self.stdin.readline()
            if not line:
                self.console.print()
                raise EOFError
            line = line.rstrip("\r\n")
            self.console.print(literal(line), highlight=False)
        # Lone surrogates (undecodable bytes) cannot be saved as UTF-8: make them visible.
        return line.encode("utf-8", "replace").decode("utf-8")


# --- interruptions --------------------------------------------------------------------------


class Interrupted(BaseException):
    """SIGTERM or SIGHUP arrived (a closed terminal, a killed session); like Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into Interrupted while the questionnaire runs."""
    if threading.current_thread() is not threading.main_thread():  # pragma: no cover
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:  # pragma: no branch - both exist on POSIX
            previous[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


# --- the flow ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """How the questionnaire ended: finished with a result, or stopped with everything saved."""

    path: Path | None
    result: Result | None
    stopped_by: str | None
    exit_code: int


class _Quit(Exception):
    pass


def _why(stopped_by: str | None) -> str:
    """Why the questionnaire stopped, in the interface language (`Outcome.stopped_by` stays
    English: the command reads it)."""
    return {
        "you typed q": _("you typed q"),
        "the input ended": _("the input ended"),
        "the terminal closed": _("the terminal closed"),
    }.get(stopped_by or "", stopped_by or "")


class _SaveFailed(Exception):
    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


PROMPT = "› "
"""What a question's input line starts with."""


@dataclass
class Questionnaire:
    """One run of `retail-stage assess`: intro, company, questions, result."""

    terminal: Terminal
    compiled: CompiledRubric
    save: Path | None = None
    resume: Path | None = None
    rubric_arg: str | None = None
    folder: Path = field(default_factory=Path)
    today: Callable[[], dt.date] = dt.date.today
    assessment: Assessment | None = None
    path: Path | None = None
    position: int = 0

    def run(self) -> Outcome:
        """Run to the end or to an interruption; raises SourceError for a bad resume file and
        UsageError for a --save file that would overwrite another assessment."""
        from retail_stage.render import assess as views

        warnings: tuple[str, ...] = ()
        if self.resume is not None:
            self.assessment, warnings = load_resume(self.resume, self.compiled)
            self.path = self.resume
        elif self.save is not None:
            check_save_target(self.save)
        stopped_by, code = None, 0
        with _signals_interrupt():
            try:
                self.terminal.show(views.intro(self.compiled.rubric, self.resume is not None))
                for warning in warnings:
                    self.terminal.show(views.note(warning, style="yellow"))
                if self.assessment is None:
                    self._start()
                else:
                    self._show_answered()
                self._ask_all()
                result = self._result()
                self.terminal.show(views.result_view(result, self.compiled, self._shown_path()))
                return Outcome(self.path, result, None, 0)
            except _Quit:
                stopped_by = "you typed q"
            except EOFError:
                stopped_by = "the input ended"
            except KeyboardInterrupt:
                stopped_by, code = "Ctrl-C", 128 + signal.SIGINT
            except Interrupted as exc:
                stopped_by, code = signal.Signals(exc.signum).name, 128 + exc.signum
            except _SaveFailed as exc:
                return self._cannot_save(exc.error)
            except OSError:  # the terminal went away: a closed pipe, a hung-up line
                stopped_by, code = "the terminal closed", 1
        return self._stopped(stopped_by, code)

    def _shown_path(self) -> str:
        assert self.path is not None
        return str(self.path)

    def _start(self) -> None:
        from retail_stage.render import assess as views

        name = ""
        while not name:
            name = " ".join(self.terminal.read(_("Company name (required): ")).split())
            if not name:
                self.terminal.show(views.problem(_("a company name is required")))
        company: dict[str, Any] = {"name": name}
        for key, prompt in (
            ("sector", _("Sector (optional, Enter skips): ")),
            ("country", _("Country (optional): ")),
        ):
            value = " ".join(self.terminal.read(prompt).split())
            if value:
                company[key] = value
        company["assessed_on"] = self.today().isoformat()
        self.assessment = Assessment(self.compiled, company)
        if self.save is not None:
            self.path = self.save
        else:
            wanted = self.folder / f"{slug(name)}.yaml"
            try:
                self.path = claim_save_path(self.folder, name)
            except OSError as exc:
                self.path = wanted
                raise _SaveFailed(exc) from None
            if self.path != wanted:
                self.terminal.show(
                    views.note(
                        _(
                            "{wanted} already exists, so this assessment goes to {path}; to "
                            "continue that one: {command}"
                        ).format(
                            wanted=wanted.name, path=self.path.name, command=resume_command(wanted)
                        )
                    )
                )
        self._save()
        self.terminal.show(
            views.note(_("Every answer is saved at once to {path}.").format(path=self.path))
        )

    def _show_answered(self) -> None:
        from retail_stage.render import assess as views

        assert self.assessment is not None
        self.position = self.assessment.first_unanswered()
        self.terminal.show(views.answered(self.assessment, self._shown_path(), self.position))

    def _save(self) -> None:
        from retail_stage.output import write_atomic

        assert self.assessment is not None
        assert self.path is not None
        try:
            write_atomic(self.path, profile_text(self.assessment, self.path, self.rubric_arg))
        except OSError as exc:
            raise _SaveFailed(exc) from None

    def _ask_all(self) -> None:
        from retail_stage.render import assess as views

        assessment = self.assessment
        assert assessment is not None
        dimensions = {d.id: d.name for d in self.compiled.rubric.dimensions}
        while True:
            questions = assessment.questions()
            if self.position >= len(questions):
                return
            ind = questions[self.position]
            self.terminal.show(
                views.question(
                    ind,
                    self.position + 1,
                    len(questions),
                    dimensions[ind.dimension],
                    assessment.answers.get(ind.id),
                )
            )
            reply = self._ask(ind)
            if reply is Command.BACK:
                self.position -= 1
                continue
            if isinstance(reply, Answer):
                assessment.answers[ind.id] = reply.stored()
                self._save()
                self.terminal.show(views.saved(describe(ind, reply.stored())))
            self.position = assessment.questions().index(ind) + 1

    def _ask(self, ind: Indicator) -> Answer | Command:
        from retail_stage.render import assess as views

        assert self.assessment is not None
        while True:
            labels = self.compiled.rubric.option_labels.get(ind.id)
            reply = parse_answer(ind, self.terminal.read(PROMPT), labels)
            if isinstance(reply, Invalid):
                self.terminal.show(views.problem(reply.reason))
                self.terminal.show(views.note(views.hint(ind)))
            elif reply is Command.HELP:
                self.terminal.show(views.help_view(ind, self.compiled.rubric))
            elif reply is Command.QUIT:
                raise _Quit
            elif reply is Command.KEEP and ind.id not in self.assessment.answers:
                self.terminal.show(views.problem(_("type an answer, or s to skip it as unknown")))
            elif reply is Command.BACK and self.position == 0:
                self.terminal.show(views.problem(_("this is the first question")))
            else:
                return reply

    def _result(self) -> Result:
        """The result of the saved file, scored exactly as `score` scores it."""
        from retail_stage.loading import Document, score_document

        assert self.assessment is not None
        assert self.path is not None
        text = profile_text(self.assessment, self.path, self.rubric_arg)
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        return score_document(self.compiled, Document(str(self.path), str(self.path), data, text))

    def _stopped(self, why: str | None, code: int) -> Outcome:
        from retail_stage.render import assess as views

        shown = _why(why)
        if self.assessment is None or self.path is None:
            message = _("Stopped ({why}) before the first answer: nothing was saved.").format(
                why=shown
            )
        else:
            with contextlib.suppress(_SaveFailed):
                self._save()  # the interruption may have hit the last write
            answered = len(self.assessment.answers)
            message = n_(
                "Stopped ({why}). {n} answer saved in {path}. To continue: {command}",
                "Stopped ({why}). {n} answers saved in {path}. To continue: {command}",
                answered,
            ).format(
                why=shown,
                n=answered,
                path=self.path,
                command=resume_command(self.path, self.rubric_arg),
            )
        with contextlib.suppress(OSError):  # a closed terminal (SIGHUP) cannot show it
            self.terminal.show(views.note("\n" + message, style="bold"))
        return Outcome(self.path, None, why, code)

    def _cannot_save(self, exc: OSError) -> Outcome:
        from rich.text import Text

        from retail_stage.render import assess as views

        self.terminal.show(
            views.problem(
                _(
                    "cannot save to {path}: {reason}; the answers so far are printed below, "
                    "copy them into a file"
                ).format(path=self.path, reason=exc.strerror or exc)
            )
        )
        if self.assessment is not None and self.path is not None:
            self.terminal.show(Text(profile_text(self.assessment, self.path, self.rubric_arg)))
        return Outcome(self.path, None, "cannot save", 1)
