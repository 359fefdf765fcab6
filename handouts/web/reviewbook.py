"""The review book in the data folder (`reviews.sqlite3`): invitations to
review a language from a link, and what reviewers did there (approvals,
edits, comments, and who resolved a comment).

An invitation's link holds a random 128-bit token; the book keeps only its
sha256, so a copy of the data folder does not hold working links. A link works
until it expires or the person running the server revokes it. The sign-off
itself is recorded in the content project's review files (translations.sign);
this book is what the review record and the comments list are made from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..record import RecordEvent

SCHEMA = """
CREATE TABLE IF NOT EXISTS invitations (
    id TEXT PRIMARY KEY,
    token_hash TEXT UNIQUE NOT NULL,
    lang TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    created REAL NOT NULL,
    expires REAL NOT NULL,
    revoked REAL
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invitation TEXT NOT NULL,
    lang TEXT NOT NULL,
    string TEXT NOT NULL,
    kind TEXT NOT NULL,
    by TEXT NOT NULL,
    at REAL NOT NULL,
    old TEXT NOT NULL DEFAULT '',
    new TEXT NOT NULL DEFAULT '',
    resolved_by TEXT,
    resolved_at REAL
);
"""
KINDS = ("approve", "edit", "comment")
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Invitation:
    id: str
    lang: str
    name: str
    role: str
    created: float
    expires: float
    revoked: float | None

    @property
    def by(self) -> str:
        """Who signs, as review files record a reviewer: 'name, role'."""
        return f"{self.name}, {self.role}"

    def live(self, now: float | None = None) -> bool:
        return self.revoked is None and (now or time.time()) < self.expires


@dataclass(frozen=True)
class Event:
    id: int
    invitation: str
    lang: str
    string: str
    kind: str
    by: str
    at: float
    old: str
    new: str
    resolved_by: str | None
    resolved_at: float | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ReviewBook:
    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(folder / "reviews.sqlite3"), check_same_thread=False)
        self._db.executescript(SCHEMA)
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    def invite(self, lang: str, name: str, role: str, days: float = DEFAULT_DAYS) -> tuple[str, Invitation]:
        """A new invitation: (the token for its link, shown once; the invitation)."""
        token, now = secrets.token_urlsafe(16), time.time()
        row = (secrets.token_hex(4), _hash(token), lang, name, role, now, now + days * 86400, None)
        with self._lock:
            self._db.execute("INSERT INTO invitations VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
            self._db.commit()
        return token, Invitation(row[0], lang, name, role, now, row[6], None)

    def by_token(self, token: str) -> Invitation | None:
        """The live invitation of a link's token; None when unknown, expired or revoked."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, lang, name, role, created, expires, revoked FROM invitations WHERE token_hash = ?",
                (_hash(token),),
            ).fetchone()
        invitation = Invitation(*row) if row else None
        return invitation if invitation and invitation.live() else None

    def invitations(self) -> list[Invitation]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, lang, name, role, created, expires, revoked FROM invitations ORDER BY created DESC"
            ).fetchall()
        return [Invitation(*row) for row in rows]

    def revoke(self, invitation_id: str) -> bool:
        with self._lock:
            done = self._db.execute(
                "UPDATE invitations SET revoked = ? WHERE id = ? AND revoked IS NULL", (time.time(), invitation_id)
            ).rowcount
            self._db.commit()
        return bool(done)

    def add(self, invitation: Invitation, string: str, kind: str, old: str = "", new: str = "") -> None:
        assert kind in KINDS
        with self._lock:
            self._db.execute(
                "INSERT INTO events (invitation, lang, string, kind, by, at, old, new) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (invitation.id, invitation.lang, string, kind, invitation.by, time.time(), old, new),
            )
            self._db.commit()

    def events(self, lang: str | None = None, kind: str | None = None, open_only: bool = False) -> list[Event]:
        query = "SELECT * FROM events WHERE (? IS NULL OR lang = ?) AND (? IS NULL OR kind = ?)"
        if open_only:
            query += " AND resolved_at IS NULL"
        with self._lock:
            rows = self._db.execute(query + " ORDER BY at, id", (lang, lang, kind, kind)).fetchall()
        return [Event(*row) for row in rows]

    def resolve(self, event_id: int, by: str) -> bool:
        """Mark a comment resolved by `by` (recorded with the time); False if there is no such open comment."""
        with self._lock:
            done = self._db.execute(
                "UPDATE events SET resolved_by = ?, resolved_at = ? WHERE id = ? AND kind = 'comment' "
                "AND resolved_at IS NULL",
                (by, time.time(), event_id),
            ).rowcount
            self._db.commit()
        return bool(done)


def record_events(events: list[Event]) -> list[RecordEvent]:
    """The book's events as the review record lays them out (record.review_record)."""

    def when(seconds: float | None) -> dt.datetime | None:
        return dt.datetime.fromtimestamp(seconds) if seconds is not None else None

    return [
        RecordEvent(
            e.string, e.kind, e.by, dt.datetime.fromtimestamp(e.at), e.old, e.new, e.resolved_by, when(e.resolved_at)
        )
        for e in events
    ]
