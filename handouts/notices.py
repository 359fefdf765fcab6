"""Warnings and problems with structure: a `Notice` is a str (its text, printed,
joined and stored as before) that also says, in fields, what kind of notice it
is (`code`) and what it is about (`subject`: a fact or claim key, a profile
field). Callers decide by the fields, never by parsing the text: `--strict`
leaves out the reminders that depend on today's date (`dated`), and the web
page words each notice for its readers and puts each problem at its field.

Notices survive pickling (a worker's warnings reach the build) and the
manifest keeps them as records (`as_record` / `from_record`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# What a notice is about; each is made in one place (the module named).
FACT_UNCONFIRMED = "fact-unconfirmed"  # facts.py: a phone number or link printed that no one has confirmed
FACT_MISSING = "fact-missing"  # facts.py: a fact with no value to print
QR_UNCONFIRMED = "qr-unconfirmed"  # facts.py: a QR code's link not confirmed
QR_MISSING = "qr-missing"  # facts.py: no link for a QR code
FACT_OLD = "fact-old"  # checks.py: a fact not checked for a long time
CLAIM_UNCONFIRMED = "claim-unconfirmed"  # reliance.py: a statement of law not fully confirmed
CLAIM_DUE = "claim-due"  # reliance.py: a statement of law due for review soon
CLAIM_EXPIRED_PRINTED = "claim-expired-printed"  # reliance.py: printed past its review date, as asked
STALE_PRINTED = "stale-printed"  # render/pipeline.py: out-of-date translated strings printed, as asked
RGB_LOGO = "rgb-logo"  # render/pipeline.py: a print-shop PDF keeps the clinic's logo in RGB
FIELD = "field"  # clinic/validate.py: a problem with one field of a clinic profile (subject: the field)
OTHER = "other"  # anything else (e.g. text read back from an older manifest)

DATED = frozenset({CLAIM_DUE, CLAIM_EXPIRED_PRINTED})  # these depend on today's date, not on the PDF


class Notice(str):
    """A warning or problem: its text, with `code`, `subject` and `detail` (e.g. the link, the message alone)."""

    code: str
    subject: str
    detail: dict[str, str]

    def __new__(cls, text: str, code: str, subject: str = "", **detail: str) -> Notice:
        notice = super().__new__(cls, text)
        notice.code, notice.subject, notice.detail = code, subject, dict(detail)
        return notice

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (str(self), self.code, self.subject, self.detail))

    @property
    def dated(self) -> bool:
        """A reminder that depends on today's date (a claim due for review), not on what the PDF prints."""
        return self.code in DATED

    def as_record(self) -> dict[str, Any]:
        return {"code": self.code, "subject": self.subject, "detail": self.detail, "text": str(self)}


def _rebuild(text: str, code: str, subject: str, detail: Mapping[str, str]) -> Notice:
    return Notice(text, code, subject, **detail)


def notice(text: str) -> Notice:
    """`text` as a Notice: itself if it is one, else of code OTHER."""
    return text if isinstance(text, Notice) else Notice(text, OTHER)


def from_record(record: Mapping[str, Any]) -> Notice:
    """A notice from its record (as_record); a record that is not one (a hand-edited
    or damaged file) gives its text, or nothing, as a notice of code OTHER."""
    detail = record.get("detail")
    if not isinstance(record.get("code"), str) or not isinstance(detail, Mapping):
        return Notice(str(record.get("text", "")), OTHER)
    return Notice(
        str(record.get("text", "")),
        record["code"],
        str(record.get("subject", "")),
        **{k: str(v) for k, v in detail.items()},
    )


def from_records(records: object) -> list[Notice]:
    """The notices of a list of records (e.g. a manifest entry's "notices"), skipping what is not a record."""
    if not isinstance(records, list):
        return []
    return [from_record(r) for r in records if isinstance(r, Mapping)]


def undated(texts: Iterable[str]) -> list[Notice]:
    """The notices that do not depend on today's date (what --strict refuses, what a manifest keeps)."""
    return [n for n in map(notice, texts) if not n.dated]
