"""Names from the library in the reader's language (words.py): each handout's
name (its handout.yaml `name`, listed here so that translators find it;
test_web checks this list against the handouts), each paper size (sizes.py
marks its own), and each language ('coreano (한국어)')."""

from __future__ import annotations

from .content import get_handout
from .locales import get_language, reader_name
from .sizes import get_size
from .words import N_, gettext

HANDOUT_NAMES = (
    N_("Keep getting care"),
    N_("Family plan"),
    N_("Know your rights"),
    N_("Legal help"),
    N_("Medi-Cal, the year ahead"),
    N_("Nonpublic area door sign"),
    N_("Notice to authorities"),
    N_("Your medicines"),
    N_("Red Card"),
    N_("Staff protocol"),
)

# The output variants (render/variants.py) as a file's title names them.
VARIANT_NAMES = {"large-print": N_("large print"), "mono": N_("black and white"), "print-shop": N_("for a print shop")}


def variant_name(variant: str) -> str:
    return gettext(VARIANT_NAMES.get(variant, variant))


def handout_name(handout: str) -> str:
    return gettext(get_handout(handout).name)


def size_name(size: str) -> str:
    return gettext(get_size(size).description)


def language_label(code: str, in_sentence: bool = False) -> str:
    """'Korean (한국어)', 'Coreano (한국어)' ('coreano (한국어)' `in_sentence`): the
    name in the reader's language, and the language's own name when it differs."""
    name, native = reader_name(code, in_sentence), get_language(code).native_name
    return name if native.lower() == name.lower() else f"{name} ({native})"
