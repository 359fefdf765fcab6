"""Design that reads well (issue 14): QR blocks read as one block; pages filled to the bottom."""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp

from handouts.clinic.validate import make_profile
from handouts.content import get_handout, load_content
from handouts.facts import load_facts
from handouts.locales import LANGUAGES
from handouts.render import Job, render
from handouts.render.spread import Gap, share_leftover
from handouts.sizes import get_size

from .pdfread import squash, text

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
                # this code's own link where it can be read whole (two links may share a domain)
                kept = [i for i, ch in enumerate(text) if not ch.isspace()]
                flat = "".join(text[i] for i in kept)
                whole = [kept[i] for i in range(len(flat)) if flat.startswith(fact.short_url, i)]
                starts = whole or [i for i in range(len(text)) if text.startswith(domain, i)]
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


FILL_DPI = 36
BOTTOM_SLACK = 0.05  # the lowest line ends within 5% of the page height above the bottom margin


def _lowest_ink(image) -> float:
    """The lowest inked row of a page image, as a share of its height."""
    box = image.convert("L").point(lambda v: 255 if v < 200 else 0).getbbox()
    return box[3] / image.height if box else 0.0


def test_every_page_is_filled_to_its_bottom_margin(built):
    """Flyers, cards and signs in every language: after fitting, leftover space goes
    to larger type and then to the gaps, so no page ends with a blank bottom."""
    checked, short = 0, []
    for entry in built["manifest"]["files"]:
        size = get_size(entry["size"])
        if entry.get("kind", "handout") != "handout" or get_handout(entry["handout"]).template == "trifold.html":
            continue
        bottom = 1 - size.margin_mm / size.height_mm
        document = pdfium.PdfDocument(str(built["out"] / entry["path"]))
        for number, page in enumerate(document, 1):
            lowest = _lowest_ink(page.render(scale=FILL_DPI / 72).to_pil())
            checked += 1
            if bottom - lowest > BOTTOM_SLACK:
                short.append(f"{entry['path']} page {number}: ends at {lowest:.0%}, margin at {bottom:.0%}")
    assert checked > 150 and not short, short


def test_leftover_goes_to_sections_before_list_items():
    gaps = [Gap("1", "section", 0, 0, True), Gap("2", "item", 0, 0, False), Gap("3", "item", 0, 0, False)]
    small = share_leftover(50, gaps, body_px=32)  # 10 px per weight unit: under the item cap (16 px)
    assert small == {"1": 30, "2": 10, "3": 10}
    large = share_leftover(500, gaps, body_px=16)  # items stop at half a body size (8 px); the rest to the section
    assert large["2"] == large["3"] == 8 and large["1"] == 500 - 16


@pytest.mark.pdf
def test_poster_headline_reads_from_across_the_room(tmp_path):
    """24x36 poster: a cap height of at least 40 mm, the poster's own three lines
    and hotline in large type, not the flyer's paragraphs."""
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(render(Job("know-your-rights", "en", "poster-24x36")).pdf)
    page = pdfium.PdfDocument(str(pdf))[0]
    textpage = page.get_textpage()
    chars = textpage.get_text_range()
    headline = load_content("know-your-rights", "en").data["poster"]["headline"]
    first = chars.index(headline[0])  # "K": a capital without descender or overshoot
    _, bottom, _, top = textpage.get_charbox(first)
    assert (top - bottom) / 72 * 25.4 >= 40, f"cap height {(top - bottom) / 72 * 25.4:.1f} mm"
    flyer = load_content("know-your-rights", "en").data
    assert squash(flyer["sections"][3]["heading"]) not in squash(chars)  # the flyer's paragraphs stay on the flyer
    number = load_facts()["la_rapid_response_network_hotline"].display.split()[0]
    index = chars.index(number)
    _, low, _, high = textpage.get_charbox(index)
    assert (high - low) / 72 * 25.4 >= 15, "the hotline number is printed large"


def _clinic_with_logo(tmp_path):
    from PIL import Image, ImageDraw

    logo = Image.new("RGB", (300, 150), "white")
    draw = ImageDraw.Draw(logo)
    draw.ellipse((10, 10, 140, 140), fill=(29, 78, 216))
    draw.rectangle((160, 40, 290, 110), fill=(220, 40, 40))
    logo.save(tmp_path / "logo.png")
    return make_profile({"name": "Test Clinic", "logo": "logo.png", "color": "#1d4ed8"}, "clinic.toml", tmp_path)


def _image_heights_in(pdf) -> list[float]:
    document = pdfium.PdfDocument(str(pdf))
    page = document[len(document) - 1]  # the clinic band is on the last page
    heights = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        _, bottom, _, top = obj.get_bounds()
        heights.append((top - bottom) / 72)
    return heights


@pytest.mark.pdf
@pytest.mark.parametrize(("size", "least_in"), [("letter", 0.6), ("poster-24x36", 1.5)])
def test_clinic_logo_is_large_enough_to_recognise(tmp_path, size, least_in):
    pdf = tmp_path / "flyer.pdf"
    pdf.write_bytes(render(Job("know-your-rights", "en", size, profile=_clinic_with_logo(tmp_path))).pdf)
    heights = _image_heights_in(pdf)
    assert heights and max(heights) >= least_in, heights


@pytest.mark.pdf
def test_mono_prints_no_colour(tmp_path):
    """--mono: every pixel grey (the blue band, the red accents and the logo
    included), and still the same words as the colour flyer."""
    clinic = _clinic_with_logo(tmp_path)
    colour, mono = tmp_path / "colour.pdf", tmp_path / "mono.pdf"
    colour.write_bytes(render(Job("know-your-rights", "en", "letter", profile=clinic)).pdf)
    mono.write_bytes(render(Job("know-your-rights", "en", "letter", variant="mono", profile=clinic)).pdf)

    def coloured_pixels(pdf) -> int:
        count = 0
        for page in pdfium.PdfDocument(str(pdf)):
            saturation = page.render(scale=40 / 72).to_pil().convert("RGB").convert("HSV").getchannel("S")
            count += sum(saturation.histogram()[40:])  # grey is saturation 0
        return count

    assert coloured_pixels(colour) > 500  # the check sees colour where there is some
    assert coloured_pixels(mono) == 0
    assert squash(text(mono)) == squash(text(colour))


@pytest.mark.pdf
def test_a_remembered_fill_is_kept_only_where_it_still_fills_the_page(tmp_path):
    """A fit remembered with the CSS that filled its pages lays the same page out
    again in one pass; on a page with much more room (no clinic band), the same
    fit would leave a gap at the bottom, so it is refused and the page fitted anew."""
    from handouts.render import fit_page, prepare
    from handouts.render.spread import filled, within_area

    long_band = make_profile(
        {
            "name": "Clínica Comunitaria de Salud Familiar del Valle de San Fernando y Pacoima",
            "address": "14500 Roscoe Boulevard, Suite 410, Panorama City, CA 91402 (entrance on Van Nuys "
            "Boulevard, second floor, beside the pharmacy, across from the bus stop)",
            "hours": "Monday to Friday 7:00 a.m. to 9:00 p.m.; Saturday 8:00 a.m. to 5:00 p.m.; "
            "Sunday 9:00 a.m. to 1:00 p.m.; closed on public holidays",
            "phone": "(818) 555-0105",
        },
        "row",
        tmp_path,
    )
    banded = prepare(Job("pharmacy", "es", "letter", profile=long_band))
    first = fit_page(banded)
    assert first.setting.fill, "the fit filled the page"
    again = fit_page(banded, hint=first.setting)
    assert again.passes == 1 and again.setting == first.setting
    bare = fit_page(prepare(Job("pharmacy", "es", "letter")), hint=first.setting)
    assert bare.passes > 1 and bare.setting != first.setting
    assert within_area(bare.measured.result) and filled(bare.measured.result)
