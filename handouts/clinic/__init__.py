"""Clinic profiles: a clinic's own name, address, phone, hours, links, logo and
colour, printed in a band on every handout.

A profile is a small TOML file (`handouts init-profile` writes a commented
example). Everything in it is checked before anything is printed: the phone
number is parsed and formatted, the colour must leave white text readable
(WCAG AA, 4.5:1), links must be https, and an SVG logo is cleaned of scripts
and outside references (it is never fetched from anywhere).

- `profile`: the `Profile` record and its fields; no file is read there.
- `validate`: `make_profile`, the checks of every field.
- `logo`: the logo file, untrusted input made safe to print.
- `toml`: `load_profile` reads a profile file; `EXAMPLE` is the one `init-profile` writes.
"""

from __future__ import annotations

from .logo import (
    LOGO_MAX_PIXELS,
    MAX_LOGO_BYTES,
    MAX_LOGO_DECODED_PIXELS,
    MAX_SVG_DEPTH,
    SVG_NS,
    checked_logo,
    clean_svg,
    read_bounded,
)
from .profile import (
    BAND_STEP,
    FIELDS,
    LANGUAGE_FIELDS,
    MAX_FIELD_CHARS,
    MAX_MESSAGE_CHARS,
    Profile,
    ProfileError,
    is_field,
    language_field,
)
from .toml import EXAMPLE, MAX_PROFILE_BYTES, load_profile
from .validate import MIN_CONTRAST, check_link, contrast_with_white, format_phone, make_profile

__all__ = [
    "BAND_STEP",
    "EXAMPLE",
    "FIELDS",
    "LANGUAGE_FIELDS",
    "LOGO_MAX_PIXELS",
    "MAX_FIELD_CHARS",
    "MAX_LOGO_BYTES",
    "MAX_LOGO_DECODED_PIXELS",
    "MAX_MESSAGE_CHARS",
    "MAX_PROFILE_BYTES",
    "MAX_SVG_DEPTH",
    "MIN_CONTRAST",
    "SVG_NS",
    "Profile",
    "ProfileError",
    "check_link",
    "checked_logo",
    "clean_svg",
    "contrast_with_white",
    "format_phone",
    "is_field",
    "language_field",
    "load_profile",
    "make_profile",
    "read_bounded",
]
