"""Load and check everything one job prints: its text in each language, the
facts and claims it relies on, and that every character has a glyph."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from ..claims import Claim
from ..content import (
    COMMON,
    SOURCE_LANGUAGE,
    get_handout,
    load_content,
)
from ..errors import FactError, GlyphError, RenderError, TranslationError
from ..facts import Fact, fact_warning, load_facts
from ..fonts import describe_char, fonts_for, missing_glyphs
from ..locales import Language, get_language
from ..model import Content, HandoutSpec, Job
from ..placeholders import fact_keys, walk_text, without_placeholders
from ..reliance import job_claims
from ..sizes import Size, get_size
from ..translations import TranslatedString, stale_strings, status_of
from ..yamlfile import FieldPath
from .variants import get_variant


@dataclass
class Part:
    """One language's text on a page (a sign has several)."""

    lang: Language
    content: Content
    common: Content


@dataclass
class Prepared:
    """Everything a job's template needs, checked."""

    job: Job
    spec: HandoutSpec
    lang: Language
    size: Size
    content: Content
    common: Content
    english: Content | None
    facts: dict[str, Fact]
    warnings: list[str]
    families: tuple[str, ...] = ()  # the language's fonts, plus any the clinic's text needs
    parts: tuple[Part, ...] = ()  # every language on the page, `lang` first
    claims: tuple[Claim, ...] = ()  # the claims the printed text relies on
    expired: tuple[Claim, ...] = ()  # of those, the ones past review (printed because allowed)
    stale: tuple[TranslatedString, ...] = ()  # translated strings whose English changed (printed because allowed)


def prepare(job: Job, today: dt.date | None = None) -> Prepared:
    """Load and check everything a job prints. `today` decides which claims are
    due for review or expired (default: the real date)."""
    spec = get_handout(job.handout)
    lang = get_language(job.lang)
    size = get_size(job.size)
    if job.also and not spec.multilingual:
        raise RenderError(f"{spec.key} prints one language per page; only signs take several (--lang once).")
    for code in job.also:
        get_language(code)
    if len(set(job.langs)) != len(job.langs):
        raise RenderError(f"{job.label}: a language is named twice.")
    variant = get_variant(job.variant)
    if not variant.cards and size.kind == "card":
        raise RenderError(
            f"{job.label}: {variant.name.replace('-', ' ')} is for flyers and posters; a {size.description} "
            f"cannot hold its type ({variant.summary})."
        )
    if job.size not in spec.sizes:
        raise RenderError(f"{spec.key} is not made for size '{job.size}'; its sizes: {', '.join(spec.sizes)}.")
    content = load_content(job.handout, job.lang)
    common = load_content(COMMON, job.lang)
    english = load_content(job.handout, SOURCE_LANGUAGE) if spec.english_only else None
    facts = load_facts()
    warnings: list[str] = []
    for contact in spec.contacts:
        fact = facts[contact.fact]
        for use in contact.show:
            if use == "phone" and fact.value is None:
                raise FactError(
                    f"{spec.folder / 'handout.yaml'}: contact '{fact.key}' shows a phone number, "
                    f"but {fact.label} has no value in facts.yaml ({fact.confidence}). "
                    "Add the confirmed number or remove the contact."
                )
            if use == "qr" and fact.qr_url is None:
                raise FactError(
                    f"{spec.folder / 'handout.yaml'}: contact '{fact.key}' shows a QR code, "
                    "but the fact has no qr_url. Add a confirmed link or show only the phone."
                )
            note = fact_warning(fact, use)
            if note:
                warnings.append(note)
    others = [load_content(h, code) for code in job.also for h in (job.handout, COMMON)]
    for content_file in [content, common, *others] + ([english] if english else []):
        for path, text in walk_text(content_file.data):
            for key in fact_keys(text):
                fact = facts[key]
                if fact.value is None:
                    raise FactError(
                        f"{content_file.doc.where(*path)}: {{fact:{key}}} has no value in facts.yaml "
                        f"({fact.confidence}). Add the confirmed value or reword the text without it."
                    )
                note = fact_warning(fact, "phone")
                if note and note not in warnings:
                    warnings.append(note)
    parts = [Part(lang, content, common)]
    for code in job.also:
        parts.append(Part(get_language(code), load_content(job.handout, code), load_content(COMMON, code)))
    stale = tuple(stale_strings(job.handout, [code for code in job.langs if code != SOURCE_LANGUAGE]))
    if stale and not job.allow_stale:
        ids = ", ".join(s.id for s in stale[:4]) + (", ..." if len(stale) > 4 else "")
        langs = sorted({code for code in job.langs if code != SOURCE_LANGUAGE})
        raise TranslationError(
            f"{len(stale)} translated string(s) changed in English after they were translated "
            f"({ids}). Update them (handouts translations export --lang {langs[0]} --only stale, then import), "
            "or build with --allow-stale (the page then says parts may be out of date)."
        )
    used, expired, notes = job_claims(job, today)
    warnings += [n for n in notes if n not in warnings]
    families = lang.fonts
    for part in parts[1:]:
        families += tuple(f for f in part.lang.fonts if f not in families)
    if job.profile is not None:
        families += fonts_for(" ".join(job.profile.texts(lang.code)), families, prefer_han=lang.han_font)
    prepared = Prepared(
        job, spec, lang, size, content, common, english, facts, warnings, families, tuple(parts), used, expired, stale
    )
    check_glyphs(prepared)
    return prepared


def _texts(content: Content) -> Iterator[tuple[Content, FieldPath, str]]:
    for path, text in walk_text(content.data):
        yield content, path, without_placeholders(text)


def check_glyphs(prepared: Prepared) -> None:
    """Every character to be printed must be in the language's fonts."""
    families = prepared.lang.fonts
    problems = []
    parts = prepared.parts or (Part(prepared.lang, prepared.content, prepared.common),)
    for part in parts:
        sources = list(_texts(part.content)) + list(_texts(part.common))
        if prepared.english is not None and part is parts[0]:
            sources += [s for s in _texts(prepared.english) if s[1][0] in prepared.spec.english_only]
        for content, path, text in sources:
            for char in missing_glyphs(text, part.lang.fonts):
                problems.append(
                    f"{content.doc.where(*path)}: {describe_char(char)} is not in the "
                    f"{part.lang.english_name} fonts ({', '.join(part.lang.fonts)})."
                )
    for contact in prepared.spec.contacts:
        fact = prepared.facts[contact.fact]
        for shown in (fact.display or "", fact.tty or "", fact.qr_url or ""):
            for char in missing_glyphs(shown, families):
                problems.append(f"facts.yaml ({fact.key}): {describe_char(char)} is not in the fonts.")
    profile = prepared.job.profile
    if profile is not None:
        code = prepared.lang.code
        band = (("name", profile.name), ("address", profile.address), ("hours", profile.hours_for(code)))
        for label, value in band:
            for char in missing_glyphs(value or "", prepared.families):
                problems.append(
                    f"{profile.source}: field '{label}': {describe_char(char)} is in none of the bundled fonts."
                )
    if problems:
        raise GlyphError(
            f"{prepared.job.label}: {len(problems)} character(s) cannot be printed:\n  - "
            + "\n  - ".join(problems)
            + "\nReplace them, or add a font that has them to fonts/ (see fonts/README.md).",
            problems,
        )


def checked_on(prepared: Prepared) -> dt.date:
    """The oldest check date of what the page prints: its facts and its claims."""
    used = [prepared.facts[c.fact] for c in prepared.spec.contacts]
    for part in prepared.parts or (Part(prepared.lang, prepared.content, prepared.common),):
        used += [prepared.facts[key] for _, text in walk_text(part.content.data) for key in fact_keys(text)]
    dates = [f.checked for f in used] + [c.checked for c in prepared.claims]
    return min(dates, default=prepared.content.as_of)


def source_unreviewed(handout: str) -> bool:
    """True until a named person has reviewed the English source text."""
    return status_of(load_content(handout, SOURCE_LANGUAGE)) != "reviewed"
