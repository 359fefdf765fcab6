"""Read PDFs the way a person checks a print: text, fonts, boxes, pixels, QR codes."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader

DPI = 150


def reader(path: Path) -> PdfReader:
    return PdfReader(str(path))


def embedded_fonts(path: Path) -> dict[str, bool]:
    """BaseFont name -> whether a font program is embedded, for every font on every page."""
    fonts: dict[str, bool] = {}
    for page in reader(path).pages:
        resources = page.get("/Resources") or {}
        for reference in (resources.get("/Font") or {}).values():
            font = reference.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            has_program = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = has_program
    return fonts


def text(path: Path) -> str:
    """All text, NFC-normalised, without the invisible isolate/zero-width characters."""
    document = pdfium.PdfDocument(str(path))
    chunks = []
    for page in document:
        chunks.append(page.get_textpage().get_text_range())
    raw = "\n".join(chunks)
    raw = "".join(ch for ch in raw if unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFC", raw)


def rasterize(path: Path, dpi: int = DPI):
    document = pdfium.PdfDocument(str(path))
    return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]


def qr_codes(path: Path) -> list[str]:
    found = []
    for image in rasterize(path):
        found += [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    return found


def squash(value: str) -> str:
    """Text without any white space, for comparing wrapped lines with source text."""
    joined = "".join(unicodedata.normalize("NFC", value).split())
    return "".join(ch for ch in joined if unicodedata.category(ch) != "Cf")


LATIN_OR_DIGITS = re.compile(r"[A-Za-z0-9.,:;()/-]")


def comparable(value: str, rtl: bool = False) -> str:
    """Text as it can be compared with what a PDF gives back. Arabic letters come back
    as presentation forms (NFKC maps them home) and combining marks move, so right-to-left
    text is compared without its marks; and left-to-right runs inside it (names, numbers,
    their punctuation) come back reversed, so they are left out there (test_claims checks
    them on the page's lines)."""
    value = squash(unicodedata.normalize("NFKC", value))
    if not rtl:
        return value
    return LATIN_OR_DIGITS.sub("", "".join(ch for ch in value if unicodedata.category(ch) != "Mn"))
