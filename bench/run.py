"""Benchmark: how fast the build is, how many layout passes it takes, how big
the PDFs are, and how much memory it uses.

    .venv/bin/python bench/run.py [--rounds 3]

The full build and the naive loop are timed in turns (A, B, A, B, ...), each in
a fresh process, so that a busy machine slows both alike; the table gives the
min and median of each and of their ratio. Targets (2-core machine): full
default matrix at most 8 s; at most 1.2 layout passes per PDF on average; no-op
rebuild under 1 s; one cold wallet card under 1.2 s; at most 250 MB per
process; a Chinese or Korean wallet card at most 50 KB.
"""

from __future__ import annotations

import argparse
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

NAIVE = """
import sys, time
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from handouts.plan import plan
from handouts.render import Setting, page_context, page_html, prepare
from handouts.resources import templates_dir

start = time.perf_counter()
for job in plan():
    prepared = prepare(job)
    html = page_html(prepared, page_context(prepared), Setting(prepared.size.body_pt))
    HTML(string=html, base_url=templates_dir().as_uri() + "/").write_pdf(font_config=FontConfiguration())
print(time.perf_counter() - start)
"""


def timed(command: list[str]) -> tuple[float, int]:
    """Wall time of a command and the peak RSS (MB) of it and its workers."""
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def naive_loop() -> float:
    """The same jobs the plain way, in a fresh process: one after another, a new
    FontConfiguration per document, whole fonts, no auto-fit, no cache."""
    done = subprocess.run([sys.executable, "-c", NAIVE], check=True, capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1])


def passes(out: Path) -> tuple[int, int]:
    files = json.loads((out / "manifest.json").read_text())["files"]
    return len(files), sum(entry.get("layout_passes", 1) for entry in files)


def spread(values: list[float], unit: str = " s") -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f}{unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="full-build / naive-loop pairs (default 3)")
    rounds = max(1, parser.parse_args().rounds)
    cores = str(os.cpu_count() or 1)
    work = Path(tempfile.mkdtemp(prefix="handouts-bench-"))
    rows = []
    try:
        fulls, naives, ratios = [], [], []
        out = work / "full"
        for _ in range(rounds):
            shutil.rmtree(out, ignore_errors=True)
            full, peak = timed(HANDOUTS + ["build", "--out", str(out), "--jobs", cores])
            naive = naive_loop()
            fulls.append(full)
            naives.append(naive)
            ratios.append(naive / full)
        pdfs, first_passes = passes(out)
        forced, _ = timed(HANDOUTS + ["build", "--out", str(out), "--jobs", cores, "--force"])
        _, forced_passes = passes(out)
        noops = [timed(HANDOUTS + ["build", "--out", str(out)])[0] for _ in range(rounds)]
        card, _ = timed(
            HANDOUTS + ["build", "--handout", "red-card", "--lang", "ko", "--out", str(work / "card"), "--jobs", "1"]
        )
        manifest = json.loads((out / "manifest.json").read_text())
        rows += [
            (
                "full default matrix (min / median)",
                f"{pdfs} PDFs, {rounds} runs",
                spread(fulls),
                "<= 8 s",
                min(fulls) <= 8,
            ),
            ("naive sequential loop (min / median)", "same jobs", spread(naives), "", None),
            ("speed-up over naive (min / median)", "paired runs", spread(ratios, "x"), "", None),
            (
                "layout passes per PDF, first build",
                f"{first_passes} passes",
                f"{first_passes / pdfs:.2f}",
                "<= 1.2",
                first_passes / pdfs <= 1.2,
            ),
            (
                "layout passes per PDF, --force",
                f"{forced_passes} passes",
                f"{forced_passes / pdfs:.2f}",
                "<= 1.2",
                forced_passes / pdfs <= 1.2,
            ),
            ("forced rebuild", "fit remembered", f"{forced:.1f} s", "", None),
            ("no-op rebuild (min / median)", "", spread(noops), "< 1 s", min(noops) < 1),
            ("one cold wallet card", "ko", f"{card:.2f} s", "< 1.2 s", card < 1.2),
            ("peak RSS, any process", "full build", f"{peak} MB", "<= 250 MB", peak <= 250),
        ]
        by_lang: dict[str, list[int]] = {}
        for entry in manifest["files"]:
            by_lang.setdefault(entry["language"], []).append(entry["bytes"])
        for lang, sizes in sorted(by_lang.items()):
            rows.append(
                (
                    f"PDF size {lang}",
                    f"{len(sizes)} PDFs",
                    f"{min(sizes) / 1000:.0f} / {statistics.median(sizes) / 1000:.0f} / {max(sizes) / 1000:.0f} KB",
                    "min / median / max",
                    None,
                )
            )
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
