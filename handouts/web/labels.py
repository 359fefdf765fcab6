"""Names the page shows that come from the library in English: each handout's
name (handout.yaml) and each paper size (sizes.py), marked here so that
translators find them (pybabel extracts N_), and language names in the page's
language (Babel's). `tests/test_web.py` checks this list against the library,
so a new handout or size cannot go untranslated unnoticed.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from ..locales import LANGUAGES
from .i18n import N_, gettext

LIBRARY_NAMES = (
    # handouts (handout.yaml `name`)
    N_("Keep getting care"),
    N_("Family plan"),
    N_("Know your rights"),
    N_("Legal help"),
    N_("Medi-Cal, the year ahead"),
    N_("Nonpublic area door sign"),
    N_("Notice to authorities"),
    N_("Your medicines"),
    N_("Red Card"),
    N_("Staff protocol"),
    # paper sizes (sizes.py `description`)
    N_("US Letter 8.5 x 11 in"),
    N_("US Legal 8.5 x 14 in"),
    N_("A4 210 x 297 mm"),
    N_("Half Letter 5.5 x 8.5 in"),
    N_("Postcard 4 x 6 in"),
    N_("Tabloid poster 11 x 17 in"),
    N_("A3 poster 297 x 420 mm"),
    N_("Poster 18 x 24 in"),
    N_("Poster 24 x 36 in"),
    N_("Wallet card 3.5 x 2 in"),
)


def label(name: str) -> str:
    """A library name in the page's language."""
    return gettext(name)


def language_name(code: str, ui_lang: str) -> str:
    """A language's name in the page's language ('Korean' / 'coreano'); its
    English name where Babel has none (Western Armenian)."""
    language = LANGUAGES[code]
    if ui_lang == "en":
        return language.english_name
    try:
        found = Locale.parse(ui_lang).languages.get(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        found = None
    return found[:1].upper() + found[1:] if found else language.english_name
