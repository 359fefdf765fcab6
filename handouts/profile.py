"""Clinic profiles: moved to handouts.clinic; kept until every importer moves.

Re-exports what this module offered before the split, unchanged:
`from handouts.profile import make_profile` still works.
"""

from __future__ import annotations

from .clinic import (
    BAND_STEP,
    EXAMPLE,
    FIELDS,
    LANGUAGE_FIELDS,
    LOGO_MAX_PIXELS,
    MAX_FIELD_CHARS,
    MAX_LOGO_BYTES,
    MAX_LOGO_DECODED_PIXELS,
    MAX_MESSAGE_CHARS,
    MAX_PROFILE_BYTES,
    MAX_SVG_DEPTH,
    MIN_CONTRAST,
    SVG_NS,
    Profile,
    ProfileError,
    check_link,
    clean_svg,
    contrast_with_white,
    is_field,
    language_field,
    load_profile,
    make_profile,
    read_bounded,
)

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
    "clean_svg",
    "contrast_with_white",
    "is_field",
    "language_field",
    "load_profile",
    "make_profile",
    "read_bounded",
]
