"""The tri-fold brochure: two Letter-landscape pages whose panels read in order
once folded, mirrored for right-to-left languages."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
import zxingcpp
from click.testing import CliRunner

from handouts.cli import main
from handouts.content import get_handout, load_content
from handouts.facts import load_facts

from .pdfread import squash


def panel_of(page, needle: str) -> int:
    """Which third of the sheet (0 left, 1 middle, 2 right) shows `needle`."""
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    at = squash(text).find(squash(needle))
    assert at >= 0, needle
    # map the position in the squashed text back to a character index
    seen = -1
    for index, ch in enumerate(text):
        if not ch.isspace() and ch not in "\u200b\u2066\u2068\u2069":
            seen += 1
        if seen == at:
            left, _, right, _ = textpage.get_charbox(index)
            break
    # panels are 3.625-3.6875 in wide with 0.28 in margins, so thirds of the sheet tell them apart
    return int((left + right) / 2 / 72 // (11 / 3))


@pytest.mark.parametrize("lang,cover_panel", [("en", 2), ("es", 2)])
@pytest.mark.pdf
def test_trifold_reads_in_order_when_folded(tmp_path, lang, cover_panel):
    result = CliRunner().invoke(main, ["trifold", "--lang", lang, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    document = pdfium.PdfDocument(str(tmp_path / lang / "trifold-letter.pdf"))
    assert len(document) == 2
    assert document[0].get_size() == pytest.approx((792, 612), abs=0.5)
    strings = load_content("common", lang).data["strings"]
    kyr = load_content("know-your-rights", lang).data
    pharmacy = load_content("pharmacy", lang).data
    assert panel_of(document[0], strings["packet_title"]) == cover_panel
    assert panel_of(document[0], pharmacy["sections"][0]["heading"]) == 2 - cover_panel  # the fold-in flap
    assert panel_of(document[1], kyr["sections"][0]["heading"]) == 0


@pytest.mark.pdf
def test_rtl_trifold_is_mirrored(tmp_path):
    CliRunner().invoke(main, ["trifold", "--lang", "ar", "--out", str(tmp_path)])
    document = pdfium.PdfDocument(str(tmp_path / "ar" / "trifold-letter.pdf"))
    image = document[0].render(scale=1).to_pil().convert("RGB")
    width, height = image.size
    # the cover's coloured band sits in the left third on a right-to-left brochure
    band = [image.getpixel((x, int(height * 0.12))) for x in range(0, width, 4)]
    red = [i * 4 for i, (r, g, b) in enumerate(band) if r > 120 and g < 60 and b < 60]
    assert red
    assert max(red) < width / 3


@pytest.mark.pdf
def test_trifold_qr_codes_decode(tmp_path):
    CliRunner().invoke(main, ["trifold", "--lang", "en", "--out", str(tmp_path)])
    document = pdfium.PdfDocument(str(tmp_path / "en" / "trifold-letter.pdf"))
    found = set()
    for page in document:
        image = page.render(scale=150 / 72).to_pil()
        found |= {r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)}
    facts = load_facts()
    # every link of the rights and pharmacy handouts; the care handout's lines print as phone numbers
    expected = {
        facts[c.fact].qr_url
        for h in ("know-your-rights", "pharmacy")
        for c in get_handout(h).contacts
        if "qr" in c.show
    }
    assert expected
    assert found == expected
