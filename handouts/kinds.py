"""Template kinds: what a handout's text must contain, and what its template
gets beyond the common page context.

A handout names its kind in handout.yaml (`kind: flyer`, the default). To add a
kind, add one `Kind` to KINDS with its content check and its context, and a
template for it in templates/ (see content/README.md, "Adding a kind").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .yamlfile import YamlDoc, field_value, format_field

MAX_POSTER_LINES = 3

if TYPE_CHECKING:
    from .content import HandoutSpec
    from .render.prepare import Prepared

Check = Callable[[YamlDoc, dict, "HandoutSpec", bool, list[str]], None]
ExtraContext = Callable[["Prepared", dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Kind:
    name: str
    summary: str
    check: Check  # (doc, data, spec, is_source_language, problems): append every problem found
    context: ExtraContext  # (prepared, common context) -> what else its template needs
    fit_policy: str  # a key of render.fit.POLICIES, or "" for the size's own kind (flyer, poster, card)
    multilingual: bool = False  # several languages on one page (named with --lang)
    contacts: bool = True  # whether the handout lists contacts (phones, QR codes)


def require_text(doc: YamlDoc, data: Any, path: tuple, problems: list[str], optional: bool = False) -> None:
    value = field_value(data, path)
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        problems.append(
            f"{doc.where(*path)}: '{format_field(path)}' must be text and is "
            f"{'missing' if value is None else 'not text'}."
        )


def require_list(doc: YamlDoc, data: Any, path: tuple, problems: list[str], optional: bool = False) -> list:
    value = field_value(data, path)
    if value is None and optional:
        return []
    if not isinstance(value, list) or not value:
        problems.append(f"{doc.where(*path)}: '{format_field(path)}' must be a list of text.")
        return []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            problems.append(
                f"{doc.where(*path, i)}: each item of '{format_field(path)}' must be text "
                "(put quotes around an item that contains ': ')."
            )
    return value


def check_contacts(doc: YamlDoc, data: dict, spec: HandoutSpec, problems: list[str]) -> None:
    contacts = data.get("contacts")
    if not isinstance(contacts, dict):
        problems.append(f"{doc.where('contacts')}: 'contacts' must give a name for each contact in handout.yaml.")
        return
    for contact in spec.contacts:
        require_text(doc, data, ("contacts", contact.fact, "name"), problems)
        require_text(doc, data, ("contacts", contact.fact, "what"), problems, optional=True)
    for key in contacts:
        if key not in {c.fact for c in spec.contacts}:
            problems.append(
                f"{doc.where('contacts', key)}: '{key}' is not a contact of this handout (see handout.yaml)."
            )


def check_flyer(doc: YamlDoc, data: dict, spec: HandoutSpec, source: bool, problems: list[str]) -> None:
    for name in ("title", "contacts_heading", "disclaimer"):
        require_text(doc, data, (name,), problems)
    for name in ("subtitle", "intro"):
        require_text(doc, data, (name,), problems, optional=True)
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        problems.append(f"{doc.where('sections')}: 'sections' must be a list of sections.")
        sections = []
    for i, section in enumerate(sections):
        if not isinstance(section, dict):
            problems.append(f"{doc.where('sections', i)}: each section needs a heading and text or bullets.")
            continue
        require_text(doc, data, ("sections", i, "heading"), problems)
        require_text(doc, data, ("sections", i, "text"), problems, optional=True)
        require_text(doc, data, ("sections", i, "after"), problems, optional=True)
        require_list(doc, data, ("sections", i, "bullets"), problems, optional=True)
        require_list(doc, data, ("sections", i, "fill_in"), problems, optional=True)  # labels of lines to write on
        if "text" not in section and "bullets" not in section:
            problems.append(f"{doc.where('sections', i)}: a section needs 'text' or 'bullets'.")
    check_contacts(doc, data, spec, problems)
    if spec.poster is not None:  # the poster's own text: a headline, up to three lines, the hotline's label
        require_text(doc, data, ("poster", "headline"), problems)
        require_text(doc, data, ("poster", "hotline"), problems)
        lines = require_list(doc, data, ("poster", "lines"), problems)
        if len(lines) > MAX_POSTER_LINES:
            problems.append(
                f"{doc.where('poster', 'lines')}: {len(lines)} poster lines; a poster has at most "
                f"{MAX_POSTER_LINES} short lines (it is read from across the room)."
            )


def check_card(doc: YamlDoc, data: dict, spec: HandoutSpec, source: bool, problems: list[str]) -> None:
    require_text(doc, data, ("front", "title"), problems)
    require_list(doc, data, ("front", "bullets"), problems)
    require_text(doc, data, ("front", "hotline"), problems)
    require_text(doc, data, ("disclaimer",), problems)
    if source:
        require_text(doc, data, ("back", "heading"), problems)
        require_list(doc, data, ("back", "paragraphs"), problems)
    check_contacts(doc, data, spec, problems)


def check_sign(doc: YamlDoc, data: dict, spec: HandoutSpec, source: bool, problems: list[str]) -> None:
    for name in ("title", "law", "disclaimer"):
        require_text(doc, data, (name,), problems)
    require_text(doc, data, ("lead",), problems, optional=True)
    require_list(doc, data, ("lines",), problems)
    if data.get("contacts"):
        problems.append(f"{doc.where('contacts')}: a sign is a legal notice and prints no contacts; remove 'contacts'.")


def flyer_context(prepared: Prepared, common: dict[str, Any]) -> dict[str, Any]:
    """Contacts in table rows of (columns, contacts): three across when the next
    three are alike (three QR codes with short captions, or three phone
    numbers), otherwise two; always three on posters."""
    contacts, rows, i = common["contacts"], [], 0
    while i < len(contacts):
        following = contacts[i : i + 3]
        alike = len(following) == 3 and len({c.show for c in following}) == 1 and following[0].show != ("phone", "qr")
        columns = 3 if prepared.size.kind == "poster" or alike else 2
        rows.append((columns, contacts[i : i + columns]))
        i += columns
    return {"contact_rows": rows}


def no_context(prepared: Prepared, common: dict[str, Any]) -> dict[str, Any]:
    return {}


def sign_context(prepared: Prepared, common: dict[str, Any]) -> dict[str, Any]:
    """One block per language on the page, each with its own formatter."""
    from .render.context import part_view

    return {"parts": [part_view(prepared, part) for part in prepared.parts]}


KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind(
            "flyer",
            "sections of text, then contacts with phone numbers and QR codes",
            check_flyer,
            flyer_context,
            fit_policy="",
        ),
        Kind(
            "card",
            "a wallet card: front in the reader's language, back in English",
            check_card,
            no_context,
            fit_policy="card",
        ),
        Kind(
            "sign",
            "a notice for a door or entrance: English plus other languages on one page",
            check_sign,
            sign_context,
            fit_policy="sign",
            multilingual=True,
            contacts=False,
        ),
    ]
}
