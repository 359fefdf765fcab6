"""The page's own words in the reader's language: gettext catalogues read
with Babel from handouts/web/locale/<lang>/LC_MESSAGES/messages.po.

Adding a language is adding a catalogue (and its code to UI_LANGUAGES).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
UI_LANGUAGES = {"en": "English", "es": "Español"}
_current: contextvars.ContextVar[str] = contextvars.ContextVar("ui_lang", default="en")


@cache
def catalogue(lang: str) -> dict[str, str]:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
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


def choose(cookie: str | None, accept: str) -> str:
    if cookie in UI_LANGUAGES:
        return cookie
    for part in accept.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in UI_LANGUAGES:
            return code
    return "en"


@contextlib.contextmanager
def active(lang: str) -> Iterator[None]:
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def N_(message: str) -> str:  # noqa: N802 - the name pybabel extracts by default
    """Mark a message kept in a constant for translation (gettext it where it is shown)."""
    return message


def gettext(message: str) -> str:
    return catalogue(_current.get()).get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)
