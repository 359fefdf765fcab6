"""Nothing the tool offers may fail to lay out: a sign with more languages than
a page holds is split over pages, each a complete sign with English; a flyer
with a long clinic band flows onto more pages; and a sample of the offered
matrix (bench/matrix.py) builds for the longest clinic details a profile allows."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from handouts.content import load_content
from handouts.errors import FitError
from handouts.handover import handout_printable
from handouts.locales import LANGUAGES
from handouts.model import Job
from handouts.render import render
from handouts.render.pipeline import sign_sheets

from .editing import lengthen_pharmacy

ROOT = Path(__file__).resolve().parents[1]
OTHERS = tuple(code for code in LANGUAGES if code != "en")


def _matrix():  # bench/ is not a package: load the tool the way `python bench/matrix.py` runs it
    spec = importlib.util.spec_from_file_location("bench_matrix", ROOT / "bench" / "matrix.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_matrix"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("parts", "sheets"), [(13, 2), (13, 3), (13, 4), (5, 2), (3, 2), (13, 12), (13, 20)])
def test_sign_sheets_put_english_on_every_page_and_every_language_once(parts, sheets):
    split = sign_sheets(parts, sheets)
    assert len(split) == min(sheets, parts - 1)
    assert all(sheet[0] == 0 for sheet in split)
    others = [index for sheet in split for index in sheet[1:]]
    assert others == list(range(1, parts))  # each once, in their order
    sizes = {len(sheet) for sheet in split}
    assert max(sizes) - min(sizes) <= 1


def test_a_split_sign_is_printed_one_sided_as_separate_signs():
    how = handout_printable("x.pdf", "nonpublic-area", ("en", *OTHERS), "half-letter", 3, "office").how
    assert how.startswith("Print one-sided and post the 3 pages side by side: each sign starts with English.")
    letter = handout_printable("x.pdf", "nonpublic-area", ("en", *OTHERS), "letter", 3, "office").how
    assert letter == "Print one-sided and post the 3 pages side by side: each sign starts with English."
    flyer = handout_printable("x.pdf", "care-access", ("es",), "letter", 3, "office").how
    assert flyer == "Print two-sided, flip on the long edge: 3 pages on 2 sheets."


@pytest.mark.pdf
def test_a_sign_in_every_language_is_split_over_pages_each_a_complete_sign():
    rendered = render(Job("nonpublic-area", "en", "half-letter", also=OTHERS))
    assert rendered.pages > 1
    assert rendered.fit_pages == rendered.pages
    reader = PdfReader(io.BytesIO(rendered.pdf))
    texts = [page.extract_text() for page in reader.pages]
    english = load_content("nonpublic-area", "en").data["title"]
    assert all(english in text for text in texts), "English heads every page"
    for code in ("es", "ru", "vi"):  # scripts pypdf extracts faithfully
        title = load_content("nonpublic-area", code).data["title"]
        assert sum(text.count(title) for text in texts) == 1, f"{code} printed once, on one page"
    assert all("nonpublic-area" in text for text in texts), "each page has its own footer"
    again = render(Job("nonpublic-area", "en", "half-letter", also=OTHERS), hint=rendered.setting)
    assert again.passes == 1, "a remembered split lays the sign out again in one pass"
    assert again.pdf == rendered.pdf
    pdf = pdfium.PdfDocument(rendered.pdf)
    for number in range(len(pdf)):  # nothing runs off a page: the bottom margin band is blank
        page = pdf[number].render(scale=60 / 72, grayscale=True).to_pil()
        margin = int(page.height * 0.3 / 8.5)
        band = page.crop((0, page.height - margin // 2, page.width, page.height))
        assert band.getextrema()[0] > 200, f"page {number + 1} has ink in its bottom margin"


# Each of these failed on 2026-12-03 ("does not fit ... Shorten the text") with the longest clinic.
ONCE_FAILED = {
    "care-access (km, letter)",
    "know-your-rights (ru, letter)",
    "staff-protocol (hy, a3)",
    "staff-protocol (tl, tabloid)",
    "notice-to-authorities (en+es+zh-Hant+zh-Hans+ko+vi+tl+hy+ru+fa+ar+km, tabloid)",
}


@pytest.mark.pdf
def test_a_sample_of_the_offered_matrix_builds_for_the_longest_clinic():
    matrix = _matrix()
    profile = matrix.longest_profile()
    jobs = list(matrix.offered_jobs(matrix.handout_keys(), ["office"], profile))
    sample = [job for job in jobs if job.label in ONCE_FAILED] + jobs[::97]
    assert len(sample) >= len(ONCE_FAILED) + 4
    outcomes = [matrix.run(job, "longest") for job in sample]
    failed = [f"{o.label}: {o.error}" for o in outcomes if not o.ok]
    assert not failed
    assert all(o.pages >= 1 for o in outcomes)


@pytest.mark.pdf
@pytest.mark.parametrize(
    ("handout", "lang", "size", "also"),
    [
        ("legal-help", "ko", "a4", ()),  # an 18 pt phone number was wider than half the column
        ("staff-protocol", "hy", "a4", ()),  # an 18 pt Armenian word was wider than its column
        ("notice-to-authorities", "en", "letter", OTHERS),  # the footer's twelve languages ran off the line
    ],
)
def test_large_print_never_runs_off_the_page(handout, lang, size, also):
    """Large print has no smaller type to fall back on: what is too wide for its
    column at 18 pt gets a row to itself, or breaks, instead of failing."""
    rendered = render(Job(handout, lang, size, "large-print", also=also))  # refuses anything past an edge
    assert rendered.body_pt >= 18
    assert rendered.pages >= 1


@pytest.mark.pdf
def test_a_word_too_wide_for_any_column_is_named_not_flowed(data_copy):
    lengthen_pharmacy(data_copy / "content", words="Pharmacy" * 30)
    with pytest.raises(FitError) as error:
        render(Job("pharmacy", "en", "letter"))
    message = str(error.value)
    assert message.startswith("pharmacy (en, letter) cannot be laid out: even at 12 pt")
    assert "a word or number runs" in message
    assert "past the side of its column" in message
