"""One office of a batch: the handouts, signs and packets its row asks for
(`office_jobs`, `fitted_jobs`), the files this run makes for it
(`planned_files`; `forget_unplanned` removes an earlier run's others), its Red
Card sheets (`card_sheets`, made once per language and count per batch), and
`make_office`, which writes them all into OUT/<slug>/ with a
PRINT-ME-FIRST.txt and zips them into OUT/<slug>.zip. Offices run in threads
of their own (batch/run.py); what they share is in a BatchContext.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from ..build import build
from ..digest import input_parts, parts_digest
from ..engines import Engine
from ..errors import ContentError, HandoutsError, OutputError
from ..handover import PRINT_ME_FIRST, print_me_first, printables, zip_folder
from ..model import Job, KnownFit
from ..output import read_manifest, write_atomically, write_listed, write_manifest
from ..packet.build import build_packets
from ..packet.plan import packet_jobs, packet_name
from ..plan import output_path, plan_each
from ..sheets import alignment_sheet, get_stock, red_card_sheet, whole_sheets
from .rows import Office, OfficeResult, office_folder


def office_jobs(office: Office) -> list[Job]:
    """The handouts and signs an office asked for, each in its chosen sizes
    (a size a handout does not come in is skipped; none left: its default sizes)."""
    keys = (*office.plan.handouts, *office.plan.signs)
    return plan_each(keys, office.plan.languages, office.plan.sizes, profile=office.profile)[0]


def fitted_jobs(office: Office) -> list[Job]:
    """Every page an office's files are fitted for: its handouts and signs, and
    the handouts its packets bind."""
    jobs = office_jobs(office)
    if office.plan.packets != "no":
        bilingual = None if office.plan.packets == "yes" else office.plan.packets
        for code in office.plan.languages:
            if code != bilingual:
                jobs += packet_jobs(code, office.profile, bilingual)
    return list(dict.fromkeys(jobs))


# Card sheets and alignment pages made so far in a batch, shared by its offices: (lang, stock[, sheets]) -> PDF bytes.
SheetCache = dict[tuple[str | int, ...], bytes]


def card_sheets(
    cards: tuple[tuple[str, int], ...], stock_name: str, cache: SheetCache, lock: threading.Lock | None = None
) -> list[tuple[str, bytes, int]]:
    """(file name, PDF, sheets) per language: whole sheets of one language's
    cards, the count rounded up. Sheets are made once per language per batch,
    in this process, one at a time (`lock`, when offices run in threads)."""
    from pypdf import PdfReader, PdfWriter  # lazy: only a batch with Red Cards needs it

    stock = get_stock(stock_name)
    out = []
    for code, count in cards:
        sheets = whole_sheets(count, stock.per_sheet)
        with lock or nullcontext():
            if (code, stock.name) not in cache:
                cache[(code, stock.name)] = red_card_sheet([code], stock.name)[0]
            if (code, stock.name, sheets) not in cache:  # offices asking for as many share the file
                one = PdfReader(io.BytesIO(cache[(code, stock.name)]))
                writer = PdfWriter()
                for _ in range(sheets):
                    for page in one.pages:
                        writer.add_page(page)
                writer.add_metadata({"/Title": f"Red Cards ({code}) on {stock.description}", "/Creator": "handouts"})
                buffer = io.BytesIO()
                writer.write(buffer)
                cache[(code, stock.name, sheets)] = buffer.getvalue()
        out.append((sheet_file(code, count, stock_name), cache[(code, stock.name, sheets)], sheets))
    return out


def sheet_file(code: str, count: int, stock_name: str) -> str:
    """The file name of `count` Red Cards in language `code`, rounded up to whole sheets."""
    stock = get_stock(stock_name)
    return f"red-card-{code}-{whole_sheets(count, stock.per_sheet) * stock.per_sheet}cards-{stock.name}.pdf"


def planned_files(office: Office, folder: Path, jobs: list[Job], stock: str) -> set[str]:
    """The files (relative to the office's folder) this run makes for the office."""
    planned = {output_path(folder, job).relative_to(folder).as_posix() for job in jobs}
    if office.plan.packets != "no":
        bilingual = None if office.plan.packets == "yes" else office.plan.packets
        planned |= {f"packets/{packet_name(c, bilingual)}" for c in office.plan.languages if c != bilingual}
    if office.plan.cards:
        planned |= {f"sheets/{sheet_file(code, count, stock)}" for code, count in office.plan.cards}
        planned.add(f"sheets/alignment-{stock}.pdf")
    return planned


def forget_unplanned(folder: Path, planned: set[str]) -> None:
    """Remove from an office's folder the files an earlier run made that this run
    does not (a handout the row no longer asks for, the separate handout PDFs
    that packets used to need), and their manifest entries: the folder then
    holds what the zip holds, and `handouts changes` and packets read nothing
    stale. Only files the manifest lists, inside the folder, are removed."""
    manifest = read_manifest(folder)
    stale = [name for name in manifest if name not in planned]
    if not stale:
        return
    root = folder.resolve()
    for name in stale:
        path = (folder / name).resolve()
        if path.is_relative_to(root) and path.is_file():
            try:
                path.unlink()
                for parent in path.parents:  # and the folders left empty (es/ once its PDFs are gone)
                    if parent == root or not parent.is_relative_to(root) or any(parent.iterdir()):
                        break
                    parent.rmdir()
            except OSError as exc:
                raise OutputError(
                    f"{path}: cannot remove this file from an earlier run ({exc.strerror}); remove it, "
                    "or give another --out folder."
                ) from None
        del manifest[name]
    write_manifest(folder, manifest)


@dataclass(frozen=True)
class BatchContext:
    """What every office of one batch shares."""

    source: Path  # the CSV file, named in an office's error
    out: Path  # OUT: each office gets OUT/<slug>/ and OUT/<slug>.zip
    stock: str  # the card stock of Red Card sheets
    today: str  # the date PRINT-ME-FIRST.txt gives
    workers: int
    engine: Engine  # started; serves every office
    fits: Mapping[Job, KnownFit]  # shared_fits: each page's fit, found once per shape of clinic details
    sheets: SheetCache = field(default_factory=dict)  # card sheets and alignment pages made so far (card_sheets)
    sheets_lock: threading.Lock = field(default_factory=threading.Lock)  # one made at a time, in this process


def make_office(office: Office, batch: BatchContext) -> OfficeResult:
    """One office's files, PRINT-ME-FIRST and zip; runs in a thread of its own."""
    result = OfficeResult(office.row, office.slug, name=office.profile.name)
    try:
        folder = office_folder(batch.out, office.slug)
        jobs = office_jobs(office)
        forget_unplanned(folder, planned_files(office, folder, jobs, batch.stock))
        if jobs:
            hints = {job: batch.fits[job].setting for job in jobs if job in batch.fits}
            report = build(jobs, folder, workers=batch.workers, engine=batch.engine, hints=hints)
            result.warnings += report.warnings
            if report.failed:
                first = report.failed[0]
                raise ContentError(f"{first.job.label}: {first.error}")
            result.written += [r.path for r in report.results if r.path is not None]
        if office.plan.packets != "no":
            bilingual = None if office.plan.packets == "yes" else office.plan.packets
            langs = [c for c in office.plan.languages if c != bilingual]
            result.written += build_packets(
                langs,
                folder,
                office.profile,
                bilingual,
                batch.workers,
                on_warning=result.warnings.append,
                engine=batch.engine,
                shared=batch.fits,
            )
        if office.plan.cards:
            _write_card_sheets(office, folder, batch, result)
        manifest = read_manifest(folder)
        wanted = {p.relative_to(folder).as_posix() for p in result.written}
        handed = printables({k: v for k, v in manifest.items() if k in wanted}, batch.stock)
        result.pages = sum(p.pages for p in handed)
        write_atomically(
            folder / PRINT_ME_FIRST, print_me_first(handed, office.profile.name, batch.today).encode("utf-8")
        )
        result.zip = batch.out / f"{office.slug}.zip"
        zip_folder(folder, result.zip, [PRINT_ME_FIRST, *(p.path for p in handed)])
    except HandoutsError as exc:
        result.error = f"{batch.source} row {office.row} ({office.profile.name}): {exc}"
    return result


def _write_card_sheets(office: Office, folder: Path, batch: BatchContext, result: OfficeResult) -> None:
    """The office's Red Card sheets and the alignment page, in OUT/<slug>/sheets/
    and its manifest (a sheet's entry holds the card's inputs), each added to
    `result` once written."""
    for code, (name, pdf, _sheets) in zip(
        [c for c, _ in office.plan.cards],
        card_sheets(office.plan.cards, batch.stock, batch.sheets, batch.sheets_lock),
        strict=True,
    ):
        target = folder / "sheets" / name
        card = Job("red-card", code, "wallet")  # what decides the sheet: the card's inputs
        parts = input_parts(card)
        sheet_inputs = {
            "handout": "red-card",
            "size": "wallet",
            "variant": "office",
            "profile": "",
            "inputs": parts_digest(parts),
            "inputs_detail": parts,
        }
        write_listed(folder, target, pdf, kind="card-sheet", languages=[code], extra=sheet_inputs)
        result.written.append(target)
    target = folder / "sheets" / f"alignment-{batch.stock}.pdf"
    with batch.sheets_lock:  # made once per batch, in this process (one at a time)
        if ("alignment", batch.stock) not in batch.sheets:
            batch.sheets[("alignment", batch.stock)] = alignment_sheet(get_stock(batch.stock))
    pdf = batch.sheets[("alignment", batch.stock)]
    write_listed(folder, target, pdf, kind="alignment", languages=["en"])
    result.written.append(target)
