"""Writing into the output folder: atomic files, a lock per folder, leftovers
of killed builds, and the manifest (out/manifest.json)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Literal

from . import __version__
from .errors import OutputError
from .resources import alive

MANIFEST = "manifest.json"
ManifestEntry = dict[str, Any]  # one file of out/manifest.json: path, sha256, kind, languages, inputs, ...


TEMP_MARK = ".handouts-"  # temporary files are named .<file>.handouts-<pid>-<random>.part


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes, before_rename: Callable[[], None] | None = None) -> None:
    """Write to a temporary file beside the target, then rename over it: a
    reader (or a crash) never sees half a file. The file gets the usual
    permissions (0644 with the common umask), so colleagues and print servers
    can read it. A failure is an OutputError naming the file.

    `before_rename` runs once the bytes are safely on disk, before the file
    appears: if it fails (the manifest that would list the file cannot be
    written), the temporary copy is removed and the target is left as it was,
    so no file is ever there that the manifest does not list."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}{TEMP_MARK}{os.getpid()}-", suffix=".part"
        )
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fchmod(stream.fileno(), 0o666 & ~_umask())
            os.fsync(stream.fileno())
        if before_rename is not None:
            before_rename()  # its own failure (an OutputError naming the manifest) passes through as it is
        os.replace(temporary, path)
    except OSError as exc:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise OutputError(
            f"{path}: cannot be written ({exc.strerror or exc}); check that the folder exists, "
            "is writable and the disk is not full."
        ) from None
    except BaseException:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise


def remove_dead_temporaries(out: Path) -> None:
    """Remove temporary files left in OUT by handouts processes that were
    killed; never anyone else's, nor those of a build still running."""
    for leftover in out.rglob(f".*{TEMP_MARK}*.part"):
        try:
            pid = int(leftover.name.split(TEMP_MARK, 1)[1].split("-", 1)[0])
        except (IndexError, ValueError):
            continue
        if not alive(pid):
            leftover.unlink(missing_ok=True)


class output_lock:  # noqa: N801 - used like a function: `with output_lock(out):`
    """Hold OUT/.handouts.lock while building: a second build into the same
    folder waits for the first (up to LOCK_WAIT_S), so the manifest lists
    every PDF of both."""

    LOCK_WAIT_S = 1800

    def __init__(self, out: Path):
        self.out = out
        self.handle: IO[bytes] | None = None

    def __enter__(self) -> output_lock:
        import fcntl

        try:
            self.out.mkdir(parents=True, exist_ok=True)
            self.handle = open(self.out / ".handouts.lock", "a+b")  # held until __exit__
        except OSError as exc:
            raise OutputError(
                f"{self.out}: cannot write here ({exc.strerror or exc}); choose another --out "
                "folder or make this one writable."
            ) from None
        deadline = time.monotonic() + self.LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.handle.close()
                    raise OutputError(
                        f"{self.out}: another handouts build has been writing here for "
                        f"{self.LOCK_WAIT_S // 60} minutes; wait for it or use another --out."
                    ) from None
                time.sleep(0.2)

    def __exit__(self, *exc_info: object) -> Literal[False]:
        if self.handle is not None:
            self.handle.close()  # releases the lock
        return False


def manifest_path(out: Path) -> Path:
    return out / MANIFEST


def read_manifest(out: Path) -> dict[str, ManifestEntry]:
    """The files listed in out/manifest.json; empty if there is none or it cannot be read."""
    try:
        document = json.loads(manifest_path(out).read_text(encoding="utf-8"))
        return {entry["path"]: entry for entry in document["files"] if (out / entry["path"]).is_file()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_manifest(out: Path, manifest: dict[str, ManifestEntry]) -> None:
    """OUT/manifest.json, one file per line. Written after every PDF, so it is
    encoded by json's C encoder (an indented dump is pure Python: it took 7 of
    the 48 CPU seconds of a 130-PDF build's main process, rewriting it 130 times)."""
    header = json.dumps(f"handouts {__version__}")
    files = ",\n".join(json.dumps(manifest[k], ensure_ascii=False) for k in sorted(manifest))
    text = f'{{"generator": {header},\n"files": [\n{files}\n]}}\n'
    write_atomically(manifest_path(out), text.encode())


def write_listed(
    out: Path,
    path: Path,
    pdf: bytes,
    kind: str,
    languages: list[str],
    made_from: list[str] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Write a file the build did not render itself (a packet, a card sheet)
    and list it in OUT/manifest.json, with the PDFs it binds, so `handouts
    changes` follows them. The manifest is written first (write_atomically's
    `before_rename`): a full disk leaves neither, never an unlisted file."""
    import hashlib
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:  # qpdf: counting pages with pypdf parsed every object
        pages = len(document.pages)
    manifest = read_manifest(out)
    key = path.relative_to(out).as_posix()
    entry = {
        "path": key,
        "sha256": hashlib.sha256(pdf).hexdigest(),
        "bytes": len(pdf),
        "kind": kind,
        "handout": "",  # not one handout: see made_from
        "language": languages[0] if languages else "",
        "languages": languages,
        "pages": pages,
        "made_from": made_from or [],
        **(extra or {}),
    }

    def list_it() -> None:
        write_manifest(out, {**manifest, key: entry})

    try:
        write_atomically(path, pdf, before_rename=list_it)
    except OutputError:
        if read_manifest(out).get(key) == entry:  # listed, then the rename failed: list what is there again
            with contextlib.suppress(OutputError):
                write_manifest(out, manifest)
        raise


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text: a string that would start a
    formula (=, +, -, @, tab, CR) gets a leading apostrophe, as OWASP advises for
    CSV injection; anything else (numbers too) is left as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
