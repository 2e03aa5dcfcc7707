"""`--format table`: a rich table, one row a profile: company, stage, label, index, coverage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from retail_stage.render.formats import Formatter
from retail_stage.render.text import literal

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.loading import Failure

STAGE_STYLES = ("red", "yellow", "cyan", "green")


def stage_style(rubric_stage_count: int, reached: int) -> str:
    """A colour per rung of the ladder, the baseline first."""
    return STAGE_STYLES[min(reached, len(STAGE_STYLES) - 1)] if rubric_stage_count else ""


class TableFormatter(Formatter):
    """Collects the rows and prints one table at the end (tables are for people, not pipelines)."""

    def __post_init__(self) -> None:  # pragma: no cover - kept for symmetry with dataclasses
        pass

    def write(self, record: Result | Failure) -> None:
        """Keep one row; failures are listed on stderr, not in the table."""
        from retail_stage.loading import Failure

        if isinstance(record, Failure):
            return
        if not hasattr(self, "_rows"):
            self._rows: list[Result] = []
        self._rows.append(record)

    def close(self) -> None:
        """Print the table."""
        rows: list[Result] = getattr(self, "_rows", [])
        order = [self.rubric.baseline.id] + [s.id for s in self.rubric.stages]
        names = {s.id: s.name for s in self.rubric.stages} | {
            self.rubric.baseline.id: self.rubric.baseline.name
        }
        table = Table(title=f"{self.rubric.title} (rubric {self.rubric.id} {self.rubric.version})")
        table.add_column("Company", overflow="fold")
        table.add_column("Stage")
        table.add_column("Label", justify="center")
        table.add_column("Index", justify="right")
        table.add_column("Coverage", justify="right")
        for result in rows:
            reached = order.index(result.stage)
            stage = Text(result.stage_name, style=stage_style(len(order), reached))
            if not result.certain:
                stage.append(f"\nnot certain: up to {names[result.stage_high]}", style="dim")
            table.add_row(
                literal(str(result.company.get("name", ""))),
                stage,
                Text(result.label, style="bold" if result.label == "2.0" else ""),
                f"{result.index:.2f}",
                f"{result.coverage:.0%}",
            )
        console = Console(file=self.stream, highlight=False)
        console.print(table)
