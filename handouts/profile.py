"""Clinic profiles: a clinic's own name, address, phone, hours, links, logo and
colour, printed in a band on every handout.

A profile is a small TOML file (`handouts init-profile` writes a commented
example). Everything in it is checked before anything is printed: the phone
number is parsed and formatted, the colour must leave white text readable
(WCAG AA, 4.5:1), links must be https, and an SVG logo is cleaned of scripts
and outside references (it is never fetched from anywhere).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import os
import re
import stat
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

import defusedxml.ElementTree as defused  # noqa: N813 - beside xml.etree.ElementTree
import phonenumbers
from defusedxml import DefusedXmlException

from .errors import ContentError
from .fonts import describe_char, missing_glyphs
from .locales import LANGUAGES

MAX_LOGO_BYTES = 2_000_000
MIN_CONTRAST = 4.5
FIELDS = ("name", "address", "phone", "hours", "website", "telehealth", "logo", "color")
# Per language, a field `<name>_<code>` (hours_ko, message_es, message_zh-Hant): printed
# on that language's pages only. `hours_<code>` replaces `hours` there; a message is
# a short line of the clinic's own ("We speak Korean"), in that language.
LANGUAGE_FIELDS = ("hours", "message")
MAX_MESSAGE_CHARS = 120
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
        stand-in (batch.shared_fits), whatever other rows the CSV has; each
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


def _luminance(hex_color: str) -> float:
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_color: str) -> float:
    return 1.05 / (_luminance(hex_color) + 0.05)


SVG_NS = "http://www.w3.org/2000/svg"
ElementTree.register_namespace("", SVG_NS)  # write <svg>, not <ns0:svg>
ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
_UNSAFE_TAGS = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video", "animate", "set"}


MAX_SVG_DEPTH = 64


def clean_svg(data: bytes, where: str) -> tuple[bytes, list[str]]:
    """An SVG with no scripts, event handlers or references outside itself.
    Parsed with defusedxml, whatever its encoding: a DOCTYPE, entities or
    external references are refused, and so is nesting deeper than MAX_SVG_DEPTH."""
    try:
        root = defused.fromstring(data)
    except DefusedXmlException:
        raise ProfileError(f"{where}: the SVG logo declares a DOCTYPE or entities; save it as plain SVG.") from None
    except ElementTree.ParseError as exc:
        raise ProfileError(f"{where}: the SVG logo is not valid XML ({exc}).") from None
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_SVG_DEPTH:
            raise ProfileError(
                f"{where}: the SVG logo nests elements more than {MAX_SVG_DEPTH} deep; "
                "export it again as a simple SVG (or use a PNG)."
            )
        stack.extend((child, depth + 1) for child in element)
    if root.tag not in (f"{{{SVG_NS}}}svg", "svg"):
        raise ProfileError(f"{where}: the logo file is not an SVG image.")
    removed: list[str] = []
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag.split("}")[-1] in _UNSAFE_TAGS:
                parent.remove(child)
                removed.append(f"<{child.tag.split('}')[-1]}> element")
    outside = []  # elements that pointed outside the file: dropped whole below
    for element in root.iter():
        for name, value in list(element.attrib.items()):
            local = name.split("}")[-1]
            if local.lower().startswith("on"):
                del element.attrib[name]
                removed.append(f"{local} attribute")
            elif local == "href" and not value.startswith("#"):
                del element.attrib[name]
                removed.append(f"link to {value[:60]}")
                outside.append(element)
            elif re.search(r"url\(\s*['\"]?(?!#)", value):
                del element.attrib[name]
                removed.append(f"{local} with an outside url()")
        if element.tag.split("}")[-1] == "style" and element.text and re.search(r"url\((?!#)|@import", element.text):
            element.text = ""
            removed.append("stylesheet with outside references")
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in outside:
        if element in parents:
            parents[element].remove(element)
    return ElementTree.tostring(root), removed


LOGO_MAX_PIXELS = 1200  # longest side: 600 dpi at the 2 in a logo is printed at, at most
MAX_LOGO_DECODED_PIXELS = 40_000_000  # refuse decompression bombs before decoding


def read_bounded(path: Path, limit: int, what: str, where: str) -> bytes:
    """A regular file's bytes, refused before reading when it is too big (and
    never a device, a FIFO or a folder)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ProfileError(f"{where}: {path} is not a regular file; give the path of the {what} file.")
        if info.st_size > limit:
            raise ProfileError(
                f"{where}: the {what} {path.name} is {info.st_size / 1e6:.1f} MB; use one under {limit / 1e6:g} MB."
            )
        with open(path, "rb") as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise ProfileError(f"{where}: cannot read the {what} file {path} ({exc.strerror or exc}).") from None
    if len(data) > limit:
        raise ProfileError(f"{where}: the {what} {path.name} is over {limit / 1e6:g} MB.")
    return data


def _raster(data: bytes, kind: str, where: str) -> bytes:
    """Decode the whole image (a truncated file is an error, not a grey patch),
    then scale it down to what print needs."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_LOGO_DECODED_PIXELS:
                raise ProfileError(
                    f"{where}: the logo is {probe.width} x {probe.height} pixels; "
                    f"use one under {LOGO_MAX_PIXELS * 4} pixels wide."
                )
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except ProfileError:
        raise
    except Exception as exc:  # Pillow raises many kinds for a broken file
        raise ProfileError(
            f"{where}: the logo image is damaged or cut short ({type(exc).__name__}); export it again."
        ) from None
    if max(image.size) <= LOGO_MAX_PIXELS:
        return data
    image.thumbnail((LOGO_MAX_PIXELS, LOGO_MAX_PIXELS))
    buffer = io.BytesIO()
    if kind == "image/jpeg":
        image.convert("RGB").save(buffer, "JPEG", quality=90)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


_LOGOS: dict[tuple[Path, tuple[int, int]], tuple[str, tuple[str, ...]]] = {}


def _logo_cached(path: Path, where: str, stamp: tuple[int, int]) -> tuple[str, tuple[str, ...]]:
    """One checked copy per logo file and version, however many rows name it."""
    if (path, stamp) not in _LOGOS:
        _LOGOS[(path, stamp)] = _logo_data(path, where)
    return _LOGOS[(path, stamp)]


def _logo_data(path: Path, where: str) -> tuple[str, tuple[str, ...]]:
    data = read_bounded(path, MAX_LOGO_BYTES, "logo", where)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind, notes = "image/png", list[str]()
        data = _raster(data, kind, where)
    elif data.startswith(b"\xff\xd8\xff"):
        kind, notes = "image/jpeg", []
        data = _raster(data, kind, where)
    elif (
        path.suffix.lower() == ".svg"
        or data.lstrip().startswith((b"<svg", b"<?xml"))
        or data[:2] in (b"\xff\xfe", b"\xfe\xff")
    ):
        data, notes = clean_svg(data, where)
        kind = "image/svg+xml"
    else:
        raise ProfileError(f"{where}: the logo must be a PNG, JPEG or SVG file.")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}", tuple(notes)


def _logo(path: Path, where: str, base: Path, anywhere: bool = False) -> tuple[str, list[str]]:
    """The checked logo as a data: URI. Each file is read once per run (a batch
    of offices sharing one logo loads it once). Unless `anywhere`, the file
    must be inside the folder of the profile or CSV file that names it."""
    try:
        resolved = path.resolve()
        if not anywhere and not resolved.is_relative_to(base.resolve()):
            raise ProfileError(
                f"{where}: the logo {path} is outside {base}; put it in that folder "
                "(or pass --logo-anywhere if you trust where it points)."
            )
        info = os.stat(resolved)
    except OSError as exc:
        raise ProfileError(f"{where}: cannot read the logo file {path} ({exc.strerror or exc}).") from None
    uri, notes = _logo_cached(resolved, where, (info.st_mtime_ns, info.st_size))
    return uri, list(notes)


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
# Characters that make a link print differently from where it leads: bidi
# controls (U+202E turns "moc.evil" into "live.com") and invisible ones.
_DECEPTIVE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")


def check_link(value: str, where: str) -> str:
    """An https link as printed and as put in the QR code: the same text. No
    invisible or direction-changing characters; a non-ASCII host is turned into
    its punycode form, so the printed host is the host the code opens."""
    if _DECEPTIVE.search(value) or any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        raise ProfileError(
            f"{where}: the link contains invisible or direction-changing characters; type it again by hand."
        )
    if not re.fullmatch(r"https://[^\s/$.?#][^\s]*", value):
        raise ProfileError(f"{where}: '{value}' must be a full https:// link.")
    rest = value.removeprefix("https://")
    host, sep, tail = rest.partition("/")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ProfileError(f"{where}: the host in '{value}' is not a valid domain name.") from None
    return f"https://{host}{sep}{tail}"


def make_profile(values: dict, where: str, base: Path, logo_anywhere: bool = False) -> Profile:
    """Check a profile's fields (from a TOML file or a CSV row) and build it."""
    problems = []
    unknown = sorted(k for k in values if not is_field(k))
    if unknown:
        problems.append(
            f"{where}: unknown field(s) {', '.join(unknown)}; known fields: {', '.join(FIELDS)}, "
            "and per language hours_<code> and message_<code> (for example message_ko)."
        )
    text = {k: (str(v).strip() if v is not None else "") for k, v in values.items() if is_field(k)}
    too_long = [key for key, limit in MAX_FIELD_CHARS.items() if len(text.get(key, "")) > limit]
    for key in too_long:
        problems.append(
            f"{where}: field '{key}' has {len(text[key]):,} characters; at most "
            f"{MAX_FIELD_CHARS[key]} fit on a handout. Shorten it."
        )
        text[key] = ""
    name = text.get("name", "")
    if not name and "name" not in too_long:
        problems.append(f"{where}: field 'name' is required (the clinic's name as patients know it).")
    phone = None
    if text.get("phone"):
        try:
            number = phonenumbers.parse(text["phone"], "US")
            valid = phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            problems.append(
                f"{where}: field 'phone': '{text['phone']}' is not a valid phone number; write it like (213) 555-0100."
            )
        else:  # US numbers as (213) 555-0100; others keep their country code: +52 664 123 4567
            style = (
                phonenumbers.PhoneNumberFormat.NATIONAL
                if number.country_code == 1
                else phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
            phone = phonenumbers.format_number(number, style)
    for link in ("website", "telehealth"):
        if text.get(link):
            try:
                text[link] = check_link(text[link], f"{where}: field '{link}'")
            except ProfileError as exc:
                problems.append(str(exc))
    color = text.get("color") or "#9b1c1c"
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        problems.append(f"{where}: field 'color': '{color}' must be a colour like #1d4ed8.")
    else:
        ratio = contrast_with_white(color)
        if ratio < MIN_CONTRAST:
            problems.append(
                f"{where}: field 'color': white text on {color} has a contrast of {ratio:.1f}:1; "
                f"it needs at least {MIN_CONTRAST}:1 to be readable (WCAG AA). Choose a darker colour."
            )
    logo_uri, notes = None, list[str]()
    if text.get("logo"):
        try:
            logo_uri, notes = _logo(base / text["logo"], f"{where}: field 'logo'", base, logo_anywhere)
        except ProfileError as exc:
            problems.append(str(exc))
    by_language = []
    for key in sorted(text):
        local = language_field(key)
        if local is None or not text[key]:
            continue
        name_, code = local
        limit = MAX_MESSAGE_CHARS if name_ == "message" else MAX_FIELD_CHARS["hours"]
        if len(text[key]) > limit:
            problems.append(
                f"{where}: field '{key}' has {len(text[key]):,} characters; "
                f"at most {limit} fit on a handout. Shorten it."
            )
            continue
        missing = _missing_glyphs(text[key], code)
        if missing:
            problems.append(
                f"{where}: field '{key}': {missing} cannot be printed with the {code} fonts; "
                "write this field in that language's script."
            )
            continue
        by_language.append((name_, code, text[key]))
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


def _missing_glyphs(value: str, code: str) -> str:
    """The first characters of `value` that `code`'s fonts cannot draw, described, or ''."""
    missing = missing_glyphs(value, LANGUAGES[code].fonts)
    return ", ".join(describe_char(ch) for ch in missing[:3])


MAX_PROFILE_BYTES = 100_000


@cache
def _load(path: Path, _mtime: int, logo_anywhere: bool) -> Profile:
    if not os.path.lexists(path):
        raise ProfileError(f"{path}: profile file not found. Make one with: handouts init-profile {path}")
    data = read_bounded(path, MAX_PROFILE_BYTES, "profile", str(path))
    try:
        values = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: not UTF-8 text; save it as UTF-8 (in Notepad: Save as, Encoding UTF-8).") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f'{path}: this is not valid TOML ({exc}). Put text in "quotes".') from None
    return make_profile(values, str(path), path.parent, logo_anywhere)


def load_profile(path: str | Path, logo_anywhere: bool = False) -> Profile:
    """A clinic profile from a TOML file, checked (see make_profile). Its logo
    must sit in the profile's folder unless `logo_anywhere`."""
    path = Path(os.path.abspath(path))
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0  # reported by _load with the file's name
    return _load(path, stamp, logo_anywhere)


EXAMPLE = """# Clinic profile for `handouts build --profile THIS_FILE`.
# Your clinic's details, printed in a band on every handout. Only `name` is
# required; leave out any line you do not want printed. Text may be in any
# language or script.

name = "Example Community Clinic"
address = "123 Example Street, Los Angeles, CA 90012"
# Parsed and printed as (213) 555-0100. Use your front desk's number.
phone = "213-555-0100"
hours = "Mon-Fri 8:00-17:00, Sat 9:00-13:00"
# Per language (optional): hours_<code> replaces the hours on that language's
# pages; message_<code> adds a short line of your own there (at most 120 characters),
# written in that language. Codes: handouts list.
# hours_es = "lunes a viernes, 8:00-17:00"
# message_ko = "한국어로 상담해 드립니다"
# Full https:// links; the telehealth link is printed with a QR code.
website = "https://clinic.example.org"
telehealth = "https://clinic.example.org/video-visit"
# A PNG, JPEG or SVG file, relative to this file. SVG scripts and outside links are removed.
# logo = "logo.png"
# The band colour. White text must be readable on it (contrast at least 4.5:1).
color = "#1d4ed8"
"""
