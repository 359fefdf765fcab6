"""The clinic profile record: a clinic's own name, address, phone, hours, links,
logo and colour, as checked by `clinic.validate.make_profile`, and what its band
prints on each language's pages. No file is read here.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace

from ..errors import ContentError
from ..locales import LANGUAGES

FIELDS = ("name", "address", "phone", "hours", "website", "telehealth", "logo", "color")
# Per language, a field `<name>_<code>` (hours_ko, message_es, message_zh-Hant): printed
# on that language's pages only. `hours_<code>` replaces `hours` there; a message is
# a short line of the clinic's own ("We speak Korean"), in that language.
LANGUAGE_FIELDS = ("hours", "message")
MAX_MESSAGE_CHARS = 120
MAX_FIELD_CHARS = {
    "name": 100,
    "address": 200,
    "hours": 150,
    "phone": 40,
    "website": 300,
    "telehealth": 300,
    "logo": 500,
    "color": 20,
}
BAND_STEP = 12  # characters: clinics whose details differ by less are taken to need the same room (stand_in)
_FILLER = "Clinica Familiar del Valle, 1234 West Main Street, Suite 200, open Monday to Friday. "
_FILLER_URL = "https://www.example-clinic-health.org/"


class ProfileError(ContentError):
    """A clinic profile (or a batch row) has a bad field."""


@dataclass(frozen=True)
class Profile:
    name: str
    address: str | None = None
    phone: str | None = None  # formatted for print, e.g. (213) 555-0100
    hours: str | None = None
    website: str | None = None
    telehealth: str | None = None
    logo_uri: str | None = None  # data: URI of the checked (and for SVG, cleaned) logo
    color: str = "#9b1c1c"
    source: str = ""  # where it came from, for messages
    digest: str = ""  # hash of every input, for incremental builds
    notes: tuple[str, ...] = field(default=())  # what cleaning the logo removed
    by_language: tuple[tuple[str, str, str], ...] = ()  # (field, language code, text), e.g. ("message", "ko", ...)

    def texts(self, lang: str) -> list[str]:
        """What the band prints on `lang`'s pages."""
        return [v for v in (self.name, self.address, self.phone, self.hours_for(lang), self.message_for(lang)) if v]

    def _local(self, name: str, lang: str) -> str | None:
        return next((text for key, code, text in self.by_language if key == name and code == lang), None)

    def hours_for(self, lang: str) -> str | None:
        """The opening hours printed on `lang`'s pages: its own, else the general ones."""
        return self._local("hours", lang) or self.hours

    def message_for(self, lang: str) -> str | None:
        """The clinic's own short message on `lang`'s pages, if it wrote one in that language."""
        return self._local("message", lang)

    def stand_in(self, langs: tuple[str, ...]) -> Profile:
        """A made-up clinic whose details take about the room this one's take on
        `langs`' pages: each field it prints, as filler text as wide as the field
        rounded up to BAND_STEP characters (a wide character counts twice), its
        phone number with every digit 0, the same logo. It depends on nothing
        else, so clinics of one shape share it: a batch fits a handout once per
        stand-in (batch.fits.shared_fits), whatever other rows the CSV has; each
        office's page is still checked, and fitted on its own if it differs."""
        return _stand_in(self, langs)

    def _make_stand_in(self, langs: tuple[str, ...]) -> Profile:
        """See stand_in."""

        def filler(text: str | None, pattern: str = _FILLER) -> str | None:
            if not text:
                return None
            width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
            return (pattern * (1 + 2 * width // len(pattern)))[: -(-width // BAND_STEP) * BAND_STEP].strip()

        local = [
            (key, code, filler(text) or "")
            for key, code, text in self.by_language
            if code in langs and key in LANGUAGE_FIELDS
        ]
        stand_in = Profile(
            name=filler(self.name) or "",
            address=filler(self.address),
            phone=re.sub(r"\d", "0", self.phone) if self.phone else None,
            hours=filler(self.hours),
            website=filler(self.website, _FILLER_URL),
            telehealth=filler(self.telehealth, _FILLER_URL),
            logo_uri=self.logo_uri,
            source="a stand-in clinic",
            by_language=tuple(local),
        )
        return replace(stand_in, digest="stand-in-" + hashlib.sha256(repr(stand_in).encode()).hexdigest()[:16])


@functools.lru_cache(maxsize=256)  # a batch asks once per job of an office; the digest reads the whole logo
def _stand_in(profile: Profile, langs: tuple[str, ...]) -> Profile:
    return profile._make_stand_in(langs)


def language_field(name: str) -> tuple[str, str] | None:
    """("message", "zh-Hant") for a field named message_zh-Hant (any case); None for others."""
    key, sep, code = name.partition("_")
    if not sep or key.casefold() not in LANGUAGE_FIELDS:
        return None
    known = {c.casefold(): c for c in LANGUAGES}
    return (key.casefold(), known[code.casefold()]) if code.casefold() in known else None


def is_field(name: str) -> bool:
    """A profile field (or batch column): one of FIELDS, or hours_<code> / message_<code>."""
    return name.casefold() in FIELDS or language_field(name) is not None
