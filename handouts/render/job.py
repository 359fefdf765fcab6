"""A job (one handout, in one or more languages, at one size and variant) and
what rendering it gives."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..profile import Profile
from .variants import DEFAULT_VARIANT


@dataclass(frozen=True)
class Job:
    handout: str
    lang: str
    size: str
    variant: str = DEFAULT_VARIANT  # a name in variants.VARIANTS
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


@dataclass
class Rendered:
    job: Job
    pdf: bytes
    pages: int
    body_pt: float
    warnings: list[str] = field(default_factory=list)
    content_version: str = ""
    compact: int = 0  # how tight the layout is (fit.Setting.compact)
    passes: int = 1  # layout passes the fit took
    fill: str = ""  # the CSS that filled its pages (fit.Setting.fill)
