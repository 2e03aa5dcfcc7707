"""The core's speed on the bundled examples: engine alone, and load + check + score per profile.

    python benchmarks/bench_core.py [--rounds N]

Prints profiles per second; no assertion (speed is a figure, not a test).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from retail_stage.batch import score_paths
from retail_stage.engine import compile_rubric, score_answers
from retail_stage.loading import load_rubric
from retail_stage.sources import load_yaml_documents

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "profiles"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=500)
    rounds = parser.parse_args().rounds
    compiled = compile_rubric(load_rubric())
    files = sorted(EXAMPLES.glob("*.yaml"))
    answers = [load_yaml_documents(f.read_text(), str(f))[0]["answers"] for f in files]

    start = time.perf_counter()
    for _ in range(rounds):
        for a in answers:
            score_answers(compiled, a)
    engine = rounds * len(answers) / (time.perf_counter() - start)

    paths = [str(f) for f in files]
    start = time.perf_counter()
    for _ in range(rounds // 10):
        for _record in score_paths(compiled, paths):
            pass
    full = (rounds // 10) * len(files) / (time.perf_counter() - start)
    print(f"engine alone:             {engine:10,.0f} profiles/s ({1e6 / engine:.1f} µs each)")
    print(f"read + load + check + score: {full:7,.0f} profiles/s ({1e6 / full:.1f} µs each)")


if __name__ == "__main__":
    main()
