"""The work the web page asks for. The functions named `do_*` run inside a
worker (see pool.Workers), each through the library exactly as the CLI does.
Each writes into one folder of the data folder named by a hash of its inputs
(cache.selection_key: the same choices twice are served from it) and returns a
small JSON-able summary.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..build import build
from ..clinic.logo import logo_bytes, logo_uri
from ..clinic.profile import Profile
from ..distributed import DaskEngine
from ..errors import HandoutsError
from ..handover import (
    PRINT_ME_FIRST,
    Printable,
    alignment_printable,
    card_mix,
    card_sheet_printable,
    handout_printable,
    handout_title,
    packet_printable,
    print_me_first,
    write_zip,
)
from ..model import Job
from ..notices import notice
from ..output import read_manifest, write_atomically
from ..packet.build import build_packets
from ..plan import plan, plan_each
from ..proof import proof
from ..record import RecordEvent, review_record
from ..render.engine import html_to_pdf
from ..review import edit
from ..sheets import alignment_sheet, get_stock, red_card_sheet, sheet_chunks
from .cache import remember, write_progress
from .i18n import gettext
from .pool import scheduler
from .previews import file_previews, render_highlight, render_preview

THUMB_WIDTH_PX = 240
THUMB = "thumb.png"
PEEK_WIDTH_PX = 500
PEEK = "peek.png"


_ENGINE: list[DaskEngine] = []  # this worker's connection to the cluster, made once


def cluster() -> DaskEngine | None:
    """The engine a worker renders with: the Dask cluster of `handouts serve
    --scheduler` (one client per worker process), else None (its own process)."""
    if not scheduler():
        return None
    if not _ENGINE:
        _ENGINE.append(DaskEngine(scheduler()))
    return _ENGINE[0]


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader  # heavy (0.4 s, ~20 MB), and only ever needed inside a worker

    return len(PdfReader(io.BytesIO(pdf)).pages)


def records(warnings: list[str]) -> list[dict[str, Any]]:
    """Each warning once, as a record with its code (notices.py), for the result page to word."""
    return [notice(w).as_record() for w in dict.fromkeys(warnings)]


def _entry(printable: Printable, **extra: Any) -> dict[str, Any]:
    """A file as the result page shows it (and PRINT-ME-FIRST.txt describes it)."""
    return {
        "name": printable.path,
        "title": printable.what,
        "paper": printable.paper,
        "pages": printable.pages,
        "how": printable.how,
        **extra,
    }


def _bundle(out: Path, entries: list[dict[str, Any]], files: list[tuple[str, bytes]]) -> None:
    """bundle.zip: PRINT-ME-FIRST.txt (handover.py's wording, as for a batch), then the files."""
    printed = [Printable(e["name"], e["title"], e["paper"], e["pages"], e["how"]) for e in entries]
    write_zip(out / "bundle.zip", [(PRINT_ME_FIRST, print_me_first(printed).encode()), *files])


def do_handouts(folder: str, params: dict[str, Any], profile: Profile | None, fits: str) -> dict[str, Any]:
    """Build the chosen handouts exactly as `handouts build` does (plan, then
    build into the folder), and packets as `handouts packet` does, then zip
    them with PRINT-ME-FIRST.txt. `fits`: the data folder's file of fits by
    shape of clinic details (shapes.py), shared with every other build."""
    out = Path(folder)
    files_dir = out / "files"
    entries, files, errors, warnings = [], [], [], []
    done = 0

    def one_more(label: str) -> None:  # for the progress bar: files made so far, and the last one
        nonlocal done
        done += 1
        write_progress(out, done, label)

    jobs: list[Job] = []
    if params.get("only") is not None:  # a reprint: exactly these files (see views/reprint.py)
        jobs = [
            Job(e["handout"], e["languages"][0], e["size"], e["variant"], profile, also=tuple(e["languages"][1:]))
            for e in params["only"]
        ]
    elif params["handouts"]:
        try:
            jobs, _fell_back = plan_each(
                params["handouts"], params["langs"], params["sizes"], variant=params["variant"], profile=profile
            )
        except HandoutsError as exc:
            return {"error": str(exc)}
        if not jobs:
            return {"error": gettext("Nothing to print: choose at least one handout.")}
    if jobs:

        def file_done(result: Any) -> None:
            one_more(handout_title(result.job.handout, result.job.langs, result.job.variant))

        report = build(jobs, files_dir, fits_file=Path(fits), on_done=file_done, engine=cluster())
        warnings += report.warnings
        manifest = read_manifest(files_dir)
        for result in report.results:
            if result.error is not None or result.path is None:
                errors.append(f"{result.job.label}: {result.error}")
                continue
            name = result.path.relative_to(files_dir).as_posix()
            data = result.path.read_bytes()
            entry = manifest.get(name, {})
            pages = int(entry.get("pages") or _pages(data))
            job = result.job
            printable = handout_printable(name, job.handout, job.langs, job.size, pages, job.variant)
            entries.append(
                _entry(
                    printable,
                    handout=job.handout,
                    langs=list(job.langs),
                    size=job.size,
                    review_status=entry.get("review_status", ""),
                )
            )
            files.append((name, data))
    if params.get("packet"):
        bilingual = params.get("bilingual") or None
        langs = [code for code in params["langs"] if code != bilingual]
        written: list[Path] = []
        try:
            for code in langs:  # one at a time, for the progress bar (each packet is its own file)
                written += build_packets(
                    [code], files_dir, profile, bilingual, on_warning=warnings.append, engine=cluster()
                )
                one_more(packet_printable("", code, bilingual, 0).what)
        except HandoutsError as exc:
            errors.append(f"packets: {exc}")
        for code, path in zip(langs, written, strict=False):
            data = path.read_bytes()
            name = path.relative_to(files_dir).as_posix()
            printable = packet_printable(name, code, bilingual, _pages(data))
            entries.append(_entry(printable, langs=[code], review_status="draft"))
            files.append((name, data))
    if files:
        _bundle(out, entries, files)
    file_previews(out, entries)
    removed = gettext("Removed from the SVG logo: %(what)s")
    notes = [removed % {"what": note} for note in profile.notes] if profile else []
    summary = {
        "files": entries,
        "warnings": records(warnings),
        "errors": errors,
        "notes": notes,
        "zip": bool(files),
    }
    return remember(out, summary)


def do_sheet(folder: str, params: dict[str, Any]) -> dict[str, Any]:
    """Red Card sheets: one PDF per distinct sheet (each what `handouts sheet`
    makes), all sheets in one PDF to print, and the alignment page."""
    from pypdf import PdfReader, PdfWriter  # heavy (0.4 s, ~20 MB), and only ever needed inside a worker

    out = Path(folder)
    try:
        stock = get_stock(params["stock"])
        chunks = sheet_chunks([(c, n) for c, n in params["counts"]], stock.per_sheet)
        made: dict[tuple[str, ...], tuple[bytes, str]] = {}
        warnings: list[str] = []
        for chunk in chunks:
            if tuple(chunk) not in made:
                pdf, found, name = red_card_sheet(chunk, stock.name)
                made[tuple(chunk)] = (pdf, name)
                warnings += [w for w in found if w not in warnings]
                write_progress(out, len(made), " + ".join(dict.fromkeys(chunk)))
    except HandoutsError as exc:
        return {"error": str(exc)}
    writer = PdfWriter()
    for chunk in chunks:
        writer.append(PdfReader(io.BytesIO(made[tuple(chunk)][0])))
    buffer = io.BytesIO()
    writer.write(buffer)
    total = sum(n for _, n in params["counts"])
    all_name = f"red-cards-{total}-{stock.name}.pdf"
    align_name = f"alignment-{stock.name}.pdf"
    align = alignment_sheet(stock)
    files = [(all_name, buffer.getvalue()), (align_name, align)]
    for path_name, data in files:
        write_atomically(out / "files" / path_name, data)
    cards = card_mix(params["counts"])
    entries = [
        _entry(card_sheet_printable(all_name, cards, len(chunks), stock.name), sheets=len(chunks)),
        _entry(alignment_printable(align_name)),
    ]
    _bundle(out, entries, files)
    file_previews(out, entries[:1])
    return remember(out, {"files": entries, "warnings": records(warnings), "errors": [], "notes": [], "zip": True})


def do_proof(folder: str, lang: str) -> dict[str, Any]:
    """The review proof of one language, as `handouts translations proof` writes it."""
    out = Path(folder)
    try:
        data = proof(lang)
    except HandoutsError as exc:
        return {"error": str(exc)}
    write_atomically(out / "proof.pdf", data)
    return remember(out, {"files": [{"name": "proof.pdf", "pages": _pages(data)}]})


def do_thumbnail(folder: str, handout: str) -> dict[str, Any]:
    """A small picture of a handout's first page (English, its usual size, no
    clinic) for its card on What to print."""
    out = Path(folder)
    try:
        report = build(plan([handout], ["en"])[:1], out / "files")
    except HandoutsError as exc:
        return {"error": str(exc)}
    made = [r.path for r in report.results if r.path is not None and r.error is None]
    if not made:
        return {"error": f"{handout}: no page to show"}
    render_preview(str(made[0]), 0, str(out / THUMB), THUMB_WIDTH_PX)
    return remember(out, {"thumb": THUMB})


def do_peek(folder: str, handout: str, lang: str, profile: Profile | None, fits: str, size: str = "") -> dict[str, Any]:
    """The live preview on What to print: one handout in one language at the
    chosen size (else its usual one), with the clinic, as `handouts build`
    makes it; the picture is of the page that carries the clinic's band (the
    first page that shows its name), else the first page."""
    out = Path(folder)
    try:
        jobs = plan([handout], [lang], [size] if size else [], profile=profile)[:1]
        report = build(jobs, out / "files", fits_file=Path(fits), engine=cluster())
    except HandoutsError as exc:
        return {"error": str(exc)}
    made = [r.path for r in report.results if r.path is not None and r.error is None]
    if not made:
        return {"error": "; ".join(str(r.error) for r in report.results) or "nothing to show"}
    page = _page_showing(made[0], profile.name) if profile is not None and profile.name else 0
    render_preview(str(made[0]), page, str(out / PEEK), PEEK_WIDTH_PX)
    return remember(out, {"peek": PEEK, "page": page})


def _page_showing(pdf: Path, text: str) -> int:
    """The first page whose text holds `text` (the clinic's name), else 0."""
    import unicodedata

    import pypdfium2 as pdfium  # heavy, and only ever needed inside a worker

    wanted = unicodedata.normalize("NFC", text).split()[0] if text.split() else text
    document = pdfium.PdfDocument(str(pdf))
    try:
        for index in range(len(document)):
            found = unicodedata.normalize("NFC", document[index].get_textpage().get_text_range())
            if wanted and wanted in found:
                return index
    finally:
        document.close()
    return 0


def do_check_logo(data: bytes) -> dict[str, Any]:
    """An uploaded logo, checked as a profile checks it (an SVG bounded and
    cleaned, a PNG or JPEG decoded whole and scaled down), then drawn once on a
    page and that page rasterised, as every handout and preview will: the pool
    stops this past its (short) time limit and the memory cap stops a decoding
    bomb, so a logo that would stall renders is refused here, once.
    Gives {"error"} or {"kind", "data" (the bytes to keep), "notes"}."""
    import pypdfium2 as pdfium  # heavy, and only ever needed inside a worker

    try:
        kind, cleaned, notes = logo_bytes(data, "logo")
        pdf = html_to_pdf(
            f'<div style="width:2in;height:1in"><img src="{logo_uri(kind, cleaned)}" '
            'style="max-width:2in;max-height:1in" alt=""></div>',
            "logo",
        )
    except HandoutsError as exc:
        return {"error": str(exc).removeprefix("logo: ")}
    document = pdfium.PdfDocument(pdf)
    try:
        document[0].render(scale=300 / 72).to_pil()
    finally:
        document.close()
    return {"kind": kind, "data": cleaned, "notes": notes}


def do_review_edit(handout: str, lang: str, sid: str, text: str, seen: str) -> dict[str, Any]:
    """A reviewer's new wording of one string (review.edit: the import's checks, then written), in a worker:
    {"old": the text before} or {"error": why it was refused}."""
    try:
        return {"old": edit(handout, lang, sid, text, seen).text}
    except HandoutsError as exc:
        return {"error": str(exc)}


def do_record(folder: str, lang: str, events: list[RecordEvent]) -> dict[str, Any]:
    """The review record PDF of one language (record.review_record), as `handouts translations record` writes it."""
    out = Path(folder)
    try:
        data = review_record(lang, events)
    except HandoutsError as exc:
        return {"error": str(exc)}
    write_atomically(out / "record.pdf", data)
    return {"files": [{"name": "record.pdf", "pages": _pages(data)}]}


def do_where(folder: str, handout: str, lang: str, needles: list[str]) -> dict[str, Any]:
    """A review page's picture: the handout in its usual size, no clinic, the
    page that shows one string with the string marked (previews.render_highlight)."""
    out = Path(folder)
    try:
        report = build(plan([handout], [lang], allow_stale=True)[:1], out / "files", engine=cluster())
    except HandoutsError as exc:
        return {"error": str(exc)}
    made = [r.path for r in report.results if r.path is not None and r.error is None]
    if not made:
        return {"error": "nothing to show"}
    if render_highlight(str(made[0]), needles, str(out / PEEK), PEEK_WIDTH_PX) is None:
        render_preview(str(made[0]), 0, str(out / PEEK), PEEK_WIDTH_PX)
    return remember(out, {"peek": PEEK})
