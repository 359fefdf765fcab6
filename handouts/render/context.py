"""The template context of a page, built once per job (not once per fit step).

Templates see the keys of `PageContext`; per fit step only `body_pt` and
`compact` change. Contacts, the clinic and a sign's language blocks are typed
views (ContactView, ClinicView, PartView).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypedDict

from markupsafe import Markup
from PIL import Image

from .. import __version__
from ..claims import Claim, load_claims
from ..content import COMMON, MAX_POSTER_QR, SOURCE_LANGUAGE, load_content
from ..errors import RenderError
from ..facts import Fact
from ..fonts import font_css
from ..icons import icon_uri
from ..locales import Language
from ..model import Content, HandoutSpec
from ..placeholders import fact_keys, walk_text
from ..qr import printed_width_mm, qr_data_uri
from ..sizes import Size
from ..translations import status_of
from .html import Formatter, css_cmyk, langs_tag
from .prepare import Part, Prepared, checked_on, source_unreviewed
from .spread import GapMarks
from .variants import get_variant

DEFAULT_ACCENT = "#9b1c1c"  # the stylesheet's --accent


@dataclass(frozen=True)
class ContactView:
    """One contact as printed: a fact (phone, link) with its words in this language."""

    fact: Fact | None  # None for the clinic's own video-visit link
    show: tuple[str, ...]  # "phone", "qr"
    name: str
    what: str | None
    qr_src: str | None  # data: URI of the QR code's SVG
    qr_alt: str | None
    qr_width_mm: float | None
    short_url: str | None  # printed under the code
    tty_hours: str | None = None


@dataclass(frozen=True)
class ClinicView:
    name: str
    address: str | None
    phone: str | None
    hours: str | None
    message: str | None  # the clinic's own line in this page's language
    website: str | None
    telehealth: str | None
    telehealth_short: str | None
    logo: str | None
    color: str


@dataclass(frozen=True)
class PosterView:
    """What a poster prints besides its text: the number printed large, its QR codes, a pictogram per line."""

    hotline: ContactView
    codes: list[ContactView]
    icons: list[str]  # data: URIs, in the heading colour


@dataclass(frozen=True)
class PartView:
    """One language's block on a sign."""

    lang: Language
    c: dict[str, Any]
    s: dict[str, str]
    fmt: Formatter
    draft: bool
    translation_reviewed: bool
    stale_strings: bool


class PageContext(TypedDict, total=False):
    version: str
    title: str
    spec: HandoutSpec
    lang: Language
    size: Size
    c: dict[str, Any]  # the handout's text in this language
    s: dict[str, str]  # the shared words (common/<lang>.yaml)
    en: dict[str, Any] | None  # the English text, where parts print in English only
    contacts: list[ContactView]
    with_qr: list[ContactView]
    section_icons: list[str]  # data: URIs of the pictograms beside the section headings, in order
    phone_icon: str
    draft: bool  # a translation not yet reviewed (every printed string) by a person
    translation_reviewed: bool  # a translation whose every printed string a named person reviewed
    stale_strings: bool  # printed with strings whose English changed since (--allow-stale)
    source_unreviewed: bool
    with_claims: bool
    with_facts: bool
    expired_claims: bool
    job_langs: Markup  # en+es+ko, with a line break allowed after each + (twelve do not fit one line in large print)
    pages_allowed: int
    flowing: bool  # the text flowed onto more pages than its own: no forced page break (render.pipeline)
    fmt: Formatter
    font_faces: Markup
    font_stack: Markup
    part_stacks: list[Markup]
    clinic: ClinicView | None
    poster: PosterView | None  # on poster sizes, for a handout with poster text
    job_variant: str
    print_shop: bool
    content_date: str
    accent_cmyk: str
    bleed_mm: float
    page_numbers: list[str]  # printed at the foot of each page (a packet), or none
    no_bookmarks: bool  # its headings make no bookmarks (a packet's paired-language pages)
    body_pt: float  # set per fit step
    compact: int  # set per fit step
    gap: GapMarks  # marks the gaps that fill the page (spread.py); new per template.render
    spread_css: Markup  # the space added to those gaps, once fitted


def poster_icons(spec: HandoutSpec) -> tuple[str, ...]:
    return spec.poster.icons if spec.poster else ()


def short_url(url: str) -> str:
    return url.removeprefix("https://").rstrip("/")


def hours_text(claim: Claim, lang: Language) -> str:
    hours = claim.hours
    if hours is None:
        raise RenderError(f"claim '{claim.key}' is used for opening hours but has no 'hours' in content/claims.yaml.")
    last = {"mon-fri": 4, "mon-sat": 5, "mon-sun": 6}[hours.days]
    return lang.format_hours(0, last, hours.open, hours.close)


def contact_views(prepared: Prepared, cmyk: bool) -> list[ContactView]:
    lang, size, spec = prepared.lang, prepared.size, prepared.spec
    claims = load_claims()
    contacts = []
    for contact in spec.contacts:
        fact = prepared.facts[contact.fact]
        words = prepared.content.data["contacts"][contact.fact]
        qr = "qr" in contact.show and fact.qr_url is not None
        contacts.append(
            ContactView(
                fact=fact,
                show=contact.show,
                name=words["name"],
                what=words.get("what"),
                qr_src=qr_data_uri(fact.qr_url, cmyk) if qr and fact.qr_url else None,
                qr_alt=f"QR code: {fact.qr_url}" if qr else None,
                qr_width_mm=printed_width_mm(fact.qr_url, size.min_qr_mm) if qr and fact.qr_url else None,
                short_url=fact.short_url if "qr" in contact.show else None,
                tty_hours=hours_text(claims[fact.tty_claim], lang) if fact.tty_claim else None,
            )
        )
    clinic = prepared.job.profile
    if clinic is not None and clinic.telehealth and spec.clinic_telehealth:
        words = prepared.common.data["strings"]
        contacts.insert(
            0,
            ContactView(
                fact=None,
                show=("qr",),
                name=f"{words['clinic_telehealth']}: {clinic.name}",
                what=None,
                qr_src=qr_data_uri(clinic.telehealth, cmyk),
                qr_alt=f"QR code: {clinic.telehealth}",
                qr_width_mm=printed_width_mm(clinic.telehealth, size.min_qr_mm),
                short_url=short_url(clinic.telehealth),
            ),
        )
    return contacts


def poster_layout(prepared: Prepared) -> bool:
    """A poster size, for a handout that has poster text: its own layout (poster.html)."""
    return prepared.spec.poster is not None and prepared.size.kind == "poster"


def template_name(prepared: Prepared) -> str:
    return "poster.html" if poster_layout(prepared) else prepared.spec.template


def poster_view(prepared: Prepared, contacts: list[ContactView], icons: list[str]) -> PosterView | None:
    """The clinic's own video-visit code (if any) comes first; at most two codes."""
    spec = prepared.spec.poster
    if spec is None or not poster_layout(prepared):
        return None
    by_fact = {c.fact.key: c for c in contacts if c.fact is not None}
    own = [c for c in contacts if c.fact is None]
    codes = (own + [by_fact[key] for key in spec.qr])[:MAX_POSTER_QR]
    return PosterView(by_fact[spec.hotline], codes, icons)


def clinic_view(prepared: Prepared) -> ClinicView | None:
    profile = prepared.job.profile
    if profile is None:
        return None
    mono = get_variant(prepared.job.variant).mono
    return ClinicView(
        name=profile.name,
        address=profile.address,
        phone=profile.phone,
        hours=profile.hours_for(prepared.lang.code),
        message=profile.message_for(prepared.lang.code),
        website=short_url(profile.website) if profile.website else None,
        telehealth=profile.telehealth,
        telehealth_short=short_url(profile.telehealth) if profile.telehealth else None,
        logo=grey_logo(profile.logo_uri) if mono and profile.logo_uri else profile.logo_uri,
        color=MONO_ACCENT if mono else profile.color,
    )


MONO_ACCENT = "#000000"


@lru_cache(maxsize=16)  # bounded: a web server sees many clinics' logos (up to 2 MB each)
def grey_logo(uri: str) -> str:
    """A PNG or JPEG logo in shades of grey (the mono variant); an SVG stays as it is."""
    head, _, data = uri.partition(",")
    if not head.startswith(("data:image/png", "data:image/jpeg")):
        return uri
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    grey = image.convert("LA") if "A" in image.getbands() else image.convert("L")
    out = io.BytesIO()
    grey.save(out, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def translation_reviewed(part: Part) -> bool:
    """Every string this language prints (the handout's and the shared words) reviewed and current."""
    return part.lang.code != SOURCE_LANGUAGE and status_of(part.content) == status_of(part.common) == "reviewed"


def say_phrases(common: Content) -> dict[str, tuple[str, str, str]]:
    """For {say:KEY}: each sentence to say out loud in this language, in English,
    and the words that introduce the English ("In English:")."""
    english = load_content(COMMON, SOURCE_LANGUAGE).data.get("say", {})
    own = common.data.get("say", {})
    label = common.data["strings"].get("in_english", "")
    return {key: (own.get(key, text), text, label) for key, text in english.items()}


def part_view(prepared: Prepared, part: Part) -> PartView:
    values = {"checked": part.lang.format_date(checked_on(prepared))}
    reviewed = translation_reviewed(part)
    return PartView(
        lang=part.lang,
        c=part.content.data,
        s=part.common.data["strings"],
        fmt=Formatter(part.lang, prepared.facts, values, say=say_phrases(part.common)),
        draft=part.lang.code != SOURCE_LANGUAGE and not reviewed,
        translation_reviewed=reviewed,
        stale_strings=any(s.lang == part.lang.code for s in prepared.stale),
    )


def part_stacks(prepared: Prepared, stack: str) -> list[Markup]:
    """Each language block's font stack, its own fonts first (Chinese and Korean
    on one sign each get their own forms of shared characters)."""
    names = dict(zip(prepared.families, (name.strip() for name in stack.split(",")), strict=False))
    stacks = []
    for part in prepared.parts:
        order = [f for f in part.lang.fonts if f in names] + [f for f in prepared.families if f not in part.lang.fonts]
        stacks.append(Markup(", ".join(names[f] for f in order)))
    return stacks


def pages_allowed(prepared: Prepared) -> int:
    """The pages the job is designed for: the handout's own on this size kind (or the variant's)."""
    return get_variant(prepared.job.variant).max_pages or prepared.spec.pages_on(prepared.size.kind)


FLOW_PAGES = {"flyer": 2, "poster": 1}  # by size kind: pages a flyer may flow onto beyond its own


def most_pages(prepared: Prepared) -> int:
    """The most pages a job whose text does not fit its own at the smallest type
    may flow onto (pipeline.fit_page): handout.yaml's `most_pages`, else its own
    plus FLOW_PAGES. Cards, poster layouts, large print and signs do not flow."""
    own = pages_allowed(prepared)
    variant = get_variant(prepared.job.variant)
    if variant.max_pages or prepared.spec.multilingual or poster_layout(prepared):
        return own
    said = prepared.spec.most_pages_on(prepared.size.kind)
    return max(own, said) if said else own + FLOW_PAGES.get(prepared.size.kind, 0)


def page_context(prepared: Prepared) -> PageContext:
    """Everything the job's template needs except the fit step's body_pt and compact."""
    lang, spec = prepared.lang, prepared.spec
    variant = get_variant(prepared.job.variant)
    fmt = Formatter(
        lang, prepared.facts, {"checked": lang.format_date(checked_on(prepared))}, say=say_phrases(prepared.common)
    )
    contacts = contact_views(prepared, variant.cmyk)
    accent = prepared.job.profile.color if prepared.job.profile else DEFAULT_ACCENT
    accent = MONO_ACCENT if variant.mono else accent
    heading_colour = css_cmyk(accent) if variant.cmyk else accent  # section headings print in the accent colour
    faces, stack = font_css(prepared.families)
    title = prepared.content.data.get("title") or prepared.content.data.get("front", {}).get("title")
    context: PageContext = {
        "version": __version__,
        "title": f"{title}",
        "spec": spec,
        "lang": lang,
        "size": prepared.size,
        "c": prepared.content.data,
        "s": prepared.common.data["strings"],
        "en": prepared.english.data if prepared.english else None,
        "contacts": contacts,
        "with_qr": [c for c in contacts if "qr" in c.show],
        "section_icons": [icon_uri(name, variant.cmyk, heading_colour) for name in spec.section_icons],
        "phone_icon": icon_uri("phone", variant.cmyk),
        "draft": lang.code != SOURCE_LANGUAGE and not translation_reviewed(prepared.parts[0]),
        "translation_reviewed": translation_reviewed(prepared.parts[0]),
        "stale_strings": any(s.lang == lang.code for s in prepared.stale),
        "source_unreviewed": source_unreviewed(prepared.job.handout),
        "with_claims": bool(prepared.claims),
        "with_facts": bool(spec.contacts)
        or any(fact_keys(text) for part in prepared.parts for _, text in walk_text(part.content.data)),
        "expired_claims": bool(prepared.expired),
        "job_langs": langs_tag(prepared.job.langs),
        "pages_allowed": pages_allowed(prepared),
        "flowing": False,
        "fmt": fmt,
        "font_faces": Markup(faces),
        "font_stack": Markup(stack),
        "part_stacks": part_stacks(prepared, stack),
        "clinic": clinic_view(prepared),
        "poster": poster_view(
            prepared, contacts, [icon_uri(name, variant.cmyk, heading_colour) for name in poster_icons(spec)]
        ),
        "job_variant": variant.name,
        "print_shop": variant.cmyk,
        "content_date": prepared.content.as_of.isoformat(),
        "accent_cmyk": css_cmyk(prepared.job.profile.color if prepared.job.profile else DEFAULT_ACCENT),
        "bleed_mm": variant.bleed_mm,
        "page_numbers": [],
        "no_bookmarks": False,
        "gap": GapMarks(),
        "spread_css": Markup(""),
    }
    extra = EXTRA_CONTEXT[spec.kind](prepared, dict(context))
    return PageContext(**{**context, **extra})  # type: ignore[typeddict-item]


def flyer_context(prepared: Prepared, common: dict[str, Any]) -> dict[str, Any]:
    """Contacts in table rows of (columns, contacts): three across when the next
    three are alike (three QR codes with short captions, or three phone
    numbers), otherwise two; always three on posters. In large print a phone
    number takes a row to itself (at 18 pt it is wider than half an A4 column)."""
    contacts, rows, i = common["contacts"], [], 0
    large = bool(get_variant(prepared.job.variant).large_print_pt)
    while i < len(contacts):
        following = contacts[i : i + 3]
        alike = len(following) == 3 and len({c.show for c in following}) == 1 and following[0].show != ("phone", "qr")
        columns = 3 if prepared.size.kind == "poster" or alike else 2
        if large:  # two QR codes may share a row; a phone number never does
            two = len(following) > 1 and not any("phone" in c.show for c in following[:2])
            columns = 2 if two else 1
        rows.append((columns, contacts[i : i + columns]))
        i += columns
    return {"contact_rows": rows}


def no_context(prepared: Prepared, common: dict[str, Any]) -> dict[str, Any]:
    return {}


def sign_context(prepared: Prepared, common: dict[str, Any]) -> dict[str, Any]:
    """One block per language, each with its own formatter; on one page unless split (pipeline.sign_sheets)."""
    return {"parts": [part_view(prepared, part) for part in prepared.parts], "sign_sheets": []}


ExtraContext = Callable[[Prepared, dict[str, Any]], dict[str, Any]]
# What each kind's template gets beyond the common page context, by kind name (model.KINDS).
EXTRA_CONTEXT: dict[str, ExtraContext] = {"flyer": flyer_context, "card": no_context, "sign": sign_context}
