"""Load and validate handouts: their specs (handout.yaml) and their text per language.

Every problem found in a file is collected, and the error lists them all with
file, line and field, so one run tells an editor everything to fix.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from .claims import load_claims
from .content_schema import SCHEMA_CHECKS
from .errors import ContentError, UsageError
from .facts import Fact, load_facts
from .locales import LANGUAGES, get_language
from .model import KINDS, ContactSpec, Content, HandoutSpec, PosterSpec
from .placeholders import ALLOWED_PLACEHOLDERS, placeholders, unpaired_brace, walk_text
from .resources import content_dir, register_cache, templates_dir
from .sizes import SIZES
from .yamlfile import FieldPath, YamlDoc, load_yaml

SOURCE_LANGUAGE = "en"
COMMON = "common"
STATUSES = ("draft", "reviewed")
SHOW = ("phone", "qr")


def _problems_error(path: Path, problems: list[str]) -> ContentError:
    head = f"{path}: {len(problems)} problem(s):" if len(problems) > 1 else problems[0]
    message = head + ("".join(f"\n  - {p}" for p in problems) if len(problems) > 1 else "")
    return ContentError(message, problems)


@register_cache
@cache
def handout_keys() -> tuple[str, ...]:
    root = content_dir()
    return tuple(sorted(p.parent.name for p in root.glob("*/handout.yaml")))


def get_handout(key: str) -> HandoutSpec:
    if key not in handout_keys():
        raise UsageError(f"Unknown handout '{key}'. Valid handouts: {', '.join(handout_keys())}.")
    return _load_spec(key)


@register_cache
@cache
def _load_spec(key: str) -> HandoutSpec:
    folder = content_dir() / key
    doc = load_yaml(folder / "handout.yaml")
    raw = doc.data if isinstance(doc.data, dict) else {}
    problems: list[str] = []

    def need(name: str, kind: type) -> Any:
        value = raw.get(name)
        if not isinstance(value, kind) or not value:
            problems.append(f"{doc.where(name)}: '{name}' is required ({kind.__name__}).")
        return value

    name, template = need("name", str), need("template", str)
    sizes, defaults = need("sizes", list) or [], need("default_sizes", list) or []
    for i, size in enumerate(sizes):
        if size not in SIZES:
            problems.append(f"{doc.where('sizes', i)}: unknown size '{size}'; valid sizes: {', '.join(SIZES)}.")
    for i, size in enumerate(defaults):
        if size not in sizes:
            problems.append(f"{doc.where('default_sizes', i)}: default size '{size}' is not in 'sizes'.")
    facts = load_facts()
    contacts = []
    for i, item in enumerate(raw.get("contacts") or []):
        if not isinstance(item, dict) or item.get("fact") not in facts:
            problems.append(
                f"{doc.where('contacts', i)}: unknown fact '{(item or {}).get('fact')}'; "
                "every contact must name a key from content/facts.yaml."
            )
            continue
        show = tuple(item.get("show") or ())
        if not show or any(s not in SHOW for s in show):
            problems.append(f"{doc.where('contacts', i, 'show')}: 'show' must list phone and/or qr.")
        contacts.append(ContactSpec(item["fact"], show))
    kind = raw.get("kind") or "flyer"
    pages, limits = raw.get("pages", 1), {}
    if isinstance(pages, dict):  # pages: {flyer: 2, poster: 1}
        limits = pages
        pages = max(pages.values(), default=1)
    if not isinstance(pages, int) or pages < 1 or not all(isinstance(v, int) and v >= 1 for v in limits.values()):
        problems.append(
            f"{doc.where('pages')}: pages must be a number, or a number per size kind such as {{flyer: 2, poster: 1}}."
        )
        pages, limits = 1, {}
    most = raw.get("most_pages") or {}
    if not isinstance(most, dict) or not all(
        k in ("flyer", "poster") and isinstance(v, int) and v >= 1 for k, v in most.items()
    ):
        problems.append(
            f"{doc.where('most_pages')}: most_pages gives, per size kind, how many pages text that does not "
            "fit may flow onto, such as {flyer: 4, poster: 2}."
        )
        most = {}
    panels = raw.get("trifold_panels") or []
    if not isinstance(panels, list) or not all(isinstance(n, int) and n >= 1 for n in panels):
        problems.append(
            f"{doc.where('trifold_panels')}: trifold_panels must list how many sections each "
            "brochure panel holds, such as [2, 3]."
        )
        panels = []
    icons = icon_names(doc, raw.get("section_icons"), ("section_icons",), problems)
    poster = _poster_spec(doc, raw.get("poster"), contacts, facts, problems)
    languages = raw.get("languages") or []
    if not isinstance(languages, list) or any(code not in LANGUAGES for code in languages):
        problems.append(f"{doc.where('languages')}: 'languages' lists language codes, e.g. [en, es].")
        languages = []
    if kind not in KINDS:
        problems.append(f"{doc.where('kind')}: kind must be one of {', '.join(KINDS)}, not '{kind}'.")
    if template and not (templates_dir() / str(template)).is_file():
        problems.append(f"{doc.where('template')}: no template named '{template}' in templates/.")
    if problems:
        raise _problems_error(doc.path, problems)
    return HandoutSpec(
        key=key,
        name=name,
        audience=raw.get("audience", "patients"),
        template=template,
        sizes=tuple(sizes),
        default_sizes=tuple(defaults),
        pages=pages,
        english_only=tuple(raw.get("english_only") or ()),
        contacts=tuple(contacts),
        folder=folder,
        kind=kind,
        page_limits=tuple(sorted(limits.items())),
        most_pages=tuple(sorted(most.items())),
        break_before=raw.get("break_before_section"),
        clinic_telehealth=bool(raw.get("clinic_telehealth", False)),
        trifold_panels=tuple(panels),
        section_icons=tuple(icons),
        poster=poster,
        languages=tuple(languages),
    )


MAX_POSTER_QR = 2


def icon_names(doc: YamlDoc, raw: Any, path: FieldPath, problems: list[str]) -> list[str]:
    """A list of pictogram names in handout.yaml, each a file in templates/icons/."""
    icons = raw or []
    if not isinstance(icons, list) or not all(isinstance(n, str) for n in icons):
        problems.append(f"{doc.where(*path)}: {path[-1]} must list icon names, such as [door, phone].")
        return []
    for i, name in enumerate(icons):
        if not (templates_dir() / "icons" / f"{name}.svg").is_file():
            problems.append(f"{doc.where(*path, i)}: no icon '{name}' in templates/icons/.")
    return icons


def _poster_spec(
    doc: YamlDoc, raw: Any, contacts: list[ContactSpec], facts: dict[str, Fact], problems: list[str]
) -> PosterSpec | None:
    """handout.yaml's `poster`: {hotline: FACT, qr: [FACT, ...], icons: [NAME, ...]}."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(f"{doc.where('poster')}: poster must be a table with hotline, qr and icons.")
        return None
    listed = {c.fact for c in contacts}
    hotline = raw.get("hotline")
    if hotline not in listed or not facts[hotline].display:
        problems.append(
            f"{doc.where('poster', 'hotline')}: hotline must be one of this handout's contacts with a phone number."
        )
    qr = raw.get("qr") or []
    if not isinstance(qr, list) or not 1 <= len(qr) <= MAX_POSTER_QR:
        problems.append(f"{doc.where('poster', 'qr')}: qr must list one or two contacts whose QR code is printed.")
        qr = []
    with_qr = {c.fact for c in contacts if "qr" in c.show}
    for i, key in enumerate(qr):
        if key not in with_qr or not facts[key].qr_url:
            problems.append(
                f"{doc.where('poster', 'qr', i)}: '{key}' is not a contact of this handout shown with a QR code."
            )
    icons = icon_names(doc, raw.get("icons"), ("poster", "icons"), problems)
    return PosterSpec(str(hotline), tuple(qr), tuple(icons))


def available_languages(handout: str) -> tuple[str, ...]:
    folder = content_dir() / handout
    return tuple(code for code in LANGUAGES if (folder / f"{code}.yaml").is_file())


def _check_meta(doc: YamlDoc, lang: str, problems: list[str]) -> dict[str, Any]:
    meta = doc.data.get("meta") if isinstance(doc.data, dict) else None
    if not isinstance(meta, dict):
        problems.append(f"{doc.where('meta')}: a 'meta:' block is required (language, status, written_by, ...).")
        return {}
    if meta.get("language") != lang:
        problems.append(f"{doc.where('meta', 'language')}: says '{meta.get('language')}' but the file is {lang}.yaml.")
    if lang != SOURCE_LANGUAGE:
        for name in ("status", "reviewed_by", "reviewed_on"):
            if name in meta:
                problems.append(
                    f"{doc.where('meta', name)}: a translation keeps its review state per string, in "
                    f"{lang}.review.yaml (see `handouts translations sign`); remove '{name}' from meta."
                )
    elif meta.get("status") not in STATUSES:
        problems.append(f"{doc.where('meta', 'status')}: status must be 'draft' or 'reviewed'.")
    if not meta.get("written_by"):
        problems.append(f"{doc.where('meta', 'written_by')}: say who wrote or translated this text.")
    for name in ("written_on", "as_of"):
        if not isinstance(meta.get(name), dt.date):
            problems.append(f"{doc.where('meta', name)}: '{name}' must be a date written as YYYY-MM-DD.")
    if meta.get("status") == "reviewed" and (
        not meta.get("reviewed_by") or not isinstance(meta.get("reviewed_on"), dt.date)
    ):
        problems.append(
            f"{doc.where('meta', 'status')}: a reviewed text needs reviewed_by (the person who "
            "checked it) and reviewed_on (YYYY-MM-DD)."
        )
    return meta


def _check_placeholders(
    doc: YamlDoc, data: dict[str, Any], facts: dict[str, Fact], problems: list[str], say: frozenset[str] = frozenset()
) -> None:
    claims = load_claims()
    for path, text in walk_text(data):
        for placeholder in placeholders(text):
            name, key = placeholder.raw, placeholder.key
            if placeholder.kind == "fact":
                if key not in facts:
                    problems.append(f"{doc.where(*path)}: unknown fact '{key}' in {{{name}}}.")
            elif placeholder.is_claim:
                if key not in claims:
                    problems.append(
                        f"{doc.where(*path)}: unknown claim '{key}' in {{{name}}}; "
                        "claims are listed in content/claims.yaml."
                    )
                elif placeholder.kind == "cite" and not claims[key].cite:
                    problems.append(f"{doc.where(*path)}: claim '{key}' has no 'cite' to print for {{{name}}}.")
            elif placeholder.kind == "say":
                if key not in say:
                    known = f" ({', '.join(sorted(say))})" if say else ""
                    problems.append(
                        f"{doc.where(*path)}: unknown sentence in {{{name}}}; see 'say:' in common/en.yaml{known}."
                    )
            elif name not in ALLOWED_PLACEHOLDERS:
                problems.append(
                    f"{doc.where(*path)}: unknown placeholder {{{name}}}; use {{fact:KEY}}, {{claim:KEY}}, "
                    "{cite:KEY}, {say:KEY} or one of "
                    f"{', '.join('{' + p + '}' for p in sorted(ALLOWED_PLACEHOLDERS))}."
                )
        if unpaired_brace(text):
            problems.append(f"{doc.where(*path)}: a '{{' or '}}' without its pair; placeholders look like {{checked}}.")


def content_path(handout: str, lang: str) -> Path:
    return content_dir() / handout / f"{lang}.yaml"


def load_content(handout: str, lang: str) -> Content:
    get_language(lang)
    if handout != COMMON:
        get_handout(handout)  # an unknown handout is a usage error, listing the valid ones
    path = content_path(handout, lang)
    if not path.is_file():
        have = available_languages(handout)
        raise ContentError(
            f"{path}: there is no {get_language(lang).english_name} text for '{handout}'. "
            f"Languages with text: {', '.join(have) or 'none'}."
        )
    return _load_content_file(handout, lang, path, path.stat().st_mtime_ns)


@register_cache
@cache
def _load_content_file(handout: str, lang: str, path: Path, _mtime: int) -> Content:
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise ContentError(f"{path}: expected fields such as 'meta:' and 'title:' at the top level.")
    problems: list[str] = []
    meta = _check_meta(doc, lang, problems)
    data = {k: v for k, v in doc.data.items() if k != "meta"}
    facts = load_facts()
    if handout == COMMON:
        _check_placeholders(doc, data, facts, problems)
        strings = data.get("strings")
        if not isinstance(strings, dict):
            problems.append(f"{doc.where('strings')}: a 'strings:' block is required.")
        say = data.get("say", {})
        if not isinstance(say, dict) or not all(isinstance(v, str) and v.strip() for v in say.values()):
            problems.append(f"{doc.where('say')}: 'say:' holds one sentence (text) per key.")
    else:
        say = frozenset(load_content(COMMON, SOURCE_LANGUAGE).data.get("say", {}))  # the sentences {say:KEY} names
        _check_placeholders(doc, data, facts, problems, say)
        spec = get_handout(handout)
        SCHEMA_CHECKS[spec.kind](doc, data, spec, lang == SOURCE_LANGUAGE, problems)
        if lang != SOURCE_LANGUAGE:
            for key in spec.english_only:
                if key in data:
                    problems.append(
                        f"{doc.where(key)}: '{key}' is printed in English only; remove it from {lang}.yaml."
                    )
    if problems:
        raise _problems_error(path, problems)
    return Content(handout=handout, lang=lang, meta=meta, data=data, doc=doc)
