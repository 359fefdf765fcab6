# ruff: noqa: E402
"""Benchmark: the same small batch on the local process pool and on Dask.

    .venv/bin/python bench/dask.py [OFFICES]

Workload: OFFICES offices (default 4), each with its own clinic profile, each
getting know-your-rights (letter) and the red card in en, es and ko: 6 PDFs per
office, rendered through one engine kept for the whole run (as `batch` does).
Engines: the local ProcessPool (2 processes), a LocalCluster (2 workers, 1
thread each), and `dask scheduler` + 2 `dask worker` processes on 127.0.0.1.
Prints one table: start-up time, render time, offices per minute, seconds per
PDF (wall and per worker), and peak RSS per worker.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named dask.py: drop its folder from the path, or `import dask` finds it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import os
import resource
import signal
import socket
import subprocess
import tempfile
import time

from handouts.build import build, plan
from handouts.engines import Engine, ProcessPool
from handouts.profile import make_profile

WORKERS = 2
LANGS = ["en", "es", "ko"]


def offices(count: int) -> list[list]:
    batches = []
    for n in range(count):
        profile = make_profile(
            {"name": f"Clinic {n + 1}", "phone": f"(213) 555-01{n:02d}", "color": "#1d4ed8"}, "bench", Path()
        )
        batches.append(
            plan(handouts=["know-your-rights"], langs=LANGS, sizes=["letter"], profile=profile)
            + plan(handouts=["red-card"], langs=LANGS, profile=profile)
        )
    return batches


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(engine: Engine, batches: list[list]) -> tuple[float, int]:
    pdfs = 0
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        for n, jobs in enumerate(batches):
            report = build(jobs, Path(out) / f"office-{n}", engine=engine, force=True)
            assert not report.failed, [str(r.error) for r in report.failed]
            pdfs += len(report.written)
        return time.perf_counter() - start, pdfs


def dask_rss(engine) -> float:
    return max(engine.client.run(peak_rss_mb).values())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn(*args: str) -> subprocess.Popen:
    dask = str(Path(sys.executable).with_name("dask"))
    return subprocess.Popen([dask, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def main() -> None:
    from distributed import Client

    from handouts.distributed import DaskEngine

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    batches = offices(count)
    rows = []

    start = time.perf_counter()
    pool = ProcessPool(WORKERS)
    pool.run([])  # nothing: the pool starts on the first build
    took, pdfs = run(pool, batches)
    pool.close()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows.append(("local ProcessPool (2)", 0.0, took, pdfs, children))

    start = time.perf_counter()
    with DaskEngine("local") as engine:
        up = time.perf_counter() - start
        took, pdfs = run(engine, batches)
        rows.append(("LocalCluster (2 workers)", up, took, pdfs, dask_rss(engine)))

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [spawn("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")]
    try:
        start = time.perf_counter()
        for _ in range(WORKERS):
            processes.append(spawn("worker", address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"))
        with Client(address, timeout=30) as client:
            client.wait_for_workers(WORKERS, timeout=60)
        with DaskEngine(address) as engine:
            up = time.perf_counter() - start
            took, pdfs = run(engine, batches)
            rows.append(("scheduler + 2 workers", up, took, pdfs, dask_rss(engine)))
    finally:
        for process in reversed(processes):
            stop(process)

    print(f"{count} offices x {len(batches[0])} PDFs, {WORKERS} workers, cpus={os.cpu_count()}")
    print(
        f"{'engine':26} {'start s':>8} {'render s':>9} {'offices/min':>12} {'s/PDF':>7} "
        + f"{'s/PDF/worker':>13} {'peak RSS/worker MB':>19}"
    )
    for name, up, took, pdfs, rss in rows:
        print(
            f"{name:26} {up:8.1f} {took:9.1f} {count / took * 60:12.1f} {took / pdfs:7.2f} "
            f"{took * WORKERS / pdfs:13.2f} {rss:19.0f}"
        )
    print("(ProcessPool start-up is inside its render time: it starts on the first build.)")


if __name__ == "__main__":
    main()
