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
def qr_svg(url: str, cmyk: bool = False) -> str:
    """An SVG document that draws the code as one path; dark runs of a row are one rectangle.

    The quiet zone is part of the drawing (white background), so the code scans
    whatever the paper or band colour behind it.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE_MODULES)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the border
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="{CMYK_WHITE if cmyk else WHITE}"/>'
        f'<path fill="{CMYK_BLACK if cmyk else BLACK}" d="{"".join(runs)}"/></svg>'
    )


def qr_modules(url: str) -> int:
    """Width of the code in modules, quiet zone included."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE_MODULES)
    code.add_data(url)
    code.make(fit=True)
    return code.modules_count + 2 * QUIET_ZONE_MODULES


def printed_width_mm(url: str, symbol_mm: float) -> float:
    """How wide to print the image so that the code itself (without the quiet
    zone) is `symbol_mm` wide."""
    modules = qr_modules(url)
    return symbol_mm * modules / (modules - 2 * QUIET_ZONE_MODULES)


def qr_data_uri(url: str, cmyk: bool = False) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url, cmyk).encode()).decode("ascii")
