"""Claims (dated statements of law), the rewritten rights text, SB 81 signs,
review status in footers, and Latin names inside right-to-left text."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from handouts.build import build
from handouts.checks import check_all
from handouts.claims import REVIEW_WARNING_DAYS, load_claims
from handouts.content import (
    COMMON,
    available_languages,
    get_handout,
    load_content,
)
from handouts.errors import ClaimError
from handouts.locales import get_language
from handouts.placeholders import PLACEHOLDER, claim_keys, walk_text
from handouts.plan import plan
from handouts.render import Job, render

from .pdfread import squash, text

SIGNS = ("nonpublic-area", "notice-to-authorities")
MEDI_CAL_CLAIM = "medi_cal_uis_enrollment_freeze_2026"


def kyr_claims() -> list:
    """The claims the English know-your-rights text relies on, read from the content."""
    english = load_content("know-your-rights", "en")
    keys = {key for _, value in walk_text(english.data) for key in claim_keys(value)}
    claims = load_claims()
    return sorted((claims[key] for key in keys), key=lambda claim: claim.review_by)


# --- the retired claim ---------------------------------------------------------------


def test_no_pdf_says_medi_cal_has_not_changed(built):
    english = [e for e in built["manifest"]["files"] if e["language"] == "en"]
    assert english
    for entry in english:
        words = " ".join(text(built["out"] / entry["path"]).split()).lower()
        assert "no changes" not in words, entry["path"]
        assert "as of" not in words, entry["path"]


def test_no_text_holds_the_old_dated_claim_and_every_language_names_the_new_one():
    for handout in ("know-your-rights", COMMON):
        for code in available_languages(handout):
            content = load_content(handout, code)
            placeholders = {m.group(1) for _, value in walk_text(content.data) for m in PLACEHOLDER.finditer(value)}
            assert "as_of" not in placeholders, (handout, code)
            assert "as_of" not in content.data.get("strings", {}), code
    for code in available_languages("know-your-rights"):
        content = load_content("know-your-rights", code)
        relied = [key for _, value in walk_text(content.data) for key in claim_keys(value)]
        assert MEDI_CAL_CLAIM in relied, code
        assert "lacare_medi_cal_benefits_guide" not in content.data["contacts"], code


# --- review dates ----------------------------------------------------------------------


def test_check_is_quiet_before_the_warning_window_warns_inside_it_and_refuses_after(tmp_path):
    first = kyr_claims()[0]
    quiet = check_all(
        handouts=["know-your-rights"], langs=["en"], today=first.review_by - dt.timedelta(days=REVIEW_WARNING_DAYS + 1)
    )
    assert not quiet.errors
    assert not [w for w in quiet.warnings if first.key in w and "reviewed by" in w]

    soon = check_all(handouts=["know-your-rights"], langs=["en"], today=first.review_by - dt.timedelta(days=10))
    assert not soon.errors
    due = [w for w in soon.warnings if f"'{first.key}'" in w and str(first.review_by) in w]
    assert due and "10 day(s)" in due[0]

    late = check_all(handouts=["know-your-rights"], langs=["en"], today=first.review_by + dt.timedelta(days=1))
    refused = [e for e in late.errors if f"'{first.key}'" in e]
    assert len(refused) == 1, late.errors
    assert first.sources[0] in refused[0]  # where to re-check it
    assert "know-your-rights/en.yaml" in refused[0]  # which text relies on it
    assert "--allow-expired-claims" in refused[0]


@pytest.mark.pdf
def test_build_refuses_an_expired_claim_even_for_an_unchanged_pdf_and_prints_the_override(tmp_path):
    claim = next(c for c in kyr_claims() if c.key == MEDI_CAL_CLAIM)
    before, after = claim.review_by - dt.timedelta(days=60), claim.review_by + dt.timedelta(days=1)
    jobs = plan(["know-your-rights"], ["en"])
    assert not build(jobs, tmp_path, today=before).failed
    report = build(jobs, tmp_path, today=after)  # nothing changed on disk: the job would be skipped
    assert len(report.failed) == 1
    assert isinstance(report.failed[0].error, ClaimError) and MEDI_CAL_CLAIM in str(report.failed[0].error)

    allowed = build(plan(["know-your-rights"], ["en"], allow_expired_claims=True), tmp_path, today=after)
    assert not allowed.failed and len(allowed.written) == 1
    printed = squash(text(allowed.written[0].path))
    assert squash(load_content(COMMON, "en").data["strings"]["expired_claims"]) in printed
    assert any("--allow-expired-claims" in w for w in allowed.warnings)


def test_render_refuses_expired_claims_without_the_override():
    claim = kyr_claims()[0]
    with pytest.raises(ClaimError, match=claim.key):
        render(Job("know-your-rights", "en", "letter"), today=claim.review_by + dt.timedelta(days=1))


def test_footer_prints_the_check_date_of_facts_and_claims_not_the_build_date(built):
    claim = next(c for c in kyr_claims() if c.key == MEDI_CAL_CLAIM)
    path = built["out"] / "en" / "know-your-rights-letter.pdf"
    words = " ".join(text(path).split())
    checked = get_language("en").format_date(min(c.checked for c in kyr_claims()))
    assert "statements of law checked on " + checked in words
    assert claim.checked <= dt.date.today()


# --- the TTY line's own hours ------------------------------------------------------------


def test_pharmacy_prints_the_tty_hours_from_the_claim(built):
    hours = load_claims()["medi_cal_rx_tty_hours"].hours
    assert hours is not None
    for code in ("en", "es", "ko"):
        expected = get_language(code).format_hours(0, 4, hours.open, hours.close)
        printed = squash(text(built["out"] / code / "pharmacy-letter.pdf"))
        assert squash(expected) in printed, code


# --- review status -------------------------------------------------------------------------


def test_english_footer_names_the_lawyer_review_and_never_a_translation(built):
    strings = load_content(COMMON, "en").data["strings"]
    for entry in built["manifest"]["files"]:
        if entry["language"] != "en":
            continue
        words = text(built["out"] / entry["path"]).lower()
        assert "translation" not in words, entry["path"]
        assert squash(strings["source_unreviewed"]).lower() in squash(words), entry["path"]


def test_translated_footer_says_draft_translation(built):
    for code in ("es", "ru", "ko"):
        draft = squash(load_content(COMMON, code).data["strings"]["draft"])
        assert draft in squash(text(built["out"] / code / "care-access-letter.pdf")), code


# --- SB 81 signs ------------------------------------------------------------------------------


@pytest.mark.parametrize("handout", SIGNS)
@pytest.mark.pdf
def test_each_sign_builds_alone_in_every_language_and_fits_one_page(tmp_path, handout):
    jobs = [Job(handout, code, get_handout(handout).default_sizes[0]) for code in available_languages(handout)]
    report = build(jobs, tmp_path, workers=2)
    assert not report.failed, [str(r.error) for r in report.failed]
    for result in report.written:
        assert result.rendered.pages == 1, result.job.label
        printed = squash(text(result.path))
        if result.job.lang == "km":  # Khmer clusters do not map back to text in order (see test_pdfs)
            assert sum("\u1780" <= ch <= "\u17ff" for ch in printed) > 20, result.job.label
            continue
        title = squash(load_content(handout, result.job.lang).data["title"])
        assert title in printed, result.job.label


@pytest.mark.parametrize("handout", SIGNS)
@pytest.mark.pdf
def test_trilingual_sign_on_one_page_in_every_size(tmp_path, handout):
    jobs = plan([handout], ["es", "ko"], sizes=get_handout(handout).sizes)
    assert {job.langs for job in jobs} == {("en", "es", "ko")}
    report = build(jobs, tmp_path)
    assert not report.failed, [str(r.error) for r in report.failed]
    claim = load_claims()["ca_sb81_health_facility_nonpublic_areas"]
    for result in report.written:
        assert result.path.parent.name == "en+es+ko"
        assert result.rendered.pages == 1
        printed = squash(text(result.path))
        for code in ("en", "es", "ko"):
            assert squash(load_content(handout, code).data["title"]) in printed, (result.path, code)
        assert squash(claim.cite or "") in printed  # the law it relies on
        assert squash(load_content(handout, "en").data["disclaimer"]) in printed


@pytest.mark.pdf
def test_sign_carries_the_clinic_name_and_no_qr_codes(tmp_path):
    from handouts.clinic.toml import load_profile

    from .pdfread import qr_codes

    path = tmp_path / "clinic.toml"
    path.write_text('name = "Clínica Esperanza"\nphone = "(213) 555-0100"\ncolor = "#1d4ed8"\n', encoding="utf-8")
    job = Job("notice-to-authorities", "en", "letter", profile=load_profile(path), also=("es",))
    report = build([job], tmp_path / "out")
    assert not report.failed, [str(r.error) for r in report.failed]
    pdf = report.written[0].path
    printed = " ".join(text(pdf).split())
    assert "Clínica Esperanza" in printed
    assert qr_codes(pdf) == []
    # a sign prints no phone number or link, so its footer names only the law's check date
    assert "Statements of law checked on" in printed and "Phone numbers" not in printed


# --- Latin names in right-to-left text, and names that never break ---------------------------


def visual_lines(path) -> list[str]:
    """Each printed line's characters in the order they stand on the page, left
    to right (text extraction may reorder runs inside right-to-left lines; the
    glyph positions show what a reader sees)."""
    import unicodedata

    import pypdfium2 as pdfium

    lines: list[str] = []
    for page in pdfium.PdfDocument(str(path)):
        textpage = page.get_textpage()
        rows: dict[int, list[tuple[float, float, str]]] = {}
        for index in range(textpage.count_chars()):
            char = textpage.get_text_range(index, 1)
            if not char or unicodedata.category(char) == "Cf" or char in "\r\n":
                continue
            left, _bottom, right, top = textpage.get_charbox(index, loose=True)
            if right <= left:
                continue  # a space or a zero-width mark: its box says nothing about order
            rows.setdefault(round(top), []).append((left, right, char))  # a line shares its top (loose boxes)
        for row in rows.values():
            line, last = "", None
            for left, right, char in sorted(row):
                if last is not None and left - last > 1.5:
                    line += " "
                line += char
                last = right
            lines.append(line)
    return lines


@pytest.mark.parametrize("code", ["ar", "fa"])
def test_latin_names_in_rtl_text_stand_whole_and_in_order(built, code):
    path = built["out"] / code / "know-your-rights-letter.pdf"
    seen = " | ".join(visual_lines(path))
    source = " ".join(value for _, value in walk_text(load_content("know-your-rights", code).data))
    names = [n for n in ("L.A. Care", "Medi-Cal", "CHIRLA", "I-205", "Department of Homeland Security") if n in source]
    assert names, code
    for name in names:
        assert squash(name) in squash(seen), (code, name)
    # the hotline's letters keep a parenthesis on each side, one of each kind (a right-to-left line
    # may mirror them, which swaps their code points but not what the reader sees)
    assert "888-624-4752" in seen
    pair = re.search(r"([()])888-6-CHIRLA([()])", seen)
    assert pair and pair.group(1) != pair.group(2), seen


def test_medi_cal_never_breaks_at_its_hyphen(built):
    for entry in built["manifest"]["files"]:
        printed = text(built["out"] / entry["path"])
        assert not re.search(r"Medi-\s*\n", printed), entry["path"]


@pytest.mark.parametrize("code", ["en", "tl", "ko", "ar", "km"])
def test_quotes_are_the_languages_own_marks(built, code):
    """Straight quotes in the text print as the language's quotation marks (CLDR)."""
    source = " ".join(value for _, value in walk_text(load_content("know-your-rights", code).data))
    assert '"' in source, code  # the text has quotes to convert
    printed = text(built["out"] / code / "know-your-rights-letter.pdf")
    start, end = get_language(code).quotes
    assert '"' not in printed, code
    if code != "km":  # Khmer text does not map back in order (see test_pdfs)
        assert start in printed and end in printed, code
