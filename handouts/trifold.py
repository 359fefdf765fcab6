"""The patient core (know-your-rights + care-access + pharmacy) as a Letter
tri-fold brochure: two landscape pages, three panels each.

Panels are 3.6875 / 3.6875 / 3.625 in: the panel that folds in is the narrow
one. Each panel is laid out as a page of its own size (so each must fit, and
auto-fit shrinks the type until all do), then the six are placed on the two
sheets in the order that reads right once folded:

    outside: [fold-in flap | back | cover]     inside: [1 | 2 | 3 (fold-in)]

For right-to-left languages the brochure opens the other way, so both sheets
are mirrored: the cover is on the outside left.
"""

from __future__ import annotations

import io

from markupsafe import Markup

from .errors import FitError
from .locales import get_language
from .render import (
    Job,
    _clinic,
    _content_bottom,
    _context,
    _environment,
    _layout,
    font_css,
    prepare,
    write_pdf,
)

WIDE_IN, NARROW_IN, HEIGHT_IN = 3.6875, 3.625, 8.5
PANELS = 6
# document page order: cover, inside 1, inside 2, inside 3 (narrow), flap (narrow), back
COVER, IN1, IN2, IN3, FLAP, BACK = range(PANELS)
BODY_PT, MIN_BODY_PT = 10.0, 8.5


class _Namespace(dict):
    __getattr__ = dict.__getitem__


def _html(lang: str, profile, body_pt: float, compact: int) -> str:
    parts = {}
    families: tuple[str, ...] = ()
    for key, handout in (("kyr", "know-your-rights"), ("care", "care-access"), ("pharmacy", "pharmacy")):
        prepared = prepare(Job(handout, lang, "letter", profile=profile))
        context, fmt = _context(prepared, body_pt)
        parts[key] = _Namespace(c=context["c"], contacts=context["contacts"], fmt=fmt)
        families += tuple(f for f in prepared.families if f not in families)
        common = context
    context = {
        **common, **parts,
        "title": common["s"]["packet_title"], "wide_in": WIDE_IN, "narrow_in": NARROW_IN,
        "body_pt": body_pt, "compact": compact, "clinic": _clinic(prepared),
        "font_faces": Markup(font_css(families)[0]), "font_stack": Markup(font_css(families)[1]),
    }
    template = _environment().get_template("trifold.html")
    html = template.render(**context)
    faces, stack = font_css(families, text=html)
    return template.render(**{**context, "font_faces": Markup(faces), "font_stack": Markup(stack)})


def _warnings(lang: str, profile) -> list[str]:
    """Unconfirmed facts the brochure prints (the three handouts' warnings)."""
    notes: dict[str, None] = {}
    for handout in ("know-your-rights", "care-access", "pharmacy"):
        notes.update(dict.fromkeys(prepare(Job(handout, lang, "letter", profile=profile)).warnings))
    return list(notes)


def _panels(lang: str, profile) -> bytes:
    body_pt, compact = BODY_PT, 0
    while True:
        label = f"trifold ({lang})"
        document = _layout(_html(lang, profile, body_pt, compact), label)
        if len(document.pages) == PANELS:
            return write_pdf(document, label)
        if body_pt > MIN_BODY_PT:
            body_pt = max(MIN_BODY_PT, round(body_pt * 0.94, 2))
        elif compact < 2:
            compact += 1
        else:
            spill = _content_bottom(document.pages[-1]) / document.pages[-1].height
            raise FitError(
                f"trifold ({lang}) does not fit: at {body_pt:g} pt it needs {len(document.pages)} panels "
                f"for {PANELS} (the last one {spill:.0%} full). Shorten the texts of know-your-rights, "
                "care-access or pharmacy."
            )


def trifold(lang: str, profile=None) -> tuple[bytes, list[str]]:
    """Two Letter-landscape pages, outside then inside, and the warnings about
    facts it prints that are not confirmed."""
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation

    get_language(lang)
    panels = PdfReader(io.BytesIO(_panels(lang, profile))).pages
    outside, inside = [FLAP, BACK, COVER], [IN1, IN2, IN3]
    if get_language(lang).direction == "rtl":
        outside, inside = outside[::-1], inside[::-1]
    writer = PdfWriter()
    for order in (outside, inside):
        sheet = PageObject.create_blank_page(width=11 * 72, height=HEIGHT_IN * 72)
        x = 0.0
        for index in order:
            panel = panels[index]
            sheet.merge_transformed_page(panel, Transformation().translate(x, 0))
            x += float(panel.mediabox.width)
        writer.add_page(sheet)
    from pypdf.generic import NameObject, TextStringObject

    writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    writer.add_metadata({"/Title": f"Tri-fold brochure ({lang})", "/Creator": "handouts"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), _warnings(lang, profile)
