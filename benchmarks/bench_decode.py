"""Decoding a JSONL profile line: the exact load_json (the json module with its duplicate-key
hook and checks) against the batch's load_json_line (jiter, the exact decoder for what jiter
refuses).

    python benchmarks/bench_decode.py [--lines N] [--rounds N]

Both run alternately in one process on the same synthetic lines (benchmarks/synthetic.py), with
the lines' values dropped at once and kept a chunk of 48 lines at a time as a batch does; the
figure is the best round of each, per line, and the ratio. No assertion: speed is a figure.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from synthetic import profiles, write_jsonl

from retail_stage.sources import load_json, load_json_line

CHUNK = 48  # lines a batch decodes before scoring them (batch.LINES_PER_TASK)

Decoder = Callable[[str, str], Any]


def dropping(decode: Decoder, lines: list[str]) -> Callable[[], None]:
    def run() -> None:
        for line in lines:
            decode(line, "p.jsonl")

    return run


def keeping(decode: Decoder, lines: list[str]) -> Callable[[], None]:
    def run() -> None:
        for start in range(0, len(lines), CHUNK):
            values = [decode(line, "p.jsonl") for line in lines[start : start + CHUNK]]
            del values

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "profiles.jsonl"
        write_jsonl(path, profiles(min(args.lines, 20_000)), args.lines)
        lines = path.read_text(encoding="utf-8").splitlines()
    load_json_line(lines[0], "warm-up")  # its first call imports jiter
    gc.freeze()
    runs = {
        ("dropped", "load_json"): dropping(load_json, lines),
        ("dropped", "load_json_line"): dropping(load_json_line, lines),
        ("kept", "load_json"): keeping(load_json, lines),
        ("kept", "load_json_line"): keeping(load_json_line, lines),
    }
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(args.rounds):
        for key, run in runs.items():
            start = time.process_time()
            run()
            best[key] = min(best[key], time.process_time() - start)
    size = sum(map(len, lines)) / len(lines)
    print(f"{len(lines):,} lines of {size:,.0f} characters on average; best of {args.rounds}")
    for values in ("dropped", "kept"):
        old, new = (
            best[values, name] / len(lines) * 1e6 for name in ("load_json", "load_json_line")
        )
        print(
            f"values {values:8s} load_json {old:6.2f} us/line   load_json_line {new:6.2f} us/line"
            f"   {old / new:.2f} x"
        )


if __name__ == "__main__":
    main()
