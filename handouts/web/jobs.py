"""The work the web page asks for, run in worker processes, never on the
server's event loop.

`Workers` is a bounded pool of warm "spawn" processes (the same kind of worker
the build uses: fonts loaded once per process). A request waits for its job
with a timeout; when `capacity` jobs are already waiting, `BusyError` is raised and
the page answers 503 with Retry-After.

The functions named `do_*` run inside a worker. Each writes into one folder
of the data folder named by a hash of its inputs (a cache: the same choices
twice are served from it) and returns a small JSON-able summary.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import multiprocessing
import os
import threading
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import HandoutsError
from ..profile import Profile
from ..resources import Project, current_project, use_project

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same files make the same ZIP
PREVIEW_WIDTH_PX = 850


class BusyError(Exception):
    """Every place in the queue is taken: try again shortly."""


class TooSlowError(Exception):
    """A job ran past its time limit."""


def selection_key(kind: str, params: dict[str, Any], profile: Profile | None) -> str:
    """The cache key of a selection: what was chosen, for which clinic, on which day
    (claims age), by which version of the tool, with which content."""
    import datetime as dt

    project = current_project()
    stamp = max(
        (path.stat().st_mtime_ns for folder in (project.content, project.templates) for path in folder.rglob("*")),
        default=0,
    )
    text = json.dumps(
        {
            "stamp": stamp,  # an edit of the content or templates
            "kind": kind,
            "params": params,
            "profile": profile.digest if profile else "",
            "version": __version__,
            "day": dt.date.today().isoformat(),
        },
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _start_worker(parent: int, project: Project) -> None:
    use_project(project)

    def watch() -> None:  # die with the server, even a killed one
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="handouts-web-parent-watch", daemon=True).start()
    from ..render import font_config

    font_config()


RESULT = "result.json"
PROGRESS = "progress.json"


def progress(folder: Path) -> int:
    """How many offices of a batch in this folder are done so far."""
    try:
        return int(json.loads((folder / PROGRESS).read_text(encoding="utf-8"))["done"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def cached(folder: Path) -> dict[str, Any] | None:
    """The summary of a job already done in this folder (see selection_key)."""
    try:
        found: dict[str, Any] = json.loads((folder / RESULT).read_text(encoding="utf-8"))
        return found
    except (OSError, ValueError):
        return None


def _remember(out: Path, result: dict[str, Any]) -> dict[str, Any]:
    from ..build import write_atomically

    if not result.get("error") and not result.get("errors"):
        write_atomically(out / RESULT, json.dumps(result).encode())
    return result


class Workers:
    def __init__(self, workers: int = 2, capacity: int = 8, timeout: float = 300.0):
        self.workers = max(1, workers)
        self.capacity = capacity
        self.timeout = timeout
        self.waiting = 0
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(), current_project()),
            )

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def pids(self) -> list[int]:
        processes = getattr(self._pool, "_processes", None) or {}
        return list(processes)

    def submit(self, function: Callable[..., Any], *args: Any) -> asyncio.Task[Any]:
        """Queue a job now (BusyError at once when the queue is full); the task
        gives its result, or TooSlowError past the time limit."""
        if self.waiting >= self.capacity:
            raise BusyError()
        self.start()
        assert self._pool is not None
        self.waiting += 1
        try:
            future = asyncio.get_running_loop().run_in_executor(self._pool, function, *args)
        except BaseException:
            self.waiting -= 1
            raise

        async def wait() -> Any:
            try:
                return await asyncio.wait_for(future, self.timeout)
            except TimeoutError:
                raise TooSlowError() from None
            finally:
                self.waiting -= 1

        return asyncio.ensure_future(wait())

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        return await self.submit(function, *args)


# --- inside a worker -------------------------------------------------------


def _write_zip(path: Path, files: list[tuple[str, bytes]]) -> None:
    from ..build import write_atomically

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    write_atomically(path, buffer.getvalue())


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def print_me_first(entries: list[dict[str, Any]], cards: bool = False) -> str:
    """The short instructions that open every ZIP."""
    lines = [
        "PRINT ME FIRST",
        "",
        'Print every file at 100% ("Actual size"). Never choose "Fit to page" or "Shrink":',
        "the sizes, QR codes and card positions are exact.",
        "",
    ]
    if cards:
        lines += [
            "Red Card sheets:",
            "  1. Print alignment-*.pdf first, on plain paper. Hold it over a sheet of card stock",
            "     against a window: every outline must lie on a card. If not, check the 100% setting.",
            "  2. Print the card sheets two-sided, flip on the LONG edge.",
            "     Page 1 of each sheet holds the fronts, page 2 the backs.",
            "",
        ]
    lines.append("What each file is:")
    for entry in entries:
        lines += [
            "",
            f"{entry['name']}",
            f"  What: {entry['title']}",
            f"  Paper: {entry['paper']}",
            f"  Pages: {entry['pages']}" + (f" ({entry['how']})" if entry.get("how") else ""),
        ]
    return "\n".join(lines) + "\n"


def _language_label(code: str) -> str:
    from ..locales import get_language

    language = get_language(code)
    native = language.native_name
    return language.english_name if native == language.english_name else f"{language.english_name} ({native})"


def _entry_for(job: Any, name: str, pages: int, review_status: str) -> dict[str, Any]:
    from ..content import get_handout
    from ..sizes import get_size

    size = get_size(job.size)
    langs = ", ".join(_language_label(c) for c in job.langs)
    how = ""
    if size.kind == "card":
        how = "page 1 front, page 2 back: two-sided, flip on the long edge, then cut"
    elif pages == 2:
        how = "two-sided, flip on the long edge, or two sheets"
    return {
        "name": name,
        "title": f"{get_handout(job.handout).name}, {langs}" + ("" if job.variant == "office" else f", {job.variant}"),
        "paper": size.description,
        "pages": pages,
        "how": how,
        "handout": job.handout,
        "langs": list(job.langs),
        "size": job.size,
        "review_status": review_status,
    }


def do_handouts(folder: str, params: dict[str, Any], profile: Profile | None) -> dict[str, Any]:
    """Build the chosen handouts exactly as `handouts build` does (plan, then
    build into the folder), and packets as `handouts packet` does, then zip
    them with PRINT-ME-FIRST.txt."""
    from ..build import build, plan
    from ..output import read_manifest
    from ..packet.build import build_packets

    out = Path(folder)
    files_dir = out / "files"
    entries, files, errors, warnings = [], [], [], []
    if params["handouts"]:
        try:
            jobs = plan(
                params["handouts"], params["langs"], params["sizes"], variant=params["variant"], profile=profile
            )
        except HandoutsError as exc:
            return {"error": str(exc)}
        if not jobs:
            return {"error": "Nothing to print: choose at least one handout."}
        report = build(jobs, files_dir)
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
            entries.append(_entry_for(result.job, name, pages, entry.get("review_status", "")))
            files.append((name, data))
    if params.get("packet"):
        bilingual = params.get("bilingual") or None
        langs = [code for code in params["langs"] if code != bilingual]
        try:
            written = build_packets(langs, files_dir, profile, bilingual, on_warning=warnings.append) if langs else []
        except HandoutsError as exc:
            errors.append(f"packets: {exc}")
            written = []
        for code, path in zip(langs, written, strict=False):
            data = path.read_bytes()
            name = path.relative_to(files_dir).as_posix()
            extra = f", each page followed by {_language_label(bilingual)}" if bilingual else ""
            entries.append(
                {
                    "name": name,
                    "title": f"Packet of patient handouts, {_language_label(code)}{extra}",
                    "paper": "US Letter 8.5 x 11 in",
                    "pages": _pages(data),
                    "how": "two-sided, flip on the long edge",
                    "langs": [code],
                    "review_status": "draft",
                }
            )
            files.append((name, data))
    if files:
        _write_zip(out / "bundle.zip", [("PRINT-ME-FIRST.txt", print_me_first(entries).encode()), *files])
    _previews(out, entries)
    notes = [f"Removed from the SVG logo: {note}" for note in profile.notes] if profile else []
    summary = {
        "files": entries,
        "warnings": list(dict.fromkeys(warnings)),
        "errors": errors,
        "notes": notes,
        "zip": bool(files),
    }
    return _remember(out, summary)


def sheet_chunks(counts: list[tuple[str, int]], per_sheet: int) -> list[list[str]]:
    """[('es', 20), ('ko', 10)] with 10 a sheet -> [['es:10'], ['es:10'], ['ko:10']]."""
    cards = [code for code, number in counts for _ in range(number)]
    chunks = []
    for start in range(0, len(cards), per_sheet):
        part = cards[start : start + per_sheet]
        grouped: dict[str, int] = {}
        for code in part:
            grouped[code] = grouped.get(code, 0) + 1
        chunks.append([f"{code}:{number}" for code, number in grouped.items()])
    return chunks


def do_sheet(folder: str, params: dict[str, Any]) -> dict[str, Any]:
    """Red Card sheets: one PDF per distinct sheet (each what `handouts sheet`
    makes), all sheets in one PDF to print, and the alignment page."""
    from pypdf import PdfReader, PdfWriter

    from ..build import write_atomically
    from ..sheets import alignment_sheet, get_stock, red_card_sheet

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
    mix = " + ".join(f"{n} {c}" for c, n in params["counts"])
    entries = [
        {
            "name": all_name,
            "title": f"Red Cards, {total} cards ({mix}) on {len(chunks)} sheet(s)",
            "paper": stock.description,
            "pages": len(chunks) * 2,
            "how": "two-sided, flip on the long edge; page 1 of each sheet fronts, page 2 backs",
            "sheets": len(chunks),
        },
        {
            "name": align_name,
            "title": "Alignment test page: print this first",
            "paper": "plain Letter paper",
            "pages": 1,
            "how": "one-sided",
        },
    ]
    _write_zip(out / "bundle.zip", [("PRINT-ME-FIRST.txt", print_me_first(entries, cards=True).encode()), *files])
    _previews(out, entries[:1])
    return _remember(out, {"files": entries, "warnings": warnings, "errors": [], "notes": [], "zip": True})


def do_proof(folder: str, lang: str) -> dict[str, Any]:
    """The review proof of one language, as `handouts translations proof` writes it."""
    from ..build import write_atomically
    from ..proof import proof

    out = Path(folder)
    try:
        data = proof(lang)
    except HandoutsError as exc:
        return {"error": str(exc)}
    write_atomically(out / "proof.pdf", data)
    return _remember(out, {"files": [{"name": "proof.pdf", "pages": _pages(data)}]})


THUMB_WIDTH_PX = 240
THUMB = "thumb.png"


def do_thumbnail(folder: str, handout: str) -> dict[str, Any]:
    """A small picture of a handout's first page (English, its usual size, no
    clinic) for its card on What to print."""
    from ..build import build, plan

    out = Path(folder)
    try:
        report = build(plan([handout], ["en"])[:1], out / "files")
    except HandoutsError as exc:
        return {"error": str(exc)}
    made = [r.path for r in report.results if r.path is not None and r.error is None]
    if not made:
        return {"error": f"{handout}: no page to show"}
    render_preview(str(made[0]), 0, str(out / THUMB), THUMB_WIDTH_PX)
    return _remember(out, {"thumb": THUMB})


PEEK_WIDTH_PX = 500
PEEK = "peek.png"


def do_peek(folder: str, handout: str, lang: str, profile: Profile | None) -> dict[str, Any]:
    """The live preview on What to print: the first page of one handout in one
    language at its usual size, with the clinic, as `handouts build` makes it."""
    from ..build import build, plan

    out = Path(folder)
    try:
        report = build(plan([handout], [lang], profile=profile)[:1], out / "files")
    except HandoutsError as exc:
        return {"error": str(exc)}
    made = [r.path for r in report.results if r.path is not None and r.error is None]
    if not made:
        return {"error": "; ".join(str(r.error) for r in report.results) or "nothing to show"}
    render_preview(str(made[0]), 0, str(out / PEEK), PEEK_WIDTH_PX)
    return _remember(out, {"peek": PEEK})


MAX_PREVIEW_PAGES = 6


def _previews(out: Path, entries: list[dict[str, Any]]) -> None:
    """PNG images of each file's first pages: out/previews/<file index>-<page>.png."""
    for index, entry in enumerate(entries):
        shown = min(int(entry["pages"]), MAX_PREVIEW_PAGES)
        for page in range(shown):
            render_preview(str(out / "files" / entry["name"]), page, str(out / "previews" / f"{index}-{page}.png"))
        entry["previews"] = shown


def render_preview(pdf_path: str, page: int, png_path: str, width: int = PREVIEW_WIDTH_PX) -> bool:
    """One page of a PDF as a PNG, at most `width` pixels wide."""
    import pypdfium2 as pdfium

    from ..build import write_atomically

    document = pdfium.PdfDocument(pdf_path)
    try:
        if not 0 <= page < len(document):
            return False
        item = document[page]
        scale = min(width / item.get_width(), 2.0)
        image = item.render(scale=scale).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=False)
        write_atomically(Path(png_path), buffer.getvalue())
        return True
    finally:
        document.close()


def count_offices(folder: Path, data: bytes, langs: list[str]) -> int:
    """The rows of an uploaded CSV (good and bad), read as `handouts batch`
    reads them; raises HandoutsError for a file that is not a list of offices."""
    from ..batch import OfficePlan, read_offices
    from ..build import write_atomically

    write_atomically(folder / "offices.csv", data)
    offices, failures, _warnings = read_offices(folder / "offices.csv", defaults=OfficePlan(languages=tuple(langs)))
    return len(offices) + len(failures)


def do_offices(folder: str, data: bytes, langs: list[str]) -> dict[str, Any]:
    """`handouts batch` on an uploaded CSV: a packet per language for every
    good row, one ZIP per office (with its PRINT-ME-FIRST.txt), a summary, and
    an error per bad row."""
    from ..batch import OfficePlan, run_batch
    from ..build import write_atomically

    out = Path(folder)
    source = out / "offices.csv"
    write_atomically(source, data)
    warnings: list[str] = []
    done, lock = 0, threading.Lock()

    def one_more(_result: Any) -> None:  # for the progress bar: offices done (or refused) so far
        nonlocal done
        with lock:  # run_batch may finish offices in several threads
            done += 1
            write_atomically(out / PROGRESS, json.dumps({"done": done}).encode())

    try:
        results = run_batch(
            source,
            out / "offices",
            OfficePlan(languages=tuple(langs)),
            on_office=one_more,
            on_warning=warnings.append,
        )
    except HandoutsError as exc:
        return {"error": str(exc).replace(str(source), "offices.csv")}
    offices = []
    for result in results:
        error = result.error.replace(str(source), "offices.csv") if result.error else None
        zip_name = result.zip.name if result.zip is not None and not error else ""
        offices.append({"row": result.row, "slug": result.slug, "name": result.name, "error": error, "zip": zip_name})
        warnings += result.warnings
    return _remember(out, {"offices": offices, "warnings": list(dict.fromkeys(warnings)), "errors": [], "files": []})
