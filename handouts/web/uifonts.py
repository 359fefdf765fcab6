"""Fonts for the page itself, so every language's own name shows in any browser
(a fresh Debian has no CJK or Khmer fonts): the bundled Noto faces, the big CJK
one cut down to the characters the page shows."""

from __future__ import annotations

import io
from functools import cache

from ..fonts import font_path
from ..locales import LANGUAGES

# name in the URL -> (bundled file, whether to cut it down to the language names)
UI_FONTS = {
    "armenian": ("NotoSansArmenian-Regular.ttf", False),
    "arabic": ("NotoNaskhArabic-Regular.ttf", False),
    "khmer": ("NotoSansKhmer-Regular.ttf", False),
    "cjk-tc": ("NotoSansCJKTC-Regular.otf", True),
    "cjk-sc": ("NotoSansCJKSC-Regular.otf", True),
    "cjk-kr": ("NotoSansCJKKR-Regular.otf", True),
    # whole faces, for what people type (a Korean message, a clinic name in Chinese); the page's
    # stylesheet gives them a unicode-range, so a browser fetches one only when such text is shown
    "cjk-tc-all": ("NotoSansCJKTC-Regular.otf", False),
    "cjk-sc-all": ("NotoSansCJKSC-Regular.otf", False),
    "cjk-kr-all": ("NotoSansCJKKR-Regular.otf", False),
}


@cache
def ui_font(name: str) -> bytes:
    filename, cut = UI_FONTS[name]
    path = font_path(filename)
    if not cut:
        return path.read_bytes()
    from fontTools import subset  # heavy, and only needed for the three cut-down CJK faces

    options = subset.Options()
    options.layout_features = ["*"]
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(language.native_name for language in LANGUAGES.values()))
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return buffer.getvalue()
