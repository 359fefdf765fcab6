"""Bundled fonts: the CSS families, their files, and which characters they cover.

Only these fonts are ever used: the stylesheet names no system font, and every
character is checked against the language's font stack before rendering, so a
missing glyph is an error with its code point, never a box on paper.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from .resources import register_cache, fonts_dir

# CSS family -> {weight: file in fonts/}
FAMILIES: dict[str, dict[int, str]] = {
    "HO Sans": {400: "NotoSans-Regular.ttf", 700: "NotoSans-Bold.ttf"},
    "HO Armenian": {400: "NotoSansArmenian-Regular.ttf", 700: "NotoSansArmenian-Bold.ttf"},
    "HO Arabic": {400: "NotoNaskhArabic-Regular.ttf", 700: "NotoNaskhArabic-Bold.ttf"},
    "HO Khmer": {400: "NotoSansKhmer-Regular.ttf", 700: "NotoSansKhmer-Bold.ttf"},
    "HO CJK SC": {400: "NotoSansCJKSC-Regular.otf", 700: "NotoSansCJKSC-Bold.otf"},
    "HO CJK TC": {400: "NotoSansCJKTC-Regular.otf", 700: "NotoSansCJKTC-Bold.otf"},
    "HO CJK KR": {400: "NotoSansCJKKR-Regular.otf", 700: "NotoSansCJKKR-Bold.otf"},
}


def font_path(filename: str) -> Path:
    return fonts_dir() / filename


def font_face_css(families: tuple[str, ...]) -> str:
    """@font-face rules for just these families (loading every CJK face for a
    Latin flyer would cost time for nothing)."""
    rules = []
    for family in families:
        for weight, filename in FAMILIES[family].items():
            url = font_path(filename).as_uri()
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                f'src: url("{url}"); }}'
            )
    return "\n".join(rules)


@register_cache
@cache
def _cmap(filename: str) -> frozenset[int]:
    with TTFont(font_path(filename), lazy=True) as font:
        return frozenset(font.getBestCmap())


@register_cache
@cache
def coverage(families: tuple[str, ...]) -> frozenset[int]:
    """Code points that every weight of at least one family in the stack can draw."""
    covered: set[int] = set()
    for family in families:
        weights = [_cmap(f) for f in FAMILIES[family].values()]
        covered |= frozenset.intersection(*weights)
    return frozenset(covered)


def needs_glyph(char: str) -> bool:
    """False for characters that are never drawn: spaces, controls, joiners, bidi marks."""
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Zl", "Zp"):
        return False
    return not char.isspace()


def missing_glyphs(text: str, families: tuple[str, ...]) -> list[str]:
    covered = coverage(families)
    seen: list[str] = []
    for char in text:
        if needs_glyph(char) and ord(char) not in covered and char not in seen:
            seen.append(char)
    return seen


def describe_char(char: str) -> str:
    name = unicodedata.name(char, "unnamed character")
    return f"U+{ord(char):04X} '{char}' ({name})"
