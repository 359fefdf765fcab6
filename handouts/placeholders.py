"""The one reader of placeholders in handout text: `{fact:KEY}`, `{claim:KEY}`,
`{cite:KEY}`, `{say:KEY}` and the named ones (`{hours}`, `{checked}`, ...).

Every module that looks for a placeholder asks this one; none parses the
braces itself. Pure functions of strings, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the type only: reading placeholders needs no YAML reader at run time
    from .yamlfile import FieldPath

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# Named placeholders a text may hold; {fact:KEY} and the other keyed ones are allowed everywhere.
ALLOWED_PLACEHOLDERS = frozenset({"tty", "hours", "checked", "clinic", "date"})
# {claim:KEY} marks text that states a claim (prints nothing); {cite:KEY} prints the claim's citation.
CLAIM_PREFIXES = ("claim:", "cite:")
# {say:KEY}: a sentence to say out loud (common/<lang>.yaml `say:`), its English beside a translation.
SAY_PREFIX = "say:"
KEYED = ("fact", "claim", "cite", "say")


@dataclass(frozen=True)
class Placeholder:
    """One `{...}` in a text: `kind` is fact, claim, cite, say, or "" for a named one (`key` is then its name)."""

    kind: str
    key: str
    raw: str  # what is between the braces

    @property
    def is_claim(self) -> bool:
        return self.kind in ("claim", "cite")


def placeholders(text: str) -> Iterator[Placeholder]:
    for match in PLACEHOLDER.finditer(text):
        raw = match.group(1)
        kind, sep, key = raw.partition(":")
        yield Placeholder(kind, key, raw) if sep and kind in KEYED else Placeholder("", raw, raw)


def split(text: str) -> Iterator[str | Placeholder]:
    """The text in order: plain runs (str) and placeholders."""
    start = 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > start:
            yield text[start : match.start()]
        yield next(placeholders(match.group(0)))
        start = match.end()
    if start < len(text):
        yield text[start:]


def fact_keys(text: str) -> list[str]:
    """The facts a text prints: every {fact:KEY} in it."""
    return [p.key for p in placeholders(text) if p.kind == "fact"]


def claim_keys(text: str) -> list[str]:
    """The claims a text relies on: every {claim:KEY} and {cite:KEY} in it."""
    return [p.key for p in placeholders(text) if p.is_claim]


def without_placeholders(text: str, replacement: str = "") -> str:
    return PLACEHOLDER.sub(replacement, text)


def unpaired_brace(text: str) -> bool:
    """A '{' or '}' that is not part of a placeholder."""
    rest = without_placeholders(text)
    return "{" in rest or "}" in rest


def has_placeholder(text: str) -> bool:
    return PLACEHOLDER.search(text) is not None


def walk_text(value: Any, here: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """Yield (field path, string) for every text value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk_text(item, here + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_text(item, here + (i,))
    elif isinstance(value, str):
        yield here, value
