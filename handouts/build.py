"""Plan jobs, render them, write each PDF atomically, and write a manifest.

The library reports through return values and a progress callback; it never
prints. The CLI decides what the person sees.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .content import load_content
from .digest import input_parts, parts_digest, shared_parts
from .engines import Engine, local_engine
from .errors import HandoutsError, OutputError
from .model import BuildOptions, Job, Rendered, RenderTask, Setting
from .notices import from_records, notice, undated
from .output import (
    ManifestEntry,
    manifest_path,
    output_lock,
    read_manifest,
    remove_dead_temporaries,
    write_atomically,
    write_manifest,
)
from .plan import output_path
from .reliance import job_claims
from .render import is_fill
from .shapes import FITS_FILE, shape_fits
from .tasks import refuse_unconfirmed
from .translations import check_reviewed, status_of


@dataclass
class JobResult:
    job: Job
    path: Path | None = None
    rendered: Rendered | None = None
    error: HandoutsError | None = None
    skipped: bool = False
    kept_warnings: list[str] = field(default_factory=list)  # a skipped job's warnings, from the manifest


@dataclass
class BuildReport:
    out: Path
    results: list[JobResult] = field(default_factory=list)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.error is not None]

    @property
    def written(self) -> list[JobResult]:
        return [r for r in self.results if r.path is not None and not r.skipped]

    @property
    def skipped(self) -> list[JobResult]:
        return [r for r in self.results if r.skipped]

    @property
    def warnings(self) -> list[str]:
        seen: dict[str, None] = {}
        for result in self.results:
            for warning in result.rendered.warnings if result.rendered else result.kept_warnings:
                seen[warning] = None
        return list(seen)


def _up_to_date(out: Path, job: Job, manifest: dict[str, ManifestEntry], digest: str) -> bool:
    path = output_path(out, job)
    entry = manifest.get(path.relative_to(out).as_posix())
    if not entry or entry.get("inputs") != digest or not path.is_file():
        return False
    return hashlib.sha256(path.read_bytes()).hexdigest() == entry.get("sha256")


def _fit_hint(out: Path, job: Job, manifest: dict[str, ManifestEntry], digest: str) -> Setting | None:
    """The fit result of the last build of this file, if its inputs were the same
    (a forced rebuild, or a deleted PDF): the fit then takes one layout pass."""
    entry = manifest.get(output_path(out, job).relative_to(out).as_posix())
    if not entry or entry.get("inputs") != digest:
        return None
    return remembered_fit(entry)


def remembered_fit(entry: ManifestEntry) -> Setting | None:
    """The fit a manifest entry records (type size, compactness, the CSS that
    filled its pages), or None if the entry has none."""
    try:
        fill = entry.get("fill", "")
        if not isinstance(fill, str) or not is_fill(fill):  # not what a build wrote: fit afresh
            return None
        return Setting(float(entry["body_pt"]), int(entry.get("compact", 0)), fill, int(entry.get("fit_pages", 0)))
    except (KeyError, TypeError, ValueError):
        return None


def build(
    jobs: list[Job],
    out: Path,
    *,
    strict: bool = False,
    require_reviewed: bool = False,
    force: bool = False,
    workers: int = 1,
    today: dt.date | None = None,
    on_done: Callable[[JobResult], None] | None = None,
    engine: Engine | None = None,
    hints: Mapping[Job, Setting] | None = None,
    fits_file: Path | None = None,
) -> BuildReport:
    """Build the jobs into `out`. Jobs whose inputs and output are unchanged since
    the last build (per out/manifest.json) are skipped (but their claims are
    checked against `today` again, so one that expired since is refused); the rest are rendered,
    in `workers` processes when there are several, and each PDF is written
    atomically as soon as it is ready, with the manifest updated after it, so an
    interrupted build loses nothing that was finished and leaves no partial file.
    `engine` (engines.py) renders the jobs; by default a pool of `workers`
    processes for this build only. Pass one to keep its workers across builds.
    `hints`: a fit to try first for a job this folder has none for (a batch's
    fit shared by offices of the same shape, see batch.fits.shared_fits).
    A job with a clinic that has neither is fitted once per shape of clinic
    details (shapes.py), the fit kept in `fits_file` (default OUT/.fits.json),
    so every way of making a clinic's files gives the same bytes.
    """
    options = BuildOptions(strict, require_reviewed, force, workers, today)
    with output_lock(out):
        return _build(jobs, out, options, on_done, engine, hints or {}, fits_file or out / FITS_FILE)


def _build(
    jobs: list[Job],
    out: Path,
    options: BuildOptions,
    on_done: Callable[[JobResult], None] | None,
    engine: Engine | None,
    hints: Mapping[Job, Setting],
    fits_file: Path,
) -> BuildReport:
    report = BuildReport(out=out)
    today, force, require_reviewed, workers = options.today, options.force, options.require_reviewed, options.workers
    remove_dead_temporaries(out)
    manifest = read_manifest(out)
    shared = shared_parts()  # the code and templates, read once for every job
    todo: list[tuple[Job, str, Setting | None]] = []
    parts: dict[Job, dict[str, str]] = {}
    for job in jobs:
        try:
            parts[job] = input_parts(job, today, shared=shared)
            digest = parts_digest(parts[job])
        except HandoutsError as exc:
            result = JobResult(job, error=exc)
            report.results.append(result)
            if on_done:
                on_done(result)
            continue
        if not force and _up_to_date(out, job, manifest, digest):
            # Unchanged, so not rendered again; but --strict and --require-reviewed
            # still apply to it, or an earlier lenient build would slip through.
            entry = manifest[output_path(out, job).relative_to(out).as_posix()]
            kept: list[str] = list(undated(from_records(entry.get("notices"))))
            result = JobResult(job, path=output_path(out, job), skipped=True, kept_warnings=kept)
            try:
                kept += job_claims(job, today)[2]  # claims age while the PDF sits still
                if require_reviewed:
                    check_reviewed(job)
                refuse_unconfirmed(job, kept, options)
            except HandoutsError as exc:
                result = JobResult(job, error=exc, kept_warnings=kept)
            report.results.append(result)
            if on_done:
                on_done(result)
        else:
            todo.append((job, digest, _fit_hint(out, job, manifest, digest) or hints.get(job)))

    def finish(job: Job, digest: str, rendered: Rendered | None, error: HandoutsError | None) -> None:
        result = JobResult(job, rendered=rendered, error=error)
        if rendered is not None and error is None:
            path = output_path(out, job)
            key = path.relative_to(out).as_posix()
            before = manifest.get(key)
            result.path = path

            def list_it() -> None:  # the manifest lists the PDF before the PDF appears (a full disk: neither)
                manifest[key] = manifest_entry(out, result, digest, parts[job])
                write_manifest(out, manifest)

            try:
                write_atomically(path, rendered.pdf, before_rename=list_it)
            except OutputError as exc:
                result.error, result.path = exc, None
                if manifest.get(key) is not before:  # listed, then the rename failed: list what is there again
                    if before is None:
                        manifest.pop(key, None)
                    else:
                        manifest[key] = before
                    with contextlib.suppress(OutputError):
                        write_manifest(out, manifest)
        report.results.append(result)
        if on_done:
            on_done(result)

    owned = engine is None
    engine = engine if engine is not None else local_engine(workers if len(todo) > 1 else 1)
    try:
        by_shape = shape_fits([job for job, _, hint in todo if hint is None], engine, fits_file)
        tasks = [
            RenderTask(job, options, digest, hint or (by_shape[job].setting if job in by_shape else None))
            for job, digest, hint in todo
        ]
        for task, outcome in engine.run(tasks):
            if isinstance(outcome, HandoutsError):
                finish(task.job, task.digest, None, outcome)
            else:
                finish(task.job, task.digest, outcome, None)
    finally:
        if owned:
            engine.close()
    if not manifest_path(out).exists():
        write_manifest(out, manifest)
    return report


def manifest_entry(out: Path, result: JobResult, digest: str, parts: dict[str, str]) -> ManifestEntry:
    rendered, path = result.rendered, result.path
    assert rendered is not None, "only written results have a manifest entry"
    assert path is not None, "only written results have a manifest entry"
    content = load_content(result.job.handout, result.job.lang)
    return {
        "path": path.relative_to(out).as_posix(),
        "sha256": hashlib.sha256(rendered.pdf).hexdigest(),
        "bytes": len(rendered.pdf),
        "handout": result.job.handout,
        "language": result.job.lang,
        "languages": list(result.job.langs),  # a sign prints several, `language` first
        "size": result.job.size,
        "variant": result.job.variant,
        "pages": rendered.pages,
        "body_pt": rendered.body_pt,
        "compact": rendered.compact,
        "fill": rendered.fill,  # the CSS that filled its pages (a rebuild, or a packet binding it, lays it out again)
        "fit_pages": rendered.fit_pages,  # pages the fit allowed beyond the handout's own (text that flowed), 0: none
        "layout_passes": rendered.passes,  # how many layouts the fit took (usually 1 when a fit was remembered)
        "content_version": rendered.content_version,
        "review_status": status_of(content),
        "warnings": rendered.warnings,
        "notices": [notice(w).as_record() for w in rendered.warnings],  # the same, with their codes (notices.py)
        "inputs": digest,
        "inputs_detail": parts,  # what decided this file, part by part (see digest.py, `handouts changes`)
        "profile": result.job.profile.digest if result.job.profile else "",
    }
