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
from typing import Any

from markupsafe import Markup

from .clinic.profile import Profile
from .errors import ContentError, FitError
from .fonts import font_css
from .locales import get_language
from .render import (
    Job,
    Setting,
    last_page_fill,
    layout,
    page_context,
    prepare,
    render_template,
    set_language,
    write_pdf,
)
from .render.fit import POLICIES, Measured, fit

WIDE_IN, NARROW_IN, HEIGHT_IN = 3.6875, 3.625, 8.5
PANELS = 6
# document page order: cover, inside 1, inside 2, inside 3 (narrow), flap (narrow), back
COVER, IN1, IN2, IN3, FLAP, BACK = range(PANELS)
BODY_PT, MIN_BODY_PT = 10.0, 8.5
PARTS = (("kyr", "know-your-rights"), ("care", "care-access"), ("pharmacy", "pharmacy"))


class _Namespace(dict[str, Any]):
    __getattr__ = dict.__getitem__


def _panels_of(counts: tuple[int, ...], sections: list[Any], handout: str) -> list[list[Any]]:
    """The handout's sections, grouped into brochure panels as its handout.yaml says
    (trifold_panels; without it, all sections on one panel)."""
    if not counts:
        return [sections]
    if sum(counts) > len(sections):
        raise ContentError(
            f"{handout}/handout.yaml: trifold_panels {list(counts)} holds {sum(counts)} sections, "
            f"but the text has {len(sections)}."
        )
    panels, start = [], 0
    for count in counts:
        panels.append(sections[start : start + count])
        start += count
    return panels


def _context(lang: str, profile: Profile | None) -> tuple[dict[str, Any], tuple[str, ...], list[str]]:
    """The brochure's template context (without the fit step), its fonts, and
    the warnings about facts it prints that are not confirmed."""
    parts: dict[str, Any] = {}
    families: tuple[str, ...] = ()
    notes: dict[str, None] = {}
    common: dict[str, Any] = {}
    for key, handout in PARTS:
        prepared = prepare(Job(handout, lang, "letter", profile=profile))
        context: dict[str, Any] = dict(page_context(prepared))
        parts[key] = _Namespace(
            c=context["c"],
            contacts=context["contacts"],
            fmt=context["fmt"],
            panels=_panels_of(prepared.spec.trifold_panels, context["c"]["sections"], handout),
        )
        families += tuple(f for f in prepared.families if f not in families)
        notes.update(dict.fromkeys(prepared.warnings))
        common = context
    context = {
        **common,
        **parts,
        "title": common["s"]["packet_title"],
        "wide_in": WIDE_IN,
        "narrow_in": NARROW_IN,
        "font_faces": Markup(font_css(families)[0]),
        "font_stack": Markup(font_css(families)[1]),
    }
    return context, families, list(notes)


def _panels(lang: str, profile: Profile | None) -> tuple[bytes, list[str]]:
    label = f"trifold ({lang})"
    context, families, warnings = _context(lang, profile)

    def measure(setting: Setting) -> Measured[Any]:
        step = {**context, "body_pt": setting.body_pt, "compact": setting.compact}
        document = layout(render_template("trifold.html", step, families), label)
        return Measured(len(document.pages) == PANELS, 0.0, document)

    fitted = fit(measure, BODY_PT, MIN_BODY_PT, 0.0, POLICIES["panel"])
    document = fitted.measured.result
    if not fitted.fits:
        raise FitError(
            f"trifold ({lang}) does not fit: at {fitted.setting.body_pt:g} pt it needs {len(document.pages)} panels "
            f"for {PANELS} (the last one {last_page_fill(document):.0%} full). Shorten the texts of "
            "know-your-rights, care-access or pharmacy."
        )
    return write_pdf(document, label), warnings


def trifold(lang: str, profile: Profile | None = None) -> tuple[bytes, list[str]]:
    """Two Letter-landscape pages, outside then inside, and the warnings about
    facts it prints that are not confirmed."""
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation

    get_language(lang)
    pdf, warnings = _panels(lang, profile)
    panels = PdfReader(io.BytesIO(pdf)).pages
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
    set_language(writer, lang)
    writer.add_metadata({"/Title": f"Tri-fold brochure ({lang})", "/Creator": "handouts"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), warnings
