"""QR codes' share of render time and PDF size: render the handouts with the
most codes, in-process, and time the QR steps.

    .venv/bin/python bench/qr.py

Prints one table: wall time per round (min / median of 3), PDF bytes, the time
spent encoding codes, and whether every code still decodes.
"""

from __future__ import annotations

import statistics
import sys
import time


def clear(qr) -> None:
    """Forget every code encoded so far (as in a fresh process)."""
    for name in ("qr_svg", "qr_matrix"):
        if hasattr(getattr(qr, name, None), "cache_clear"):
            getattr(qr, name).cache_clear()


def main() -> int:
    import pypdfium2 as pdfium
    import zxingcpp

    from handouts import qr
    from handouts.plan import plan
    from handouts.render import render

    jobs = plan(
        handouts=["know-your-rights", "care-access", "staff-protocol"],
        langs=["en", "es", "ko"],
        sizes=["letter", "tabloid"],
    )
    render(jobs[0])  # warm up: fonts, templates
    rounds, sizes, decoded = [], 0, 0
    for _ in range(3):
        clear(qr)
        start = time.perf_counter()
        pdfs = [render(job) for job in jobs]
        rounds.append(time.perf_counter() - start)
        sizes = sum(len(r.pdf) for r in pdfs)
    start = time.perf_counter()
    for _job in jobs:
        for _ in range(10):
            clear(qr)
            qr.printed_width_mm("https://example.org/some/long/path/for/a/code", 20)
            qr.qr_svg("https://example.org/some/long/path/for/a/code")
    encode = (time.perf_counter() - start) / (10 * len(jobs))
    for rendered in pdfs:
        for page in pdfium.PdfDocument(rendered.pdf):
            image = page.render(scale=200 / 72).to_pil()
            decoded += len(zxingcpp.read_barcodes(image))
    print(
        f"{len(jobs)} PDFs with QR codes (know-your-rights, care-access, staff-protocol; en, es, ko; letter, tabloid)"
    )
    print(f"render time per round   {min(rounds):.2f} / {statistics.median(rounds):.2f} s (min / median of 3)")
    print(f"PDF bytes, all          {sizes / 1000:.0f} KB")
    print(f"encode one code         {encode * 1000:.2f} ms (width + SVG)")
    print(f"codes decoded           {decoded}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
