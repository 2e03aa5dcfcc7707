"""A rubric compiled to straight-line Python: the fast path of `engine.score_answers`.

`engine.read_answers` and `engine._evaluate` define how answers are read and summed; they loop
over the indicators and look each one's stage, dimension and weight up in tables. For a batch
that cost is most of the engine's time, so `compile_rubric` also writes, once per rubric, one
function with a block of code per indicator: its weight is a literal, its stage, dimension and
focus sums are local variables, and nothing is looked up twice. The gates, the stages, the
dimensions and the candidates for the next steps are unrolled the same way. The function adds
the same terms in the same order as `_evaluate`, so every figure is the same float, and hands
them to `engine._ranked` and `engine._result`, which finish the result for both paths; a law
test holds the two paths equal on generated answers, good and bad.

Whatever is unusual goes back to the loop: an unknown indicator, an answer that does not
fit (so the error named is the first in the profile, as the loop finds it), answers that are
not a plain dict. Answers not seen before are read by `engine._read_one`, as the loop reads
them.

Safety: the generated source holds only names made here, indices and number literals, never
text from the rubric; ids, tables and every other value reach the code as objects in its
namespace.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from retail_stage.rubric import MultiAnswer, NumberAnswer

if TYPE_CHECKING:
    from retail_stage.engine import CompiledRubric, Result

Unrolled = Callable[
    [dict[str, Any], str, "Mapping[str, Any] | None", tuple[str, ...]], "Result | None"
]
"""(answers, source, company, warnings) -> the result, or None when the loop must judge."""

UNROLL_AFTER = 200
"""Profiles a compiled rubric scores the loop's way before its straight-line scorer is written:
writing it (about 5 ms) costs what it saves on some 800 profiles, so a command scoring a few
never pays for it and a batch soon has it."""


class Straight:
    """The straight-line scorer of one compiled rubric, written on its `after`-th profile."""

    __slots__ = ("_compiled", "_countdown", "function")

    def __init__(self, compiled: CompiledRubric, after: int) -> None:
        self._compiled = compiled
        self._countdown = max(after, 1)
        self.function: Unrolled | None = None
        """The scorer once written; None before, or for a rubric it cannot be written for."""

    def count(self) -> Unrolled | None:
        """Count one more profile; the scorer when written (at the `after`-th), else None."""
        self._countdown -= 1
        if self._countdown == 0:
            self.function = unrolled_scorer(self._compiled)
        return self.function


def unrolled_scorer(compiled: CompiledRubric) -> Unrolled | None:
    """The rubric's straight-line scorer; None when a number of it is not a finite float or int."""
    from retail_stage import engine

    numbers = [*compiled.weight, *compiled.stage_weight, *compiled.dimension_weight]
    numbers += [*compiled.focus_weight, *compiled.bars, *(need for _, _, need in compiled.gates)]
    numbers += [above for _, _, above, _ in compiled.conditionals] + list(compiled.best)
    if not all(x.__class__ in (float, int) and math.isfinite(x) for x in numbers):
        return None  # a literal must read back as the same number
    namespace: dict[str, Any] = {
        "IDS": frozenset(compiled.ids),
        "C": compiled,
        "M": engine._MISSING,
        "R": engine._read_one,
        "RESULT": engine._result,
        "RANKED": engine._ranked,
        "TOP": engine._TOP,
    }
    count = len(compiled.ids)
    values = ", ".join(f"v{n}" for n in range(count))
    namespace["ALL"] = operator.itemgetter(*compiled.ids) if count > 1 else None
    lines = [
        "def unrolled(answers, source, company, warnings):",
        # Every indicator answered, as most profiles are: all values in one call, and the
        # count alone shows there is no unknown indicator.
        "    try:",
        f"        {values}, = ALL(answers)" if count > 1 else "        raise KeyError",
        "    except KeyError:",
        "        if not answers.keys() <= IDS:",
        "            return None",
        "        get = answers.get",
        *(f"        v{n} = get(K{n})" for n in range(count)),
        "    else:",
        f"        if len(answers) != {count}:",
        "            return None",
        "    notes = {}",
    ]
    for n, ind in enumerate(compiled.rubric.indicators):
        _, quick, boolean = compiled.entries[ind.id]
        namespace[f"K{n}"], namespace[f"Q{n}"] = ind.id, quick
        lines += _read(n, ind.answer, boolean)
    for n, condition, above, fallback in compiled.conditionals:
        lines += [
            f"    if s{condition} is not None and s{condition} <= {above!r}:",
            f"        s{n} = {fallback!r}",
        ]
    lines += _sums(compiled)
    lines.append(f"    scores = [{_names('s', len(compiled.ids))}]")
    lines += _figures(compiled)
    exec("\n".join(lines), namespace)
    function: Unrolled = namespace["unrolled"]
    return function


def _names(prefix: str, count: int) -> str:
    return ", ".join(f"{prefix}{k}" for k in range(count))


def _read(n: int, answer: object, boolean: bool) -> list[str]:
    """The lines that set s{n}, the score of indicator n, as `read_answers` would."""
    s = f"s{n}"
    lines = [
        f"    raw = v = v{n}",
        "    c = v.__class__",
        "    if c is dict:",  # {value, note}: keep the note, read the value like any answer
        '        note = v.get("note")',
        '        if len(v) == 2 and note.__class__ is str and "value" in v:',
        "            if note:",
        f"                notes[K{n}] = note",
        '            v = v["value"]',
        "            c = v.__class__",
    ]
    if boolean:
        lines += ["    if c is bool:", f"        {s} = 1.0 if v else 0.0", "    elif c is str:"]
    elif isinstance(answer, MultiAnswer):
        # A set of options is a frozenset key: the order they are listed in does not count.
        lines += [
            "    if c is list:",
            "        try:",
            "            f = frozenset(v)",
            "        except TypeError:",
            f"            {s} = M",
            "        else:",
            f"            {s} = Q{n}.get(f, M) if len(f) == len(v) else M",
            "    elif c is str:",
        ]
    elif isinstance(answer, NumberAnswer):
        # Not `bool`: True == 1 as a key, and yes is no number.
        lines += [
            "    if c is int or c is float:",
            f"        {s} = Q{n}.get(v, M)",
            "    elif c is str:",
        ]
    else:
        lines += ["    if c is str:"]
    lines += [
        f"        {s} = Q{n}.get(v, M)",
        "    elif v is None:",
        f"        {s} = None",
        "    else:",
        f"        {s} = M",
        f"    if {s} is M:",
        f"        {s} = R(C, {n}, K{n}, raw, notes, Q{n}, {boolean})",
    ]
    return lines


def _sums(compiled: CompiledRubric) -> list[str]:
    """The lines of `_evaluate`'s loop, one block per indicator, in rubric order."""
    from retail_stage.engine import NOT_APPLICABLE

    lines = []
    for k, w in enumerate(compiled.stage_weight):
        lines.append(f"    kn{k} = un{k} = 0.0")
        lines.append(f"    tt{k} = {w!r}")
    for d, w in enumerate(compiled.dimension_weight):
        lines.append(f"    dw{d} = 0.0")
        lines.append(f"    dt{d} = {w!r}")
    traffic, supply = compiled.focus_weight
    lines.append(f"    fw0 = fw1 = 0.0; ft0 = {traffic!r}; ft1 = {supply!r}")
    for n, (k, d, w, f) in enumerate(compiled.rows):
        lines += [
            f"    if s{n} is None:",
            f"        un{k} += {w!r}",
            f"    elif s{n} > 0.0:",
            f"        x = {w!r} * s{n}",
            f"        kn{k} += x",
            f"        dw{d} += x",
            f"        fw{f} += x",
            f"    elif s{n} == {NOT_APPLICABLE!r}:",
            f"        tt{k} -= {w!r}",
            f"        dt{d} -= {w!r}",
            f"        ft{f} -= {w!r}",
        ]
    return lines


def _figures(compiled: CompiledRubric) -> list[str]:
    """The lines of `_evaluate` after its loop: gates, attainment, index, coverage, focus."""
    from retail_stage.engine import EPSILON, INDEX_CAP

    stages = len(compiled.stage_weight)
    lines = ["    failed = []", f"    low = high = {stages}"]
    for n, k, need in compiled.gates:
        lines += [
            f"    if s{n} is None or s{n} < {need - EPSILON!r}:",
            f"        failed.append({n})",
            f"        if {k} < low:",
            f"            low = {k}",
            f"        if s{n} is not None and {k} < high:",
            f"            high = {k}",
        ]
    lines += ["    reached, reached_high = low, high"]
    for k, bar in enumerate(compiled.bars):
        lines += [
            f"    if tt{k} > {EPSILON!r}:",
            f"        a{k} = kn{k} / tt{k}",
            f"        h = (kn{k} + un{k}) / tt{k}",
            "    else:",
            f"        a{k} = h = 0.0",
            f"    if {k} < reached and a{k} < {bar!r}:",
            f"        reached = {k}",
            f"    if {k} < reached_high and h < {bar!r}:",
            f"        reached_high = {k}",
        ]
    dimensions = ", ".join(
        f"dw{d} / dt{d} if dt{d} > {EPSILON!r} else None"
        for d in range(len(compiled.dimension_weight))
    )
    lines += [
        f"    attain = [{_names('a', stages)}]",
        f"    if reached == {stages}:",
        f"        index = {float(stages)!r}",
        "    else:",
        f"        index = reached + min(attain[reached], {INDEX_CAP!r})",
        "    applicable = ft0 + ft1",
        f"    if applicable > {EPSILON!r}:",
        f"        coverage = (applicable - sum(({_names('un', stages)},))) / applicable",
        "    else:",
        "        coverage = 0.0",
        f"    traffic = fw0 / ft0 if ft0 > {EPSILON!r} else 0.0",
        f"    supply = fw1 / ft1 if ft1 > {EPSILON!r} else 0.0",
    ]
    lines += _next_steps(compiled)
    lines += [
        "    return RESULT(",
        "        C, scores, reached, reached_high, attain, failed,",
        f"        [{dimensions}],",
        "        index, coverage, traffic, supply, steps,",
        "        source, company, notes, warnings, answers)",
    ]
    return lines


def _next_steps(compiled: CompiledRubric) -> list[str]:
    """The lines of `engine._next_steps`: the candidates of the stage to reach, one block each."""
    from retail_stage.engine import NOT_APPLICABLE

    gates = {n for n, _, _ in compiled.gates}
    lines = []
    for k, rows in enumerate(compiled.step_rows):
        lines += [
            f"    {'if' if k == 0 else 'elif'} reached == {k}:",
            "        blocked, ranking = [], []",
        ]
        for n, w, best, below_best in rows:
            into = f"(blocked if {n} in failed else ranking)" if n in gates else "ranking"
            lines += [
                f"        if s{n} is None:",
                f"            {into}.append(({-w * best!r}, {n}))",
                f"        elif s{n} < {below_best!r} and s{n} != {NOT_APPLICABLE!r}:",
                f"            {into}.append(({-w!r} * ({best!r} - s{n}), {n}))",
            ]
        lines.append(f"        steps = RANKED(C, {k}, blocked, ranking, kn{k}, tt{k}, scores)")
    lines += ["    else:", "        steps = TOP"]
    return lines
