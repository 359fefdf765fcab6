"""Pictograms: vendored Tabler Icons (templates/icons/), drawn as vectors in the
text colour, beside words and never instead of them."""

from __future__ import annotations

import base64
import re
from functools import cache

from .errors import ContentError
from .resources import register_cache, templates_dir

INK, CMYK_INK = "#111", "device-cmyk(0 0 0 1)"  # the stylesheet's --ink


@register_cache
@cache
def icon_uri(name: str, cmyk: bool = False, colour: str | None = None) -> str:
    """The icon as a data: URI, its strokes in `colour` (a CSS colour: the text
    or heading colour; default the text's ink, CMYK black for print shops)."""
    path = templates_dir() / "icons" / f"{name}.svg"
    try:
        svg = path.read_text(encoding="utf-8")
    except OSError:
        raise ContentError(f"{path}: no such icon; see templates/icons/README.md.") from None
    svg = svg.replace('stroke="currentColor"', f'stroke="{colour or (CMYK_INK if cmyk else INK)}"')
    svg = re.sub(r'\s+class="[^"]*"', "", svg)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
