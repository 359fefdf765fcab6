"""The page's own words in the reader's language: gettext catalogues read
with Babel from handouts/web/locale/<lang>/LC_MESSAGES/messages.po. The
reader's language is the library's (words.py): making it active for a request
also words what the library says in it (a field's problem, a file's title).

Adding a language is adding a catalogue here and one in handouts/locale (and
its code to UI_LANGUAGES).
"""

from __future__ import annotations

import gettext as gettext_module
from pathlib import Path

from ..words import N_, active, current, read_catalogue

__all__ = ["LOCALE_DIR", "N_", "UI_LANGUAGES", "active", "catalogue", "choose", "gettext", "ngettext"]

LOCALE_DIR = Path(__file__).parent / "locale"
UI_LANGUAGES = {"en": "English", "es": "Español"}


def catalogue(lang: str) -> gettext_module.NullTranslations:
    return read_catalogue(LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po", lang)


def choose(cookie: str | None, accept: str) -> str:
    if cookie in UI_LANGUAGES:
        return cookie
    for part in accept.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in UI_LANGUAGES:
            return code
    return "en"


def gettext(message: str) -> str:
    return catalogue(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue(current()).ngettext(singular, plural, n)
