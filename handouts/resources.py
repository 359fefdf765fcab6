"""Where content, templates and fonts live: the active `Project`.

The bundled project is package data under `handouts/_data/` in a wheel (see
pyproject.toml), or the top-level folders next to the package in a checkout;
both are found through importlib.resources, so the tool works from any working
directory. A content project (`handouts new DIR`, then `--content DIR`) is a
folder with its own facts.yaml, claims.yaml and handouts, and optionally its own
templates/ and fonts/; what it lacks comes from the bundled project.
`use_project` makes one active for the library (the build passes it on to its
worker processes).
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import psutil  # installed with dask's distributed; process start times

from .errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])
_caches: list[Callable[[], None]] = []


def register_cache(function: F) -> F:
    """Mark a functools.cache'd function to be cleared when the active project changes."""
    _caches.append(function.cache_clear)  # type: ignore[attr-defined]
    return function


@functools.cache  # where the package is does not change while it runs (resolving it was 10% of a batch's client)
def bundled_root() -> Path:
    packaged = Path(str(resources.files("handouts") / "_data"))
    if (packaged / "templates").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Project:
    """Where one project's content, templates and fonts are."""

    content: Path
    templates: Path
    fonts: Path

    @classmethod
    def bundled(cls) -> Project:
        root = bundled_root()
        return cls(root / "content", root / "templates", root / "fonts")

    @classmethod
    def at(cls, folder: Path) -> Project:
        """The content project in `folder` (content files at its top level, as
        `handouts new` makes it; templates/ and fonts/ inside it are used if present)."""
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise UsageError(f"{folder}: no such folder; make a content project with 'handouts new {folder}'.")
        missing = [name for name in ("facts.yaml", "claims.yaml", "common") if not (folder / name).exists()]
        if missing:
            raise UsageError(
                f"{folder}: not a content project (it has no {', '.join(missing)}); point --content "
                "at the folder that holds facts.yaml, or make a project with 'handouts new NEW-FOLDER'."
            )
        if not any(folder.glob("*/handout.yaml")):
            raise UsageError(f"{folder}: a content project needs at least one handout (a folder with handout.yaml).")
        bundled = cls.bundled()
        return cls(
            folder.resolve(),
            (folder / "templates").resolve() if (folder / "templates").is_dir() else bundled.templates,
            (folder / "fonts").resolve() if (folder / "fonts").is_dir() else bundled.fonts,
        )


_active: Project | None = None


def use_project(project: Project | None) -> None:
    """Read content, templates and fonts from `project` (None: the bundled one)."""
    global _active
    _active = project
    for clear in _caches:
        clear()


def current_project() -> Project:
    return _active if _active is not None else Project.bundled()


def templates_dir() -> Path:
    return current_project().templates


def fonts_dir() -> Path:
    return current_project().fonts


def content_dir() -> Path:
    return current_project().content


SCRATCH_PREFIX = "handouts-run-"
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


def started_after(pid: int, moment: float) -> bool:
    """Whether process `pid` started after `moment` (a file time): then it is not
    the process that made a folder at that moment, but a later one with its id."""
    try:
        return psutil.Process(pid).create_time() > moment + 1
    except psutil.Error:
        return False


def remove_stale_scratch() -> None:
    """Remove the scratch folders of handouts processes that died without
    cleaning up (killed, or out of power), including those whose process id a
    later process now has. A live process keeps its folder however long it
    runs (a web server runs for weeks); no clock is read, only the processes."""
    for folder in Path(tempfile.gettempdir()).glob(SCRATCH_PREFIX + "*"):
        try:
            pid = int(folder.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0])
            made = folder.stat().st_mtime
        except (ValueError, OSError):
            continue
        if pid != os.getpid() and (not alive(pid) or started_after(pid, made)):
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


def new_project(folder: Path, with_templates: bool = False) -> Project:
    """Copy the bundled content (and, if asked, the templates) into a new
    folder to edit. The folder must not exist yet, or be empty; it appears
    whole or not at all."""
    folder = Path(folder).expanduser()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder}: already exists and is not an empty folder; choose a new folder name.")
    if not folder.parent.is_dir():
        raise UsageError(f"{folder.parent}: no such folder; create it first or choose another place.")
    bundled = Project.bundled()
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.handouts-", dir=folder.parent))
    try:
        shutil.copytree(bundled.content, staging, dirs_exist_ok=True)
        if with_templates:
            shutil.copytree(bundled.templates, staging / "templates")
        os.chmod(staging, 0o777 & ~_umask())
        if folder.exists():
            folder.rmdir()
        staging.rename(folder)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise UsageError(f"{folder}: cannot be written ({exc.strerror or exc}).") from None
    return Project.at(folder)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
