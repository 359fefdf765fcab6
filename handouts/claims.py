"""Claims: dated statements of law and policy that handouts rely on.

A phone number stays true until it changes; a statement of law goes out of
date when the law or a policy changes. Each claim in content/claims.yaml has
the date it was checked and a `review_by` date. Text names the claims it
relies on with {claim:KEY} (prints nothing) or {cite:KEY} (prints the claim's
citation). From REVIEW_WARNING_DAYS before `review_by`, the tool warns; after
it, the tool refuses to print the handout unless expired claims are allowed
explicitly, and then the PDF says so.

`today` is always a parameter (default: the real date), so tests and scripts
can ask "what would happen on that day" without touching the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ClaimError, ContentError
from .facts import CONFIDENCES
from .resources import content_dir, register_cache
from .yamlfile import YamlDoc, load_yaml

REVIEW_WARNING_DAYS = 30
DAYS = ("mon-fri", "mon-sat", "mon-sun")


@dataclass(frozen=True)
class Hours:
    days: str  # one of DAYS
    open: dt.time
    close: dt.time


@dataclass(frozen=True)
class Claim:
    key: str
    statement: str
    checked: dt.date
    review_by: dt.date
    sources: tuple[str, ...]
    confidence: str
    effective: dt.date | None = None
    cite: str | None = None
    hours: Hours | None = None

    def state(self, today: dt.date) -> str:
        """'current', 'due' (review_by within REVIEW_WARNING_DAYS) or 'expired' (past review_by)."""
        if today > self.review_by:
            return "expired"
        if (self.review_by - today).days <= REVIEW_WARNING_DAYS:
            return "due"
        return "current"


def _date(
    doc: YamlDoc, index: int, raw: dict[str, Any], name: str, problems: list[str], required: bool = True
) -> dt.date | None:
    value = raw.get(name)
    if value is None:
        if required:
            problems.append(f"{doc.where('claims', index, name)}: '{name}' is required (YYYY-MM-DD).")
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{doc.where('claims', index, name)}: '{value}' is not a date; write it as YYYY-MM-DD.")
        return None


def _hours(doc: YamlDoc, index: int, raw: object, problems: list[str]) -> Hours | None:
    if raw is None:
        return None
    where = doc.where("claims", index, "hours")
    if not isinstance(raw, dict) or raw.get("days") not in DAYS:
        problems.append(f"{where}: hours need days ({' | '.join(DAYS)}), open and close (HH:MM).")
        return None
    try:
        return Hours(
            str(raw["days"]), dt.time.fromisoformat(str(raw["open"])), dt.time.fromisoformat(str(raw["close"]))
        )
    except (KeyError, ValueError):
        problems.append(f"{where}: open and close must be times written as HH:MM, e.g. 08:00 and 17:00.")
        return None


def _parse(doc: YamlDoc, index: int, raw: dict[str, Any], problems: list[str]) -> Claim | None:
    before = len(problems)
    for name in ("key", "statement", "confidence"):
        if not raw.get(name):
            problems.append(f"{doc.where('claims', index, name)}: '{name}' is required.")
    if raw.get("confidence") and raw["confidence"] not in CONFIDENCES:
        problems.append(
            f"{doc.where('claims', index, 'confidence')}: '{raw['confidence']}' is not a confidence level; "
            f"use one of: {'; '.join(CONFIDENCES)}."
        )
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s.strip() for s in sources):
        problems.append(f"{doc.where('claims', index, 'sources')}: list at least one source the claim was read from.")
        sources = []
    checked = _date(doc, index, raw, "checked", problems)
    review_by = _date(doc, index, raw, "review_by", problems)
    effective = _date(doc, index, raw, "effective", problems, required=False)
    hours = _hours(doc, index, raw.get("hours"), problems)
    if checked and review_by and review_by <= checked:
        problems.append(
            f"{doc.where('claims', index, 'review_by')}: review_by ({review_by}) must come after checked ({checked})."
        )
    if len(problems) > before or checked is None or review_by is None:
        return None
    return Claim(
        key=str(raw["key"]),
        statement=" ".join(str(raw["statement"]).split()),
        checked=checked,
        review_by=review_by,
        sources=tuple(str(s).strip() for s in sources),
        confidence=str(raw["confidence"]),
        effective=effective,
        cite=None if raw.get("cite") is None else str(raw["cite"]),
        hours=hours,
    )


@register_cache
@cache
def load_claims(path: Path | None = None) -> dict[str, Claim]:
    """Every claim in content/claims.yaml, checked; all problems are listed at once."""
    path = path or content_dir() / "claims.yaml"
    if not path.is_file():
        return {}
    doc = load_yaml(path)
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("claims"), list):
        raise ContentError(f"{path}: expected a list under 'claims:'.")
    problems: list[str] = []
    claims: dict[str, Claim] = {}
    for index, raw in enumerate(doc.data["claims"]):
        if not isinstance(raw, dict):
            problems.append(f"{doc.where('claims', index)}: each claim must be a mapping of fields.")
            continue
        claim = _parse(doc, index, raw, problems)
        if claim is None:
            continue
        if claim.key in claims:
            problems.append(f"{doc.where('claims', index, 'key')}: the claim key '{claim.key}' is used twice.")
        claims[claim.key] = claim
    if problems:
        head = problems[0] if len(problems) == 1 else f"{path}: {len(problems)} problem(s):"
        raise ContentError(head + ("".join(f"\n  - {p}" for p in problems) if len(problems) > 1 else ""), problems)
    return claims


def describe_expired(claim: Claim, texts: list[str]) -> str:
    """The error for a claim past its review date: what, since when, where it was read, who relies on it."""
    relying = "; ".join(texts) if texts else "no text"
    return (
        f"claim '{claim.key}' was due for review on {claim.review_by} (last checked {claim.checked}). "
        f"Re-check it on {', '.join(claim.sources)}, then update 'checked' and 'review_by' in "
        f"content/claims.yaml. Texts that rely on it: {relying}. "
        "To print anyway, add --allow-expired-claims (the PDF will say so)."
    )


def describe_due(claim: Claim, today: dt.date, texts: list[str]) -> str:
    days = (claim.review_by - today).days
    relying = "; ".join(texts) if texts else "no text"
    return (
        f"claim '{claim.key}' must be reviewed by {claim.review_by} ({days} day(s) from now); after that, "
        f"handouts that rely on it will not build. Re-check it on {', '.join(claim.sources)}. "
        f"Texts that rely on it: {relying}"
    )


def expired_error(claims: list[Claim], texts: dict[str, list[str]]) -> ClaimError:
    problems = [describe_expired(claim, texts.get(claim.key, [])) for claim in claims]
    return ClaimError(
        "; ".join(problems) if len(problems) == 1 else "\n  - ".join(["expired claims:"] + problems), problems
    )
