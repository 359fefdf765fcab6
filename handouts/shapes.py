"""One fit per shape of clinic details, for every way a clinic's files are
made: `handouts build --profile`, the web page and a batch.

A page's fit (body size, how compact, how it fills its pages, how many pages)
is found once per shape of clinic details, with a made-up clinic of that shape
(clinic.profile.Profile.stand_in), and kept in a fits file by the stand-in
job's inputs digest: OUT/.fits.json on the command line and in a batch, the
data folder's fits.json on the web page. Every clinic of that shape then lays
its page out at that fit in one pass; its page is still checked (it fits, and
each page ends near its bottom margin) and fitted on its own if not. So a
clinic's files depend on its own details only, and the command line, the web
page and a batch give the same bytes for the same clinic.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from .digest import inputs_digest, shared_parts
from .engines import Engine
from .errors import HandoutsError
from .model import FitTask, Job, KnownFit, Setting
from .output import write_atomically
from .render import is_fill

FITS_FILE = ".fits.json"  # in an output folder: the stand-ins' fits, by inputs digest
MAX_KEPT = 20_000  # fits a file keeps (about 150 bytes each); the oldest go first


class ShapeFit(NamedTuple):
    setting: Setting
    pages: int
    passes: int  # the layout passes finding it took (bench/layout.py counts them)


Fits = dict[str, ShapeFit]  # {stand-in job's inputs digest: its fit}


def shape_of(job: Job) -> Job | None:
    """The job of the made-up clinic of this job's shape; None without a clinic."""
    return None if job.profile is None else replace(job, profile=job.profile.stand_in(job.langs))


def shape_fits(
    jobs: Iterable[Job], engine: Engine, store: Path | None = None, prune: bool = False
) -> dict[Job, KnownFit]:
    """{job: fit} for the jobs with a clinic: each fitted once per shape (see
    the module docstring), on `engine`. A stand-in that fails is left out: its
    jobs are fitted on their own and report the failure themselves. With
    `store`, the fits are read from and added to that file; with `prune`, the
    file keeps only the fits these jobs use (a batch's folder, made for its rows)."""
    groups: dict[Job, list[Job]] = {}
    for job in jobs:
        stand_in = shape_of(job)
        if stand_in is not None:
            groups.setdefault(stand_in, []).append(job)
    if not groups:
        return {}
    known = read_fits(store) if store is not None else {}
    found: Fits = {}  # fitted now
    used: Fits = {}  # fitted now or read from the store
    fits: dict[Job, KnownFit] = {}
    tasks = []
    shared = shared_parts()
    for stand_in, group in groups.items():
        try:
            digest = inputs_digest(stand_in, shared=shared)
        except HandoutsError:
            continue
        if digest in known:
            setting, pages, _ = used[digest] = known[digest]
            fits.update({job: KnownFit(job.handout, job.lang, setting, pages, checked=False) for job in group})
        else:
            tasks.append(FitTask(stand_in, digest))
    for task, outcome in engine.run(tasks):
        if not isinstance(outcome, HandoutsError):
            found[task.digest] = used[task.digest] = ShapeFit(outcome.setting, outcome.pages, outcome.passes)
            for job in groups[task.job]:
                fits[job] = KnownFit(job.handout, job.lang, outcome.setting, outcome.pages, checked=False)
    if store is not None and prune and used.keys() != known.keys():
        write_fits(store, used)
    elif store is not None and found and not prune:
        write_fits(store, {**read_fits(store), **found})  # read again: another process may have added some
    return fits


def read_fits(path: Path) -> Fits:
    """{digest: fit} from a fits file; an unreadable one counts as empty."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        fits: Fits = {}
        for digest, fit in document.items():
            setting = Setting(
                float(fit["body_pt"]), int(fit["compact"]), str(fit["fill"]), int(fit.get("fit_pages", 0))
            )
            if is_fill(setting.fill):
                fits[str(digest)] = ShapeFit(setting, int(fit["pages"]), int(fit.get("passes", 0)))
        return fits
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def write_fits(path: Path, fits: Fits) -> None:
    kept = list(fits.items())[-MAX_KEPT:]
    document = {
        digest: {
            "body_pt": fit.setting.body_pt,
            "compact": fit.setting.compact,
            "fill": fit.setting.fill,
            "fit_pages": fit.setting.pages,
            "pages": fit.pages,
            "passes": fit.passes,
        }
        for digest, fit in kept
    }
    write_atomically(path, (json.dumps(document, indent=1) + "\n").encode("utf-8"))
