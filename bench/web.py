"""Benchmark of the web page (`handouts serve`) on 127.0.0.1, with a bounded
client (a fixed number of requests; it stops by itself).

    .venv/bin/python bench/web.py [--clients 10] [--rounds 2] [--burst 30]

Measures: the first preview after start (a Letter flyer made and shown), a warm
preview with CLIENTS at once (each a different clinic, so nothing is cached:
p50 and p95), a cached preview (the same choices again), the peak memory of the
server and its workers, and a burst of BURST different requests at once (how
many were answered, how many got 503 "busy", answers per second). Targets from
issue 11: warm p50 <= 1.0 s and p95 <= 2.5 s with 10 clients, cached <= 50 ms,
peak memory <= 700 MB.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total / 1024


class Client:
    def __init__(self, url: str):
        self.http = httpx.Client(base_url=url, timeout=300)
        page = self.http.get("/").text
        self.token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    def clinic(self, name: str) -> str:
        response = self.http.post(
            "/clinic",
            data={"csrf_token": self.token, "name": name, "phone": "(213) 555-0100"},
            follow_redirects=False,
        )
        return response.headers["location"].split("?")[0]

    def preview(self, clinic: str, lang: str = "en") -> tuple[int, float]:
        """POST the choice, then load the result page and its first page image: (status, seconds)."""
        start = time.perf_counter()
        response = self.http.post(
            f"{clinic}/print",
            data={"csrf_token": self.token, "handout": "know-your-rights", "lang": lang},
            follow_redirects=False,
        )
        if response.status_code != 303:
            return response.status_code, time.perf_counter() - start
        result = response.headers["location"]
        while not self.http.get(f"{result}/progress.json").json()["finished"]:  # the job page's progress bar
            time.sleep(0.1)
        self.http.get(result)
        image = self.http.get(f"{result}/preview/0/0.png")
        assert image.content.startswith(b"\x89PNG")
        return 200, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--burst", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="handouts-bench-web-"))
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "handouts.cli",
            "serve",
            "--port",
            str(port),
            "--data",
            str(data),
            "-j",
            str(args.workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss_mb(server.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    rows: list[tuple[str, str, str]] = []
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        sampler.start()
        url = f"http://127.0.0.1:{port}"
        first = Client(url)
        clinic = first.clinic("Bench Clinic 0")
        status, seconds = first.preview(clinic)
        rows.append(
            ("first preview after start", f"{seconds:.2f} s", f"server up {time.perf_counter() - started:.1f} s ago")
        )

        clients = [Client(url) for _ in range(args.clients)]
        times: list[float] = []
        busy = 0
        for round_number in range(args.rounds):
            clinics = [c.clinic(f"Bench Clinic {round_number}-{i}") for i, c in enumerate(clients)]
            with ThreadPoolExecutor(args.clients) as pool:
                for status, seconds in pool.map(Client.preview, clients, clinics):
                    if status == 200:
                        times.append(seconds)
                    else:
                        busy += 1
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] if times else float("nan")
        rows.append(
            (
                f"warm preview, {args.clients} clients at once",
                f"p50 {statistics.median(times):.2f} s, p95 {p95:.2f} s" if times else "-",
                f"{len(times)} answered, {busy} busy (target p50 <= 1.0 s, p95 <= 2.5 s)",
            )
        )
        cached = []
        for _ in range(20):
            status, seconds = first.preview(clinic)
            cached.append(seconds)
        rows.append(
            (
                "cached preview (same choices)",
                f"median {statistics.median(cached) * 1000:.0f} ms",
                "POST + result page + image (target <= 50 ms)",
            )
        )

        burst_clients = [Client(url) for _ in range(args.burst)]
        burst_clinics = [c.clinic(f"Burst Clinic {i}") for i, c in enumerate(burst_clients)]
        start = time.perf_counter()
        with ThreadPoolExecutor(args.burst) as pool:
            results = list(pool.map(Client.preview, burst_clients, burst_clinics))
        elapsed = time.perf_counter() - start
        answered = [s for s, _ in results if s == 200]
        refused = [s for s, _ in results if s == 503]
        first_503 = min((t for s, t in results if s == 503), default=None)
        rows.append(
            (
                f"burst of {args.burst} different requests",
                f"{len(answered) / elapsed:.2f} answered/s",
                f"{len(answered)} answered, {len(refused)} got 503"
                + (f" (the first after {first_503:.2f} s)" if first_503 is not None else ""),
            )
        )
        rows.append(("peak memory, server + workers", f"{peak:.0f} MB", f"{args.workers} workers (target <= 700 MB)"))
    finally:
        stop.set()
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    print(f"{'measure':<{width}}  {'result':<{value_width}}  notes")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:<{value_width}}  {note}")


if __name__ == "__main__":
    main()
