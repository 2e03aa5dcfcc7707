"""`--format jsonl`: one result object a line, for pipelines."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from retail_stage.loading import Failure
from retail_stage.render.formats import Formatter

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.render.summary import Portfolio


class JsonlFormatter(Formatter):
    """Each result (or `{source, error}`) as one line of JSON."""

    def render(self, record: Result | Failure) -> str:
        """One line, non-ASCII kept (a result's text is built by `Result.to_json`)."""
        if isinstance(record, Failure):
            return json.dumps(record.to_dict(), ensure_ascii=False) + "\n"
        return record.to_json() + "\n"

    def write_summary(self, portfolio: Portfolio) -> None:
        """The portfolio as one line."""
        self.stream.write(json.dumps(portfolio.to_dict(), ensure_ascii=False) + "\n")
