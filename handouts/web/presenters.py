"""The library's messages in the page's terms: profile problems by form field,
build warnings in plain words. (Both read the library's text back with regular
expressions; they shrink once its errors and warnings carry structure.)
"""

from __future__ import annotations

import re

from ..clinic.profile import is_field
from ..locales import LANGUAGES


def field_errors(problems: list[str]) -> tuple[dict[str, str], list[str]]:
    """Profile problems by field ('clinic: field 'phone': ...' -> {'phone': ...})."""
    by_field: dict[str, str] = {}
    other = []
    for problem in problems:
        match = re.match(r"[^:]*: field '([\w-]+)'[:]? ?(.*)", problem, re.S)
        if match and is_field(match.group(1)):
            message = match.group(2).strip()
            message = re.sub(r"(/[^\s]*)?/([0-9a-f]{64})\.(png|jpg|svg)", "the logo", message)
            code = match.group(1).partition("_")[2]
            if code in LANGUAGES:  # "cannot be printed with the ko fonts" -> "... the Korean fonts"
                message = message.replace(f" {code} fonts", f" {LANGUAGES[code].english_name} fonts")
            if message.startswith("has "):  # "field 'x' has 130 characters; ..."
                message = "This field " + message
            by_field.setdefault(match.group(1), message[:1].upper() + message[1:])
        else:
            other.append(problem.split(": ", 1)[-1])
    return by_field, other


def plain_warning(text: str) -> str:
    """A build warning in plain words."""
    match = re.match(r"fact '[^']*': (?:QR )?link (\S+) is (\w+), not confirmed", text)
    if match:
        return (
            f"We have not confirmed the link {match.group(1)} yet ({match.group(2)}). Check it opens before you print."
        )
    if text.startswith("claim review: "):
        return "A statement about the law is due for review soon: " + text.removeprefix("claim review: ")
    match = re.match(r"claim '[^']*' is ([\w ]+), not confirmed; (.*)", text)
    if match:
        return f"One statement on this handout is {match.group(1)}, not fully confirmed: {match.group(2)}"
    return text
