"""Where the bundled templates, fonts and content live.

In a wheel they are package data under `handouts/_data/` (see pyproject.toml);
in a checkout they are the top-level folders next to the package. Both are found
through importlib.resources, so the tool works from any working directory.
`use_data_root` points the library at another tree (tests, or a clinic's own copy).
"""

from __future__ import annotations

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
