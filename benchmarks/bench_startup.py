"""Start-up time against its floors (DESIGN §5), medians of several runs.

    python benchmarks/bench_startup.py [--runs N]

Targets: `retail-stage --version` <= 1.2 x `python -c "import typer"`;
`retail-stage score one.yaml` <= 1.5 x `python -c "import typer, pydantic, yaml, rich"`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONE = ROOT / "examples" / "profiles" / "03-lotus-lane-grocers.yaml"


# Both sides may write bytecode: the warm-up run then compiles whatever module changed since
# its .pyc was written, as a user's first run after installing does (pip compiles the wheel).
# With PYTHONDONTWRITEBYTECODE set, every run would recompile each edited module of this
# checkout, timing the compiler rather than the start-up.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_seconds(command: list[str], runs: int) -> float:
    """Median wall time of `command` over `runs` runs, after one warm-up run."""
    subprocess.run(command, capture_output=True, check=False, env=ENV)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    python = sys.executable
    script = Path(python).with_name("retail-stage")
    # The installed command, as a user runs it; `python -m` where it is not installed.
    tool = [str(script)] if script.exists() else [python, "-m", "retail_stage"]
    pairs = [
        ("--version", [*tool, "--version"], [python, "-c", "import typer"], 1.2),
        (
            "score one.yaml",
            [*tool, "score", str(ONE), "--format", "json"],
            [python, "-c", "import typer, pydantic, yaml, rich"],
            1.5,
        ),
    ]
    for name, command, floor_command, target in pairs:
        ours = median_seconds(command, runs)
        floor = median_seconds(floor_command, runs)
        verdict = "ok" if ours <= target * floor else "OVER TARGET"
        print(
            f"{name:15} {ours * 1000:7.1f} ms   floor {floor * 1000:7.1f} ms   "
            f"ratio {ours / floor:4.2f} (target <= {target})  {verdict}"
        )


if __name__ == "__main__":
    main()
