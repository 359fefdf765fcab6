"""Design that reads well (issue 14): QR blocks read as one block."""

from __future__ import annotations

import pypdfium2 as pdfium
import zxingcpp

from handouts.content import load_content
from handouts.facts import load_facts
from handouts.locales import LANGUAGES

DPI = 100


def _qr_blocks(path):
    """For each page: [(url, (left, bottom, right) of its code in PDF points)], and the page's text page."""
    document = pdfium.PdfDocument(str(path))
    for page in document:
        height = page.get_size()[1]
        image = page.render(scale=DPI / 72).to_pil()
        codes = []
        for found in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)):
            corners = [
                found.position.top_left,
                found.position.top_right,
                found.position.bottom_left,
                found.position.bottom_right,
            ]
            xs = [c.x * 72 / DPI for c in corners]
            ys = [height - c.y * 72 / DPI for c in corners]
            codes.append((found.text, (min(xs), min(ys), max(xs))))
        yield codes, page.get_textpage()


def _distance(textpage, index: int, code: tuple[float, float, float]) -> float:
    c_left, _c_bottom, _c_right, c_top = textpage.get_charbox(index)
    left, bottom, _right = code
    return abs(c_left - left) + abs(c_top - bottom)


def _place(textpage, start: int, code: tuple[float, float, float], rtl: bool) -> set[str]:
    left, bottom, right = code
    places = set()
    # Where the text starts says where it is: a block beneath the code starts at
    # the code's edge, a column beside it starts past the code.
    c_left, _c_bottom, c_right, c_top = textpage.get_charbox(start)
    if rtl:  # a right-to-left line's first character is on the right; go by height alone
        places.add("beneath" if c_top <= bottom + 1 else "beside" if c_right <= left + 1 else "overlapping")
    elif c_left >= right - 1:
        places.add("beside")
    else:
        places.add("beneath" if c_top <= bottom + 1 else "overlapping")
    return places


def test_qr_caption_and_link_stay_together_beside_or_beneath_the_code(built):
    """A QR code's caption and the link printed for people who cannot scan sit
    wholly beside the code or wholly beneath it: never the caption beside and
    the link alone under the code, and never over it."""
    facts = {f.qr_url: f for f in load_facts().values() if f.qr_url}
    checked = 0
    for entry in built["manifest"]["files"]:
        if entry.get("kind") or len(entry["languages"]) > 1:
            continue
        path = built["out"] / entry["path"]
        lang = entry["language"]
        rtl = LANGUAGES[lang].direction == "rtl"
        names = load_content(entry["handout"], lang).data.get("contacts", {})
        for codes, textpage in _qr_blocks(path):
            text = textpage.get_text_range()
            for url, code in codes:
                fact = facts.get(url)
                if fact is None:
                    continue
                domain = fact.short_url.split("/")[0]
                starts = [i for i in range(len(text)) if text.startswith(domain, i)]
                assert starts, (entry["path"], domain)
                start = min(starts, key=lambda i: _distance(textpage, i, code))  # this code's link
                places = _place(textpage, start, code, rtl)
                name = (names.get(fact.key) or {}).get("name", "")
                first_word = name.split()[0] if name.split() else ""
                if not rtl and lang not in ("km",) and len(first_word) > 2 and text.count(first_word) == 1:
                    places |= _place(textpage, text.find(first_word), code, rtl)
                assert places in ({"beneath"}, {"beside"}), (entry["path"], url, places)
                checked += 1
    assert checked > 50
