"""What the web page hands over with its files: the PRINT-ME-FIRST text that
opens every ZIP, one entry per file (what it is, which paper, how to print it),
and the ZIP itself, written the same way every time.

`batch.py` has its own hand-over text and ZIP writer (for `handouts batch` and
the page's many offices); the two are to become one shared module.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from ..content import get_handout
from ..locales import get_language
from ..output import write_atomically
from ..sizes import get_size

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same files make the same ZIP


def write_zip(path: Path, files: list[tuple[str, bytes]]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    write_atomically(path, buffer.getvalue())


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


def language_label(code: str) -> str:
    language = get_language(code)
    native = language.native_name
    return language.english_name if native == language.english_name else f"{language.english_name} ({native})"


def entry_for(job: Any, name: str, pages: int, review_status: str) -> dict[str, Any]:
    size = get_size(job.size)
    langs = ", ".join(language_label(c) for c in job.langs)
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
