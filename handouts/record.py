"""A review record for a clinic's files (templates/record.html): for one
language, who reviewed which handouts and when (from the review files, as
`handouts translations sign` and the review pages record it), what reviewers
changed (old and new wording), and the comments they left, open or resolved.

The events come from the web page's review book (web/reviewbook.py) as plain
`RecordEvent`s; this module only lays them out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

from . import __version__
from .clock import build_date
from .content import COMMON, SOURCE_LANGUAGE, available_languages, get_handout, handout_keys
from .errors import TranslationError
from .fonts import font_css
from .locales import get_language
from .render import environment, html_to_pdf
from .translations import translated_strings


@dataclass(frozen=True)
class RecordEvent:
    string: str  # its ID, e.g. red-card:front.title
    kind: str  # approve | edit | comment
    by: str  # 'name, role'
    at: dt.datetime
    old: str = ""
    new: str = ""
    resolved_by: str | None = None
    resolved_at: dt.datetime | None = None


def _name(key: str) -> str:
    return "Words every handout shares" if key == COMMON else get_handout(key).name


def review_record(lang: str, events: list[RecordEvent], today: dt.date | None = None) -> bytes:
    """The record PDF of one language (Letter, tagged)."""
    language = get_language(lang)
    if lang == SOURCE_LANGUAGE:
        raise TranslationError("The record lists the review of a translation: choose another language.")
    signed = []
    for key in (COMMON, *handout_keys()):
        if lang not in available_languages(key):
            continue
        strings = translated_strings(key, lang)
        people: dict[tuple[str, str], int] = {}
        for s in strings:
            if s.state == "reviewed" and s.review is not None and s.review.on is not None:
                who = (str(s.review.by), s.review.on.isoformat())
                people[who] = people.get(who, 0) + 1
        signed.append({"name": _name(key), "total": len(strings), "people": sorted(people.items())})
    title = f"Review record: {language.english_name}"
    families = tuple(dict.fromkeys(("HO Sans", *language.fonts)))
    context = {
        "title": title,
        "version": __version__,
        "language": language,
        "printed": (today or build_date()).isoformat(),
        "signed": signed,
        "edits": [e for e in events if e.kind == "edit"],
        "approvals": [e for e in events if e.kind == "approve"],
        "comments": [e for e in events if e.kind == "comment"],
    }
    template = environment().get_template("record.html")
    faces, stack = font_css(families, text=template.render(font_faces="", font_stack="", **context))
    context.update(font_faces=Markup(faces), font_stack=Markup(stack))
    return html_to_pdf(template.render(**context), title, pdf_variant="pdf/ua-1")
