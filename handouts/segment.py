"""Word boundaries for scripts written without spaces (Khmer).

Khmer runs words together; a line may only break between words. We find the
words with ICU's dictionary-based break iterator and put a zero-width space
(U+200B) between them, which gives the layout engine a legal break point and
prints nothing.
"""

from __future__ import annotations

from functools import cache

import icu

ZWSP = "\u200b"


def _is_khmer(char: str) -> bool:
    """Khmer letters, signs and digits; not its punctuation (a line must not start with ។)."""
    return "\u1780" <= char <= "\u17d3" or char == "\u17dd" or "\u17e0" <= char <= "\u17e9"


@cache
def _iterator(locale: str) -> icu.BreakIterator:
    return icu.BreakIterator.createWordInstance(icu.Locale(locale))


def insert_word_breaks(text: str, locale: str = "km") -> str:
    """Text with U+200B between adjacent Khmer words (nowhere else)."""
    if not any(_is_khmer(ch) for ch in text):
        return text
    breaker = _iterator(locale)
    breaker.setText(text)
    # ICU reports offsets in UTF-16 code units; Khmer is in the BMP, but be exact.
    utf16 = text.encode("utf-16-le")
    pieces, start = [], 0
    for end in breaker:
        pieces.append(utf16[start * 2 : end * 2].decode("utf-16-le"))
        start = end
    out = pieces[0] if pieces else ""
    for piece in pieces[1:]:
        if out and piece and _is_khmer(out[-1]) and _is_khmer(piece[0]):
            out += ZWSP
        out += piece
    return out
