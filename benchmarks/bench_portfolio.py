"""The portfolio report against its floor (issue 14), printed as times and ratios.

    python benchmarks/bench_portfolio.py [--jsonl N] [--repeat R]

Makes N synthetic valid JSONL profiles (100,000) and 1,000 more in a temporary folder, then
measures in one run: the floor, `retail-stage score big.jsonl -f jsonl -o out.jsonl` (every
result written), and the portfolio report of the same input (`--summary -o portfolio.html`,
and `--group-by sector`, and the XLSX summary, which lists every company), the runs taking
turns; then the peak memory of the HTML report for 1,000 and for N profiles, with the same
settings (-w 2), so that the difference is the number of profiles alone. Every time is the
best of R runs. Targets, printed beside the figures: the report within 1.3 x the floor's time,
its peak memory for N profiles within 10% of that for 1,000.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_score import alternating, verdict
from synthetic import profiles, write_jsonl


def score(*arguments: str) -> None:
    """`retail-stage score ...` in a fresh process, as a user runs it."""
    command = [sys.executable, "-m", "retail_stage", "score", *arguments, "-q"]
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)


PEAK = """
import resource, sys
from retail_stage.cli import main
sys.argv = ["retail-stage", "score", *sys.argv[1:], "-q"]
try:
    main()
except SystemExit:
    pass
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    with open("/proc/self/status") as status:
        own = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    pass
print(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_kib(*arguments: str) -> int:
    """Peak resident memory (KiB) of the largest process of a `score` run (main or worker)."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *arguments], check=True, capture_output=True, text=True
    )
    own, workers = done.stdout.split()[-2:]
    return max(int(own), int(workers))


def main() -> None:
    """Run every measurement and print one report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", type=int, default=100_000, help="JSONL profiles (100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure, best kept (3)")
    options = parser.parse_args()
    big, repeat = options.jsonl, options.repeat
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity is not None else os.cpu_count()

    with tempfile.TemporaryDirectory(prefix="bench-portfolio-") as temporary:
        tmp = Path(temporary)
        started = time.perf_counter()
        batch = profiles(min(big, 20_000))
        write_jsonl(tmp / "big.jsonl", batch, big)
        write_jsonl(tmp / "small.jsonl", batch, 1_000)
        print(f"cores: {cores}; Python {sys.version.split()[0]}")
        print(
            f"made {big:,} JSONL lines in {time.perf_counter() - started:.1f}s; "
            f"best of {repeat} runs each\n"
        )
        source = str(tmp / "big.jsonl")
        html, xlsx = str(tmp / "portfolio.html"), str(tmp / "portfolio.xlsx")
        times = alternating(
            repeat,
            {
                "floor": lambda: score(source, "-f", "jsonl", "-o", str(tmp / "out.jsonl")),
                "html": lambda: score(source, "--summary", "-o", html),
                "grouped": lambda: score(source, "--summary", "--group-by", "sector", "-o", html),
                "xlsx": lambda: score(source, "--summary", "-o", xlsx),
            },
        )
        small_kib = peak_kib(str(tmp / "small.jsonl"), "--summary", "-o", html, "-w", "2")
        big_kib = peak_kib(source, "--summary", "-o", html, "-w", "2")
        grouped_kib = peak_kib(source, "--summary", "--group-by", "sector", "-o", html, "-w", "2")
        xlsx_kib = peak_kib(source, "--summary", "-o", xlsx, "-w", "2")

    floor = times["floor"]
    growth = big_kib / small_kib - 1
    rows = [
        (f"floor: score -f jsonl ({big:,})", f"{floor:8.2f} s", "", ""),
        (
            "portfolio report, HTML",
            f"{times['html']:8.2f} s",
            f"{times['html'] / floor:.2f} x floor",
            f"<= 1.30 x floor: {verdict(times['html'] <= 1.3 * floor)}",
        ),
        (
            "  --group-by sector",
            f"{times['grouped']:8.2f} s",
            f"{times['grouped'] / floor:.2f} x floor",
            "",
        ),
        (
            "  XLSX summary (every company)",
            f"{times['xlsx']:8.2f} s",
            f"{times['xlsx'] / floor:.2f} x floor",
            "",
        ),
        ("peak memory, 1,000, -w 2", f"{small_kib / 1024:8.1f} MiB", "largest process", ""),
        (
            f"peak memory, {big:,}, -w 2",
            f"{big_kib / 1024:8.1f} MiB",
            f"{growth:+.1%}",
            f"within 10%: {verdict(growth <= 0.10)}",
        ),
        (
            "  --group-by sector",
            f"{grouped_kib / 1024:8.1f} MiB",
            f"{grouped_kib / small_kib - 1:+.1%}",
            "",
        ),
        (
            "  XLSX summary (every company)",
            f"{xlsx_kib / 1024:8.1f} MiB",
            f"{xlsx_kib / small_kib - 1:+.1%}",
            "(holds the ranked list whole)",
        ),
    ]
    for name, figure, ratio, target in rows:
        print(f"{name:34} {figure:>14}  {ratio:>16}  {target}")
    print(
        json.dumps(
            {
                "cores": cores,
                "floor_s": round(floor, 3),
                "html_s": round(times["html"], 3),
                "grouped_s": round(times["grouped"], 3),
                "xlsx_s": round(times["xlsx"], 3),
                "peak_kib_small": small_kib,
                "peak_kib_big": big_kib,
                "peak_kib_grouped": grouped_kib,
                "peak_kib_xlsx": xlsx_kib,
            }
        )
    )


if __name__ == "__main__":
    main()
