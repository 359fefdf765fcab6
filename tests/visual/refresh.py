"""Re-make the golden images of the visual tests, on purpose, after a design
change you have looked at (then look at the new PNGs before committing them).

    .venv/bin/python -m tests.visual.refresh               every case
    .venv/bin/python -m tests.visual.refresh red-card-wallet-es   one case (names: --list)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .golden import CASES, GOLDENS, render_cases, write_goldens


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.visual.refresh", description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", metavar="CASE", help="case names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the case names and stop")
    options = parser.parse_args(argv)
    names = [case.name for case in CASES]
    if options.list:
        print("\n".join(names))
        return 0
    unknown = [name for name in options.cases if name not in names]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; the cases are: {', '.join(names)}")
    chosen = [case for case in CASES if not options.cases or case.name in options.cases]
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = render_cases(chosen, Path(tmp), workers=max(1, min(len(chosen), os.cpu_count() or 1)))
        for case in chosen:
            for path in write_goldens(case, pdfs[case.name]):
                print(f"{path}  {path.stat().st_size // 1024} KB")
    total = sum(path.stat().st_size for path in GOLDENS.glob("*.png"))
    print(f"{len(list(GOLDENS.glob('*.png')))} golden images, {total / 1024:.0f} KB in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
