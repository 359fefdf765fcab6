"""A review proof on paper: every string of one language beside its English,
with room for corrections and initials, and a sign-off block (templates/proof.html)."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from . import __version__
from .clock import build_date
from .content import COMMON, SOURCE_LANGUAGE, load_content
from .errors import TranslationError
from .facts import load_facts
from .fonts import font_css
from .locales import LANGUAGES, get_language
from .placeholders import ALLOWED_PLACEHOLDERS
from .render import Formatter, environment, html_to_pdf, say_phrases
from .translations import language_strings, status_of, summary

STATE_LABELS = {"stale": "changed in English", "draft": "draft", "reviewed": "reviewed"}


def proof(lang: str, only_stale: bool = False, today: dt.date | None = None) -> bytes:
    """The proof PDF (Letter landscape, tagged)."""
    language = get_language(lang)
    if lang == SOURCE_LANGUAGE:
        raise TranslationError("English is the source text: make a proof of a translation.")
    rows_in = language_strings(lang, only_stale)
    facts = load_facts()
    literal = {name: Markup("{%s}") % name for name in ALLOWED_PLACEHOLDERS}
    english_fmt = Formatter(
        LANGUAGES[SOURCE_LANGUAGE], facts, literal, say=say_phrases(load_content(COMMON, SOURCE_LANGUAGE))
    )
    fmt = Formatter(language, facts, literal, say=say_phrases(load_content(COMMON, lang)))
    rows = [
        {
            "id": Markup("<wbr>").join(s.id.replace(":", ":\n").replace(".", "\n.").split("\n")),
            "state": s.state,
            "state_label": STATE_LABELS[s.state]
            + (f", by {s.review.by}" if s.state == "reviewed" and s.review else ""),
            "english": english_fmt(s.english),
            "text": fmt(s.text),
        }
        for s in rows_in
    ]
    families = tuple(dict.fromkeys(("HO Sans", *language.fonts)))
    faces, stack = font_css(families)
    lang_stack = ", ".join(f'"{name}"' for name in (*language.fonts, "HO Sans"))
    title = f"Translation review proof: {language.english_name}"
    context = {
        "version": __version__,
        "title": title,
        "language": language,
        "native": language.native_name,
        "rows": rows,
        "only_stale": only_stale,
        "summary": summary(lang),
        "printed": (today or build_date()).isoformat(),
        "source_reviewed": status_of(load_content("common", SOURCE_LANGUAGE)) == "reviewed",
        "footer": f"handouts {__version__} · {title} · {'changed strings only' if only_stale else 'all strings'}",
        "font_faces": Markup(faces),
        "font_stack": Markup(stack),
        "lang_stack": Markup(lang_stack),
    }
    template = environment().get_template("proof.html")
    html = template.render(**context)
    faces, stack = font_css(families, text=html)
    names = dict(zip(families, (n.strip() for n in stack.split(",")), strict=True))
    context.update(
        font_faces=Markup(faces),
        font_stack=Markup(stack),
        lang_stack=Markup(", ".join(names[f] for f in (*language.fonts, "HO Sans") if f in names)),
    )
    return html_to_pdf(template.render(**context), title, pdf_variant="pdf/ua-1")
