"""The patient core (know-your-rights + care-access + pharmacy) as a Letter
tri-fold brochure: two landscape pages, three panels each.

Panels are 3.6875 / 3.6875 / 3.625 in: the panel that folds in is the narrow
one. Each panel is laid out as a page of its own size (so each must fit, and
auto-fit shrinks the type until all do), then the six are placed on the two
sheets in the order that reads right once folded:

    outside: [fold-in flap | back | cover]     inside: [1 | 2 | 3 (fold-in)]

For right-to-left languages the brochure opens the other way, so both sheets
are mirrored: the cover is on the outside left.

The panels are written as a tagged PDF (PDF/UA-1, like the flyers: language,
title, XMP metadata, structure tree) and imposed with pikepdf, keeping the tags:
a screen reader reads cover, inside panels, fold-in flap, then the back.
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
    return write_pdf(document, label, pdf_variant="pdf/ua-1"), warnings


def _renumber(panel: Any, offset: int) -> bytes:
    """A panel's content stream with each marked-content ID moved up by `offset`."""
    import pikepdf

    operations: list[Any] = []
    for parsed in pikepdf.parse_content_stream(panel):
        instruction: Any = parsed
        if isinstance(parsed, pikepdf.ContentStreamInstruction) and str(parsed.operator) == "BDC":
            tag, properties = parsed.operands[0], parsed.operands[-1]
            if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                properties = pikepdf.Dictionary({**properties, "/MCID": int(properties.MCID) + offset})
                instruction = pikepdf.ContentStreamInstruction([tag, properties], parsed.operator)
        operations.append(instruction)
    return pikepdf.unparse_content_stream(operations)


def _impose(pdf: bytes, sheets: list[list[int]]) -> bytes:
    """The tagged six-panel PDF with its panels placed side by side on two sheets, keeping
    the structure tree: each panel's marked content is renumbered on its sheet, and the tags
    point at the sheet. The tags stay in the order of the template (cover, inside panels,
    fold-in flap, back), which is how a person reads the folded brochure."""
    import pikepdf

    document = pikepdf.open(io.BytesIO(pdf))
    panels = [page.obj for page in document.pages]
    tree = document.Root.StructTreeRoot
    nums = tree.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    moved: dict[tuple[int, int], tuple[pikepdf.Object, int]] = {}  # panel page -> (sheet page, offset)
    sheet_pages, new_nums = [], []
    for number, order in enumerate(sheets):
        x, offset, content, kids = 0.0, 0, [], pikepdf.Array()
        # WeasyPrint names resources once per document (its pages share one dictionary), so the
        # panels' resources merge without renaming
        resources = pikepdf.Dictionary()
        for index in order:
            for category, entries in panels[index].Resources.items():
                if not isinstance(entries, pikepdf.Dictionary):  # /ProcSet
                    resources[category] = entries
                    continue
                if category not in resources:
                    resources[category] = pikepdf.Dictionary()
                for name, value in entries.items():
                    resources[category][name] = value
        sheet = document.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Page, Resources=resources))
        for index in order:
            panel = panels[index]
            content.append(f"q 1 0 0 1 {x:.4f} 0 cm\n".encode())
            content.append(_renumber(pikepdf.Page(panel), offset))
            content.append(b"\nQ\n")
            moved[panel.objgen] = (sheet, offset)
            kids.extend(parents.get(int(panel.StructParents), pikepdf.Array()))
            offset += len(parents.get(int(panel.StructParents), ()))
            x += float(panel.MediaBox[2]) - float(panel.MediaBox[0])
        sheet.MediaBox = pikepdf.Array([0, 0, 11 * 72, HEIGHT_IN * 72])
        sheet.Contents = document.make_stream(b"".join(content))
        sheet.StructParents = number
        sheet.Tabs = pikepdf.Name.S
        sheet_pages.append(sheet)
        new_nums += [number, pikepdf.Array(kids)]
    _repoint(tree, moved)
    tree.ParentTree.Nums = pikepdf.Array(new_nums)
    tree.ParentTreeNextKey = len(sheets)
    for _ in range(len(document.pages)):
        del document.pages[0]
    for sheet in sheet_pages:
        document.pages.append(pikepdf.Page(sheet))
    buffer = io.BytesIO()
    document.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def _repoint(node: Any, moved: dict[tuple[int, int], tuple[Any, int]], page: Any = None) -> None:
    """Point every tag below `node` at the sheet its panel went to, with its moved content IDs."""
    import pikepdf

    if not isinstance(node, pikepdf.Dictionary):
        return
    if "/Pg" in node and node.Pg.objgen in moved:
        page = node.Pg.objgen
        node.Pg = moved[page][0]
    kids = node.get("/K")
    if kids is None:
        return
    items = kids if isinstance(kids, pikepdf.Array) else [kids]
    for position, kid in enumerate(items):
        if isinstance(kid, int) and page is not None:
            if isinstance(kids, pikepdf.Array):
                kids[position] = kid + moved[page][1]
            else:
                node.K = kid + moved[page][1]
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.MCR:
            mcr_page = kid.Pg.objgen if "/Pg" in kid else page
            if mcr_page in moved:
                kid.MCID = int(kid.MCID) + moved[mcr_page][1]
                kid.Pg = moved[mcr_page][0]
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.OBJR:
            if "/Pg" in kid and kid.Pg.objgen in moved:
                kid.Pg = moved[kid.Pg.objgen][0]
        else:
            _repoint(kid, moved, page)


def trifold(lang: str, profile: Profile | None = None) -> tuple[bytes, list[str]]:
    """Two Letter-landscape pages, outside then inside, tagged (PDF/UA-1) like the
    flyers, and the warnings about facts it prints that are not confirmed."""
    get_language(lang)
    pdf, warnings = _panels(lang, profile)
    outside, inside = [FLAP, BACK, COVER], [IN1, IN2, IN3]
    if get_language(lang).direction == "rtl":
        outside, inside = outside[::-1], inside[::-1]
    return _impose(pdf, [outside, inside]), warnings
