"""Fits shared by the offices of one shape: a page's fit (body size, how
compact, how it fills its pages) is found once per shape of clinic details,
with a made-up clinic of that shape (Profile.stand_in), and remembered in
OUT/.fits.json by the stand-in job's inputs digest, so a batch run again fits
nothing that has not changed.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from ..digest import inputs_digest
from ..engines import Engine
from ..errors import HandoutsError
from ..model import FitTask, Job, KnownFit, Setting
from ..output import write_atomically
from ..render import is_fill
from .office import fitted_jobs
from .rows import Office

FITS_FILE = ".fits.json"  # in a batch's output folder: the stand-ins' fits, by inputs digest


Fits = dict[str, tuple[Setting, int]]  # {stand-in job's inputs digest: (its fit, its pages)}


def shared_fits(offices: list[Office], engine: Engine, out: Path | None = None) -> dict[Job, KnownFit]:
    """{job: fit} for every job of the offices: each is fitted once per shape of
    clinic details (Profile.stand_in), with a made-up clinic of that shape, and
    every office of that shape lays its page out at that fit in one pass. An
    office's files thus depend on its own row only, not on the other rows. Each
    page is still checked (it fits, and each page ends near its bottom margin)
    and fitted on its own if not. A job that fails here is left to its office,
    which reports it. With `out`, the fits are remembered in OUT/.fits.json by
    the stand-in job's inputs digest, so running the batch again fits nothing
    that has not changed."""
    groups: dict[Job, list[Job]] = {}  # a stand-in clinic's job: the offices' jobs it stands in for
    for office in offices:
        try:
            jobs = fitted_jobs(office)
        except HandoutsError:
            continue  # reported by the office itself
        for job in jobs:
            groups.setdefault(replace(job, profile=office.profile.stand_in(job.langs)), []).append(job)
    known = _read_fits(out / FITS_FILE) if out is not None else {}
    used: Fits = {}  # what this run's stand-ins need: the file keeps only those
    fits: dict[Job, KnownFit] = {}
    tasks = []
    for stand_in, jobs in groups.items():
        try:
            digest = inputs_digest(stand_in)
        except HandoutsError:
            continue
        if digest in known:
            setting, pages = used[digest] = known[digest]
            fits.update({job: KnownFit(job.handout, job.lang, setting, pages, checked=False) for job in jobs})
        else:
            tasks.append(FitTask(stand_in, digest))
    for task, outcome in engine.run(tasks):
        if not isinstance(outcome, HandoutsError):
            setting = outcome.setting
            used[task.digest] = (setting, outcome.pages)
            for job in groups[task.job]:
                fits[job] = KnownFit(job.handout, job.lang, setting, outcome.pages, checked=False)
    if out is not None and used.keys() != known.keys():
        _write_fits(out / FITS_FILE, used)
    return fits


def _read_fits(path: Path) -> Fits:
    """{digest: (setting, pages)} from a fits file; an unreadable one counts as empty."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        fits: Fits = {}
        for digest, fit in document.items():
            setting = Setting(
                float(fit["body_pt"]), int(fit["compact"]), str(fit["fill"]), int(fit.get("fit_pages", 0))
            )
            if is_fill(setting.fill):
                fits[str(digest)] = (setting, int(fit["pages"]))
        return fits
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _write_fits(path: Path, fits: Fits) -> None:
    document = {
        digest: {"body_pt": s.body_pt, "compact": s.compact, "fill": s.fill, "fit_pages": s.pages, "pages": pages}
        for digest, (s, pages) in sorted(fits.items())
    }
    write_atomically(path, (json.dumps(document, indent=1) + "\n").encode("utf-8"))
