"""Is a text consistent: no phone number or link typed into it (they come from
facts.yaml), and a translation has its English source's fields, list lengths
and placeholders. Asked by the preflight (`handouts check`), by every render
(tasks.py) and by translation imports, so it lives below them all."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .content import COMMON, SOURCE_LANGUAGE, get_handout, load_content
from .model import Content
from .placeholders import placeholders, walk_text, without_placeholders

# Three or more digits, or digit groups: a phone number typed into text. Not a form's
# name ("I-205") and not a year ("since 2026").
TYPED_NUMBER = re.compile(r"(?<![A-Za-z]-)(?<!\d)(?!(?:19|20)\d\d(?!\d))\d{3,}|\d+[\s().-]+\d+[\s().-]+\d+")
TYPED_LINK = re.compile(r"https?://|www\.|\b[\w-]+\.(?:org|com|gov|net|edu|us)\b", re.IGNORECASE)


def _shape(value: Any, here: tuple[str, ...] = ()) -> set[str]:
    """Every field path of a value, with list lengths, for comparing translations."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            paths |= _shape(item, here + (str(key),))
    elif isinstance(value, list):
        paths.add(".".join(here) + f"[{len(value)} items]")
        for i, item in enumerate(value):
            paths |= _shape(item, here + (f"[{i}]",))
    else:
        paths.add(".".join(here))
    return paths


def _placeholders(value: Any) -> Counter[str]:
    return Counter("{" + p.raw + "}" for _, text in walk_text(value) for p in placeholders(text))


def typed_facts(content: Content) -> list[str]:
    """Phone numbers and links typed into text instead of {fact:KEY}."""
    problems = []
    for path, text in walk_text(content.data):
        bare = "".join(
            str(unicodedata.digit(ch, 0)) if ch.isdigit() else ch  # ۲۰۲۶ -> 2026
            for ch in without_placeholders(text, " ")
        )
        for pattern, what in ((TYPED_NUMBER, "a number"), (TYPED_LINK, "a link")):
            match = pattern.search(bare)
            if match:
                problems.append(
                    f"{content.doc.where(*path)}: '{match.group(0)}' looks like {what} typed into the text; "
                    "write {fact:KEY} instead so the number comes from facts.yaml."
                )
    return problems


def compare_with_source(content: Content, source: Content, english_only: Iterable[str] = ()) -> list[str]:
    """A translation must have the source's fields, list lengths and placeholders."""
    skip = set(english_only)
    ours = {k: v for k, v in content.data.items() if k not in skip}
    theirs = {k: v for k, v in source.data.items() if k not in skip}
    problems = []
    missing, extra = _shape(theirs) - _shape(ours), _shape(ours) - _shape(theirs)
    for shape in sorted(missing):
        problems.append(f"{content.doc.path}: '{shape}' is in {source.doc.path.name} but not here.")
    for shape in sorted(extra):
        problems.append(f"{content.doc.path}: '{shape}' is here but not in {source.doc.path.name}.")
    for path, text in walk_text(theirs):
        translated: Any = ours
        for part in path:
            translated = (
                translated.get(part)
                if isinstance(translated, dict)
                else (
                    translated[part]
                    if isinstance(translated, list) and isinstance(part, int) and part < len(translated)
                    else None
                )
            )
        if isinstance(translated, str) and _placeholders(text) != _placeholders(translated):
            want = ", ".join(sorted(_placeholders(text).elements())) or "none"
            have = ", ".join(sorted(_placeholders(translated).elements())) or "none"
            problems.append(
                f"{content.doc.where(*path)}: placeholders differ from English (English has {want}; this has {have})."
            )
    return problems


def consistency_problems(handout: str, lang: str) -> list[str]:
    """Typed numbers or links, and (for a translation) differences from the
    English source, in one handout's text and the shared words of its language."""
    problems = []
    for key in (handout, COMMON):
        content = load_content(key, lang)
        problems += typed_facts(content)
        if lang != SOURCE_LANGUAGE:
            english_only = () if key == COMMON else get_handout(key).english_only
            problems += compare_with_source(content, load_content(key, SOURCE_LANGUAGE), english_only)
    return problems
