"""The web page's result cache: each job writes into one folder of the data
folder named by a hash of its inputs (`selection_key`), and leaves its summary
there (`result.json`), so the same choices twice are served from it. A batch
also counts the offices done so far (`progress.json`) for the progress bar.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .. import __version__
from ..clinic.profile import Profile
from ..output import write_atomically
from ..resources import current_project
from ..words import current

RESULT = "result.json"
PROGRESS = "progress.json"


WORDLESS = frozenset({"thumb", "peek", "proof"})  # pictures and proofs: the same in every page language


def selection_key(kind: str, params: dict[str, Any], profile: Profile | None) -> str:
    """The cache key of a selection: what was chosen, for which clinic, on which day
    (claims age), by which version of the tool, with which content."""
    project = current_project()
    stamp = max(
        (path.stat().st_mtime_ns for folder in (project.content, project.templates) for path in folder.rglob("*")),
        default=0,
    )
    text = json.dumps(
        {
            "stamp": stamp,  # an edit of the content or templates
            "kind": kind,
            "params": params,
            "profile": profile.digest if profile else "",
            "version": __version__,
            "day": dt.date.today().isoformat(),
            "words": "" if kind in WORDLESS else current(),  # titles and PRINT-ME-FIRST in the reader's language
        },
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def progress(folder: Path) -> tuple[int, str]:
    """How far a job in this folder is: (files or offices done, the last one done)."""
    try:
        found = json.loads((folder / PROGRESS).read_text(encoding="utf-8"))
        return int(found["done"]), str(found.get("last", ""))
    except (OSError, ValueError, KeyError, TypeError):
        return 0, ""


def write_progress(folder: Path, done: int, last: str = "") -> None:
    write_atomically(folder / PROGRESS, json.dumps({"done": done, "last": last}).encode())


def cached(folder: Path) -> dict[str, Any] | None:
    """The summary of a job already done in this folder (see selection_key);
    serving it counts as a use (retention.sweep keeps what is used)."""
    try:
        found: dict[str, Any] = json.loads((folder / RESULT).read_text(encoding="utf-8"))
        os.utime(folder / RESULT)
        return found
    except (OSError, ValueError):
        return None


def remember(out: Path, result: dict[str, Any]) -> dict[str, Any]:
    """Keep a job's summary in its folder (not when it failed: the next try builds again)."""
    if not result.get("error") and not result.get("errors"):
        write_atomically(out / RESULT, json.dumps(result).encode())
    return result
