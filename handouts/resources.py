"""Where the bundled templates, fonts and content live.

In a wheel they are package data under `handouts/_data/` (see pyproject.toml);
in a checkout they are the top-level folders next to the package. Both are found
through importlib.resources, so the tool works from any working directory.
`use_data_root` points the library at another tree (tests, or a clinic's own copy).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

_override: Path | None = None
_caches: list[Callable[[], None]] = []


def register_cache(function):
    """Mark a functools.cache'd function to be cleared when the data root changes."""
    _caches.append(function.cache_clear)
    return function


def use_data_root(path: Path | None) -> None:
    """Read templates, fonts and content from `path` (None: the bundled ones)."""
    global _override
    _override = None if path is None else Path(path)
    for clear in _caches:
        clear()


def data_root() -> Path:
    if _override is not None:
        return _override
    packaged = Path(str(resources.files("handouts") / "_data"))
    if (packaged / "templates").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    return data_root() / "templates"


def fonts_dir() -> Path:
    return data_root() / "fonts"


def content_dir() -> Path:
    return data_root() / "content"


SCRATCH_PREFIX = "handouts-run-"
STALE_AFTER_S = 24 * 3600
_scratch: Path | None = None


def alive(pid: int) -> bool:
    """Whether a process with this id is running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_scratch() -> None:
    """Remove the scratch folders of handouts processes that died without
    cleaning up (killed, or out of power), and any older than a day."""
    for folder in Path(tempfile.gettempdir()).glob(SCRATCH_PREFIX + "*"):
        try:
            pid = int(folder.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0])
            old = time.time() - folder.stat().st_mtime > STALE_AFTER_S
        except (ValueError, OSError):
            continue
        if pid != os.getpid() and (old or not alive(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def scratch_dir() -> Path:
    """This process's one temporary folder (font configuration, cut-down fonts,
    WeasyPrint's font files), removed when the process exits."""
    global _scratch
    if _scratch is None or not _scratch.is_dir():
        remove_stale_scratch()
        _scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
        atexit.register(shutil.rmtree, _scratch, True)
    return _scratch
