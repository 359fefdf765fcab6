"""Red Card sheets on Avery 5371/8371/28371: cards where the stock has them
(within 0.5 mm), backs behind their fronts after a long-edge flip."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from handouts.cli import main
from handouts.errors import UsageError
from handouts.render import layout
from handouts.sheets import get_stock, impose, parse_counts

MM = 72 / 25.4
# Avery's published geometry for 5371/8371/28371 (inches): the oracle for these tests.
LEFT, TOP, CARD_W, CARD_H, SHEET_H = 0.75, 0.5, 3.5, 2.0, 11.0


def labelled_card(number: int) -> bytes:
    """A two-page wallet card whose front says F<n> and back B<n> at its top-left corner."""
    html = (
        '<html lang="en"><style>@page { size: 3.5in 2in; margin: 0 } body { margin: 0 } '
        "p { margin: 0; font-size: 20pt; line-height: 1 } .b { break-before: page }</style>"
        f'<p>F{number:02d}</p><p class="b">B{number:02d}</p></html>'
    )
    from handouts.fonts import font_css

    html = html.replace("<style>", "<style>" + font_css(("HO Sans",))[0] + ' p { font-family: "HO Sans" }', 1)
    return layout(html, "test card").write_pdf()


def label_positions(pdf_bytes: bytes, page_index: int) -> dict[str, tuple[float, float]]:
    """Label -> (left x, top y from the top of the sheet) in points."""
    page = pdfium.PdfDocument(pdf_bytes)[page_index]
    textpage = page.get_textpage()
    height = page.get_height()
    found = {}
    text = textpage.get_text_range()
    for i, ch in enumerate(text):
        if ch in "FB" and i + 2 < len(text) and text[i + 1 : i + 3].isdigit():
            left, _bottom, _right, top = textpage.get_charbox(i)
            found[text[i : i + 3]] = (left, height - top)
    return found


@pytest.mark.pdf
def test_cards_sit_on_the_avery_grid_and_backs_are_mirrored():
    stock = get_stock("avery-5371")
    sheet = impose([labelled_card(n) for n in range(10)], stock)
    fronts, backs = label_positions(sheet, 0), label_positions(sheet, 1)
    assert len(fronts) == len(backs) == 10
    for n in range(10):
        row, column = divmod(n, 2)
        x = (LEFT + column * CARD_W) * 72
        y = (TOP + row * CARD_H) * 72
        fx, fy = fronts[f"F{n:02d}"]
        # the glyph's box starts a little inside the card (side bearing, ascent)
        assert x <= fx <= x + 2 * MM, (n, fx, x)
        assert y <= fy <= y + 4 * MM, (n, fy, y)
        bx, by = backs[f"B{n:02d}"]
        mirrored_x = (LEFT + (1 - column) * CARD_W) * 72
        assert mirrored_x <= bx <= mirrored_x + 2 * MM, (n, bx)
        assert y <= by <= y + 4 * MM, (n, by)
        # the same glyph offset on both sides: within 0.5 mm of the mirrored slot
        assert abs((bx - mirrored_x) - (fx - x)) < 0.5 * MM
        assert abs(by - fy) < 0.5 * MM


@pytest.mark.pdf
def test_sheet_page_is_letter():
    sheet = impose([labelled_card(n) for n in range(10)], get_stock("plain-letter"))
    document = pdfium.PdfDocument(sheet)
    assert len(document) == 2
    assert document[0].get_size() == pytest.approx((612, 792), abs=0.5)


def test_language_counts():
    assert parse_counts(["es:6", "zh-Hant:4"], 10) == [("es", 6), ("zh-Hant", 4)]
    assert parse_counts(["es", "ko"], 10) == [("es", 5), ("ko", 5)]
    assert parse_counts(["es:7", "ko"], 10) == [("es", 7), ("ko", 3)]
    with pytest.raises(UsageError, match="add up to 11 cards, but a sheet holds 10"):
        parse_counts(["es:6", "ko:5"], 10)


@pytest.mark.pdf
def test_sheet_command_mixes_languages(tmp_path):
    result = CliRunner().invoke(main, ["sheet", "red-card", "-l", "es:6", "-l", "zh-Hant:4", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "sheets" / "red-card-es6-zh-Hant4-avery-5371.pdf"
    assert result.stdout == f"Wrote {path}.\n"
    text = pdfium.PdfDocument(str(path))[0].get_textpage().get_text_range()
    assert text.count("Conozca sus derechos") == 6
    assert text.count("了解您的權利") == 4


@pytest.mark.pdf
def test_alignment_sheet_is_one_page(tmp_path):
    result = CliRunner().invoke(main, ["sheet", "--alignment", "-o", str(tmp_path)])
    assert result.exit_code == 0
    document = pdfium.PdfDocument(str(tmp_path / "sheets" / "alignment-avery-5371.pdf"))
    assert len(document) == 1
    assert "card 10: front here" in document[0].get_textpage().get_text_range()
