"""What a job relies on besides its words: the claims of law and policy its
text states, checked against their review dates, and the warnings about them.
A content question (no rendering), asked by the build, the preflight checks
and the renderer alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .claims import Claim, describe_due, expired_error, load_claims
from .clock import build_date
from .content import SOURCE_LANGUAGE, get_handout, load_content
from .errors import ClaimError
from .facts import CONFIRMED, Fact, load_facts
from .model import Content, HandoutSpec, Job
from .notices import CLAIM_DUE, CLAIM_EXPIRED_PRINTED, CLAIM_UNCONFIRMED, Notice
from .placeholders import claim_keys, walk_text


def claim_uses(content_files: Iterable[Content], facts: dict[str, Fact], spec: HandoutSpec) -> dict[str, list[str]]:
    """Which claims these texts rely on, each with the places ('file:line (field)') that name it."""
    uses: dict[str, list[str]] = {}
    for content_file in content_files:
        for path, text in walk_text(content_file.data):
            for key in claim_keys(text):
                uses.setdefault(key, []).append(content_file.doc.where(*path))
    for contact in spec.contacts:
        fact = facts[contact.fact]
        if fact.tty_claim and "phone" in contact.show:
            uses.setdefault(fact.tty_claim, []).append(f"facts.yaml ({fact.key}: TTY hours)")
    return uses


def claim_notes(
    uses: dict[str, list[str]], today: dt.date | None, allow_expired: bool
) -> tuple[tuple[Claim, ...], tuple[Claim, ...], list[Notice]]:
    """(claims used, expired ones, warnings). Refuses (ClaimError) an expired
    claim unless allowed; warns when one is due for review soon or was allowed."""
    today = today or build_date()
    claims = load_claims()
    unknown = [key for key in uses if key not in claims]
    if unknown:
        raise ClaimError(
            "; ".join(
                f"{', '.join(uses[k])}: unknown claim '{k}'; claims are listed in content/claims.yaml" for k in unknown
            )
        )
    used = tuple(claims[key] for key in sorted(uses))
    expired = tuple(c for c in used if c.state(today) == "expired")
    if expired and not allow_expired:
        raise expired_error(list(expired), uses)
    notes = [
        Notice(
            f"claim '{c.key}' is {c.confidence}, not confirmed; check it on {', '.join(c.sources)}",
            CLAIM_UNCONFIRMED,
            c.key,
            confidence=c.confidence,
            sources=", ".join(c.sources),
        )
        for c in used
        if c.confidence not in CONFIRMED
    ]
    notes += [
        Notice(
            CLAIM_NOTE + describe_due(c, today, uses[c.key]),
            CLAIM_DUE,
            c.key,
            due=describe_due(c, today, uses[c.key]),
            review_by=c.review_by.isoformat(),
            sources=", ".join(c.sources),
        )
        for c in used
        if c.state(today) == "due"
    ]
    notes += [
        Notice(
            f"{CLAIM_NOTE}claim '{c.key}' is past its review date ({c.review_by}) and was printed because "
            "--allow-expired-claims was given; the PDF says so",
            CLAIM_EXPIRED_PRINTED,
            c.key,
        )
        for c in expired
    ]
    return used, expired, notes


CLAIM_NOTE = "claim review: "  # begins the text of the reminders that depend on today's date (notices.DATED)


def job_claims(job: Job, today: dt.date | None = None) -> tuple[tuple[Claim, ...], tuple[Claim, ...], list[Notice]]:
    """The claims a job prints, those past review, and the warnings about them
    (see claim_notes), without preparing the whole job."""
    spec = get_handout(job.handout)
    texts = [load_content(job.handout, code) for code in job.langs]
    if spec.english_only and SOURCE_LANGUAGE not in job.langs:
        texts.append(load_content(job.handout, SOURCE_LANGUAGE))
    return claim_notes(claim_uses(texts, load_facts(), spec), today, job.allow_expired_claims)
