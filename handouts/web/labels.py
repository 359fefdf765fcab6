"""Names the page shows that come from the library (handout names, paper
sizes, language names), in the page's language: the library words them
(labels.py, locales.reader_name, and its catalogue in handouts/locale)."""

from __future__ import annotations

from ..labels import HANDOUT_NAMES
from ..locales import reader_name
from ..sizes import SIZES
from ..words import active, gettext

LIBRARY_NAMES = (*HANDOUT_NAMES, *(size.description for size in SIZES.values()))


def label(name: str) -> str:
    """A library name (a handout's or a size's) in the page's language."""
    return gettext(name)


def language_name(code: str, ui_lang: str) -> str:
    """A language's name in the page's language ('Korean' / 'coreano')."""
    with active(ui_lang):
        return reader_name(code)
