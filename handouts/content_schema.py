"""What each kind of handout's text must contain: its schema, checked when a
text is loaded (content.py). A kind is named in handout.yaml (`kind: flyer`);
the registry of kinds is model.KINDS, and what each kind's template gets
beyond the common page context is render/context.EXTRA_CONTEXT.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import HandoutSpec
from .yamlfile import FieldPath, YamlDoc, field_value, format_field

MAX_POSTER_LINES = 3

Check = Callable[[YamlDoc, dict[str, Any], HandoutSpec, bool, list[str]], None]


def require_text(doc: YamlDoc, data: Any, path: FieldPath, problems: list[str], optional: bool = False) -> None:
    value = field_value(data, path)
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        problems.append(
            f"{doc.where(*path)}: '{format_field(path)}' must be text and is "
            f"{'missing' if value is None else 'not text'}."
        )


def require_list(doc: YamlDoc, data: Any, path: FieldPath, problems: list[str], optional: bool = False) -> list[Any]:
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


def check_contacts(doc: YamlDoc, data: dict[str, Any], spec: HandoutSpec, problems: list[str]) -> None:
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


def check_flyer(doc: YamlDoc, data: dict[str, Any], spec: HandoutSpec, source: bool, problems: list[str]) -> None:
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


def check_card(doc: YamlDoc, data: dict[str, Any], spec: HandoutSpec, source: bool, problems: list[str]) -> None:
    require_text(doc, data, ("front", "title"), problems)
    require_list(doc, data, ("front", "bullets"), problems)
    require_text(doc, data, ("front", "hotline"), problems)
    require_text(doc, data, ("disclaimer",), problems)
    if source:
        require_text(doc, data, ("back", "heading"), problems)
        require_list(doc, data, ("back", "paragraphs"), problems)
    check_contacts(doc, data, spec, problems)


def check_sign(doc: YamlDoc, data: dict[str, Any], spec: HandoutSpec, source: bool, problems: list[str]) -> None:
    for name in ("title", "law", "disclaimer"):
        require_text(doc, data, (name,), problems)
    require_text(doc, data, ("lead",), problems, optional=True)
    require_list(doc, data, ("lines",), problems)
    if data.get("contacts"):
        problems.append(f"{doc.where('contacts')}: a sign is a legal notice and prints no contacts; remove 'contacts'.")


SCHEMA_CHECKS: dict[str, Check] = {  # by kind name (model.KINDS): (doc, data, spec, is_source_language, problems)
    "flyer": check_flyer,
    "card": check_card,
    "sign": check_sign,
}
