"""The work of Many offices, run inside a worker (see pool.Workers):
`count_offices` reads an uploaded CSV as `handouts batch` does (for the page's
limits), `do_offices` runs the batch, starting from this browser's last one,
and lists what changed since (`_reprint`).
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any

from ..batch import OfficePlan, read_offices, run_batch
from ..batch.office import fitted_jobs
from ..changes import compare
from ..errors import HandoutsError
from ..handover import write_summary, write_zip
from ..output import write_atomically
from .cache import remember, write_progress
from .presenters import without_paths
from .work import cluster, records


def count_offices(folder: Path, data: bytes, langs: list[str]) -> tuple[int, int]:
    """(rows, pages to lay out) of an uploaded CSV, read as `handouts batch`
    reads it: the rows good and bad, and every handout, sign and packet page
    its good rows ask for. Raises HandoutsError for a file that is not a list
    of offices."""
    write_atomically(folder / "offices.csv", data)
    offices, failures, _warnings = read_offices(folder / "offices.csv", defaults=OfficePlan(languages=tuple(langs)))
    return len(offices) + len(failures), sum(len(fitted_jobs(office)) for office in offices)


def do_offices(folder: str, data: bytes, langs: list[str], previous: str = "") -> dict[str, Any]:
    """`handouts batch` on an uploaded CSV: a packet per language for every
    good row, one ZIP per office (with its PRINT-ME-FIRST.txt), a summary, and
    an error per bad row; all of it in one ZIP (all.zip).

    `previous`: the folder of this browser's last batch. Its offices are the
    starting point (hard links: nothing of it is changed), so only what changed
    is made again, and what changed is listed, file by file and why, with the
    changed files in reprint.zip."""
    out = Path(folder)
    source = out / "offices.csv"
    write_atomically(source, data)
    before = Path(previous) / "offices" if previous else None
    if before is not None and before.is_dir() and not (out / "offices").exists():
        # not the lock file (a hard link would share its lock) nor a half-written temporary
        skip = shutil.ignore_patterns(".handouts.lock", "*.part")
        shutil.copytree(before, out / "offices", copy_function=os.link, ignore=skip)
    warnings: list[str] = []
    done, lock = 0, threading.Lock()

    def one_more(_result: Any) -> None:  # for the progress bar: offices done (or refused) so far
        nonlocal done
        with lock:  # run_batch may finish offices in several threads
            done += 1
            write_progress(out, done)

    try:
        results = run_batch(
            source,
            out / "offices",
            OfficePlan(languages=tuple(langs)),
            engine=cluster(),
            on_office=one_more,
            on_warning=warnings.append,
        )
    except HandoutsError as exc:
        return {"error": without_paths(str(exc))}
    for result in results:  # what the page and summary.csv show: no path of the server's
        result.error = without_paths(result.error)
        result.warnings = without_paths(result.warnings)
    write_summary(out / "offices", results)
    asked = {result.slug for result in results if result.slug}
    for stale in (out / "offices").iterdir():  # offices of the last batch this CSV no longer has
        keep = stale.name.startswith(".") or stale.name in ("summary.csv", "summary.json")
        if not keep and stale.name.removesuffix(".zip") not in asked:
            if stale.is_dir():
                shutil.rmtree(stale)
            else:
                stale.unlink()
    zips = sorted(r.zip for r in results if r.zip is not None and not r.error)
    write_zip(
        out / "all.zip",
        [(z.name, z.read_bytes()) for z in zips] + [("summary.csv", (out / "offices" / "summary.csv").read_bytes())],
    )
    reprint = _reprint(before, out / "offices") if before is not None and before.is_dir() else None
    offices = []
    for result in results:
        zip_name = result.zip.name if result.zip is not None and not result.error else ""
        offices.append(
            {"row": result.row, "slug": result.slug, "name": result.name, "error": result.error, "zip": zip_name}
        )
        warnings += result.warnings
    summary = {"offices": offices, "warnings": records(warnings), "errors": [], "files": [], "all_zip": True}
    if reprint is not None:
        summary["reprint"] = reprint
    return remember(out, summary)


def _reprint(before: Path, after: Path) -> list[dict[str, Any]]:
    """What differs from the last batch, file by file and why (changes.compare,
    as `handouts changes OLD NEW` says it), and those files in reprint.zip."""
    changes = [c for c in compare(before, after) if c.status != "removed"]
    files = [(f"{c.office}/{c.path}", (after / c.office / c.path).read_bytes()) for c in changes]
    listing = "\n".join(f"{c.office}/{c.path}: {c.status}; {'; '.join(c.reasons)}" for c in changes)
    if changes:
        write_zip(after.parent / "reprint.zip", [("REPRINT.txt", (listing + "\n").encode()), *files])
    return [{"office": c.office, "path": c.path, "status": c.status, "reasons": c.reasons} for c in changes]
