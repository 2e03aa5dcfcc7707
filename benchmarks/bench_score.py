"""Batch scoring against its floor (DESIGN §5), printed as throughputs and ratios.

    python benchmarks/bench_score.py [--profiles N] [--jsonl N] [--repeat R]

Makes N synthetic valid profiles for the bundled rubric in a temporary folder, then measures
in one run: the floor (bare `yaml.load(text, Loader=yaml.CSafeLoader)` over the same files,
reading them included), the naive peer (benchmarks/naive_peer.py) over the same YAML files
and JSONL file, `retail-stage score` with 1 and 2 workers, JSONL input with its one speed
trick and without it (orjson's writing of a line, `render.jsonl.line`), the engine alone,
and peak memory for a small and a large batch. Every time is the best of R runs, since a shared
machine adds noise only upwards; runs to be compared alternate. Targets (DESIGN §5) are
printed beside the figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import profiles, write_jsonl, write_yaml_folder

ROOT = Path(__file__).resolve().parent.parent


def best(repeat: int, run: Callable[[], None]) -> float:
    """The shortest of `repeat` wall-clock times of `run`."""
    return min(timed(run)[0] for _ in range(repeat))


def timed(run: Callable[[], None]) -> tuple[float, float]:
    """Wall-clock seconds of `run`, and CPU seconds of the processes it started and reaped."""
    before, started = os.times(), time.perf_counter()
    run()
    wall, after = time.perf_counter() - started, os.times()
    cpu = after.children_user + after.children_system
    return wall, cpu - before.children_user - before.children_system


def best_of_runs(repeat: int, run: Callable[[], None]) -> tuple[float, float]:
    """(wall, CPU) seconds of the fastest of `repeat` runs."""
    return min(timed(run) for _ in range(repeat))


def floor(folder: Path) -> None:
    """Read and parse every profile file, nothing more."""
    for path in sorted(folder.rglob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def score(arguments: list[str], output: Path, switch_off: str = "") -> None:
    """`retail-stage score ... -f jsonl -o output` in a fresh process, as a user runs it;
    `switch_off` is a script that runs it without a speed trick (PLAIN_OUT)."""
    start = [sys.executable, "-c", switch_off] if switch_off else [sys.executable, "-m"]
    command = [*start, "retail_stage", "score", *arguments, "-f", "jsonl"]
    subprocess.run([*command, "-o", str(output)], check=True, stderr=subprocess.DEVNULL)


PLAIN_OUT = """
import sys
from retail_stage.render import jsonl
class JsonModuleOnly:
    def dumps(self, data):
        raise TypeError("write with the json module")
# The workers are forked from this process, so they write lines this way too.
jsonl.orjson = JsonModuleOnly()
from retail_stage.cli import main
sys.argv = ["retail-stage", *sys.argv[2:]]
main()
"""


def naive_peer(paths: list[Path], output: Path) -> None:
    """benchmarks/naive_peer.py over `paths`, in a fresh process."""
    command = [sys.executable, str(ROOT / "benchmarks" / "naive_peer.py"), *map(str, paths)]
    subprocess.run([*command, "-o", str(output)], check=True, stderr=subprocess.DEVNULL)


def alternating(repeat: int, runs: dict[str, Callable[[], None]]) -> dict[str, float]:
    """The best wall time of each run, the runs taking turns so that a slow spell of a shared
    machine falls on all of them."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, run in runs.items():
            best[name] = min(best[name], timed(run)[0])
    return best


PEAK = """
import resource, sys
from retail_stage.cli import main
sys.argv = ["retail-stage", "score", sys.argv[1], "-f", "jsonl", "-o", sys.argv[2], *sys.argv[3:]]
try:
    main()
except SystemExit:
    pass
# ru_maxrss survives exec on Linux (it would report the benchmark's own size): VmHWM does not.
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    with open("/proc/self/status") as status:
        own = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    pass
print(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_kib(jsonl: Path, output: Path, *options: str) -> tuple[int, int]:
    """Peak resident memory (KiB) of the scoring process and of its largest worker (0: none)."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(jsonl), str(output), *options],
        check=True,
        capture_output=True,
        text=True,
    )
    own, workers = done.stdout.split()[-2:]
    return int(own), int(workers)


def engine_rate(batch: list[dict[str, object]], repeat: int) -> float:
    """Profiles/s of the engine alone over profiles already parsed and validated."""
    from retail_stage.engine import compile_rubric, score_answers
    from retail_stage.loading import load_rubric
    from retail_stage.profile import Profile

    compiled = compile_rubric(load_rubric())
    answers = [Profile.model_validate(data).answers for data in batch]
    gc.freeze()  # the parsed profiles are input, not work: keep the collector off them

    def run() -> None:
        # Each result is dropped once made, as a batch drops it once written: a list of
        # 20,000 live results would time the collector walking them again and again.
        for a in answers:
            score_answers(compiled, a)

    seconds = best(repeat, run)
    gc.unfreeze()
    return len(answers) / seconds


def verdict(ok: bool) -> str:
    """A mark for a target met or missed."""
    return "ok" if ok else "MISSED"


def main() -> None:
    """Run every measurement and print one report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=20_000, help="YAML profiles (20,000)")
    parser.add_argument("--jsonl", type=int, default=100_000, help="JSONL profiles (100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure, best kept (3)")
    options = parser.parse_args()
    n, big, repeat = options.profiles, options.jsonl, options.repeat
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity is not None else os.cpu_count()

    with tempfile.TemporaryDirectory(prefix="bench-score-") as temporary:
        tmp = Path(temporary)
        started = time.perf_counter()
        batch = profiles(n)
        write_yaml_folder(tmp / "yaml", batch)
        write_jsonl(tmp / "big.jsonl", batch, big)
        write_jsonl(tmp / "small.jsonl", batch, 1_000)
        print(f"cores: {cores}; Python {sys.version.split()[0]}; libyaml {yaml.__with_libyaml__}")
        print(
            f"made {n:,} YAML profiles and {big:,} JSONL lines in "
            f"{time.perf_counter() - started:.1f}s; best of {repeat} runs each\n"
        )

        out = tmp / "out.jsonl"
        base = n / best(repeat, lambda: floor(tmp / "yaml"))
        one_wall, one_cpu = best_of_runs(repeat, lambda: score([str(tmp / "yaml"), "-w", "1"], out))
        two_wall, two_cpu = best_of_runs(repeat, lambda: score([str(tmp / "yaml"), "-w", "2"], out))
        one, two = n / one_wall, n / two_wall
        peer_yaml = n / best(repeat, lambda: naive_peer([tmp / "yaml"], out))
        jsonl = alternating(
            repeat,
            {
                "ours": lambda: score([str(tmp / "big.jsonl")], out),
                "plain": lambda: score([str(tmp / "big.jsonl")], out, PLAIN_OUT),
                "peer": lambda: naive_peer([tmp / "big.jsonl"], out),
            },
        )
        lines, plain_lines, peer_lines = (big / jsonl[k] for k in ("ours", "plain", "peer"))
        engine = engine_rate(batch, repeat)
        # Same settings for both sizes, so the difference is the number of profiles alone;
        # the default (one process for 1,000, a pool for 100,000) is shown beside them.
        small_own, small_workers = peak_kib(tmp / "small.jsonl", out, "-w", "2")
        big_own, big_workers = peak_kib(tmp / "big.jsonl", out, "-w", "2")
        auto_small = max(peak_kib(tmp / "small.jsonl", out))
        auto_big = max(peak_kib(tmp / "big.jsonl", out))

    small_kib, big_kib = max(small_own, small_workers), max(big_own, big_workers)
    growth = big_kib / small_kib - 1
    rows = [
        ("floor: yaml.load CSafeLoader", f"{base:9,.0f} profiles/s", "", ""),
        (
            "naive peer, YAML",
            f"{peer_yaml:9,.0f} profiles/s",
            f"{peer_yaml / base:.2f} x floor",
            "",
        ),
        (
            "score YAML, 1 worker",
            f"{one:9,.0f} profiles/s",
            f"{one / base:.2f} x floor",
            f">= 1.00 x floor: {verdict(one >= base)}",
        ),
        ("  against the naive peer", "", f"{one / peer_yaml:.2f} x peer", ""),
        (
            "score YAML, 2 workers",
            f"{two:9,.0f} profiles/s",
            f"{two / one:.2f} x 1 worker",
            f">= 1.70 x 1 worker: {verdict(two >= 1.7 * one)}",
        ),
        (
            "  CPU per profile, 1 / 2 workers",
            f"{one_cpu / n * 1e6:.0f} / {two_cpu / n * 1e6:.0f} us",
            f"{two_cpu / two_wall:.2f} cores busy",
            "",
        ),
        ("naive peer, JSONL", f"{peer_lines:9,.0f} profiles/s", "", ""),
        (
            f"score JSONL ({big:,} lines)",
            f"{lines:9,.0f} profiles/s",
            f"{lines / peer_lines:.2f} x peer",
            f">= 20,000/s: {verdict(lines >= 20_000)}, "
            f">= 3 x peer: {verdict(lines >= 3 * peer_lines)}",
        ),
        (
            "  lines written by json alone",
            f"{plain_lines:9,.0f} profiles/s",
            f"orjson: {lines / plain_lines - 1:+.1%}",
            "(a trick stays at >= +15%)",
        ),
        (
            "engine alone",
            f"{engine:9,.0f} profiles/s",
            "",
            f">= 30,000/s: {verdict(engine >= 30_000)}",
        ),
        ("peak memory, 1,000 JSONL, -w 2", f"{small_kib / 1024:9.1f} MiB", "largest process", ""),
        (
            f"peak memory, {big:,} JSONL, -w 2",
            f"{big_kib / 1024:9.1f} MiB",
            f"{growth:+.1%}",
            f"within 10%: {verdict(growth <= 0.10)}",
        ),
        (
            "  of which: main, worker",
            f"{big_own / 1024:.1f}, {big_workers / 1024:.1f} MiB",
            "",
            "",
        ),
        (
            "peak memory, default workers",
            f"{auto_small / 1024:.1f}, {auto_big / 1024:.1f} MiB",
            f"{auto_big / auto_small - 1:+.1%}",
            "(1 process for 1,000; main + pool for 100,000)",
        ),
    ]
    for name, figure, ratio, target in rows:
        print(f"{name:32} {figure:>22}  {ratio:>16}  {target}")
    print(
        json.dumps(
            {
                "cores": cores,
                "floor": round(base),
                "one_worker": round(one),
                "two_workers": round(two),
                "naive_peer_yaml": round(peer_yaml),
                "jsonl": round(lines),
                "jsonl_plain_out": round(plain_lines),
                "naive_peer_jsonl": round(peer_lines),
                "engine": round(engine),
                "peak_kib_small": small_kib,
                "peak_kib_big": big_kib,
            }
        )
    )


if __name__ == "__main__":
    main()
