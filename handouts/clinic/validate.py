"""Checking a clinic profile's fields before anything is printed.

`make_profile` takes the fields of a TOML file or a CSV row and builds a
`Profile`, or raises one `ProfileError` that lists every problem: control
characters (line breaks are read as spaces), unknown or over-long fields, a
missing name, a phone number that does not parse, a link that is not https or
hides invisible or direction-changing characters, a colour that leaves white
text unreadable (WCAG AA), a logo that cannot be used, and per-language text
the language's fonts cannot draw.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any

import phonenumbers

from ..fonts import describe_char, missing_glyphs
from ..locales import LANGUAGES, reader_name
from ..notices import FIELD, Notice
from ..words import _
from .logo import checked_logo
from .profile import (
    FIELDS,
    MAX_FIELD_CHARS,
    MAX_MESSAGE_CHARS,
    Profile,
    ProfileError,
    is_field,
    language_field,
)

MIN_CONTRAST = 4.5
# Characters that make a link print differently from where it leads: bidi
# controls (U+202E turns "moc.evil" into "live.com") and invisible ones.
_DECEPTIVE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")
# Line breaks a CSV cell or a pasted text may hold (CR, LF, U+2028...): read as one
# space (in an address, as ", "), so no field can add a line to PRINT-ME-FIRST.
_BREAKS = re.compile(r"\s*[\r\n\v\f\x85\u2028\u2029]+\s*")
# Characters no clinic detail needs, which change what is printed or shown: the
# other control characters (NUL, ESC...) and bidi overrides, embeddings and isolates.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
_LINK_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")  # a link's bidi: check_link says it
LINKS = ("website", "telehealth")


def _luminance(hex_color: str) -> float:
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_color: str) -> float:
    return 1.05 / (_luminance(hex_color) + 0.05)


def check_link(value: str, where: str) -> str:
    """An https link as printed and as put in the QR code: the same text. No
    invisible or direction-changing characters; a non-ASCII host is turned into
    its punycode form, so the printed host is the host the code opens."""
    if _DECEPTIVE.search(value) or any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        raise ProfileError(
            f"{where}: " + _("the link contains invisible or direction-changing characters; type it again by hand.")
        )
    if not re.fullmatch(r"https://[^\s/$.?#][^\s]*", value):
        raise ProfileError(f"{where}: " + _("'%(link)s' must be a full https:// link.") % {"link": value})
    rest = value.removeprefix("https://")
    host, sep, tail = rest.partition("/")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            message = _("the host in '%(link)s' is not a valid domain name.") % {"link": value}
            raise ProfileError(f"{where}: {message}") from None
    return f"https://{host}{sep}{tail}"


def format_phone(value: str) -> str | None:
    """A phone number as printed, or None if it is not a valid one. US numbers
    as (213) 555-0100; others keep their country code: +52 664 123 4567."""
    try:
        number = phonenumbers.parse(value, "US")
        valid = phonenumbers.is_valid_number(number)
    except phonenumbers.NumberParseException:
        valid = False
    if not valid:
        return None
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


# The checks make_profile runs, in order. Each adds what is wrong to `problems`,
# so that one error lists every problem of a profile at once.


def _field(where: str, field: str, message: str) -> Notice:
    """A problem with one field: "{where}: field '{field}': {message}"; the notice
    also carries the field and the message alone (the web page shows it at the field)."""
    return Notice(f"{where}: field '{field}': {message}", FIELD, field, message=message)


def _unknown_fields(values: dict[str, Any], where: str, problems: list[str]) -> None:
    unknown = sorted(k for k in values if not is_field(k))
    if unknown:
        message = _(
            "unknown field(s) %(unknown)s; known fields: %(known)s, "
            "and per language hours_<code> and message_<code> (for example message_ko)."
        ) % {"unknown": ", ".join(unknown), "known": ", ".join(FIELDS)}
        problems.append(f"{where}: {message}")


def _controls(text: dict[str, str], where: str, problems: list[str]) -> None:
    """Line breaks become spaces (issue 24, item 15); a field with another
    control character is refused, named by its code point (never printed as is)."""
    for key, raw in text.items():
        value = _BREAKS.sub(", " if key == "address" else " ", raw).replace("\t", " ")
        controls = _LINK_CONTROLS if key in LINKS else _CONTROLS
        bad = controls.search(value)
        if bad:
            char = bad.group()
            name = unicodedata.name(char, "a control character")
            message = _(
                "this field contains an invisible control character (%(code)s, %(name)s); type it again without it."
            ) % {"code": f"U+{ord(char):04X}", "name": name}
            problems.append(_field(where, key, message))
            value = controls.sub("", value)  # the profile is refused; later checks read the rest
        text[key] = value


def _too_long(text: dict[str, str], where: str, problems: list[str]) -> list[str]:
    """The fields longer than MAX_FIELD_CHARS allows, each emptied in `text`."""
    too_long = [key for key, limit in MAX_FIELD_CHARS.items() if len(text.get(key, "")) > limit]
    for key in too_long:
        problems.append(_field(where, key, _too_many(len(text[key]), MAX_FIELD_CHARS[key])))
        text[key] = ""
    return too_long


def _name(text: dict[str, str], too_long: list[str], where: str, problems: list[str]) -> str:
    name = text.get("name", "")
    if not name and "name" not in too_long:
        required = _("this field is required: the clinic's name as patients know it.")
        problems.append(_field(where, "name", required))
    return name


def _phone(text: dict[str, str], where: str, problems: list[str]) -> str | None:
    if not text.get("phone"):
        return None
    phone = format_phone(text["phone"])
    if phone is None:
        bad = _("'%(phone)s' is not a valid phone number; write it like (213) 555-0100.") % {"phone": text["phone"]}
        problems.append(_field(where, "phone", bad))
    return phone


def _links(text: dict[str, str], where: str, problems: list[str]) -> None:
    """Each link that is given, checked and put in `text` as it will print."""
    for link in LINKS:
        if text.get(link):
            try:
                text[link] = check_link(text[link], f"{where}: field '{link}'")
            except ProfileError as exc:
                problems.append(_field(where, link, str(exc).removeprefix(f"{where}: field '{link}': ")))


def _color(text: dict[str, str], where: str, problems: list[str]) -> str:
    color = text.get("color") or "#9b1c1c"
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        wrong = _("'%(color)s' must be a colour like #1d4ed8.") % {"color": color}
        problems.append(_field(where, "color", wrong))
    else:
        ratio = contrast_with_white(color)
        if ratio < MIN_CONTRAST:
            low = _(
                "white text on %(color)s has a contrast of %(ratio)s:1; it needs at least %(least)s:1 "
                "to be readable (WCAG AA). Choose a darker colour."
            ) % {"color": color, "ratio": f"{ratio:.1f}", "least": MIN_CONTRAST}
            problems.append(_field(where, "color", low))
    return color


def _logo(
    text: dict[str, str], where: str, base: Path, anywhere: bool, problems: list[str]
) -> tuple[str | None, list[str]]:
    """The logo's data: URI (None when there is none) and what cleaning it removed."""
    if text.get("logo"):
        try:
            return checked_logo(base / text["logo"], f"{where}: field 'logo'", base, anywhere)
        except ProfileError as exc:
            problems.append(_field(where, "logo", str(exc).removeprefix(f"{where}: field 'logo': ")))
    return None, []


def _by_language(text: dict[str, str], where: str, problems: list[str]) -> list[tuple[str, str, str]]:
    """(field, language code, text) of each hours_<code> and message_<code> given:
    short enough, and in characters that language's fonts can draw."""
    by_language = []
    for key in sorted(text):
        local = language_field(key)
        if local is None or not text[key]:
            continue
        name_, code = local
        limit = MAX_MESSAGE_CHARS if name_ == "message" else MAX_FIELD_CHARS["hours"]
        if len(text[key]) > limit:
            problems.append(_field(where, key, _too_many(len(text[key]), limit)))
            continue
        missing = _missing_glyphs(text[key], code)
        if missing:
            unprintable = _(
                "%(characters)s cannot be printed with the fonts for %(language)s; "
                "write this field in that language's script."
            ) % {"characters": missing, "language": reader_name(code, True)}
            problems.append(_field(where, key, unprintable))
            continue
        by_language.append((name_, code, text[key]))
    return by_language


def _too_many(count: int, limit: int) -> str:
    return _("this field has %(count)s characters; at most %(limit)s fit on a handout. Shorten it.") % {
        "count": f"{count:,}",
        "limit": limit,
    }


def _missing_glyphs(value: str, code: str) -> str:
    """The first characters of `value` that `code`'s fonts cannot draw, described, or ''."""
    missing = missing_glyphs(value, LANGUAGES[code].fonts)
    return ", ".join(describe_char(ch) for ch in missing[:3])


def make_profile(values: dict[str, Any], where: str, base: Path, logo_anywhere: bool = False) -> Profile:
    """Check a profile's fields (from a TOML file or a CSV row) and build it.
    One ProfileError lists every problem, in the order of the checks below. The
    digest hashes the fields as checked (links as they print) and the logo."""
    problems: list[str] = []
    _unknown_fields(values, where, problems)
    text = {k: (str(v).strip() if v is not None else "") for k, v in values.items() if is_field(k)}
    _controls(text, where, problems)
    too_long = _too_long(text, where, problems)
    name = _name(text, too_long, where, problems)
    phone = _phone(text, where, problems)
    _links(text, where, problems)
    color = _color(text, where, problems)
    logo_uri, notes = _logo(text, where, base, logo_anywhere, problems)
    by_language = _by_language(text, where, problems)
    if problems:
        raise ProfileError(
            problems[0] if len(problems) == 1 else f"{len(problems)} problems:\n  - " + "\n  - ".join(problems),
            problems,
        )
    digest = hashlib.sha256(repr(sorted(text.items())).encode() + (logo_uri or "").encode()).hexdigest()
    return Profile(
        name=name,
        address=text.get("address") or None,
        phone=phone,
        hours=text.get("hours") or None,
        website=text.get("website") or None,
        telehealth=text.get("telehealth") or None,
        logo_uri=logo_uri,
        color=color.lower(),
        source=where,
        digest=digest,
        notes=tuple(notes),
        by_language=tuple(by_language),
    )
