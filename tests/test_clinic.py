"""The pure parts of handouts.clinic, without a PDF: the stand-in clinic's shape,
the band's text per language, field names, contrast, links, phone numbers and
SVG cleaning. Each test takes milliseconds."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from handouts.clinic.logo import MAX_SVG_DEPTH, SVG_NS, clean_svg
from handouts.clinic.profile import BAND_STEP, Profile, ProfileError, is_field, language_field
from handouts.clinic.validate import MIN_CONTRAST, check_link, contrast_with_white, format_phone, make_profile

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


def test_a_stand_in_rounds_each_field_up_to_the_band_step():
    """Names of 13 and 24 characters take the same room; 25 takes more."""
    names = {n: Profile(name="x" * n).stand_in(("en",)).name for n in (1, 12, 13, 24, 25)}
    assert len(names[1]) <= BAND_STEP
    assert names[1] == names[12]
    assert names[13] == names[24]
    assert BAND_STEP < len(names[13]) <= 2 * BAND_STEP
    assert len(names[25]) > 2 * BAND_STEP


def test_a_wide_character_counts_twice_in_a_stand_in():
    assert Profile(name="가나다라마바").stand_in(("en",)).name == Profile(name="x" * 12).stand_in(("en",)).name
    assert Profile(name="가나다라마바사").stand_in(("en",)).name == Profile(name="x" * 13).stand_in(("en",)).name


def test_a_stand_in_prints_none_of_the_clinics_text_but_keeps_its_shape():
    real = Profile(
        name="Eastside Clinic",
        address="12 Main St",
        phone="+52 664 123 4567",
        website="https://eastside.example.org/visit",
        logo_uri="data:image/png;base64,AAAA",
        color="#1d4ed8",
        source="clinics.csv row 2",
        digest="abc",
        by_language=(("message", "ko", "한국어 상담 가능"), ("hours", "es", "lunes a viernes")),
    )
    stand_in = real.stand_in(("ko",))
    printed = " ".join(stand_in.texts("ko") + [stand_in.website or ""])
    assert not [word for word in ("Eastside", "Main St", "eastside", "한국어", "lunes", "123") if word in printed]
    assert stand_in.phone == "+00 000 000 0000"  # digits zeroed, the number's punctuation kept
    assert stand_in.website
    assert stand_in.website.startswith("https://")
    assert (stand_in.hours, stand_in.telehealth) == (None, None)  # what the clinic left out stays out
    assert stand_in.logo_uri == real.logo_uri  # the logo takes the same room only if it is the same logo
    assert [(key, code) for key, code, _ in stand_in.by_language] == [("message", "ko")]  # Korean pages only
    assert stand_in.source == "a stand-in clinic"
    assert stand_in.digest.startswith("stand-in-")
    assert stand_in.color == Profile(name="").color  # the colour takes no room


def test_clinics_of_one_shape_share_one_stand_in():
    east = Profile(name="Eastside Clinic", phone="(323) 555-0101", color="#1d4ed8", source="row 2", digest="e")
    west = Profile(name="Westside Clinic", phone="(310) 555-0199", source="row 3", digest="w")
    assert east.stand_in(("es",)) == west.stand_in(("es",))
    assert east.stand_in(("es",)).digest == west.stand_in(("es",)).digest
    assert east.stand_in(("es",)) is east.stand_in(("es",))  # made once per clinic and languages
    longer = Profile(name="Eastside Community Health Clinic", phone="(323) 555-0101")
    assert longer.stand_in(("es",)).digest != east.stand_in(("es",)).digest


def test_the_band_prints_a_languages_own_hours_and_message():
    profile = Profile(
        name="Clinic",
        phone="(213) 555-0100",
        hours="Mon-Fri 9-5",
        by_language=(("hours", "ko", "월-금 9-5"), ("message", "ko", "한국어로 상담해 드립니다")),
    )
    assert profile.texts("ko") == ["Clinic", "(213) 555-0100", "월-금 9-5", "한국어로 상담해 드립니다"]
    assert profile.texts("es") == ["Clinic", "(213) 555-0100", "Mon-Fri 9-5"]
    assert (profile.hours_for("es"), profile.message_for("es")) == ("Mon-Fri 9-5", None)
    assert Profile(name="Clinic").texts("en") == ["Clinic"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("message_ko", ("message", "ko")),
        ("Hours_ZH-hant", ("hours", "zh-Hant")),  # any case in, the code as the project spells it out
        ("message_xx", None),  # no such language
        ("logo_ko", None),  # not a per-language field
        ("message", None),
        ("message_", None),
    ],
)
def test_language_fields(name, expected):
    assert language_field(name) == expected
    assert is_field(name) == (expected is not None)


def test_fields_are_known_in_any_case():
    assert is_field("name")
    assert is_field("TeleHealth")
    assert not is_field("nmae")


def test_contrast_with_white_follows_wcag():
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#FFFFFF") == pytest.approx(1.0)
    assert contrast_with_white("#767676") >= MIN_CONTRAST > contrast_with_white("#777777")  # the AA edge
    assert contrast_with_white(Profile(name="").color) >= MIN_CONTRAST  # the default band colour passes


def test_a_link_prints_as_the_qr_code_opens_it():
    assert check_link("https://bücher.example/visit?x=ü", "f") == "https://xn--bcher-kva.example/visit?x=ü"
    assert check_link("https://clinic.example.org", "f") == "https://clinic.example.org"
    with pytest.raises(ProfileError, match=r"^f: 'http://clinic\.example\.org' must be a full https:// link\.$"):
        check_link("http://clinic.example.org", "f")
    for hidden in ("\u202e", "\u200b", "\u00ad", "\ufeff", "\n"):
        with pytest.raises(ProfileError, match="invisible or direction-changing"):
            check_link(f"https://clinic{hidden}.example.org", "f")


def test_phone_numbers_are_printed_the_local_way():
    assert format_phone("213.555.0100") == format_phone("+1 213 555 0100") == "(213) 555-0100"
    assert format_phone("+52 664 123 4567") == "+52 664 123 4567"
    assert format_phone("12345") is None
    assert format_phone("call us") is None


def test_an_svg_loses_scripts_handlers_and_outside_references():
    svg = (
        SVG + b"<style>@import url(http://x.example/a.css);</style><script>alert(1)</script>"
        b'<image xlink:href="http://x.example/track.png"/><rect onclick="a()" fill="url(http://x.example/p)"/>'
        b'<defs><linearGradient id="g"/></defs><rect fill="url(#g)"/><use href="#g"/></svg>'
    )
    clean, removed = clean_svg(svg, "logo")
    assert b"x.example" not in clean
    assert b"script" not in clean
    assert b"onclick" not in clean
    assert b'fill="url(#g)"' in clean
    assert b'href="#g"' in clean
    assert clean.startswith(b"<svg ")
    assert b"ns0:" not in clean
    assert removed == [
        "<script> element",
        "stylesheet with outside references",
        "link to http://x.example/track.png",
        "onclick attribute",
        "fill with an outside url()",
    ]


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        (b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', "DOCTYPE or entities"),
        (SVG + b"<g>" * MAX_SVG_DEPTH + b"</g>" * MAX_SVG_DEPTH + b"</svg>", f"more than {MAX_SVG_DEPTH} deep"),
        (b"<html/>", "not an SVG image"),
        (SVG + b"<g></svg>", "not valid XML"),
    ],
)
def test_an_svg_that_cannot_be_cleaned_is_refused(svg, message):
    with pytest.raises(ProfileError, match=message):
        clean_svg(svg, "logo")


def test_an_svg_may_nest_up_to_the_limit():
    depth = MAX_SVG_DEPTH - 1  # below the <svg> element
    assert clean_svg(SVG + b"<g>" * depth + b"</g>" * depth + b"</svg>", "logo")[1] == []


def test_a_cleaned_svg_is_the_same_bytes_whatever_prefixes_other_code_registered():
    """ElementTree's prefixes are process-wide: WeasyPrint registers '' for no namespace when it
    writes a PDF's metadata, qrcode registers 'svg:'. The cleaned logo must not change with them."""
    svg = SVG + b'<rect fill="#123456"/></svg>'
    before, _ = clean_svg(svg, "logo")
    ElementTree.register_namespace("", "")  # as weasyprint.pdf.metadata does on import
    ElementTree.register_namespace("svg", SVG_NS)  # as qrcode.image.svg does
    after, _ = clean_svg(svg, "logo")
    assert after == before
    assert after.startswith(b"<svg ")


def test_line_breaks_in_clinic_details_become_spaces_and_control_characters_are_refused(tmp_path):
    """Issue 24, item 15: a CSV cell's CR/LF or U+2028 cannot add a line to
    PRINT-ME-FIRST or fail at render time; NUL, ESC and bidi overrides are refused."""
    profile = make_profile(
        {"name": "Valley\r\nClinic\u2028North", "address": "1234 Main St\nLos Angeles, CA", "hours": "Mon\tto Fri"},
        "offices.csv, row 2",
        tmp_path,
    )
    assert profile.name == "Valley Clinic North"
    assert profile.address == "1234 Main St, Los Angeles, CA"
    assert profile.hours == "Mon to Fri"
    for bad in ("\u202e", "\x00", "\x1b", "\u2066"):
        with pytest.raises(ProfileError) as error:
            make_profile({"name": f"Clinic{bad}Name"}, "offices.csv, row 3", tmp_path)
        message = str(error.value)
        begins = "offices.csv, row 3: field 'name': this field contains an invisible control character (U+"
        assert message.startswith(begins)
        assert bad not in message
