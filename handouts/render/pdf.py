"""What happens to PDF bytes after WeasyPrint: crop marks for print shops, the
document language of merged PDFs, and the reproducible document ID.

pypdf internals used (check them when upgrading pypdf): `PdfWriter._add_object`
(to add the crop marks' content stream; pypdf has no public call for it).
"""

from __future__ import annotations

import hashlib
import io

SLUG_PT = 18.0  # room outside the bleed for the crop marks (0.25 in)
MARK_GAP_PT = 3.0


def add_crop_marks(pdf: bytes) -> bytes:
    """Crop marks in 100% black (CMYK), outside the bleed, at each trim corner.

    WeasyPrint's own marks are drawn in RGB inside the bleed, which PDF/X-4 for a
    CMYK press does not want; we widen each page's MediaBox by a slug and draw
    them there instead. TrimBox and BleedBox stay as they are.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject, RectangleObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        left, bottom, right, top = (float(v) for v in page.trimbox)
        b_left, b_bottom, b_right, b_top = (float(v) for v in page.bleedbox)
        outer = SLUG_PT + (b_right - right)
        lines = []
        for x, sign_x in ((left, -1), (right, 1)):
            for y, sign_y in ((bottom, -1), (top, 1)):
                start = (b_right - right) + MARK_GAP_PT
                lines.append(f"{x + sign_x * start:.2f} {y:.2f} m {x + sign_x * outer:.2f} {y:.2f} l S")
                lines.append(f"{x:.2f} {y + sign_y * start:.2f} m {x:.2f} {y + sign_y * outer:.2f} l S")
        marks = DecodedStreamObject()
        marks.set_data(("q 0 0 0 1 K 0.25 w " + " ".join(lines) + " Q").encode())
        contents = page.get("/Contents")
        existing = contents.get_object() if contents is not None else None
        array = existing if isinstance(existing, ArrayObject) else ArrayObject([contents])
        array.append(writer._add_object(marks))  # INTERNAL pypdf: it has no public way to add a stream
        page[NameObject("/Contents")] = array
        page.mediabox = RectangleObject([b_left - SLUG_PT, b_bottom - SLUG_PT, b_right + SLUG_PT, b_top + SLUG_PT])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def set_language(writer: object, lang: str) -> None:
    """The document's /Lang (pypdf has no public setter for the catalog entry)."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    assert isinstance(writer, PdfWriter)
    writer.root_object[NameObject("/Lang")] = TextStringObject(lang)


def identifier(seed: str) -> bytes:
    """A PDF /ID derived from what the PDF shows (not the clock), so identical
    inputs give identical bytes."""
    return hashlib.md5(seed.encode()).hexdigest().encode()


def describe(pdf: bytes, title: str, lang: str, subject: str = "") -> bytes:
    """A PDF that is not tagged (its pages are merged, not laid out: card sheets) still says
    what it is: /Title and /Lang, the same in its XMP metadata, and a viewer shows the title
    rather than the file name (/DisplayDocTitle)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        document.Root.Lang = pikepdf.String(lang)
        document.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        with document.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
            meta["dc:language"] = [lang]
            if subject:
                meta["dc:description"] = subject
            meta["xmp:CreatorTool"] = "handouts"
        document.docinfo["/Title"] = title
        if subject:
            document.docinfo["/Subject"] = subject
        document.docinfo["/Creator"] = "handouts"
        buffer = io.BytesIO()
        document.save(buffer, deterministic_id=True)
    return buffer.getvalue()
