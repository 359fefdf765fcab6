"""Translations in and out of standard formats (XLIFF 1.1 and PO, through
translate-toolkit), so translators can work in their CAT tool (OmegaT, Trados,
memoQ, Weblate, Poedit).

Export: one file per language; each unit carries its string ID
(`know-your-rights:sections[2].text`; in XLIFF one <file> per handout and the
field as unit id, in PO the ID as msgctxt), the English source, the current
translation, a note for the translator, and the placeholders as protected
inline codes (XLIFF <ph>; in PO the `python-brace-format` flag, so gettext
checks them). Stale strings are marked fuzzy (XLIFF state needs-review), and
reviewed ones approved. A stale string that comes back no longer fuzzy, with
the current English as its source, counts as updated even if its words stayed
the same (the translator checked them against the new English).

Import: every string is checked before anything is written, by loading the
changed files into a scratch copy of the content project and running the
build's own checks there (placeholders and facts as in English, no typed phone
numbers or links, glyphs in the language's fonts, and each affected handout
laid out in every size, so it still fits). Then the changed YAML files are
written atomically, keeping their comments, order and quoting (ruamel.yaml),
and each changed string is recorded as a draft made from the English in the
file. An import never marks a string reviewed, except this one case: with
`signed_by`, XLIFF units whose target a reviewer set to state="signed-off" or
state="final" are signed by that person, if their English is current
(approved="yes" alone is not honoured: CAT tools set it on every translated
unit). PO has no such state, so a PO import only ever makes drafts.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import build
from .checks import check_all
from .content import (
    COMMON,
    SOURCE_LANGUAGE,
    content_path,
    get_handout,
    handout_keys,
    load_content,
)
from .errors import HandoutsError, TranslationError
from .locales import LANGUAGES
from .output import write_atomically
from .placeholders import has_placeholder, split
from .plan import plan
from .resources import Project, current_project, use_project
from .translations import (
    Review,
    TranslatedString,
    fingerprint,
    language_strings,
    read_reviews,
    sign,
    string_id,
    write_reviews,
)
from .yamlfile import FieldPath, format_field

FORMATS = ("xliff", "po")
MAX_IMPORT_BYTES = 5_000_000
_SEPARATOR = "\x04"  # translate-toolkit joins an XLIFF <file original> and a unit id with this


def _note(string: TranslatedString) -> str:
    where = "words shared by every handout" if string.handout == COMMON else get_handout(string.handout).name
    note = f"{string.id}: {where}, field {string.field}. State: {string.state}."
    if has_placeholder(string.english):
        note += " Keep every {...} exactly as it is: the tool prints the phone number, link or date there."
    return note


def _rich(text: str) -> list[Any]:
    """The text as translate-toolkit placeables: each {placeholder} a protected <ph>."""
    from translate.storage.placeables import StringElem
    from translate.storage.placeables.xliff import Ph

    parts: list[Any] = []
    number = 0
    for piece in split(text):
        if isinstance(piece, str):
            parts.append(piece)
        else:
            number += 1
            parts.append(Ph(id=str(number), sub=["{" + piece.raw + "}"]))
    return [StringElem(parts)]


def export(lang: str, fmt: str = "xliff", only_stale: bool = False) -> bytes:
    """One XLIFF or PO file with every string of a language (or only the stale ones)."""
    if fmt not in FORMATS:
        raise TranslationError(f"Unknown format '{fmt}'; valid formats: {', '.join(FORMATS)}.")
    strings = language_strings(lang, only_stale)
    if fmt == "xliff":
        from translate.storage import xliff

        store: Any = xliff.xlifffile(sourcelanguage=SOURCE_LANGUAGE, targetlanguage=lang)
        for string in strings:
            store.switchfile(string.handout, createifmissing=True)
            unit = store.UnitClass(string.english)
            unit.rich_source = _rich(string.english)
            unit.setid(string.field)
            unit.rich_target = _rich(string.text)
            unit.addnote(_note(string), origin="developer")
            if string.state == "stale":
                unit.markfuzzy(True)
            elif string.state == "reviewed":
                unit.markapproved(True)
            store.addunit(unit)
        return bytes(store)
    from translate.storage import po

    pofile = po.pofile()
    pofile.updateheader(
        add=True,
        Language=lang,
        Content_Type="text/plain; charset=UTF-8",
        Project_Id_Version="handouts",
        Language_Team=f"{LANGUAGES[lang].english_name} reviewers",
        Last_Translator="handouts export",
        PO_Revision_Date=dt.date.today().isoformat() + " 00:00+0000",
    )
    for string in strings:
        unit = pofile.addsourceunit(string.english)
        unit.target = string.text
        unit.setcontext(string.id)
        unit.addnote(_note(string), origin="developer")
        if has_placeholder(string.english):
            unit.settypecomment("python-brace-format")
        if string.state == "stale":
            unit.markfuzzy(True)
    return bytes(pofile)


@dataclass
class ImportReport:
    lang: str
    changed: list[str] = field(default_factory=list)  # string IDs whose translation changed
    unchanged: int = 0
    signed: list[str] = field(default_factory=list)
    still_stale: list[str] = field(default_factory=list)  # made from an older English
    files: list[Path] = field(default_factory=list)  # content files written


@dataclass(frozen=True)
class Unit:
    id: str
    source: str
    target: str
    approved: bool
    fuzzy: bool  # the translator left it marked as needing work


def _read(path: Path) -> tuple[str, list[Unit]]:
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise TranslationError(f"{path}: {size:,} bytes is too big for a translation file.")
        data = path.read_bytes()
    except OSError as exc:
        raise TranslationError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlf", ".xliff"):
            from translate.storage import xliff

            store = xliff.xlifffile.parsestring(data)
            lang = store.gettargetlanguage() or ""
            units = []
            for unit in store.units:
                handout, _, field_name = unit.getid().partition(_SEPARATOR)
                sid = f"{handout}:{field_name}" if field_name else handout
                units.append(Unit(sid, unit.source or "", unit.target or "", _signed_off(unit), bool(unit.isfuzzy())))
            return lang, units
        if suffix == ".po":
            from translate.storage import po

            pofile = po.pofile.parsestring(data)
            lang = pofile.parseheader().get("Language", "")
            units = [
                Unit(unit.getcontext(), unit.source or "", unit.target or "", False, bool(unit.isfuzzy()))
                for unit in pofile.units
                if not unit.isheader()
            ]
            return lang, units
    except HandoutsError:
        raise
    except Exception as exc:  # a damaged file: the parser's own words, on one line
        raise TranslationError(
            f"{path}: cannot be read as {suffix[1:].upper()} ({str(exc).splitlines()[0]})."
        ) from None
    raise TranslationError(f"{path}: give an .xlf/.xliff or .po file (as made by 'handouts translations export').")


def _signed_off(unit: Any) -> bool:
    """A reviewer's mark: the target's state is signed-off or final. (approved="yes" is not
    enough: translate-toolkit, and many CAT tools, set it on every unit with a target.)"""
    return bool(unit.get_state_n() >= unit.statemap["signed-off"])


def yaml_for(text: str) -> Any:
    """A ruamel.yaml round-trip loader/dumper set to this file's indentation."""
    import ruamel.yaml

    for mapping, sequence, offset in ((2, 2, 0), (2, 4, 2), (4, 4, 0), (4, 6, 2)):
        yaml = ruamel.yaml.YAML()
        yaml.preserve_quotes = True
        yaml.width = 4096
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        out = io.StringIO()
        yaml.dump(yaml.load(text), out)
        if out.getvalue() == text:
            return yaml
    return yaml


def _set(data: Any, path: FieldPath, value: str) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def import_file(
    path: Path, signed_by: str | None = None, check_fit: bool = True, today: dt.date | None = None
) -> ImportReport:
    """Check every string of an exported-and-translated file, then write the
    changed content files (atomically) and record the changes; nothing is
    written if any string has a problem (TranslationError lists them all)."""
    lang, units = _read(Path(path))
    if lang not in LANGUAGES or lang == SOURCE_LANGUAGE:
        raise TranslationError(
            f"{path}: its target language is '{lang}', not one of the translated languages "
            f"({', '.join(c for c in LANGUAGES if c != SOURCE_LANGUAGE)})."
        )
    return import_units(lang, units, Path(path), signed_by=signed_by, check_fit=check_fit, today=today)


def import_units(
    lang: str,
    units: list[Unit],
    origin: Path,
    signed_by: str | None = None,
    check_fit: bool = True,
    today: dt.date | None = None,
    only_new: bool = False,
    workers: int = 2,
) -> ImportReport:
    """The import's checks and writes for these units (from a file, or a
    reviewer's edit on the web page). With only_new, a problem the project had
    before, or one that names a field no unit changed, does not refuse it."""
    today = today or dt.date.today()
    path = origin
    report = ImportReport(lang)
    problems: list[str] = []
    current = {s.id: s for s in language_strings(lang, only_stale=False)}
    changes: dict[str, dict[FieldPath, tuple[str, str]]] = {}  # handout -> path -> (english it was made from, text)
    for unit in units:
        if unit.id not in current:
            problems.append(f"{unit.id}: no such {lang} string (was the file exported from another version?)")
            continue
        string = current[unit.id]
        if not unit.target.strip():
            report.unchanged += 1
            continue
        if unit.source != string.english:
            report.still_stale.append(unit.id)
        confirmed = string.state == "stale" and unit.source == string.english and not unit.fuzzy
        if unit.target != string.text or unit.source != string.english or confirmed:
            changes.setdefault(string.handout, {})[string.path] = (unit.source, unit.target)
            if unit.target != string.text:
                report.changed.append(unit.id)
        else:
            report.unchanged += 1
    if problems:
        raise TranslationError(f"{path}: nothing imported; {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
    texts = {}
    for handout, fields in changes.items():
        source = content_path(handout, lang).read_text(encoding="utf-8")
        yaml = yaml_for(source)
        data = yaml.load(source)
        for field_path, (_english, text) in fields.items():
            _set(data, field_path, text)
        out = io.StringIO()
        yaml.dump(data, out)
        texts[handout] = out.getvalue()
    changed_texts = {h: t for h, t in texts.items() if t != content_path(h, lang).read_text(encoding="utf-8")}
    if changed_texts:
        _check_in_scratch(lang, changed_texts, changes, check_fit, path, only_new, workers)
    for handout, text in changed_texts.items():
        write_atomically(content_path(handout, lang), text.encode("utf-8"))
        report.files.append(content_path(handout, lang))
    for handout, fields in changes.items():
        reviews = dict(read_reviews(handout, lang))
        for field_path, (english, text) in fields.items():
            reviews[string_id(handout, field_path).split(":", 1)[1]] = Review(fingerprint(english), fingerprint(text))
        write_reviews(handout, lang, reviews)
    if signed_by:
        approved = [
            u.id
            for u in units
            if u.approved
            and u.target.strip()
            and u.id not in report.still_stale
            and (u.id in report.changed or current[u.id].state != "reviewed")  # never re-sign another's review
        ]
        if approved:
            report.signed = [s.id for s in sign(lang, signed_by, approved, today=today)]
    return report


def _check_in_scratch(
    lang: str,
    texts: dict[str, str],
    changes: dict[str, dict[FieldPath, tuple[str, str]]],
    check_fit: bool,
    origin: Path,
    only_new: bool = False,
    workers: int = 2,
) -> None:
    """Run the build's checks on the changed files in a scratch copy of the
    project, whose review files already record each changed string as made from
    the English it came with (so a corrected stale string is checked as the
    edited text, not refused as still stale)."""

    project = current_project()
    affected = list(handout_keys()) if COMMON in texts else list(texts)
    before = set(check_all(handouts=affected, langs=[lang]).errors) if only_new else set()
    changed_fields = {format_field(p) for fields in changes.values() for p in fields}
    scratch = Path(tempfile.mkdtemp(prefix="handouts-import-"))
    try:
        shutil.copytree(project.content, scratch / "content")
        for handout, text in texts.items():
            (scratch / "content" / handout / f"{lang}.yaml").write_text(text, encoding="utf-8")
        use_project(Project(scratch / "content", project.templates, project.fonts))
        for handout, fields in changes.items():
            reviews = dict(read_reviews(handout, lang))
            for field_path, (english, text) in fields.items():
                reviews[format_field(field_path)] = Review(fingerprint(english), fingerprint(text))
            write_reviews(handout, lang, reviews)
        result = check_all(handouts=affected, langs=[lang])
        errors = list(result.errors)
        if only_new:
            inside = str(scratch / "content")
            errors = [
                e
                for e in errors
                if e.replace(inside, str(project.content)) not in before and _names_only(e, changed_fields)
            ]
        if not errors:
            for handout in affected:
                load_content(handout, lang)
        if not errors and check_fit:
            sizes = sorted({s for h in affected for s in get_handout(h).sizes})
            jobs = [
                j for j in plan(affected, [lang], sizes, allow_stale=True) if j.size in get_handout(j.handout).sizes
            ]
            report = build(jobs, scratch / "out", workers=workers)
            errors += [f"{r.job.label}: {r.error}" for r in report.failed]
    except HandoutsError as exc:
        errors = [str(exc)]
    finally:
        use_project(project if project != Project.bundled() else None)
        shutil.rmtree(scratch, ignore_errors=True)
    if errors:
        raise TranslationError(
            f"{origin}: nothing imported; {len(errors)} problem(s):\n  - "
            + "\n  - ".join(e.replace(str(scratch / "content"), str(project.content)) for e in errors)
        )


def _names_only(problem: str, fields: set[str]) -> bool:
    """Whether a problem is about one of these fields, or about no field in particular (a page that no longer fits)."""
    named = re.findall(r"\(field ([^)]+)\)", problem)
    return not named or any(name in fields for name in named)
