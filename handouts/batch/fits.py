"""Fits shared by the offices of a batch: every page of every office, fitted
once per shape of clinic details (shapes.py), and remembered in OUT/.fits.json
(only those its rows use), so a batch run again fits nothing that has not changed.
"""

from __future__ import annotations

from pathlib import Path

from ..engines import Engine
from ..errors import HandoutsError
from ..model import Job, KnownFit
from ..shapes import FITS_FILE, shape_fits
from .office import fitted_jobs
from .rows import Office


def shared_fits(offices: list[Office], engine: Engine, out: Path | None = None) -> dict[Job, KnownFit]:
    """{job: fit} for every job of the offices (handouts, and those its packets
    bind), each fitted once per shape of clinic details (shapes.shape_fits). An
    office's files thus depend on its own row only, not on the other rows. A job
    that fails here is left to its office, which reports it."""
    jobs: list[Job] = []
    for office in offices:
        try:
            jobs += fitted_jobs(office)
        except HandoutsError:
            continue  # reported by the office itself
    return shape_fits(jobs, engine, out / FITS_FILE if out is not None else None, prune=True)
