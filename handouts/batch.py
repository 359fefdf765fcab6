"""Batches: one row per office in a CSV file, one folder of packets per office.

A bad row is reported with its row number and field, and the other rows still
build. Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ContentError, HandoutsError
from .profile import FIELDS, Profile, ProfileError, make_profile

SLUG = "slug"


@dataclass
class Office:
    row: int
    slug: str
    profile: Profile


@dataclass
class OfficeResult:
    row: int
    slug: str
    written: list[Path] = field(default_factory=list)
    error: str | None = None


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


def read_offices(path: Path, logo_anywhere: bool = False) -> tuple[list[Office], list[OfficeResult], list[str]]:
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
        return _offices(path, rows, logo_anywhere)
    except csv.Error as exc:
        raise ContentError(
            f"{path} row {rows.line_num}: cannot be read as CSV ({exc}); cells hold at most "
            f"{MAX_CELL_CHARS:,} characters."
        ) from None
    finally:
        csv.field_size_limit(previous)


def _offices(path: Path, rows, logo_anywhere: bool) -> tuple[list[Office], list[OfficeResult], list[str]]:
    header = next(rows, None) or []
    columns = [c.strip().casefold() for c in header]
    known = set(FIELDS) | {SLUG}
    unknown = [header[i].strip() for i, c in enumerate(columns) if c not in known]
    warnings = []
    if "name" not in columns:
        raise ContentError(
            f"{path}: row 1 (the header) must name the columns: name (required), "
            f"{', '.join(f for f in FIELDS if f != 'name')}, slug (optional)"
            + (f"; unknown column(s): {', '.join(unknown)}" if unknown else "")
            + "."
        )
    if unknown:
        warnings.append(
            f"{path}: column(s) {', '.join(unknown)} are not used (known columns: {', '.join(FIELDS)}, slug)"
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
        values = {c: cell.strip() for c, cell in zip(columns, cells, strict=False) if c in known}
        slug = slugify(values.pop(SLUG, "") or values.get("name", ""))
        values = {k: v for k, v in values.items() if v}
        try:
            profile = make_profile(values, f"{path} row {number}", path.parent, logo_anywhere)
        except ProfileError as exc:
            failures.append(OfficeResult(number, slug, error=str(exc)))
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
        offices.append(Office(number, slug, profile))
    return offices, failures, warnings


def run_batch(
    path: Path,
    langs: list[str],
    out: Path,
    bilingual: str | None = None,
    workers: int = 1,
    on_office: Callable[[OfficeResult], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    logo_anywhere: bool = False,
) -> list[OfficeResult]:
    """Build a packet per language for every good row into OUT/<slug>/packets/."""
    from .packet import build_packets

    offices, results, warnings = read_offices(path, logo_anywhere)
    for warning in warnings:
        if on_warning:
            on_warning(warning)
    for failure in results:
        if on_office:
            on_office(failure)
    for office in offices:
        result = OfficeResult(office.row, office.slug)
        try:
            folder = office_folder(out, office.slug)
            result.written += build_packets(langs, folder, office.profile, bilingual, workers)
        except HandoutsError as exc:
            result.error = f"{path} row {office.row} ({office.profile.name}): {exc}"
        results.append(result)
        if on_office:
            on_office(result)
    return sorted(results, key=lambda r: r.row)
