"""Batches: one row per office in a CSV file; per office, the files it asked
for, a PRINT-ME-FIRST.txt, and one zip to hand over; a summary of the run.

Each row is a clinic profile (name, address, phone, ..., logo) plus what that
office gets, in optional columns whose defaults come from the command line:
`handouts`, `languages`, `sizes`, `cards` (e.g. `es:40 ko:20`, rounded up to
whole sheets), `packets` (`yes`, `no`, or a language to pair each page with,
e.g. `en`) and `signs`. A bad row is reported with its row number and column,
and the other rows still build. Rows are numbered as a spreadsheet shows them:
the header is row 1. One pool of render processes serves the whole batch.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..clock import build_date
from ..errors import ContentError, HandoutsError, OutputError
from ..handover import PRINT_ME_FIRST, print_me_first, printables, write_summary, zip_folder

if TYPE_CHECKING:
    from ..engines import Engine
    from ..model import KnownFit
    from ..render import Job
from ..profile import FIELDS, Profile, ProfileError, is_field, make_profile

SLUG = "slug"


PLAN_COLUMNS = ("handouts", "languages", "sizes", "cards", "packets", "signs")


@dataclass(frozen=True)
class OfficePlan:
    """What one office gets. Empty handouts/signs: none; sizes: each handout's default."""

    handouts: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    cards: tuple[tuple[str, int], ...] = ()
    packets: str = "yes"  # yes | no | a language code: each page followed by the same page in it
    signs: tuple[str, ...] = ()


@dataclass
class Office:
    row: int
    slug: str
    profile: Profile
    plan: OfficePlan = field(default_factory=OfficePlan)


@dataclass
class OfficeResult:
    row: int
    slug: str
    written: list[Path] = field(default_factory=list)
    error: str | None = None
    name: str = ""
    pages: int = 0  # pages to print, every file once
    warnings: list[str] = field(default_factory=list)
    zip: Path | None = None


def _words(value: str) -> list[str]:
    return [w for w in re.split(r"[\s,;]+", value) if w]


def parse_cards(value: str, where: str) -> tuple[tuple[str, int], ...]:
    """'es:40 ko:20' -> (('es', 40), ('ko', 20))."""
    from ..locales import get_language

    out = []
    for word in _words(value):
        code, _, number = word.partition(":")
        if not number.isdigit() or int(number) < 1 or int(number) > 10_000:
            raise ContentError(f"{where}: cards '{word}' must be LANGUAGE:COUNT, e.g. es:40 (1 to 10,000 cards).")
        try:
            get_language(code)
        except HandoutsError as exc:
            raise ContentError(f"{where}: cards: {exc}") from None
        out.append((code, int(number)))
    return tuple(out)


def parse_plan(values: dict[str, str], defaults: OfficePlan, where: str) -> OfficePlan:
    """An office's plan: its cells where it has them, else the defaults. Each
    name is checked (ContentError naming the row and column)."""
    from ..content import get_handout
    from ..locales import get_language
    from ..sizes import get_size

    def names(column: str, check, default: tuple[str, ...]) -> tuple[str, ...]:
        if not values.get(column):
            return default
        chosen = tuple(_words(values[column]))
        for name in chosen:
            try:
                check(name)
            except HandoutsError as exc:
                raise ContentError(f"{where}, column {column}: {exc}") from None
        return chosen

    packets = values.get("packets") or defaults.packets
    if packets not in ("yes", "no"):
        try:
            get_language(packets)
        except HandoutsError:
            raise ContentError(
                f"{where}, column packets: '{packets}' must be yes, no, or a language to pair each page with (e.g. en)."
            ) from None
    plan = OfficePlan(
        handouts=names("handouts", get_handout, defaults.handouts),
        languages=names("languages", get_language, defaults.languages),
        sizes=names("sizes", get_size, defaults.sizes),
        cards=parse_cards(values["cards"], f"{where}, column cards") if values.get("cards") else defaults.cards,
        packets=packets,
        signs=names("signs", get_handout, defaults.signs),
    )
    for key in plan.signs:
        if not get_handout(key).multilingual:
            raise ContentError(f"{where}, column signs: '{key}' is not a sign; put it under handouts.")
    if not plan.languages:
        raise ContentError(f"{where}: no languages; fill the languages column or give --lang.")
    return plan


MAX_SLUG_CHARS = 60
MAX_CSV_BYTES = 20_000_000
MAX_CELL_CHARS = 10_000  # an address or a clinic name, not a document
_SEPARATORS = ",;\t"


def slugify(name: str) -> str:
    """A folder name from a clinic's name (or a slug a row gives): letters of any
    script and digits, joined by '-', at most MAX_SLUG_CHARS. Latin accents are
    dropped ('Clínica' -> 'clinica'); other scripts are kept. Separators, dots,
    control characters and anything else become '-', so the result can never
    name a parent folder, an absolute path or a hidden file."""
    kept = []
    for ch in unicodedata.normalize("NFC", name).casefold():
        base = unicodedata.normalize("NFKD", ch)
        kept.append(base[0] if base and base[0].isascii() else ch)  # 'í' -> 'i'; Khmer, Arabic... kept whole
    # spaces, punctuation, symbols and controls become '-'; letters, marks and digits stay
    joined = "".join(ch if unicodedata.category(ch)[0] in "LMN" else "-" for ch in "".join(kept))
    return re.sub(r"-+", "-", joined).strip("-")[:MAX_SLUG_CHARS].strip("-") or "office"


def office_folder(out: Path, slug: str) -> Path:
    """OUT/<slug>, checked to be inside OUT once every link is resolved."""
    folder = out / slugify(slug)
    if not folder.resolve().is_relative_to(out.resolve()) or folder.resolve() == out.resolve():
        raise ContentError(f"the folder for '{slug}' would not be inside {out}; choose another slug.")
    return folder


def _read_text(path: Path) -> str:
    try:
        info = path.stat()
        if not path.is_file():
            raise ContentError(f"{path}: not a regular file; give the path of a .csv file.")
        if info.st_size > MAX_CSV_BYTES:
            raise ContentError(
                f"{path}: {info.st_size:,} bytes is too big for a list of offices (at most {MAX_CSV_BYTES:,})."
            )
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found.") from None
    except UnicodeDecodeError:
        raise ContentError(f"{path}: not UTF-8 text; in your spreadsheet, save as 'CSV UTF-8'.") from None
    except OSError as exc:
        raise ContentError(f"{path}: cannot be read ({exc.strerror or exc}).") from None


def read_offices(
    path: Path, logo_anywhere: bool = False, defaults: OfficePlan | None = None
) -> tuple[list[Office], list[OfficeResult], list[str]]:
    """The good rows as offices, a failed result for each bad row, and warnings
    about the file (such as columns nobody reads). Cells may span lines (a
    spreadsheet's multi-line address); the separator (comma, semicolon or tab)
    is detected."""
    text = _read_text(path)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:20_000], delimiters=_SEPARATORS)
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text, newline=""), dialect)
    previous = csv.field_size_limit(MAX_CELL_CHARS)
    try:
        return _offices(path, rows, logo_anywhere, defaults or OfficePlan(languages=("en",)))
    except csv.Error as exc:
        raise ContentError(
            f"{path} row {rows.line_num}: cannot be read as CSV ({exc}); cells hold at most "
            f"{MAX_CELL_CHARS:,} characters."
        ) from None
    finally:
        csv.field_size_limit(previous)


def _offices(
    path: Path, rows, logo_anywhere: bool, defaults: OfficePlan
) -> tuple[list[Office], list[OfficeResult], list[str]]:
    header = next(rows, None) or []
    columns = [c.strip().casefold() for c in header]
    known = {SLUG} | set(PLAN_COLUMNS)
    unknown = [header[i].strip() for i, c in enumerate(columns) if c not in known and not is_field(c)]
    warnings = []
    if "name" not in columns:
        raise ContentError(
            f"{path}: row 1 (the header) must name the columns: name (required), "
            f"{', '.join(f for f in FIELDS if f != 'name')}, slug, and what each office gets: "
            f"{', '.join(PLAN_COLUMNS)} (all optional)"
            + (f"; unknown column(s): {', '.join(unknown)}" if unknown else "")
            + "."
        )
    if unknown:
        warnings.append(
            f"{path}: column(s) {', '.join(unknown)} are not used (known columns: {', '.join(FIELDS)}, slug, "
            f"{', '.join(PLAN_COLUMNS)})"
        )
    offices: list[Office] = []
    failures: list[OfficeResult] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows, start=2):  # rows as a spreadsheet numbers them (a cell may span lines)
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) != len(columns):
            failures.append(
                OfficeResult(
                    number,
                    "",
                    error=f"{path} row {number}: {len(cells)} cell(s), but the "
                    f"header has {len(columns)}; check for a stray separator or a missing cell.",
                )
            )
            continue
        values = {c: cell.strip() for c, cell in zip(columns, cells, strict=False) if c in known or is_field(c)}
        slug = slugify(values.pop(SLUG, "") or values.get("name", ""))
        wants = {c: values.pop(c) for c in PLAN_COLUMNS if c in values}
        values = {k: v for k, v in values.items() if v}
        try:
            profile = make_profile(values, f"{path} row {number}", path.parent, logo_anywhere)
            office_plan = parse_plan(wants, defaults, f"{path} row {number}")
        except (ProfileError, ContentError) as exc:
            failures.append(OfficeResult(number, slug, error=str(exc), name=values.get("name", "")))
            continue
        if slug in seen:
            failures.append(
                OfficeResult(
                    number,
                    slug,
                    error=(
                        f"{path} row {number}: its folder '{slug}' is also row {seen[slug]}'s; give one of them a "
                        "different slug (or name) so that neither office's files are overwritten."
                    ),
                )
            )
            continue
        seen[slug] = number
        offices.append(Office(number, slug, profile, office_plan))
    return offices, failures, warnings


def office_jobs(office: Office) -> list:
    """The handouts and signs an office asked for, each in its chosen sizes
    (a size a handout does not come in is skipped; none left: its default sizes)."""
    from ..content import get_handout
    from ..plan import plan

    jobs = []
    for key in (*office.plan.handouts, *office.plan.signs):
        spec = get_handout(key)
        sizes = [s for s in office.plan.sizes if s in spec.sizes] or list(spec.default_sizes)
        jobs += plan([key], list(office.plan.languages), sizes, profile=office.profile)
    return list(dict.fromkeys(jobs))


def fitted_jobs(office: Office) -> list[Job]:
    """Every page an office's files are fitted for: its handouts and signs, and
    the handouts its packets bind."""
    from ..packet.plan import packet_jobs

    jobs = office_jobs(office)
    if office.plan.packets != "no":
        bilingual = None if office.plan.packets == "yes" else office.plan.packets
        for code in office.plan.languages:
            if code != bilingual:
                jobs += packet_jobs(code, office.profile, bilingual)
    return list(dict.fromkeys(jobs))


FITS_FILE = ".fits.json"  # in a batch's output folder: the stand-ins' fits, by inputs digest


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
    from dataclasses import replace

    from ..digest import inputs_digest
    from ..model import FitTask, KnownFit
    from ..render import Setting

    groups: dict[Job, list[Job]] = {}  # a stand-in clinic's job: the offices' jobs it stands in for
    for office in offices:
        try:
            jobs = fitted_jobs(office)
        except HandoutsError:
            continue  # reported by the office itself
        for job in jobs:
            groups.setdefault(replace(job, profile=office.profile.stand_in(job.langs)), []).append(job)
    known = _read_fits(out / FITS_FILE) if out is not None else {}
    used: dict = {}  # what this run's stand-ins need: the file keeps only those
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
            setting = Setting(outcome.body_pt, outcome.compact, outcome.fill)
            used[task.digest] = (setting, outcome.pages)
            for job in groups[task.job]:
                fits[job] = KnownFit(job.handout, job.lang, setting, outcome.pages, checked=False)
    if out is not None and used.keys() != known.keys():
        _write_fits(out / FITS_FILE, used)
    return fits


def _read_fits(path: Path) -> dict:
    """{digest: (setting, pages)} from a fits file; an unreadable one counts as empty."""
    import json

    from ..render import Setting, is_fill

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        fits = {}
        for digest, fit in document.items():
            setting = Setting(float(fit["body_pt"]), int(fit["compact"]), str(fit["fill"]))
            if is_fill(setting.fill):
                fits[str(digest)] = (setting, int(fit["pages"]))
        return fits
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _write_fits(path: Path, fits: dict) -> None:
    import json

    from ..output import write_atomically

    document = {
        digest: {"body_pt": s.body_pt, "compact": s.compact, "fill": s.fill, "pages": pages}
        for digest, (s, pages) in sorted(fits.items())
    }
    write_atomically(path, (json.dumps(document, indent=1) + "\n").encode("utf-8"))


def card_sheets(
    cards: tuple[tuple[str, int], ...], stock_name: str, cache: dict, lock: threading.Lock | None = None
) -> list[tuple[str, bytes, int]]:
    """(file name, PDF, sheets) per language: whole sheets of one language's
    cards, the count rounded up. Sheets are made once per language per batch,
    in this process, one at a time (`lock`, when offices run in threads)."""
    import io

    from pypdf import PdfReader, PdfWriter

    from ..sheets import get_stock, red_card_sheet

    stock = get_stock(stock_name)
    out = []
    for code, count in cards:
        sheets = -(-count // stock.per_sheet)
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
    from ..sheets import get_stock

    stock = get_stock(stock_name)
    return f"red-card-{code}-{-(-count // stock.per_sheet) * stock.per_sheet}cards-{stock.name}.pdf"


def planned_files(office: Office, folder: Path, jobs: list[Job], stock: str) -> set[str]:
    """The files (relative to the office's folder) this run makes for the office."""
    from ..build import output_path
    from ..packet.plan import packet_name

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
    from ..output import read_manifest, write_manifest

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


def run_batch(
    path: Path,
    out: Path,
    defaults: OfficePlan,
    workers: int = 1,
    on_office: Callable[[OfficeResult], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    logo_anywhere: bool = False,
    stock: str = "avery-5371",
    today: str | None = None,
    engine: Engine | None = None,
) -> list[OfficeResult]:
    """For every good row: the office's files in OUT/<slug>/, its PRINT-ME-FIRST.txt
    and OUT/<slug>.zip; then OUT/summary.csv and OUT/summary.json, one line per
    row (failed rows too). One engine serves every office: `engine` (e.g. a
    Dask cluster, see distributed.py; the caller closes it) or a pool of
    `workers` processes started for this batch."""

    from ..build import build
    from ..digest import input_parts, parts_digest
    from ..engines import local_engine, offices_in_flight
    from ..output import add_to_manifest, read_manifest, write_atomically
    from ..packet.build import build_packets
    from ..packet.plan import packet_date
    from ..render import Job
    from ..sheets import alignment_sheet, get_stock

    get_stock(stock)
    packet_date()  # a bad SOURCE_DATE_EPOCH is reported before any work
    today = today or build_date().isoformat()
    offices, results, warnings = read_offices(path, logo_anywhere, defaults)
    for warning in warnings:
        if on_warning:
            on_warning(warning)
    for failure in results:
        if on_office:
            on_office(failure)
    sheets_cache: dict = {}
    sheets_lock = threading.Lock()

    def make_office(office: Office, engine: Engine) -> OfficeResult:
        """One office's files, PRINT-ME-FIRST and zip; runs in a thread of its own."""
        result = OfficeResult(office.row, office.slug, name=office.profile.name)
        try:
            folder = office_folder(out, office.slug)
            jobs = office_jobs(office)
            forget_unplanned(folder, planned_files(office, folder, jobs, stock))
            if jobs:
                hints = {job: fits[job].setting for job in jobs if job in fits}
                report = build(jobs, folder, workers=workers, engine=engine, hints=hints)
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
                    workers,
                    on_warning=result.warnings.append,
                    engine=engine,
                    shared=fits,
                )
            if office.plan.cards:
                for code, (name, pdf, _sheets) in zip(
                    [c for c, _ in office.plan.cards],
                    card_sheets(office.plan.cards, stock, sheets_cache, sheets_lock),
                    strict=True,
                ):
                    target = folder / "sheets" / name
                    write_atomically(target, pdf)
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
                    add_to_manifest(folder, target, pdf, kind="card-sheet", languages=[code], extra=sheet_inputs)
                    result.written.append(target)
                target = folder / "sheets" / f"alignment-{stock}.pdf"
                with sheets_lock:  # made once per batch, in this process (one at a time)
                    if ("alignment", stock) not in sheets_cache:
                        sheets_cache[("alignment", stock)] = alignment_sheet(get_stock(stock))
                pdf = sheets_cache[("alignment", stock)]
                write_atomically(target, pdf)
                add_to_manifest(folder, target, pdf, kind="alignment", languages=["en"])
                result.written.append(target)
            manifest = read_manifest(folder)
            wanted = {p.relative_to(folder).as_posix() for p in result.written}
            handed = printables({k: v for k, v in manifest.items() if k in wanted}, stock)
            result.pages = sum(p.pages for p in handed)
            write_atomically(
                folder / PRINT_ME_FIRST, print_me_first(office.profile.name, handed, today).encode("utf-8")
            )
            result.zip = out / f"{office.slug}.zip"
            zip_folder(folder, result.zip, [PRINT_ME_FIRST, *(p.path for p in handed)])
        except HandoutsError as exc:
            result.error = f"{path} row {office.row} ({office.profile.name}): {exc}"
        return result

    with nullcontext(engine) if engine is not None else local_engine(workers) as engine:
        engine.start()
        fits = shared_fits(offices, engine, out)
        # Several offices in flight, so the engine's workers never wait for one office's packets or
        # zip: each office's steps depend on each other, but offices do not. Files are still written by
        # this process only, each office into its own folder; the output does not depend on the order.
        with ThreadPoolExecutor(max_workers=offices_in_flight(engine), thread_name_prefix="office") as threads:
            for result in threads.map(lambda office: make_office(office, engine), offices):
                results.append(result)
                if on_office:
                    on_office(result)
    results.sort(key=lambda r: r.row)
    write_summary(out, results)
    return results
