"""Making packets (orchestration): build the handouts a packet binds (or
take their fits from a batch), run one packet task per language on an engine,
write the PDFs and list them in the manifest. The binding itself is bind.py,
on the worker; what a packet is, plan.py."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path

from ..build import build, remembered_fit
from ..clinic.profile import Profile
from ..digest import input_parts, inputs_digest, parts_digest
from ..engines import Engine, local_engine
from ..errors import HandoutsError, RenderError
from ..model import Job, KnownFit, PacketPlan, PacketTask
from ..output import read_manifest, write_listed
from ..plan import output_path
from .bind import bind_packet
from .plan import PACKET_HANDOUTS, PACKET_SIZE, packet_date, packet_jobs, packet_name


def known_fits(out: Path, langs: list[str], profile: Profile | None, bilingual: str | None) -> tuple[KnownFit, ...]:
    """The fits of the packet handouts built in `out` whose manifest entry has the same inputs."""
    manifest = read_manifest(out)
    known = []
    for code in dict.fromkeys(c for c in (*langs, bilingual) if c):
        for handout in PACKET_HANDOUTS:
            job = Job(handout, code, PACKET_SIZE, profile=profile)
            entry = manifest.get(output_path(out, job).relative_to(out).as_posix())
            if not entry or entry.get("inputs") != inputs_digest(job):
                continue
            setting = remembered_fit(entry)
            try:
                pages = int(entry["pages"])
            except (KeyError, TypeError, ValueError):
                continue
            if setting is not None:
                known.append(KnownFit(handout, code, setting, pages))
    return tuple(known)


def packet_task(
    lang: str, profile: Profile | None, bilingual: str | None, date: dt.date, known: tuple[KnownFit, ...]
) -> PacketTask:
    """A packet as a task for any engine (tasks.run_task binds it); its digest
    names everything it is made from, so equal tasks give equal bytes."""

    plan = PacketPlan(lang, bilingual, date, tuple(k for k in known if k.lang in (lang, bilingual)))
    made_from = [inputs_digest(job) for job in packet_jobs(lang, profile, bilingual)]
    seed = repr(("packet", lang, bilingual, date.isoformat(), plan.known, made_from))
    digest = hashlib.sha256(seed.encode()).hexdigest()[:32]
    return PacketTask(Job(PACKET_HANDOUTS[0], lang, PACKET_SIZE, profile=profile), plan, digest)


def packet_pdf(
    lang: str,
    out: Path | None = None,
    profile: Profile | None = None,
    bilingual: str | None = None,
    plan: PacketPlan | None = None,
) -> bytes:
    """One tagged PDF (PDF/UA-1): the cover, then each handout, each fitted on
    its own; with a paired language, each page is followed by the same page in
    it. Page numbers are printed, the document has bookmarks (one per handout
    and section), page labels (i for the cover, then 1, 2, ...) and /Lang, and
    the paired language's pages carry their own /Lang. `plan` (or, without it,
    the handouts already built in `out`) gives each handout's fit."""
    if plan is None:
        known = known_fits(out, [lang], profile, bilingual) if out is not None else ()
        plan = PacketPlan(lang, bilingual, packet_date(), known)
    return bind_packet(plan, profile).pdf


def build_packets(
    langs: list[str],
    out: Path,
    profile: Profile | None = None,
    bilingual: str | None = None,
    workers: int = 1,
    on_warning: Callable[[str], None] | None = None,
    engine: Engine | None = None,
    shared: Mapping[Job, KnownFit] | None = None,
    force: bool = False,
) -> list[Path]:
    """Write one packet per language into OUT/packets/ and list each in the
    manifest with what decided it (its inputs, and the PDFs it binds that are
    in `out`). The first handout that fails stops it with its error.

    Without `shared` (`handouts packet`), the handouts a packet binds are built
    into `out` first (incrementally, see build), and bound at their fit. With
    `shared` (a batch: fits made once for a stand-in clinic of each shape, see
    batch.fits.shared_fits), they are not made as files of their own: each packet
    binds them at the fit `out` already has for them (the office asked for that
    handout too), else at the shared fit, checked on its page.

    A packet already in `out`, made from the same inputs on the same date and
    unchanged since, is kept as it is (a batch run again makes only the packets
    whose inputs changed), unless `force`."""

    packet_date()  # a bad SOURCE_DATE_EPOCH is reported before any work
    jobs = list(dict.fromkeys(job for code in langs for job in packet_jobs(code, profile, bilingual)))
    if shared is None:
        report = build(jobs, out, workers=workers, engine=engine)
        for warning in report.warnings:
            if on_warning:
                on_warning(warning)
        if report.failed:
            first = report.failed[0]
            more = f" (and {len(report.failed) - 1} more)" if len(report.failed) > 1 else ""
            raise RenderError(f"{first.job.label}: {first.error}{more}")
    date = packet_date()
    known = known_fits(out, langs, profile, bilingual)
    if shared is not None:
        have = {(k.handout, k.lang) for k in known}
        known += tuple(shared[job] for job in jobs if job in shared and (job.handout, job.lang) not in have)
    parts = {code: packet_input_parts(code, bilingual, profile) for code in langs}
    kept = {code for code in langs if not force and _up_to_date(out, code, bilingual, parts[code], date)}
    tasks = [packet_task(code, profile, bilingual, date, known) for code in langs if code not in kept]
    owned = engine is None
    if engine is None:
        engine = local_engine(workers if len(tasks) > 1 else 1)
    pdfs: dict[str, bytes] = {}
    passes: dict[str, int] = {}
    try:
        for task, outcome in engine.run(tasks):
            if isinstance(outcome, HandoutsError):
                raise outcome
            assert isinstance(task, PacketTask)
            pdfs[task.plan.lang] = outcome.pdf
            passes[task.plan.lang] = outcome.passes
            for warning in outcome.warnings if shared is not None else ():  # else the build reported them
                if on_warning:
                    on_warning(warning)
    finally:
        if owned:
            engine.close()
    written = []
    manifest = read_manifest(out)
    for code in langs:
        path = out / "packets" / packet_name(code, bilingual)
        if code in kept:
            written.append(path)
            continue
        pdf = pdfs[code]
        inside = [
            output_path(out, Job(h, c, PACKET_SIZE)).relative_to(out).as_posix()
            for c in (code, bilingual)
            if c
            for h in PACKET_HANDOUTS
        ]
        write_listed(
            out,
            path,
            pdf,
            kind="packet",
            languages=[c for c in (code, bilingual) if c],
            made_from=[name for name in inside if name in manifest],
            extra={
                "size": PACKET_SIZE,
                "layout_passes": passes[code],
                "inputs": parts_digest(parts[code]),
                "inputs_detail": parts[code],
                "date": date.isoformat(),  # the cover's date: a packet made again on another day is made anew
            },
        )
        written.append(path)
    return written


def _up_to_date(out: Path, code: str, bilingual: str | None, parts: dict[str, str], date: dt.date) -> bool:
    """The packet in OUT was made from these very inputs, on this date, and is still there unchanged."""
    path = out / "packets" / packet_name(code, bilingual)
    entry = read_manifest(out).get(path.relative_to(out).as_posix())
    if not entry or entry.get("inputs") != parts_digest(parts) or entry.get("date") != date.isoformat():
        return False
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == entry.get("sha256")
    except OSError:
        return False


def packet_input_parts(
    lang: str, bilingual: str | None, profile: Profile | None, today: dt.date | None = None, clinic: bool | None = None
) -> dict[str, str]:
    """Every input that decides a packet (digest.input_parts of each handout it
    binds, together; the build options, handout.yaml and fonts of each by name),
    for `handouts changes`."""
    parts: dict[str, str] = {}
    for job in packet_jobs(lang, profile, bilingual):
        for key, value in input_parts(job, today, clinic).items():
            own = key in PER_HANDOUT_PARTS  # differs between the handouts bound: one entry each
            parts[f"{key}:{job.handout}/{job.lang}" if own else key] = value
    return parts


# Inputs (digest.input_parts) that are not the same for every handout a packet binds.
PER_HANDOUT_PARTS = ("job", "spec", "fonts")
