"""`--format markdown`: a table for a report or a pull request; user text shown literally."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from retail_stage.render.formatter import Formatter
from retail_stage.render.text import neutral

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.loading import Failure
    from retail_stage.render.summary import Portfolio

HEADER = ("Source", "Company", "Stage", "Label", "Index", "Coverage", "Error")
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
        stage = record.stage_name if record.certain else f"{record.stage_name} (not certain)"
        label = record.label
        if not record.label_range.certain:
            label = f"{label} (not certain: could be {record.label_range.high})"
        return _row(
            [
                record.source,
                record.company.get("name"),
                stage,
                label,
                f"{record.index:.2f}",
                f"{record.coverage:.0%}",
                None,
            ]
        )

    def header(self) -> str:
        """The table's header and separator rows."""
        return _row(list(HEADER)) + "|" + "---|" * len(HEADER) + "\n"

    def write_summary(self, portfolio: Portfolio) -> None:
        """The portfolio as three tables: stages × labels, the index, the dimensions."""
        out = self.stream
        out.write(f"**{portfolio.profiles} profiles, {portfolio.invalid} invalid**\n\n")
        out.write(_row(["Stage", "Label", "Count", "Share"]) + "|---|---|---:|---:|\n")
        for row in portfolio.stage_rows():
            out.write(_row([row["stage"], row["label"], row["count"], f"{row['share']:.1%}"]))
        spread = portfolio.index_spread()
        out.write("\n" + _row(["Index", *spread]) + "|---|" + "---:|" * len(spread) + "\n")
        out.write(_row(["", *("" if v is None else f"{v:.2f}" for v in spread.values())]))
        weakest = portfolio.weakest_dimension()
        out.write("\n" + _row(["Dimension", "Mean score"]) + "|---|---:|\n")
        for dim, mean in portfolio.dimension_means().items():
            shown = f"{dim} (weakest)" if dim == weakest else dim
            out.write(_row([shown, "" if mean is None else f"{mean:.2f}"]))
