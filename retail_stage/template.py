"""`retail-stage template`: a blank profile to fill in an editor, every question as a comment.

Untouched, it is a valid profile (every answer `unknown`); each indicator comes with its
question, the accepted answers (option ids and what they mean) and its help, grouped by
dimension in the order `assess` asks them.
"""

from __future__ import annotations

import textwrap

from retail_stage.questions import options_of, question_order
from retail_stage.rubric import Indicator, NumberAnswer, Rubric

WIDTH = 100
"""Comment lines are wrapped to this many characters."""

NUMBER_WIDTH = 4
"""Room for a question's number (`12. `), so its details line up under its text."""


def _comment(text: str, indent: str, first: str = "", rest: str = "") -> list[str]:
    """`text` as YAML comment lines: `first` before the first line, `rest` before the others."""
    lines = textwrap.wrap(
        " ".join(text.split()),
        width=WIDTH - len(indent) - 2,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
    )
    return [f"{indent}# {line}".rstrip() for line in lines]


def _accepted(
    ind: Indicator, stage_names: dict[str, str], numbers: dict[str, tuple[int, Indicator]]
) -> list[str]:
    """How to answer: the kind, each option id with its meaning, n/a, gate and condition."""
    answer = ind.answer
    indent, pad = "  ", " " * NUMBER_WIDTH
    lines: list[str] = []
    if isinstance(answer, NumberAnswer):
        unit = f" {answer.unit}" if answer.unit else ""
        low = "" if answer.min is None else f" from {answer.min:g}"
        high = "" if answer.max is None else f" to {answer.max:g}"
        lines += _comment(f"Answer: a number{low}{high}{unit}.", indent, pad, pad)
    elif answer.kind == "boolean":
        lines += _comment("Answer: yes or no.", indent, pad, pad)
    else:
        what = {
            "scale": "one level",
            "choice": "one option",
            "multi": "a list of options, e.g. [a, b], or [] for none",
        }[answer.kind]
        lines += _comment(f"Answer: {what}:", indent, pad, pad)
        options = options_of(ind)
        width = max(len(option_id) for option_id, _ in options)
        for option_id, label in options:
            lines += _comment(
                label, indent, f"{pad}  {option_id.ljust(width)}  ", " " * (len(pad) + width + 4)
            )
    extra = []
    if ind.allow_na:
        extra.append("n/a if it does not apply to the business.")
    if ind.required:
        extra.append(f"A gate: {stage_names[ind.stage]} is not met without it.")
    if ind.ask_if is not None:
        number, parent = numbers[ind.ask_if.indicator]
        where = f"question {number} ({parent.id})"
        if ind.ask_if.above == 0:
            when = "is yes" if parent.answer.kind == "boolean" else "is more than its lowest answer"
        else:
            when = f"scores above {ind.ask_if.above:g}"
        extra.append(f"Answer only when {where} {when}; otherwise it counts as {ind.if_not_asked}.")
    if extra:
        lines += _comment(" ".join(extra), indent, pad, pad)
    return lines


def template_text(rubric: Rubric, schema: str | None) -> str:
    """The blank profile of `rubric`; `schema` is the $schema reference for editors (None:
    the first line says how to get one)."""
    from retail_stage.questionnaire import flow_value, schema_comment

    stage_names = {s.id: s.name for s in rubric.stages}
    dimensions = {d.id: d for d in rubric.dimensions}
    order = question_order(rubric)
    lines = [
        schema_comment(schema),
        "#",
        *_comment(
            f"A blank profile for {rubric.title} (rubric {rubric.id} {rubric.version}): "
            f"{len(order)} questions. Replace `unknown` with each answer you know, then run: "
            "retail-stage score THIS_FILE",
            "",
        ),
        '# Keep evidence with an answer: {value: yes, note: "seen in the flagship store"}.',
        "# An answer left `unknown` lowers coverage; the stage counts it as 0.",
        f"rubric: {{id: {flow_value(rubric.id)}, version: {flow_value(rubric.version)}}}",
        "company:",
        "  name: Company name       # required",
        "  id:                      # optional, your own identifier",
        "  sector:                  # optional",
        "  country:                 # optional",
        "  assessed_on:             # optional, YYYY-MM-DD",
        "answers:",
    ]
    current = None
    numbers = {ind.id: (number, ind) for number, ind in enumerate(order, start=1)}
    for number, ind in enumerate(order, start=1):
        if ind.dimension != current:
            current = ind.dimension
            dimension = dimensions[current]
            title = f"── {dimension.name} "
            lines += ["", f"  # {title}{'─' * max(3, WIDTH - 4 - len(title))}"]
            if dimension.description:
                lines += _comment(dimension.description, "  ")
        lines.append("")
        number_text = f"{number}.".ljust(NUMBER_WIDTH)
        lines += _comment(ind.question, "  ", number_text, " " * NUMBER_WIDTH)
        lines += _accepted(ind, stage_names, numbers)
        if ind.help:
            pad = " " * NUMBER_WIDTH
            lines += _comment(ind.help, "  ", f"{pad}Help: ", f"{pad}      ")
        lines.append(f"  {ind.id}: unknown")
    return "\n".join(lines) + "\n"
