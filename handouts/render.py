"""Render one job (handout x language x size) to PDF bytes.

A pure function of its inputs: the same content, facts, templates and fonts
give the same bytes. WeasyPrint may only read files inside the bundled
templates and fonts folders (and data: URIs for QR codes); any other URL,
local or remote, stops the render with an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
import os
import re
import tempfile
import warnings as python_warnings
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup, escape

from . import __version__
from .claims import Claim, describe_due, expired_error, load_claims
from .content import (
    COMMON,
    PLACEHOLDER,
    SOURCE_LANGUAGE,
    Content,
    HandoutSpec,
    claim_keys,
    get_handout,
    load_content,
    walk_text,
)
from .errors import ClaimError, FactError, FitError, GlyphError, RenderError
from .facts import CONFIRMED, Fact, fact_warning, load_facts
from .fonts import describe_char, font_css, fonts_for, missing_glyphs, subset_dir
from .locales import Language, get_language
from .profile import Profile
from .qr import printed_width_mm, qr_data_uri
from .resources import fonts_dir, register_cache, scratch_dir, templates_dir
from .segment import insert_word_breaks
from .sizes import Size, get_size

FIT_STEP = 0.94  # each auto-fit step sets type 6% smaller
TWO_SIDED_GROWTH = 1.3  # a flyer with two sides may set its text up to 30% larger to fill them
SIGN_GROWTH = 2.5  # a sign's text may grow to this many times its size's body text, to fill the page


@dataclass(frozen=True)
class Job:
    handout: str
    lang: str
    size: str
    variant: str = "office"  # office | large-print | print-shop
    profile: Profile | None = None  # a clinic's details, printed in a band
    also: tuple[str, ...] = ()  # a sign's other languages, printed on the same page after `lang`
    allow_expired_claims: bool = False  # print claims past their review date (the PDF says so)

    @property
    def langs(self) -> tuple[str, ...]:
        return (self.lang, *self.also)

    @property
    def lang_label(self) -> str:
        return "+".join(self.langs)

    @property
    def label(self) -> str:
        extra = "" if self.variant == "office" else f", {self.variant}"
        return f"{self.handout} ({self.lang_label}, {self.size}{extra})"


VARIANTS = ("office", "large-print", "print-shop")
LARGE_PRINT_PT = 18.0
LARGE_PRINT_MAX_PAGES = 6
BLEED_MM = 3.175  # 0.125 in


@dataclass
class Rendered:
    job: Job
    pdf: bytes
    pages: int
    body_pt: float
    warnings: list[str] = field(default_factory=list)
    content_version: str = ""


def refusing_fetcher(roots: tuple[Path, ...]):
    """A WeasyPrint URL fetcher that serves data: URIs and files under `roots`, and
    refuses everything else (network, other local files) by stopping the render.

    WeasyPrint is imported here, not at module load, so that commands that do
    not render (list, check, a build with nothing to do) start fast.
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    resolved = tuple(root.resolve() for root in roots)

    class RefusingFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(root) for root in resolved) and path.is_file():
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})
            raise FatalURLFetchingError(
                f"refused to load '{url}': templates and stylesheets may only use files "
                "inside the handouts templates/ and fonts/ folders (no network, no other files)"
            )

    return RefusingFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)


@register_cache
@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["ltr"] = ltr
    environment.filters["isolate"] = isolate
    return environment


_FONT_CONFIG = None


_NO_SYSTEM_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""


def font_config():
    """One FontConfiguration per process, shared by every render.

    Fontconfig is pointed at a configuration with no font folders, so the only
    fonts WeasyPrint can use are the bundled ones that the stylesheet loads:
    the output never depends on what fonts a machine happens to have.
    """
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        folder = Path(tempfile.mkdtemp(prefix="fontconfig-", dir=scratch_dir()))
        (folder / "fonts.conf").write_text(_NO_SYSTEM_FONTS.format(cache=folder / "cache"))
        os.environ["FONTCONFIG_FILE"] = str(folder / "fonts.conf")
        # WeasyPrint warns when fontconfig has no fonts: that is the point here.
        python_warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
        # WeasyPrint would make its own temporary folder (weasyprint-*) and leave it behind at exit.
        _FONT_CONFIG._folder = Path(tempfile.mkdtemp(prefix="weasyprint-", dir=scratch_dir()))
    return _FONT_CONFIG


def ltr(text: str, css_class: str = "num") -> Markup:
    """A phone number or link, kept left-to-right and whole inside any text.

    WeasyPrint does not support `unicode-bidi: isolate`, so the run is wrapped
    in the Unicode isolate characters LRI ... PDI, which the shaper honours.
    """
    if css_class == "link":  # a link may wrap after a slash or an underscore, nowhere else
        words = Markup("/<wbr>").join(Markup("_<wbr>").join(part.split("_")) for part in text.split("/"))
    else:  # a phone number (or a citation) never wraps inside a word ("888-624-4752 (888-6-CHIRLA)")
        words = Markup(" ").join(Markup('<span class="nobr">{}</span>').format(w) for w in text.split())
    return Markup('<span class="{}" dir="ltr">\u2066{}\u2069</span>').format(css_class, words)


def isolate(text: str) -> Markup:
    """Text from outside the content files (a clinic's name, address, hours) in
    a first-strong isolate (FSI ... PDI): its own letters decide its direction,
    so '123 Main St' keeps its number in front on a right-to-left page."""
    return Markup("\u2068{}\u2069").format(text)


# A run of Latin words inside other text: "L.A. Care", "Medi-Cal Rx", "LA County
# Office of Immigrant Affairs", "I-205". A final period belongs to the run only
# after a single letter ("L.A."), not at the end of a sentence.
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:(?:[.'’&/-]\s*|\s+)[A-Za-z0-9]+)*(?:(?<=\b[A-Za-z])\.)?")
STRAIGHT_QUOTES = re.compile(r'"([^"]*)"')
# A word with a hyphen ("Medi-Cal", "I-205"): never broken at the hyphen, in any script.
HYPHENATED = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+")


class Formatter:
    """Turns content text into safe HTML: escapes it, fills placeholders, keeps
    hyphenated names whole, isolates Latin names inside right-to-left text, and
    marks the word breaks of scripts without spaces."""

    def __init__(self, lang: Language, facts: dict[str, Fact], values: dict[str, str],
                 claims: dict[str, Claim] | None = None):
        self.lang = lang
        self.facts = facts
        self.values = values
        self.claims = claims if claims is not None else load_claims()

    def _nobr(self, text: str) -> Markup:
        out, position = [], 0
        for match in HYPHENATED.finditer(text):
            out.append(escape(text[position:match.start()]))
            out.append(Markup('<span class="nobr">{}</span>').format(match.group(0)))
            position = match.end()
        out.append(escape(text[position:]))
        return Markup("").join(out)

    def _plain(self, text: str) -> Markup:
        return self._nobr(text if self.lang.word_breaks else insert_word_breaks(text, self.lang.babel))

    def _words(self, text: str) -> Markup:
        if self.lang.direction != "rtl":
            return self._plain(text)
        # In right-to-left text, each Latin run is a left-to-right isolate (LRI ... PDI):
        # "L.A. Care" stays in order and its period and parentheses stay where they belong.
        out, position = [], 0
        for match in LATIN_RUN.finditer(text):
            out.append(self._plain(text[position:match.start()]))
            out.append(Markup('<span class="latin" dir="ltr">\u2066{}\u2069</span>').format(self._nobr(match.group(0))))
            position = match.end()
        out.append(self._plain(text[position:]))
        return Markup("").join(out)

    def _quotes(self, text: str) -> str:
        """Straight double quotes, in pairs, become the language's own marks."""
        if text.count('"') % 2:
            return text
        start, end = self.lang.quotes
        return STRAIGHT_QUOTES.sub(lambda m: f"{start}{m.group(1)}{end}", text)

    def __call__(self, text: str, **extra: str) -> Markup:
        values = {**self.values, **extra}
        text = self._quotes(text)
        out: list[str] = []
        position = 0
        for match in PLACEHOLDER.finditer(text):
            out.append(self._words(text[position:match.start()]))
            name = match.group(1)
            if name.startswith("fact:"):
                fact = self.facts[name[5:]]
                shown = fact.phone_text if fact.kind == "phone" else fact.short_url
                out.append(ltr(shown))
            elif name.startswith("claim:"):
                pass  # marks text that states a claim; prints nothing
            elif name.startswith("cite:"):
                out.append(ltr(self.claims[name[5:]].cite or "", "cite"))
            elif name in values:
                value = values[name]
                out.append(value if isinstance(value, Markup) else self._words(value))
            else:
                raise RenderError(f"placeholder {{{name}}} has no value here")
            position = match.end()
        out.append(self._words(text[position:]))
        return Markup("".join(out))


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
    parts: tuple[Part, ...] = ()    # every language on the page, `lang` first
    claims: tuple[Claim, ...] = ()  # the claims the printed text relies on
    expired: tuple[Claim, ...] = ()  # of those, the ones past review (printed because allowed)


def claim_uses(content_files, facts: dict[str, Fact], spec: HandoutSpec) -> dict[str, list[str]]:
    """Which claims these texts rely on, each with the places ('file:line (field)') that name it."""
    uses: dict[str, list[str]] = {}
    for content_file in content_files:
        for path, text in walk_text(content_file.data):
            for key in claim_keys(text):
                uses.setdefault(key, []).append(content_file.doc.where(*path))
    for contact in spec.contacts:
        fact = facts[contact.fact]
        if fact.tty_claim and "phone" in contact.show:
            uses.setdefault(fact.tty_claim, []).append(f"facts.yaml ({fact.key}: TTY hours)")
    return uses


def claim_notes(uses: dict[str, list[str]], today: dt.date | None, allow_expired: bool
                ) -> tuple[tuple[Claim, ...], tuple[Claim, ...], list[str]]:
    """(claims used, expired ones, warnings). Refuses (ClaimError) an expired
    claim unless allowed; warns when one is due for review soon or was allowed."""
    today = today or dt.date.today()
    claims = load_claims()
    unknown = [key for key in uses if key not in claims]
    if unknown:
        raise ClaimError("; ".join(f"{', '.join(uses[k])}: unknown claim '{k}'; claims are listed in "
                                   "content/claims.yaml" for k in unknown))
    used = tuple(claims[key] for key in sorted(uses))
    expired = tuple(c for c in used if c.state(today) == "expired")
    if expired and not allow_expired:
        raise expired_error(list(expired), uses)
    notes = [f"claim '{c.key}' is {c.confidence}, not confirmed; check it on {', '.join(c.sources)}"
             for c in used if c.confidence not in CONFIRMED]
    notes += [CLAIM_NOTE + describe_due(c, today, uses[c.key]) for c in used if c.state(today) == "due"]
    notes += [f"{CLAIM_NOTE}claim '{c.key}' is past its review date ({c.review_by}) and was printed because "
              "--allow-expired-claims was given; the PDF says so" for c in expired]
    return used, expired, notes


CLAIM_NOTE = "claim review: "  # starts the warnings that depend on today's date


def job_claims(job: Job, today: dt.date | None = None) -> tuple[tuple[Claim, ...], tuple[Claim, ...], list[str]]:
    """The claims a job prints, those past review, and the warnings about them
    (see claim_notes), without preparing the whole job."""
    spec = get_handout(job.handout)
    texts = [load_content(job.handout, code) for code in job.langs]
    if spec.english_only and SOURCE_LANGUAGE not in job.langs:
        texts.append(load_content(job.handout, SOURCE_LANGUAGE))
    return claim_notes(claim_uses(texts, load_facts(), spec), today, job.allow_expired_claims)


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
    if job.variant not in VARIANTS:
        raise RenderError(f"Unknown variant '{job.variant}'; valid: {', '.join(VARIANTS)}.")
    if job.variant == "large-print" and size.kind == "card":
        raise RenderError(
            f"{job.label}: large print is for flyers and posters; a {size.description} cannot hold "
            f"{LARGE_PRINT_PT:g} pt text."
        )
    if job.size not in spec.sizes:
        raise RenderError(
            f"{spec.key} is not made for size '{job.size}'; its sizes: {', '.join(spec.sizes)}."
        )
    content = load_content(job.handout, job.lang)
    common = load_content(COMMON, job.lang)
    english = load_content(job.handout, SOURCE_LANGUAGE) if spec.english_only else None
    facts = load_facts()
    warnings = []
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
            for match in PLACEHOLDER.finditer(text):
                if not match.group(1).startswith("fact:"):
                    continue
                fact = facts[match.group(1)[5:]]
                if fact.value is None:
                    raise FactError(
                        f"{content_file.doc.where(*path)}: {{{match.group(1)}}} has no value in facts.yaml "
                        f"({fact.confidence}). Add the confirmed value or reword the text without it."
                    )
                note = fact_warning(fact, "phone")
                if note and note not in warnings:
                    warnings.append(note)
    parts = [Part(lang, content, common)]
    for code in job.also:
        parts.append(Part(get_language(code), load_content(job.handout, code), load_content(COMMON, code)))
    used, expired, notes = job_claims(job, today)
    warnings += [n for n in notes if n not in warnings]
    families = lang.fonts
    for part in parts[1:]:
        families += tuple(f for f in part.lang.fonts if f not in families)
    if job.profile is not None:
        families += fonts_for(" ".join(job.profile.texts()), families, prefer_han=_HAN_FONT.get(lang.code))
    prepared = Prepared(job, spec, lang, size, content, common, english, facts, warnings, families,
                        tuple(parts), used, expired)
    check_glyphs(prepared)
    return prepared


# Which CJK face draws Chinese characters in a clinic's name on a non-Chinese handout.
_HAN_FONT = {"zh-Hans": "HO CJK SC", "ko": "HO CJK KR"}


def _texts(content: Content, skip: tuple[str, ...] = ()):
    for path, text in walk_text(content.data):
        if path and path[0] in skip:
            continue
        yield content, path, PLACEHOLDER.sub("", text)


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
        for text in (fact.display or "", fact.tty or "", fact.qr_url or ""):
            for char in missing_glyphs(text, families):
                problems.append(f"facts.yaml ({fact.key}): {describe_char(char)} is not in the fonts.")
    profile = prepared.job.profile
    if profile is not None:
        for label, text in (("name", profile.name), ("address", profile.address), ("hours", profile.hours)):
            for char in missing_glyphs(text or "", prepared.families):
                problems.append(f"{profile.source}: field '{label}': {describe_char(char)} is in none of the bundled fonts.")
    if problems:
        raise GlyphError(
            f"{prepared.job.label}: {len(problems)} character(s) cannot be printed:\n  - "
            + "\n  - ".join(problems)
            + "\nReplace them, or add a font that has them to fonts/ (see fonts/README.md).",
            problems,
        )


def _context(prepared: Prepared, body_pt: float) -> tuple[dict[str, Any], Formatter]:
    lang, size, spec = prepared.lang, prepared.size, prepared.spec
    checked = checked_on(prepared)
    values = {"checked": lang.format_date(checked)}
    fmt = Formatter(lang, prepared.facts, values)
    claims = load_claims()
    cmyk = prepared.job.variant == "print-shop"
    contacts = []
    for contact in spec.contacts:
        fact = prepared.facts[contact.fact]
        words = prepared.content.data["contacts"][contact.fact]
        contacts.append(
            {
                "fact": fact,
                "show": contact.show,
                "name": words["name"],
                "what": words.get("what"),
                "qr_src": qr_data_uri(fact.qr_url, cmyk) if "qr" in contact.show else None,
                "qr_alt": f"QR code: {fact.qr_url}" if "qr" in contact.show else None,
                "qr_width_mm": printed_width_mm(fact.qr_url, size.min_qr_mm) if "qr" in contact.show else None,
                "tty_hours": _hours_text(claims[fact.tty_claim], lang) if fact.tty_claim else None,
            }
        )
    clinic = prepared.job.profile
    if clinic is not None and clinic.telehealth and spec.key == "care-access":
        words = prepared.common.data["strings"]
        contacts.insert(0, {
            "fact": None, "show": ("qr",), "name": f"{words['clinic_telehealth']}: {clinic.name}", "what": None,
            "qr_src": qr_data_uri(clinic.telehealth, cmyk), "qr_alt": f"QR code: {clinic.telehealth}",
            "qr_width_mm": printed_width_mm(clinic.telehealth, size.min_qr_mm),
            "short_url": clinic.telehealth.removeprefix("https://").rstrip("/"),
        })
    for contact in contacts:
        if contact.get("fact") is not None:
            contact["short_url"] = contact["fact"].short_url if "qr" in contact["show"] else None
    context = {
        "version": __version__,
        "title": f"{prepared.content.data.get('title') or prepared.content.data.get('front', {}).get('title')}",
        "spec": spec,
        "lang": lang,
        "size": size,
        "c": prepared.content.data,
        "s": prepared.common.data["strings"],
        "en": prepared.english.data if prepared.english else None,
        "contacts": contacts,
        "with_qr": [c for c in contacts if "qr" in c["show"]],
        "contact_rows": _contact_rows(contacts, size),
        "draft": lang.code != SOURCE_LANGUAGE and prepared.content.status != "reviewed",
        "source_unreviewed": source_unreviewed(prepared.job.handout),
        "with_claims": bool(prepared.claims),
        "with_facts": bool(spec.contacts) or any(
            m.group(1).startswith("fact:") for part in prepared.parts for _, text in walk_text(part.content.data)
            for m in PLACEHOLDER.finditer(text)),
        "expired_claims": bool(prepared.expired),
        "parts": [_part(prepared, part) for part in prepared.parts],
        "job_langs": prepared.job.lang_label,
        "pages_allowed": _pages_allowed(prepared),
        "fmt": fmt,
        "font_faces": Markup(font_css(prepared.families)[0]),
        "font_stack": Markup(font_css(prepared.families)[1]),
        "part_stacks": part_stacks(prepared, font_css(prepared.families)[1]),
        "clinic": _clinic(prepared),
        "body_pt": body_pt,
        "job_variant": prepared.job.variant,
        "print_shop": cmyk,
        "content_date": prepared.content.as_of.isoformat(),
        "accent_cmyk": css_cmyk(prepared.job.profile.color if prepared.job.profile else DEFAULT_ACCENT),
        "bleed_mm": BLEED_MM if prepared.job.variant == "print-shop" else 0,
    }
    return context, fmt


def checked_on(prepared: Prepared) -> dt.date:
    """The oldest check date of what the page prints: its facts and its claims."""
    used = [prepared.facts[c.fact] for c in prepared.spec.contacts]
    for part in prepared.parts or (Part(prepared.lang, prepared.content, prepared.common),):
        used += [prepared.facts[m.group(1)[5:]] for _, text in walk_text(part.content.data)
                 for m in PLACEHOLDER.finditer(text) if m.group(1).startswith("fact:")]
    dates = [f.checked for f in used] + [c.checked for c in prepared.claims]
    return min(dates, default=prepared.content.as_of)


def source_unreviewed(handout: str) -> bool:
    """True until a named person has reviewed the English source text."""
    return load_content(handout, SOURCE_LANGUAGE).status != "reviewed"


def _hours_text(claim: Claim, lang: Language) -> str:
    hours = claim.hours
    if hours is None:
        raise RenderError(f"claim '{claim.key}' is used for opening hours but has no 'hours' in content/claims.yaml.")
    last = {"mon-fri": 4, "mon-sat": 5, "mon-sun": 6}[hours.days]
    return lang.format_hours(0, last, hours.open, hours.close)


def _part(prepared: Prepared, part: Part) -> dict[str, Any]:
    """What a sign's template needs for one language block."""
    values = {"checked": part.lang.format_date(checked_on(prepared))}
    return {
        "lang": part.lang,
        "c": part.content.data,
        "s": part.common.data["strings"],
        "fmt": Formatter(part.lang, prepared.facts, values),
        "draft": part.lang.code != SOURCE_LANGUAGE and part.content.status != "reviewed",
    }


DEFAULT_ACCENT = "#9b1c1c"  # the stylesheet's --accent


def css_cmyk(hex_color: str) -> str:
    """A CSS device-cmyk() colour for an sRGB hex colour, by the plain formula;
    the print shop's RIP does the rest through the output intent."""
    r, g, b = (int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    k = 1 - max(r, g, b)
    if k >= 1:
        return "device-cmyk(0 0 0 1)"
    c, m, y = ((1 - v - k) / (1 - k) for v in (r, g, b))
    return f"device-cmyk({c:.3f} {m:.3f} {y:.3f} {k:.3f})"


def _contact_rows(contacts: list[dict], size: Size) -> list[tuple[int, list[dict]]]:
    """Contacts in table rows of (columns, contacts): three across when the next
    three are alike (three QR codes with short captions, or three phone
    numbers), otherwise two; always three on posters."""
    rows, i = [], 0
    while i < len(contacts):
        following = contacts[i:i + 3]
        alike = len(following) == 3 and len({c["show"] for c in following}) == 1 and following[0]["show"] != ("phone", "qr")
        columns = 3 if size.kind == "poster" or alike else 2
        rows.append((columns, contacts[i:i + columns]))
        i += columns
    return rows


def _clinic(prepared: Prepared) -> dict | None:
    profile = prepared.job.profile
    if profile is None:
        return None
    return {
        "name": profile.name,
        "address": profile.address,
        "phone": profile.phone,
        "hours": profile.hours,
        "website": profile.website.removeprefix("https://").rstrip("/") if profile.website else None,
        "telehealth": profile.telehealth,
        "telehealth_short": profile.telehealth.removeprefix("https://").rstrip("/") if profile.telehealth else None,
        "logo": profile.logo_uri,
        "color": profile.color,
    }


def render_html(prepared: Prepared, body_pt: float, compact: int = 0) -> str:
    context, _fmt = _context(prepared, body_pt)
    context["compact"] = compact
    template = _environment().get_template(prepared.spec.template)
    html = template.render(**context)
    # Now that the text is known, use copies of the large fonts holding only its characters.
    faces, stack = font_css(prepared.families, text=html)
    if faces != str(context["font_faces"]):
        html = template.render(**{**context, "font_faces": Markup(faces), "font_stack": Markup(stack),
                                  "part_stacks": part_stacks(prepared, stack)})
    return html


def part_stacks(prepared: Prepared, stack: str) -> list[Markup]:
    """Each language block's font stack, its own fonts first (Chinese and Korean
    on one sign each get their own forms of shared characters)."""
    names = dict(zip(prepared.families, (name.strip() for name in stack.split(","))))
    stacks = []
    for part in prepared.parts:
        order = [f for f in part.lang.fonts if f in names] + [f for f in prepared.families if f not in part.lang.fonts]
        stacks.append(Markup(", ".join(names[f] for f in order)))
    return stacks


def _overflow(page) -> float:
    """How far (in CSS px) anything on the page sticks out past the page's right or bottom edge."""
    width, height = page.width, page.height
    worst = 0.0
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        x, y = getattr(box, "position_x", 0), getattr(box, "position_y", 0)
        w = box.margin_width() if hasattr(box, "margin_width") else 0
        h = box.margin_height() if hasattr(box, "margin_height") else 0
        worst = max(worst, x + w - width, y + h - height, -x, -y)
        stack.extend(getattr(box, "children", ()))
    return worst


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class weasyprint_errors:
    """Turn anything WeasyPrint logs as a warning (a refused file, a CSS rule it
    ignored, a glyph no font has) into an error: each means the page is not
    what the template says."""

    def __init__(self, label: str):
        self.label = label
        self.collect = _Collect()

    def __enter__(self):
        logging.getLogger("weasyprint").addHandler(self.collect)
        return self

    def __exit__(self, kind, error, traceback):
        logging.getLogger("weasyprint").removeHandler(self.collect)
        if error is None and self.collect.messages:
            # an embedded logo or QR code appears in messages as a long data: URI; keep only its start
            messages = [re.sub(r"(data:[^,;\s]*[;,])\S{40,}", r"\1...", m) for m in self.collect.messages]
            raise RenderError(f"{self.label}: WeasyPrint reported: " + "; ".join(dict.fromkeys(messages)))
        return False


def _layout(html: str, label: str):
    """Lay the HTML out (see weasyprint_errors); the result's write_pdf should
    run inside weasyprint_errors too."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    roots = (templates_dir(), fonts_dir(), subset_dir())
    config = font_config()
    document = HTML(string=html, base_url=templates_dir().as_uri() + "/", url_fetcher=refusing_fetcher(roots))
    with weasyprint_errors(label):
        try:
            return document.render(font_config=config)
        except FatalURLFetchingError as exc:
            raise RenderError(f"{label}: {exc}") from None


def write_pdf(document, label: str, **options) -> bytes:
    import uuid

    import weasyprint.pdf.metadata as xmp

    _keep_icc_bytes()
    seed = options.get("pdf_identifier") or label.encode()
    random_uuid, xmp.uuid4 = xmp.uuid4, lambda: uuid.UUID(bytes=hashlib.md5(seed).digest())
    try:  # PDF/X metadata gets a document ID: derive it, do not draw it at random
        with weasyprint_errors(label):
            return document.write_pdf(**options)
    finally:
        xmp.uuid4 = random_uuid


SLUG_PT = 18.0  # room outside the bleed for the crop marks (0.25 in)
MARK_GAP_PT = 3.0


def add_crop_marks(pdf: bytes) -> bytes:
    """Crop marks in 100% black (CMYK), outside the bleed, at each trim corner.

    WeasyPrint's own marks are drawn in RGB inside the bleed, which PDF/X-4 for a
    CMYK press does not want; we widen each page's MediaBox by a slug and draw
    them there instead. TrimBox and BleedBox stay as they are.
    """
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        NameObject,
        RectangleObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        left, bottom, right, top = (float(v) for v in page.trimbox)
        b_left, b_bottom, b_right, b_top = (float(v) for v in page.bleedbox)
        outer = SLUG_PT + (b_right - right)
        lines = []
        for x, sign_x in ((left, -1), (right, 1)):
            for y, sign_y in ((bottom, -1), (top, 1)):
                start = (b_right - right) + MARK_GAP_PT
                lines.append(f"{x + sign_x * start:.2f} {y:.2f} m {x + sign_x * outer:.2f} {y:.2f} l S")
                lines.append(f"{x:.2f} {y + sign_y * start:.2f} m {x:.2f} {y + sign_y * outer:.2f} l S")
        marks = DecodedStreamObject()
        marks.set_data(("q 0 0 0 1 K 0.25 w " + " ".join(lines) + " Q").encode())
        contents = page.get("/Contents")
        existing = contents.get_object() if contents is not None else None
        array = existing if isinstance(existing, ArrayObject) else ArrayObject([contents])
        array.append(writer._add_object(marks))
        page[NameObject("/Contents")] = array
        page.mediabox = RectangleObject([b_left - SLUG_PT, b_bottom - SLUG_PT, b_right + SLUG_PT, b_top + SLUG_PT])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@cache
def _keep_icc_bytes() -> None:
    """Embed our ICC profiles byte for byte. WeasyPrint re-serialises a
    profile through Pillow, which stamps the current time into its header, so
    two builds of the same PDF/X would differ."""
    from weasyprint.css import ColorProfile

    serialised = ColorProfile.content

    def content(profile) -> bytes:
        if str(profile.src).startswith("file:"):
            path = Path(unquote(urlsplit(profile.src).path))
            if path.is_relative_to(templates_dir().resolve()) or path.is_relative_to(templates_dir()):
                return path.read_bytes()
        return serialised.fget(profile)

    ColorProfile.content = property(content)


def _content_bottom(page) -> float:
    """The lowest point of any line, row or image on the page (CSS px)."""
    lowest, stack = 0.0, [page._page_box]
    while stack:
        box = stack.pop()
        if type(box).__name__ in ("LineBox", "TableRowBox", "InlineReplacedBox", "BlockReplacedBox"):
            lowest = max(lowest, box.position_y + box.margin_height())
        stack.extend(getattr(box, "children", ()))
    return lowest


def _identifier(prepared: Prepared) -> bytes:
    """The PDF's /ID, derived from what it shows (not the clock), so identical
    inputs give identical bytes."""
    job = prepared.job
    profile = job.profile.digest if job.profile else ""
    expired = ",".join(c.key for c in prepared.expired)
    seed = (f"{job.handout}|{job.lang_label}|{job.size}|{job.variant}|{profile}|{prepared.content.as_of}|"
            f"{expired}|{__version__}")
    return hashlib.md5(seed.encode()).hexdigest().encode()


def _pages_allowed(prepared: Prepared) -> int:
    if prepared.job.variant == "large-print":
        return LARGE_PRINT_MAX_PAGES
    return prepared.spec.pages_on(prepared.size.kind)


COMPACT_LEVELS = 2  # how many tighter layouts to try, at the minimum body size, before giving up


def _fit(prepared: Prepared, body_pt: float, compact: int = 0):
    """Lay the job out at this type size; (document, whether it fits its pages)."""
    document = _layout(render_html(prepared, body_pt, compact), prepared.job.label)
    return document, len(document.pages) <= _pages_allowed(prepared)


def render(job: Job, today: dt.date | None = None) -> Rendered:
    """Lay the job out at its size's type scale; shrink step by step (never
    below the size's minimum) until it fits its pages, or, on posters and
    cards, grow while it still fits, so the page is filled."""
    prepared = prepare(job, today)
    size = prepared.size
    if job.variant == "large-print":  # bigger type, more pages, no shrinking
        size = replace(size, body_pt=max(LARGE_PRINT_PT, size.body_pt), min_body_pt=max(LARGE_PRINT_PT, size.body_pt),
                       max_body_pt=0)
    body_pt, compact = size.body_pt, 0
    document, fits = _fit(prepared, body_pt)
    while not fits:
        if body_pt <= size.min_body_pt and compact < COMPACT_LEVELS:
            # Body text is as small as it may be: tighten headings, captions and spacing instead.
            compact += 1
            document, fits = _fit(prepared, body_pt, compact)
            continue
        if body_pt <= size.min_body_pt:
            extra = len(document.pages) - _pages_allowed(prepared)
            spill = _content_bottom(document.pages[-1]) / document.pages[-1].height
            raise FitError(
                f"{job.label} does not fit: even at {body_pt:g} pt body text, the smallest allowed on "
                f"{size.name}, with the tightest layout, it runs over by about {extra - 1 + spill:.0%} of a page "
                f"({len(document.pages)} pages for {_pages_allowed(prepared)}). "
                f"Shorten the text in {prepared.content.doc.path}."
            )
        body_pt = max(round(body_pt * FIT_STEP, 2), size.min_body_pt)
        document, fits = _fit(prepared, body_pt, compact)
    if prepared.spec.kind == "sign" and not size.max_body_pt:
        size = replace(size, max_body_pt=size.body_pt * SIGN_GROWTH)  # a sign fills its page
    elif _pages_allowed(prepared) > 1 and job.variant != "large-print" and not size.max_body_pt:
        size = replace(size, max_body_pt=size.body_pt * TWO_SIDED_GROWTH)  # two sides: fill them
    if body_pt == size.body_pt and size.max_body_pt > body_pt:
        # Grow to fill: text height goes roughly with the square of its size, so
        # jump to the size the free space allows, then step back until it fits.
        fill = max(_content_bottom(page) / page.height for page in document.pages)
        target = min(size.max_body_pt, round(body_pt * (0.97 / max(fill, 0.05)) ** 0.5, 2))
        while target > body_pt * 1.02:
            trial, trial_fits = _fit(prepared, target)
            if trial_fits:
                document, body_pt = trial, target
                break
            target = round(target * 0.97, 2)
    for number, page in enumerate(document.pages, 1):
        overflow = _overflow(page)
        if overflow > 0.5:
            raise FitError(
                f"{job.label}: something on page {number} runs {overflow * 0.75:.1f} pt past the edge "
                "of the page (a word or link too long for its column)."
            )
    warnings = list(prepared.warnings)
    if job.variant == "print-shop" and job.profile is not None and job.profile.logo_uri:
        warnings.append(
            f"{job.profile.source}: the logo stays in RGB in the print-shop PDF; the print shop converts it "
            "(or give a CMYK-ready logo to the shop)"
        )
    # Office PDFs are tagged for screen readers (PDF/UA-1); print-shop PDFs are
    # PDF/X-4 with a CMYK output intent (a PDF here can be only one of the two).
    identifier = _identifier(prepared)
    if job.variant == "print-shop":
        pdf = add_crop_marks(write_pdf(document, job.label, pdf_variant="pdf/x-4", pdf_identifier=identifier))
    else:
        pdf = write_pdf(document, job.label, pdf_variant="pdf/ua-1", pdf_identifier=identifier)
    return Rendered(job, pdf, len(document.pages), body_pt, warnings)
