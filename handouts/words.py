"""The tool's own words in the reader's language: gettext catalogues read with
Babel. The library's sentences (a field's problem, a file's title and how to
print it, PRINT-ME-FIRST.txt, warnings about facts and claims) are in
handouts/locale/<lang>/LC_MESSAGES/handouts.po; the web page keeps its own in
handouts/web/locale (web/i18n.py). One language is active at a time (a context
variable): English unless a caller (the web page, for one request or one job)
makes another active. The CLI never does, so what it prints and writes is English.

Adding a language is adding its catalogues.
"""

from __future__ import annotations

import contextlib
import contextvars
import gettext as gettext_module
import io
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "handouts"
_current: contextvars.ContextVar[str] = contextvars.ContextVar("reader_lang", default="en")


@cache
def read_catalogue(path: Path, lang: str) -> gettext_module.NullTranslations:
    """A PO file as Babel's Translations (fuzzy entries left out, the language's
    own plural rule from its header); a null catalogue when there is none."""
    if not path.is_file():
        return gettext_module.NullTranslations()
    with path.open("rb") as handle:
        po = read_po(handle, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, po)
    compiled.seek(0)
    return Translations(compiled, domain=path.stem)


def current() -> str:
    """The reader's language now ('en' unless a caller made another active)."""
    return _current.get()


@contextlib.contextmanager
def active(lang: str) -> Iterator[None]:
    """Words in `lang` inside this block (and in tasks started inside it)."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def in_language(lang: str, function: object, *args: object) -> object:
    """Call `function(*args)` with `lang` active: how a job started by a reader
    runs in another process (a worker) in that reader's language."""
    assert callable(function)
    with active(lang):
        return function(*args)


def N_(message: str) -> str:  # noqa: N802 - the name pybabel extracts by default
    """Mark a message kept in a constant for translation (gettext it where it is used)."""
    return message


def _catalogue() -> gettext_module.NullTranslations:
    lang = _current.get()
    return read_catalogue(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", lang)


def gettext(message: str) -> str:
    """`message` in the reader's language, from the library's catalogue (itself when untranslated)."""
    return _catalogue().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for `n` by the reader's language's own plural rule."""
    return _catalogue().ngettext(singular, plural, n)


_ = gettext
