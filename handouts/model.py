"""The nouns every layer shares, as plain records: no I/O, no rendering, no
checks that read files. Everything above imports them from here.

- what a handout is (HandoutSpec, ContactSpec, PosterSpec) and its text in one
  language (Content); the kinds of handout (KINDS);
- what to make (Job), how it was fitted (Setting) and what rendering gave (Rendered);
- how a build runs (BuildOptions);
- what a packet binds (KnownFit, PacketPlan).

Which functions check or render each kind live above: content_schema.py (its
text's schema) and render/context.py (its template's context), keyed by kind name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clinic.profile import Profile
from .locales import get_language
from .yamlfile import YamlDoc

DEFAULT_VARIANT = "office"  # a name in render.variants.VARIANTS


@dataclass(frozen=True)
class Kind:
    """A kind of handout: its template's shape (see content_schema and render.context for its functions)."""

    name: str
    summary: str
    fit_policy: str  # a key of render.fit.POLICIES, or "" for the size's own kind (flyer, poster, card)
    multilingual: bool = False  # several languages on one page (named with --lang)
    contacts: bool = True  # whether the handout lists contacts (phones, QR codes)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind("flyer", "sections of text, then contacts with phone numbers and QR codes", fit_policy=""),
        Kind("card", "a wallet card: front in the reader's language, back in English", fit_policy="card"),
        Kind(
            "sign",
            "a notice for a door or entrance: English plus other languages on one page",
            fit_policy="sign",
            multilingual=True,
            contacts=False,
        ),
    ]
}


@dataclass(frozen=True)
class ContactSpec:
    fact: str
    show: tuple[str, ...]


@dataclass(frozen=True)
class PosterSpec:
    """What a handout prints on poster sizes, beside its `poster` text."""

    hotline: str  # the fact whose number is printed large
    qr: tuple[str, ...]  # facts whose QR codes it prints (one or two)
    icons: tuple[str, ...]  # a pictogram beside each poster line


@dataclass(frozen=True)
class HandoutSpec:
    key: str
    name: str
    audience: str
    template: str
    sizes: tuple[str, ...]
    default_sizes: tuple[str, ...]
    pages: int  # at most this many pages (a card: exactly), on every size unless page_limits says otherwise
    english_only: tuple[str, ...]
    contacts: tuple[ContactSpec, ...]
    folder: Path
    kind: str = "flyer"  # a key of KINDS: flyer | card | sign
    page_limits: tuple[tuple[str, int], ...] = ()  # (size kind, pages), e.g. posters on one page
    # (size kind, pages): how many pages text that does not fit its own may flow onto
    # (render.context.most_pages; default: its own plus a sheet's other side or two)
    most_pages: tuple[tuple[str, int], ...] = ()
    break_before: int | None = None  # on a page-size that allows two pages, section N starts page 2
    clinic_telehealth: bool = False  # a clinic profile's video-visit link prints as the first contact
    trifold_panels: tuple[int, ...] = ()  # in the tri-fold brochure: how many sections each of its panels holds
    section_icons: tuple[str, ...] = ()  # a pictogram (templates/icons/<name>.svg) beside each section heading
    poster: PosterSpec | None = None  # its own layout and text on poster sizes; None: the flyer, larger
    # The languages it is offered in while its translations are under way; () = every language.
    languages: tuple[str, ...] = ()

    def expects(self, lang: str) -> bool:
        """Whether a text in this language must exist: an offered language that is not a partial variant."""
        return (not self.languages or lang in self.languages) and not get_language(lang).partial

    def pages_on(self, size_kind: str) -> int:
        """How many pages the handout may take on a size of this kind (flyer, poster, card)."""
        return dict(self.page_limits).get(size_kind, self.pages)

    def most_pages_on(self, size_kind: str) -> int:
        """The most pages the handout says it may flow onto on this size kind (0: not said)."""
        return dict(self.most_pages).get(size_kind, 0)

    @property
    def multilingual(self) -> bool:
        return KINDS[self.kind].multilingual


@dataclass
class Content:
    """One handout's text in one language, validated. Its review state is
    computed by translations.status_of (it reads the review files)."""

    handout: str
    lang: str
    meta: dict[str, Any]
    data: dict[str, Any]
    doc: YamlDoc = field(repr=False)

    @property
    def as_of(self) -> dt.date:
        as_of: dt.date = self.meta["as_of"]  # content.py checked it is a date
        return as_of


@dataclass(frozen=True)
class Job:
    handout: str
    lang: str
    size: str
    variant: str = DEFAULT_VARIANT  # a name in render.variants.VARIANTS
    profile: Profile | None = None  # a clinic's details, printed in a band
    also: tuple[str, ...] = ()  # a sign's other languages, printed on the same page after `lang`
    allow_expired_claims: bool = False  # print claims past their review date (the PDF says so)
    allow_stale: bool = False  # print translated strings whose English changed since (the PDF says so)

    @property
    def langs(self) -> tuple[str, ...]:
        return (self.lang, *self.also)

    @property
    def lang_label(self) -> str:
        return "+".join(self.langs)

    @property
    def label(self) -> str:
        extra = "" if self.variant == DEFAULT_VARIANT else f", {self.variant}"
        return f"{self.handout} ({self.lang_label}, {self.size}{extra})"


@dataclass(frozen=True)
class Setting:
    """One point of the fit's search: the body type size and how compact the
    layout is; after filling (render/spread.py), also the CSS that filled the
    page, so a remembered setting lays the page out again exactly, in one pass."""

    body_pt: float
    compact: int = 0
    fill: str = ""
    # More pages than the handout's own: a flyer that flowed onto more sides, or a
    # sign split over this many pages (each a complete sign). 0: the handout's own.
    pages: int = 0


@dataclass
class Rendered:
    job: Job
    pdf: bytes
    pages: int
    body_pt: float
    warnings: list[str] = field(default_factory=list)
    content_version: str = ""
    compact: int = 0  # how tight the layout is (Setting.compact)
    passes: int = 1  # layout passes the fit took
    fill: str = ""  # the CSS that filled its pages (Setting.fill)
    fit_pages: int = 0  # the pages the fit allowed when more than the handout's own (Setting.pages)

    @property
    def setting(self) -> Setting:
        """The fit it was laid out with: a later build with the same inputs lays it out again in one pass."""
        return Setting(self.body_pt, self.compact, self.fill, self.fit_pages)


@dataclass(frozen=True)
class BuildOptions:
    strict: bool = False
    require_reviewed: bool = False
    force: bool = False  # rebuild even when nothing changed
    workers: int = 1  # parallel render processes
    today: dt.date | None = None  # the date claims are checked against (None: the real date)


@dataclass(frozen=True)
class KnownFit:
    """A handout a packet binds, as it was built beforehand from the same inputs:
    its fit setting and page count, so the packet need not fit it again.
    `checked` False: the fit of a stand-in clinic of the same shape (a batch,
    see batch.fits.shared_fits), which the packet checks on its own page."""

    handout: str
    lang: str
    setting: Setting
    pages: int
    checked: bool = True


@dataclass(frozen=True)
class PacketPlan:
    """Everything a packet is made from besides the profile (which travels in the
    task's job): a worker on any machine renders it without reading files."""

    lang: str
    bilingual: str | None
    date: dt.date
    known: tuple[KnownFit, ...] = ()


@dataclass(frozen=True)
class RenderTask:
    """One job to render, with what decides it (its inputs digest) and the
    remembered fit of an earlier build with the same inputs."""

    job: Job
    options: BuildOptions
    digest: str
    hint: Setting | None = None


@dataclass(frozen=True)
class FitTask:
    """Only the fit of a job is wanted (Rendered without PDF bytes): a stand-in
    clinic's page, fitted once for every office of its shape (batch fits)."""

    job: Job
    digest: str
    hint: Setting | None = None
    options: BuildOptions = BuildOptions()


@dataclass(frozen=True)
class PacketTask:
    """A packet for the clinic in `job.profile` (job names the packet's first handout and language)."""

    job: Job
    plan: PacketPlan
    digest: str
    options: BuildOptions = BuildOptions()


# What an engine runs (tasks.run_task): picklable records, so a task runs in any process, on any machine.
Task = RenderTask | FitTask | PacketTask
