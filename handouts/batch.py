"""Batches: one row per office in a CSV file, one folder of packets per office.

A bad row is reported with its row number and field, and the other rows still
build. Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
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


def slugify(name: str) -> str:
    """A folder name from a clinic's name: letters of any script and digits, joined by '-'.
    Latin accents are dropped ('Clínica' -> 'clinica'); other scripts are kept."""
    kept = []
    for ch in name.casefold():
        base = unicodedata.normalize("NFKD", ch)
        kept.append(base[0] if base[0].isascii() else ch)  # 'í' -> 'i'; Khmer, Arabic... kept whole
    # spaces, punctuation, symbols and controls become '-'; letters, marks and digits stay
    joined = "".join(ch if unicodedata.category(ch)[0] in "LMN" else "-" for ch in "".join(kept))
    return re.sub(r"-+", "-", joined).strip("-") or "office"


def read_offices(path: Path) -> tuple[list[Office], list[OfficeResult]]:
    """The good rows as offices, and a failed result for each bad row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found.") from None
    except UnicodeDecodeError:
        raise ContentError(f"{path}: not UTF-8 text; in your spreadsheet, save as 'CSV UTF-8'.") from None
    reader = csv.DictReader(text.splitlines())
    columns = [c.strip() for c in reader.fieldnames or []]
    unknown = [c for c in columns if c not in FIELDS and c != SLUG]
    if "name" not in columns or unknown:
        raise ContentError(
            f"{path}: row 1 (the header) must name the columns: name (required), "
            f"{', '.join(f for f in FIELDS if f != 'name')}, slug (optional)"
            + (f"; unknown column(s): {', '.join(unknown)}" if unknown else "") + "."
        )
    offices, failures, seen = [], [], set()
    for number, raw in enumerate(reader, start=2):
        values = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(values.values()):
            continue  # a blank line
        slug = values.pop(SLUG, "") or slugify(values.get("name", ""))
        values = {k: v for k, v in values.items() if v}
        try:
            profile = make_profile(values, f"{path} row {number}", path.parent)
        except ProfileError as exc:
            failures.append(OfficeResult(number, slug, error=str(exc)))
            continue
        base, suffix = slug, 2
        while slug in seen:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        seen.add(slug)
        offices.append(Office(number, slug, profile))
    return offices, failures


def run_batch(path: Path, langs: list[str], out: Path, bilingual: str | None = None, workers: int = 1,
              on_office: Callable[[OfficeResult], None] | None = None) -> list[OfficeResult]:
    """Build a packet per language for every good row into OUT/<slug>/packets/."""
    from .build import build, write_atomically
    from .packet import packet_from_files, packet_jobs

    offices, results = read_offices(path)
    for failure in results:
        if on_office:
            on_office(failure)
    for office in offices:
        result = OfficeResult(office.row, office.slug)
        folder = out / office.slug
        try:
            jobs = list(dict.fromkeys(j for code in langs for j in packet_jobs(code, office.profile, bilingual)))
            report = build(jobs, folder, workers=workers)
            if report.failed:
                first = report.failed[0]
                raise ContentError(f"{first.job.label}: {first.error}")
            for code in langs:
                name = f"packet-{code}" + (f"-with-{bilingual}" if bilingual else "") + ".pdf"
                target = folder / "packets" / name
                write_atomically(target, packet_from_files(code, folder, office.profile, bilingual))
                result.written.append(target)
        except HandoutsError as exc:
            result.error = f"{path} row {office.row} ({office.profile.name}): {exc}"
        results.append(result)
        if on_office:
            on_office(result)
    return sorted(results, key=lambda r: r.row)
