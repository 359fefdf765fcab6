"""Vector QR codes (one SVG path, no bitmap) with the standard 4-module quiet zone."""

from __future__ import annotations

import base64
from functools import cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE_MODULES = 4


WHITE, BLACK = "#fff", "#000"
CMYK_WHITE, CMYK_BLACK = "device-cmyk(0 0 0 0)", "device-cmyk(0 0 0 1)"  # for PDF/X print-shop output


@cache
def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The code's modules, quiet zone included (encoded once per URL and process)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE_MODULES)
    code.add_data(url)
    code.make(fit=True)
    return tuple(tuple(bool(module) for module in row) for row in code.get_matrix())


@cache
def qr_svg(url: str, cmyk: bool = False) -> str:
    """An SVG document that draws the code as one stroked path: each dark run
    of a row is one horizontal line segment, one module thick ("m" to its start,
    "h" along it), so WeasyPrint parses two commands per run instead of five.

    The quiet zone is part of the drawing (white background), so the code scans
    whatever the paper or band colour behind it.
    """
    matrix = qr_matrix(url)
    size = len(matrix)
    segments = []
    for y, row in enumerate(matrix):
        x, pen = 0, 0
        line = []
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                line.append(f"m{start - pen} 0h{x - start}")
                pen = x
            else:
                x += 1
        if line:
            segments.append(f"M0 {y}.5" + "".join(line))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="{CMYK_WHITE if cmyk else WHITE}"/>'
        f'<path fill="none" stroke="{CMYK_BLACK if cmyk else BLACK}" stroke-width="1" d="{"".join(segments)}"/></svg>'
    )


def qr_modules(url: str) -> int:
    """Width of the code in modules, quiet zone included."""
    return len(qr_matrix(url))


def printed_width_mm(url: str, symbol_mm: float) -> float:
    """How wide to print the image so that the code itself (without the quiet
    zone) is `symbol_mm` wide."""
    modules = qr_modules(url)
    return symbol_mm * modules / (modules - 2 * QUIET_ZONE_MODULES)


def qr_data_uri(url: str, cmyk: bool = False) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url, cmyk).encode()).decode("ascii")
