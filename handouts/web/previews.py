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


def render_highlight(pdf_path: str, needles: list[str], png_path: str, width: int = PREVIEW_WIDTH_PX) -> int | None:
    """The page that shows a string, as a PNG with the string marked (a yellow
    band, a dark outline): the first page where one of `needles` (the string's
    opening words, longest first) is found. None, and no picture, when none is."""
    import pypdfium2 as pdfium  # heavy, and only ever needed inside a worker
    from PIL import Image, ImageDraw

    document = pdfium.PdfDocument(pdf_path)
    try:
        for needle in needles:
            for index in range(len(document)):
                page = document[index]
                text = page.get_textpage()
                found = text.search(needle, match_case=False).get_next()
                if not found:
                    continue
                start, count = found
                rects = [text.get_rect(i) for i in range(text.count_rects(start, count))]
                scale = min(width / page.get_width(), 2.0)
                image = page.render(scale=scale).to_pil().convert("RGBA")
                marks = Image.new("RGBA", image.size, (0, 0, 0, 0))
                draw = ImageDraw.Draw(marks)
                height = page.get_height()
                for left, bottom, right, top in rects:
                    x0, y0, x1, y1 = left * scale, (height - top) * scale, right * scale, (height - bottom) * scale
                    box = (x0 - 3, y0 - 3, x1 + 3, y1 + 3)
                    draw.rectangle(box, fill=(255, 221, 0, 110), outline=(20, 20, 20, 255), width=3)
                buffer = io.BytesIO()
                Image.alpha_composite(image, marks).convert("RGB").save(buffer, "PNG")
                write_atomically(Path(png_path), buffer.getvalue())
                return index
        return None
    finally:
        document.close()
