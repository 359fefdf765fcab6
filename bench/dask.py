# ruff: noqa: E402
"""Benchmark (issue 12): a fixed batch of offices on the three engines, and the
previous `batch` on the same work.

    .venv/bin/python bench/dask.py [--offices 20] [--rounds 1] [--compare PATH-TO-PREVIOUS-CHECKOUT]

Workload: OFFICES offices (default 20), each a CSV row with its own clinic name
and phone, each getting, in es, hy and zh-Hant: a packet (cover + the three
patient handouts) and the know-your-rights poster (24 x 36 in), plus one sheet
of 10 Spanish Red Cards (and the alignment page): `handouts batch` with the
plan columns. Engines: the local process pool (-j 2), a LocalCluster (2
workers, 1 thread each), and `dask scheduler` + 2 `dask worker` processes on
127.0.0.1 (distributed.LocalProcesses). Each engine runs the whole batch
(start-up timed apart); with --rounds N each is run N times, interleaved with
the compared checkout, and the minimum is reported.

--compare: the same work with a previous checkout (e.g. `git worktree add
/tmp/old 73c5fcd`), whose `batch` made packets only: there it is its `batch`
(packets in the three languages), then per office its `build` of the three
posters with the office's profile and its Red Card sheet, all in one process
with -j 2, as an outreach lead would have had to script it.

Prints one table: start s, batch s (min), offices per minute, ratio to the
previous checkout, peak RSS per worker, and the CPU time of this process (the
client: it plans, writes every file and manifest, zips) per office.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named dask.py: drop its folder from the path, or `import dask` finds it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time

from handouts.batch import OfficePlan, run_batch
from handouts.engines import Engine, ProcessPool

WORKERS = 2
LANGS = ("es", "hy", "zh-Hant")
POSTER = ("know-your-rights", "poster-24x36")
CARDS = "es:10"


def write_csv(path: Path, offices: int, plan_columns: bool = True) -> None:
    """The offices; without plan columns for the previous checkout (it had none)."""
    rows = ["name,phone,languages,handouts,sizes,cards,packets" if plan_columns else "name,phone"]
    for n in range(offices):
        office = f"Clinic {n + 1:03d},(213) 555-{n:04d}"
        rows.append(f"{office},{' '.join(LANGS)},{POSTER[0]},{POSTER[1]},{CARDS},yes" if plan_columns else office)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


CLIENT_CPU: dict[str, list[float]] = {}  # engine -> CPU seconds of this process (the client) per run


def run(engine: Engine, csv_file: Path, out: Path, name: str) -> float:
    shutil.rmtree(out, ignore_errors=True)
    start, cpu = time.perf_counter(), cpu_s()
    results = run_batch(csv_file, out, OfficePlan(languages=LANGS), workers=WORKERS, engine=engine)
    took = time.perf_counter() - start
    CLIENT_CPU.setdefault(name, []).append(cpu_s() - cpu)
    failed = [r.error for r in results if r.error]
    assert not failed, failed
    return took


# The same work with the previous checkout's library (its batch made packets only).
PREVIOUS = """
import sys, time
from pathlib import Path
from handouts.batch import read_offices, office_folder, run_batch
from handouts.build import build
from handouts.output import write_atomically
from handouts.plan import plan
from handouts.sheets import red_card_sheet
csv_file, out = Path(sys.argv[1]), Path(sys.argv[2])
langs, poster, cards = {langs!r}, {poster!r}, {cards!r}
if __name__ == "__main__":
    start = time.perf_counter()
    results = run_batch(csv_file, list(langs), out, workers={workers})
    assert not [r for r in results if r.error], [r.error for r in results if r.error]
    offices, failures, _ = read_offices(csv_file)
    for office in offices:
        folder = office_folder(out, office.slug)
        report = build(plan([poster[0]], list(langs), [poster[1]], profile=office.profile), folder, workers={workers})
        assert not report.failed, [str(r.error) for r in report.failed]
        pdf = red_card_sheet([cards], "avery-5371")[0]
        write_atomically(folder / "sheets" / "red-card-es.pdf", pdf)
    print(time.perf_counter() - start)
"""


def run_previous(checkout: Path, csv_file: Path, out: Path) -> tuple[float, float]:
    """(seconds, peak RSS of any of its processes in MB)."""
    shutil.rmtree(out, ignore_errors=True)
    script = out.parent / "previous.py"
    script.write_text(PREVIOUS.format(langs=LANGS, poster=POSTER, cards=CARDS, workers=WORKERS), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(
        [sys.executable, str(script), str(csv_file), str(out)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=checkout,
    )
    if done.returncode:
        raise SystemExit(f"the previous checkout failed:\n{done.stderr[-3000:]}")
    return float(done.stdout.strip().splitlines()[-1]), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> int:
    from handouts.distributed import DaskEngine, LocalProcesses

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offices", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--compare", type=Path, help="a previous checkout of handouts (e.g. a git worktree)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="handouts-bench-dask-"))
    csv_file = work / "offices.csv"
    write_csv(csv_file, args.offices)
    write_csv(work / "previous.csv", args.offices, plan_columns=False)
    times: dict[str, list[float]] = {}
    starts: dict[str, float] = {}
    rss: dict[str, float] = {}
    previous: list[float] = []
    previous_rss = 0.0
    try:
        for _ in range(args.rounds):
            if args.compare:
                took, previous_rss = run_previous(args.compare.resolve(), work / "previous.csv", work / "previous")
                previous.append(took)

            name = "local pool (-j 2)"
            start = time.perf_counter()
            with ProcessPool(WORKERS) as pool:
                pool.start()
                starts[name] = time.perf_counter() - start
                times.setdefault(name, []).append(run(pool, csv_file, work / "pool", name))
            # the pool's workers have exited: their peak is in RUSAGE_CHILDREN (as is any earlier child's)
            rss[name] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

            name = "LocalCluster (2 workers)"
            start = time.perf_counter()
            with DaskEngine("local") as engine:
                starts[name] = time.perf_counter() - start
                times.setdefault(name, []).append(run(engine, csv_file, work / "local-cluster", name))
                rss[name] = max(engine.client.run(peak_rss_mb).values())

            name = "scheduler + 2 workers"
            start = time.perf_counter()
            with LocalProcesses() as cluster:
                cluster.scheduler()
                for _worker in range(WORKERS):
                    cluster.worker()
                cluster.wait_for_workers(WORKERS)
                with DaskEngine(cluster.address) as engine:
                    starts[name] = time.perf_counter() - start
                    times.setdefault(name, []).append(run(engine, csv_file, work / "processes", name))
                    rss[name] = max(engine.client.run(peak_rss_mb).values())
    finally:
        shutil.rmtree(work, ignore_errors=True)

    per_office = f"{len(LANGS)} packets + {len(LANGS)} posters ({POSTER[1]}) + 1 card sheet ({CARDS})"
    print(f"{args.offices} offices x ({per_office}), {WORKERS} workers, {os.cpu_count()} cores, {args.rounds} round(s)")
    print(
        f"{'engine':26} {'start s':>8} {'batch s (min)':>14} {'offices/min':>12} "
        f"{'vs previous':>12} {'peak RSS/worker MB':>19} {'client CPU s/office':>20}"
    )
    best_previous = min(previous) if previous else 0.0
    for name, values in times.items():
        best = min(values)
        ratio = f"{best_previous / best:11.2f}x" if previous else f"{'-':>12}"
        client = min(CLIENT_CPU[name]) / args.offices
        print(
            f"{name:26} {starts[name]:8.1f} {best:14.1f} {60 * args.offices / best:12.1f} {ratio} "
            f"{rss[name]:19.0f} {client:20.2f}"
        )
    if previous:
        print(
            f"{'previous checkout':26} {'':>8} {best_previous:14.1f} {60 * args.offices / best_previous:12.1f} "
            f"{'1.00x':>12} {previous_rss:19.0f}  (its batch + build + sheet, -j 2; RSS: any of its processes)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
