"""`--format markdown`: a table for a report or a pull request; user text shown literally."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from retail_stage.messages import _
from retail_stage.render.formatter import Formatter
from retail_stage.render.summary import spread_names, unanswered
from retail_stage.render.text import neutral

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

    from retail_stage.engine import Result
    from retail_stage.loading import Failure
    from retail_stage.render.summary import Portfolio


def header() -> tuple[str, ...]:
    """The column names, in the interface language."""
    return (
        _("Source"),
        _("Company"),
        _("Stage"),
        _("Label"),
        _("Index"),
        _("Coverage"),
        _("Error"),
    )


_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_NEWLINE = re.compile(r"\r\n|\r|\n")


def escape(value: Any) -> str:
    """A table cell showing `value` literally: markdown characters and `|` escaped,
    line breaks as <br>, control characters made visible."""
    if value is None:
        return ""
    text = _SPECIAL.sub(r"\\\1", str(value))
    return neutral(_NEWLINE.sub("<br>", text))


def _row(cells: list[Any]) -> str:
    return "| " + " | ".join(escape(c) for c in cells) + " |\n"


class MarkdownFormatter(Formatter):
    """A header, then one row per profile; a failed profile shows its error."""

    def render(self, record: Result | Failure) -> str:
        """One table row."""
        from retail_stage.loading import Failure

        if isinstance(record, Failure):
            return _row([record.source, None, None, None, None, None, record.message])
        stage = record.stage_name
        if not record.certain:
            stage = _("{stage} (not certain)").format(stage=stage)
        label = record.label
        if not record.label_range.certain:
            label = _("{label} (not certain: could be {high})").format(
                label=label, high=record.label_range.high
            )
        coverage = f"{record.coverage:.0%}"
        if unanswered(record):
            coverage = _("{coverage} (no answers)").format(coverage=coverage)
        return _row(
            [
                record.source,
                record.company.get("name"),
                stage,
                label,
                f"{record.index:.2f}",
                coverage,
                None,
            ]
        )

    def header(self) -> str:
        """The table's header and separator rows."""
        names = header()
        return _row(list(names)) + "|" + "---|" * len(names) + "\n"

    def write_summary(self, portfolio: Portfolio) -> None:
        """The portfolio as three tables: stages × labels, the index, the dimensions; stages
        and dimensions by name (ids are for the machine formats)."""
        out = self.stream
        out.write(f"**{escape(portfolio.counted())}**\n\n")
        heads = [_("Stage"), _("Label"), _("Count"), _("Share")]
        out.write(_row(heads) + "|---|---|---:|---:|\n")
        names = dict(zip(portfolio.stages, portfolio.stage_names, strict=True))
        for row in portfolio.stage_rows():
            share = f"{row['share']:.1%}"
            out.write(_row([names[row["stage"]], row["label"], row["count"], share]))
        spread = portfolio.index_spread()
        headings = spread_names()
        out.write("\n" + _row([_("Index"), *(headings[name] for name in spread)]))
        out.write("|---|" + "---:|" * len(spread) + "\n")
        out.write(_row(["", *("" if v is None else f"{v:.2f}" for v in spread.values())]))
        weakest = portfolio.weakest_dimension()
        dimensions = {d.id: d.name for d in portfolio.rubric.dimensions}
        out.write("\n" + _row([_("Dimension"), _("Mean score")]) + "|---|---:|\n")
        for dim, mean in portfolio.dimension_means().items():
            shown = dimensions[dim] + (_(" (weakest)") if dim == weakest else "")
            out.write(_row([shown, "" if mean is None else f"{mean:.2f}"]))
        if portfolio.group_by is not None:
            heading = _("By {field}").format(field=portfolio.group_by)
            out.write(f"\n**{escape(heading)}**\n\n")
            _table(out, portfolio.group_headings(), portfolio.group_cells())
        ranked = portfolio.ranked(portfolio.top)
        if ranked:
            out.write(f"\n**{escape(portfolio.ranked_title(len(ranked)))}**\n\n")
            _table(out, portfolio.ranked_headings(), portfolio.ranked_cells(ranked))


def _table(out: TextIO, headings: Sequence[tuple[str, str]], rows: list[list[str]]) -> None:
    """A Markdown table: its header, the alignment row and the rows."""
    out.write(_row([name for name, _justify in headings]))
    out.write("|" + "".join("---:|" if j == "right" else "---|" for _n, j in headings) + "\n")
    for row in rows:
        out.write(_row(row))
