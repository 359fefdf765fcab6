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
from .context import page_context, pages_allowed, part_stacks, poster_layout, template_name
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
    if setting.fill:
        step["spread_css"] = Markup(setting.fill)
    return render_template(
        template_name(prepared),
        step,
        prepared.families,
        restack=lambda stack: {"part_stacks": part_stacks(prepared, stack)},
    )


POSTER_START = 0.8  # the poster layout's first guess: this share of the size's largest body type


def fit_page(prepared: Prepared, hint: Setting | None = None) -> Fitted[Any]:
    """Lay the job out at the size the fit engine chooses (see fit.py)."""
    job, size, spec = prepared.job, prepared.size, prepared.spec
    variant = get_variant(job.variant)
    kind = KINDS[spec.kind]
    policy = POLICIES[kind.fit_policy or size.kind]
    allowed = pages_allowed(prepared)
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
        fits = len(document.pages) <= allowed and sideways(document) <= SIDEWAYS_PX
        return Measured(fits, page_fill(document), document)

    fitted = fit(measure, size.body_pt, size.min_body_pt, max_pt, policy, hint)
    if hint is not None and hint.fill and fitted.setting == hint and fitted.fits:
        # A remembered fit that filled its pages: kept, in that one pass, if the
        # page is still filled as well (the clinic band of a batch's next office
        # may be a line shorter); else fitted from scratch.
        if within_area(fitted.measured.result) and filled(fitted.measured.result):
            return fitted
        again = fit(measure, size.body_pt, size.min_body_pt, max_pt, policy)
        fitted = replace(again, passes=fitted.passes + again.passes)
    if fitted.fits and kind.fit_policy != "panel":
        fitted = fill_pages(prepared, context, fitted, allowed, max_pt)
    if not fitted.fits:
        document = fitted.measured.result
        extra = len(document.pages) - allowed
        raise FitError(
            f"{job.label} does not fit: even at {fitted.setting.body_pt:g} pt body text, the smallest allowed on "
            f"{size.name}, with the tightest layout, it runs over by about {extra - 1 + last_page_fill(document):.0%} "
            f"of a page ({len(document.pages)} pages for {allowed}). "
            f"Shorten the text in {prepared.content.doc.path}."
        )
    return fitted


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
    )
