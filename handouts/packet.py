"""Multilingual packets: the patient handouts of one language bound into one
tagged PDF (PDF/UA-1) with a cover that lists what is inside, page numbers,
bookmarks and page labels. Each handout is laid out at its own fit (the one it
was built with, a batch's shared fit checked on the page, or fitted here), then
all pages go into one WeasyPrint document, so the packet keeps its structure tree.

A bilingual packet follows each page with the same page in English. We chose
facing pages over putting both side by side on landscape paper: side by side,
each page would shrink to half size and its body text below 12 pt; as facing
pages, a packet printed two-sided has the patient's language on the front of
each sheet and English on the back, both at full size.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .clock import build_date
from .content import COMMON, SOURCE_LANGUAGE, get_handout, load_content
from .digest import parts_digest
from .errors import ContentError, HandoutsError, RenderError, UsageError
from .locales import get_language
from .model import KnownFit, PacketPlan
from .profile import Profile
from .render import (
    Job,
    Setting,
    filled,
    fit_page,
    layout,
    off_the_page,
    page_context,
    page_html,
    prepare,
    render_template,
    within_area,
    write_pdf,
)
from .render.pdf import identifier
from .translations import status_of

if TYPE_CHECKING:
    from .engines import Engine
    from .tasks import Task

PACKET_HANDOUTS = ("know-your-rights", "medi-cal", "care-access", "pharmacy")
PACKET_SIZE = "letter"


def packet_date() -> dt.date:
    """Today, or SOURCE_DATE_EPOCH's date, so a packet can be rebuilt byte for byte."""
    return build_date()


FRONT_PAGES = 1  # the cover, which also lists what is inside


@dataclass
class _Part:
    handout: str
    lang: str
    prepared: Any
    context: dict[str, Any]
    setting: Setting
    pages: int
    twin: bool  # the paired language's page, after each page of the packet's own
    checked: bool = True  # False: a stand-in clinic's fit, checked on this page when laid out
    numbers: list[str] = field(default_factory=list)


def _cover(lang: str, profile: Profile | None, entries: list[dict], draft: bool, date: dt.date) -> Any:
    """The cover, laid out like a handout (same fonts, same checks): title, the
    language, the clinic's logo and name, the date, and what is inside with pages."""
    language = get_language(lang)
    probe = prepare(Job(PACKET_HANDOUTS[0], lang, PACKET_SIZE, profile=profile))
    context = {**page_context(probe), "body_pt": probe.size.body_pt}
    context.update(
        entries=entries,
        printed=language.format_date(date),
        draft=draft,
        title=load_content(COMMON, lang).data["strings"]["packet_title"],
        compact=0,
    )
    names = " ".join(entry["title"] + " " + entry["what"] for entry in entries)
    html = render_template("packet.html", context, probe.families, extra_text=names)
    document = layout(html, f"packet cover ({lang})")
    if len(document.pages) != FRONT_PAGES:
        raise RenderError(f"The packet cover for {lang} does not fit on one page; shorten the handouts' subtitles.")
    return document


def known_fits(out: Path, langs: list[str], profile: Profile | None, bilingual: str | None) -> tuple[KnownFit, ...]:
    """The fits of the packet handouts built in `out` whose manifest entry has the same inputs."""
    from .build import output_path, remembered_fit
    from .digest import inputs_digest
    from .output import read_manifest

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


def _parts(plan: PacketPlan, profile: Profile | None, passes: list[int]) -> list[_Part]:
    """Each handout of the packet (and its twin in the paired language): with the
    setting and page count of its built PDF when known (no layout pass here),
    else fitted on its own."""
    known = {(k.handout, k.lang): k for k in plan.known}
    parts = []
    for handout in PACKET_HANDOUTS:
        for code, twin in ((plan.lang, False), (plan.bilingual, True)):
            if code is None:
                continue
            prepared = prepare(Job(handout, code, PACKET_SIZE, profile=profile))
            checked = True
            if (handout, code) in known:
                fit = known[(handout, code)]
                setting, pages, checked = fit.setting, fit.pages, fit.checked
            else:
                setting, pages, used = _fit(prepared)
                passes.append(used)
            context = {**page_context(prepared), "no_bookmarks": twin}
            parts.append(_Part(handout, code, prepared, context, setting, pages, twin, checked))
    return parts


def _fit(prepared: Any) -> tuple[Setting, int, int]:
    """(setting, pages, layout passes) of a handout fitted on its own."""
    fitted = fit_page(prepared)
    return fitted.setting, len(fitted.measured.result.pages), fitted.passes


def _fits_its_page(document: Any, part: _Part) -> bool:
    """A stand-in's fit on this clinic's page: the same pages, each inside its
    margins and ending near the bottom (as fit_page checks a remembered fit)."""
    return len(document.pages) == part.pages and within_area(document) and filled(document)


def _print_order(parts: list[_Part]) -> list[tuple[_Part, int]]:
    """(part, its page index) in print order; numbers each part's pages."""
    order: list[tuple[_Part, int]] = []
    for handout in PACKET_HANDOUTS:
        own = next(p for p in parts if p.handout == handout and not p.twin)
        twin = next((p for p in parts if p.handout == handout and p.twin), None)
        for index in range(max(own.pages, twin.pages if twin else 0)):
            if index < own.pages:
                order.append((own, index))
            if twin is not None and index < twin.pages:
                order.append((twin, index))
    for part in parts:
        part.numbers = []
    for number, (part, _index) in enumerate(order, 1):
        part.numbers.append(str(number))
    return order


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


class Bound(NamedTuple):
    pdf: bytes
    warnings: list[str]  # of the handouts it binds (claims due for review, unconfirmed facts), each once
    passes: int  # layout passes, the cover's included


def bind_packet(plan: PacketPlan, profile: Profile | None) -> Bound:
    """The packet of `plan` (see packet_pdf). A handout whose text has problems
    stops it (ContentError), as it stops a build."""
    from .checks import consistency_problems

    lang, bilingual = plan.lang, plan.bilingual
    passes: list[int] = []
    parts = _parts(plan, profile, passes)
    warnings: list[str] = []
    for part in parts:
        problems = consistency_problems(part.handout, part.lang)
        if problems:
            raise ContentError(
                f"{part.prepared.job.label}: {len(problems)} problem(s) in the text:\n  - " + "\n  - ".join(problems),
                problems,
            )
        warnings += [w for w in part.prepared.warnings if w not in warnings]
    for _attempt in range(2):  # a second round only if a page count was not what the build said
        order = _print_order(parts)
        documents = {}
        changed = []
        for part in parts:
            html = page_html(part.prepared, {**part.context, "page_numbers": part.numbers}, part.setting)
            document = documents[id(part)] = layout(html, part.prepared.job.label)
            passes.append(1)
            if not part.checked:
                part.checked = True
                if not _fits_its_page(document, part):  # this clinic's details take other room: its own fit
                    part.setting, part.pages, used = _fit(part.prepared)
                    passes.append(used)
                    changed.append(part)
                    continue
            if len(document.pages) != part.pages:
                part.pages = len(document.pages)
                changed.append(part)
        if not changed:
            break
    else:
        raise RenderError(f"packet ({lang}): the page count of a handout changed while it was bound; build again.")
    for part in parts:
        off_the_page(documents[id(part)], part.prepared.job.label)
    entries = []
    for handout in PACKET_HANDOUTS:
        content = load_content(handout, lang).data
        title = content.get("title") or content["front"]["title"]
        first = next(n for n, (p, _i) in enumerate(order, 1) if p.handout == handout)
        entries.append({"title": title, "what": content.get("subtitle") or "", "page": first})
    draft = lang != SOURCE_LANGUAGE and any(
        status_of(load_content(key, lang)) != "reviewed" for key in (*PACKET_HANDOUTS, COMMON)
    )
    cover = _cover(lang, profile, entries, draft, plan.date)
    pages = list(cover.pages) + [documents[id(part)].pages[index] for part, index in order]
    seed = f"packet|{lang}|{bilingual}|{profile.digest if profile else ''}|{plan.date}"
    pdf = write_pdf(cover.copy(pages), f"packet ({lang})", pdf_variant="pdf/ua-1", pdf_identifier=identifier(seed))
    twin_pages = [FRONT_PAGES + i for i, (part, _index) in enumerate(order) if part.twin]
    return Bound(_finish(pdf, twin_pages, bilingual), warnings, sum(passes) + 1)


def _finish(pdf: bytes, twin_pages: list[int], twin_lang: str | None) -> bytes:
    """Page labels (i, then 1, 2, ...), and /Lang on what the paired language's pages hold."""
    import pikepdf

    document = pikepdf.open(io.BytesIO(pdf))
    document.Root.PageLabels = pikepdf.Dictionary(
        Nums=[0, pikepdf.Dictionary(S=pikepdf.Name.r), FRONT_PAGES, pikepdf.Dictionary(S=pikepdf.Name.D, St=1)]
    )
    if twin_lang and twin_pages:
        pages = {document.pages[i].objgen for i in twin_pages}
        stack = [document.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if not isinstance(node, pikepdf.Dictionary):
                continue
            page = node.get("/Pg")
            if page is not None and page.objgen in pages and "/S" in node:
                node.Lang = pikepdf.String(twin_lang)
                continue  # its children inherit it
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend(kids)
            elif kids is not None:
                stack.append(kids)
    buffer = io.BytesIO()
    document.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def packet_jobs(lang: str, profile: Profile | None = None, bilingual: str | None = None) -> list[Job]:
    get_language(lang)
    jobs = [Job(h, lang, PACKET_SIZE, profile=profile) for h in PACKET_HANDOUTS]
    if bilingual:
        get_language(bilingual)
        if bilingual == lang:
            raise UsageError(f"--bilingual {bilingual} is the packet's own language; choose another.")
        jobs += [Job(h, bilingual, PACKET_SIZE, profile=profile) for h in PACKET_HANDOUTS]
    for job in jobs:
        get_handout(job.handout)
    return jobs


def packet_task(
    lang: str, profile: Profile | None, bilingual: str | None, date: dt.date, known: tuple[KnownFit, ...]
) -> Task:
    """A packet as a task for any engine (tasks.run_task renders it); its digest
    names everything it is made from, so equal tasks give equal bytes."""
    from .digest import inputs_digest
    from .tasks import BuildOptions, Task

    plan = PacketPlan(lang, bilingual, date, tuple(k for k in known if k.lang in (lang, bilingual)))
    made_from = [inputs_digest(job) for job in packet_jobs(lang, profile, bilingual)]
    seed = repr(("packet", lang, bilingual, date.isoformat(), plan.known, made_from))
    digest = hashlib.sha256(seed.encode()).hexdigest()[:32]
    return Task(Job(PACKET_HANDOUTS[0], lang, PACKET_SIZE, profile=profile), BuildOptions(), digest, packet=plan)


def packet_name(lang: str, bilingual: str | None) -> str:
    return f"packet-{lang}" + (f"-with-{bilingual}" if bilingual else "") + ".pdf"


def build_packets(
    langs: list[str],
    out: Path,
    profile: Profile | None = None,
    bilingual: str | None = None,
    workers: int = 1,
    on_warning: Callable[[str], None] | None = None,
    engine: Engine | None = None,
    shared: Mapping[Job, KnownFit] | None = None,
) -> list[Path]:
    """Write one packet per language into OUT/packets/ and list each in the
    manifest with what decided it (its inputs, and the PDFs it binds that are
    in `out`). The first handout that fails stops it with its error.

    Without `shared` (`handouts packet`), the handouts a packet binds are built
    into `out` first (incrementally, see build), and bound at their fit. With
    `shared` (a batch: fits made once for a stand-in clinic of each shape, see
    batch.shared_fits), they are not made as files of their own: each packet
    binds them at the fit `out` already has for them (the office asked for that
    handout too), else at the shared fit, checked on its page."""
    from .build import build, output_path, write_atomically
    from .output import add_to_manifest, read_manifest

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
    tasks = [packet_task(code, profile, bilingual, date, known) for code in langs]
    owned = engine is None
    if engine is None:
        from .engines import local_engine

        engine = local_engine(workers if len(tasks) > 1 else 1)
    pdfs: dict[str, bytes] = {}
    passes: dict[str, int] = {}
    try:
        for task, outcome in engine.run(tasks):
            if isinstance(outcome, HandoutsError):
                raise outcome
            assert task.packet is not None
            pdfs[task.packet.lang] = outcome.pdf
            passes[task.packet.lang] = outcome.passes
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
        pdf = pdfs[code]
        write_atomically(path, pdf)
        inside = [
            output_path(out, Job(h, c, PACKET_SIZE)).relative_to(out).as_posix()
            for c in (code, bilingual)
            if c
            for h in PACKET_HANDOUTS
        ]
        parts = packet_input_parts(code, bilingual, profile)
        add_to_manifest(
            out,
            path,
            pdf,
            kind="packet",
            languages=[c for c in (code, bilingual) if c],
            made_from=[name for name in inside if name in manifest],
            extra={
                "size": PACKET_SIZE,
                "layout_passes": passes[code],
                "inputs": parts_digest(parts),
                "inputs_detail": parts,
            },
        )
        written.append(path)
    return written


def packet_input_parts(
    lang: str, bilingual: str | None, profile: Profile | None, today: dt.date | None = None, clinic: bool | None = None
) -> dict[str, str]:
    """Every input that decides a packet (digest.input_parts of each handout it
    binds, together; the build options, handout.yaml and fonts of each by name),
    for `handouts changes`."""
    from .digest import input_parts

    parts: dict[str, str] = {}
    for job in packet_jobs(lang, profile, bilingual):
        for key, value in input_parts(job, today, clinic).items():
            own = key in PER_HANDOUT_PARTS  # differs between the handouts bound: one entry each
            parts[f"{key}:{job.handout}/{job.lang}" if own else key] = value
    return parts


# Inputs (digest.input_parts) that are not the same for every handout a packet binds.
PER_HANDOUT_PARTS = ("job", "spec", "fonts")
