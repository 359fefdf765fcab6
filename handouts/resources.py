"""Where the bundled templates, fonts and content live.

In a wheel they are package data under `handouts/_data/` (see pyproject.toml);
in a checkout they are the top-level folders next to the package. Both are found
through importlib.resources, so the tool works from any working directory.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


@cache
def data_root() -> Path:
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
