"""Render one job (handout x language(s) x size x variant) to PDF bytes.

A pure function of its inputs: the same content, facts, templates and fonts
give the same bytes. WeasyPrint may only read files inside the templates and
fonts folders (and data: URIs for QR codes); any other URL stops the render.

The stages, one module each:

    prepare   load the text, facts and claims; check placeholders, glyphs, review dates
    context   the template context, built once per job (typed views)
    html      the Jinja environment, its filters, the Formatter for content text
    fit       the one auto-fit engine (pure; policies per size kind)
    engine    every WeasyPrint call and every patch of WeasyPrint internals
    pdf       what happens to the bytes after WeasyPrint (crop marks, /Lang, IDs)
    spread    fill the page: each page's leftover height shared among its gaps
    variants  output variants: office, large-print, print-shop

    pipeline  the stages in order: render, fit_page, fill_pages, off_the_page

This file only re-exports the public surface: Job, Rendered, render, prepare
and what callers need around them; the code is in the modules above.
"""

from __future__ import annotations

from ..model import Job, Rendered, Setting
from .boxes import content_bottom
from .context import PageContext, page_context, say_phrases
from .engine import font_config, html_to_pdf, last_page_fill, layout, write_pdf
from .html import Formatter, environment, render_template
from .pdf import describe, set_language
from .pipeline import fit_page, off_the_page, page_html, render
from .prepare import Part, Prepared, checked_on, prepare, source_unreviewed
from .spread import filled, is_fill, within_area
from .variants import BLEED_MM, LARGE_PRINT_PT, VARIANTS, Variant, get_variant

__all__ = [
    "BLEED_MM",
    "LARGE_PRINT_PT",
    "VARIANTS",
    "Formatter",
    "Job",
    "PageContext",
    "Part",
    "Prepared",
    "Rendered",
    "Setting",
    "Variant",
    "checked_on",
    "content_bottom",
    "describe",
    "environment",
    "filled",
    "fit_page",
    "font_config",
    "get_variant",
    "html_to_pdf",
    "is_fill",
    "last_page_fill",
    "layout",
    "off_the_page",
    "page_context",
    "page_html",
    "prepare",
    "render",
    "render_template",
    "say_phrases",
    "set_language",
    "source_unreviewed",
    "within_area",
    "write_pdf",
]
