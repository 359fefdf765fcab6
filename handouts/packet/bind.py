"""Binding a packet (worker side): the patient handouts of one language bound into one
tagged PDF (PDF/UA-1) with a cover that lists what is inside, page numbers,
bookmarks and page labels. Each handout is laid out at its own fit (the one it
was built with, a batch's shared fit checked on the page, or fitted here), then
all pages go into one WeasyPrint document, so the packet keeps its structure tree.

A bilingual packet follows each page with the same page in English. We chose
facing pages over putting both side by side on landscape paper: side by side,
each page would shrink to half size and its body text below 12 pt; as facing
pages, a packet printed two-sided has the patient's language on the front of
each sheet and English on the back, both at full size.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..clinic.profile import Profile
from ..consistency import consistency_problems
from ..content import COMMON, SOURCE_LANGUAGE, load_content
from ..errors import ContentError, RenderError
from ..locales import get_language
from ..model import Job, PacketPlan, Setting
from ..render import (
    filled,
    fit_page,
    layout,
    off_the_page,
    page_context,
    page_html,
    prepare,
    render_template,
    within_area,
    write_pdf,
)
from ..render.pdf import identifier
from ..translations import status_of
from .plan import PACKET_HANDOUTS, PACKET_SIZE

FRONT_PAGES = 1  # the cover, which also lists what is inside


@dataclass
class _Part:
    handout: str
    lang: str
    prepared: Any
    context: dict[str, Any]
    setting: Setting
    pages: int
    twin: bool  # the paired language's page, after each page of the packet's own
    checked: bool = True  # False: a stand-in clinic's fit, checked on this page when laid out
    numbers: list[str] = field(default_factory=list)


def _cover(lang: str, profile: Profile | None, entries: list[dict[str, Any]], draft: bool, date: dt.date) -> Any:
    """The cover, laid out like a handout (same fonts, same checks): title, the
    language, the clinic's logo and name, the date, and what is inside with pages."""
    language = get_language(lang)
    probe = prepare(Job(PACKET_HANDOUTS[0], lang, PACKET_SIZE, profile=profile))
    context = {**page_context(probe), "body_pt": probe.size.body_pt}
    context.update(
        entries=entries,
        printed=language.format_date(date),
        draft=draft,
        title=load_content(COMMON, lang).data["strings"]["packet_title"],
        compact=0,
    )
    names = " ".join(entry["title"] + " " + entry["what"] for entry in entries)
    html = render_template("packet.html", context, probe.families, extra_text=names)
    document = layout(html, f"packet cover ({lang})")
    if len(document.pages) != FRONT_PAGES:
        raise RenderError(f"The packet cover for {lang} does not fit on one page; shorten the handouts' subtitles.")
    return document


def _parts(plan: PacketPlan, profile: Profile | None, passes: list[int]) -> list[_Part]:
    """Each handout of the packet (and its twin in the paired language): with the
    setting and page count of its built PDF when known (no layout pass here),
    else fitted on its own."""
    known = {(k.handout, k.lang): k for k in plan.known}
    parts = []
    for handout in PACKET_HANDOUTS:
        for code, twin in ((plan.lang, False), (plan.bilingual, True)):
            if code is None:
                continue
            prepared = prepare(Job(handout, code, PACKET_SIZE, profile=profile))
            checked = True
            if (handout, code) in known:
                fit = known[(handout, code)]
                setting, pages, checked = fit.setting, fit.pages, fit.checked
            else:
                setting, pages, used = _fit(prepared)
                passes.append(used)
            context = {**page_context(prepared), "no_bookmarks": twin}
            parts.append(_Part(handout, code, prepared, context, setting, pages, twin, checked))
    return parts


def _fit(prepared: Any) -> tuple[Setting, int, int]:
    """(setting, pages, layout passes) of a handout fitted on its own."""
    fitted = fit_page(prepared)
    return fitted.setting, len(fitted.measured.result.pages), fitted.passes


def _fits_its_page(document: Any, part: _Part) -> bool:
    """A stand-in's fit on this clinic's page: the same pages, each inside its
    margins and ending near the bottom (as fit_page checks a remembered fit)."""
    return len(document.pages) == part.pages and within_area(document) and filled(document)


def _print_order(parts: list[_Part]) -> list[tuple[_Part, int]]:
    """(part, its page index) in print order; numbers each part's pages."""
    order: list[tuple[_Part, int]] = []
    for handout in PACKET_HANDOUTS:
        own = next(p for p in parts if p.handout == handout and not p.twin)
        twin = next((p for p in parts if p.handout == handout and p.twin), None)
        for index in range(max(own.pages, twin.pages if twin else 0)):
            if index < own.pages:
                order.append((own, index))
            if twin is not None and index < twin.pages:
                order.append((twin, index))
    for part in parts:
        part.numbers = []
    for number, (part, _index) in enumerate(order, 1):
        part.numbers.append(str(number))
    return order


class Bound(NamedTuple):
    pdf: bytes
    warnings: list[str]  # of the handouts it binds (claims due for review, unconfirmed facts), each once
    passes: int  # layout passes, the cover's included


def bind_packet(plan: PacketPlan, profile: Profile | None) -> Bound:
    """The packet of `plan` (see packet_pdf). A handout whose text has problems
    stops it (ContentError), as it stops a build."""
    lang, bilingual = plan.lang, plan.bilingual
    passes: list[int] = []
    parts = _parts(plan, profile, passes)
    warnings: list[str] = []
    for part in parts:
        problems = consistency_problems(part.handout, part.lang)
        if problems:
            raise ContentError(
                f"{part.prepared.job.label}: {len(problems)} problem(s) in the text:\n  - " + "\n  - ".join(problems),
                problems,
            )
        warnings += [w for w in part.prepared.warnings if w not in warnings]
    for _attempt in range(2):  # a second round only if a page count was not what the build said
        order = _print_order(parts)
        documents = {}
        changed = []
        for part in parts:
            html = page_html(part.prepared, {**part.context, "page_numbers": part.numbers}, part.setting)
            document = documents[id(part)] = layout(html, part.prepared.job.label)
            passes.append(1)
            if not part.checked:
                part.checked = True
                if not _fits_its_page(document, part):  # this clinic's details take other room: its own fit
                    part.setting, part.pages, used = _fit(part.prepared)
                    passes.append(used)
                    changed.append(part)
                    continue
            if len(document.pages) != part.pages:
                part.pages = len(document.pages)
                changed.append(part)
        if not changed:
            break
    else:
        raise RenderError(f"packet ({lang}): the page count of a handout changed while it was bound; build again.")
    for part in parts:
        off_the_page(documents[id(part)], part.prepared.job.label)
    entries = []
    for handout in PACKET_HANDOUTS:
        content = load_content(handout, lang).data
        title = content.get("title") or content["front"]["title"]
        first = next(n for n, (p, _i) in enumerate(order, 1) if p.handout == handout)
        entries.append({"title": title, "what": content.get("subtitle") or "", "page": first})
    draft = lang != SOURCE_LANGUAGE and any(
        status_of(load_content(key, lang)) != "reviewed" for key in (*PACKET_HANDOUTS, COMMON)
    )
    cover = _cover(lang, profile, entries, draft, plan.date)
    pages = list(cover.pages) + [documents[id(part)].pages[index] for part, index in order]
    seed = f"packet|{lang}|{bilingual}|{profile.digest if profile else ''}|{plan.date}"
    pdf = write_pdf(cover.copy(pages), f"packet ({lang})", pdf_variant="pdf/ua-1", pdf_identifier=identifier(seed))
    twin_pages = [FRONT_PAGES + i for i, (part, _index) in enumerate(order) if part.twin]
    return Bound(_finish(pdf, twin_pages, bilingual), warnings, sum(passes) + 1)


def _finish(pdf: bytes, twin_pages: list[int], twin_lang: str | None) -> bytes:
    """Page labels (i, then 1, 2, ...), and /Lang on what the paired language's pages hold."""
    import pikepdf  # lazy: loading it costs start-up time for commands that bind nothing

    document = pikepdf.open(io.BytesIO(pdf))
    document.Root.PageLabels = pikepdf.Dictionary(
        Nums=[0, pikepdf.Dictionary(S=pikepdf.Name.r), FRONT_PAGES, pikepdf.Dictionary(S=pikepdf.Name.D, St=1)]
    )
    if twin_lang and twin_pages:
        pages = {document.pages[i].objgen for i in twin_pages}
        stack = [document.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if not isinstance(node, pikepdf.Dictionary):
                continue
            page = node.get("/Pg")
            if page is not None and page.objgen in pages and "/S" in node:
                node.Lang = pikepdf.String(twin_lang)
                continue  # its children inherit it
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend(kids)
            elif kids is not None:
                stack.append(kids)
    buffer = io.BytesIO()
    document.save(buffer, deterministic_id=True)
    return buffer.getvalue()
