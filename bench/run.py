"""Benchmark: how fast the build is, how big the PDFs are, how much memory it takes.

    .venv/bin/python bench/run.py

Prints one table. Targets (2-core machine): full default matrix under 15 s and
at least 1.8x a naive sequential WeasyPrint loop; no-op rebuild under 1 s; one
cold wallet card under 1.2 s; at most 250 MB per worker; a Chinese or Korean
wallet card at most 50 KB.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HANDOUTS = [sys.executable, "-m", "handouts.cli"]


def timed(command: list[str]) -> tuple[float, int]:
    """Wall time of a command and the peak RSS (MB) of it and its workers."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(command, check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) // 1024


def naive_loop(jobs) -> float:
    """The same jobs as the build, the plain way: one after another, a fresh
    FontConfiguration per document, whole fonts, no auto-fit, no cache."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from handouts import fonts, render

    start = time.perf_counter()
    for job in jobs:
        prepared = render.prepare(job)
        context, _ = render._context(prepared, prepared.size.body_pt)
        context["compact"] = 0
        html = render._environment().get_template(prepared.spec.template).render(**context)
        HTML(string=html, base_url=render.templates_dir().as_uri() + "/",
             url_fetcher=render.refusing_fetcher((render.templates_dir(), fonts.fonts_dir()))
             ).write_pdf(font_config=FontConfiguration())
    return time.perf_counter() - start


def main() -> int:
    from handouts.build import plan

    work = Path(tempfile.mkdtemp(prefix="handouts-bench-"))
    rows = []
    try:
        out = work / "full"
        full, peak = timed(HANDOUTS + ["build", "--out", str(out), "--jobs", str(os.cpu_count() or 1)])
        jobs = plan()
        naive = naive_loop(jobs)
        noop, _ = timed(HANDOUTS + ["build", "--out", str(out)])
        card, _ = timed(HANDOUTS + ["build", "--handout", "red-card", "--lang", "ko", "--out", str(work / "card"),
                                    "--jobs", "1"])
        manifest = json.loads((out / "manifest.json").read_text())
        rows += [
            ("full default matrix", f"{len(jobs)} PDFs", f"{full:.1f} s", "< 15 s", full < 15),
            ("naive sequential loop", "same jobs", f"{naive:.1f} s", "", None),
            ("speed-up over naive", "", f"{naive / full:.2f}x", ">= 1.8x", naive / full >= 1.8),
            ("no-op rebuild", "", f"{noop:.2f} s", "< 1 s", noop < 1),
            ("one cold wallet card", "ko", f"{card:.2f} s", "< 1.2 s", card < 1.2),
            ("peak RSS, any process", "full build", f"{peak} MB", "<= 250 MB", peak <= 250),
        ]
        by_lang: dict[str, list[int]] = {}
        for entry in manifest["files"]:
            by_lang.setdefault(entry["language"], []).append(entry["bytes"])
        for lang, sizes in sorted(by_lang.items()):
            rows.append((f"PDF size {lang}", f"{len(sizes)} PDFs",
                         f"{min(sizes) / 1000:.0f} / {statistics.median(sizes) / 1000:.0f} / {max(sizes) / 1000:.0f} KB",
                         "min / median / max", None))
        for entry in manifest["files"]:
            if entry["handout"] == "red-card" and entry["language"] in ("zh-Hant", "zh-Hans", "ko"):
                kb = entry["bytes"] / 1000
                rows.append((f"wallet card {entry['language']}", "", f"{kb:.0f} KB", "<= 50 KB", kb <= 50))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    width = [max(len(str(r[i])) for r in rows) for i in range(4)]
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for name, what, value, target, ok in rows:
        mark = "" if ok is None else ("ok" if ok else "MISSED")
        print(f"{name:<{width[0]}}  {what:<{width[1]}}  {value:>{width[2]}}  {target:<{width[3]}}  {mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
