"""Benchmark: memory of reading a batch whose offices share one logo.

    .venv/bin/python bench/batch_memory.py

Prints one table: peak memory (MB) of reading N CSV rows that all name the
same logo (about 1.6 MB of PNG), each row in a fresh process. Target: it does
not grow with the number of rows (each distinct logo is read and checked once).
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

PROBE = """
import resource, sys
from pathlib import Path
from handouts.batch import read_offices
offices, failures, _ = read_offices(Path(sys.argv[1]))
assert not failures, failures[0].error
print(len(offices), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        image = io.BytesIO()
        Image.effect_noise((900, 700), 80).convert("RGB").save(image, "PNG")
        (root / "logo.png").write_bytes(image.getvalue())
        print(f"logo: {len(image.getvalue()) / 1e6:.1f} MB PNG, 900 x 700 pixels\n")
        print("| rows | peak memory (MB) |")
        print("| ---: | ---: |")
        for rows in (1, 50, 200):
            csv = root / f"offices-{rows}.csv"
            csv.write_text("name,logo\n" + "".join(f"Clinic {i},logo.png\n" for i in range(rows)), encoding="utf-8")
            result = subprocess.run([sys.executable, "-c", PROBE, str(csv)], capture_output=True, text=True, check=True)
            count, peak = result.stdout.split()
            print(f"| {count} | {float(peak):.0f} |")


if __name__ == "__main__":
    main()
