"""Output variants: each name maps to its options and its finisher.

To add a variant, add one `Variant` to VARIANTS (and a CLI flag in cli.py if
people should choose it); nothing else compares variant names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import RenderError
from .pdf import add_crop_marks


@dataclass(frozen=True)
class Variant:
    name: str
    summary: str
    pdf_variant: str  # WeasyPrint's pdf_variant: tagged PDF/UA or print-shop PDF/X
    file_suffix: str = ""  # added to the file name: know-your-rights-letter-print-shop.pdf
    cmyk: bool = False  # colours and QR codes in device CMYK
    bleed_mm: float = 0.0  # bleed around the trim box
    large_print_pt: float = 0.0  # body text at least this size, never smaller (0: the size's own)
    max_pages: int = 0  # pages allowed (0: the handout's own limit)
    cards: bool = True  # whether wallet cards come in this variant
    finish: Callable[[bytes], bytes] | None = None  # applied to the PDF bytes last
    rgb_logo_warning: bool = False  # a clinic logo stays RGB here: say so
    mono: bool = False  # black and white only: no colour, no grey backgrounds (templates: .variant-mono)


BLEED_MM = 3.175  # 0.125 in
LARGE_PRINT_PT = 18.0
LARGE_PRINT_MAX_PAGES = 6

VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in [
        Variant("office", "for an office printer: tagged PDF/UA-1 for screen readers", "pdf/ua-1"),
        Variant(
            "large-print",
            f"body text {LARGE_PRINT_PT:g} pt, up to {LARGE_PRINT_MAX_PAGES} pages, tagged",
            "pdf/ua-1",
            file_suffix="-large-print",
            large_print_pt=LARGE_PRINT_PT,
            max_pages=LARGE_PRINT_MAX_PAGES,
            cards=False,
        ),
        Variant(
            "mono",
            "black and white for an office laser printer: no colour, no grey behind text; tagged",
            "pdf/ua-1",
            file_suffix="-mono",
            mono=True,
        ),
        Variant(
            "print-shop",
            "for a print shop: PDF/X-4, CMYK, 0.125 in bleed, crop marks",
            "pdf/x-4",
            file_suffix="-print-shop",
            cmyk=True,
            bleed_mm=BLEED_MM,
            finish=add_crop_marks,
            rgb_logo_warning=True,
        ),
    ]
}
DEFAULT_VARIANT = "office"


def get_variant(name: str) -> Variant:
    try:
        return VARIANTS[name]
    except KeyError:
        raise RenderError(f"Unknown variant '{name}'; valid: {', '.join(VARIANTS)}.") from None
