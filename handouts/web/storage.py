"""SQLite storage in the data folder: saved clinic profiles (behind a private
token), their checked logos (files named by their own hash), and job records.

No request value ever becomes a file path: logo files are named by the sha256
of their bytes and a type sniffed from them; build folders by a hash of the
choices; a token or job id is only ever looked up in the database.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS profiles (
    token TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    folder TEXT NOT NULL,
    result TEXT NOT NULL,
    created REAL NOT NULL
);
"""

LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def sniff_logo(data: bytes) -> str | None:
    """'png', 'jpg' or 'svg' from the bytes themselves (never from a file name)."""
    for magic, ext in LOGO_TYPES.items():
        if data.startswith(magic):
            return ext
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--"):
        return "svg"
    return None


class Storage:
    def __init__(self, folder: Path):
        self.folder = folder
        self.logos = folder / "logos"
        self.builds = folder / "builds"
        self.fits = folder / "fits.json"  # fits by shape of clinic details, shared by every build (shapes.py)
        for path in (self.folder, self.logos, self.builds):
            path.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(folder / "handouts.sqlite3"), check_same_thread=False)
        self._db.executescript(SCHEMA)
        self._db.commit()
        self.secret = self._secret()

    def _secret(self) -> bytes:
        """The data folder's own random key (signs the CSRF tokens), made once,
        readable by its owner only; servers sharing the folder share it (it
        appears whole, by a hard link, or not at all)."""
        path = self.folder / "secret.key"
        if not path.exists():
            tmp = self.folder / f".secret.{secrets.token_hex(4)}.tmp"
            try:
                descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "wb") as stream:
                    stream.write(secrets.token_bytes(32))
                os.link(tmp, path)
            except FileExistsError:
                pass  # another server made it first
            finally:
                tmp.unlink(missing_ok=True)
        return path.read_bytes()

    def close(self) -> None:
        self._db.close()

    # profiles
    def new_profile(self, values: dict[str, str]) -> str:
        token = secrets.token_urlsafe(16)  # 128 bits
        now = time.time()
        with self._lock:
            self._db.execute("INSERT INTO profiles VALUES (?, ?, ?, ?)", (token, json.dumps(values), now, now))
            self._db.commit()
        return token

    def update_profile(self, token: str, values: dict[str, str]) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE profiles SET data = ?, updated = ? WHERE token = ?", (json.dumps(values), time.time(), token)
            )
            self._db.commit()

    def get_profile(self, token: str) -> dict[str, str] | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM profiles WHERE token = ?", (token,)).fetchone()
        return json.loads(row[0]) if row else None

    def count_profiles(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM profiles").fetchone()[0])

    # logos
    def save_logo(self, data: bytes, ext: str) -> str:
        """Store logo bytes; returns the file name (sha256.ext) inside self.logos."""
        assert ext in ("png", "jpg", "svg")
        name = f"{hashlib.sha256(data).hexdigest()}.{ext}"
        path = self.logos / name
        if not path.exists():
            tmp = self.logos / f".{name}.{secrets.token_hex(4)}.tmp"
            try:
                tmp.write_bytes(data)
                tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)  # a full disk leaves no half-written copy
        return name

    # jobs
    def add_job(self, kind: str, folder: str, result: dict[str, Any]) -> str:
        job_id = secrets.token_urlsafe(16)
        with self._lock:
            self._db.execute(
                "INSERT INTO jobs VALUES (?, ?, ?, ?, ?)", (job_id, kind, folder, json.dumps(result), time.time())
            )
            self._db.commit()
        return job_id

    def update_job(self, job_id: str, result: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("UPDATE jobs SET result = ? WHERE id = ?", (json.dumps(result), job_id))
            self._db.commit()

    def clinic_jobs(self, token: str, limit: int = 20) -> list[tuple[str, Path, dict[str, Any], float]]:
        """(job id, folder, result, when) of the handouts made for this clinic, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, folder, result, created FROM jobs WHERE kind = 'handouts' "
                "AND json_extract(result, '$.token') = ? ORDER BY created DESC LIMIT ?",
                (token, limit),
            ).fetchall()
        return [(row[0], self.builds / row[1], json.loads(row[2]), float(row[3])) for row in rows]

    def get_job(self, job_id: str) -> tuple[str, Path, dict[str, Any]] | None:
        with self._lock:
            row = self._db.execute("SELECT kind, folder, result FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if not row:
            return None
        return row[0], self.builds / row[1], json.loads(row[2])
