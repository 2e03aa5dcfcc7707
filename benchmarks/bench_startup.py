"""Start-up time against its floors (DESIGN §5), medians of several runs.

    python benchmarks/bench_startup.py [--runs N]

Targets: `retail-stage --version` <= 1.2 x `python -c "import typer"`;
`retail-stage score one.yaml` <= 1.5 x a do-nothing typer app with the same parameters
(benchmarks/typer_floor.py). `score one.yaml` is also timed without the rubric cache
(`retail_stage.rubric_cache`: every run checks the bundled rubric with its models), the runs
taking turns, to give the cache's gain.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONE = ROOT / "examples" / "profiles" / "03-lotus-lane-grocers.yaml"


# Both sides may write bytecode: the warm-up run then compiles whatever module changed since
# its .pyc was written, as a user's first run after installing does (pip compiles the wheel).
# With PYTHONDONTWRITEBYTECODE set, every run would recompile each edited module of this
# checkout, timing the compiler rather than the start-up.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def medians(commands: dict[str, tuple[list[str], dict[str, str]]], runs: int) -> dict[str, float]:
    """Median wall time of each (command, environment) over `runs` runs taking turns, after
    one warm-up run of each."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command, env in commands.values():
        subprocess.run(command, capture_output=True, check=True, env=env)
    for _ in range(runs):
        for name, (command, env) in commands.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True, env=env)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(spent) for name, spent in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    python = sys.executable
    script = Path(python).with_name("retail-stage")
    # The installed command, as a user runs it; `python -m` where it is not installed.
    tool = [str(script)] if script.exists() else [python, "-m", "retail_stage"]
    score = [*tool, "score", str(ONE), "--format", "json"]
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        cached = {**ENV, "RETAIL_STAGE_CACHE_DIR": str(Path(folder) / "cache")}
        blocked = Path(folder) / "not-a-folder"
        blocked.write_text("", encoding="utf-8")  # a cache folder that can never be made
        uncached = {**ENV, "RETAIL_STAGE_CACHE_DIR": str(blocked / "cache")}
        took = medians(
            {
                "version": ([*tool, "--version"], cached),
                "import typer": ([python, "-c", "import typer"], cached),
                "score": (score, cached),
                "score, no cache": (score, uncached),
                "typer floor": (
                    [python, str(ROOT / "benchmarks" / "typer_floor.py"), *score[len(tool) :]],
                    cached,
                ),
            },
            runs,
        )
    pairs = [
        ("--version", "version", "import typer", 1.2),
        ("score one.yaml", "score", "typer floor", 1.5),
        ("  without cache", "score, no cache", "typer floor", 1.5),
    ]
    for label, ours_name, floor_name, target in pairs:
        ours, floor = took[ours_name], took[floor_name]
        verdict = "ok" if ours <= target * floor else "OVER TARGET"
        print(
            f"{label:15} {ours * 1000:7.1f} ms   {floor_name:12} {floor * 1000:7.1f} ms   "
            f"ratio {ours / floor:4.2f} (target <= {target})  {verdict}"
        )
    gain = took["score, no cache"] / took["score"] - 1
    print(f"rubric cache: score one.yaml {gain:+.0%} faster with it (a trick stays at >= +15%)")


if __name__ == "__main__":
    main()
