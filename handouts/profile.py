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
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

import phonenumbers

from .errors import ContentError

MAX_LOGO_BYTES = 2_000_000
MIN_CONTRAST = 4.5
FIELDS = ("name", "address", "phone", "hours", "website", "telehealth", "logo", "color")


class ProfileError(ContentError):
    """A clinic profile (or a batch row) has a bad field."""


@dataclass(frozen=True)
class Profile:
    name: str
    address: str | None = None
    phone: str | None = None          # formatted for print, e.g. (213) 555-0100
    hours: str | None = None
    website: str | None = None
    telehealth: str | None = None
    logo_uri: str | None = None       # data: URI of the checked (and for SVG, cleaned) logo
    color: str = "#9b1c1c"
    source: str = ""                  # where it came from, for messages
    digest: str = ""                  # hash of every input, for incremental builds
    notes: tuple[str, ...] = field(default=())  # what cleaning the logo removed

    def texts(self) -> list[str]:
        return [v for v in (self.name, self.address, self.phone, self.hours) if v]


def _luminance(hex_color: str) -> float:
    channels = [int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_color: str) -> float:
    return 1.05 / (_luminance(hex_color) + 0.05)


SVG_NS = "http://www.w3.org/2000/svg"
ElementTree.register_namespace("", SVG_NS)  # write <svg>, not <ns0:svg>
ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
_UNSAFE_TAGS = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video", "animate", "set"}


def clean_svg(data: bytes, where: str) -> tuple[bytes, list[str]]:
    """An SVG with no scripts, event handlers or references outside itself."""
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        raise ProfileError(f"{where}: the SVG logo declares a DOCTYPE or entities; save it as plain SVG.")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise ProfileError(f"{where}: the SVG logo is not valid XML ({exc}).") from None
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


def _logo(path: Path, where: str) -> tuple[str, list[str]]:
    try:
        data = path.read_bytes()
    except OSError:
        raise ProfileError(f"{where}: cannot read the logo file {path}.") from None
    if len(data) > MAX_LOGO_BYTES:
        raise ProfileError(f"{where}: the logo is {len(data) / 1e6:.1f} MB; use one under 2 MB.")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind, notes = "image/png", []
    elif data.startswith(b"\xff\xd8\xff"):
        kind, notes = "image/jpeg", []
    elif path.suffix.lower() == ".svg" or data.lstrip().startswith((b"<svg", b"<?xml")):
        data, notes = clean_svg(data, where)
        kind = "image/svg+xml"
    else:
        raise ProfileError(f"{where}: the logo must be a PNG, JPEG or SVG file.")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}", notes


def make_profile(values: dict, where: str, base: Path) -> Profile:
    """Check a profile's fields (from a TOML file or a CSV row) and build it."""
    problems = []
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(unknown)}; known fields: {', '.join(FIELDS)}.")
    text = {k: (str(v).strip() if v is not None else "") for k, v in values.items()}
    name = text.get("name", "")
    if not name:
        problems.append(f"{where}: field 'name' is required (the clinic's name as patients know it).")
    phone = None
    if text.get("phone"):
        try:
            number = phonenumbers.parse(text["phone"], "US")
            valid = phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            problems.append(f"{where}: field 'phone': '{text['phone']}' is not a valid phone number; "
                            "write it like (213) 555-0100.")
        else:
            phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    for link in ("website", "telehealth"):
        if text.get(link) and not re.fullmatch(r"https://[^\s/$.?#][^\s]*", text[link]):
            problems.append(f"{where}: field '{link}': '{text[link]}' must be a full https:// link.")
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
    logo_uri, notes = None, []
    if text.get("logo"):
        try:
            logo_uri, notes = _logo((base / text["logo"]).resolve(), f"{where}: field 'logo'")
        except ProfileError as exc:
            problems.append(str(exc))
    if problems:
        raise ProfileError(problems[0] if len(problems) == 1 else
                           f"{len(problems)} problems:\n  - " + "\n  - ".join(problems), problems)
    digest = hashlib.sha256(repr(sorted(text.items())).encode() + (logo_uri or "").encode()).hexdigest()
    return Profile(name=name, address=text.get("address") or None, phone=phone, hours=text.get("hours") or None,
                   website=text.get("website") or None, telehealth=text.get("telehealth") or None,
                   logo_uri=logo_uri, color=color.lower(), source=where, digest=digest, notes=tuple(notes))


@cache
def _load(path: Path, _mtime: int) -> Profile:
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"{path}: profile file not found. Make one with: handouts init-profile {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: this is not valid TOML ({exc}). Put text in \"quotes\".") from None
    return make_profile(values, str(path), path.parent)


def load_profile(path: str | Path) -> Profile:
    path = Path(path).resolve()
    return _load(path, path.stat().st_mtime_ns if path.exists() else 0)


EXAMPLE = '''# Clinic profile for `handouts build --profile THIS_FILE`.
# Your clinic's details, printed in a band on every handout. Only `name` is
# required; leave out any line you do not want printed. Text may be in any
# language or script.

name = "Example Community Clinic"
address = "123 Example Street, Los Angeles, CA 90012"
# Parsed and printed as (213) 555-0100. Use your front desk's number.
phone = "213-555-0100"
hours = "Mon-Fri 8:00-17:00, Sat 9:00-13:00"
# Full https:// links; the telehealth link is printed with a QR code.
website = "https://clinic.example.org"
telehealth = "https://clinic.example.org/video-visit"
# A PNG, JPEG or SVG file, relative to this file. SVG scripts and outside links are removed.
# logo = "logo.png"
# The band colour. White text must be readable on it (contrast at least 4.5:1).
color = "#1d4ed8"
'''
