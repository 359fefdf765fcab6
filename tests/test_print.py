"""Print production: bleed and crop marks for print shops, large print,
tagged (PDF/UA) office output with alt text, minimum type sizes, posters."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader

from handouts.content import get_handout, load_content
from handouts.errors import FitError, RenderError
from handouts.facts import load_facts
from handouts.render import BLEED_MM, LARGE_PRINT_PT, Job, render
from handouts.sizes import MM_PER_IN, get_size

from .editing import lengthen_pharmacy

PT_PER_MM = 72 / MM_PER_IN


def char_sizes(pdf: bytes) -> list[float]:
    """The font size of every visible character, in points."""
    sizes = []
    for page in pdfium.PdfDocument(pdf):
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        for i in range(textpage.count_chars()):
            if i < len(text) and not text[i].isspace() and unicodedata.category(text[i]) != "Cf":
                sizes.append(pdfium_c.FPDFText_GetFontSize(textpage.raw, i))
    return sizes


@pytest.mark.parametrize("lang", ["en", "es", "tl", "hy", "zh-Hant", "ar"])
@pytest.mark.pdf
def test_flyer_body_text_is_at_least_the_sizes_minimum(lang):
    for handout in ("know-your-rights", "care-access", "pharmacy"):
        rendered = render(Job(handout, lang, "letter"))
        sizes = sorted(char_sizes(rendered.pdf))
        minimum = get_size("letter").min_body_pt
        assert rendered.body_pt >= minimum
        # body text is most of the page; only headings' captions and the footer are smaller
        at_least = sum(1 for s in sizes if s >= minimum - 0.05) / len(sizes)
        assert at_least >= 0.6, (handout, lang, at_least)


@pytest.mark.pdf
def test_large_print_sets_body_text_at_18_pt_over_more_pages():
    rendered = render(Job("know-your-rights", "es", "letter", "large-print"))
    assert rendered.body_pt >= LARGE_PRINT_PT
    assert rendered.pages >= 2
    sizes = char_sizes(rendered.pdf)
    assert sum(1 for s in sizes if s >= LARGE_PRINT_PT - 0.05) / len(sizes) >= 0.6


def test_large_print_wallet_card_is_refused():
    with pytest.raises(RenderError, match="large print is for flyers and posters"):
        render(Job("red-card", "es", "wallet", "large-print"))


@pytest.mark.parametrize(
    "handout,size", [("know-your-rights", "letter"), ("red-card", "wallet"), ("care-access", "poster-24x36")]
)
@pytest.mark.pdf
def test_print_shop_pages_have_bleed_and_trim_boxes(handout, size, tmp_path):
    rendered = render(Job(handout, "es", size, "print-shop"))
    pdf = pikepdf.open(io.BytesIO(rendered.pdf))
    geometry = get_size(size)
    bleed = BLEED_MM * PT_PER_MM
    for page in pdf.pages:
        trim = [float(v) for v in page.TrimBox]
        bleed_box = [float(v) for v in page.BleedBox]
        media = [float(v) for v in page.MediaBox]
        assert trim[2] - trim[0] == pytest.approx(geometry.width_pt, abs=0.5)
        assert trim[3] - trim[1] == pytest.approx(geometry.height_pt, abs=0.5)
        assert bleed_box == pytest.approx([trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed], abs=0.5)
        assert media[0] <= bleed_box[0]
        assert media[2] >= bleed_box[2]
    if shutil.which("qpdf"):
        path = tmp_path / "shop.pdf"
        path.write_bytes(rendered.pdf)
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.pdf
def test_office_pdfs_are_tagged_with_alt_text_for_every_qr_code():
    rendered = render(Job("care-access", "ko", "letter"))
    pdf = pikepdf.open(io.BytesIO(rendered.pdf))
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == "ko"
    assert "pdfuaid" in str(pdf.open_metadata())
    alts = []

    def walk(node):
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt")))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    facts = load_facts()
    spec = get_handout("care-access")
    expected = sorted(f"QR code: {facts[c.fact].qr_url}" for c in spec.contacts if "qr" in c.show)
    assert sorted(a for a in alts if a.startswith("QR code:")) == expected
    # Every pictogram is a figure too, named by the words beside it (a section heading or a contact).
    text = load_content("care-access", "ko").data
    headings = [s["heading"] for s in text["sections"]]
    phones = [text["contacts"][c.fact]["name"] for c in spec.contacts if "phone" in c.show]
    icons = sorted(a for a in alts if not a.startswith("QR code:"))
    assert icons == sorted(headings[: len(spec.section_icons)] + phones)


@pytest.mark.parametrize("variant", ["office", "print-shop", "large-print"])
@pytest.mark.pdf
def test_every_variant_is_byte_reproducible(variant):
    job = Job("pharmacy", "vi", "letter", variant)
    assert render(job).pdf == render(job).pdf


@pytest.mark.pdf
def test_posters_grow_type_to_fill_the_page():
    poster = render(Job("pharmacy", "en", "poster-24x36"))
    assert poster.body_pt > get_size("poster-24x36").body_pt


@pytest.mark.pdf
def test_text_too_long_for_its_page_flows_onto_the_other_side(data_copy):
    """A one-page flyer whose text does not fit at the smallest type is not
    refused: it flows onto the back, and every line is printed."""
    lines = [f"Extra line number {i} that makes this handout far too long to fit." for i in range(60)]
    lengthen_pharmacy(data_copy / "content", lines=lines)
    rendered = render(Job("pharmacy", "en", "letter"))
    assert 1 < rendered.pages <= 3
    assert rendered.fit_pages > 1, "it flowed: the fit allowed more pages than the handout's own"
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(rendered.pdf)).pages]
    assert "Extra line number 0 " in pages[0] + pages[1]
    assert "Extra line number 59 " in " ".join(pages)


@pytest.mark.pdf
def test_impossible_content_is_a_clear_fit_error(data_copy):
    """A text no number of pages holds (one item of 40,000 characters) is an
    error in plain words: the handout and language, the field and its file, and what to do."""
    lengthen_pharmacy(data_copy / "content", words="word " * 8000)
    with pytest.raises(FitError) as error:
        render(Job("pharmacy", "en", "letter"))
    message = str(error.value)
    assert message.startswith("pharmacy (en, letter) cannot be laid out: even at 12 pt, the smallest type allowed")
    assert "it needs about " in message
    assert "pages, and it may take at most 3." in message
    assert "(40,0" in message
    assert "in en.yaml: shorten it, or choose a larger size." in message
    assert "\n" not in message


@pytest.mark.pdf
def test_slightly_long_content_is_set_smaller_and_fits(data_copy):
    """Add one line at a time: before the text stops fitting, there is a length
    that fits only with smaller type, and then the page is still one page."""
    path = data_copy / "content" / "pharmacy" / "en.yaml"
    original = path.read_text(encoding="utf-8")
    anchor = "      - Order refills early, so you do not run out.\n"
    letter = get_size("letter")
    for extra in range(1, 15):
        lines = "".join(f"      - Keep a list of your medicines ({i}).\n" for i in range(extra))
        path.write_text(original.replace(anchor, anchor + lines), encoding="utf-8")
        rendered = render(Job("pharmacy", "en", "letter"))
        if rendered.body_pt < letter.body_pt:
            assert rendered.pages == 1
            assert rendered.body_pt >= letter.min_body_pt
            return
    pytest.fail("the text never needed smaller type")


def _color_operators(pdf) -> set[str]:
    found = set()

    def walk(owner):
        for _, operator in pikepdf.parse_content_stream(owner):
            found.add(str(operator))
        for xobject in (owner.get("/Resources", {}).get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form":
                walk(xobject)

    for page in pdf.pages:
        walk(page)
    return found & {"rg", "RG", "k", "K", "g", "G", "sc", "SC", "scn", "SCN", "cs", "CS"}


@pytest.mark.parametrize("lang", ["es", "zh-Hant", "fa"])
@pytest.mark.pdf
def test_print_shop_output_is_pdf_x4_in_cmyk(lang):
    from handouts.resources import templates_dir

    rendered = render(Job("know-your-rights", lang, "letter", "print-shop"))
    pdf = pikepdf.open(io.BytesIO(rendered.pdf))
    intent = pdf.Root.OutputIntents[0]
    assert intent.S == "/GTS_PDFX"
    assert int(intent.DestOutputProfile.N) == 4
    assert intent.DestOutputProfile.read_bytes() == (templates_dir() / "icc" / "handouts-FOGRA39.icc").read_bytes()
    assert "PDF/X-4" in str(pdf.open_metadata())
    assert str(pdf.docinfo["/Trapped"]) == "/False"
    operators = _color_operators(pdf)
    assert not operators & {"rg", "RG"}, "DeviceRGB colour in a CMYK print file"
    assert "K" in operators  # the crop marks, 100% black
    for page in pdf.pages:  # crop marks sit outside the bleed
        media, bleed = [float(v) for v in page.MediaBox], [float(v) for v in page.BleedBox]
        assert media[0] < bleed[0]
        assert media[2] > bleed[2]


@pytest.mark.pdf
def test_office_output_stays_rgb_and_tagged():
    pdf = pikepdf.open(io.BytesIO(render(Job("know-your-rights", "es", "letter")).pdf))
    assert "/OutputIntents" not in pdf.Root
    assert pdf.Root.MarkInfo.Marked is True
