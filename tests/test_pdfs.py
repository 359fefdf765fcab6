"""Open every built PDF and check what a person would: page size, fonts, language,
text, QR codes, margins, and right-to-left layout."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp

from handouts.content import available_languages, get_handout, handout_keys, load_content
from handouts.facts import load_facts
from handouts.fonts import FAMILIES, coverage, needs_glyph
from handouts.locales import LANGUAGES
from handouts.placeholders import PLACEHOLDER
from handouts.sizes import MM_PER_IN, get_size

from .pdfread import comparable, embedded_fonts, rasterize, reader, squash, text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def entries(built):
    return built["manifest"]["files"]


def test_every_default_job_was_built(built):
    built_jobs = {(e["handout"], e["language"], e["size"]) for e in entries(built)}
    for key in (k for k in handout_keys() if not get_handout(k).multilingual):  # signs: test_claims
        for code in available_languages(key):
            for size in get_handout(key).default_sizes:
                assert (key, code, size) in built_jobs


def test_page_count_and_size(built):
    for entry in entries(built):
        pdf = reader(built["out"] / entry["path"])
        spec = get_handout(entry["handout"])
        size = get_size(entry["size"])
        assert len(pdf.pages) == spec.pages_on(size.kind) == entry["pages"], entry["path"]
        for page in pdf.pages:
            box = page.mediabox
            assert float(box.width) == pytest.approx(size.width_pt, abs=0.5), entry["path"]
            assert float(box.height) == pytest.approx(size.height_pt, abs=0.5), entry["path"]


def test_only_bundled_fonts_are_used_and_embedded(built):
    bundled = {family.replace(" ", "-") for family in FAMILIES}
    for entry in entries(built):
        fonts = embedded_fonts(built["out"] / entry["path"])
        assert fonts, entry["path"]
        wanted = {f.replace(" ", "-") for code in entry["languages"] for f in LANGUAGES[code].fonts}
        for name, embedded in fonts.items():
            # "ABCDEF+HO-CJK-TC-1a2b3c4d5e-Bold": subset tag, family, cut-down tag, weight
            family = name.split("+", 1)[-1].removesuffix("-Bold")
            base = next((b for b in bundled if family == b or family.startswith(b + "-")), None)
            assert base, f"{entry['path']}: unexpected font {name}"
            assert base in wanted, f"{entry['path']}: {name} is not a font of this language"
            assert embedded, f"{entry['path']}: font {name} is not embedded"


def test_language_and_title_metadata(built):
    for entry in entries(built):
        pdf = reader(built["out"] / entry["path"])
        assert pdf.trailer["/Root"]["/Lang"] == entry["language"], entry["path"]
        assert pdf.metadata.title, entry["path"]
        assert "handouts" in (pdf.metadata.creator or ""), entry["path"]


def _printed_strings(entry):
    content = load_content(entry["handout"], entry["language"]).data
    if entry["handout"] == "red-card":
        return [content["front"]["title"], content["front"]["bullets"][0]]
    if get_handout(entry["handout"]).kind == "sign":
        return [content["title"], content["lead"]]
    if _poster_layout(entry):  # a poster prints its own short text, not the flyer's
        lines = [PLACEHOLDER.sub("", line).strip() for line in content["poster"]["lines"]]
        return [content["poster"]["headline"], min(lines, key=len)]  # one that fits on a line: extraction
        # puts a wrapped right-to-left line's parts out of order
    return [content["title"], content["sections"][0]["heading"]]


def _poster_layout(entry) -> bool:
    return get_handout(entry["handout"]).poster is not None and get_size(entry["size"]).kind == "poster"


def _printed_numbers(entry) -> list[str]:
    spec = get_handout(entry["handout"])
    if _poster_layout(entry):
        return [spec.poster.hotline]
    return [contact.fact for contact in spec.contacts if "phone" in contact.show]


def _comparable(value: str, rtl: bool = False) -> str:
    # Arabic letters come back from a PDF as presentation forms; NFKC maps them
    # home. Extraction also moves Arabic combining marks, so those are compared
    # without their marks.
    value = squash(unicodedata.normalize("NFKC", value))
    return "".join(ch for ch in value if unicodedata.category(ch) != "Mn") if rtl else value


def test_key_text_is_in_the_pdf(built):
    for entry in entries(built):
        rtl = LANGUAGES[entry["language"]].direction == "rtl"
        extracted = _comparable(text(built["out"] / entry["path"]), rtl)
        if entry["language"] == "km":
            # Khmer glyph clusters (subscript stacks, reordered vowels) cannot be
            # mapped back to text in order, so we only check that Khmer came out.
            assert sum("\u1780" <= ch <= "\u17ff" for ch in extracted) > 20, entry["path"]
            continue
        without_ltr = comparable(text(built["out"] / entry["path"]), rtl)  # LTR runs come back reversed in RTL
        for expected in _printed_strings(entry):
            assert comparable(expected, rtl) in without_ltr, f"{entry['path']}: '{expected}' not found"
        facts = load_facts()
        for fact in _printed_numbers(entry):
            number = facts[fact].phone_text
            # Text extraction reverses left-to-right runs inside right-to-left
            # text, so there we look for each group of digits.
            wanted = re.findall(r"\d+", number) if rtl else [_comparable(number)]
            for part in wanted:
                assert part in extracted, (entry["path"], number)


def test_red_card_back_is_english(built):
    english = load_content("red-card", "en").data["back"]
    for entry in entries(built):
        if entry["handout"] == "red-card":
            back = reader(built["out"] / entry["path"]).pages[1].extract_text()
            assert squash(english["heading"]) in squash(back), entry["path"]


def test_every_qr_code_decodes_to_its_fact(built):
    facts = load_facts()
    for entry in entries(built):
        spec = get_handout(entry["handout"])
        expected = sorted(facts[c.fact].qr_url for c in spec.contacts if "qr" in c.show)
        if _poster_layout(entry):
            expected = sorted(facts[key].qr_url for key in spec.poster.qr)
        path = built["out"] / entry["path"]
        found, widths_mm = [], []
        for image in rasterize(path):
            for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
                found.append(result.text)
                p = result.position
                widths_mm.append((p.top_right.x - p.top_left.x) / 150 * MM_PER_IN)
        assert sorted(found) == expected, entry["path"]
        # The decoder measures the code itself, without its quiet zone: that is
        # what must be at least the size's minimum (less 2% for rasterising).
        minimum = get_size(entry["size"]).min_qr_mm
        assert all(width >= 0.98 * minimum for width in widths_mm), (entry["path"], widths_mm)


def test_nothing_is_printed_near_the_paper_edge(built):
    for entry in entries(built):
        size = get_size(entry["size"])
        strip = int(size.margin_mm / 2 / MM_PER_IN * 150)  # half the margin, in pixels
        for image in rasterize(built["out"] / entry["path"]):
            width, height = image.size
            gray = image.convert("L")
            for box in (
                (0, 0, width, strip),
                (0, height - strip, width, height),
                (0, 0, strip, height),
                (width - strip, 0, width, height),
            ):
                darkest = min(gray.crop(box).getdata())
                assert darkest > 245, f"{entry['path']}: ink within {size.margin_mm / 2:.1f} mm of the edge"


def _line_edges(path):
    """(left, right) x of each text line on page 1, in points."""
    page = pdfium.PdfDocument(str(path))[0]
    textpage = page.get_textpage()
    lines: dict[int, list[float]] = {}
    for i in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(i)
        if right - left <= 0.5:
            continue
        key = round((bottom + top) / 2 / 4)
        edges = lines.setdefault(key, [left, right])
        edges[0], edges[1] = min(edges[0], left), max(edges[1], right)
    return page.get_width(), list(lines.values())


@pytest.mark.parametrize("lang", [code for code, lang in LANGUAGES.items() if lang.direction == "rtl"] + ["en"])
def test_text_starts_on_the_reading_side(built, lang):
    """Right-to-left pages line their text up on the right; others on the left."""
    for entry in entries(built):
        if entry["language"] != lang or entry["handout"] == "red-card" or get_handout(entry["handout"]).multilingual:
            continue  # a sign's type grows to fill its width; in two scripts each block lines up on its own side
        if _poster_layout(entry):
            continue  # a poster centres its number and codes
        width, lines = _line_edges(built["out"] / entry["path"])
        margin = get_size(entry["size"]).margin_mm / MM_PER_IN * 72
        at_left = sum(1 for left, _ in lines if left < margin + 30)
        at_right = sum(1 for _, right in lines if right > width - margin - 30)
        if LANGUAGES[lang].direction == "rtl":
            assert at_right > 2 * at_left, (entry["path"], at_left, at_right)
        else:
            assert at_left > 2 * at_right, (entry["path"], at_left, at_right)


def test_every_printed_character_is_in_the_languages_fonts(built):
    """A character the fonts cannot draw prints as a box; the PDF's text layer
    still names it, so no character in it may be outside the bundled fonts."""
    for entry in entries(built):
        families = tuple(f for code in entry["languages"] for f in LANGUAGES[code].fonts)
        # pdfium reports a ligature glyph with no single character as U+FFFE
        printed = set(text(built["out"] / entry["path"])) - {"\ufffe", "\uffff"}
        missing = [ch for ch in printed if needs_glyph(ch) and ord(ch) not in coverage(families)]
        assert not missing, (entry["path"], [f"U+{ord(c):04X}" for c in missing])


@pytest.mark.pdf
def test_the_glyph_test_sees_a_box(tmp_path):
    """The check above fails on a PDF that has a character its fonts lack."""
    from handouts.render import layout

    font = (Path(__file__).parent.parent / "fonts" / "NotoSans-Regular.ttf").resolve().as_uri()
    html = (
        f'<html lang="en"><style>@font-face {{ font-family: X; src: url("{font}") }} '
        "html { font-family: X }</style><p>Hello \u0f00 world</p></html>"
    )
    pdf = tmp_path / "box.pdf"
    pdf.write_bytes(layout(html, "test").write_pdf())
    printed = set(text(pdf))
    assert [ch for ch in printed if needs_glyph(ch) and ord(ch) not in coverage(("HO Sans",))] == ["\u0f00"]
