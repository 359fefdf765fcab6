"""Facts: the phone numbers and URLs every handout prints, with where they came from.

Content never types a number or a link; it names a fact by key. A fact that is
missing or not confirmed is never printed silently: the caller gets a warning,
and strict mode turns it into an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ContentError, FactError
from .notices import FACT_MISSING, FACT_UNCONFIRMED, QR_MISSING, QR_UNCONFIRMED, Notice
from .resources import content_dir, register_cache
from .yamlfile import YamlDoc, load_yaml

CONFIRMED = ("confirmed on source page", "confirmed on secondary source")
CONFIDENCES = CONFIRMED + ("partially confirmed", "inferred", "not found")
KINDS = ("phone", "url", "missing")


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    kind: str
    value: str | None
    display: str | None
    tty: str | None
    hours: str | None
    hours_code: str | None
    source_url: str | None
    checked: dt.date
    confidence: str
    qr_url: str | None
    qr_confidence: str | None
    note: str | None = None
    tty_claim: str | None = None  # a claim (content/claims.yaml) giving the TTY line's own hours

    @property
    def confirmed(self) -> bool:
        return self.value is not None and self.confidence in CONFIRMED

    @property
    def qr_confirmed(self) -> bool:
        return self.qr_url is not None and self.qr_confidence in CONFIRMED

    @property
    def phone_text(self) -> str:
        """The number as printed."""
        if self.kind != "phone" or self.value is None:
            raise FactError(f"Fact '{self.key}' has no phone number to print.")
        return self.display or self.value

    @property
    def short_url(self) -> str:
        """The QR target as a person would type it: no scheme, no 'www.', no trailing slash."""
        if not self.qr_url:
            raise FactError(f"Fact '{self.key}' has no QR link.")
        parts = urlsplit(self.qr_url)
        host = parts.netloc.removeprefix("www.")
        path = parts.path.rstrip("/")
        return host + path + (f"?{parts.query}" if parts.query else "")


def _parse_fact(doc: YamlDoc, index: int, raw: dict[str, Any]) -> Fact:
    def where(*f: str) -> str:
        return doc.where("entries", index, *f)

    problems = []
    for name in ("key", "label", "kind", "confidence", "checked"):
        if not raw.get(name):
            problems.append(f"{where(name)}: '{name}' is required.")
    if problems:
        raise ContentError(problems[0], problems)
    if raw["kind"] not in KINDS:
        raise ContentError(f"{where('kind')}: kind must be one of {', '.join(KINDS)}, not '{raw['kind']}'.")
    for name in ("confidence", "qr_confidence"):
        if raw.get(name) is not None and raw[name] not in CONFIDENCES:
            raise ContentError(
                f"{where(name)}: '{raw[name]}' is not a confidence level; use one of: {'; '.join(CONFIDENCES)}."
            )
    if raw.get("qr_url") and not raw.get("qr_confidence"):
        raise ContentError(f"{where('qr_confidence')}: a fact with a qr_url needs a qr_confidence.")
    for name in ("qr_url", "source_url"):
        if raw.get(name) and not str(raw[name]).startswith(("https://", "http://")):
            raise ContentError(f"{where(name)}: '{raw[name]}' is not a web link (it must start with https://).")
    checked = raw["checked"]
    if isinstance(checked, str):
        try:
            checked = dt.date.fromisoformat(checked)
        except ValueError:
            raise ContentError(f"{where('checked')}: '{checked}' is not a date; write it as YYYY-MM-DD.") from None
    return Fact(
        key=str(raw["key"]),
        label=str(raw["label"]),
        kind=raw["kind"],
        value=None if raw.get("value") is None else str(raw["value"]),
        display=raw.get("display"),
        tty=None if raw.get("tty") is None else str(raw["tty"]),
        hours=raw.get("hours"),
        hours_code=raw.get("hours_code"),
        source_url=raw.get("source_url"),
        checked=checked,
        confidence=raw["confidence"],
        qr_url=raw.get("qr_url"),
        qr_confidence=raw.get("qr_confidence"),
        note=raw.get("note"),
        tty_claim=raw.get("tty_claim"),
    )


@register_cache
@cache
def load_facts(path: Path | None = None) -> dict[str, Fact]:
    path = path or content_dir() / "facts.yaml"
    doc = load_yaml(path)
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("entries"), list):
        raise ContentError(f"{path}: expected a list under 'entries:'.")
    facts: dict[str, Fact] = {}
    for index, raw in enumerate(doc.data["entries"]):
        if not isinstance(raw, dict):
            raise ContentError(f"{doc.where('entries', index)}: each entry must be a mapping of fields.")
        fact = _parse_fact(doc, index, raw)
        if fact.key in facts:
            raise ContentError(f"{doc.where('entries', index, 'key')}: the fact key '{fact.key}' is used twice.")
        facts[fact.key] = fact
    return facts


def fact_warning(fact: Fact, use: str) -> Notice | None:
    """Why printing this fact (use = 'phone' or 'qr') needs a warning, or None."""
    if use == "qr":
        if fact.qr_url is None:
            return Notice(f"fact '{fact.key}' has no QR link (qr_url is empty)", QR_MISSING, fact.key, label=fact.label)
        if not fact.qr_confirmed:
            text = f"fact '{fact.key}': QR link {fact.qr_url} is {fact.qr_confidence}, not confirmed"
            detail = {"url": fact.qr_url, "confidence": str(fact.qr_confidence), "label": fact.label}
            return Notice(text, QR_UNCONFIRMED, fact.key, **detail)
        return None
    if fact.value is None:
        text = f"fact '{fact.key}' ({fact.label}) was not found: there is no value to print"
        return Notice(text, FACT_MISSING, fact.key, label=fact.label)
    if not fact.confirmed:
        shown = fact.display or fact.value
        text = f"fact '{fact.key}' ({shown}) is {fact.confidence}, not confirmed"
        return Notice(text, FACT_UNCONFIRMED, fact.key, value=shown, confidence=fact.confidence, label=fact.label)
    return None
