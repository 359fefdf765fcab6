"""What is handed over with the files: a PRINT-ME-FIRST.txt that says what
each file is and how to print it, one zip of the files (the same bytes for
the same files), and a batch's summary (one line per row of its CSV).

Nothing here knows where the files came from: `printables` reads manifest
entries, the `*_printable` functions describe one file, `print_me_first`
takes the Printables (and the clinic's name, if any), `write_zip` takes names
and bytes, and `write_summary` reads any outcome with the fields of `Outcome`.
`handouts batch` (batch/office.py, batch/run.py) and the web page
(web/work.py) use it: one wording for both.
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
from .labels import handout_name, language_label, size_name, variant_name
from .locales import LANGUAGES
from .model import DEFAULT_VARIANT
from .output import ManifestEntry, spreadsheet_safe, write_atomically
from .sheets import get_stock
from .sizes import get_size
from .words import _, gettext

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


def print_me_first(files: Sequence[Printable], clinic: str = "", today: str = "") -> str:
    """Plain instructions for whoever prints the files: for a clinic (`clinic`,
    with the date they were made) or for whoever asked the web page; in the
    reader's language (words.py)."""
    pages = sum(f.pages for f in files)
    lines = [_("PRINT ME FIRST: %(clinic)s") % {"clinic": clinic} if clinic else _("PRINT ME FIRST")]
    made = (
        _("Made by handouts %(version)s on %(date)s.") % {"version": __version__, "date": today}
        if today
        else _("Made by handouts %(version)s.") % {"version": __version__}
    )
    counts = _("%(files)s file(s), %(pages)s page(s) to print.") % {"files": len(files), "pages": pages}
    lines += [
        f"{made} {counts}",
        "",
        _('Print every file at 100% ("Actual size"), never "Fit to page" or "Shrink":'),
        _("QR codes, card sheets and signs are measured to the millimetre."),
        "",
    ]
    for number, item in enumerate(files, 1):
        paper = _("Paper: %(paper)s. %(pages)s page(s).") % {"paper": item.paper, "pages": item.pages}
        lines += [f"{number}. {item.path}", f"   {item.what}", f"   {paper}", f"   {item.how}", ""]
    lines.append(
        _(
            "The text is general information, not legal advice. Each page says when its phone numbers, "
            "links and statements of law were checked."
        )
    )
    return "\n".join(lines) + "\n"


def _how(spec_multilingual: bool, kind: str, pages: int) -> str:
    """How to print a handout or sign of this many pages."""
    if kind == "card":
        return _(
            "One card: page 1 is the front, page 2 the back. Print two-sided, flip on the long edge, then cut. "
            "For many cards, print the card sheets."
        )
    if spec_multilingual and pages > 1:
        return _("Print one-sided and post the %(pages)s pages side by side: each sign starts with English.") % {
            "pages": pages
        }
    if pages > 2:
        return _("Print two-sided, flip on the long edge: %(pages)s pages on %(sheets)s sheets.") % {
            "pages": pages,
            "sheets": -(-pages // 2),
        }
    if pages > 1:
        return _("Print two-sided, flip on the long edge (or on separate sheets).")
    return _("Print one-sided.")


def handout_printable(path: str, handout: str, langs: Sequence[str], size: str, pages: int, variant: str) -> Printable:
    """A handout or sign in these languages at this size (and output variant)."""
    spec, paper_size = get_handout(handout), get_size(size)
    paper = size_name(size)
    if paper_size.kind == "poster" and paper_size.width_mm > 300:
        paper += " " + _("(a print shop or a large-format printer)")
    how = _how(spec.multilingual, paper_size.kind, pages)
    if size == "half-letter":  # what an office printer holds is Letter
        how += " " + (
            _(
                "On Letter paper, print at 100% (actual size) and trim to 5.5 x 8.5 in, "
                "or make it in US Letter for a full-page sign."
            )
            if "letter" in spec.sizes
            else _("On Letter paper, print at 100% (actual size) and trim to 5.5 x 8.5 in.")
        )
    return Printable(path, handout_title(handout, langs, variant), paper, pages, how)


def handout_title(handout: str, langs: Sequence[str], variant: str = DEFAULT_VARIANT) -> str:
    """'Know your rights, Korean (한국어), large print', in the reader's language."""
    what = f"{handout_name(handout)}, {', '.join(language_label(c) for c in langs)}"
    return what if variant == DEFAULT_VARIANT else f"{what}, {variant_name(variant)}"


def packet_printable(path: str, lang: str, bilingual: str | None, pages: int) -> Printable:
    what = (
        _("Packet of patient handouts in %(language)s, each page followed by %(other)s, with a cover and contents")
        % {"language": language_label(lang, True), "other": language_label(bilingual, True)}
        if bilingual
        else _("Packet of patient handouts in %(language)s, with a cover and contents")
        % {"language": language_label(lang, True)}
    )
    return Printable(path, what, size_name("letter"), pages, _("Print two-sided, flip on the long edge."))


def card_sheet_printable(path: str, cards: str, sheets: int, stock_name: str) -> Printable:
    """`cards`: what is on them, e.g. '30 cards (20 es + 10 ko)'."""
    stock = get_stock(stock_name)
    return Printable(
        path,
        _("Red Cards, %(cards)s on %(sheets)s sheet(s)") % {"cards": cards, "sheets": sheets},
        gettext(stock.description),
        sheets * 2,
        _(
            "First print the alignment page on plain paper and hold it over a sheet of card stock against a "
            "window: every outline must lie on a card. Then print two-sided, flip on the long edge: page 1 of "
            "each sheet holds the fronts, page 2 the backs."
        ),
    )


def card_mix(counts: Sequence[tuple[str, int]]) -> str:
    """What a run of card sheets holds: '20 cards (10 Spanish + 10 Korean)'."""
    mix = " + ".join(f"{n} {language_label(code, True)}" for code, n in counts)
    return _("%(count)s cards (%(mix)s)") % {"count": sum(n for _, n in counts), "mix": mix}


def alignment_printable(path: str) -> Printable:
    return Printable(
        path,
        _("Alignment test for the card sheets"),
        _("plain US Letter"),
        1,
        _("Print once, one-sided, before the card sheets."),
    )


def printables(manifest: dict[str, ManifestEntry], stock_name: str) -> list[Printable]:
    """How to print each file of a manifest (by path), from its entry: a
    packet, a sheet of Red Cards on `stock_name`, the alignment page, or a
    handout or sign. An entry of any other kind is left out."""
    items = []
    for path, entry in sorted(manifest.items()):
        codes = [c for c in entry.get("languages", []) if c in LANGUAGES]
        pages = int(entry.get("pages", 1))
        kind = entry.get("kind", "handout")
        if kind == "packet":
            items.append(packet_printable(path, codes[0], codes[1] if len(codes) > 1 else None, pages))
        elif kind == "card-sheet":
            per_sheet = get_stock(stock_name).per_sheet
            languages = ", ".join(language_label(c, True) for c in codes)
            cards = _("%(count)s cards in %(languages)s") % {"count": pages // 2 * per_sheet, "languages": languages}
            items.append(card_sheet_printable(path, cards, pages // 2, stock_name))
        elif kind == "alignment":
            items.append(alignment_printable(path))
        elif entry.get("handout"):
            langs = codes or [entry.get("lang", "")]
            variant = entry.get("variant", DEFAULT_VARIANT)
            items.append(handout_printable(path, entry["handout"], langs, entry["size"], pages, variant))
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
    writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in rows)
    write_atomically(out / f"{SUMMARY}.csv", buffer.getvalue().encode("utf-8"))
    write_atomically(out / f"{SUMMARY}.json", (json.dumps(rows, indent=2, ensure_ascii=False) + "\n").encode())
