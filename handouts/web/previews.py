"""Pictures of PDF pages for the web page (run inside a worker): a PNG per
page of each file on the result page, a handout's thumbnail, the live preview.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..output import write_atomically

PREVIEW_WIDTH_PX = 850
MAX_PREVIEW_PAGES = 6


def file_previews(out: Path, entries: list[dict[str, Any]]) -> None:
    """PNG images of each file's first pages: out/previews/<file index>-<page>.png."""
    for index, entry in enumerate(entries):
        shown = min(int(entry["pages"]), MAX_PREVIEW_PAGES)
        for page in range(shown):
            render_preview(str(out / "files" / entry["name"]), page, str(out / "previews" / f"{index}-{page}.png"))
        entry["previews"] = shown


def render_preview(pdf_path: str, page: int, png_path: str, width: int = PREVIEW_WIDTH_PX) -> bool:
    """One page of a PDF as a PNG, at most `width` pixels wide."""
    import pypdfium2 as pdfium  # heavy, and only ever needed inside a worker

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
