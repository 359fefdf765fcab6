"""Layout cost, paired against another checkout: how long a build takes and how
many layout passes its PDFs took, this checkout (NEW) against OLD, in turns
(NEW, OLD, NEW, OLD, ...), each command a fresh process, with the same venv.

    .venv/bin/python bench/layout.py --compare /path/to/old/checkout [--rounds 2]

Measures (2-core machine; targets from issue 22):
- the default build from an empty folder (`build -j 2`): wall time, PDFs, passes per PDF;
- a no-op rebuild of that folder (target at most 0.4 s);
- a clinic's handouts (`build --profile`, know-your-rights and care-access in
  es and ko) from an empty folder, then a second clinic of the same shape into
  the same folder (NEW reuses the fit of that shape: one pass per PDF); its
  passes count those of the stand-in clinics' fits too (out/.fits.json);
- the entrance notice with all twelve languages on Letter (OLD refuses it).
Prints a table per measure: each round, min / median, and NEW/OLD per round.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NEW = Path(__file__).resolve().parents[1]
LANGS = ["es", "zh-Hant", "zh-Hans", "ko", "vi", "tl", "hy", "ru", "fa", "ar", "km"]


def handouts(checkout: Path, *args: str) -> tuple[float, bool]:
    """Run the CLI of `checkout` (its own code on PYTHONPATH) and time it."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "handouts.cli", *args], cwd=checkout, env=env, capture_output=True, check=False
    )
    return time.perf_counter() - start, done.returncode == 0


def passes(out: Path, before: dict[str, int] | None = None) -> tuple[int, int]:
    """(PDFs, layout passes) of a build: each file's, and (NEW) those its fits by
    shape of clinic took (out/.fits.json), but not the fits `before` already had."""
    try:
        files = json.loads((out / "manifest.json").read_text())["files"]
    except (OSError, ValueError, KeyError):
        return 0, 0
    shapes = {k: v for k, v in fits(out).items() if k not in (before or {})}
    return len(files), sum(int(entry.get("layout_passes", 1)) for entry in files) + sum(shapes.values())


def fits(out: Path) -> dict[str, int]:
    try:
        return {k: int(v.get("passes", 0)) for k, v in json.loads((out / ".fits.json").read_text()).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def clinic(folder: Path, name: str, phone: str) -> Path:
    path = folder / f"{name.split()[0].lower()}.toml"
    path.write_text(f'name = "{name}"\nphone = "{phone}"\n', encoding="utf-8")
    return path


def measure(checkout: Path, work: Path) -> dict[str, float]:
    """One round of every measure for one checkout."""
    row: dict[str, float] = {}
    out = work / "default"
    row["build s"], _ = handouts(checkout, "build", "-o", str(out), "-j", "2")
    pdfs, total = passes(out)
    row["PDFs"], row["passes/PDF"] = pdfs, total / max(pdfs, 1)
    row["no-op s"], _ = handouts(checkout, "build", "-o", str(out), "-j", "2")
    west, east = clinic(work, "Westside Clinic", "(310) 555-0101"), clinic(work, "Eastside Clinic", "(323) 555-0102")
    choice = ["-H", "know-your-rights", "-H", "care-access", "-l", "es", "-l", "ko", "-j", "2"]
    row["clinic 1 s"], _ = handouts(checkout, "build", "-p", str(west), "-o", str(work / "west"), *choice)
    _, total = passes(work / "west")
    row["clinic 1 passes"] = total
    shutil.copytree(work / "west", work / "east")  # the folder the first clinic was built in, with its fits
    kept = fits(work / "east")
    row["clinic 2 s"], _ = handouts(checkout, "build", "-p", str(east), "-o", str(work / "east"), *choice)
    row["clinic 2 passes"] = passes(work / "east", kept)[1]  # every file was made again: a new clinic
    sign = ["-H", "notice-to-authorities", *[a for code in LANGS for a in ("-l", code)], "-j", "1"]
    row["12-language sign s"], ok = handouts(checkout, "build", "-o", str(work / "sign"), *sign)
    row["12-language sign ok"] = 1.0 if ok else 0.0
    return row


def table(title: str, rounds: list[tuple[dict[str, float], dict[str, float]]], key: str) -> None:
    print(f"\n**{title}**\n")
    print("| round | NEW | OLD | NEW/OLD |")
    print("| --- | --- | --- | --- |")
    ratios = []
    for number, (new, old) in enumerate(rounds, 1):
        ratio = new[key] / old[key] if old[key] else float("nan")
        ratios.append(ratio)
        print(f"| {number} | {new[key]:.2f} | {old[key]:.2f} | {ratio:.2f} |")
    news, olds = [r[0][key] for r in rounds], [r[1][key] for r in rounds]

    def spread(values: list[float]) -> str:
        return f"{min(values):.2f} / {statistics.median(values):.2f}"

    print(f"| **min / median** | {spread(news)} | {spread(olds)} | {spread(ratios)} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compare", type=Path, required=True, help="the other checkout (OLD)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    old_checkout = args.compare.resolve()
    rounds: list[tuple[dict[str, float], dict[str, float]]] = []
    for _ in range(max(1, args.rounds)):
        pair = []
        for checkout in (NEW, old_checkout):
            work = Path(tempfile.mkdtemp(prefix="handouts-layout-bench-"))
            try:
                pair.append(measure(checkout, work))
            finally:
                shutil.rmtree(work, ignore_errors=True)
        rounds.append((pair[0], pair[1]))
    git = ["git", "-C", str(old_checkout), "rev-parse", "--short", "HEAD"]
    head = subprocess.run(git, check=False, capture_output=True, text=True)
    print(f"NEW: {NEW}; OLD: {old_checkout} at {head.stdout.strip()}; {os.cpu_count()} cores; {len(rounds)} rounds")
    for key in rounds[0][0]:
        table(key, rounds, key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
