"""How long the data folder keeps what the page made.

Saved clinics and their logos stay until their owner changes them. Made files
(`builds/<key>/`: PDFs, previews, ZIPs) are a cache: the same choices made
again rebuild them. `sweep` removes a build folder

- unused for `keep_days` (last use: the last time its result was served,
  `cache.touch`; else when it was made), then
- the least recently used ones while all of them together are over
  `keep_bytes`,

never one changed in the last `GRACE_SECONDS` (a job may still be writing
it: every job is stopped well before, see Limits). The server sweeps when it starts and then at most once every
`EVERY_SECONDS`, after a job (state.Web.after_job). Job records of removed
folders then say the files were removed (state.Web.job).
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

GRACE_SECONDS = 3600.0  # a folder changed this recently may belong to a job still running
EVERY_SECONDS = 600.0


@dataclass(frozen=True)
class Swept:
    removed: int
    freed: int  # bytes
    kept: int  # bytes still in builds/


def _size(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def _last_use(folder: Path) -> float:
    times = []
    for path in (folder, folder / "result.json"):
        try:
            times.append(path.stat().st_mtime)
        except OSError:
            continue
    return max(times, default=0.0)


def sweep(builds: Path, keep_days: float, keep_bytes: int, now: float | None = None) -> Swept:
    """Remove old build folders (see the module's docstring)."""
    now = time.time() if now is None else now
    folders = []
    try:
        entries = list(builds.iterdir())
    except OSError:
        return Swept(0, 0, 0)
    for folder in entries:
        if folder.is_dir() and not folder.is_symlink():
            folders.append((_last_use(folder), _size(folder), folder))
    folders.sort()  # least recently used first
    total = sum(size for _, size, _ in folders)
    removed = freed = 0
    for last_use, size, folder in folders:
        old = now - last_use > keep_days * 86400
        if not old and total <= keep_bytes:
            break
        if now - last_use < GRACE_SECONDS:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed += 1
            freed += size
            total -= size
    return Swept(removed, freed, total)
