"""Which printed files differ between two builds, and why: the reprint list.

A build's manifest keeps, for every PDF, the fingerprint of each input that
decided it (digest.input_parts): facts, claims, text files, templates, code,
fonts, the clinic profile. Comparing two manifests (or one manifest with what a
build would make today) names the files to reprint and the inputs that changed.
A batch's output folder holds one manifest per office. A packet records the
inputs of every handout it binds; card sheets those of the card. Packets also
list the PDFs they bind that were written beside them (`made_from`, older
manifests had only that), so they are reprinted when one of those is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from .content import handout_keys
from .digest import input_parts
from .errors import HandoutsError, UsageError
from .facts import load_facts
from .labels import handout_name
from .locales import LANGUAGES, reader_name
from .model import Job
from .output import MANIFEST, ManifestEntry, spreadsheet_safe, write_atomically
from .packet.build import packet_input_parts
from .words import N_, _, gettext

_WHOLE = {
    "templates": N_("the templates"),
    "code": N_("the handouts program"),
    "version": N_("the handouts version"),
    "fonts": N_("the fonts"),
    "profile": N_("the clinic profile"),
    "spec": N_("the handout's handout.yaml"),
    "job": N_("the build options"),
}


def _input_name(key: str) -> str:
    """An input of a PDF (digest.input_parts) as the reprint list names it, in
    the reader's language: 'L.A. Care Nurse Advice Line (fact nurse_line)',
    'the Spanish text of Know your rights (know-your-rights/es.yaml)'."""
    kind, _sep, name = key.partition(":")
    if not name:
        return gettext(_WHOLE.get(key, key))
    if kind == "fact":
        fact = load_facts().get(name)
        return (
            _("%(label)s (fact %(key)s)") % {"label": fact.label, "key": name}
            if fact
            else _("fact %(key)s") % {"key": name}
        )
    if kind == "claim":
        return _("the statement of law %(key)s") % {"key": name}
    if kind == "text":
        folder, _sep, file = name.rpartition("/")
        lang = file.split(".")[0]
        if lang in LANGUAGES and folder in handout_keys():
            return _("the %(language)s text of %(handout)s (%(file)s)") % {
                "language": reader_name(lang, True),
                "handout": handout_name(folder),
                "file": name,
            }
        return _("the text %(file)s") % {"file": name}
    if kind == "job":
        return _("the build options of %(name)s") % {"name": name}
    if kind == "spec":
        return _("the handout.yaml of %(name)s") % {"name": name}
    if kind == "fonts":
        return _("the fonts of %(name)s") % {"name": name}
    return key


@dataclass
class Change:
    office: str  # the office's folder in a batch ("" for a single build)
    path: str  # the file, relative to the office's folder
    status: str  # changed | new | removed
    reasons: list[str] = field(default_factory=list)


def reasons(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Plain words for each input that differs, in the reader's language:
    '988 Suicide & Crisis Lifeline (fact crisis_988) changed'."""
    out = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        what = {"what": _input_name(key)}
        if key not in old:
            out.append(_("now uses %(what)s") % what)
        elif key not in new:
            out.append(_("no longer uses %(what)s") % what)
        else:
            out.append(_("%(what)s changed") % what)
    return out


def read_manifests(where: Path) -> dict[str, dict[str, ManifestEntry]]:
    """{office: {path: entry}} from a manifest file, a build folder, or a batch folder."""
    where = Path(where)
    if where.is_dir() and (where / MANIFEST).is_file():
        files = {"": where / MANIFEST}
    elif where.is_dir():
        files = {p.parent.name: p for p in sorted(where.glob(f"*/{MANIFEST}"))}
    elif where.is_file():
        files = {"": where}
    else:
        raise UsageError(f"{where}: no such file or folder; give a manifest.json or the folder a build wrote.")
    if not files:
        raise UsageError(f"{where}: no manifest.json in it or in its office folders; is it a build's --out folder?")
    out: dict[str, dict[str, ManifestEntry]] = {}
    for office, path in files.items():
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            out[office] = {entry["path"]: entry for entry in document["files"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"{path}: not a handouts manifest ({exc}).") from None
    return out


def _today_parts(entry: ManifestEntry, today: dt.date | None) -> dict[str, str] | None:
    """The inputs a build today would use for this manifest entry (None: not a handout PDF)."""

    if "inputs_detail" not in entry:
        return None
    languages = entry.get("languages") or [entry["language"]]
    if entry.get("kind") == "packet":
        bilingual = languages[1] if len(languages) > 1 else None
        parts = packet_input_parts(
            languages[0], bilingual, None, today, clinic=bool(entry["inputs_detail"].get("profile"))
        )
        parts["profile"] = entry["inputs_detail"].get("profile", "")
        return parts
    job = Job(
        entry["handout"],
        languages[0],
        entry["size"],
        entry.get("variant", "office"),
        None,
        also=tuple(languages[1:]),
        allow_expired_claims="expired=|" not in entry["inputs_detail"]["job"],
        allow_stale=entry["inputs_detail"]["job"].endswith("stale=True"),
    )
    parts = input_parts(job, today, clinic=bool(entry.get("profile")))
    parts["profile"] = entry["inputs_detail"].get("profile", "")  # the profile is not in the content project
    return parts


def compare(
    old: Path, new: Path | None = None, today: dt.date | None = None, profile: str | None = None
) -> list[Change]:
    """The files to reprint: those that differ between the OLD and NEW builds
    (or, without NEW, between OLD and what a build from today's content would
    make; with `profile`, the digest of the clinic's details today, for the
    clinic's own files)."""
    before = read_manifests(old)
    after = read_manifests(new) if new is not None else None
    changes: list[Change] = []
    for office in sorted(set(before) | set(after or {})):
        old_files = before.get(office, {})
        new_files = (after or {}).get(office, {}) if after is not None else None
        changed_paths: set[str] = set()
        for path in sorted(set(old_files) | set(new_files or {})):
            entry = old_files.get(path)
            if new_files is not None:
                later = new_files.get(path)
                if entry is None:
                    changes.append(Change(office, path, "new"))
                elif later is None:
                    changes.append(Change(office, path, "removed"))
                elif later.get("sha256") != entry.get("sha256"):
                    why = reasons(entry.get("inputs_detail", {}), later.get("inputs_detail", {}))
                    changes.append(Change(office, path, "changed", why or [_("its contents differ")]))
                    changed_paths.add(path)
                continue
            assert entry is not None
            try:
                now = _today_parts(entry, today)
            except HandoutsError as exc:
                why = [_("cannot be built from today's content: %(error)s") % {"error": exc}]
                changes.append(Change(office, path, "changed", why))
                changed_paths.add(path)
                continue
            if now is not None and profile is not None and entry["inputs_detail"].get("profile"):
                now["profile"] = profile  # the clinic's details as they are saved today
            if now is not None and now != entry["inputs_detail"]:
                changes.append(Change(office, path, "changed", reasons(entry["inputs_detail"], now)))
                changed_paths.add(path)
        if new_files is None:  # packets and sheets follow the PDFs they bind
            for path, entry in sorted(old_files.items()):
                inside = [p for p in entry.get("made_from", []) if p in changed_paths]
                if inside and path not in changed_paths:  # else listed already, with its own reasons
                    why = [_("binds %(file)s, which changed") % {"file": p} for p in inside]
                    changes.append(Change(office, path, "changed", why))
    return changes


def write_csv(changes: list[Change], path: Path) -> None:
    """The reprint list as CSV (office, file, status, reasons), one row per file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["office", "file", "status", "reasons"])
    writer.writerows(
        [spreadsheet_safe(cell) for cell in (c.office, c.path, c.status, "; ".join(c.reasons))] for c in changes
    )
    write_atomically(path, buffer.getvalue().encode("utf-8"))
