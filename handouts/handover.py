"""What is handed over with the files: a PRINT-ME-FIRST.txt that says what
each file is and how to print it, one zip of the files (the same bytes for
the same files), and a batch's summary (one line per row of its CSV).

Nothing here knows where the files came from: `printables` reads manifest
entries, `print_me_first` takes the clinic's name and the Printables,
`write_zip` takes names and bytes, and `write_summary` reads any outcome with
the fields of `Outcome`. `handouts batch` (batch/office.py, batch/run.py)
uses all of it.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from . import __version__
from .content import get_handout
from .locales import LANGUAGES
from .output import ManifestEntry, write_atomically
from .sheets import get_stock
from .sizes import get_size

PRINT_ME_FIRST = "PRINT-ME-FIRST.txt"
SUMMARY = "summary"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same files make the same zip


@dataclass(frozen=True)
class Printable:
    """One file in an office's folder, and how to print it."""

    path: str  # relative to the office folder
    what: str
    paper: str
    pages: int
    how: str


def print_me_first(clinic: str, files: list[Printable], today: str) -> str:
    """Plain instructions for whoever prints the clinic's files."""
    pages = sum(f.pages for f in files)
    lines = [
        f"PRINT ME FIRST: {clinic}",
        f"Made by handouts {__version__} on {today}. {len(files)} file(s), {pages} page(s) to print.",
        "",
        'Print every file at 100% ("Actual size"), never "Fit to page" or "Shrink":',
        "QR codes, card sheets and signs are measured to the millimetre.",
        "",
    ]
    for number, item in enumerate(files, 1):
        lines += [
            f"{number}. {item.path}",
            f"   {item.what}",
            f"   Paper: {item.paper}. {item.pages} page(s).",
            f"   {item.how}",
            "",
        ]
    lines.append(
        "The text is general information, not legal advice. Each page says when its phone numbers, "
        "links and statements of law were checked."
    )
    return "\n".join(lines) + "\n"


def printables(manifest: dict[str, ManifestEntry], stock_name: str) -> list[Printable]:
    """How to print each file of a manifest (by path), from its entry: a
    packet, a sheet of Red Cards on `stock_name`, the alignment page, or a
    handout or sign. An entry of any other kind is left out."""
    items = []
    for path, entry in sorted(manifest.items()):
        languages = ", ".join(LANGUAGES[c].english_name for c in entry.get("languages", []) if c in LANGUAGES)
        pages = int(entry.get("pages", 1))
        kind = entry.get("kind", "handout")
        if kind == "packet":
            items.append(
                Printable(
                    path,
                    f"Packet of patient handouts in {languages}, with a cover and contents",
                    "US Letter 8.5 x 11 in",
                    pages,
                    "Print two-sided, flip on the long edge.",
                )
            )
        elif kind == "card-sheet":
            stock = get_stock(stock_name)
            items.append(
                Printable(
                    path,
                    f"Red Cards in {languages}: {pages // 2 * stock.per_sheet} cards on {pages // 2} sheet(s)",
                    stock.description,
                    pages,
                    "First print the alignment page on plain paper and hold it over a sheet of "
                    "card stock against a window. Then print two-sided, flip on the long edge.",
                )
            )
        elif kind == "alignment":
            items.append(
                Printable(
                    path,
                    "Alignment test for the card sheets",
                    "plain US Letter",
                    pages,
                    "Print once, one-sided, before the card sheets.",
                )
            )
        elif entry.get("handout"):
            spec, size = get_handout(entry["handout"]), get_size(entry["size"])
            paper = size.description + (
                " (a print shop or a large-format printer)" if size.kind == "poster" and size.width_mm > 300 else ""
            )
            if size.kind == "card":
                how = "One card, front then back; for many cards print the card sheets."
            elif pages > 1:
                how = "Print two-sided, flip on the long edge."
            else:
                how = "Print one-sided."
            items.append(Printable(path, f"{spec.name}, {languages}", paper, pages, how))
    return items


def write_zip(target: Path, files: Iterable[tuple[str, bytes]]) -> None:
    """(name in the zip, bytes) in one zip, in the order given; the same files
    give the same bytes (fixed dates and permissions). Written atomically."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    write_atomically(target, buffer.getvalue())


def zip_folder(folder: Path, target: Path, names: list[str]) -> None:
    """The named files of a folder (relative to it) in one zip, by name, each
    under the folder's name, read one at a time."""
    write_zip(target, ((f"{folder.name}/{name}", (folder / name).read_bytes()) for name in sorted(names)))


class Outcome(Protocol):
    """One row of a batch, as the summary reads it (batch.rows.OfficeResult is one)."""

    @property
    def row(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def written(self) -> Sequence[Path]: ...
    @property
    def error(self) -> str | None: ...
    @property
    def pages(self) -> int: ...
    @property
    def warnings(self) -> Sequence[str]: ...
    @property
    def zip(self) -> Path | None: ...


def write_summary(out: Path, results: Sequence[Outcome]) -> None:
    """OUT/summary.csv and OUT/summary.json: one line per row of the CSV."""
    rows = [
        {
            "row": r.row,
            "office": r.name,
            "folder": r.slug,
            "status": "failed" if r.error else "ok",
            "files": len(r.written),
            "pages_to_print": r.pages,
            "zip": r.zip.name if r.zip and not r.error else "",
            "warnings": " | ".join(dict.fromkeys(r.warnings)),
            "error": r.error or "",
        }
        for r in results
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["row"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomically(out / f"{SUMMARY}.csv", buffer.getvalue().encode("utf-8"))
    write_atomically(out / f"{SUMMARY}.json", (json.dumps(rows, indent=2, ensure_ascii=False) + "\n").encode())
