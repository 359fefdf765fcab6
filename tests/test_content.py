"""What a reader acts on (issue 20): both halves of the rule on carrying papers, the
sentences to say out loud printed in English beside a translation, the Red Card's claim,
and the new handouts (Medi-Cal, the year ahead; a family plan) in every language."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from handouts.checks import check_all
from handouts.claims import load_claims
from handouts.clinic.validate import make_profile
from handouts.content import (
    COMMON,
    available_languages,
    get_handout,
    handout_keys,
    load_content,
)
from handouts.errors import ClaimError, ContentError
from handouts.locales import LANGUAGES, get_language
from handouts.placeholders import PLACEHOLDER, claim_keys, walk_text
from handouts.plan import plan
from handouts.render import Job, render
from handouts.resources import current_project, use_project
from handouts.sizes import get_size

from .pdfread import comparable, reader, text

CARRY = "noncitizen_carry_proof_of_registration"
QUOTES = re.compile('["“”„«»‹›「」『』]')
NEW_HANDOUTS = ("medi-cal", "family-plan")


def texts_relying_on(handout: str, lang: str, key: str) -> list[str]:
    data = load_content(handout, lang).data
    return [value for _, value in walk_text(data) if key in claim_keys(value)]


def rtl(code: str) -> bool:
    return LANGUAGES[code].direction == "rtl"


def printed_form(value: str, code: str = "en") -> str:
    """A text as it must appear in a PDF's text: no placeholders, no quotation marks, no spaces."""
    return comparable(QUOTES.sub("", PLACEHOLDER.sub("", value)), rtl(code))


def pdf_words(path, code: str = "en") -> str:
    return QUOTES.sub("", comparable(text(path), rtl(code)))


def is_printed(value: str, code: str, printed: str) -> bool:
    """Whether a text is in a PDF's text. Right-to-left lines come back from a PDF in an
    order of their own (words and wrapped lines swap), so there each word is looked for."""
    if not rtl(code):
        return printed_form(value, code) in printed
    words = [printed_form(word, code) for word in PLACEHOLDER.sub("", value).split()]
    return all(word in printed for word in words if word)


def says(handout: str, lang: str) -> list[str]:
    data = load_content(handout, lang).data
    found = [m.group(1) for _, value in walk_text(data) for m in PLACEHOLDER.finditer(value)]
    return [name[4:] for name in found if name.startswith("say:")]


@pytest.mark.parametrize("code", available_languages("know-your-rights"))
def test_rights_flyer_prints_both_halves_of_the_rule_on_papers(built, code):
    halves = texts_relying_on("know-your-rights", code, CARRY)
    # carry valid U.S. papers if you have them; otherwise no lies, no false or foreign papers
    assert len(halves) == 2, halves
    if code == "km":  # Khmer clusters do not map back to text in order (see test_pdfs)
        return
    printed = pdf_words(built["out"] / code / "know-your-rights-letter.pdf", code)
    for half in halves:
        assert is_printed(half, code, printed), half


def test_the_english_rule_on_papers_says_carry_them_and_names_the_passport():
    first, second = texts_relying_on("know-your-rights", "en", CARRY)
    assert "Carry them" in first and "passport" in first and "18" in first
    assert "Do not lie" in second and "false papers" in second


@pytest.mark.parametrize("code", ["es", "ar", "zh-Hant", "ko", "hyw"])
def test_a_translated_flyer_prints_each_sentence_to_say_out_loud_in_english_too(built, code):
    english = load_content(COMMON, "en").data["say"]
    common = load_content(COMMON, code).data
    used = says("know-your-rights", code)
    assert sorted(used) == sorted(says("know-your-rights", "en")) and set(used) == set(english)
    printed = pdf_words(built["out"] / code / "know-your-rights-letter.pdf", code)
    latin = pdf_words(built["out"] / code / "know-your-rights-letter.pdf")  # the English words, in order
    for key in used:
        assert printed_form(english[key]) in latin, key
        assert is_printed(common["say"][key], code, printed), key
    label = common["strings"]["in_english"]
    if not rtl(code):
        assert printed.count(printed_form(label, code)) == len(used)
    else:  # its words, once per sentence
        assert all(printed.count(printed_form(w, code)) >= len(used) for w in label.split() if printed_form(w, code))


def test_the_english_flyer_prints_each_sentence_once(built):
    english = load_content(COMMON, "en").data["say"]
    printed = pdf_words(built["out"] / "en" / "know-your-rights-letter.pdf")
    for key in says("know-your-rights", "en"):
        assert printed.count(printed_form(english[key])) == 1, key
    assert printed_form(load_content(COMMON, "en").data["strings"]["in_english"]) not in printed


@pytest.mark.pdf
def test_red_card_relies_on_a_claim_in_every_language_and_stops_printing_after_its_review_date():
    english = {key for _, v in walk_text(load_content("red-card", "en").data) for key in claim_keys(v)}
    assert english
    for code in available_languages("red-card"):
        own = {key for _, v in walk_text(load_content("red-card", code).data) for key in claim_keys(v)}
        assert own == english, code
    claim = min((load_claims()[key] for key in english), key=lambda c: c.review_by)
    assert render(Job("red-card", "es", "wallet"), today=claim.review_by).pdf
    with pytest.raises(ClaimError, match=claim.key):
        render(Job("red-card", "es", "wallet"), today=claim.review_by + dt.timedelta(days=1))


@pytest.mark.parametrize("handout", NEW_HANDOUTS)
def test_new_handouts_in_every_language_fitted_on_their_pages(built, handout):
    assert set(available_languages(handout)) >= set(LANGUAGES) - {"hyw"}
    entries = [e for e in built["manifest"]["files"] if e["handout"] == handout]
    assert {e["language"] for e in entries} == set(available_languages(handout))
    for entry in entries:
        pages = len(reader(built["out"] / entry["path"]).pages)
        assert 1 <= pages <= 2, entry["path"]
        code = entry["language"]
        if code != "km":  # Khmer clusters do not map back to text in order
            title = load_content(handout, code).data["title"]
            assert is_printed(title, code, pdf_words(built["out"] / entry["path"], code)), entry["path"]


def test_family_plan_prints_a_line_to_write_on_for_each_label(built):
    english = load_content("family-plan", "en").data
    labels = [label for section in english["sections"] for label in section.get("fill_in", [])]
    assert len(labels) >= 6
    printed = pdf_words(built["out"] / "en" / "family-plan-letter.pdf")
    for label in labels:
        assert printed_form(label) in printed


def test_a_handout_offered_in_some_languages_is_checked_in_those_alone(data_copy):

    (data_copy / "content" / "legal-help" / "vi.yaml").unlink()
    missing = check_all(handouts=["legal-help"])
    assert any("legal-help/vi.yaml" in e for e in missing.errors)  # every language with text is expected
    spec = data_copy / "content" / "legal-help" / "handout.yaml"
    offered = [code for code in LANGUAGES if code != "vi"]
    spec.write_text(spec.read_text(encoding="utf-8") + f"languages: [{', '.join(offered)}]\n", encoding="utf-8")
    use_project(current_project())  # handout.yaml is read once per project
    assert check_all(handouts=["legal-help"]).errors == []


def test_a_partial_variant_is_not_required_and_build_skips_what_it_lacks(data_copy):

    assert get_language("hyw").partial and not get_language("hy").partial
    (data_copy / "content" / "pharmacy" / "hyw.yaml").unlink()
    (data_copy / "content" / "pharmacy" / "hyw.review.yaml").unlink()
    assert not get_handout("pharmacy").expects("hyw") and get_handout("pharmacy").expects("es")
    planned = {job.handout for job in plan(langs=["hyw"]) if not get_handout(job.handout).multilingual}
    assert "pharmacy" not in planned
    assert planned == {k for k in handout_keys() if "hyw" in available_languages(k) and not get_handout(k).multilingual}


@pytest.mark.pdf
@pytest.mark.parametrize("code", ["en", "tl", "hy", "ru"])  # the languages whose pages came out longest
def test_every_handout_fits_with_a_long_clinic_band(tmp_path, code):
    """An office manager's clinic (its name, address and hours in the band) must not make an
    offered handout 'not fit' (care-access and legal-help did, once they grew)."""

    clinic = make_profile(
        {
            "name": "Clínica Comunitaria de Salud Familiar del Valle de San Fernando y Pacoima",
            "address": "14500 Roscoe Boulevard, Suite 410, Panorama City, CA 91402",
            "hours": "Monday to Friday 7:00 a.m. to 9:00 p.m.; Saturday 8:00 a.m. to 5:00 p.m.",
            "phone": "(818) 555-0105",
        },
        "row",
        tmp_path,
    )
    for key in handout_keys():
        spec = get_handout(key)
        if spec.multilingual or code not in available_languages(key):
            continue
        size = spec.default_sizes[0]
        rendered = render(Job(key, code, size, profile=clinic))  # a FitError here is the failure
        assert 1 <= rendered.pages <= spec.pages_on(get_size(size).kind), key


def test_an_unknown_sentence_to_say_is_an_error_naming_file_and_field(data_copy):

    path = data_copy / "content" / "know-your-rights" / "en.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{say:no_entry}", "{say:no_entyr}"), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_content("know-your-rights", "en")
    assert "en.yaml" in str(error.value) and "{say:no_entyr}" in str(error.value) and "no_entry" in str(error.value)
