"""Clinic profile files: a small TOML file per clinic (`handouts init-profile`
writes EXAMPLE, a commented example), read with a size limit and checked by
`make_profile`.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path

from .logo import read_bounded
from .profile import Profile, ProfileError
from .validate import make_profile

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
