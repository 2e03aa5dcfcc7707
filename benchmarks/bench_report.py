"""How long one company's report takes to draw once the program has started (issue 14: an
HTML report in under 50 ms after start-up), against floors measured in the same run.

    python benchmarks/bench_report.py [--runs N]

Times, in one process with the rubric loaded and the profile scored, the median of N runs of:
the JSON report (the floor: the same report data, serialised by the standard library), the
HTML document, the Markdown, the terminal text (a rich recording), and the PDF when WeasyPrint
is installed. Prints milliseconds and each one's ratio to the JSON floor.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from retail_stage import load_profiles, load_rubric, score
from retail_stage.render.report import render_document
from retail_stage.render.report_formats import ReportFormat

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "examples" / "profiles" / "03-lotus-lane-grocers.yaml"


def median_ms(work: Callable[[], object], runs: int) -> float:
    """The median wall time of `work` in milliseconds, after one warm-up run."""
    work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    rubric = load_rubric()
    result = score(rubric, next(iter(load_profiles(PROFILE))))
    formats = [ReportFormat.JSON, ReportFormat.HTML, ReportFormat.MD, ReportFormat.TXT]
    try:
        from retail_stage.render.report_pdf import check_engine

        check_engine()
        formats.append(ReportFormat.PDF)
    except Exception as missing:  # any reason the PDF engine is not there
        print(f"(no PDF: {missing})")
    figures = {
        fmt: median_ms(lambda fmt=fmt: render_document(result, rubric, fmt), args.runs)
        for fmt in formats
    }
    floor = figures[ReportFormat.JSON]
    print(f"report of {PROFILE.name}, median of {args.runs} runs after start-up")
    for fmt, ms in figures.items():
        print(f"  {fmt.value:<5} {ms:8.1f} ms  {ms / floor:6.1f} x the JSON report")


if __name__ == "__main__":
    main()
