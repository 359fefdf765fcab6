"""Rebuild fonts/ from Debian's Noto font packages (maintainers only).

The fonts in fonts/ are committed, so users never run this. It documents how
they were made and lets a maintainer refresh them:

    apt-get install fonts-noto-core fonts-noto-cjk
    .venv/bin/python tools/make_fonts.py

Latin/Cyrillic/Vietnamese, Armenian, Arabic (Naskh, which suits Farsi too) and
Khmer are copied as they are. Noto Sans CJK ships as one 20 MB collection per
weight whose first face is Japanese; we take the Simplified Chinese, Traditional
Chinese and Korean faces out of it (so each language gets its own regional
glyph forms) and keep only the characters of the national standard sets
(GB 2312 for SC, Big5 for TC, KS X 1001 plus every Hangul syllable for KR) and
the punctuation and Latin that go with them. `handouts check` reports any
character outside these sets as a missing glyph, with its code point.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

NOTO = Path("/usr/share/fonts/truetype/noto")
CJK = Path("/usr/share/fonts/opentype/noto")
OUT = Path(__file__).resolve().parent.parent / "fonts"

COPIES = [
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoSansArmenian-Regular.ttf",
    "NotoSansArmenian-Bold.ttf",
    "NotoNaskhArabic-Regular.ttf",
    "NotoNaskhArabic-Bold.ttf",
    "NotoSansKhmer-Regular.ttf",
    "NotoSansKhmer-Bold.ttf",
]

# face index in NotoSansCJK-*.ttc -> (output name, legacy encodings whose repertoire we keep)
CJK_FACES = {2: ("SC", ["gb2312"]), 3: ("TC", ["big5", "cp950"]), 1: ("KR", ["euc_kr"])}


def repertoire(encodings: list[str], korean: bool) -> set[int]:
    chars = set(range(0x20, 0x250))  # Latin, Latin-1, Latin Extended
    chars |= set(range(0x2000, 0x2070))  # general punctuation
    chars |= set(range(0x20A0, 0x20C0))  # currency
    chars |= set(range(0x2100, 0x2200))  # letterlike, number forms, arrows
    chars |= set(range(0x2460, 0x2500))  # enclosed numbers
    chars |= set(range(0x3000, 0x3100))  # CJK punctuation, kana, bopomofo
    chars |= set(range(0xFF00, 0xFFF0))  # full-width forms
    for cp in range(0x3400, 0xA000):
        ch = chr(cp)
        for enc in encodings:
            try:
                ch.encode(enc)
            except UnicodeEncodeError:
                continue
            chars.add(cp)
            break
    if korean:
        chars |= set(range(0xAC00, 0xD7A4))  # every Hangul syllable
        chars |= set(range(0x1100, 0x1200)) | set(range(0x3130, 0x3190))  # jamo
    return chars


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for name in COPIES:
        shutil.copyfile(NOTO / name, OUT / name)
    for weight in ("Regular", "Bold"):
        collection = TTCollection(CJK / f"NotoSansCJK-{weight}.ttc")
        for index, (region, encodings) in CJK_FACES.items():
            font = collection.fonts[index]
            options = subset.Options()
            options.layout_features = ["*"]
            options.name_IDs = ["*"]
            options.name_languages = ["*"]
            options.notdef_outline = True
            options.hinting = False
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=repertoire(encodings, region == "KR"))
            subsetter.subset(font)
            target = OUT / f"NotoSansCJK{region}-{weight}.otf"
            font.save(target)
            print(f"{target.name}: {target.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
