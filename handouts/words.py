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
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "handouts"
_current: contextvars.ContextVar[str] = contextvars.ContextVar("reader_lang", default="en")


@cache
def read_catalogue(path: Path, lang: str) -> dict[str, str]:
    """msgid -> translation of a PO file (fuzzy and empty entries left out); {} when there is none."""
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        po = read_po(handle, locale=lang)
    found: dict[str, str] = {}
    for message in po:
        if not message.id or not message.string or message.fuzzy:
            continue
        if isinstance(message.id, str):
            found[message.id] = str(message.string)
        else:  # (singular, plural): the first and the last of the language's forms
            forms = [form for form in message.string if form]
            found[message.id[0]], found[message.id[1]] = forms[0], forms[-1]
    return found


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


def gettext(message: str) -> str:
    """`message` in the reader's language, from the library's catalogue (itself when untranslated)."""
    lang = _current.get()
    if lang == "en":
        return message
    return read_catalogue(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", lang).get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


_ = gettext
