"""Preflight checks: content, translation consistency, facts and glyphs.

`check_all` runs without writing any PDF and returns every problem at once, so
an editor fixes them all in one pass. The build runs the same loaders, so a
file that passes here loads there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from .clock import build_date
from .consistency import compare_with_source, typed_facts
from .content import (
    COMMON,
    SOURCE_LANGUAGE,
    available_languages,
    get_handout,
    handout_keys,
    load_content,
)
from .errors import ClaimError, ContentError, HandoutsError
from .facts import load_facts
from .locales import LANGUAGES, get_language
from .model import Job
from .notices import FACT_OLD, Notice, undated
from .placeholders import fact_keys, walk_text
from .reliance import CLAIM_NOTE, claim_notes, claim_uses
from .render import Prepared, prepare, render
from .translations import translated_strings


@dataclass
class CheckResult:
    files: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


FACT_MAX_AGE_DAYS = 180


def stale_facts(today: dt.date | None = None) -> list[Notice]:
    """Facts printed by some handout whose `checked` date is over 180 days old."""
    today = today or build_date()
    facts = load_facts()
    used = {c.fact for key in handout_keys() for c in get_handout(key).contacts}
    for key in handout_keys():
        for code in available_languages(key):
            try:
                content = load_content(key, code)
            except ContentError:
                continue  # check_all reports the file's own problems
            used |= {key for _, text in walk_text(content.data) for key in fact_keys(text)}
    notes = []
    for key in sorted(used):
        age = (today - facts[key].checked).days
        if age > FACT_MAX_AGE_DAYS:
            text = (
                f"fact '{key}' ({facts[key].label}) was last checked {age} days ago, on "
                f"{facts[key].checked}; check it on {facts[key].source_url} and update 'checked' in facts.yaml"
            )
            notes.append(Notice(text, FACT_OLD, key))
    return notes


def render_checks(job: Job, today: dt.date | None = None) -> list[str]:
    """Render one job in memory: it must fit, and every QR code must decode to its link."""
    import pypdfium2 as pdfium
    import zxingcpp

    rendered = render(job, today=today)
    expected = sorted(load_facts()[c.fact].qr_url or "" for c in get_handout(job.handout).contacts if "qr" in c.show)
    found = []
    for page in pdfium.PdfDocument(rendered.pdf):
        image = page.render(scale=150 / 72).to_pil()
        qr_only = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        found += [r.text for r in zxingcpp.read_barcodes(image, formats=qr_only)]
    if sorted(found) != expected:
        return [f"{job.label}: QR codes read back as {sorted(found)}, expected {expected}"]
    return []


def check_all(
    handouts: Iterable[str] = (), langs: Iterable[str] = (), render_pdfs: bool = False, today: dt.date | None = None
) -> CheckResult:
    """Every check the build runs, without writing a PDF. With render_pdfs, each
    default job is also laid out (fit) and its QR codes decoded. `today` is the
    date claims and facts are dated against (default: the real date): a claim
    within 30 days of its review_by is a warning, past it an error."""
    result = CheckResult()
    handouts = list(handouts) or list(handout_keys())
    for key in handouts:
        get_handout(key)
    langs = list(langs)
    for code in langs:
        get_language(code)
    # a language with any text must have every file: a missing one is an error, not a skip
    present = [c for c in LANGUAGES if any(c in available_languages(k) for k in [COMMON, *handout_keys()])]
    warnings: dict[str, None] = {}
    claim_texts: list[Prepared] = []
    for key in [COMMON] + handouts:
        english_only = () if key == COMMON else get_handout(key).english_only
        try:
            source = load_content(key, SOURCE_LANGUAGE)
        except ContentError as exc:
            result.errors.extend(exc.problems)
            continue
        for code in langs or present:
            if key != COMMON and code not in available_languages(key) and not get_handout(key).expects(code):
                continue  # not offered in this language (yet), and it says so
            result.files += 1
            try:
                content = load_content(key, code)
            except ContentError as exc:
                result.errors.extend(exc.problems)
                continue
            result.errors.extend(typed_facts(content))
            if code != SOURCE_LANGUAGE:
                result.errors.extend(compare_with_source(content, source, english_only))
                result.errors.extend(
                    f"{content.doc.where(*s.path)}: changed in English since it was translated "
                    f"({s.id}); update it (handouts translations export --lang {code} --only stale), "
                    "or build with --allow-stale."
                    for s in translated_strings(key, code)
                    if s.state == "stale"
                )
            if key == COMMON:
                continue
            spec = get_handout(key)
            try:
                # expired claims are reported once each, with every text that relies on them, below
                # (stale translations are listed string by string above)
                job = Job(key, code, spec.default_sizes[0], allow_expired_claims=True, allow_stale=True)
                prepared = prepare(job, today=today)
            except HandoutsError as exc:
                result.errors.extend(getattr(exc, "problems", [str(exc)]))
                continue
            for warning in undated(prepared.warnings):
                warnings[warning] = None
            claim_texts.append(prepared)
            if render_pdfs:
                for size in spec.default_sizes:
                    try:
                        result.errors.extend(render_checks(Job(key, code, size), today))
                    except HandoutsError as exc:
                        result.errors.append(str(exc))
    uses: dict[str, list[str]] = {}
    for prepared in claim_texts:
        for claim, places in claim_uses([prepared.content], prepared.facts, prepared.spec).items():
            uses.setdefault(claim, []).extend(p for p in places if p not in uses.get(claim, []))
    try:
        for note in claim_notes(uses, today, allow_expired=False)[2]:
            warnings[note.removeprefix(CLAIM_NOTE)] = None
    except ClaimError as exc:
        result.errors.extend(exc.problems)
    for old in stale_facts(today):
        warnings[old] = None
    result.warnings = list(warnings)
    return result
