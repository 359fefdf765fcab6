"""The pipeline of one job: prepare, fit (fit.py, measured by laying the
page out), fill the pages (spread.py), refuse anything off the page, write
the PDF and finish it for its variant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from markupsafe import Markup

from .. import __version__
from ..errors import FitError
from ..model import KINDS, Job, Rendered, Setting
from ..notices import RGB_LOGO, STALE_PRINTED, Notice
from ..placeholders import walk_text
from ..yamlfile import format_field
from .context import most_pages, page_context, pages_allowed, part_stacks, poster_layout, template_name
from .engine import fill as page_fill
from .engine import last_page_fill, layout, overflow, write_pdf
from .fit import POLICIES, Fitted, Measured, fit, growth_limit
from .html import render_template
from .pdf import identifier
from .prepare import Prepared, prepare
from .spread import SIDEWAYS_PX, filled, grow_css, sideways, spread_css, within_area
from .variants import get_variant


def page_html(prepared: Prepared, context: Mapping[str, Any], setting: Setting) -> str:
    """The job's HTML at one fit step (with the CSS that filled its pages, if any)."""
    step = {**context, "body_pt": setting.body_pt, "compact": setting.compact}
    if setting.pages and prepared.spec.multilingual:
        step["sign_sheets"] = sign_sheets(len(prepared.parts), setting.pages)
    elif setting.pages:  # text that flowed onto more pages runs on, with no forced page break
        step["pages_allowed"], step["flowing"] = setting.pages, True
    if setting.fill:
        step["spread_css"] = Markup(setting.fill)
    return render_template(
        template_name(prepared),
        step,
        prepared.families,
        restack=lambda stack: {"part_stacks": part_stacks(prepared, stack)},
    )


def sign_sheets(parts: int, sheets: int) -> list[list[int]]:
    """A sign's language blocks (0 is English) over `sheets` pages: English on
    each, the others in their order, as evenly as they go (5 others on 2 pages: 3 and 2)."""
    others = list(range(1, parts))
    sheets = max(1, min(sheets, len(others)))
    size, extra = divmod(len(others), sheets)
    out, at = [], 0
    for number in range(sheets):
        take = size + (1 if number < extra else 0)
        out.append([0, *others[at : at + take]])
        at += take
    return out


POSTER_START = 0.8  # the poster layout's first guess: this share of the size's largest body type


def fit_page(prepared: Prepared, hint: Setting | None = None) -> Fitted[Any]:
    """Lay the job out at the size the fit engine chooses (see fit.py). What does
    not fit its own pages at the smallest type is never refused when the tool
    offered it: a flyer flows onto more pages (up to most_pages), a sign with
    more languages than one page holds is split over pages, each a complete sign."""
    job, size, spec = prepared.job, prepared.size, prepared.spec
    variant = get_variant(job.variant)
    kind = KINDS[spec.kind]
    policy = POLICIES[kind.fit_policy or size.kind]
    own, most = pages_allowed(prepared), most_pages(prepared)
    context = page_context(prepared)
    if variant.large_print_pt:  # bigger type, more pages, no shrinking, no growing (signs excepted)
        body = max(variant.large_print_pt, size.body_pt)
        size = replace(size, body_pt=body, min_body_pt=body, max_body_pt=0)
    may_grow = kind.multilingual or not variant.large_print_pt
    max_pt = growth_limit(size.max_body_pt, size.body_pt, policy, may_grow)
    if poster_layout(prepared) and max_pt > size.body_pt:  # a poster's few lines start large
        size = replace(size, body_pt=round(max(size.body_pt, POSTER_START * max_pt), 2))

    def measure(setting: Setting) -> Measured[Any]:
        document = layout(page_html(prepared, context, setting), job.label)
        allowed = allowed_pages(prepared, setting, own)
        fits = len(document.pages) <= allowed and sideways(document) <= SIDEWAYS_PX
        need = (len(document.pages) - 1 + last_page_fill(document)) / allowed
        return Measured(fits, page_fill(document), document, need)

    def search(pages: int, hint: Setting | None = None) -> Fitted[Any]:
        return fit(measure, size.body_pt, size.min_body_pt, max_pt, policy, hint, pages)

    limit = max(1, len(prepared.parts) - 1) if spec.multilingual else most  # signs: English and one more, each
    known = hint if hint is not None and (not hint.pages or hint.pages <= limit) else None
    fitted = search(known.pages if known else 0, known)
    if known is not None and known.fill and fitted.setting == known and fitted.fits:
        # A remembered fit that filled its pages: kept, in that one pass, if the
        # page is still filled as well (the clinic band of a batch's next office
        # may be a line shorter); else fitted from scratch.
        if within_area(fitted.measured.result) and filled(fitted.measured.result):
            return fitted
        again = search(known.pages)
        fitted = replace(again, passes=fitted.passes + again.passes)
    passes = fitted.passes
    for pages in more_pages(prepared, fitted, own, most):
        fitted = search(pages)
        passes += fitted.passes
        if fitted.fits:
            break
    fitted = replace(fitted, passes=passes)
    if fitted.fits and kind.fit_policy != "panel":
        fitted = fill_pages(prepared, context, fitted, allowed_pages(prepared, fitted.setting, own), max_pt)
    if not fitted.fits:
        raise FitError(too_long(prepared, fitted, own * limit if spec.multilingual else most))
    return fitted


def allowed_pages(prepared: Prepared, setting: Setting, own: int) -> int:
    """The pages a layout at `setting` may take: a sign split into signs
    (Setting.pages of them) may take its own pages for each (large print: a few);
    a flyer that flowed, Setting.pages; else the job's own."""
    if setting.pages and prepared.spec.multilingual:
        return setting.pages * own
    return setting.pages or own


def more_pages(prepared: Prepared, fitted: Fitted[Any], own: int, most: int) -> list[int]:
    """What to try, in order, when the job did not fit `fitted.setting`: for a
    sign, into how many signs to split its languages (as many as they need at
    the smallest type, then one more each time); for a flyer, as many pages as
    the tightest layout took, then one more, up to `most`."""
    if fitted.fits:
        return []
    document = fitted.measured.result
    used = len(document.pages) - 1 + last_page_fill(document)  # pages' worth at the tightest setting
    if prepared.spec.multilingual:
        parts, signs = len(prepared.parts), fitted.setting.pages or 1
        if parts <= 2:
            return []
        per_sign = max(2, int(parts * signs * own / max(used, 0.01)))  # language blocks a sign holds, English too
        first = max(signs + 1, -(-(parts - 1) // (per_sign - 1)))
        return list(range(first, parts))
    first = max((fitted.setting.pages or own) + 1, len(document.pages))
    return list(range(first, most + 1))


def too_long(prepared: Prepared, fitted: Fitted[Any], most: int) -> str:
    """What a person reads when a job cannot be laid out at all: which handout
    and language, how much room it needs, the text that takes most, and what to do."""
    job, document = prepared.job, fitted.measured.result
    need = len(document.pages) - 1 + last_page_fill(document)
    longest: tuple[int, str, str] = (0, "", "")
    for content in [part.content for part in prepared.parts] or [prepared.content]:
        for path, text in walk_text(content.data):
            longest = max(longest, (len(text), format_field(path), content.doc.path.name))
    clinic = job.profile.texts(job.lang) if job.profile else []
    widest = max(clinic, key=len, default="")
    if job.profile is not None and len(widest) > longest[0]:
        where = f"the clinic's details ({len(widest):,} characters in one field, from {job.profile.source})"
    else:
        where = f"the text '{longest[1]}' ({longest[0]:,} characters) in {longest[2]}"
    smallest = f"even at {fitted.setting.body_pt:g} pt, the smallest type allowed on {prepared.size.name}"
    wide = sideways(document)
    if wide > SIDEWAYS_PX:  # it had the pages, but something is wider than its column
        problem = f"{smallest}, a word or number runs {wide * 0.75:.0f} pt past the side of its column"
        return f"{job.label} cannot be laid out: {problem}. The longest piece is {where}: shorten it."
    return (
        f"{job.label} cannot be laid out: {smallest}, it needs about {need:.1f} pages, and it may take at most "
        f"{most}. The longest piece is {where}: shorten it, or choose a larger size."
    )


def fill_pages(
    prepared: Prepared, context: Mapping[str, Any], fitted: Fitted[Any], allowed: int, max_pt: float
) -> Fitted[Any]:
    """Fill each page (spread.py): a page with much room left gets larger type
    (up to `max_pt`), then every page's leftover height is shared among its
    gaps. Each step is one more layout pass, kept only if every page still ends
    inside its margins."""
    setting, passes = replace(fitted.setting, fill=""), fitted.passes
    document, css = fitted.measured.result, ""

    def attempt(extra: str) -> Any:
        nonlocal passes
        passes += 1
        trial = layout(page_html(prepared, context, replace(setting, fill=extra)), prepared.job.label)
        return trial if len(trial.pages) == len(document.pages) and within_area(trial) else None

    grow = grow_css(document, max(max_pt, setting.body_pt) / setting.body_pt) if max_pt > setting.body_pt else ""
    if grow and (grown := attempt(grow)) is not None:
        document, css = grown, grow
    spread = spread_css(document, setting.body_pt)
    if spread and (spreaded := attempt(f"{css}\n{spread}".strip())) is not None:
        document, css = spreaded, f"{css}\n{spread}".strip()
    if passes == fitted.passes:
        return fitted
    return Fitted(
        replace(setting, fill=css), Measured(len(document.pages) <= allowed, page_fill(document), document), passes
    )


def off_the_page(document: Any, label: str) -> None:
    """Refuse (FitError) a laid-out document with something past a page's edge."""
    for number, page in enumerate(document.pages, 1):
        sticking_out = overflow(page)
        if sticking_out > 0.5:
            raise FitError(
                f"{label}: something on page {number} runs {sticking_out * 0.75:.1f} pt past the edge "
                "of the page (a word or link too long for its column)."
            )


def render(job: Job, today: dt.date | None = None, hint: Setting | None = None) -> Rendered:
    """Check the job, fit it to its pages, and write its PDF. `today` decides
    which claims are due or expired (default: the real date); `hint` is the fit
    result of an earlier build with the same inputs (one layout pass if it fits)."""
    prepared = prepare(job, today)
    fitted = fit_page(prepared, hint)
    document = fitted.measured.result
    off_the_page(document, job.label)
    variant = get_variant(job.variant)
    warnings = list(prepared.warnings)
    if prepared.stale:
        text = f"{job.label}: printed with {len(prepared.stale)} out-of-date translated string(s) (--allow-stale)"
        warnings.append(Notice(text, STALE_PRINTED, job.handout))
    if variant.rgb_logo_warning and job.profile is not None and job.profile.logo_uri:
        text = (
            f"{job.profile.source}: the logo stays in RGB in the print-shop PDF; the print shop converts it "
            "(or give a CMYK-ready logo to the shop)"
        )
        warnings.append(Notice(text, RGB_LOGO, "logo"))
    profile = job.profile.digest if job.profile else ""
    expired = ",".join(c.key for c in prepared.expired)
    seed = (
        f"{job.handout}|{job.lang_label}|{job.size}|{job.variant}|{profile}|{prepared.content.as_of}|"
        f"{expired}|{__version__}"
    )
    pdf = write_pdf(document, job.label, pdf_variant=variant.pdf_variant, pdf_identifier=identifier(seed))
    if variant.finish is not None:
        pdf = variant.finish(pdf)
    return Rendered(
        job,
        pdf,
        len(document.pages),
        fitted.setting.body_pt,
        warnings,
        compact=fitted.setting.compact,
        passes=fitted.passes,
        fill=fitted.setting.fill,
        fit_pages=fitted.setting.pages,
    )
