"""`--format table`: a rich table, one row a profile: company, stage, label, index, coverage."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from retail_stage.messages import _
from retail_stage.render.formatter import Formatter
from retail_stage.render.summary import unanswered
from retail_stage.render.text import literal

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.loading import Failure
    from retail_stage.render.summary import Portfolio

STAGE_STYLES = ("red", "yellow", "cyan", "green")


def stage_style(rubric_stage_count: int, reached: int) -> str:
    """A colour per rung of the ladder, the baseline first."""
    return STAGE_STYLES[min(reached, len(STAGE_STYLES) - 1)] if rubric_stage_count else ""


class TableFormatter(Formatter):
    """Collects the rows and prints one table at the end (tables are for people, not pipelines).

    A rendered row is the JSON list of its cells, so workers can render rows like any format.
    """

    def render(self, record: Result | Failure) -> str:
        """The row's cells; failures are listed on stderr, not in the table (empty text)."""
        from retail_stage.loading import Failure

        if isinstance(record, Failure):
            return ""
        return json.dumps(
            [
                str(record.company.get("name", "")),
                record.stage,
                None if record.certain else record.stage_range.high,
                record.label,
                None if record.label_range.certain else record.label_range.high,
                f"{record.index:.2f}",
                f"{record.coverage:.0%}",
                len(record.panel.respondents) if record.panel else None,
                unanswered(record),
            ]
        )

    def write_rendered(self, text: str) -> None:
        """Keep the row for the table printed at the end."""
        if text:
            if not hasattr(self, "_rows"):
                self._rows: list[list[Any]] = []
            self._rows.append(json.loads(text))

    def write_block(self, text: str, lengths: list[int]) -> None:
        """Row by row: each is kept for the table printed at the end."""
        self.write_each(text, lengths)

    def close(self) -> None:
        """Print the table; nothing when no profile was scored (stderr says why)."""
        rows: list[list[Any]] = getattr(self, "_rows", [])
        if not rows:
            return
        order = [self.rubric.baseline.id] + [s.id for s in self.rubric.stages]
        names = {s.id: s.name for s in self.rubric.stages} | {
            self.rubric.baseline.id: self.rubric.baseline.name
        }
        rubric = self.rubric
        table = Table(
            title=_("{title} (rubric {id} {version})").format(
                title=rubric.title, id=rubric.id, version=rubric.version
            )
        )
        table.add_column(_("Company"), overflow="fold")
        table.add_column(_("Stage"), overflow="fold")
        table.add_column(_("Label"), justify="center")
        table.add_column(_("Index"), justify="right")
        table.add_column(_("Coverage"), justify="right")
        panels = any(row[7] is not None for row in rows)
        if panels:  # survey answers: how many people each row merges
            table.add_column(_("Respondents"), justify="right")
        for company, stage_id, high, label, label_high, index, coverage, people, empty in rows:
            reached = order.index(str(stage_id))
            stage = Text(names[str(stage_id)], style=stage_style(len(order), reached))
            if high is not None:
                up_to = _("not certain: up to {stage}").format(stage=names[high])
                stage.append("\n" + up_to, style="dim")
            label_cell = Text(str(label), style="bold" if label == "2.0" else "")
            if label_high is not None:
                label_cell.append("\n" + _("or {label}").format(label=label_high), style="dim")
            coverage_cell = Text(str(coverage))
            if empty:  # an untouched template: its warning is on stderr
                coverage_cell.append("\n" + _("no answers"), style="bold yellow")
            cells = [literal(company or ""), stage, label_cell, index, coverage_cell]
            table.add_row(*cells, *([str(people or 1)] if panels else []))
        Console(file=self.stream, highlight=False).print(table)

    def write_summary(self, portfolio: Portfolio) -> None:
        """The portfolio as rich tables."""
        console = Console(file=self.stream, highlight=False)
        for table in portfolio.tables():
            console.print(table)
