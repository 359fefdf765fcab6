"""Batch throughput: a fixed batch of offices, with this checkout and
(optionally) another one for comparison.

    .venv/bin/python bench/batch.py [--offices 20] [--langs es,hy] [--compare PATH-TO-OTHER-CHECKOUT]

Each office is a row with its own name and phone (so nothing is shared between
offices but the engine). Both runs use the same CSV and `-j 2`, in fresh
processes, interleaved (A, B, A, B). Prints min / median wall time, offices per
minute, and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def write_csv(path: Path, offices: int) -> None:
    lines = ["name,phone"]
    for number in range(offices):
        lines.append(f"Clinic {number + 1:03d},(213) 555-{number:04d}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(checkout: Path, csv_file: Path, langs: list[str], out: Path, extra: list[str]) -> tuple[float, int]:
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, "-m", "handouts.cli", "batch", str(csv_file), "-o", str(out), "-j", "2"]
    command += [a for code in langs for a in ("-l", code)] + extra
    start = time.perf_counter()
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=env, cwd=checkout)
    if done.returncode:
        raise SystemExit(f"{checkout}: batch failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offices", type=int, default=20)
    parser.add_argument("--langs", default="es,hy")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--compare", type=Path, help="another checkout of handouts (e.g. a git worktree)")
    args = parser.parse_args()
    langs = args.langs.split(",")
    work = Path(tempfile.mkdtemp(prefix="handouts-bench-batch-"))
    try:
        csv_file = work / "offices.csv"
        write_csv(csv_file, args.offices)
        checkouts = {"this checkout": HERE}
        if args.compare:
            checkouts["compared"] = args.compare.resolve()
        times: dict[str, list[float]] = {name: [] for name in checkouts}
        peak = 0
        for _ in range(args.rounds):
            for name, checkout in checkouts.items():
                elapsed, rss = run(checkout, csv_file, langs, work / "out", [])
                times[name].append(elapsed)
                peak = max(peak, rss)
        print(
            f"{args.offices} offices x {len(langs)} languages ({', '.join(langs)}), packets, -j 2, "
            f"{os.cpu_count()} cores"
        )
        for name, values in times.items():
            best, median = min(values), statistics.median(values)
            print(
                f"{name:<14} {best:6.1f} / {median:6.1f} s (min / median)  {60 * args.offices / best:6.1f} offices/min"
            )
        if args.compare:
            ratio = min(times["compared"]) / min(times["this checkout"])
            print(f"speed-up over the compared checkout: {ratio:.2f}x (min over min)")
        print(f"peak RSS of any process: {peak} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
