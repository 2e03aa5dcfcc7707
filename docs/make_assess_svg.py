"""Make docs/assess.svg: the end of a real `retail-stage assess` session, recorded by rich.

Run from the repository root: `.venv/bin/python docs/make_assess_svg.py`. It resumes example 07
with its last two answers removed, types them (one mistyped first), and saves what the terminal
showed from the first of those questions to the result.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "profiles" / "07-marigold-and-sons.yaml"
OUTPUT = ROOT / "docs" / "assess.svg"
TYPED = ["some", "2 # ERP and POS, spreadsheets in between", "2"]
LEFT_OPEN = ("sr_digital_processes", "sr_cost_efficiency")


def main() -> None:
    """Run the session and write the SVG."""
    from rich.console import Console, RenderableType

    from retail_stage.engine import compile_rubric
    from retail_stage.loading import load_rubric
    from retail_stage.questionnaire import ConsoleTerminal, Questionnaire, dump_yaml

    class Recorder(ConsoleTerminal):
        """Forgets the intro and the resume summary, so the picture starts at a question."""

        shown = 0

        def show(self, renderable: RenderableType) -> None:
            super().show(renderable)
            self.shown += 1
            if self.shown == 2:
                self.console.export_text(clear=True)

    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for key in LEFT_OPEN:
        del data["answers"][key]
    console = Console(
        file=io.StringIO(),
        record=True,
        width=100,
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
    )
    here = Path.cwd()
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        try:
            path = Path("marigold-and-sons.yaml")
            path.write_text(dump_yaml(data), encoding="utf-8")
            terminal = Recorder(console, io.StringIO("".join(f"{line}\n" for line in TYPED)))
            Questionnaire(terminal, compile_rubric(load_rubric()), resume=path).run()
        finally:
            os.chdir(here)
    console.save_svg(str(OUTPUT), title="retail-stage assess")


if __name__ == "__main__":
    main()
