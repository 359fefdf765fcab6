"""Edits tests make to a private copy of the content (see the data_copy fixture)."""

from __future__ import annotations

from pathlib import Path


def weaken_fact(content: Path, key: str, field: str = "confidence") -> None:
    """Make one fact's `confidence` (or `qr_confidence`) 'inferred' in content/facts.yaml,
    so a test does not depend on which facts the shipped data leaves unconfirmed."""
    facts = content / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    start = text.index(f"- key: {key}\n")
    end = text.find("\n- key:", start + 1)
    entry = text[start : end if end > 0 else len(text)]
    lines = entry.splitlines(keepends=True)
    changed = [f"  {field}: inferred\n" if line.startswith(f"  {field}: ") else line for line in lines]
    assert changed != lines, f"{key} has no {field}"
    facts.write_text(text.replace(entry, "".join(changed)), encoding="utf-8")


PHARMACY_ITEM = "      - Order refills early, so you do not run out.\n"  # a list item of content/pharmacy/en.yaml


def lengthen_pharmacy(content: Path, words: str = "", lines: list[str] | None = None) -> Path:
    """Make the English pharmacy flyer longer: `words` added to one of its list
    items, and `lines` added as items after it. Returns the file's path."""
    path = content / "pharmacy" / "en.yaml"
    text = path.read_text(encoding="utf-8")
    assert PHARMACY_ITEM in text, "the pharmacy flyer's list changed: pick another item"
    item = PHARMACY_ITEM.rstrip("\n") + (f" {words}" if words else "") + "\n"
    more = "".join(f"      - {line}\n" for line in lines or [])
    path.write_text(text.replace(PHARMACY_ITEM, item + more), encoding="utf-8")
    return path
