"""Clinic profiles: checked fields, a cleaned logo, and a clinic band in any script."""

from __future__ import annotations

import base64

import pytest
from click.testing import CliRunner

from handouts.cli import main
from handouts.clinic.profile import ProfileError
from handouts.clinic.toml import load_profile
from handouts.clinic.validate import contrast_with_white, make_profile
from handouts.render import Job, render

from .pdfread import squash, text


def profile(tmp_path, **fields):
    return make_profile({"name": "Test Clinic", **fields}, "clinic.toml", tmp_path)


def test_phone_is_parsed_and_formatted(tmp_path):
    assert profile(tmp_path, phone="213.555.0100").phone == "(213) 555-0100"


def test_bad_phone_names_the_field(tmp_path):
    with pytest.raises(ProfileError, match=r"clinic\.toml: field 'phone': '12345' is not a valid phone number"):
        profile(tmp_path, phone="12345")


def test_low_contrast_colour_is_refused_with_its_ratio(tmp_path):
    ratio = contrast_with_white("#f5c400")
    with pytest.raises(ProfileError, match=f"contrast of {ratio:.1f}:1; it needs at least 4.5:1"):
        profile(tmp_path, color="#f5c400")
    assert profile(tmp_path, color="#1d4ed8").color == "#1d4ed8"


def test_links_must_be_https(tmp_path):
    with pytest.raises(ProfileError, match=r"field 'website': 'http://x\.org' must be a full https:// link"):
        profile(tmp_path, website="http://x.org")


def test_unknown_field_and_missing_name_are_listed_together(tmp_path):
    with pytest.raises(ProfileError) as error:
        make_profile({"nmae": "Typo"}, "clinic.toml", tmp_path)
    assert "unknown field(s) nmae" in str(error.value)
    assert "field 'name': this field is required" in str(error.value)


@pytest.mark.pdf
def test_svg_logo_is_cleaned_and_never_fetched(tmp_path):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'width="40" height="20" onload="alert(1)"><script>alert(2)</script>'
        b'<image xlink:href="http://example.com/track.png" width="10" height="10"/>'
        b'<rect width="40" height="20" fill="#1d4ed8" style="fill: url(http://example.com/x)"/></svg>'
    )
    (tmp_path / "logo.svg").write_bytes(svg)
    clean = profile(tmp_path, logo="logo.svg")
    logo = base64.b64decode(clean.logo_uri.split(",", 1)[1])
    assert b"script" not in logo
    assert b"onload" not in logo
    assert b"example.com" not in logo
    assert any("script" in note for note in clean.notes)
    assert any("example.com" in note for note in clean.notes)
    rendered = render(Job("pharmacy", "en", "letter", profile=clean))  # the fetcher would refuse any outside URL
    assert rendered.pages == 1


def test_logo_must_be_an_image(tmp_path):
    (tmp_path / "logo.txt").write_text("not an image")
    with pytest.raises(ProfileError, match="the logo must be a PNG, JPEG or SVG file"):
        profile(tmp_path, logo="logo.txt")


def test_per_language_message_and_hours_are_checked(tmp_path):
    with pytest.raises(ProfileError, match=r"field 'message_ko': this field has 121 characters; at most 120"):
        profile(tmp_path, message_ko="가" * 121)
    unprintable = r"field 'message_km': U\+182E .* cannot be printed with the fonts for Khmer"
    with pytest.raises(ProfileError, match=unprintable):
        profile(tmp_path, message_km="ᠮᠣᠩ")
    with pytest.raises(ProfileError, match=r"unknown field\(s\) message_xx"):
        profile(tmp_path, message_xx="hello")
    clinic = profile(tmp_path, hours="Mon-Fri 9-5", **{"HOURS_ko": "월-금 9-5", "message_zh-hant": "我們說中文"})
    assert (clinic.hours_for("ko"), clinic.hours_for("es")) == ("월-금 9-5", "Mon-Fri 9-5")
    assert (clinic.message_for("zh-Hant"), clinic.message_for("es")) == ("我們說中文", None)


@pytest.mark.pdf
def test_a_message_prints_on_its_own_language_only(tmp_path):
    message = "한국어로 상담해 드립니다"
    clinic = profile(tmp_path, hours="Mon-Fri 9-5", hours_ko="월-금 오전 9시-오후 5시", message_ko=message)
    pages = {}
    for lang in ("ko", "es"):
        pdf = tmp_path / f"{lang}.pdf"
        pdf.write_bytes(render(Job("know-your-rights", lang, "letter", profile=clinic)).pdf)
        pages[lang] = squash(text(pdf))
    assert squash(message) in pages["ko"]
    assert squash("오전 9시-오후 5시") in pages["ko"]
    assert squash(message) not in pages["es"]
    assert squash("Mon-Fri 9-5") in pages["es"]
    assert squash("Mon-Fri 9-5") not in pages["ko"]


@pytest.mark.parametrize("lang", ["en", "es", "zh-Hans", "fa"])
@pytest.mark.pdf
def test_clinic_name_in_armenian_arabic_and_chinese_prints(tmp_path, lang):
    name = "Հայ Կլինիկա عيادة الحي 社区诊所"
    clinic = make_profile({"name": name, "phone": "(213) 555-0100"}, "clinic.toml", tmp_path)
    pdf = tmp_path / "flyer.pdf"
    pdf.write_bytes(render(Job("know-your-rights", lang, "letter", profile=clinic)).pdf)
    extracted = squash(text(pdf))
    assert squash("Հայ Կլինիկա") in extracted
    assert squash("社区诊所") in extracted
    assert "555-0100" in extracted  # (right-to-left pages extract "(213)" mirrored)


@pytest.mark.pdf
def test_init_profile_then_build_with_it(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    first = runner.invoke(main, ["init-profile", "clinic.toml"])
    assert first.exit_code == 0
    assert first.stdout.startswith("Wrote clinic.toml.")
    again = runner.invoke(main, ["init-profile", "clinic.toml"])
    assert again.exit_code == 1
    assert "already exists" in again.stderr
    built = runner.invoke(
        main, ["build", "-p", "clinic.toml", "-H", "care-access", "-l", "en", "-l", "es", "-l", "ko", "-o", "out"]
    )
    assert built.exit_code == 0, built.output
    assert built.stdout == "Built 3 of 3 PDF(s) into out/.\n"
    assert load_profile("clinic.toml").name == "Example Community Clinic"


def test_bad_profile_file_is_a_clear_error(tmp_path):
    path = tmp_path / "clinic.toml"
    path.write_text('name = "Clinic"\ncolor = "#ffff00"\nphone = "555"\n')
    result = CliRunner().invoke(main, ["build", "-p", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "field 'phone'" in result.stderr
    assert "field 'color'" in result.stderr
    assert "Traceback" not in result.output
