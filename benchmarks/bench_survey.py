"""Survey intake against its floors, printed as throughputs and ratios.

    python benchmarks/bench_survey.py [--rows N] [--repeat R]

Writes one export of N rows (four respondents a company, each giving a fresh random answer
instead of the company's to 15% of the questions; answers as option labels joined by ", " as
Google Forms writes them, 36 question columns plus timestamp, company and role) as CSV
and as XLSX in a temporary folder, then measures in one run:

- the floors: `csv.reader` over the CSV with `json.dumps` of each row, and python-calamine
  reading every cell of the XLSX;
- `score_paths` over each file: reading, matching every cell to an answer, merging each
  company's respondents and scoring it;
- openpyxl's read-only mode over the same XLSX, the library the reading could have used.

Every time is the best of R runs (a shared machine adds noise only upwards). The targets
printed beside the ratios are issue 13's (there for a 100,000-row CSV: `--rows 100000`).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import _answer

from retail_stage.batch import score_paths
from retail_stage.engine import compile_rubric
from retail_stage.loading import load_rubric
from retail_stage.questions import question_order
from retail_stage.rubric import Indicator, MultiAnswer, NumberAnswer

ROLES = ("CEO", "Head of e-commerce", "Supply-chain lead", "Store manager")
DISAGREE = 0.15
"""The chance that a respondent's answer is not the company's (then it is drawn anew)."""


def best(repeat: int, run: Callable[[], object]) -> float:
    """The shortest of `repeat` wall-clock times of `run`."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def cell(ind: Indicator, value: Any) -> Any:
    """An answer as a form tool writes it: labels, Yes/No, a plain number."""
    if value in ("unknown", "n/a"):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(ind.answer, NumberAnswer):
        return value
    labels = {o.id: o.label for o in getattr(ind.answer, "options", ())} | {
        level.id: level.label for level in getattr(ind.answer, "levels", ())
    }
    if isinstance(ind.answer, MultiAnswer):
        return ", ".join(labels[v] for v in value)
    return labels[value]


def table(rows: int) -> list[list[Any]]:
    """The export: a header row, then `rows` responses."""
    rubric = load_rubric()
    order = question_order(rubric)
    rng = random.Random(13)
    out: list[list[Any]] = [["Timestamp", "Company", "Role", *(ind.question for ind in order)]]
    for number in range(rows):
        if number % 4 == 0:  # a new company: what is true of it
            truth = [_answer(ind, rng) for ind in order]
        when = f"2026-{1 + number % 12:02d}-{1 + number % 28:02d} 09:00:00"
        given = [
            v if rng.random() >= DISAGREE else _answer(ind, rng)
            for ind, v in zip(order, truth, strict=True)
        ]
        answers = [cell(ind, value) for ind, value in zip(order, given, strict=True)]
        out.append([when, f"Store {number // 4:06d}", ROLES[number % 4], *answers])
    return out


def write(folder: Path, rows: list[list[Any]]) -> tuple[Path, Path]:
    import openpyxl

    as_csv = folder / "responses.csv"
    with as_csv.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Form responses 1")
    for row in rows:
        sheet.append(row)
    as_xlsx = folder / "responses.xlsx"
    book.save(as_xlsx)
    return as_csv, as_xlsx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import openpyxl
    from python_calamine import CalamineWorkbook

    compiled = compile_rubric(load_rubric())
    with tempfile.TemporaryDirectory() as temporary:
        as_csv, as_xlsx = write(Path(temporary), table(args.rows))
        companies = args.rows // 4

        def csv_floor() -> None:
            with as_csv.open(encoding="utf-8", newline="") as stream:
                for row in csv.reader(stream):
                    json.dumps(row)

        def calamine_floor() -> None:
            CalamineWorkbook.from_path(str(as_xlsx)).get_sheet_by_index(0).to_python()

        def openpyxl_read() -> None:
            book = openpyxl.load_workbook(as_xlsx, read_only=True, data_only=True)
            for _ in book.worksheets[0].iter_rows(values_only=True):
                pass
            book.close()

        def scored(path: Path) -> Callable[[], None]:
            def run() -> None:
                found = list(score_paths(compiled, [str(path)]))
                assert len(found) == companies, (len(found), found[0])

            return run

        times = {
            "csv.reader + json.dumps (floor)": best(args.repeat, csv_floor),
            "score CSV export": best(args.repeat, scored(as_csv)),
            "calamine read (floor)": best(args.repeat, calamine_floor),
            "score XLSX export": best(args.repeat, scored(as_xlsx)),
            "openpyxl read-only read": best(args.repeat, openpyxl_read),
        }
    print(f"{args.rows:,} rows, {companies:,} companies, best of {args.repeat}")
    for name, seconds in times.items():
        print(f"  {name:<32} {seconds:7.2f} s  {args.rows / seconds:>10,.0f} rows/s")
    csv_ratio = times["score CSV export"] / times["csv.reader + json.dumps (floor)"]
    print(f"  score CSV / csv.reader + json.dumps {csv_ratio:6.1f} x  (target <= 2)")
    print(
        f"  score XLSX / calamine read        "
        f"{times['score XLSX export'] / times['calamine read (floor)']:6.1f} x  (target <= 1.5)"
    )
    print(
        f"  openpyxl / calamine read          "
        f"{times['openpyxl read-only read'] / times['calamine read (floor)']:6.1f} x"
    )


if __name__ == "__main__":
    main()
