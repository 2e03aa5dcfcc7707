"""`--format yaml`: one YAML list of result objects, written as they come."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from retail_stage.render.formatter import Formatter

if TYPE_CHECKING:
    from retail_stage.engine import Result
    from retail_stage.loading import Failure
    from retail_stage.render.summary import Portfolio

_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(data: Any) -> str:
    """Plain YAML (safe tags only, keys in contract order, non-ASCII kept)."""
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


class YamlFormatter(Formatter):
    """A YAML list; each item written as soon as its profile is scored."""

    def render(self, record: Result | Failure) -> str:
        """One list item (`- source: ...`)."""
        return dump([record.to_dict()])

    def close(self) -> None:
        """An empty list when nothing was written."""
        if not self.count:
            self.stream.write("[]\n")

    def write_summary(self, portfolio: Portfolio) -> None:
        """The portfolio as one mapping."""
        self.stream.write(dump(portfolio.to_dict()))
