"""The library's messages in the page's terms: profile problems by form field,
build warnings in plain words. Both read the notices' fields (notices.py),
never their text."""

from __future__ import annotations

import datetime as dt
import errno
import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from babel.dates import format_date

from ..clinic.profile import is_field
from ..locales import LANGUAGES
from ..notices import (
    CLAIM_DUE,
    CLAIM_UNCONFIRMED,
    FACT_MISSING,
    FACT_UNCONFIRMED,
    FIELD,
    QR_MISSING,
    QR_UNCONFIRMED,
    RGB_LOGO,
    Notice,
    from_record,
    notice,
)
from ..reliance import CLAIM_NOTE
from ..words import current
from .i18n import N_, gettext

TOO_SLOW = N_(
    "This took too long and was stopped. Choose fewer handouts, languages or sizes and try again. "
    "If a logo is very detailed, try a simpler one (or a PNG)."
)
WORKER_LOST = N_(
    "The process making your files stopped (it may have run out of memory) and was replaced. "
    "Try again; if it happens again, choose fewer handouts or a simpler logo."
)


DISK_FULL = N_(
    "The server has no room left to save files, so nothing was saved or made. "
    "Tell the person who runs this page; try again once they have made room."
)


def disk_full(exc: BaseException) -> bool:
    """A full disk or quota, however it reached us: an OSError, our OutputError, SQLite's message."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc)
    return any(sign in text for sign in ("No space left", "Disk quota exceeded", "database or disk is full"))


# An absolute path (two or more parts), not inside a URL or a word: only its last part is shown.
_PATH = re.compile(r"(?<![\w:/.~-])/(?:[^/\s'\"]+/)+([^/\s'\"]+)")
MESSAGE_KEYS = ("errors", "other", "message", "error", "result", "warnings", "drafts")


def without_paths(value: Any) -> Any:
    """A message (or a summary of them: dicts and lists, recursively) with
    each of the server's absolute paths cut to its file name: the page never
    shows where the server keeps its data."""
    if isinstance(value, str):
        return _PATH.sub(r"\1", value)
    if isinstance(value, Mapping):
        return {key: without_paths(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(without_paths(item) for item in value)
    return value


def download_name(name: str) -> str:
    """What a made file saves as: its language folder joins its name, so the
    English, Spanish and Korean flyers do not all save as the same file
    ('es/know-your-rights-letter.pdf' -> 'know-your-rights-letter-es.pdf';
    'en+es+ko/nonpublic-area-letter.pdf' -> 'nonpublic-area-letter-en+es+ko.pdf')."""
    path = PurePosixPath(name)
    folder = path.parts[0] if len(path.parts) > 1 else ""
    codes = folder.split("+")
    if folder and all(code in LANGUAGES for code in codes):
        return f"{path.stem}-{folder}{path.suffix}"
    return path.name


def bundle_name(handouts: list[str], langs: list[str], clinic: str) -> str:
    """The ZIP of one choice: what, in which languages, for which clinic
    ('know-your-rights-en-es-ko-koreatown-clinic.zip')."""
    what = handouts[0] if len(handouts) == 1 else "handouts"
    parts = [what, "-".join(langs)] + ([clinic] if clinic else [])
    return "-".join(part for part in parts if part) + ".zip"


def field_errors(problems: list[str]) -> tuple[dict[str, str], list[str]]:
    """Profile problems by field ({'phone': ...}), and the others as they are."""
    by_field: dict[str, str] = {}
    other = []
    for problem in map(notice, problems):
        if problem.code == FIELD and is_field(problem.subject):
            message = problem.detail.get("message", "")
            stored_logo = r"(/[^\s]*)?/([0-9a-f]{64})\.(png|jpg|svg)"  # a stored logo's path
            message = re.sub(stored_logo, gettext("the logo"), message)
            by_field.setdefault(problem.subject, message[:1].upper() + message[1:])
        else:
            other.append(problem.split(": ", 1)[-1])
    return by_field, other


def as_notice(stored: str | Mapping[str, Any]) -> Notice:
    """A warning as a job's result stores it (notices.Notice.as_record), or as plain text."""
    return from_record(stored) if isinstance(stored, Mapping) else notice(stored)


def plain_warning(warning: Notice) -> str:
    """A build warning in plain words, in the page's language (no "inferred", no "RGB")."""
    if warning.code == QR_UNCONFIRMED:
        return gettext(
            "We have not yet confirmed that the link %(url)s opens the right page. "
            "Open it on your phone before you print."
        ) % {"url": warning.detail.get("url", "")}
    if warning.code == CLAIM_DUE and "review_by" in warning.detail:
        return gettext(
            "A statement of law on this handout must be checked again by %(date)s, against %(sources)s. "
            "After that date this handout cannot be made until someone has checked it."
        ) % {"date": _long_date(warning.detail["review_by"]), "sources": warning.detail.get("sources", "")}
    if warning.dated:
        return gettext("A statement about the law is due for review soon:") + " " + warning.removeprefix(CLAIM_NOTE)
    what = warning.detail.get("label") or warning.subject
    if warning.code == FACT_UNCONFIRMED:
        return gettext(
            "We have not yet confirmed %(what)s: %(value)s. Check it (call it, or open it) before you print."
        ) % {"what": what, "value": warning.detail.get("value", "")}
    if warning.code == FACT_MISSING:
        return gettext(
            "%(what)s is not in our list of checked numbers and links yet, so the handout leaves it out. "
            "Tell the person who runs this page."
        ) % {"what": what}
    if warning.code == QR_MISSING:
        return gettext("There is no link yet for the QR code of %(what)s, so the code is left out.") % {"what": what}
    if warning.code == CLAIM_UNCONFIRMED:
        return gettext(
            "One statement of law on this handout is not fully confirmed yet. Read it against its source before you "
            "print: %(sources)s"
        ) % {"sources": warning.detail.get("sources", "")}
    if warning.code == RGB_LOGO:
        return gettext(
            "For the print shop: your logo is in screen colours. Most print shops convert it; if yours asks for "
            "CMYK only, send them your logo in CMYK as well."
        )
    return str(warning)


def _long_date(iso: str) -> str:
    """'2027-01-15' as the page's language writes a date ('January 15, 2027', '15 de enero de 2027')."""
    try:
        return format_date(dt.date.fromisoformat(iso), format="long", locale=current())
    except ValueError:
        return iso
