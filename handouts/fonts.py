"""Bundled fonts: the CSS families, their files, and which characters they cover.

Only these fonts are ever used: the stylesheet names no system font, and every
character is checked against the language's font stack before rendering, so a
missing glyph is an error with its code point, never a box on paper.
"""

from __future__ import annotations

import hashlib
import tempfile
import unicodedata
from functools import cache
from pathlib import Path

from .resources import fonts_dir, register_cache, scratch_dir

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


SUBSET_ABOVE_BYTES = 1_000_000  # the CJK faces; the others are small already


def subset_dir() -> Path:
    """Where this process keeps fonts cut down to one document's characters."""
    global _SUBSET_DIR
    if _SUBSET_DIR is None:
        _SUBSET_DIR = Path(tempfile.mkdtemp(prefix="fonts-", dir=scratch_dir()))
    return _SUBSET_DIR


_SUBSET_DIR: Path | None = None


def _subset(filename: str, text: str) -> Path:
    """The font cut down to the characters of `text` (HarfBuzz's subsetter, which
    keeps the layout features those characters use). Cached by character set.

    WeasyPrint subsets fonts itself, but keeps every glyph slot of a 65,000-glyph
    CJK font, so a Korean wallet card would weigh over 100 KB; a font that
    already holds only the printed characters makes it a few KB.
    """
    import uharfbuzz as hb

    chars = "".join(sorted(set(text)))
    key = hashlib.sha256(f"{filename}\n{chars}".encode()).hexdigest()[:20]
    target = subset_dir() / f"{Path(filename).stem}-{key}{Path(filename).suffix}"
    if not target.exists():
        face = hb.Face(hb.Blob.from_file_path(str(font_path(filename))))
        wanted = hb.SubsetInput()
        wanted.unicode_set.update(ord(ch) for ch in chars)
        data = hb.subset(face, wanted).blob.data
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)
    return target


def font_css(families: tuple[str, ...], text: str | None = None) -> tuple[str, str]:
    """(@font-face rules, font-family stack) for just these families: loading
    every CJK face for a Latin flyer would cost time for nothing.

    Given the document's text, large fonts are first cut down to its
    characters. Each cut-down font gets a family name of its own: WeasyPrint
    shares one font configuration between documents, and two different files
    under one family name would let a document draw with the other's subset.
    """
    rules, stack = [], []
    for family in families:
        name = family
        paths = {weight: font_path(filename) for weight, filename in FAMILIES[family].items()}
        if text is not None and any(p.stat().st_size > SUBSET_ABOVE_BYTES for p in paths.values()):
            paths = {weight: _subset(FAMILIES[family][weight], text) for weight in paths}
            name = f"{family} {paths[400].stem.rsplit('-', 1)[-1][:10]}"
        stack.append(f'"{name}"')
        for weight, path in paths.items():
            rules.append(f'@font-face {{ font-family: "{name}"; font-weight: {weight}; src: url("{path.as_uri()}"); }}')
    return "\n".join(rules), ", ".join(stack)


@register_cache
@cache
def _cmap(filename: str) -> frozenset[int]:
    """The code points a font file maps to glyphs (read by HarfBuzz: fast)."""
    import uharfbuzz as hb

    return frozenset(hb.Face(hb.Blob.from_file_path(str(font_path(filename)))).unicodes)


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


def fonts_for(text: str, have: tuple[str, ...], prefer_han: str | None = None) -> tuple[str, ...]:
    """Bundled families to add to `have` so that `text` (a clinic's name, say, in
    another script than the handout) can be drawn."""
    order = [prefer_han or "HO CJK TC"] + [f for f in FAMILIES if f not in (prefer_han or "HO CJK TC",)]
    added: list[str] = []
    for char in missing_glyphs(text, have):
        if any(ord(char) in coverage((family,)) for family in added):
            continue
        for family in order:
            if family not in have and ord(char) in coverage((family,)):
                added.append(family)
                break
    return tuple(added)
