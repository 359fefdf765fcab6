"""Accessibility as an independent checker sees it: `pdfua` (the machine-checkable part of
PDF/UA-1 and WCAG 2.1, not full conformance: veraPDF is the full check) over a sample of every
kind of output, and the reading order of the contacts in the structure tree."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pdfua import Severity, validate
from pypdf import PdfReader

from handouts.content import get_handout, load_content
from handouts.facts import load_facts
from handouts.model import Job
from handouts.packet.build import packet_pdf
from handouts.render import render
from handouts.sheets import red_card_sheet
from handouts.trifold import trifold

TODAY = dt.date(2026, 12, 3)


def _job(*args: str, **kwargs: object) -> Callable[[], bytes]:
    return lambda: render(Job(*args, **kwargs), TODAY).pdf  # type: ignore[arg-type]


# Every kind of output, each in a left-to-right, a right-to-left and a CJK (or other) script,
# without the full cross product.
SAMPLE: dict[str, Callable[[], bytes]] = {
    "flyer-en": _job("know-your-rights", "en", "letter"),
    "flyer-ar": _job("care-access", "ar", "letter"),
    "flyer-zh-Hant": _job("staff-protocol", "zh-Hant", "tabloid"),
    "poster-es": _job("know-your-rights", "es", "poster-24x36"),
    "poster-fa": _job("pharmacy", "fa", "poster-18x24"),
    "poster-ko": _job("care-access", "ko", "tabloid"),
    "sign-en+ar+zh-Hans": _job("nonpublic-area", "en", "half-letter", also=("ar", "zh-Hans")),
    "card-en": _job("red-card", "en", "wallet"),
    "card-fa": _job("red-card", "fa", "wallet"),
    "card-zh-Hans": _job("red-card", "zh-Hans", "wallet"),
    "large-print-hy": _job("know-your-rights", "hy", "letter", variant="large-print"),
    "large-print-ar": _job("care-access", "ar", "letter", variant="large-print"),
    "large-print-ko": _job("pharmacy", "ko", "letter", variant="large-print"),
    "mono-ru": _job("know-your-rights", "ru", "letter", variant="mono"),
    "mono-fa": _job("medi-cal", "fa", "letter", variant="mono"),
    "mono-zh-Hant": _job("legal-help", "zh-Hant", "letter", variant="mono"),
    "packet-es": lambda: packet_pdf("es"),
    "packet-ar": lambda: packet_pdf("ar"),
    "packet-zh-Hant": lambda: packet_pdf("zh-Hant"),
    "trifold-en": lambda: trifold("en")[0],
    "trifold-fa": lambda: trifold("fa")[0],
    "trifold-zh-Hans": lambda: trifold("zh-Hans")[0],
}


def _findings(path: Path) -> tuple[list[str], list[str]]:
    report = validate(str(path))
    errors = [
        f"{f.severity.name} {f.rule_id} {f.location.describe()}: {f.message}"
        for f in report.findings
        if f.severity >= Severity.ERROR
    ]
    return errors, [f"{o.rule_id}: {o.skipped_reason}" for o in report.skipped]


@pytest.mark.pdf
@pytest.mark.parametrize("name", list(SAMPLE))
def test_pdfua_finds_no_error(tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(SAMPLE[name]())
    errors, skipped = _findings(path)
    print(f"{name}: pdfua could not evaluate {skipped or 'nothing'}")
    assert not errors, "\n".join(errors)
    # pdfua 0.1.3 cannot evaluate UA-14-001 (empty headings) on WeasyPrint's tags (its rule raises
    # on a /K array): check it here, reading each heading's text through the structure tree.
    texts = _marked_text(path.read_bytes())
    with pikepdf.open(path) as document:
        pages = {page.obj.objgen: number for number, page in enumerate(document.pages)}
        headings = [h for level in range(1, 7) for h in _elements(document.Root.StructTreeRoot, f"/H{level}")]
        assert headings, f"{name}: no heading in the structure tree"
        for heading in headings:
            assert ISOLATES.sub("", _text_of(heading, texts, pages)), f"{name}: an empty {heading.S}"


@pytest.mark.pdf
def test_the_checker_sees_an_untagged_pdf(tmp_path):
    """The check can fail: a card sheet (a print product, not tagged) has errors, and still
    says what it is (title, language, XMP metadata, DisplayDocTitle)."""
    pdf = red_card_sheet(["es:6", "ko:4"], "avery-5371")[0]
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    errors, _ = _findings(path)
    assert any("UA-01-005" in e for e in errors), errors  # no structure tree
    report = validate(str(path))
    assert not [f.rule_id for f in report.findings if f.rule_id in ("UA-06-001", "UA-07-001", "UA-07-002")]
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert document.Root.Lang == "es"
        assert document.Root.ViewerPreferences.DisplayDocTitle
        meta = document.open_metadata()
        assert "Red Cards (Spanish, Korean)" in meta["dc:title"]
        assert str(document.docinfo.Title) == meta["dc:title"]


# --- reading order ------------------------------------------------------------------------------

ISOLATES = re.compile(r"[\s\u2066-\u2069\u200b]")
LOOSE = re.compile(r"[\s\u2066-\u2069\u200b()]")  # right to left, extracted parentheses come out mirrored


def _marked_text(pdf: bytes) -> dict[tuple[int, int], str]:
    """(page, MCID) -> the text shown inside that marked-content sequence."""
    texts: dict[tuple[int, int], str] = {}
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        stack: list[int | None] = []

        def before(operator, operands, cm, tm, stack=stack):
            if operator in (b"BDC", b"BMC"):
                props = operands[1] if operator == b"BDC" and len(operands) > 1 else None
                mcid = props.get("/MCID") if hasattr(props, "get") else None
                stack.append(int(mcid) if mcid is not None else None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def text(value, cm, tm, font, size, stack=stack, number=number):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None:
                texts[(number, mcid)] = texts.get((number, mcid), "") + value

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return texts


def _text_of(element, texts, pages) -> str:
    """All text below a structure element, in structure order."""
    out = []
    page = pages.get(element.Pg.objgen) if "/Pg" in element else None
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int) and page is not None:
            out.append(texts.get((page, kid), ""))
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            out.append(_text_of(kid, texts, pages))
    return "".join(out)


def _elements(node, role):
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if role == kid.S:
                yield kid
            yield from _elements(kid, role)


@pytest.mark.pdf
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_contacts_read_name_number_hours_link(lang):
    """Each contact is a list item whose paragraphs read, in the structure tree: its name first,
    then its number, then its hours, then its link last, left to right and right to left."""
    pdf = render(Job("know-your-rights", lang, "letter"), TODAY).pdf
    texts = _marked_text(pdf)
    facts = load_facts()
    contacts = {c.fact: c for c in get_handout("know-your-rights").contacts}
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = {page.obj.objgen: number for number, page in enumerate(document.pages)}
        items = []
        for item in _elements(document.Root.StructTreeRoot, "/LI"):
            paragraphs = [LOOSE.sub("", _text_of(p, texts, pages)) for p in _elements(item, "/P")]
            if paragraphs:
                items.append(paragraphs)
    checked = 0
    for key, contact in contacts.items():
        fact = facts[key]
        phone = LOOSE.sub("", fact.phone_text) if "phone" in contact.show and fact.phone_text else None
        link = LOOSE.sub("", fact.short_url) if "qr" in contact.show and fact.short_url else None
        marker = phone or link
        found = [p for p in items if any(marker in text for text in p)]
        assert len(found) == 1, (key, marker, items)
        paragraphs = found[0]
        at = next(i for i, text in enumerate(paragraphs) if marker in text)
        assert at >= 1, (key, paragraphs)  # the name comes first
        if phone and fact.tty:  # the hours line (with the TTY number) right after the number
            assert LOOSE.sub("", fact.tty) in paragraphs[at + 1], (key, paragraphs)
        if link:
            assert link in paragraphs[-1], (key, paragraphs)  # the link last
        checked += 1
    assert checked >= 4


@pytest.mark.pdf
@pytest.mark.parametrize("lang", ["en", "fa"])
def test_trifold_tags_read_as_the_folded_brochure(lang):
    """Cover first, then the inside panels, the fold-in flap, the back; each tag points at a
    sheet of the brochure, and every marked-content ID it names is on that sheet."""
    pdf = trifold(lang)[0]
    texts = _marked_text(pdf)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert document.Root.MarkInfo.Marked
        assert document.Root.Lang == lang
        assert document.Root.ViewerPreferences.DisplayDocTitle
        assert "pdfuaid" in str(document.open_metadata())
        pages = {page.obj.objgen: number for number, page in enumerate(document.pages)}
        top = list(document.Root.StructTreeRoot.K[0].K)
        panels = [ISOLATES.sub("", _text_of(kid, texts, pages)) for kid in top if kid.S == "/Div"]
    title = ISOLATES.sub("", load_content("common", lang).data["strings"]["packet_title"])
    kyr = load_content("know-your-rights", lang).data
    pharmacy = load_content("pharmacy", lang).data
    assert len(panels) == 6, panels
    assert title in panels[0]  # the cover
    assert ISOLATES.sub("", kyr["sections"][0]["heading"]) in panels[1]  # the first inside panel
    assert ISOLATES.sub("", pharmacy["sections"][0]["heading"]) in panels[4]  # the fold-in flap
    assert ISOLATES.sub("", kyr["contacts_heading"]) in panels[5]  # the back
