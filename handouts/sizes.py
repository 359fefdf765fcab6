"""Page sizes: geometry, margins, type sizes and QR sizes for each.

A size's minimum QR width follows from how far away people read it: a phone
scans a code from about ten times its width, so a poster read from 1.5 m needs
a code of about 15 cm, and a flyer in the hand about 2 cm.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UsageError
from .words import N_

MM_PER_IN = 25.4


@dataclass(frozen=True)
class Size:
    name: str
    description: str
    width_mm: float
    height_mm: float
    margin_mm: float
    body_pt: float  # normal body type size
    min_body_pt: float  # auto-fit never sets body text smaller than this
    viewing_m: float  # typical reading distance
    kind: str  # "flyer", "poster" or "card"
    max_body_pt: float = 0.0  # posters and cards grow up to this to fill the page (0: no growth)
    headline_pt: float = 0.0  # a poster's headline, whatever the body size (0: not a poster)

    @property
    def min_qr_mm(self) -> float:
        """Smallest QR width for this size: 1/10 of the reading distance, never under 2 cm."""
        return max(20.0, self.viewing_m * 1000 / 10)

    @property
    def css_size(self) -> str:
        return f"{self.width_mm:.2f}mm {self.height_mm:.2f}mm"

    @property
    def width_pt(self) -> float:
        return self.width_mm / MM_PER_IN * 72

    @property
    def height_pt(self) -> float:
        return self.height_mm / MM_PER_IN * 72


def _in(value: float) -> float:
    return value * MM_PER_IN


SIZES: dict[str, Size] = {
    s.name: s
    for s in [
        # name, description, width, height, margin (mm), body pt, min body pt, reading distance (m), kind,
        # max body pt, poster headline pt (on 24x36: a cap height of at least 40 mm, read from 5 m; Noto
        # Sans capitals are 0.714 of the type size, so 170 pt gives 42.8 mm)
        Size("letter", N_("US Letter 8.5 x 11 in"), _in(8.5), _in(11), _in(0.4), 12.5, 12, 0.25, "flyer"),
        Size("legal", N_("US Legal 8.5 x 14 in"), _in(8.5), _in(14), _in(0.4), 13, 12, 0.25, "flyer", 15),
        Size("a4", N_("A4 210 x 297 mm"), 210, 297, 10, 12.5, 12, 0.25, "flyer"),
        Size("half-letter", N_("Half Letter 5.5 x 8.5 in"), _in(5.5), _in(8.5), _in(0.3), 10, 9, 0.25, "flyer"),
        Size("postcard-4x6", N_("Postcard 4 x 6 in"), _in(4), _in(6), _in(0.25), 9, 8, 0.25, "card", 10),
        Size("tabloid", N_("Tabloid poster 11 x 17 in"), _in(11), _in(17), _in(0.5), 16.5, 14, 0.4, "poster", 24, 84),
        Size("a3", N_("A3 poster 297 x 420 mm"), 297, 420, 12, 18, 14, 0.4, "poster", 24, 88),
        Size("poster-18x24", N_("Poster 18 x 24 in"), _in(18), _in(24), _in(0.75), 24, 20, 1.0, "poster", 40, 130),
        Size("poster-24x36", N_("Poster 24 x 36 in"), _in(24), _in(36), _in(1), 32, 26, 1.5, "poster", 60, 170),
        Size("wallet", N_("Wallet card 3.5 x 2 in"), _in(3.5), _in(2), _in(0.125), 7.5, 6, 0.2, "card", 10.5),
    ]
}


def get_size(name: str) -> Size:
    try:
        return SIZES[name]
    except KeyError:
        raise UsageError(f"Unknown size '{name}'. Valid sizes: {', '.join(SIZES)}.") from None
