"""The rows of a batch's CSV file: each a clinic profile (name, address,
phone, ..., logo) plus what that office gets, in optional columns whose
defaults come from the command line (PLAN_COLUMNS). Reading checks every cell
and gives the good rows as offices and each bad row as a failed result naming
its row and column. Rows are numbered as a spreadsheet shows them: the header
is row 1. Also here: an office's folder name (`slugify`, `office_folder`).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..clinic.profile import FIELDS, Profile, ProfileError, is_field
from ..clinic.validate import make_profile
from ..content import get_handout
from ..errors import ContentError, HandoutsError
from ..locales import get_language
from ..sheets import count_word
from ..sizes import get_size
from ..words import _

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
    """A good row: its number, its folder's name, its clinic and what it gets."""

    row: int
    slug: str
    profile: Profile
    plan: OfficePlan = field(default_factory=OfficePlan)


@dataclass
class OfficeResult:
    """What became of one row: the files written for it and its zip, or why not."""

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
    out = []
    for word in _words(value):
        try:
            code, number = count_word(word)
        except ValueError:
            number = None
        if number is None or number > 10_000:
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

    def names(column: str, check: Callable[[str], object], default: tuple[str, ...]) -> tuple[str, ...]:
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
    if plan.sizes and not plan.handouts and not plan.signs:
        given = "column sizes" if values.get("sizes") else "--size"
        raise ContentError(
            f"{where}, {given}: sizes choose the sizes of the handouts and signs an office gets, and this one "
            "gets none; name them in a handouts column (for example know-your-rights care-access, for posters) "
            "or leave sizes empty."
        )
    if not plan.handouts and not plan.signs and not plan.cards and plan.packets == "no":
        raise ContentError(
            f"{where}: this office would get no files (packets is no, and no handouts, signs or cards); "
            "name what it gets, or set packets to yes."
        )
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


def _row(path: Path, number: int) -> str:
    """Where a problem is: 'offices.csv row 3' (in the reader's language)."""
    return _("%(file)s row %(row)s") % {"file": path, "row": number}


def _offices(
    path: Path, rows: Iterator[list[str]], logo_anywhere: bool, defaults: OfficePlan
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
                    error=f"{_row(path, number)}: "
                    + _(
                        "%(cells)s cell(s), but the header has %(columns)s; "
                        "check for a stray separator or a missing cell."
                    )
                    % {"cells": len(cells), "columns": len(columns)},
                )
            )
            continue
        values = {c: cell.strip() for c, cell in zip(columns, cells, strict=False) if c in known or is_field(c)}
        chosen = values.pop(SLUG, "")  # a folder name the row gives; else one made from the name
        slug = slugify(chosen or values.get("name", ""))
        wants = {c: values.pop(c) for c in PLAN_COLUMNS if c in values}
        values = {k: v for k, v in values.items() if v}
        try:
            profile = make_profile(values, _row(path, number), path.parent, logo_anywhere)
            office_plan = parse_plan(wants, defaults, _row(path, number))
        except (ProfileError, ContentError) as exc:
            failures.append(OfficeResult(number, slug, error=str(exc), name=values.get("name", "")))
            continue
        if slug in seen and not chosen:  # two sites of one clinic: both, in folders of their own
            slug = next(f"{slug}-{n}" for n in range(2, len(seen) + 3) if f"{slug}-{n}" not in seen)
        if slug in seen:
            failures.append(
                OfficeResult(
                    number,
                    slug,
                    error=f"{_row(path, number)}: "
                    + _(
                        "its folder '%(slug)s' is also row %(other)s's; give one of them a different slug "
                        "(or name) so that neither office's files are overwritten."
                    )
                    % {"slug": slug, "other": seen[slug]},
                )
            )
            continue
        seen[slug] = number
        offices.append(Office(number, slug, profile, office_plan))
    return offices, failures, warnings
